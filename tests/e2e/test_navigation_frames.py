"""What a viewer's browser receives names only the pages a viewer may open, from
the very first websocket frame on: every frame is decoded (Streamlit's protobuf
ForwardMsg) and the page lists it carries (the new session's, the navigation's)
are read, and the raw bytes are searched for the staff pages' files.

In Streamlit 1.67 the first frame of a run (`new_session`) carries the page list
of the session's previous `st.navigation`; before the first one, only the main
script under the name of the path the browser asked for (PagesManager.get_pages).
No folder is scanned unless a `pages/` folder sits beside the main script, which is
why the pages live in `app_pages/`. So a viewer who types a staff page's address
gets that name echoed back once, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from dashboard import auth

pytestmark = pytest.mark.e2e

WAIT = 30_000
MAIN = '[data-testid="stMain"]'
NAV_LINK = 'a[data-testid="stSidebarNavLink"]'
STAFF_ONLY = [name for name, spec in auth.PAGES.items() if "viewer" not in spec.roles]


def record(page: Page) -> list[bytes]:
    frames: list[bytes] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_socket)
    return frames


def page_lists(frames: list[bytes]) -> list[tuple[str, list[str]]]:
    """(message, page names and paths) of every page list in the frames."""
    out = []
    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            pages = msg.new_session.app_pages
        elif kind == "navigation":
            pages = msg.navigation.app_pages
        else:
            continue
        out.append((kind, [n for p in pages for n in (p.page_name, p.url_pathname) if n]))
    return out


def staff_files_in(frames: list[bytes]) -> list[str]:
    found = []
    for name in STAFF_ONLY:
        path = Path(auth.PAGES[name].file)
        for needle in (str(path).encode(), path.name.encode()):
            found += [f"{needle!r} in frame {i}" for i, f in enumerate(frames) if needle in f]
    return found


def wait_idle(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT
    )
    expect(page.locator(f"{MAIN} h1").first).to_be_visible(timeout=WAIT)


def test_a_viewer_never_receives_a_staff_page(page: Page, server: dict[str, object]) -> None:
    frames = record(page)
    url = str(server["url"])
    page.goto(url + "/")
    wait_idle(page)
    # every page of the viewer's navigation, by link (the same session) and by URL
    for href in [
        page.locator(NAV_LINK).nth(i).get_attribute("href") or ""
        for i in range(page.locator(NAV_LINK).count())
    ]:
        page.locator(f'{NAV_LINK}[href="{href}"]').click()
        page.wait_for_timeout(300)
        wait_idle(page)
    for name in auth.pages_for("viewer"):
        page.goto(f"{url}/{name}")
        wait_idle(page)

    lists = page_lists(frames)
    assert any(kind == "navigation" for kind, _ in lists), "no navigation frame decoded"
    assert lists[0][0] == "new_session"
    # the decoding reads the page lists: the viewer's own pages are in them
    listed = {n for kind, names in lists if kind == "navigation" for n in names}
    assert set(auth.pages_for("viewer")) - {"overview"} <= listed, listed
    leaked = [(kind, names) for kind, names in lists if set(names) & set(STAFF_ONLY)]
    assert not leaked, leaked
    assert not staff_files_in(frames)


def test_a_viewer_asking_for_a_staff_page_gets_only_its_own_words_back(
    page: Page, server: dict[str, object]
) -> None:
    frames = record(page)
    url = str(server["url"])
    for name in STAFF_ONLY:
        page.goto(f"{url}/{name}")
        wait_idle(page)
        # not the staff page: the viewer's default page, and its navigation
        expect(page.locator(NAV_LINK)).to_have_count(len(auth.pages_for("viewer")))
        hrefs = page.locator(NAV_LINK).evaluate_all("links => links.map(a => a.href)")
        assert not any(re.search(rf"/{name}(\?|$)", h) for h in hrefs), hrefs

    lists = page_lists(frames)
    echoes = 0
    for kind, names in lists:
        if not set(names) & set(STAFF_ONLY):
            continue
        # only the first frame of a session may hold the name: the echo of the path
        # the browser asked for, as the one entry (the main script's) of its list
        assert kind == "new_session" and len(set(names)) == 1, (kind, names)
        echoes += 1
    assert echoes <= len(STAFF_ONLY)
    assert not staff_files_in(frames)
