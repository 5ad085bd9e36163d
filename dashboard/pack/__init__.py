"""The committee pack: one PDF of the mission at the situation date (pure, no Streamlit).

Everything in it comes from the named queries through `read` (so a viewer's pack
holds only what a viewer may see) and from the builders the pages use: the
overview's figures, the Gantt, the site cards, the scoring, the stakeholder
funnel, the committee's actions. Charts are drawn by vl-convert as SVG and laid
into the PDF as vector drawings (svglib), a PNG only if that fails.

Layout with ReportLab's platypus: A4 portrait, the Gantt on landscape pages cut
between workstreams, tables that split across pages with their header repeated,
and on every page the committee date, the page number out of the total and the
filters in effect.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from typing import Any

import pandas as pd

from dashboard import auth, charts, demo, export, svg_worker
from dashboard.charts import scoring_charts, site_charts
from dashboard.charts.gantt import gantt_spec
from dashboard.contract import DATASET_ORDER
from dashboard.domain import sites
from dashboard.domain import stakeholders as sk
from dashboard.i18n import (
    dataset_label,
    format_day,
    format_number,
    format_pct,
    t,
)
from dashboard.store import DataStore, Version
from dashboard.ui import safe
from dashboard.views import figures
from dashboard.views import overview as overview_view
from dashboard.views import scoring as scoring_view
from dashboard.views import sites as sites_view
from dashboard.views import timeline as tl
from dashboard.views.reader import Reader, database_reader, in_english, restricted

__all__ = ["Reader", "restricted"]  # what the pack reads through, for its callers

# ReportLab's own Bitstream Vera: installed with it, free licence beside it, and it
# has every letter French needs (é è à ç œ « » €); what it lacks is mapped below.
FONT, BOLD, ITALIC, BOLD_ITALIC = "Vera", "VeraBd", "VeraIt", "VeraBI"
SVG_FONT = "Bitstream Vera Sans"
# Characters the font lacks, written with ones it has (Babel's narrow no-break
# space in "12 500 €" and "42 %" among them); anything else it lacks (emoji)
# is left out.
FALLBACK = {
    "\u202f": "\u00a0",
    "\u2009": " ",
    "→": "->",
    "←": "<-",
    "✔": "x",
    "✓": "x",
    "▾": "",
    "Σ": "",
}

PAGE = (595.2756, 841.8898)  # A4 in points
MARGIN = 40.0
TOP = 46.0
BOTTOM = 58.0
PX = 0.75  # vl-convert's pixels in points
# Rows of the Gantt on one landscape page (a workstream's header counts as one).
GANTT_ROWS_PER_PAGE = 22
# Evaluations drawn in full (chart and table); any beyond get one line each.
PACK_EVALUATIONS = 4

STATE_TEXT_COLOURS = charts.STATE_INK
# Some catalogue texts put words in bold the Markdown way, for the screen.
BOLD_MARKDOWN = re.compile(r"\*\*(.+?)\*\*")
# Room kept under the Gantt's last part for its legend and the critical path.
GANTT_NOTES = 80.0


@dataclass(frozen=True)
class PackContext:
    lang: str
    situation: date
    role: auth.Role = "viewer"
    hidden: tuple[str, ...] = ()  # evaluations the reader may not see
    # dataset -> the committed version read (number, day), or None for the file
    # as first delivered (no commit yet)
    versions: Mapping[str, tuple[int, date] | None] = field(default_factory=dict)
    data_version: str = ""
    timeline: tl.State | None = None  # the timeline page's view, None: the default
    demo: bool = False  # the data folder holds the invented demo data (`dashboard.demo`)


def context_for(
    store: DataStore,
    lang: str,
    situation: date,
    role: auth.Role,
    hidden: Iterable[str] = (),
    data_version: str | None = None,
    timeline: tl.State | None = None,
    until: date | None = None,
) -> PackContext:
    """The context of a pack read from `store`: its versions from the store's log
    (with `until`, the versions committed by that day: the past as it was)."""
    history = store.history()
    if until is not None:
        history = [v for v in history if v.when.date() <= until or v.action == "initial"]
    return PackContext(
        lang=lang,
        situation=situation,
        role=role,
        hidden=tuple(hidden),
        versions=data_versions(history),
        data_version=store.data_version() if data_version is None else data_version,
        timeline=timeline,
        demo=demo.is_demo(store),
    )


# --- what the context is made of ----------------------------------------------------


def data_versions(history: Iterable[Version]) -> dict[str, tuple[int, date] | None]:
    """Every dataset's current version from the store's log (its last entry), None
    for a dataset never committed."""
    latest: dict[str, tuple[int, date] | None] = dict.fromkeys(DATASET_ORDER)
    for entry in history:
        latest[entry.dataset] = (entry.version, entry.when.date())
    return latest


def filter_texts(view: tl.State | None, lang: str, site_names: Mapping[str, str]) -> list[str]:
    """The filters in effect, as people read them ('Axe = Parcours noir')."""
    if view is None:
        return []
    out = []
    for key, values in (
        ("timeline.workstream", list(view.workstreams)),
        ("timeline.site", [site_names.get(s, s) for s in view.sites]),
        ("timeline.owner", list(view.owners)),
        ("timeline.state", [t(f"state.{s}", lang) for s in view.states]),
    ):
        if values:
            out.append(t("pack.filter_item", lang, label=t(key, lang), values=", ".join(values)))
    if view.zoom == "custom" and view.start and view.end:
        window = f"{format_day(view.start, lang)} – {format_day(view.end, lang)}"
        out.append(t("pack.filter_item", lang, label=t("timeline.zoom", lang), values=window))
    elif view.zoom != "mission":
        out.append(
            t(
                "pack.filter_item",
                lang,
                label=t("timeline.zoom", lang),
                values=t(f"timeline.zoom_{view.zoom}", lang),
            )
        )
    for key, shown in (
        ("pack.hide_baseline", view.baseline),
        ("pack.hide_critical", view.critical),
        ("pack.hide_links", view.links),
    ):
        if not shown:
            out.append(t(key, lang))
    return out


# The pack's file name says who it is for, so the staff edition (prices, jurors'
# scores) is not mailed by mistake in place of the partners' one.
AUDIENCE_FILE = {"staff": "interne", "viewer": "partenaires"}


def file_name(situation: date, role: auth.Role) -> str:
    return f"comite-{situation.isoformat()}-{AUDIENCE_FILE[role]}.pdf"


# --- text for the PDF -------------------------------------------------------------------


@cache
def _setup() -> frozenset[int]:
    """Register the fonts with ReportLab, svglib and vl-convert once; the code
    points the font covers."""
    import vl_convert
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from svglib.svglib import register_font

    folder = svg_worker.font_folder()
    files = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}
    for name, path in files.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, path)))
    # svglib maps the charts' font to these files (given, so that it never looks for
    # one of the font's words, such as "Vera", itself: registering a file again
    # resets ReportLab's bold and italic of that name)
    for weight, style, name in (
        ("normal", "normal", FONT),
        ("bold", "normal", BOLD),
        ("normal", "italic", ITALIC),
        ("bold", "italic", BOLD_ITALIC),
    ):
        path = os.path.join(folder, files[name])
        register_font(SVG_FONT, path, weight=weight, style=style, rlgFontName=name)
    # the paragraphs' <b> and <i>, set last
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    # so that vl-convert measures the labels with the font they are printed in
    vl_convert.register_font_directory(folder)
    covered = TTFont("_probe", os.path.join(folder, files[FONT])).face.charToGlyph
    return frozenset(covered)


def printable(text: object) -> str:
    """The text with what the PDF's font can draw: fallbacks for what it lacks,
    emoji and other signs left out."""
    covered = _setup()
    out = []
    for ch in str(text):
        ch = FALLBACK.get(ch, ch)
        if all(ord(c) in covered or c in "\n\t" for c in ch):
            out.append(ch)
    return "".join(out).strip()


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _cell_text(value: object, lang: str) -> str:
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return format_day(value.date(), lang, "medium")
    if isinstance(value, date):
        return format_day(value, lang, "medium")
    if isinstance(value, bool):
        return t("pack.yes", lang) if value else t("pack.no", lang)
    if isinstance(value, float) and value.is_integer():
        return format_number(value, lang)
    if isinstance(value, float):
        return format_number(value, lang, 1)
    return str(value)


# --- the document's building blocks ----------------------------------------------------


class _Styles:
    def __init__(self) -> None:
        from reportlab.lib.colors import HexColor
        from reportlab.lib.styles import ParagraphStyle

        ink = HexColor("#1a1a1a")
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=ink)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.note = ParagraphStyle(
            "note", parent=self.small, textColor=HexColor("#555555"), spaceBefore=2
        )
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7.5, leading=9)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=BOLD)
        self.h1 = ParagraphStyle(
            "h1", parent=self.body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=8
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.h3 = ParagraphStyle(
            "h3",
            parent=self.body,
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=2,
        )
        self.cover_title = ParagraphStyle(
            "cover_title", parent=self.body, fontName=BOLD, fontSize=24, leading=30
        )
        self.cover_sub = ParagraphStyle(
            "cover_sub", parent=self.body, fontSize=14, leading=19, spaceBefore=6
        )
        self.figure = ParagraphStyle(
            "figure", parent=self.body, fontName=BOLD, fontSize=15, leading=18
        )


def _para(text: object, style: Any, markup: str = "") -> Any:
    """A paragraph of data text: escaped (data is never markup, `**x**` included),
    what the font lacks mapped; `markup` wraps it (e.g. '<b>{}</b>')."""
    from reportlab.platypus import Paragraph

    body = safe.xml(printable(text))
    return Paragraph(markup.format(body) if markup else body, style)


def _rich(text: Callable[..., str], style: Any, markup: str = "", **data: object) -> Any:
    """A paragraph from a translation (`text(**slots)`) whose `**bold**` is kept,
    with `data` put in its slots as text (escaped, its own `**` shown as typed)."""
    from reportlab.platypus import Paragraph

    slots = {name: f"@@slot{i}@@" for i, name in enumerate(data)}
    body = BOLD_MARKDOWN.sub(r"<b>\1</b>", safe.xml(printable(text(**slots))))
    for name, slot in slots.items():
        body = body.replace(slot, safe.xml(printable(data[name])))
    return Paragraph(markup.format(body) if markup else body, style)


def _table(
    frame: pd.DataFrame,
    styles: _Styles,
    width: float,
    lang: str,
    colours: Mapping[int, Sequence[str | None]] | None = None,
) -> Any:
    """A table that splits across pages with its header repeated; column widths
    follow the longest text of each column; `colours` gives, per column index, a
    text colour per row."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    heads = [str(c) for c in frame.columns]
    cells = [[_cell_text(v, lang) for v in row] for row in frame.itertuples(index=False)]
    widths = _column_widths(heads, cells, width)
    data: list[list[Any]] = [[_para(h, styles.head) for h in heads]]
    for i, row in enumerate(cells):
        line = []
        for j, text in enumerate(row):
            colour = (colours or {}).get(j)
            ink = colour[i] if colour is not None and i < len(colour) else None
            line.append(_para(text, styles.cell, f'<font color="{ink}">{{}}</font>' if ink else ""))
        data.append(line)
    table = Table(data, colWidths=widths, repeatRows=1, splitByRow=True)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e8eaed")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [HexColor("#ffffff"), HexColor("#f6f7f9")]),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, HexColor("#9aa0a6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _column_widths(heads: list[str], cells: list[list[str]], width: float) -> list[float]:
    """Each column at least as wide as its longest word (numbers and dates do not
    break), the rest of the width shared by how much text each column holds."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 6.5
    floors, weights = [], []
    for j, head in enumerate(heads):
        texts = [printable(r[j]) for r in cells]
        words = [w for text in texts for w in text.split()] + printable(head).split()
        floor = max([stringWidth(w, FONT, 7.5) for w in texts if len(w) <= 14] + [0.0])
        floor = max(floor, max([stringWidth(w, BOLD, 7.5) for w in words] + [12.0]))
        floors.append(min(floor + padding, width / 3))
        longest = max([stringWidth(x, FONT, 7.5) for x in texts] + [0.0])
        weights.append(min(longest, 260.0) + padding)
    spare = width - sum(floors)
    if spare <= 0:
        return [width * f / sum(floors) for f in floors]
    extra = [max(w - f, 0.0) for w, f in zip(weights, floors, strict=True)]
    total = sum(extra)
    if total <= 0:
        return [f + spare / len(floors) for f in floors]
    return [f + spare * e / total for f, e in zip(floors, extra, strict=True)]


def _fix_svg(svg: bytes) -> bytes:
    """What svglib does not read in Vega's SVG: `opacity` (used to hide labels that
    would overlap, and for shaded bands), written as fill and stroke opacities."""
    from lxml import etree

    root = etree.fromstring(svg, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for element in list(root.iter()):
        value = element.get("opacity")
        if value is None:
            continue
        try:
            opacity = float(value)
        except ValueError:
            continue
        parent = element.getparent()
        if opacity <= 0 and parent is not None:
            parent.remove(element)
            continue
        del element.attrib["opacity"]
        for name in ("fill-opacity", "stroke-opacity"):
            try:
                own = float(element.get(name, "1"))
            except ValueError:
                own = 1.0
            element.set(name, f"{own * opacity:g}")
    for element in root.iter("{*}text", "{*}tspan", "{*}title"):
        if element.text:
            element.text = printable(element.text) or " "
    return bytes(etree.tostring(root))


def chart_flowable(chart: Any, width: float, max_height: float) -> Any:
    """A chart (Altair, finished with its locale, or a Vega-Lite dict) as a vector
    drawing at most `width` x `max_height` points; a PNG if the vector route fails.
    The chart is drawn by vl-convert in the worker from now on (`svg_worker`), and
    made a drawing when the layout first asks for its size."""
    _setup()
    spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    config = dict(spec.get("config") or {})
    config["font"] = SVG_FONT
    spec = {**spec, "config": config}
    if spec.get("width") in (None, "container"):
        spec["width"] = int(width / PX) - 160
    text = json.dumps(spec)
    drawn = svg_worker.svg(text)
    return _later(partial(_chart_drawing, drawn, spec, text, width, max_height))


def _chart_drawing(
    drawn: Future[str], spec: dict[str, Any], text: str, width: float, max_height: float
) -> Any:
    from reportlab.platypus import Image

    try:
        from svglib.svglib import svg2rlg

        svg = svg_worker.result(drawn, text).encode("utf-8")
        drawing = svg2rlg(io.BytesIO(_fix_svg(svg)))
        if drawing is None:
            raise ValueError("svglib read nothing")
        factor = min(width / drawing.width, max_height / drawing.height, 1.0)
        drawing.scale(factor, factor)
        drawing.width *= factor
        drawing.height *= factor
        drawing.hAlign = "LEFT"
        return drawing
    except Exception:
        png = export.chart_png(spec, scale=2.0)
        image = Image(io.BytesIO(png))
        w, h = image.imageWidth / 2 * PX, image.imageHeight / 2 * PX
        factor = min(width / w, max_height / h, 1.0)
        image.drawWidth, image.drawHeight = w * factor, h * factor
        image.hAlign = "LEFT"
        return image


def _later(make: Callable[[], Any]) -> Any:
    """A flowable that `make` makes when the layout first asks for its size (a chart
    still being drawn in the worker while the pack goes on), drawn left-aligned."""
    from reportlab.platypus.flowables import Flowable

    class _Later(Flowable):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.hAlign = "LEFT"
            self._made: Any = None

        def made(self) -> Any:
            """The flowable itself (made now if the layout has not asked yet)."""
            if self._made is None:
                self._made = make()
            return self._made

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            self.width, self.height = self.made().wrap(available_width, available_height)
            return (self.width, self.height)

        def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
            # the made flowable draws itself where this one stands, as if it were here
            self.made().drawOn(canvas, x, y, _sW)

        def draw(self) -> None:
            self.made().drawOn(self.canv, 0, 0)

    return _Later()


# --- page furniture -----------------------------------------------------------------------


def filters_apply() -> Any:
    """A flowable of no size, put on each page the filters apply to (the Gantt's):
    it tells the canvas to print the filters there and only there."""
    from reportlab.platypus.flowables import Flowable

    class _Mark(Flowable):  # type: ignore[misc]
        def wrap(self, *_: Any) -> tuple[float, float]:
            return (0.0, 0.0)

        def draw(self) -> None:
            pages = getattr(self.canv, "filter_pages", None)
            if pages is not None:
                pages.add(self.canv.getPageNumber())

    return _Mark()


def _canvas_maker(
    header: str, footer: Callable[[int, int], str], filters: str, confidential: str = ""
) -> type:
    """A canvas that waits for the last page to write 'page N / M' on each one;
    the filters go only on the pages marked by `FiltersApply`, the confidential
    mark (the staff edition) on every page."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    class PackCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self.filter_pages: set[int] = set()

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._furniture(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, total: int) -> None:
            width, _height = self._pagesize
            number = self._pageNumber
            grey = HexColor("#5f6368")
            self.saveState()
            self.setFillColor(grey)
            self.setStrokeColor(HexColor("#dadce0"))
            self.setLineWidth(0.5)
            if number > 1:
                self.setFont(FONT, 7.5)
                self.drawRightString(width - MARGIN, _height - 28, header)
                self.line(MARGIN, _height - 32, width - MARGIN, _height - 32)
            self.line(MARGIN, BOTTOM - 14, width - MARGIN, BOTTOM - 14)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN, BOTTOM - 25, footer(number, total))
            if number in self.filter_pages:
                lines = simpleSplit(filters, FONT, 7, width - 2 * MARGIN)[:2]
                self.setFont(FONT, 7)
                for i, line in enumerate(lines):
                    self.drawString(MARGIN, BOTTOM - 35 - 8 * i, line)
            if confidential:
                self.setFillColor(HexColor("#b3261e"))
                self.setFont(BOLD, 8)
                self.drawString(MARGIN, _height - 28, confidential)
                self.drawRightString(width - MARGIN, BOTTOM - 25, confidential)
            self.restoreState()

    return PackCanvas


# --- sections -----------------------------------------------------------------------------


@dataclass
class _Pack:
    read: Reader
    context: PackContext
    styles: _Styles
    width: float  # of the portrait frame
    landscape_width: float
    landscape_height: float
    story: list[Any] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.context.lang

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def add(self, *flowables: Any) -> None:
        self.story.extend(flowables)

    def heading(self, key: str, style: Any | None = None) -> None:
        self.add(_para(self.tr(key), style or self.styles.h1))

    def chart(self, chart: Any, max_height: float = 330.0, width: float | None = None) -> None:
        self.add(chart_flowable(chart, width or self.width, max_height))

    def table(self, frame: pd.DataFrame, **kwargs: Any) -> None:
        if not frame.empty:
            self.add(_table(frame, self.styles, self.width, self.lang, **kwargs))

    def note(self, text: str) -> None:
        self.add(_para(text, self.styles.note))


@dataclass(frozen=True)
class _Data:
    site_names: dict[str, str]
    span: pd.DataFrame


def _gather(read: Reader) -> _Data:
    places = read("sites")
    names = {str(k): str(v) for k, v in zip(places["site_id"], places["name"], strict=True)}
    return _Data(names, read("mission_span"))


def _cover(pack: _Pack, data: _Data) -> None:
    from reportlab.platypus import Spacer

    lang, situation, s = pack.lang, pack.context.situation, pack.styles
    pack.add(Spacer(1, 90))
    pack.add(_para(pack.tr("pack.destination"), s.cover_title))
    pack.add(_para(pack.tr("pack.title"), s.cover_sub))
    pack.add(
        _para(pack.tr("pack.committee", date=format_day(situation, lang)), s.cover_sub, "<b>{}</b>")
    )
    if not data.span.empty:
        first, last = data.span["first_start"].iloc[0], data.span["last_end"].iloc[0]
        if not (_missing(first) or _missing(last)):
            pack.add(
                _para(
                    pack.tr(
                        "pack.mission",
                        start=format_day(pd.Timestamp(first).date(), lang),
                        end=format_day(pd.Timestamp(last).date(), lang),
                    ),
                    s.body,
                )
            )
    pack.add(Spacer(1, 14))
    if pack.context.demo:
        pack.add(_para(pack.tr("readers.demo"), s.body, "<b>{}</b>"))
    pack.add(_para(pack.tr("pack.situation", date=format_day(situation, lang)), s.body))
    pack.add(_para(pack.tr(f"pack.audience_{pack.context.role}"), s.body))
    pack.add(Spacer(1, 18))
    pack.add(_para(pack.tr("pack.versions"), s.h3))
    rows = []
    for dataset in DATASET_ORDER:
        found = pack.context.versions.get(dataset)
        rows.append(
            {
                pack.tr("pack.dataset"): dataset_label(dataset, lang),
                pack.tr("pack.version"): pack.tr("pack.version_initial")
                if found is None
                else pack.tr("pack.version_number", number=found[0]),
                pack.tr("pack.version_date"): "" if found is None else format_day(found[1], lang),
            }
        )
    pack.table(pd.DataFrame(rows))
    if pack.context.data_version:
        pack.note(pack.tr("pack.generated", version=pack.context.data_version))
    pack.add(Spacer(1, 18))
    pack.add(_para(pack.tr("pack.contents"), s.h3))
    for key in SECTIONS:
        pack.add(_para(pack.tr(f"pack.section_{key}"), s.body, "· {}"))


def _overview(pack: _Pack, found: overview_view.Model) -> None:
    """The overview page's model (`views.overview`) on paper."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    lang, s = pack.lang, pack.styles
    pack.heading("pack.section_overview")
    boxes = [(pack.tr("overview.event"), found.event_value, found.event_help or "")]
    for figure in found.figures:
        note = figure.delta or figure.help
        boxes.append((figure.label, figure.value, note))
    cells = [[_para(label, s.small) for label, _, _ in boxes]]
    cells.append([_para(value, s.figure) for _, value, _ in boxes])
    cells.append([_para(note, s.note) for _, _, note in boxes])
    table = Table(cells, colWidths=[pack.width / len(boxes)] * len(boxes))
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, HexColor("#dadce0")),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, HexColor("#ffffff")),
                ("LINEAFTER", (0, 0), (-2, -1), 0.5, HexColor("#dadce0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), HexColor("#f8f9fa")),
            ]
        )
    )
    pack.add(table, Spacer(1, 6))
    milestone = overview_view.milestone_text(found)
    if milestone is not None:
        pack.add(_para(f"{pack.tr('overview.next_milestone')} · {milestone}", s.body))

    pack.heading("overview.sites", s.h2)
    rows, colours = [], []
    for shown in (found.destination, *found.cards):
        card, text = shown.card, shown.text
        rows.append(
            {
                pack.tr("pack.site_col"): card.name,
                pack.tr("sites.state"): text.state,
                pack.tr("pack.progress_col"): "—"
                if card.progress is None
                else format_pct(card.progress / 100, lang),
                pack.tr("pack.milestone_col"): "—"
                if card.milestone is None
                else f"{card.milestone.name} ({sites.countdown(card.milestone.days_to_go, lang)})",
                pack.tr("sites.late"): card.late_tasks,
                pack.tr("sites.actions"): card.open_actions,
            }
        )
        colours.append(STATE_TEXT_COLOURS.get(card.state or "", None))
    pack.table(pd.DataFrame(rows), colours={1: colours})
    if found.cards_caption is not None:
        pack.note(found.cards_caption)

    if not found.workstreams.empty:
        chart = charts.finish(charts.progress_by_group(found.workstreams, "workstream", lang), lang)
        pack.add(
            KeepTogether(
                [
                    _para(pack.tr("overview.workstreams"), s.h2),
                    chart_flowable(chart, pack.width, 260),
                ]
            )
        )
    pack.note(found.states_rule)


def _gantt_chunks(rows: pd.DataFrame, capacity: int) -> list[list[str]]:
    """Bar ids per page: whole workstreams while they fit, a workstream longer
    than a page cut into page-sized parts (its header drawn again)."""
    groups: list[list[str]] = []
    for kind, task_id in zip(rows["kind"], rows["task_id"], strict=True):
        if kind == "group":
            groups.append([])
        elif groups:
            groups[-1].append(str(task_id))
    pages: list[list[str]] = []
    used = capacity
    for ids in groups:
        need = len(ids) + 1
        if used + need <= capacity:
            pages[-1].extend(ids)
            used += need
            continue
        while len(ids) + 1 > capacity:
            pages.append(ids[: capacity - 1])
            ids = ids[capacity - 1 :]
        pages.append(list(ids))
        used = len(ids) + 1
    return [p for p in pages if p]


def _gantt_part(model: tl.Model, ids: list[str]) -> dict[str, Any]:
    """The spec of one page of the Gantt: its bars, their headers, their links."""
    rows = model.rows
    block = (rows["kind"] == "group").cumsum()
    kept = rows["task_id"].astype(str).isin(ids) & (rows["kind"] != "group")
    rows = rows[kept | ((rows["kind"] == "group") & block.isin(set(block[kept])))]
    names = set(rows["row"])
    links = model.links[model.links["from_row"].isin(names) & model.links["to_row"].isin(names)]
    return gantt_spec(rows, links, model.options)


def _gantt(pack: _Pack) -> None:
    from reportlab.platypus import PageBreak

    context = pack.context
    pack.heading("pack.section_gantt")
    pack.add(filters_apply())
    model = tl.build(pack.read, tl.for_pack(context.timeline, context.situation, context.lang))
    if model.empty:
        pack.note(pack.tr("timeline.empty"))
        return
    chunks = _gantt_chunks(model.rows, GANTT_ROWS_PER_PAGE)
    width_px = int(pack.landscape_width / PX) - 20
    for part, ids in enumerate(chunks, start=1):
        if part > 1:
            pack.add(PageBreak())
        pack.add(filters_apply())
        if len(chunks) > 1:
            pack.note(pack.tr("pack.gantt_part", part=part, parts=len(chunks)))
        spec = _gantt_part(model, ids)
        room = pack.landscape_height - 60 - (GANTT_NOTES if part == len(chunks) else 0)
        pack.add(chart_flowable({**spec, "width": width_px}, pack.landscape_width, room))
    pack.note(
        pack.tr("timeline.legend", event=pack.tr("overview.event"))
        + " "
        + pack.tr("pack.gantt_shown", shown=model.shown, total=model.total)
    )
    if model.critical_caption:
        pack.note(model.critical_caption)
    for text in model.conflicts:
        pack.note(text)


def _sites(pack: _Pack, shown: overview_view.Model) -> None:
    """The sites page's model (`views.sites`) for the whole destination and the sites
    the overview shows (all of them when they fit; else those needing attention)."""
    from reportlab.platypus import KeepTogether

    lang, situation, s = pack.lang, pack.context.situation, pack.styles
    pack.heading("pack.section_sites")
    if shown.cards_caption is not None:
        pack.note(shown.cards_caption)
    for scope in (shown.destination, *shown.cards):
        found = sites_view.build(
            pack.read, sites_view.State(situation, lang, site=scope.card.site_id)
        )
        detail = found.detail
        if detail is None:
            continue
        card, text = detail.card.card, detail.card.text
        colour = STATE_TEXT_COLOURS.get(card.state or "", "#1a1a1a")
        head = [
            _para(card.name, s.h2),
            _para(text.state, s.body, f'<font color="{colour}"><b>{{}}</b></font>'),
            _para(text.progress_text, s.body),
            _para(text.milestone, s.body),
        ]
        head += [_para(fact, s.small) for fact in text.facts]
        if detail.description:
            head.append(_para(detail.description, s.note))
        pack.add(KeepTogether(head))

        if detail.kpis:
            pack.add(_para(pack.tr("sites.kpis"), s.h3))
            pack.table(
                pd.DataFrame(
                    {
                        pack.tr("pack.kpi"): [k.value.kpi for k in detail.kpis],
                        pack.tr("pack.kpi_value"): [k.value_text for k in detail.kpis],
                        pack.tr("pack.kpi_target"): [k.target_text for k in detail.kpis],
                        pack.tr("pack.kpi_gap"): [k.delta_text or "" for k in detail.kpis],
                        pack.tr("pack.kpi_as_of"): [k.day_text for k in detail.kpis],
                    }
                )
            )

        money = detail.budget
        pack.add(_para(pack.tr("sites.budget"), s.h3))
        if money is None:
            pack.note(pack.tr("pack.budget_totals_none"))
            continue
        pack.add(
            _para(
                pack.tr(
                    "pack.budget_totals",
                    spent=money.spent_text,
                    budget=money.planned_text,
                    share="—"
                    if money.totals.share is None
                    else format_pct(money.totals.share, lang),
                    remaining=money.remaining_text,
                ),
                s.body,
            )
        )
        if detail.by_site is not None:
            title, lines, table, caption = (
                pack.tr("sites.budget_by_site"),
                detail.by_site.lines,
                detail.by_site.table,
                detail.by_site.caption,
            )
        else:
            title, lines, table, caption = (
                pack.tr("sites.budget_by_task"),
                money.lines,
                money.table,
                money.caption,
            )
        chart = charts.finish(site_charts.budget_bars(lines, "name", lang), lang)
        pack.add(
            KeepTogether(
                [_para(title, s.small, "<b>{}</b>"), chart_flowable(chart, pack.width, 300)]
            )
        )
        pack.table(table)
        if caption:
            pack.note(caption)


def _scoring(pack: _Pack) -> None:
    """Each evaluation as the scoring page models it (views.scoring), with the data's
    weights, the mean, the first three of the computed ranking marked and the
    recorded shortlist stated apart; the chart's bars and the table's first page
    are what the page draws."""
    lang, s = pack.lang, pack.styles
    hidden = pack.context.hidden
    pack.heading("pack.section_scoring")
    setup = scoring_view.setup(pack.read, scoring_view.SetupState(hidden))
    if not setup.evaluations:
        pack.note(pack.tr("pack.scoring_none"))
        return
    shown = list(zip(setup.evaluations, setup.counts, strict=True))[:PACK_EVALUATIONS]
    for evaluation, count in shown:
        state = scoring_view.State(
            evaluation=evaluation,
            sensitivity=False,
            lang=lang,
            hidden=hidden,
            situation=pack.context.situation,
        )
        try:
            model = scoring_view.build(pack.read, state)
        except LookupError:  # no criteria yet
            continue
        if not model.projects:
            continue
        keep = model.computed
        pack.add(_para(pack.tr("scoring.evaluation_option", name=evaluation, count=count), s.h2))
        pack.add(
            _para(
                pack.tr("pack.scoring_intro", k=keep, recorded=model.recorded_shortlisted),
                s.small,
            )
        )
        if model.first_name is not None and model.first_total is not None:
            total = format_number(model.first_total, lang, 2)
            pack.add(
                _para(
                    pack.tr("pack.scoring_first_alone", name=model.first_name, total=total)
                    if model.gap is None
                    else pack.tr(
                        "pack.scoring_first",
                        name=model.first_name,
                        total=total,
                        gap=format_number(model.gap, lang, 2),
                    ),
                    s.body,
                    "<b>{}</b>",
                )
            )
        bars = scoring_charts.contribution_bars(
            model.bars,
            [c.label for c in model.criteria],
            model.threshold,
            model.threshold_label,
            lang,
            width=int(pack.width / PX) - 330,
        )
        pack.chart(charts.finish(bars, lang), max_height=320)
        if model.rest is not None:
            pack.note(
                pack.tr(
                    "scoring.bars_rest",
                    count=format_number(model.rest.count, lang),
                    low=format_number(model.rest.low, lang, 2),
                    high=format_number(model.rest.high, lang, 2),
                )
            )
        frame = model.table
        empty = [
            c for c in frame.columns if frame[c].map(lambda v: _cell_text(v, lang) == "").all()
        ]
        pack.table(frame.drop(columns=empty))
    _other_evaluations(pack, setup.evaluations[PACK_EVALUATIONS:])
    pack.note(pack.tr("meeting.official_weights"))
    pack.note(pack.tr("scoring.formula"))


def _other_evaluations(pack: _Pack, names: Sequence[str]) -> None:
    """Evaluations beyond the first few, one line each from the headline figures:
    a pack stays a committee's read however many calls the data holds."""
    if not names:
        return
    found = figures.headline(pack.read, pack.context.situation, pack.context.hidden)
    rows = []
    for name in names:
        counts = found.evaluation(name)
        if counts is None:
            continue
        rows.append(
            {
                pack.tr("pack.evaluation_col"): name,
                pack.tr("pack.projects_col"): counts.projects,
                figures.label("shortlisted", pack.lang): counts.shortlisted,
                pack.tr("pack.selected_col"): counts.selected,
            }
        )
    pack.heading("pack.scoring_others", pack.styles.h2)
    pack.note(pack.tr("pack.scoring_others_note", count=len(rows)))
    pack.table(pd.DataFrame(rows))


def _stakeholders(pack: _Pack) -> None:
    """The page's model (views.stakeholders.build), nothing filtered."""
    from reportlab.platypus import KeepTogether

    from dashboard.views import stakeholders as stakeholders_view

    lang, s = pack.lang, pack.styles
    pack.heading("pack.section_stakeholders")
    model = stakeholders_view.build(
        pack.read,
        stakeholders_view.State(
            situation=pack.context.situation, lang=lang, hidden=pack.context.hidden
        ),
    )
    if model.shown == 0:
        pack.note(pack.tr("stakeholders.no_data"))
        return
    found = model.headline
    pack.add(
        _para(
            pack.tr(
                "pack.engaged",
                engaged=format_number(found.partners_engaged, lang),
                total=format_number(found.stakeholders, lang),
                committed=format_number(model.committed, lang),
            ),
            s.body,
        )
    )
    pack.add(_para(figures.definition("partners_engaged", lang), s.note))
    abroad = figures.value_text(found, "partners_abroad", lang)
    pack.add(_para(f"{figures.label('partners_abroad', lang)} · {abroad}", s.body))
    pack.add(_para(figures.definition("partners_abroad", lang), s.note))
    chart = charts.finish_spec(model.charts.funnel, lang)
    pack.add(
        KeepTogether(
            [
                _para(pack.tr("stakeholders.funnel"), s.h2),
                _para(pack.tr("stakeholders.funnel_intro"), s.small),
                chart_flowable(chart, pack.width, 300),
            ]
        )
    )
    shown = model.funnel.assign(
        category=[sk.category_label(c, lang) for c in model.funnel["category"]]
    )
    pack.table(
        shown.rename(
            columns={
                "category": pack.tr("stakeholders.legend_category"),
                **{st: sk.engagement_label(st, lang) for st in (*sk.STAGES, "declined")},
                "total": pack.tr("stakeholders.funnel_total"),
            }
        )
    )
    pack.add(_para(pack.tr("stakeholders.coverage"), s.h2))
    pack.add(_para(pack.tr("stakeholders.coverage_intro"), s.small))
    if not model.gaps:
        pack.add(_para(pack.tr("pack.gaps_none"), s.body))
    for territory, categories in model.gaps.items():
        pack.add(
            _rich(
                partial(pack.tr, "stakeholders.coverage_gap_line"),
                s.body,
                "· {}",
                territory=territory,
                categories=", ".join(sk.category_label(c, lang) for c in categories),
            )
        )


# Rows of each list of the actions section: a printed pack stops where a committee
# stops reading; the rest is on the page (the note says how many).
PACK_ACTION_ROWS = 40


def _actions(pack: _Pack) -> None:
    """The actions page's model for the latest committee, first page of each list."""
    from dashboard.views import actions as actions_view

    lang, s = pack.lang, pack.styles
    pack.heading("pack.section_actions")
    model = actions_view.build(
        pack.read,
        actions_view.State(
            situation=pack.context.situation,
            hidden=tuple(pack.context.hidden),
            per_page=PACK_ACTION_ROWS,
        ),
    )
    committee = model.committee
    if committee is None:
        pack.note(pack.tr("actions.none"))
        return
    pack.add(
        _para(
            pack.tr(
                "pack.actions_figures",
                open=figures.value_text(model.figures, "open_actions", lang),
                overdue=figures.value_text(model.figures, "overdue_actions", lang),
                carried=format_number(model.carried.total, lang),
            ),
            s.body,
        )
    )

    def more(shown: actions_view.Table) -> None:
        if shown.total > len(shown.rows):
            pack.note(
                pack.tr(
                    "actions.more_on_the_page",
                    shown=format_number(len(shown.rows), lang),
                    total=format_number(shown.total, lang),
                )
            )

    when = format_day(committee, lang)
    pack.add(_para(pack.tr("actions.decisions", date=when), s.h2))
    if model.decisions.total == 0:
        pack.note(pack.tr("actions.no_decisions"))
    for text in model.decisions.rows["text"]:
        pack.add(_para(text, s.body, "· {}"))
    more(model.decisions)

    def table(shown: actions_view.Table) -> None:
        rows = shown.rows
        pack.table(
            pd.DataFrame(
                {
                    pack.tr("actions.meeting"): rows["meeting_date"].dt.date,
                    pack.tr("actions.text"): rows["text"],
                    pack.tr("actions.owner"): rows["owner"],
                    pack.tr("actions.due"): rows["due"].dt.date,
                    pack.tr("actions.days_overdue"): rows["days_overdue"],
                    pack.tr("actions.status"): [
                        pack.tr(f"actions.state_{x}") for x in rows["state"]
                    ],
                    pack.tr("actions.task"): rows["task"].fillna(""),
                }
            ),
            colours={5: [overdue_colour if x == "overdue" else None for x in rows["state"]]},
        )
        more(shown)

    overdue_colour = STATE_TEXT_COLOURS["late"]
    pack.add(_para(pack.tr("actions.new_actions", date=when), s.h2))
    if model.new_actions.total == 0:
        pack.note(pack.tr("actions.no_new_actions"))
    else:
        table(model.new_actions)
    pack.add(_para(pack.tr("actions.carried_title"), s.h2))
    if model.carried.total == 0:
        pack.note(pack.tr("actions.no_carried"))
    else:
        table(model.carried)
    pack.note(pack.tr("actions.rule"))


SECTIONS = ("overview", "gantt", "sites", "scoring", "stakeholders", "actions")


# --- the pack -----------------------------------------------------------------------------


def build_pack(read: Reader, context: PackContext) -> bytes:
    """The committee pack as PDF bytes. `read(name, **params)` runs a named query as
    the reader may (the app's `query`, or `restricted` over a database)."""
    from reportlab.lib.pagesizes import landscape
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

    _setup()
    if context.lang == "en":  # the data's English texts, where given
        read = in_english(read)
    token = charts.text_scale.set(1.0)  # print size, whatever the screen is set to
    try:
        lang, situation = context.lang, context.situation
        wide = landscape(PAGE)
        portrait_frame = Frame(
            MARGIN,
            BOTTOM,
            PAGE[0] - 2 * MARGIN,
            PAGE[1] - TOP - BOTTOM,
            id="portrait",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        landscape_frame = Frame(
            MARGIN,
            BOTTOM,
            wide[0] - 2 * MARGIN,
            wide[1] - TOP - BOTTOM,
            id="landscape",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        buffer = io.BytesIO()
        committee = format_day(situation, lang)
        title = f"{t('pack.title', lang)} · {t('pack.committee', lang, date=committee)}"
        doc = BaseDocTemplate(
            buffer,
            pagesize=PAGE,
            title=printable(title),
            author=printable(t("pack.destination", lang)),
            subject=printable(t("pack.situation", lang, date=format_day(situation, lang))),
            lang=lang,
            pageTemplates=[
                PageTemplate("portrait", [portrait_frame], pagesize=PAGE),
                PageTemplate("landscape", [landscape_frame], pagesize=wide),
            ],
        )
        pack = _Pack(
            read=read,
            context=context,
            styles=_Styles(),
            width=portrait_frame._width,
            landscape_width=landscape_frame._width,
            landscape_height=landscape_frame._height,
        )
        data = _gather(read)
        _cover(pack, data)
        pack.add(PageBreak())
        # one overview model for the overview's page and the sites it names
        shown = overview_view.build(read, overview_view.State(situation, lang))
        _overview(pack, shown)
        pack.add(NextPageTemplate("landscape"), PageBreak())
        _gantt(pack)
        pack.add(NextPageTemplate("portrait"), PageBreak())
        _sites(pack, shown)
        pack.add(PageBreak())
        _scoring(pack)
        pack.add(PageBreak())
        _stakeholders(pack)
        pack.add(PageBreak())
        _actions(pack)

        filters = filter_texts(context.timeline, lang, data.site_names)
        filter_line = printable(
            t("pack.filters", lang, filters=" · ".join(filters) or t("pack.filters_none", lang))
        )
        destination = t("pack.destination", lang)
        header = printable(
            t("pack.header", lang, audience=t(f"pack.audience_{context.role}_short", lang))
            + (" · " + t("pack.demo_short", lang) if context.demo else "")
        )

        def footer(page: int, pages: int) -> str:
            return printable(
                t(
                    "pack.footer",
                    lang,
                    destination=destination,
                    date=committee,
                    page=page,
                    pages=pages,
                )
            )

        confidential = printable(t("meeting.confidential", lang)) if context.role == "staff" else ""
        doc.build(pack.story, canvasmaker=_canvas_maker(header, footer, filter_line, confidential))
        return buffer.getvalue()
    finally:
        charts.text_scale.reset(token)


def pack_from_store(
    store: DataStore,
    lang: str,
    role: auth.Role,
    situation: date | None = None,
    hidden: Iterable[str] = (),
) -> tuple[date, bytes]:
    """The pack of the data folder at `situation` (None: the data's own date), as
    a scheduled job makes it: a past date reads each dataset as it was committed
    then (`views.past`). Returns the situation date and the PDF."""
    from dashboard.domain.status import default_situation
    from dashboard.queries import db
    from dashboard.views import past

    con = db.open_database(store.current_files())
    try:
        span = db.query(con, "mission_span")
        row = {str(k): v for k, v in span.iloc[0].items()} if not span.empty else {}
        current_day = default_situation(
            row.get("first_start"), row.get("last_end"), row.get("status_date"), date.today()
        )
        day = situation or current_day
        shown = past.versions_at(store.history(), day, current_day)
        if shown is not None:
            con.close()
            con = past.open_database_at(store, past.decode(shown.key)[1])
        read = database_reader(con, role)
        context = context_for(
            store, lang, day, role, hidden, until=day if shown is not None else None
        )
        return day, build_pack(read, context)
    finally:
        con.close()
