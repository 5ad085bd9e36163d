"""The decisions and actions page's model: each committee's decisions and actions,
the open actions carried over from earlier committees and the whole log, filtered
and paged in DuckDB (`sql/queries/action_rows.sql`, states from
`sql/views/stated_actions.sql`); the open and overdue counts are the headline
figures (`views.figures`).

An action is overdue when it is still open and its due date has passed; it is
carried over when it is still open and was recorded by an earlier committee than
the one looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard.views import figures
from dashboard.views.reader import Reader

# The states a row can have, in the order the log's filter offers them.
STATES: tuple[str, ...] = ("overdue", "open", "done", "cancelled")
KINDS: tuple[str, ...] = ("decision", "action")

# Rows per page of each list: a committee at 100× records about 500 of each kind,
# and the browser gets only the page it draws.
PER_PAGE = 25


@dataclass(frozen=True)
class State:
    situation: date
    hidden: tuple[str, ...] = ()  # evaluations the reader may not see
    committee: date | None = None  # None: the latest by the situation date
    owners: tuple[str, ...] = ()  # the log's filters; empty keeps all
    states: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    search: str = ""
    decisions_page: int = 1
    new_page: int = 1
    carried_page: int = 1
    log_page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Table:
    """One page of a list: `rows` are what is drawn (`action_rows` columns, without
    the paging ones); `total` counts every row of the list."""

    rows: pd.DataFrame
    total: int
    page: int  # from 1, the one shown (a page past the end shows the last)
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        """The number of the first row shown (0 when there is none)."""
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.total else 0


@dataclass(frozen=True)
class Model:
    committees: tuple[date, ...]  # latest first
    committee: date | None  # the one shown; None when no committee met by then
    owners: tuple[str, ...]  # the owner filter's options
    figures: figures.Headline  # open_actions, overdue_actions: the headline figures
    decisions: Table  # of the committee shown
    new_actions: Table  # decided by the committee shown
    carried: Table  # still open, from earlier committees, most overdue first
    log: Table  # every row matching the filters, latest committee first

    @property
    def open_actions(self) -> int:
        return self.figures.open_actions

    @property
    def overdue_actions(self) -> int:
        return self.figures.overdue_actions


def _table(read: Reader, state: State, committee: date | None, page: int, **params: Any) -> Table:
    """One page of `action_rows`: every filter empty unless given."""
    asked: dict[str, Any] = {
        "situation": state.situation,
        "committee": committee,
        "hidden": list(state.hidden),
        "meeting": None,
        "carried_only": False,
        "owners": [],
        "states": [],
        "kinds": [],
        "search": "",
        "most_overdue_first": False,
        "page": page,
        "per_page": state.per_page,
    }
    asked.update(params)
    found = read("action_rows", **asked)
    total = int(found["total"].iloc[0]) if not found.empty else 0
    first = int(found["row_number"].iloc[0]) if not found.empty else 1
    return Table(
        rows=found.drop(columns=["row_number", "total"]).reset_index(drop=True),
        total=total,
        page=(first - 1) // state.per_page + 1,
        pages=max(-(-total // state.per_page), 1),
        per_page=state.per_page,
    )


def build(read: Reader, state: State) -> Model:
    committees = tuple(
        pd.Timestamp(d).date()
        for d in read("action_committees", situation=state.situation)["meeting_date"]
    )
    committee = state.committee if state.committee in committees else None
    if committee is None and committees:
        committee = committees[0]
    owners = tuple(str(o) for o in read("action_owners", situation=state.situation)["owner"])
    # Without a committee there is no row at all, so `meeting` None (all) is empty too.
    of_committee = {"meeting": committee}
    return Model(
        committees=committees,
        committee=committee,
        owners=owners,
        figures=figures.headline(read, state.situation, state.hidden),
        decisions=_table(
            read, state, committee, state.decisions_page, kinds=["decision"], **of_committee
        ),
        new_actions=_table(
            read, state, committee, state.new_page, kinds=["action"], **of_committee
        ),
        carried=_table(
            read,
            state,
            committee,
            state.carried_page,
            carried_only=True,
            most_overdue_first=True,
        ),
        log=_table(
            read,
            state,
            committee,
            state.log_page,
            owners=list(state.owners),
            states=list(state.states),
            kinds=list(state.kinds),
            search=state.search,
        ),
    )
