"""The pages in a real browser: Debian's Chromium through Playwright, against a
real `streamlit run streamlit_app.py` on a free loopback port (the way the
browser tests start it, `tests/e2e/harness.py`).

For each page a role can open, the time from navigation to the page's main chart
visible and painted (`MAIN` says which element that is; `shown`), on a fresh session (a new browser
context, first visit) and on a page switch (a click on the page's link in the
sidebar navigation from another page), median of N, against a trivial app (one
chart) started the same way in the same run; and the websocket bytes the browser
receives for the page view, from the navigation until the app is idle. Then the
server's memory per open session: RSS with k sessions open and after they close.

    python -m bench.browser DATA_FOLDER [--runs 3] [--pages overview,sites]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright

from dashboard import auth
from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    sign_in,
    spawn,
    start_app,
    stop,
    wait_for,
)

VEGA = '[data-testid="stVegaLiteChart"]'
DECK = '[data-testid="stDeckGlJsonChart"]'
TABLE = '[data-testid="stDataFrame"], [data-testid="stTable"]'
UPLOADER = '[data-testid="stFileUploader"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
RUNNING = '[data-testid="stStatusWidget"]'

# The element whose appearance means "the page has shown what it is for".
MAIN: dict[str, str] = {
    "overview": VEGA,
    "timeline": VEGA,
    "sites": VEGA,
    "scoring": VEGA,
    "stakeholders": DECK,
    "actions": TABLE,
    "data": UPLOADER,  # the upload form: what the page opens on
}
ANY_MAIN = f"{VEGA}, {DECK}, {TABLE}"  # a page added later, until MAIN names its element

# The trivial app: one chart on one page, and a second page to switch from.
TRIVIAL_APP = """
import pandas as pd
import streamlit as st


def chart() -> None:
    st.title("Chart")
    st.line_chart(pd.DataFrame({"x": range(20), "y": [i * i for i in range(20)]}), x="x", y="y")


def deck() -> None:
    # the same drawing library as the stakeholders' map, offline as it is
    import pydeck as pdk

    st.title("Map")
    layer = pdk.Layer(
        "ScatterplotLayer",
        pd.DataFrame({"lat": [50.43, 50.45], "lon": [2.83, 2.79]}),
        get_position="[lon, lat]",
        get_radius=500,
        id="points",
    )
    view = pdk.ViewState(latitude=50.43, longitude=2.83, zoom=9)
    st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_provider=None))


def other() -> None:
    st.title("Other")
    st.write("A page to switch from.")


st.navigation(
    [
        st.Page(other, title="Other", default=True),
        st.Page(chart, title="Chart", url_path="chart"),
        st.Page(deck, title="Map", url_path="map"),
    ]
).run()
"""

TIMEOUT_MS = 300_000  # a page at 1000x may take minutes: measured, not failed
IDLE_S = 1.0
VIEWPORT = {"width": 1440, "height": 900}
MIB = 1024 * 1024


def main_selector(page: str) -> str:
    return MAIN.get(page, ANY_MAIN)


@dataclass
class Frames:
    """Websocket bytes the browser receives, counted from `reset()` on."""

    received: int = 0
    sockets: list[WebSocket] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("websocket", self._socket)

    def _socket(self, ws: WebSocket) -> None:
        self.sockets.append(ws)
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        self.received += len(payload.encode() if isinstance(payload, str) else payload)

    def reset(self) -> None:
        self.received = 0


def until_idle(page: Page, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Until no script run has been shown running for IDLE_S seconds."""
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if page.locator(RUNNING).count():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= IDLE_S:
            return
        page.wait_for_timeout(100)
    raise TimeoutError("the app stayed busy")


# Resolves once the browser has drawn two frames: a chart counts as shown when it is
# painted, not merely laid out. WebGL compiles a map's shaders on the page's main
# thread before its first frame; until they are compiled no frame is drawn (and no
# visibility check runs either, so a check that happened to run before the
# compiling started would report a map the screen does not show yet).
PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def shown(page: Page, selector: str, start: float) -> tuple[float, float]:
    """Seconds from `start` until the main element appeared, and until it was painted."""
    page.locator(selector).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    appeared = time.perf_counter() - start
    page.evaluate(PAINTED)
    return appeared, time.perf_counter() - start


@dataclass(frozen=True)
class View:
    seconds: float  # until the main chart was painted: the measure the ratios use
    ws_bytes: int
    appeared: float = math.nan  # until it appeared in the page (laid out, maybe not drawn)


@dataclass(frozen=True)
class App:
    url: str
    pages: tuple[str, ...]  # the navigation's pages, in order, for the role; first: default
    role: auth.Role = "viewer"

    def address(self, page: str) -> str:
        # the default page answers at the root only (its name would be "not found")
        return f"{self.url}/" if page == self.pages[0] else f"{self.url}/{page}"


@contextmanager
def session(browser: Browser) -> Iterator[tuple[Page, Frames]]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    frames = Frames()
    frames.attach(page)
    try:
        yield page, frames
    finally:
        context.close()


def visit(browser: Browser, app: App, name: str, selector: str) -> View:
    """A fresh session's first visit: the URL typed, until the main element shows."""
    with session(browser) as (page, frames):
        start = time.perf_counter()
        page.goto(app.address(name))
        appeared, seconds = shown(page, selector, start)
        until_idle(page)
        return View(seconds, frames.received, appeared)


def switch(browser: Browser, app: App, name: str, selector: str) -> View:
    """From another page of the navigation, a click on the page's link."""
    origin = next(p for p in app.pages if p != name)
    with session(browser) as (page, frames):
        page.goto(app.address(origin if app.role == "viewer" else app.pages[0]))
        page.wait_for_selector('[data-testid="stApp"]')
        until_idle(page)
        if app.role == "staff":
            sign_in(page)
            until_idle(page)
        frames.reset()
        start = time.perf_counter()
        page.locator(NAV_LINK).nth(app.pages.index(name)).click(timeout=30_000)
        appeared, seconds = shown(page, selector, start)
        until_idle(page)
        return View(seconds, frames.received, appeared)


def median_view(views: list[View]) -> dict[str, float]:
    return {
        "s": round(statistics.median(v.seconds for v in views), 3),
        "appeared_s": round(statistics.median(v.appeared for v in views), 3),
        "ws_bytes": int(statistics.median(v.ws_bytes for v in views)),
    }


def measure(
    browser: Browser, app: App, name: str, selector: str, runs: int, cold: bool = True
) -> dict[str, Any]:
    """One warm-up visit (the server has served the page once), then N of each."""
    (visit if cold else switch)(browser, app, name, selector)
    out: dict[str, Any] = {"main": selector}
    if cold:
        out["cold"] = median_view([visit(browser, app, name, selector) for _ in range(runs)])
    out["switch"] = median_view([switch(browser, app, name, selector) for _ in range(runs)])
    return out


@contextmanager
def trivial_server(tmp: Path) -> Iterator[str]:
    script = tmp / "trivial_app.py"
    script.write_text(TRIVIAL_APP, encoding="utf-8")
    port = free_port()
    process = spawn(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        tmp / "trivial.log",
        dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/_stcore/health")
        yield url
    finally:
        stop(process)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def memory(browser: Browser, url: str, pid: int, sessions: int, settle_s: float) -> dict[str, Any]:
    """RSS with `sessions` sessions open on the overview, and after they close."""
    selector = main_selector("overview")
    with session(browser) as (page, _):  # caches warm: what stays is per session
        page.goto(url)
        shown(page, selector, time.perf_counter())
        until_idle(page)
    time.sleep(settle_s)
    before = rss_mib(pid)
    contexts = []
    for _ in range(sessions):
        context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(url)
        shown(page, selector, time.perf_counter())
        until_idle(page)
        contexts.append(context)
    opened = rss_mib(pid)
    for context in contexts:
        context.close()
    time.sleep(settle_s)
    closed = rss_mib(pid)
    return {
        "sessions": sessions,
        "rss_before_mib": round(before, 1),
        "rss_open_mib": round(opened, 1),
        "rss_closed_mib": round(closed, 1),
        "per_session_mib": round((opened - before) / sessions, 2),
        "returned_mib": round(opened - closed, 1),
        "kept_per_session_mib": round((closed - before) / sessions, 2),
    }


def run(
    folder: Path,
    runs: int = 3,
    pages: list[str] | None = None,
    staff: bool = True,
    sessions: int = 10,
    session_ttl_s: int = 2,
    budget_s: float | None = None,
) -> dict[str, Any]:
    """Every browser measure on one data folder (see the module's docstring);
    pages not started within `budget_s` are reported as skipped."""
    deadline = time.monotonic() + budget_s if budget_s else math.inf
    wanted = list(auth.PAGES) if pages is None else pages
    viewer = [p for p in wanted if "viewer" in auth.PAGES[p].roles]
    staff_only = [p for p in wanted if staff and "viewer" not in auth.PAGES[p].roles]
    out: dict[str, Any] = {"runs": runs}
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as playwright:
        tmp = Path(tmp_name)
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            with trivial_server(tmp) as url:
                trivial = measure(browser, App(url, ("", "chart", "map")), "chart", VEGA, runs)
                # a map page's floor: deck.gl's own code loads and starts on first use
                trivial_map = measure(browser, App(url, ("", "chart", "map")), "map", DECK, runs)
            out["trivial"] = trivial
            out["trivial_map"] = trivial_map
            # closed sessions are dropped after server.disconnectedSessionTTL (120 s by
            # default): shortened here so that "returned" is measured in seconds
            process, url = start_app(
                folder,
                tmp / "app.log",
                extra_args=("--server.disconnectedSessionTTL", str(session_ttl_s)),
            )
            try:
                results: dict[str, Any] = {}
                apps = {
                    "viewer": App(url, tuple(auth.pages_for("viewer"))),
                    "staff": App(url, tuple(auth.pages_for("staff")), "staff"),
                }
                for name in viewer + staff_only:
                    role: auth.Role = "viewer" if name in viewer else "staff"
                    if time.monotonic() > deadline:
                        results[name] = {"role": role, "skipped": f"budget of {budget_s} s"}
                        continue
                    started = time.perf_counter()
                    try:
                        r = measure(
                            browser,
                            apps[role],
                            name,
                            main_selector(name),
                            runs,
                            cold=role == "viewer",
                        )
                    except Exception as exc:  # one page failing must not hide the others
                        results[name] = {"role": role, "error": repr(exc)[:300]}
                        continue
                    r["role"] = role
                    for kind in ("cold", "switch"):
                        if kind in r:
                            r[kind]["ratio"] = round(r[kind]["s"] / trivial[kind]["s"], 2)
                            r[kind]["appeared_ratio"] = round(
                                r[kind]["appeared_s"] / trivial[kind]["appeared_s"], 2
                            )
                            r[kind]["ws_mib"] = round(r[kind]["ws_bytes"] / MIB, 3)
                            if r["main"] == DECK:
                                r[kind]["ratio_to_map"] = round(
                                    r[kind]["s"] / trivial_map[kind]["s"], 2
                                )
                    results[name] = r
                    print(f"    {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
                out["pages"] = results
                if sessions > 0:
                    out["memory"] = memory(browser, url, process.pid, sessions, session_ttl_s + 3)
                    out["memory"]["session_ttl_s"] = session_ttl_s
            finally:
                stop(process)
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=None, help="comma-separated (default: every page)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--no-staff", action="store_true")
    parser.add_argument("--budget", type=float, default=None, help="seconds for the pages")
    args = parser.parse_args(argv)
    pages = args.pages.split(",") if args.pages else None
    result = run(
        args.folder, args.runs, pages, not args.no_staff, args.sessions, budget_s=args.budget
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
