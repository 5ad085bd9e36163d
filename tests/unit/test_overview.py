"""The overview's figures (shared by the page and the committee pack)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import db, mission, overview, status
from dashboard.store import Store
from tests.conftest import DEMO

SIT = date(2020, 4, 15)


def event(start: str, end: str) -> pd.DataFrame:
    return pd.DataFrame({"start": [pd.Timestamp(start)], "end": [pd.Timestamp(end)]})


def test_the_demo_figures() -> None:
    con = db.open_database(Store(DEMO).current_files())
    tasks = status.with_states(db.query(con, "tasks"), SIT)
    found = overview.figures(
        tasks,
        db.query(con, "open_actions", situation=SIT),
        db.query(con, "engagement_counts"),
        db.query(con, "event_window", pattern=mission.EVENT_PATTERN),
        SIT,
    )
    assert (found.event_start, found.event_end) == (date(2020, 5, 28), date(2020, 6, 30))
    assert (found.late, found.open_actions, found.overdue_actions) == (3, 10, 4)
    assert (found.engaged, found.stakeholders) == (41, 82)
    assert found.progress == status.rollup_progress(tasks)
    assert overview.event_text(found, SIT, "fr") == "J-43"
    assert overview.event_text(found, SIT, "en") == "D-43"
    assert overview.event_help(found, "fr") == "Du 28 mai 2020 au 30 juin 2020"
    assert found.next_milestone is not None
    assert overview.milestone_text(found, SIT, "en", escape=str.upper) == (
        "CONFÉRENCE « ALL – NOUVELLES INSPIRATIONS » AU MÉTAPHONE (OIGNIES) · 15 April 2020 (today)"
    )
    later = overview.milestone_text(found, date(2020, 4, 10), "fr")
    assert later is not None and later.endswith("· 15 avril 2020 (dans 5 j)")


def test_the_event_countdown_running_and_over() -> None:
    empty = pd.DataFrame(columns=["task_id", "start", "end", "progress", "status", "milestone"])
    tasks = status.with_states(empty, SIT)
    actions = pd.DataFrame({"days_overdue": pd.Series([], dtype="int64")})
    counts = pd.DataFrame({"engagement": ["engaged", "identified"], "stakeholders": [2, 5]})
    found = overview.figures(tasks, actions, counts, event("2020-05-28", "2020-06-30"), SIT)
    assert found.progress is None and found.next_milestone is None
    assert (found.engaged, found.stakeholders) == (2, 7)
    assert overview.event_text(found, date(2020, 6, 1), "fr") == "En cours"
    assert overview.event_text(found, date(2020, 7, 1), "en") == "Over"
    unplanned = overview.figures(tasks, actions, counts, event("2020-05-28", "2020-06-30")[:0], SIT)
    assert overview.event_text(unplanned, SIT, "fr") == "Non planifié"
    assert overview.event_help(unplanned, "fr") is None
