"""Role rules: passwords, what viewers never receive, who may run a query."""

from __future__ import annotations

import pytest

from dashboard import auth
from dashboard.queries import db


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
    assert db.audience("task_states") == "all"
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


def test_viewer_token() -> None:
    assert auth.token_ok(None, None) and auth.token_ok("anything", "")
    assert auth.token_ok("noir-2020", "noir-2020")
    assert not auth.token_ok(None, "noir-2020")
    assert not auth.token_ok("noir-2019", "noir-2020")
    assert not auth.token_ok("noir-2020 ", "noir-2020")


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("claire@pasdecalais-tourisme.example", True),
        ("CLAIRE@PasDeCalais-Tourisme.example", True),
        ("chef@louvrelens.example", True),
        ("partner@louvrelens.example.org", False),
        ("someone@example.jp", False),
        ("not-an-email", False),
        (None, False),
    ],
)
def test_staff_identity(email: str | None, expected: bool) -> None:
    emails = auth.split_setting("chef@louvrelens.example")
    domains = auth.split_setting(["pasdecalais-tourisme.example"])
    assert auth.is_staff_identity(email, emails, domains) is expected


def test_split_setting() -> None:
    assert auth.split_setting(" a@x.fr, B@Y.fr ,") == ("a@x.fr", "b@y.fr")
    assert auth.split_setting(["x.fr"]) == ("x.fr",)
    assert auth.split_setting(None) == ()


def test_throttle_slows_a_client_and_forgets() -> None:
    throttle = auth.Throttle(window=60)
    assert throttle.delay("1.2.3.4", now=0) == 0
    for t in range(4):
        throttle.failed("1.2.3.4", now=t)
    assert throttle.delay("1.2.3.4", now=5) == 8
    assert throttle.delay("5.6.7.8", now=5) == 0  # another client is not slowed
    assert throttle.delay("1.2.3.4", now=100) == 0  # forgotten after the window
    throttle.failed("1.2.3.4", now=101)
    throttle.succeeded("1.2.3.4")
    assert throttle.delay("1.2.3.4", now=102) == 0
