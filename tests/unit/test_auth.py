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


@pytest.mark.parametrize(
    ("email", "verified", "expected"),
    [
        ("claire@pasdecalais-tourisme.example", True, True),
        ("claire@pasdecalais-tourisme.example", False, False),
        ("claire@pasdecalais-tourisme.example", None, False),
        ("claire@pasdecalais-tourisme.example", "true", False),
        ("eve@evil.example@pasdecalais-tourisme.example", True, False),
        ('"eve@evil.example"@pasdecalais-tourisme.example', True, False),
        ("Eve <eve@pasdecalais-tourisme.example>", True, False),
        ("eve@pasdecalais-tourisme.example ", True, False),
        ("eve@[127.0.0.1]", True, False),
    ],
)
def test_staff_identity_needs_a_verified_plain_address(
    email: str, verified: object, expected: bool
) -> None:
    domains = auth.split_setting(["pasdecalais-tourisme.example"])
    assert auth.is_staff_identity(email, (), domains, verified=verified) is expected


def test_oidc_settings_complete_or_named_missing() -> None:
    complete = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "all",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
    }
    assert auth.oidc_missing(complete) == []
    assert auth.oidc_missing({}) == [*auth.OIDC_SHARED_KEYS, *auth.OIDC_PROVIDER_KEYS]
    assert auth.oidc_missing({**complete, "client_secret": " "}) == ["client_secret"]
    assert auth.oidc_missing("not a table") != []


TRUSTED = auth.proxy_networks(["10.0.0.5", "192.168.1.0/24"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", None, (), "203.0.113.7"),
        # a client's own header is ignored when its peer is no trusted proxy
        ("203.0.113.7", "198.51.100.1", TRUSTED, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", (), "203.0.113.7"),
        # through a trusted proxy: the hop before it
        ("10.0.0.5", "198.51.100.1", TRUSTED, "198.51.100.1"),
        ("10.0.0.5", "1.1.1.1, 198.51.100.1, 192.168.1.9", TRUSTED, "198.51.100.1"),
        # uvicorn already replaced a loopback peer by the header's hop: back to loopback
        ("198.51.100.1", "198.51.100.1", (), "127.0.0.1"),
        (None, "127.0.0.1", (), "127.0.0.1"),
        # a proxy on this machine, named in the settings
        ("198.51.100.1", "198.51.100.1", auth.proxy_networks("127.0.0.1"), "198.51.100.1"),
    ],
)
def test_client_address_honours_forwarded_for_only_from_named_proxies(
    peer: str | None, forwarded: str | None, trusted: tuple[auth.IPNetwork, ...], expected: str
) -> None:
    assert auth.client_address(peer, forwarded, trusted) == expected


def test_forged_forwarded_for_gets_no_fresh_count() -> None:
    seen = {auth.client_address(f"198.51.100.{n}", f"198.51.100.{n}", ()) for n in range(1, 20)}
    assert seen == {"127.0.0.1"}


def test_proxy_setting_with_a_typo_is_refused() -> None:
    with pytest.raises(ValueError):
        auth.proxy_networks("10.0.0.300")
