"""Role rules: passwords, what viewers never receive, who may run a query."""

from __future__ import annotations

import pytest

from dashboard import auth, db


def test_argon2_hash_is_verified_and_preferred_over_plain() -> None:
    hashed = auth.hash_password("mois-noir")
    assert hashed.startswith("$argon2")
    assert auth.verify_password("mois-noir", plain=None, hashed=hashed)
    assert not auth.verify_password("mois-blanc", plain=None, hashed=hashed)
    # with a hash configured, the plain setting does not open the door
    assert not auth.verify_password("plain", plain="plain", hashed=hashed)


def test_plain_password_and_empty_candidate() -> None:
    assert auth.verify_password("local", plain="local", hashed=None)
    assert not auth.verify_password("", plain="local", hashed=None)
    assert not auth.verify_password("x", plain=None, hashed=None)
    assert not auth.verify_password("x", plain=None, hashed="not-a-hash")


def test_failed_attempts_are_slowed_down() -> None:
    delays = [auth.failure_delay(n) for n in range(6)]
    assert delays[0] == 0
    assert delays[1:] == sorted(delays[1:]) and delays[-1] == 8


def test_viewer_never_gets_personal_or_price_columns() -> None:
    columns = ["name", "email", "phone", "contact_name", "price_eur", "juror", "comment", "score"]
    assert auth.visible_columns(columns, "viewer") == ["name", "score"]
    assert auth.visible_columns(columns, "staff") == columns


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, ("choix-agence",)),
        ("", ()),
        ("choix-agence, appel-2021", ("choix-agence", "appel-2021")),
    ],
)
def test_confidential_evaluations_setting(setting: str | None, expected: tuple[str, ...]) -> None:
    assert auth.confidential_evaluations(setting) == expected


def test_query_audience() -> None:
    assert db.audience("tasks") == "all"
    assert auth.may_run("staff", "staff") and not auth.may_run("staff", "viewer")
    assert auth.may_run("all", "viewer")


def test_every_page_is_open_to_staff() -> None:
    assert set(auth.pages_for("staff")) == set(auth.PAGES)
    assert set(auth.pages_for("viewer")) <= set(auth.pages_for("staff"))


def test_every_registered_page_exists_and_has_a_title() -> None:
    from pathlib import Path

    from dashboard.i18n import has

    root = Path(__file__).resolve().parents[2]
    for name, spec in auth.PAGES.items():
        assert (root / spec.file).is_file(), spec.file
        assert has(f"nav.{name}", "fr") and has(f"nav.{name}", "en")
