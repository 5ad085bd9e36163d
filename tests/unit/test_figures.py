"""The headline figures, defined once in SQL, and the state rules as SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard.i18n import catalogue
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import figures
from dashboard.views.reader import database_reader
from tests.conftest import DEMO

SIT = date(2020, 4, 15)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return db.open_database(Store(DEMO).current_files())


def test_the_demo_headline(con: duckdb.DuckDBPyConnection) -> None:
    found = figures.headline(database_reader(con, "viewer"), SIT)
    assert (found.tasks, found.late_tasks) == (41, 3)
    assert (found.open_actions, found.overdue_actions) == (10, 4)
    assert (found.partners_engaged, found.stakeholders) == (41, 82)
    assert found.progress is not None and round(found.progress, 1) == 53.9
    culinary = found.evaluation("projets-culinaires")
    assert culinary is not None
    assert (culinary.shortlisted, culinary.selected, culinary.projects) == (8, 2, 12)
    assert figures.value_text(found, "shortlisted", "fr", "projets-culinaires") == "8 / 12"
    assert figures.value_text(found, "partners_engaged", "en") == "41 / 82"
    assert figures.value_text(found, "budget_spent", "fr") == "75\u202f350\xa0€ / 151\u202f500\xa0€"


def test_hidden_evaluations_are_not_counted(con: duckdb.DuckDBPyConnection) -> None:
    found = figures.headline(database_reader(con, "viewer"), SIT, hidden=("choix-agence",))
    assert [e.evaluation for e in found.evaluations] == ["projets-culinaires"]
    assert figures.value_text(found, "shortlisted", "fr", "choix-agence") == "—"


def test_partners_abroad_leave_out_declined_and_only_identified(tmp_path: Path) -> None:
    con = db.empty_database()
    con.execute(
        "insert into stakeholders (stakeholder_id, name, category, country, engagement) values "
        "('a', 'A', 'x', 'JP', 'committed'), ('b', 'B', 'x', 'JP', 'declined'), "
        "('c', 'C', 'x', 'GB', null), ('d', 'D', 'x', 'BE', 'engaged'), "
        "('e', 'E', 'x', null, 'engaged'), ('f', 'F', 'x', 'FR', 'contacted')"
    )
    found = figures.headline(database_reader(con, "viewer"), SIT)
    assert (found.partners_abroad, found.partners_engaged, found.stakeholders) == (2, 3, 6)


def test_an_empty_folder_has_figures_without_values() -> None:
    found = figures.headline(database_reader(db.empty_database(), "viewer"), SIT)
    assert found.progress is None and found.tasks == 0 and found.evaluations == ()
    assert figures.value_text(found, "progress", "fr") == "—"
    assert figures.value_text(found, "budget_spent", "en") == "€0"


def test_every_figure_has_a_label_and_definition_in_both_languages() -> None:
    for lang in ("fr", "en"):
        texts = catalogue(lang)
        for key in figures.KEYS:
            assert texts.get(f"figures.{key}.label"), (lang, key)
            assert len(texts.get(f"figures.{key}.definition", "")) > 30, (lang, key)
    assert figures.label("late_tasks", "fr") != figures.label("late_tasks", "en")


def test_pages_of_a_list() -> None:
    from dashboard.views.paging import pages

    assert [pages(n, 50) for n in (0, 1, 50, 51, 100, 101)] == [1, 1, 1, 2, 2, 3]
