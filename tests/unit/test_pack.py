"""The committee pack built from the demo data, read back as a PDF: pages, page
numbers, the committee date, the figures the pages show, the filters, nothing a
viewer may not see, charts as vector drawings."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import pack
from dashboard.auth import DEFAULT_CONFIDENTIAL_EVALUATIONS, Role
from dashboard.domain import stakeholders as sk
from dashboard.i18n import format_eur, format_pct
from dashboard.queries import db
from dashboard.store import Store, Version
from dashboard.views import overview
from dashboard.views import scoring as view
from dashboard.views import timeline as tl
from dashboard.views.reader import database_reader
from tests.app.test_access import leaks, rows
from tests.conftest import DEMO

SIT = date(2020, 4, 15)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = db.open_database(Store(DEMO).current_files())
    yield connection
    connection.close()


def reader(con: duckdb.DuckDBPyConnection, role: Role) -> pack.Reader:
    return pack.restricted(lambda name, **params: db.query(con, name, **params), role)


def context(lang: str, role: Role, **extra: object) -> pack.PackContext:
    hidden = () if role == "staff" else DEFAULT_CONFIDENTIAL_EVALUATIONS
    return pack.context_for(Store(DEMO), lang, SIT, role, hidden, **extra)  # type: ignore[arg-type]


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, spaces of every kind as one space."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        out.append(re.sub(r"\s+", " ", page.extract_text().replace("\u00a0", " ")))
    return out


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def staff_fr(con: duckdb.DuckDBPyConnection) -> bytes:
    return pack.build_pack(reader(con, "staff"), context("fr", "staff"))


@pytest.fixture(scope="module")
def viewer_en(con: duckdb.DuckDBPyConnection) -> bytes:
    return pack.build_pack(reader(con, "viewer"), context("en", "viewer"))


@pytest.fixture(scope="module")
def demo_figures(con: duckdb.DuckDBPyConnection) -> overview.Model:
    return overview.build(database_reader(con, "viewer"), overview.State(SIT, "fr"))


def leading_project(con: duckdb.DuckDBPyConnection, evaluation: str) -> view.Model:
    """An evaluation as the scoring page models it, data's weights."""
    read = reader(con, "staff")
    return view.build(read, view.State(evaluation, sensitivity=False, lang="fr", situation=SIT))


# --- the PDF read back ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["staff_fr", "viewer_en"])
def test_pages_are_numbered_n_of_m(which: str, request: pytest.FixtureRequest) -> None:
    texts = pages_text(request.getfixturevalue(which))
    assert 8 <= len(texts) <= 16
    total = len(texts)
    for n, text in enumerate(texts, start=1):
        assert f"page {n} / {total}" in text


def gantt_pages(pdf: bytes) -> list[int]:
    """The pages of the Gantt: the landscape ones."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [n for n, page in enumerate(pages) if page.mediabox.width > page.mediabox.height]


def test_every_french_page_states_the_committee_and_the_filters_only_on_the_gantt(
    staff_fr: bytes,
) -> None:
    texts = pages_text(staff_fr)
    gantt = gantt_pages(staff_fr)
    assert gantt
    for n, text in enumerate(texts):
        assert "ALL – Autour du Louvre-Lens · Comité du 15 avril 2020" in text
        assert ("Filtres : aucun (toute la mission)" in text) == (n in gantt), n
        assert "CONFIDENTIEL – usage interne" in text  # the staff edition, every page
    cover = texts[0]
    assert "Dossier du comité de pilotage" in cover
    assert "Version équipe" in cover


def test_every_english_page_states_the_committee_and_the_filters(viewer_en: bytes) -> None:
    texts = pages_text(viewer_en)
    gantt = gantt_pages(viewer_en)
    for n, text in enumerate(texts):
        assert "ALL, Around Louvre-Lens · Committee of 15 April 2020" in text
        assert ("Filters: none (the whole mission)" in text) == (n in gantt), n
        assert "CONFIDENTIAL" not in text  # the partners' edition is not marked
    assert "Partner edition" in texts[0]


def test_the_cover_names_the_data_versions(staff_fr: bytes, viewer_en: bytes) -> None:
    history = Store(DEMO).history("tasks")
    assert [v.version for v in history] == [1, 2, 3, 4]  # sent before each committee
    fr, en = pages_text(staff_fr)[0], pages_text(viewer_en)[0]
    assert "version 4" in fr and "14 avril 2020" in fr
    assert "version 4" in en and "14 April 2020" in en
    assert "version initiale" in fr and "initial version" in en


def test_the_overview_figures_are_the_pages(
    staff_fr: bytes, viewer_en: bytes, demo_figures: overview.Model
) -> None:
    assert {f.key: f.value for f in demo_figures.figures}["open_actions"] == "10"
    assert demo_figures.progress is not None
    fr = " ".join(pages_text(staff_fr)[:2])
    en = " ".join(pages_text(viewer_en)[:2])
    assert "J-43" in fr and "D-43" in en
    assert plain(format_pct(demo_figures.progress / 100, "fr")) in fr
    assert plain(format_pct(demo_figures.progress / 100, "en")) in en
    assert "41 / 82" in fr and "41 / 82" in en
    assert "Prochain jalon" in fr


def test_sites_scoring_and_actions_are_there(
    con: duckdb.DuckDBPyConnection, staff_fr: bytes, viewer_en: bytes
) -> None:
    fr, en = " ".join(pages_text(staff_fr)), " ".join(pages_text(viewer_en))
    for site in rows("sites"):  # in English, the sites' English names
        assert plain(site["name"]) in fr and plain(site["name_en"]) in en
    culinary = leading_project(con, "projets-culinaires")
    first = culinary.first_name
    assert first == "Route de la frite"
    # the recorded shortlist, apart from the computed top 3
    assert f"Présélection enregistrée (statut des projets) : {culinary.recorded_shortlisted}" in fr
    assert f"En tête : {first}" in fr and "Leading: Chip trail" in en  # its English name
    assert "10 actions ouvertes, dont 4 en retard" in fr
    assert "10 open actions, 4 of them overdue" in en
    assert "Décisions du comité du 15 avril 2020" in fr
    assert "Actions ouvertes reportées des comités précédents" in fr
    assert "Open actions carried over from earlier committees" in en
    assert "Partenaires engagés : 41 sur 82" in fr


def test_the_gantt_is_drawn_in_vector_on_landscape_pages(staff_fr: bytes) -> None:
    reader_ = PdfReader(io.BytesIO(staff_fr))
    gantt = [
        page
        for page in reader_.pages
        if "Choix de l'agence" in page.extract_text() and "mars 2020" in page.extract_text()
    ]
    assert gantt, "no page draws the Gantt"
    for page in gantt:
        assert float(page.mediabox.width) > float(page.mediabox.height)
        resources = page["/Resources"]
        images = [
            name
            for name, ref in (resources.get("/XObject") or {}).items()
            if ref.get_object().get("/Subtype") == "/Image"
        ]
        assert images == []
        content = page.get_contents().get_data()
        ops = re.findall(rb"(?<=\s)(m|l|c|f|S)(?=\s)", content)
        # paths: the bars, rules, links and diamonds, filled and stroked
        assert ops.count(b"m") > 50 and ops.count(b"l") > 100
        assert ops.count(b"f") > 20 and ops.count(b"S") > 10


def test_no_page_holds_a_raster_image(staff_fr: bytes) -> None:
    for page in PdfReader(io.BytesIO(staff_fr)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())


# --- what a viewer may see -------------------------------------------------------------------


def written_prices(lang: str) -> set[str]:
    """The bids' prices as the pack would print them ('€48,500', '48 500 €')."""
    return {
        plain(format_eur(float(p["price_eur"]), lang)) for p in rows("projects") if p["price_eur"]
    }


def test_a_viewer_pack_holds_none_of_the_secrets(viewer_en: bytes) -> None:
    text = " ".join(pages_text(viewer_en))
    assert leaks(text) == {}
    assert "choix-agence" not in text
    assert written_prices("en")
    assert not {p for p in written_prices("en") if p in text}


def test_the_sweep_sees_what_staff_may_read(staff_fr: bytes) -> None:
    text = " ".join(pages_text(staff_fr))
    assert "confidential evaluation" in leaks(text)
    assert {p for p in written_prices("fr") if p in text}


def test_a_viewer_reader_refuses_staff_queries_and_hidden_columns(
    con: duckdb.DuckDBPyConnection,
) -> None:
    read = reader(con, "viewer")
    with pytest.raises(PermissionError):
        read("scoring_juror_scores", evaluation="projets-culinaires", projects=["P01"])
    people = read("stakeholders_rows", **sk.rows_params())
    assert not {"email", "phone", "contact_name"} & set(people.columns)
    assert "email" in reader(con, "staff")("stakeholders_rows", **sk.rows_params()).columns


# --- the timeline's filters ------------------------------------------------------------------


def test_the_timeline_filters_apply_to_the_gantt_and_are_stated(
    con: duckdb.DuckDBPyConnection,
) -> None:
    view = tl.state_of({"tl_ws": ["Parcours noir"], "tl_crit": False}, SIT, "fr")
    pdf = pack.build_pack(reader(con, "viewer"), context("fr", "viewer", timeline=view))
    texts = pages_text(pdf)
    gantt = gantt_pages(pdf)
    for n, text in enumerate(texts):
        stated = "Filtres : Axe = Parcours noir · sans chemin critique" in text
        assert stated == (n in gantt), n  # not on the pages of the whole mission
    gantt = " ".join(t for t in texts if "Planning" in t and "mars 2020" in t)
    assert "Grille d'analyse des projets" in gantt
    assert "Choix de l'agence" not in gantt  # a task of another workstream


# --- the pure pieces --------------------------------------------------------------------------


def test_filter_texts_in_both_languages() -> None:
    view = tl.State(SIT, sites=("olhain",), zoom="month", links=False)
    names = {"olhain": "Restaurant du Parc départemental d'Olhain"}
    assert pack.filter_texts(view, "fr", names) == [
        "Site = Restaurant du Parc départemental d'Olhain",
        "Période = ± 1 mois autour de la date de situation",
        "sans dépendances",
    ]
    assert pack.filter_texts(tl.State(SIT, states=("late",)), "en", {}) == ["State = Late"]
    assert pack.filter_texts(tl.State(SIT), "fr", {}) == []
    assert pack.filter_texts(None, "fr", {}) == []


def test_data_versions_keep_the_last_commit_of_each_dataset() -> None:
    def version(dataset: str, number: int, at: str) -> Version:
        return Version(dataset, number, at, "", 1, "f.csv", "x", "import")

    found = pack.data_versions(
        [
            version("tasks", 1, "2020-03-23T17:40:00+00:00"),
            version("tasks", 2, "2020-04-14T16:15:00+00:00"),
        ]
    )
    assert found["tasks"] == (2, date(2020, 4, 14))
    assert found["actions"] is None


def test_printable_keeps_french_and_drops_what_the_font_lacks() -> None:
    assert pack.printable("12\u202f500\u00a0€") == "12\u00a0500\u00a0€"
    assert pack.printable("œuvre « noire » à Liévin") == "œuvre « noire » à Liévin"
    assert pack.printable("🔴 En retard") == "En retard"
    assert pack.printable("⚠️ 1 200 €") == "1 200 €"
    assert pack.printable("T01 → T02") == "T01 -> T02"


def test_gantt_pages_keep_workstreams_whole_when_they_fit() -> None:
    frame = pd.DataFrame(
        [{"kind": "group", "task_id": None}]
        + [{"kind": "task", "task_id": f"A{i}"} for i in range(3)]
        + [{"kind": "group", "task_id": None}]
        + [{"kind": "task", "task_id": f"B{i}"} for i in range(4)]
        + [{"kind": "group", "task_id": None}]
        + [{"kind": "task", "task_id": f"C{i}"} for i in range(12)]
    )
    chunks = pack._gantt_chunks(frame, capacity=6)
    assert chunks[0] == ["A0", "A1", "A2"]  # B (5 rows) does not fit beside A (4 rows)
    assert chunks[1] == ["B0", "B1", "B2", "B3"]
    assert [len(c) for c in chunks[2:]] == [5, 5, 2]  # C cut, its header on each page
    assert [i for c in chunks for i in c] == [str(i) for i in frame["task_id"].dropna()]


def test_file_name() -> None:
    assert pack.file_name(SIT, "staff") == "comite-2020-04-15-interne.pdf"
    assert pack.file_name(SIT, "viewer") == "comite-2020-04-15-partenaires.pdf"


def test_an_empty_data_folder_still_gives_a_pack() -> None:
    con = db.open_database({})
    pdf = pack.build_pack(reader(con, "viewer"), pack.PackContext(lang="en", situation=SIT))
    texts = pages_text(pdf)
    assert len(texts) == 7  # the cover and one page per section, each saying it is empty
    assert "No evaluation to present." in " ".join(texts)
    assert all(f"page {n} / 7" in text for n, text in enumerate(texts, start=1))


def test_evaluations_beyond_the_first_few_get_one_line_each() -> None:
    """A pack stays bounded: the first evaluations in full, the others as a table
    of their recorded statuses."""
    con = db.empty_database()
    n = pack.PACK_EVALUATIONS + 3
    for i in range(n):
        con.execute(
            "insert into criteria (evaluation, criterion_id, label, weight) "
            "values ($e, 'c', 'C', 1)",
            {"e": f"appel-{i}"},
        )
        for j, state in enumerate(("shortlisted", "selected", "candidate")):
            con.execute(  # _row: the file's order, which orders the evaluations
                "insert into projects (project_id, evaluation, name, status, _row) "
                "values ($p, $e, $n, $s, $r)",
                {
                    "p": f"P{i}-{j}",
                    "e": f"appel-{i}",
                    "n": f"Projet {i}-{j}",
                    "s": state,
                    "r": 2 + 3 * i + j,
                },
            )
            con.execute(
                "insert into scores (project_id, criterion_id, juror, score) "
                "values ($p, 'c', 'J1', $v)",
                {"p": f"P{i}-{j}", "v": j + 1},
            )
    texts = " ".join(pages_text(pack.build_pack(reader(con, "staff"), context("fr", "staff"))))
    assert "Autres évaluations" in texts
    assert "3 autres évaluations" in plain(texts)
    full = [i for i in range(n) if f"Projet {i}-0" in texts]
    assert full == list(range(pack.PACK_EVALUATIONS))  # the others are not drawn in full
    for i in range(pack.PACK_EVALUATIONS, n):
        assert f"appel-{i}" in texts


def test_a_chart_keeps_its_font_and_the_paragraphs_their_bold() -> None:
    """svglib is given the charts' font files: it never registers a file itself
    (which would reset the paragraphs' <b> to the regular face), and a chart's bold
    title is drawn in the pack's bold font, not one the machine's fontconfig picks."""
    import altair as alt
    from reportlab.lib.fonts import tt2ps
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    chart = (
        alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]}), title="Tâches")
        .mark_bar()
        .encode(x="x:Q", y="y:Q")
    )
    from reportlab.graphics.shapes import Group, String

    def strings(node: object) -> Iterator[String]:
        if isinstance(node, String):
            yield node
        for child in node.contents if isinstance(node, Group) else []:
            yield from strings(child)

    fonts = {s.fontName for s in strings(pack.chart_flowable(chart, 400, 200).made())}
    assert tt2ps(pack.FONT, 1, 0) == pack.BOLD
    line = Paragraph("<b>gras</b> maigre", ParagraphStyle("t", fontName=pack.FONT))
    assert [(f.text, f.fontName) for f in line.frags] == [
        ("gras", pack.BOLD),
        (" maigre", pack.FONT),
    ]
    assert fonts == {pack.FONT, pack.BOLD}  # the title in bold
