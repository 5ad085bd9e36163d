"""The committee's decisions and actions at a situation date (pure).

An action is overdue when it is still open and its due date has passed; it is
carried over when it is still open and was recorded by an earlier committee
than the one being looked at.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

STATES: tuple[str, ...] = ("overdue", "open", "done", "cancelled")


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return str(value)


def committees(actions: pd.DataFrame) -> list[date]:
    """Committee dates, latest first."""
    days = {d for d in (_day(v) for v in actions["meeting_date"]) if d}
    return sorted(days, reverse=True)


def annotate(actions: pd.DataFrame, situation: date, committee: date | None) -> pd.DataFrame:
    """Adds `days_overdue`, `carried_over` and `state` (overdue, open, done, cancelled)."""
    out = actions.copy()
    overdue, carried, states = [], [], []
    for rec in out.to_dict("records"):
        due, met = _day(rec.get("due")), _day(rec.get("meeting_date"))
        status = _text(rec.get("status"))
        is_open = rec.get("kind") == "action" and (status or "open") == "open"
        late = (situation - due).days if is_open and due and due < situation else 0
        overdue.append(late)
        carried.append(bool(is_open and committee and met and met < committee))
        if rec.get("kind") == "decision":
            states.append(status or "done")
        elif is_open:
            states.append("overdue" if late > 0 else "open")
        else:
            states.append(status or "open")
    out["days_overdue"] = pd.Series(overdue, index=out.index, dtype="int64")
    out["carried_over"] = pd.Series(carried, index=out.index, dtype="bool")
    out["state"] = pd.Series(states, index=out.index, dtype="object")
    return out


def of_committee(actions: pd.DataFrame, committee: date | None) -> pd.DataFrame:
    if committee is None:
        return actions.iloc[0:0]
    return actions[[_day(v) == committee for v in actions["meeting_date"]]]


def carried_over(actions: pd.DataFrame) -> pd.DataFrame:
    """Open actions from earlier committees, most overdue first."""
    rows = actions[actions["carried_over"]]
    return rows.sort_values(["days_overdue", "due"], ascending=[False, True])


def filter_actions(
    actions: pd.DataFrame,
    owners: Iterable[str] = (),
    states: Iterable[str] = (),
    kinds: Iterable[str] = (),
    search: str = "",
) -> pd.DataFrame:
    """Keep rows matching every filter (an empty filter keeps all); `search` looks in
    the text, the linked task and project, case and accents aside."""
    keep = pd.Series(True, index=actions.index)
    for column, wanted in (("owner", list(owners)), ("state", list(states)), ("kind", list(kinds))):
        if wanted:
            keep &= actions[column].isin(wanted)
    if search.strip():
        from dashboard.ingest import fold

        needle = fold(search)
        haystack = (
            actions["text"].fillna("")
            + " "
            + actions["task_id"].fillna("")
            + " "
            + actions["task_name"].fillna("")
            + " "
            + actions["project_id"].fillna("")
            + " "
            + actions["project_name"].fillna("")
        )
        keep &= haystack.map(lambda text: needle in fold(str(text)))
    return actions[keep]
