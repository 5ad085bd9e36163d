"""What every reader needs from the charts and texts: a text alternative for each
chart, labels at 4.5:1 on their bars, states and categories told apart without
colour, '1er' for the first of a month, the demo data said to be invented."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard import charts, demo
from dashboard.charts import alt_text
from dashboard.domain import stakeholders as sk
from dashboard.i18n import format_day
from dashboard.views import stakeholders as stakeholders_view
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
    assert len(set(sk.CATEGORY_LETTERS.values())) == len(sk.CATEGORY_COLOURS)
    assert set(sk.CATEGORY_LETTERS) == set(sk.CATEGORY_COLOURS)
    # a category the contract does not list: its initial, in lower case
    assert sk.category_letter("Torréfacteur") == "t"


@pytest.fixture(scope="module")
def stakeholders_model() -> stakeholders_view.Model:
    from dashboard.queries import db
    from dashboard.store import Store
    from dashboard.views.reader import database_reader

    con = db.open_database(Store(ROOT / "data").current_files())
    state = stakeholders_view.State(situation=date(2020, 4, 15))
    return stakeholders_view.build(database_reader(con, "viewer"), state)


def _layer_with(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    return [
        layer
        for layer in spec.get("layer", [spec])
        if (layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == mark
    ]


def test_the_funnel_s_segments_carry_their_category_s_letter(
    stakeholders_model: stakeholders_view.Model,
) -> None:
    spec = stakeholders_model.charts.funnel
    rows = alt_text.rows_of(spec)
    (bars,) = _layer_with(spec, "bar")
    (letters,) = _layer_with(spec, "text")
    # each segment is written with its category's letter, one letter per category
    text = letters["encoding"]["text"]
    assert text["condition"]["field"] == "letter"
    assert letters["encoding"]["x"]["field"] == "mid"
    by_category = {r["category"]: r["letter"] for r in rows}
    assert len(set(by_category.values())) == len(by_category) >= 5
    for row in rows:  # the letter sits inside its segment, readable on it
        assert row["start"] < row["mid"] < row["end"]
        fill = sk.blended(sk.category_colour(row["category"]), 0.45 if row["aside"] else 0.95)
        assert charts.contrast(fill, row["ink"]) >= charts.MIN_TEXT_CONTRAST
    # the legend names each colour with the same letter
    scale = bars["encoding"]["color"]["scale"]
    for label, colour in zip(scale["domain"], scale["range"], strict=True):
        category = next(c for c, letter in by_category.items() if label.startswith(letter + " "))
        assert colour == sk.hex_colour(sk.category_colour(category))


def test_the_map_s_points_and_legend_carry_the_letters(
    stakeholders_model: stakeholders_view.Model,
) -> None:
    from dashboard.charts import map_layers

    deck = map_layers.local_map(stakeholders_model.local, True, "en")
    points = map_layers.layer_data(deck, map_layers.LAYER_STAKEHOLDERS)
    letters = map_layers.layer_data(deck, map_layers.LAYER_LETTERS)
    assert len(points) == len(letters) > 10
    frame = stakeholders_model.local.points
    for row, point, letter in zip(frame.to_dict("records"), points, letters, strict=True):
        assert letter["position"] == point["position"]
        assert letter["letter"] == sk.category_letter(row["category"])
        fill = sk.blended(point["fill"], point["fill"][3] / 255)
        ink = sk.hex_colour(letter["ink"])
        assert charts.contrast(fill, ink) >= charts.MIN_TEXT_CONTRAST
    abroad = map_layers.abroad_map(stakeholders_model.abroad, True, "en")
    partners = map_layers.layer_data(abroad, map_layers.LAYER_PARTNERS)
    written = map_layers.layer_data(abroad, map_layers.LAYER_PARTNER_LETTERS)
    assert [w["letter"] for w in written] == [p["letter"] for p in partners] != []
    # the legend writes the letter on each colour
    legend = stakeholders_model.charts.legend
    swatches = legend["vconcat"][0]["layer"]
    assert [_mark(layer) for layer in swatches] == ["circle", "text"]
    assert swatches[1]["encoding"]["text"]["field"] == "letter"


def _mark(layer: dict[str, Any]) -> str:
    mark = layer["mark"]
    return str(mark if isinstance(mark, str) else mark["type"])


# Machado, Oliveira and Fernandes (2009), severity 1: what a reader with
# protanopia, deuteranopia or tritanopia sees of a colour (linear RGB).
CVD = {
    "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
               [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
               [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
               [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _lab(colour: str, vision: list[list[float]] | None) -> tuple[float, float, float]:
    """CIELAB of `colour` as seen with `vision` (None: typical vision)."""
    code = colour.lstrip("#")
    srgb = [int(code[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    rgb = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb]
    if vision is not None:
        rgb = [min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0.0), 1.0)
               for row in vision]  # fmt: skip
    xyz = [
        (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047,
        0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2],
        (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883,
    ]
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def closest_pair(colours: list[str], vision: list[list[float]] | None) -> float:
    """The smallest colour difference (CIE76 ΔE) between two of `colours`."""
    labs = [_lab(c, vision) for c in colours]
    return min(
        sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
        for i, a in enumerate(labs)
        for b in labs[i + 1 :]
    )


def test_the_coverage_map_s_states_differ_for_every_colour_vision(
    stakeholders_model: stakeholders_view.Model,
) -> None:
    spec = stakeholders_model.charts.coverage
    (cells,) = _layer_with(spec, "rect")
    colours = list(cells["encoding"]["color"]["scale"]["range"])
    assert len(colours) == len(sk.COVERAGE_STATES)
    for name, vision in (("typical", None), *CVD.items()):
        assert closest_pair(colours, vision) >= 20, name
    # the red/green it replaced: protan and deutan readers could not tell it apart
    assert closest_pair(["#2e7d32", "#9ccc65", "#ffe082", "#ef9a9a"], CVD["protan"]) < 20
    # each cell's number is readable on its colour
    for row in alt_text.rows_of(spec):
        fill = sk.COVERAGE_COLOURS[row["state"]]
        assert charts.contrast(fill, row["ink"]) >= charts.MIN_TEXT_CONTRAST


def test_the_map_legend_grows_on_a_projector() -> None:
    def sizes(scale: float) -> tuple[int, int]:
        token = charts.text_scale.set(scale)
        try:
            spec = sk.legend_chart(["boulanger", "artisan"], "en").to_dict()
        finally:
            charts.text_scale.reset(token)
        column = spec["vconcat"][1]
        return column["encoding"]["y"]["axis"]["labelFontSize"], column["title"]["fontSize"]

    assert sizes(1.0) == (sk.LEGEND_FONT_PX, sk.LEGEND_FONT_PX)
    assert sizes(1.5) == (18, 18)  # the projector's scale: 12 px become 18


def test_the_stakeholders_model_draws_its_charts_at_the_state_s_scale() -> None:
    from dashboard.queries import db
    from dashboard.store import Store
    from dashboard.views.reader import database_reader

    con = db.open_database(Store(ROOT / "data").current_files())
    state = stakeholders_view.State(situation=date(2020, 4, 15), scale=1.5)
    built = stakeholders_view.build(database_reader(con, "viewer"), state).charts
    assert built.legend["vconcat"][1]["encoding"]["y"]["axis"]["labelFontSize"] == 18
    assert _layer_with(built.coverage, "text")[0]["mark"]["fontSize"] == 21


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


def _demo_reader(lang: str) -> Any:
    from dashboard.queries import db
    from dashboard.store import Store
    from dashboard.views.reader import database_reader, in_english

    read = database_reader(db.open_database(Store(ROOT / "data").current_files()), "viewer")
    return in_english(read) if lang == "en" else read


def test_the_scoring_names_fit_a_phone_in_legible_type() -> None:
    """The names' column follows the chart's width (a phone keeps room for the bars;
    the tooltip gives the whole name) and its type is 11 px or more."""
    from dashboard.charts import scoring_charts
    from dashboard.views import scoring as scoring_view

    read = _demo_reader("en")
    found = scoring_view.build(read, scoring_view.State("projets-culinaires", lang="en"))
    labels = list(dict.fromkeys(found.bars["criterion"]))
    bars = scoring_charts.contribution_bars(found.bars, labels, found.threshold, "top 3", "en")
    spec = charts.finish(bars, "en").to_dict()
    y = [layer["encoding"].get("y", {}) for layer in spec["layer"]]
    axes = [e["axis"] for e in y if e.get("field") == "project"]
    assert axes
    for axis in axes:
        assert axis["labelFontSize"] >= charts.MIN_LABEL_PX
        expr = axis["labelLimit"]["expr"]
        assert "containerSize()[0]" in expr and "width" in expr
        assert _limit(expr, 390) <= 0.4 * 390  # a phone: most of the width for the bars
        assert _limit(expr, 1200) == 320  # a desktop: whole names
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert _limit(legend["labelLimit"]["expr"], 390) * 3 < 390  # three columns fit
    token = charts.text_scale.set(1.5)
    try:
        big = scoring_charts.contribution_bars(found.bars, labels, None, "", "en").to_dict()
    finally:
        charts.text_scale.reset(token)
    assert big["layer"][0]["encoding"]["y"]["axis"]["labelFontSize"] == 18


def _limit(expr: str, container: float) -> float:
    """The label limit Vega computes from `expr` in a container this wide."""
    code = (
        expr.replace("containerSize()[0]", str(container))
        .replace("0 * width + ", "")
        .replace("clamp(", "_clamp(")
    )
    condition, _, rest = code.strip("()").partition(" ? ")
    fitted, _, fallback = rest.rpartition(" : ")
    clamp = lambda v, lo, hi: min(max(v, lo), hi)  # noqa: E731
    chosen = fitted if eval(condition) else fallback  # our own expression, not data
    return float(eval(chosen, {"_clamp": clamp}))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_timeline_s_export_reads_the_reader_s_language(lang: str) -> None:
    from dashboard.views import timeline as tl

    read = _demo_reader(lang)
    state = tl.State(situation=date(2020, 4, 15), lang=lang)
    found = tl.options(read, tl.ChoicesState(date(2020, 4, 15), lang))
    table = tl.watch_table(tl.watch_rows(read, state, found, every=True), lang)
    fr_heads = [t_(f"timeline.{k}", "fr") for k in tl.WATCH_COLUMNS]
    en_heads = [t_(f"timeline.{k}", "en") for k in tl.WATCH_COLUMNS]
    assert list(table.columns) == (en_heads if lang == "en" else fr_heads)
    assert not table.empty
    tasks = _demo_reader("fr")("content_en")
    french = set(tasks["fr"]) - set(tasks["en"].dropna())
    cells = {str(v) for v in table.to_numpy().ravel()}
    if lang == "en":  # no French text the data gives in English
        assert not cells & french, sorted(cells & french)[:3]
        assert any(name in set(tasks["en"]) for name in table[en_heads[0]])
    sites = dict(found.sites)
    assert ("Black Trail of the Black Month" in sites.values()) == (lang == "en")


def t_(key: str, lang: str) -> str:
    from dashboard.i18n import t

    return t(key, lang)


def test_workstreams_read_english_where_the_data_gives_it_and_filter_in_french() -> None:
    from dashboard.views import timeline as tl
    from dashboard.views.reader import database_reader, in_english
    from tests.unit import test_timeline as tt

    tasks = tt.frame(
        [
            ("T1", "2020-03-01", "2020-03-20", "", 100.0, "done"),
            ("T2", "2020-03-05", "2020-04-10", "", 20.0, None),
            ("T3", "2020-03-10", "2020-05-20", "", 10.0, None),
        ],
        workstream=["Pilotage", "Pilotage", "Parc d'Olhain"],
    )
    tasks["workstream_en"] = ["Steering", None, None]  # one line is enough
    read = in_english(database_reader(tt.database(tasks), "viewer"))
    found = tl.options(read, tl.ChoicesState(tt.SIT, "en"))
    assert found.workstreams == ("Pilotage", "Parc d'Olhain")  # the keys, as typed
    assert found.workstream_label("Pilotage", "en") == "Steering"
    assert found.workstream_label("Pilotage", "fr") == "Pilotage"
    assert found.workstream_label("Parc d'Olhain", "en") == "Parc d'Olhain"  # no (FR) mark
    english = tl.build(read, tl.State(situation=tt.SIT, lang="en", workstreams=("Pilotage",)))
    shown = json.dumps(english.spec, ensure_ascii=False)
    assert "Steering" in shown and "Pilotage" not in shown
    # the filter's French key still chooses the workstream
    assert set(english.rows["task_id"].dropna()) == {"T1", "T2"}
    assert set(english.watch["workstream_label"]) <= {"Steering", "Parc d'Olhain"}
    table = tl.watch_table(english.watch, "en")
    assert "Pilotage" not in set(table["Workstream"])
    french = tl.build(
        database_reader(tt.database(tasks), "viewer"), tl.State(situation=tt.SIT, lang="fr")
    )
    assert "Steering" not in json.dumps(french.spec, ensure_ascii=False)


def test_the_budget_and_indicator_charts_say_their_figures_in_words() -> None:
    from dashboard.charts import site_charts

    lines = pd.DataFrame(
        {
            "label": ["Cuisine", "Jardins"],
            "budget_eur": [12000.0, 3500.0],
            "spent_eur": [9000.0, 4000.0],
        }
    )
    spec = site_charts.budget_bars(lines, "label", "fr").to_dict()
    text = site_charts.budget_alt(spec, "fr")
    assert text.startswith("Budget") and "Cuisine" in text and "Jardins" in text
    spaced = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Cuisine 12 000 €" in spaced and "Jardins 3 500 €" in spaced
    history = pd.DataFrame(
        {"date": pd.to_datetime(["2020-03-01", "2020-04-01"]), "value": [3.0, 7.5]}
    )
    spark = site_charts.kpi_sparkline(history, 10.0, "en").to_dict()
    said = site_charts.kpi_sparkline_alt(spark, "Visitors", "en")
    assert said.startswith("Visitors") and "1 March 2020 3" in said and "7.5" in said
