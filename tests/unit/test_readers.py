"""What every reader needs from the charts and texts: a text alternative for each
chart, labels at 4.5:1 on their bars, states and categories told apart without
colour, '1er' for the first of a month, the demo data said to be invented."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest

from dashboard import charts, demo
from dashboard.charts import alt_text
from dashboard.domain import stakeholders as sk
from dashboard.i18n import format_day
from tests.unit.test_gantt import model

ROOT = Path(__file__).resolve().parents[2]
CHART_CALLS = {
    "vega_lite_chart",
    "altair_chart",
    "pydeck_chart",
    "line_chart",
    "bar_chart",
    "area_chart",
    "scatter_chart",
}


def chart_calls_without_alt(pages: Path = ROOT / "app_pages") -> list[str]:
    """Every chart a page draws whose call has no `alt=` (or an empty constant one)."""
    missing = []
    for path in sorted(pages.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr not in CHART_CALLS:
                continue
            alt = next((k.value for k in node.keywords if k.arg == "alt"), None)
            empty = isinstance(alt, ast.Constant) and not str(alt.value or "").strip()
            if alt is None or empty:
                missing.append(f"{path.name}:{node.lineno} {node.func.attr}")
    return missing


def test_every_chart_a_page_draws_has_a_text_alternative() -> None:
    assert chart_calls_without_alt() == []


def test_the_alt_check_finds_a_chart_without_one(tmp_path: Path) -> None:
    (tmp_path / "page.py").write_text(
        'st.vega_lite_chart(spec, width="stretch")\n'
        'left.pydeck_chart(deck, alt="")\n'
        "st.altair_chart(chart, alt=describe(chart))\n"
        "frame.map(str)\n"
    )
    assert chart_calls_without_alt(tmp_path) == [
        "page.py:1 vega_lite_chart",
        "page.py:2 pydeck_chart",
    ]


@pytest.mark.parametrize("state", list(charts.STATE_COLOURS))
def test_bar_labels_reach_4_5_to_1_on_every_state(state: str) -> None:
    fill = charts.STATE_COLOURS[state]
    assert charts.contrast(fill, charts.STATE_TEXT[state]) >= 4.5
    # the pack writes state names in their colour on white
    assert charts.contrast(charts.STATE_INK[state], "#ffffff") >= 4.5


def test_contrast_is_wcag_s() -> None:
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert charts.text_on("#ffffff") == "#000000" and charts.text_on("#000000") == "#ffffff"


def test_gantt_labels_take_the_readable_colour_of_their_bar() -> None:
    spec = model().spec
    labels = [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "bar_label"
    ]
    assert len(labels) == 1
    scale = labels[0]["encoding"]["color"]["scale"]
    for name, ink in zip(scale["domain"], scale["range"], strict=True):
        state = next(s for s in charts.STATE_COLOURS if name == _state_name(s))
        assert charts.contrast(charts.STATE_COLOURS[state], ink) >= 4.5, name
    # each bar carries its state's mark, and the legend shows the marks too
    rows = spec["datasets"]["rows"]
    assert any(r.get("bar_label", "").startswith("✓") for r in rows)
    assert "✓" in json.dumps(spec, ensure_ascii=False)


def _state_name(state: str) -> str:
    from dashboard.i18n import t

    return t(f"state.{state}", "fr")


def test_states_and_categories_have_marks_and_shapes_of_their_own() -> None:
    assert len(set(charts.STATE_MARKS.values())) == len(charts.STATE_COLOURS)
    assert len(set(sk.CATEGORY_SHAPES.values())) == len(sk.CATEGORY_COLOURS)
    assert set(sk.CATEGORY_SHAPES) == set(sk.CATEGORY_COLOURS)


def test_gantt_alternative_says_what_it_shows() -> None:
    fr = alt_text.gantt(model().spec, "fr")
    en = alt_text.gantt(model(lang="en").spec, "en")
    assert fr.startswith("Diagramme de Gantt") and "Terminé" in fr
    assert en.startswith("Gantt chart") and "Done" in en
    assert "10 décembre 2019 au 31 juillet 2020" in fr and "31 July 2020" in en


def test_describe_lists_labels_and_values_in_the_locale() -> None:
    spec = {"datasets": {"d": [{"g": "Pilotage", "v": 0.925}, {"g": "Parcours", "v": 0.5}]}}
    text = alt_text.describe(spec, "fr", "Avancement", "g", "v", alt_text.number("fr", 1))
    assert text == "Avancement : Pilotage 0,9 ; Parcours 0,5."
    many = {"values": [{"g": str(i)} for i in range(20)]}
    assert "(et 8 de plus)" in alt_text.describe({"data": many}, "fr", "T", "g")
    assert alt_text.describe({}, "en", "T", "g") == "T: no data to show."


def test_first_of_the_month_is_1er_in_french() -> None:
    assert format_day(date(2020, 12, 1), "fr") == "1er décembre 2020"
    assert format_day(date(2020, 12, 1), "fr", "medium") == "1er déc. 2020"
    assert format_day(date(2020, 12, 11), "fr") == "11 décembre 2020"
    assert format_day(date(2020, 12, 1), "en") == "1 December 2020"


def test_the_demo_marker_decides_the_demo_notice(tmp_path: Path) -> None:
    assert demo.is_demo(ROOT / "data")
    assert not demo.is_demo(tmp_path)
    (tmp_path / demo.MARKER).write_text("demo")
    assert demo.is_demo(tmp_path)


def test_the_agenda_lists_the_gantt_rows_by_workstream() -> None:
    from dashboard.charts.gantt import agenda

    found = agenda(model().rows, "fr")
    assert [w for w, _ in found] == ["Pilotage", "Atelier"]
    lines = dict(found)
    assert lines["Pilotage"][0] == "Lancement · ✓ Terminé · 10 déc. 2019"  # a milestone: one day
    assert lines["Atelier"][1].startswith("Prototypes · ") and "45 %" in lines["Atelier"][1]
    assert "2 mars 2020 → 31 mars 2020" in lines["Atelier"][1]


def test_an_english_reader_reads_the_data_s_english_texts(tmp_path: Path) -> None:
    from dashboard.queries import db
    from dashboard.store import Store
    from dashboard.views.reader import FRENCH_MARK, database_reader, in_english
    from tests.conftest import copy_demo

    folder = copy_demo(tmp_path / "data")
    con = db.open_database(Store(folder).current_files())
    french = database_reader(con, "viewer")
    english = in_english(french)
    sites = english("sites")
    assert "Black Trail of the Black Month" in set(sites["name"])
    assert set(sites["site_id"]) == set(french("sites")["site_id"])  # keys untouched
    # a text without its English version keeps its French, visibly marked
    con.execute("update sites set name_en = null where site_id = 'louvre-lens'")
    marked = in_english(database_reader(con, "viewer"))("sites")
    assert f"Louvre-Lens{FRENCH_MARK}" in set(marked["name"])
    assert "Black Trail of the Black Month" in set(marked["name"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pack_says_the_demo_is_invented_and_reads_english(lang: str) -> None:
    from dataclasses import replace as changed

    from dashboard import pack
    from dashboard.i18n import t
    from dashboard.queries import db
    from dashboard.store import Store
    from tests.unit.test_pack import pages_text, plain, reader

    con = db.open_database(Store(ROOT / "data").current_files())
    context = pack.context_for(Store(ROOT / "data"), lang, date(2020, 4, 15), "viewer")
    assert context.demo
    texts = [plain(p) for p in pages_text(pack.build_pack(reader(con, "viewer"), context))]
    notice, short = plain(t("readers.demo", lang)), t("pack.demo_short", lang)
    assert notice in texts[0]
    assert all(short in page for page in texts[1:])  # every later page's header
    if lang == "en":
        assert "Black Trail of the Black Month" in " ".join(texts)
    real = changed(context, demo=False)  # real data: no notice
    assert short not in " ".join(pages_text(pack.build_pack(reader(con, "viewer"), real)))
