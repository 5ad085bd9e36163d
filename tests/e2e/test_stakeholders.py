"""The stakeholders page in a real browser: the offline map draws (outlines, points,
sites) with nothing asked of any outside host, a click on a point opens its card,
the partners abroad draw, and a viewer's browser receives no personal data."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Locator, Page, WebSocket, expect

from dashboard.domain import stakeholders as sk
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import stakeholders as view
from dashboard.views.reader import database_reader
from tests.e2e.harness import app_ready, no_exception, settle

DECK = '[data-testid="stDeckGlJsonChart"]'
PERSONAL = (b"@example.", b"Verbecquet", b"03 53 01")


def canvas_box(deck: Locator) -> dict[str, float]:
    """The map's canvas, scrolled to the middle of the window."""
    canvas = deck.locator("canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    # the map keeps redrawing, so Playwright never finds it "stable" to scroll itself
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    deck.page.wait_for_timeout(300)
    box = canvas.bounding_box()
    assert box is not None
    return dict(box)


def drawn_colours(deck: Locator) -> tuple[float, set[tuple[int, int, int]]]:
    """Share of the map's pixels that are not blank, and the colours present."""
    shot = deck.page.screenshot(clip=canvas_box(deck))  # type: ignore[arg-type]
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).reshape(-1, 3)
    painted = pixels[(pixels != 255).any(axis=1)]
    return len(painted) / len(pixels), {
        (int(r), int(g), int(b)) for r, g, b in np.unique(painted, axis=0)
    }


def wait_drawn(
    deck: Locator, page: Page, share_at_least: float = 0.03
) -> tuple[float, set[tuple[int, int, int]]]:
    share, colours = 0.0, set()
    for _ in range(40):  # WebGL draws a few frames after the element appears
        share, colours = drawn_colours(deck)
        if share > share_at_least and len(colours) > 40:
            break
        page.wait_for_timeout(500)
    return share, colours


def has(colours: set[tuple[int, int, int]], test: Callable[[int, int, int], bool]) -> bool:
    return any(test(*c) for c in colours)


def deep_blue(r: int, g: int, b: int) -> bool:  # restaurateurs, blended with the land
    return r < 70 and 80 < g < 140 and b > 130


def light_blue(r: int, g: int, b: int) -> bool:  # producers
    return 60 < r < 140 and 130 < g < 190 and b > 180


def cyanish(r: int, g: int, b: int) -> bool:  # international partners
    return g > 160 and b > 170 and r < 110


def dark(r: int, g: int, b: int) -> bool:  # the sites' black rings
    return r < 40 and g < 40 and b < 40


def slate(r: int, g: int, b: int) -> bool:  # the territories' outlines (84, 110, 122)
    return abs(r - 84) < 12 and abs(g - 110) < 12 and abs(b - 122) < 12 and b > r + 25


def screen_point(
    lat: float, lon: float, view: sk.View, width: float, height: float
) -> tuple[float, float]:
    """Where deck.gl (Web Mercator, 512 px world at zoom 0) draws a point."""
    world = 512 * 2**view.zoom

    def x(lo: float) -> float:
        return world * (lo + 180) / 360

    def y(la: float) -> float:
        return world * (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2

    return width / 2 + x(lon) - x(view.lon), height / 2 + y(lat) - y(view.lat)


def test_offline_map_draws_without_any_outside_request(
    page: Page, server: dict[str, object]
) -> None:
    frames: list[bytes] = []

    def listen(ws: WebSocket) -> None:
        ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode()))

    page.on("websocket", listen)
    page.goto(str(server["url"]) + "/stakeholders")
    app_ready(page)
    no_exception(page)
    expect(page.get_by_text("Carte hors ligne : aucun fond de carte n'est chargé.")).to_be_visible()
    share, colours = wait_drawn(page.locator(DECK).first, page)
    # territories from the packaged outlines (lines on a blank ground), category
    # colours, ringed sites
    assert share > 0.03, share
    assert has(colours, slate), "no territory outline drawn"
    assert has(colours, deep_blue), "no restaurateur drawn"
    assert has(colours, light_blue), "no producer drawn"
    assert has(colours, dark), "no site ring drawn"
    # the browser got the page's data, and no contact, e-mail or phone with it
    received = b"".join(frames)
    assert b"Friterie du Terril" in received
    for value in PERSONAL:
        assert value not in received, value
    # the `page` fixture fails the test if any request left loopback


def test_clicking_a_point_opens_its_card(page: Page, server: dict[str, object]) -> None:
    page.goto(str(server["url"]) + "/stakeholders")
    app_ready(page)
    deck = page.locator(DECK).first
    wait_drawn(deck, page)
    # Where the page puts the Ferme pédagogique du Hainaut (Condé-sur-l'Escaut),
    # computed from the same data and view as the page.
    con = db.open_database(Store(Path(str(server["data"]))).current_files())
    state = view.State(situation=date(2020, 4, 15), hidden=("choix-agence",))
    shown = view.build(database_reader(con, "viewer"), state).local.view
    con.close()
    box = canvas_box(deck)
    x, y = screen_point(50.4487, 3.5943, shown, box["width"], box["height"])
    x, y = box["x"] + x, box["y"] + y
    # hovering shows the point's tooltip: it is under the pointer before the click
    page.mouse.move(x - 30, y)
    page.mouse.move(x, y, steps=5)
    expect(page.get_by_text("Ferme pédagogique du Hainaut").first).to_be_visible(timeout=30_000)
    page.mouse.click(x, y)
    page.wait_for_function("() => location.search.includes('stakeholder=S070')", timeout=60_000)
    settle(page)
    expect(page.get_by_text("Lieu · Condé-sur-l'Escaut, France")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Engagement · refus")).to_be_visible()
    no_exception(page)


def test_partners_abroad_draw_in_english(page: Page, server: dict[str, object]) -> None:
    page.goto(str(server["url"]) + "/stakeholders?lang=en")
    app_ready(page)
    page.get_by_role("tab", name="Abroad").click()
    settle(page)
    deck = page.locator(DECK).last  # the only map drawn: a closed tab is not run
    share, colours = wait_drawn(deck, page, share_at_least=0.02)
    assert share > 0.02, share  # the sea stays blank: land, arcs and partners only
    assert has(colours, cyanish), "no partner drawn"
    expect(page.get_by_text("A partner without coordinates is placed")).to_be_visible()
    no_exception(page)
