"""Carried-over and overdue actions on hand-made committees."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import actions

D = date.fromisoformat


def log() -> pd.DataFrame:
    rows = [
        ("A1", "2020-02-25", "action", "Relancer les boulangers", "OT Douai", "2020-03-10", "open"),
        ("A2", "2020-02-25", "action", "Fixer la date", "Olhain", "2020-05-01", "open"),
        ("A3", "2020-02-25", "action", "Envoyer le compte rendu", "PdCT", "2020-03-01", "done"),
        ("A4", "2020-03-24", "decision", "Reporter la dégustation", "PdCT", None, None),
        ("A5", "2020-04-15", "action", "Préparer le mois noir", "Agence", "2020-04-10", "open"),
        ("A6", "2020-04-15", "action", "Sans échéance", "Agence", None, "open"),
        ("A7", "2020-03-24", "action", "Annulée", "Agence", "2020-03-30", "cancelled"),
    ]
    frame = pd.DataFrame(
        rows, columns=["action_id", "meeting_date", "kind", "text", "owner", "due", "status"]
    )
    frame["meeting_date"] = pd.to_datetime(frame["meeting_date"])
    frame["due"] = pd.to_datetime(frame["due"])
    for column in ("task_id", "task_name", "project_id", "project_name"):
        frame[column] = None
    frame.loc[frame["action_id"] == "A2", ["task_id", "task_name"]] = ["T31", "Ouverture"]
    return frame


def test_committees_latest_first() -> None:
    assert actions.committees(log()) == [D("2020-04-15"), D("2020-03-24"), D("2020-02-25")]


def test_overdue_and_carried_over_at_the_situation_date() -> None:
    out = actions.annotate(log(), D("2020-04-15"), D("2020-04-15")).set_index("action_id")
    assert out.loc["A1", "days_overdue"] == 36 and out.loc["A1", "state"] == "overdue"
    assert out.loc["A2", "days_overdue"] == 0 and out.loc["A2", "state"] == "open"
    assert out.loc["A5", "state"] == "overdue"  # due before its own committee, still open
    assert out.loc["A6", "state"] == "open" and out.loc["A6", "days_overdue"] == 0
    assert out.loc["A3", "state"] == "done" and out.loc["A7", "state"] == "cancelled"
    assert out.loc["A4", "state"] == "done"  # a decision is done when taken
    carried = set(out.index[out["carried_over"]])
    assert carried == {"A1", "A2"}  # open, from earlier committees


def test_carried_over_depends_on_the_committee_looked_at() -> None:
    out = actions.annotate(log(), D("2020-03-24"), D("2020-02-25"))
    assert not out["carried_over"].any()
    out = actions.annotate(log(), D("2020-03-24"), D("2020-03-24")).set_index("action_id")
    assert set(out.index[out["carried_over"]]) == {"A1", "A2"}
    assert out.loc["A1", "days_overdue"] == 14


def test_carried_over_most_overdue_first() -> None:
    out = actions.annotate(log(), D("2020-04-15"), D("2020-04-15"))
    assert list(actions.carried_over(out)["action_id"]) == ["A1", "A2"]


def test_of_committee() -> None:
    out = actions.of_committee(log(), D("2020-03-24"))
    assert list(out["action_id"]) == ["A4", "A7"]
    assert actions.of_committee(log(), None).empty


def test_filters_and_search_ignore_case_and_accents() -> None:
    out = actions.annotate(log(), D("2020-04-15"), D("2020-04-15"))
    assert list(actions.filter_actions(out, owners=["Agence"])["action_id"]) == ["A5", "A6", "A7"]
    assert list(actions.filter_actions(out, states=["overdue"])["action_id"]) == ["A1", "A5"]
    assert list(actions.filter_actions(out, kinds=["decision"])["action_id"]) == ["A4"]
    assert list(actions.filter_actions(out, search="DEGUSTATION")["action_id"]) == ["A4"]
    assert list(actions.filter_actions(out, search="t31")["action_id"]) == ["A2"]
    assert len(actions.filter_actions(out)) == 7
