"""Processes and pages for the browser tests: a real `streamlit run` on loopback,
Debian's chromium through Playwright, and nothing allowed off this machine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from dashboard.store import Store
from dashboard.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = ("127.0.0.1", "localhost", "::1", "")
PASSWORD = "mot-de-passe-equipe-2020"

# Set by tests/e2e/conftest.py under --store=postgres: the URL of a database holding
# a copy of a data folder (the same database for the same folder, so a restarted
# app finds what was committed). Every app is then started on a database.
database_for: Callable[[Path], str] | None = None


def serve_from_database(data: Path, env: dict[str, str]) -> None:
    """Point a server's environment at the database copy of `data`; the folder
    itself is replaced by an empty one (nothing is read from or written to it)."""
    if database_for is None:
        return
    unused = data.parent / f"{data.name}-not-the-store"
    unused.mkdir(exist_ok=True)
    env["DASHBOARD_DATABASE_URL"] = database_for(data)
    env["DASHBOARD_CACHE_DIR"] = str(data.parent / f"{data.name}-store-cache")
    env["DASHBOARD_DATA_DIR"] = str(unused)


def committed(data: Path, dataset: str) -> bytes:
    """A dataset's current file in the store an app started on `data` uses (the
    folder, or under --store=postgres its database)."""
    if database_for is None:
        found = Store(data).read_current(dataset)
    else:
        database = PostgresStore(database_for(data), cache_dir=data.parent / "reader-cache")
        try:
            found = database.read_current(dataset)
        finally:
            database.close()
    assert found is not None, dataset
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def spawn(args: Sequence[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    handle = open(log, "wb")  # noqa: SIM115 - the process writes to it until stopped
    return subprocess.Popen(
        list(args),
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start_app(
    data: Path,
    log: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: Sequence[str] = (),
    port: int | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run streamlit_app.py` on a free loopback port; returns (process, url)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DASHBOARD_DATA_DIR": str(data),
        "DASHBOARD_STAFF_PASSWORD": PASSWORD,
        **(extra_env or {}),
    }
    for key in (
        "DASHBOARD_VIEWER_TOKEN",
        "DASHBOARD_CONFIDENTIAL_EVALUATIONS",
        "DASHBOARD_DATABASE_URL",
    ):
        if extra_env is None or key not in extra_env:
            env.pop(key, None)
    if "DASHBOARD_DATABASE_URL" not in env:
        serve_from_database(data, env)
    process = spawn(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            *extra_args,
        ],
        log,
        env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/_stcore/health")
    except TimeoutError:
        stop(process)
        raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}") from None
    return process, url


# Pseudo-URLs a page uses without touching the network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def is_outside(url: str) -> bool:
    """A request that would leave this machine."""
    parts = urlparse(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOOPBACK


def app_ready(page: Page, timeout: int = 60_000) -> None:
    """The app has drawn its first page: the shell and a title."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    expect(page.locator("h1").first).to_be_visible(timeout=timeout)
    settle(page)


def settle(page: Page, timeout: int = 60_000) -> None:
    """Wait until the script run is over (no 'running' status widget)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )


def sign_in(page: Page, password: str = PASSWORD) -> None:
    page.get_by_text("Connexion équipe").first.click()
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_text("Connecté·e (équipe)")).to_be_visible(timeout=30_000)
    settle(page)


def nav_links(page: Page) -> list[tuple[str, str]]:
    """(label, href) of every page link in the sidebar navigation."""
    links = page.locator('[data-testid="stSidebarNavLink"]')
    out = []
    for i in range(links.count()):
        text = links.nth(i).inner_text().strip().splitlines()  # the icon, then the label
        out.append((text[-1].strip() if text else "", links.nth(i).get_attribute("href") or ""))
    return out


def no_exception(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")
