"""The overview's model: the mission at a glance at the situation date.

The headline figures come from `views.figures` (one number everywhere, its
definition as help); the sites' cards from `site_rollups.sql` (one pass for every
site); progress by workstream from `workstream_rollups.sql`. At most `CARDS` site
cards are drawn: every site in file order when they fit, else the `CARDS` needing
the most attention (late, at risk, overdue actions, late tasks, open actions), the
rest one link away on the Sites page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain import mission, sites, status
from dashboard.i18n import format_day, format_number, t
from dashboard.views import figures
from dashboard.views import sites as site_views
from dashboard.views.reader import Reader
from dashboard.views.together import together

# Site cards drawn on the overview (and rows of the pack's site table).
CARDS = 8
# The headline figures the overview shows, in order.
FIGURES: tuple[str, ...] = ("progress", "late_tasks", "open_actions", "partners_engaged")


@dataclass(frozen=True)
class State:
    situation: date
    lang: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    help: str  # the figure's definition (`figures.definition`)
    delta: str | None = None  # open actions: how many are overdue


@dataclass(frozen=True)
class Model:
    situation: date
    lang: str
    empty: bool  # no task and no site
    event_value: str  # 'J-43', 'En cours', 'Terminé', 'Non planifié'
    event_help: str | None
    figures: tuple[Figure, ...]
    progress: float | None  # the headline's, 0-100
    overdue_actions: int
    milestone: sites.Milestone | None  # the destination's next milestone
    destination: site_views.Card
    cards: tuple[site_views.Card, ...]  # at most CARDS
    sites_total: int
    cards_caption: str | None  # how the cards are chosen, when some are left out
    workstreams: pd.DataFrame  # workstream, progress, state, tasks (first start first)
    states_rule: str


def event_text(start: date | None, end: date | None, situation: date, lang: str) -> str:
    """'J-43' before the event, 'En cours' during it, 'Terminé' after it."""
    if start is None or end is None:
        return t("overview.event_unknown", lang)
    if situation < start:
        return t("overview.event_days", lang, days=(start - situation).days)
    if situation <= end:
        return t("overview.event_running", lang)
    return t("overview.event_over", lang)


def event_help(start: date | None, end: date | None, lang: str) -> str | None:
    if start is None or end is None:
        return None
    return t(
        "overview.event_help",
        lang,
        start=format_day(start, lang),
        end=format_day(end, lang),
    )


def milestone_text(found: Model, escape: Callable[[str], str] = str) -> str | None:
    """'Name · 28 mai 2020 (dans 43 j)', or None; `escape` wraps the task's name
    (data) for where the text goes (Markdown, a PDF paragraph)."""
    upcoming = found.milestone
    if upcoming is None:
        return None
    return t(
        "overview.next_milestone_today"
        if upcoming.days_to_go == 0
        else "overview.next_milestone_value",
        found.lang,
        name=escape(upcoming.name),
        date=format_day(upcoming.day, found.lang),
        days=upcoming.days_to_go,
    )


# Where each headline figure opens: the page, and the filters of its URL that list
# the items behind the figure (the same rule as the figure's definition).
FIGURE_LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "progress": ("timeline", {}),
    "late_tasks": ("timeline", {"state": "late"}),
    "open_actions": ("actions", {"state": "open,overdue"}),
    "overdue_actions": ("actions", {"state": "overdue"}),
    "partners_engaged": ("stakeholders", {"engagement": "engaged,committed"}),
    "partners_abroad": ("stakeholders", {"engagement": "engaged,committed"}),
    "shortlisted": ("scoring", {}),
    "budget_spent": ("sites", {}),
}


def _figures(
    read: Reader, situation: date, lang: str
) -> tuple[tuple[Figure, ...], figures.Headline]:
    found = figures.headline(read, situation)
    shown = []
    for key in FIGURES:
        delta, help_text = None, figures.definition(key, lang)
        if key == "open_actions":
            help_text += " " + figures.definition("overdue_actions", lang)
            if found.overdue_actions:
                delta = t("overview.actions_overdue", lang, count=found.overdue_actions)
        shown.append(
            Figure(
                key,
                figures.label(key, lang),
                figures.value_text(found, key, lang),
                help_text,
                delta,
            )
        )
    return tuple(shown), found


def build(read: Reader, state: State) -> Model:
    situation, lang = state.situation, state.lang
    with together() as start:
        event_read = start(lambda: read("event_window", pattern=mission.EVENT_PATTERN))
        rollups = start(lambda: site_views.rollups(read, situation))
        streams = start(
            lambda: read("workstream_rollups", situation=situation, threshold=status.AT_RISK_POINTS)
        )
        shown, found = _figures(read, situation, lang)
        event, frame = event_read.get(), rollups.get()
    start_day = end_day = None
    if not event.empty:
        start_day, end_day = event["start"].iloc[0].date(), event["end"].iloc[0].date()
    whole = frame[frame["scope"] == "destination"].iloc[0].to_dict()
    destination = site_views.card(whole, situation, lang)
    places = frame[frame["scope"] == "site"]
    total = len(places)
    if total > CARDS:
        places = places.sort_values("attention").head(CARDS)
    cards = tuple(site_views.card(r, situation, lang) for r in places.to_dict("records"))
    caption = site_views.bounded(len(cards), total, "overview.sites_bounded", lang)
    return Model(
        situation=situation,
        lang=lang,
        empty=found.tasks == 0 and total == 0,
        event_value=event_text(start_day, end_day, situation, lang),
        event_help=event_help(start_day, end_day, lang),
        figures=shown,
        progress=found.progress,
        overdue_actions=found.overdue_actions,
        milestone=destination.card.milestone,
        destination=destination,
        cards=cards,
        sites_total=total,
        cards_caption=caption,
        workstreams=streams.get(),
        states_rule=t(
            "overview.states_rule", lang, threshold=format_number(status.AT_RISK_POINTS, lang)
        ),
    )
