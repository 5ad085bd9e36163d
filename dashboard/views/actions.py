"""The decisions and actions page's model: each committee's decisions and actions,
the open actions carried over from earlier committees and the whole log, filtered
and paged in DuckDB (`sql/queries/action_lists.sql`, states from
`sql/views/stated_actions.sql`); the open and overdue counts are the headline
figures (`views.figures`).

An action is overdue when it is still open and its due date has passed; it is
carried over when it is still open and was recorded by an earlier committee than
the one looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.views import figures, paging
from dashboard.views.reader import Reader
from dashboard.views.together import together

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
    """One page of a list: `rows` are what is drawn (`action_lists` columns, without
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


def _table(found: pd.DataFrame, name: str, per_page: int) -> Table:
    """One list's page out of `action_lists`."""
    rows = found[found["list"] == name]
    total = int(rows["total"].iloc[0]) if not rows.empty else 0
    first = int(rows["row_number"].iloc[0]) if not rows.empty else 1
    return Table(
        rows=rows.drop(columns=["list", "row_number", "total"]).reset_index(drop=True),
        total=total,
        page=(first - 1) // per_page + 1,
        pages=paging.pages(total, per_page),
        per_page=per_page,
    )


def build(read: Reader, state: State) -> Model:
    with together() as start:
        headline = start(lambda: figures.headline(read, state.situation, state.hidden))
        owners_read = start(lambda: read("action_owners", situation=state.situation))
        committees = tuple(
            pd.Timestamp(d).date()
            for d in read("action_committees", situation=state.situation)["meeting_date"]
        )
        committee = state.committee if state.committee in committees else None
        if committee is None and committees:
            committee = committees[0]
        found = read(
            "action_lists",
            situation=state.situation,
            committee=committee,
            hidden=list(state.hidden),
            owners=list(state.owners),
            states=list(state.states),
            kinds=list(state.kinds),
            search=state.search,
            decisions_page=state.decisions_page,
            new_page=state.new_page,
            carried_page=state.carried_page,
            log_page=state.log_page,
            per_page=state.per_page,
        )
        owners = tuple(str(o) for o in owners_read.get()["owner"])
    return Model(
        committees=committees,
        committee=committee,
        owners=owners,
        figures=headline.get(),
        decisions=_table(found, "decisions", state.per_page),
        new_actions=_table(found, "new", state.per_page),
        carried=_table(found, "carried", state.per_page),
        log=_table(found, "log", state.per_page),
    )
