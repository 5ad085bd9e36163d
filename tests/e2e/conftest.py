"""Real-browser fixtures: one `streamlit run` per session, one Chromium page per test.

The server runs on a copy of the demo data. Every request the page makes is
recorded; after each test, a request to any host but loopback fails the test
(the machine has no other network, and the app must not need one). A failed
test leaves a screenshot in `test-artifacts/<test name>.png`.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests import conftest
from tests.conftest import copy_demo
from tests.e2e import harness
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, PASSWORD, ROOT, is_outside, start_app, stop

ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class Traffic:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return sorted({url for url in self.requests if is_outside(url)})


@pytest.fixture(scope="session", autouse=True)
def _apps_on_postgres(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Under --store=postgres every `streamlit run` of these tests reads and writes a
    database holding a copy of its data folder (on the session's server)."""
    if not conftest.on_postgres():
        yield
        return
    pg_server = request.getfixturevalue("pg_server")
    made: dict[Path, str] = {}

    def database_for(folder: Path) -> str:
        folder = folder.resolve()
        if folder not in made:
            made[folder] = pg_server.database()
            cache = tmp_path_factory.mktemp("copy-cache")
            conftest.load_into_database(folder, made[folder], cache)
        return made[folder]

    harness.database_for = database_for
    try:
        yield
    finally:
        harness.database_for = None


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """`streamlit run streamlit_app.py` on a free loopback port, over a copy of the demo.

    Yields {"url", "data", "tmp", "log", "password"}: the base URL (no trailing
    slash), the data folder, a scratch folder, the server's log, the staff password.
    """
    base = tmp_path_factory.mktemp("e2e")
    scratch = base / "tmp"
    scratch.mkdir()
    data_dir = copy_demo(base / "data")
    log = base / "streamlit.log"
    process, url = start_app(data_dir, log)
    try:
        yield {"url": url, "data": data_dir, "tmp": scratch, "log": log, "password": PASSWORD}
    finally:
        stop(process)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    # Playwright cannot fetch its own browser here: Debian's Chromium, fresh profile.
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _screenshot(page: Page, name: str) -> Path | None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # a crashed page must not hide the test's own failure
        return None
    return path


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser: Browser, traffic: Traffic, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A 1440×900 page that records every request; only loopback may be contacted."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("request", lambda req: traffic.requests.append(req.url))
    page.on("requestfailed", lambda req: traffic.failed.append(f"{req.url} ({req.failure})"))
    page.on("websocket", lambda ws: traffic.requests.append(ws.url))
    try:
        yield page
        call = getattr(request.node, "rep_call", None)
        outside = traffic.outside()
        if (call is not None and call.failed) or outside:
            _screenshot(page, request.node.name)
        assert not outside, (
            f"{len(outside)} request(s) left loopback:\n"
            + "\n".join(outside)
            + ("\nfailed requests:\n" + "\n".join(traffic.failed) if traffic.failed else "")
        )
    finally:
        context.close()
