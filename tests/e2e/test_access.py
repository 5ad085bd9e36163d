"""Access in a real browser: the shared link's token, staff by password, staff by
OpenID Connect through a real provider process on loopback, and a viewer asking
for a staff page's URL."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import copy_demo
from tests.e2e.harness import (
    PASSWORD,
    ROOT,
    app_ready,
    free_port,
    spawn,
    start_app,
    stop,
    wait_for,
)

TOKEN = "noir-2020-partenaires"

STAFF = "claire@pasdecalais-tourisme.example"
OUTSIDER = "guest@example.org"
# on the staff domain, but the provider does not vouch for the address
UNVERIFIED = "nadia@pasdecalais-tourisme.example"
# verified, but not one address: the part after the first @ is another domain
FORGED = "eve@evil.example@pasdecalais-tourisme.example"


def claims(email: str, verified: bool) -> str:
    return json.dumps({"sub": email, "email": email, "email_verified": verified})


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An OIDC provider and the dashboard, configured with a token and both sign-ins."""
    tmp = tmp_path_factory.mktemp("access")
    data = copy_demo(tmp / "data")
    idp_port, app_port = free_port(), free_port()
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("DASHBOARD_STAFF_PASSWORD", None)
    idp = spawn(
        [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--port",
            str(idp_port),
            "--user-claims",
            claims(STAFF, True),
            "--user-claims",
            claims(OUTSIDER, True),
            "--user-claims",
            claims(UNVERIFIED, False),
            "--user-claims",
            claims(FORGED, True),
        ],
        tmp / "idp.log",
        env,
    )
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        f"""
[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "a-long-random-cookie-secret-for-tests-only"
client_id = "all-dashboard"
client_secret = "all-dashboard-secret"
server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"

[dashboard]
viewer_token = "{TOKEN}"
staff_domains = ["pasdecalais-tourisme.example"]
""",
        encoding="utf-8",
    )
    try:
        wait_for(f"http://127.0.0.1:{idp_port}/.well-known/openid-configuration")
        app, url = start_app(
            data, tmp / "app.log", extra_args=["--secrets.files", str(secrets)], port=app_port
        )
    except BaseException:
        stop(idp)
        raise
    try:
        yield {"app": url, "idp": f"http://127.0.0.1:{idp_port}"}
    finally:
        stop(app)
        stop(idp)


@pytest.fixture
def page(
    browser: Browser, servers: dict[str, str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    outside: list[str] = []

    def record(req: object) -> None:
        url = req.url  # type: ignore[attr-defined]
        host = urlparse(url).hostname or ""
        # the test provider's own page links a stylesheet on a CDN; our app must not
        if host not in ("127.0.0.1", "localhost", "") and tab.url.startswith(servers["app"]):
            outside.append(url)

    tab.on("request", record)
    # nothing leaves this machine, whoever asks
    tab.route(
        "**/*",
        lambda route: (
            route.abort()
            if (urlparse(route.request.url).hostname or "") not in ("127.0.0.1", "localhost")
            else route.continue_()
        ),
    )
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        tab.screenshot(path=str(ROOT / "test-artifacts" / f"{request.node.name}.png"))
    context.close()
    assert outside == [], outside


def go_to_provider(page: Page, servers: dict[str, str]) -> None:
    """Click the identity provider's button until the browser goes there: a click that
    lands while Streamlit is still finishing a run can be dropped by the page."""
    button = page.get_by_role("button", name="Se connecter avec le compte de l'organisation")
    for _ in range(3):
        button.click()
        try:
            page.wait_for_url(servers["idp"] + "/**", timeout=20_000, wait_until="commit")
            return
        except PlaywrightTimeout:
            if page.url.startswith(servers["idp"]):
                return
    raise AssertionError(f"never sent to the identity provider; still at {page.url}")


def test_without_the_token_only_a_message(page: Page, servers: dict[str, str]) -> None:
    page.goto(servers["app"] + "/")
    app_ready(page)
    expect(page.get_by_text("n'est pas (ou plus) valable")).to_be_visible(timeout=30_000)
    body = page.inner_text("body")
    assert "Mois noir" not in body and "Parcours noir" not in body
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_the_token_opens_every_viewer_page(page: Page, servers: dict[str, str]) -> None:
    page.goto(servers["app"] + f"/?token={TOKEN}")
    app_ready(page)
    expect(page.get_by_text("La mission en un coup d'œil")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("lecture seule").first).to_be_visible()
    links = page.locator('[data-testid="stSidebarNavLink"]')
    names = [links.nth(i).inner_text() for i in range(links.count())]
    assert "Données" not in names
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Planning").click()
    expect(page.get_by_text("Planning de la mission")).to_be_visible(timeout=30_000)
    page.wait_for_function("() => new URL(location.href).searchParams.get('token') !== null")
    assert f"token={TOKEN}" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_viewer_asking_for_the_data_page_gets_nothing_of_it(
    page: Page, servers: dict[str, str]
) -> None:
    page.goto(servers["app"] + f"/data?token={TOKEN}")
    app_ready(page)
    page.wait_for_timeout(1500)
    assert page.locator('input[type="file"]').count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    body = page.inner_text("body")
    assert "Équipe projet ALL" not in body
    assert "planning-comite" not in body


def test_staff_by_password(page: Page, servers: dict[str, str]) -> None:
    page.goto(servers["app"] + "/")
    app_ready(page)
    page.get_by_text("Connexion équipe").first.click()
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_text("Mot de passe incorrect.")).to_be_visible(timeout=30_000)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_text("Connecté·e (équipe)")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("La mission en un coup d'œil")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def sign_in_with_provider(page: Page, servers: dict[str, str], who: str) -> None:
    """From the home page, through the provider's sign-in as `who`, back to the app."""
    page.goto(servers["app"] + "/")
    app_ready(page)
    page.get_by_text("Connexion équipe").first.click()
    go_to_provider(page, servers)
    page.get_by_role("button", name=who).click()
    page.wait_for_url(servers["app"] + "/**", timeout=60_000, wait_until="commit")
    app_ready(page)


def test_staff_by_openid_connect(page: Page, servers: dict[str, str]) -> None:
    sign_in_with_provider(page, servers, STAFF)
    expect(page.get_by_text("Connecté·e (équipe)")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("La mission en un coup d'œil")).to_be_visible()
    assert "lecture seule" not in page.inner_text("body")


def test_an_identity_not_on_the_staff_list_stays_a_viewer(
    page: Page, servers: dict[str, str]
) -> None:
    sign_in_with_provider(page, servers, OUTSIDER)
    expect(page.get_by_text("n'est pas (ou plus) valable")).to_be_visible(timeout=30_000)
    assert page.locator('[data-testid="stMetric"]').count() == 0


@pytest.mark.parametrize("who", [UNVERIFIED, FORGED])
def test_an_unverified_or_forged_address_on_the_staff_domain_stays_a_viewer(
    page: Page, servers: dict[str, str], who: str
) -> None:
    sign_in_with_provider(page, servers, who)
    expect(page.get_by_text("n'est pas (ou plus) valable")).to_be_visible(timeout=30_000)
    assert "Connecté·e (équipe)" not in page.inner_text("body")
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_a_name_field_offers_the_identity_signed_in(page: Page, servers: dict[str, str]) -> None:
    """Staff signed in through the provider find their identity in the "your name"
    fields of the scenarios and the attendees (the provider gives no name: the e-mail)."""
    sign_in_with_provider(page, servers, STAFF)
    expect(page.get_by_text("Connecté·e (équipe)")).to_be_visible(timeout=30_000)
    page.goto(servers["app"] + "/scoring")
    app_ready(page)
    page.get_by_text("Scénarios enregistrés (équipe)").click()
    field = page.get_by_label("Votre nom (enregistré avec le scénario)")
    expect(field).to_have_value(STAFF, timeout=30_000)
    page.goto(servers["app"] + "/actions")
    app_ready(page)
    page.get_by_text("Participants au comité du").first.click()
    expect(page.get_by_label("Votre nom (enregistré avec la liste)")).to_have_value(
        STAFF, timeout=30_000
    )
