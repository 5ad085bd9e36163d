"""The overview's figures at a situation date (pure, no Streamlit).

One computation for the overview page and the committee pack, so the figures a
committee reads on paper are the ones it saw on the projector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import status
from dashboard.i18n import format_day, t

ENGAGED = ("engaged", "committed")


@dataclass(frozen=True)
class Figures:
    event_start: date | None  # the event's first day; None when it is not planned
    event_end: date | None
    progress: float | None  # 0-100, duration-weighted; None without a live task
    late: int
    open_actions: int
    overdue_actions: int
    engaged: int
    stakeholders: int
    next_milestone: dict[str, object] | None  # task_id, name, start


def figures(
    tasks: pd.DataFrame,
    actions: pd.DataFrame,
    engagement: pd.DataFrame,
    event: pd.DataFrame,
    situation: date,
) -> Figures:
    """`tasks` carry their states (`status.with_states`); `actions` are the open ones
    (`open_actions`); `engagement` is `engagement_counts`; `event` is `event_window`."""
    start = end = None
    if not event.empty:
        start, end = event["start"].iloc[0].date(), event["end"].iloc[0].date()
    return Figures(
        event_start=start,
        event_end=end,
        progress=status.rollup_progress(tasks) if not tasks.empty else None,
        late=int((tasks["state"] == "late").sum()) if not tasks.empty else 0,
        open_actions=len(actions),
        overdue_actions=int((actions["days_overdue"] > 0).sum()) if not actions.empty else 0,
        engaged=int(engagement.loc[engagement["engagement"].isin(ENGAGED), "stakeholders"].sum()),
        stakeholders=int(engagement["stakeholders"].sum()),
        next_milestone=status.next_milestone(tasks, situation) if not tasks.empty else None,
    )


def event_text(found: Figures, situation: date, lang: str) -> str:
    """'J-43' before the event, 'En cours' during it, 'Terminé' after it."""
    if found.event_start is None or found.event_end is None:
        return t("overview.event_unknown", lang)
    if situation < found.event_start:
        return t("overview.event_days", lang, days=(found.event_start - situation).days)
    if situation <= found.event_end:
        return t("overview.event_running", lang)
    return t("overview.event_over", lang)


def event_help(found: Figures, lang: str) -> str | None:
    if found.event_start is None or found.event_end is None:
        return None
    return t(
        "overview.event_help",
        lang,
        start=format_day(found.event_start, lang),
        end=format_day(found.event_end, lang),
    )


def milestone_text(
    found: Figures, situation: date, lang: str, escape: Callable[[str], str] = str
) -> str | None:
    """'Name · 28 mai 2020 (dans 43 j)', or None; `escape` wraps the task's name
    (data) for where the text goes (Markdown, a PDF paragraph)."""
    upcoming = found.next_milestone
    if upcoming is None:
        return None
    day = upcoming["start"]
    assert isinstance(day, date)
    days = (day - situation).days
    return t(
        "overview.next_milestone_today" if days == 0 else "overview.next_milestone_value",
        lang,
        name=escape(str(upcoming["name"])),
        date=format_day(day, lang),
        days=days,
    )
