"""One question, one number: every headline figure reads the same wherever it is
shown. On the demo at 15 April 2020, in both languages and both roles, every
metric of every page of the navigation labelled with a headline figure's label
shows `figures.value_text` with `figures.definition` as its help; the overview
and the actions page show theirs; and the committee pack prints the same values.

A page that names a figure with `figures.label` is checked here without further
ado: the test reads whatever each page draws.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard import auth, pack
from dashboard.auth import DEFAULT_CONFIDENTIAL_EVALUATIONS, Role
from dashboard.i18n import format_number, t
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import actions, figures
from dashboard.views.reader import database_reader
from tests.app.support import PASSWORD, sign_in, start
from tests.conftest import DEMO

SIT = date(2020, 4, 15)
LANGS = ("fr", "en")
ROLES: tuple[Role, ...] = ("viewer", "staff")

# What each page must show at least (more is welcome, and checked the same way).
REQUIRED: dict[str, tuple[str, ...]] = {
    "overview": ("progress", "late_tasks", "open_actions", "partners_engaged"),
    "actions": ("open_actions", "overdue_actions"),
}


@pytest.fixture(autouse=True)
def _app_settings(clear_streamlit_caches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the app tests run (tests/app/conftest.py): a known staff password and the
    default confidential evaluations."""
    monkeypatch.setenv("DASHBOARD_STAFF_PASSWORD", PASSWORD)
    monkeypatch.delenv("DASHBOARD_CONFIDENTIAL_EVALUATIONS", raising=False)


def hidden_for(role: Role) -> tuple[str, ...]:
    return () if role == "staff" else DEFAULT_CONFIDENTIAL_EVALUATIONS


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.open_database(Store(DEMO).current_files())
    yield connection
    connection.close()


def headline(con: duckdb.DuckDBPyConnection, role: Role) -> figures.Headline:
    return figures.headline(database_reader(con, role), SIT, hidden_for(role))


def label_keys(lang: str) -> dict[str, str]:
    """A figure's label -> its key, in one language."""
    found = {figures.label(key, lang): key for key in figures.KEYS}
    assert len(found) == len(figures.KEYS), "two figures share a label"
    return found


# --- the pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    page: str
    key: str
    value: str
    help: str
    evaluation: str | None  # the evaluation the page shows, when it says


def evaluation_shown(at: AppTest, names: list[str]) -> str | None:
    """The evaluation a page is about, as its URL says it (the one codec of view
    state), or the only one the reader sees."""
    asked = at.query_params.get("eval")
    value = asked[0] if isinstance(asked, list) and asked else asked
    if isinstance(value, str) and value in names:
        return value
    return names[0] if len(names) == 1 else None


def figures_on_pages(lang: str, role: Role, names: list[str]) -> Iterator[Shown]:
    """Every metric labelled with a headline figure's label, page by page."""
    labels = label_keys(lang)
    for page in auth.pages_for(role):
        at = start(lang, date=SIT.isoformat())
        if role == "staff":
            at = sign_in(at)
        at.switch_page(auth.PAGES[page].file).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        evaluation = evaluation_shown(at, names)
        for metric in at.metric:
            if metric.label in labels:
                yield Shown(page, labels[metric.label], metric.value, metric.help, evaluation)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_shows_the_headline_figures_as_defined(
    demo_dir: Path, con: duckdb.DuckDBPyConnection, lang: str, role: Role
) -> None:
    found = headline(con, role)
    names = [e.evaluation for e in found.evaluations]
    shown = list(figures_on_pages(lang, role, names))
    for item in shown:
        where = (item.page, item.key, lang, role)
        # the help opens with the definition (it may go on with the delta's own)
        assert (item.help or "").startswith(figures.definition(item.key, lang)), where
        if item.key == "shortlisted":
            if item.evaluation is None:
                continue  # the page does not say which evaluation it counts
            expected = figures.value_text(found, item.key, lang, item.evaluation)
        else:
            expected = figures.value_text(found, item.key, lang)
        assert item.value == expected, where
    for page, keys in REQUIRED.items():
        on_page = {item.key for item in shown if item.page == page}
        assert set(keys) <= on_page, (page, sorted(set(keys) - on_page), lang)


def test_the_demo_figures_read_as_the_committee_knows_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    found = headline(con, "viewer")
    assert figures.value_text(found, "open_actions", "fr") == "10"
    assert figures.value_text(found, "overdue_actions", "fr") == "4"
    assert figures.value_text(found, "late_tasks", "en") == "3"
    assert figures.value_text(found, "partners_engaged", "en") == "41 / 82"


# --- the committee pack ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text on a PDF page and where it starts (points, from the bottom left)."""

    text: str
    x: float
    y: float


def runs(pdf: bytes) -> list[list[Run]]:
    pages: list[list[Run]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[Run] = []

        def visit(
            text: str, cm: list[float], tm: list[float], *_: object, found: list[Run] = found
        ) -> None:
            if text.strip():
                found.append(Run(plain(text), cm[4] + tm[4], cm[5] + tm[5]))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def under(label: Run, page: list[Run]) -> Run | None:
    """The text printed right under a label, in its column."""
    below = [r for r in page if abs(r.x - label.x) < 1 and r.y < label.y - 1]
    return max(below, key=lambda r: r.y, default=None)


def figure_boxes(page: list[Run], labels: dict[str, str]) -> list[tuple[str, Run | None]]:
    """Figures printed as boxes side by side: a line holding two labels or more of
    headline figures, each with its value under it. A label alone on its line is
    a heading, a chart's title or a sentence, not a figure's box."""
    lines: dict[int, list[Run]] = {}
    for run in page:
        if run.text in labels:
            lines.setdefault(round(run.y), []).append(run)
    return [
        (labels[run.text], under(run, page))
        for line in lines.values()
        if len(line) >= 2
        for run in line
    ]


@pytest.fixture(scope="module", params=[(lang, role) for lang in LANGS for role in ROLES])
def built(
    request: pytest.FixtureRequest, con: duckdb.DuckDBPyConnection
) -> tuple[str, Role, bytes]:
    lang, role = request.param
    read = pack.restricted(lambda name, **params: db.query(con, name, **params), role)
    context = pack.context_for(Store(DEMO), lang, SIT, role, hidden_for(role))
    return lang, role, pack.build_pack(read, context)


def test_the_pack_prints_the_same_values(
    con: duckdb.DuckDBPyConnection, built: tuple[str, Role, bytes]
) -> None:
    lang, role, pdf = built
    found = headline(con, role)
    pages = runs(pdf)
    text = " ".join(r.text for page in pages for r in page)
    labels = label_keys(lang)
    names = [e.evaluation for e in found.evaluations]
    boxes = 0
    for page in pages:
        for key, value in figure_boxes(page, labels):
            assert value is not None, (key, lang, role)
            if key == "shortlisted":
                # which evaluation a box counts is not found by position: it must
                # be one of those the reader sees
                expected = {plain(figures.value_text(found, key, lang, n)) for n in names}
                assert value.text in expected, (key, value.text, lang, role)
            else:
                assert value.text == plain(figures.value_text(found, key, lang)), (key, lang)
            boxes += 1
    assert boxes >= 3, (lang, role)  # the overview's figures, at least
    # the overview's figures are in the pack, whatever their layout
    for key in REQUIRED["overview"]:
        assert plain(figures.value_text(found, key, lang)) in text, (key, lang, role)
    # the actions section's sentence, from the actions page's model
    model = actions.build(database_reader(con, role), actions.State(SIT, hidden=hidden_for(role)))
    sentence = t(
        "pack.actions_figures",
        lang,
        open=figures.value_text(found, "open_actions", lang),
        overdue=figures.value_text(found, "overdue_actions", lang),
        carried=format_number(model.carried.total, lang),
    )
    assert plain(sentence) in text, (lang, role)
