"""A site's card, indicators and budget in words and tables (pure, no Streamlit).

The figures come from SQL (`views.sites`, `sql/queries/site_rollups.sql`) with the
shared state rules, so "late" and "at risk" mean on the site page what they mean
on the overview and the timeline. The whole destination is one more card: every
task, every open action and the indicators that belong to no site. This module
holds the values' shapes and how the page, the overview and the pack write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.domain import status
from dashboard.i18n import (
    column_heading,
    format_day,
    format_eur,
    format_number,
    format_pct,
    t,
)

# The whole destination's entry in the site selector and the URL (`?site=destination`).
DESTINATION = "destination"


@dataclass(frozen=True)
class Milestone:
    task_id: str
    name: str
    day: date
    days_to_go: int


@dataclass(frozen=True)
class SiteCard:
    site_id: str
    name: str
    progress: float | None  # 0-100, duration-weighted; None without a live task
    state: str | None  # None without a live task
    tasks: int
    cancelled: int
    late_tasks: int
    milestone: Milestone | None
    open_actions: int
    overdue_actions: int
    budget_eur: float
    spent_eur: float


@dataclass(frozen=True)
class KpiValue:
    """An indicator as it stood at a date."""

    site_id: str  # "" for the whole destination
    kpi: str
    unit: str
    day: date | None  # date of the latest value; None before the first one
    value: float | None
    target: float | None

    @property
    def delta(self) -> float | None:
        """Value minus target (negative: below target)."""
        if self.value is None or self.target is None:
            return None
        return self.value - self.target


@dataclass(frozen=True)
class BudgetTotals:
    budget_eur: float
    spent_eur: float
    remaining_eur: float  # budget - spent, negative when overspent
    overspend_eur: float  # sum of the overspent lines' excess
    overspent: int  # lines spent beyond their budget

    @property
    def share(self) -> float | None:
        """Spent as a share of the budget (None without a budget)."""
        return self.spent_eur / self.budget_eur if self.budget_eur > 0 else None


@dataclass(frozen=True)
class CardText:
    """A card's lines, plain text (data inside: escape before rendering as Markdown)."""

    title: str
    state: str
    progress: float | None  # 0 to 1, for a progress bar
    progress_text: str
    milestone: str
    facts: list[str] = field(default_factory=list)


def _number(value: float, lang: str) -> str:
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def _amount(value: float, unit: str, lang: str) -> str:
    return format_eur(value, lang) if unit.strip() == "€" else _number(value, lang)


def kpi_value_text(value: float | None, unit: str, lang: str) -> str:
    """'11 plats', '75 350 €'; a dash when there is no value yet."""
    if value is None:
        return "—"
    if unit.strip() == "€":
        return format_eur(value, lang)
    return f"{_number(value, lang)} {unit}".strip()


def kpi_delta_text(kv: KpiValue, lang: str) -> str | None:
    """'-7 par rapport à la cible (18 plats)': its sign drives the metric's arrow.
    None without a value or a target (the value is then shown alone)."""
    delta = kv.delta
    if delta is None or kv.target is None:
        return None
    sign = "+" if delta > 0 else ""
    return t(
        "sites.kpi_delta",
        lang,
        delta=f"{sign}{_amount(delta, kv.unit, lang)}",
        target=kpi_value_text(kv.target, kv.unit, lang),
    )


def kpi_line(kv: KpiValue, lang: str) -> str:
    """One indicator in a compact card: 'Plats définis à la carte : 11 / 18 plats'."""
    if kv.target is None:
        shown = kpi_value_text(kv.value, kv.unit, lang)
    else:
        left = "—" if kv.value is None else _amount(kv.value, kv.unit, lang)
        shown = f"{left} / {kpi_value_text(kv.target, kv.unit, lang)}"
    return t("sites.kpi_line", lang, kpi=kv.kpi, value=shown)


# --- tables -----------------------------------------------------------------------------


def budget_table(lines: pd.DataFrame, lang: str, label: str = "name") -> pd.DataFrame:
    """Budget rows for display: euros as the language writes them, overspend flagged."""
    heads = {
        label: t("sites.budget_line", lang),
        "budget_eur": t("sites.budget_planned", lang),
        "spent_eur": t("sites.budget_spent", lang),
        "remaining_eur": t("sites.budget_remaining", lang),
        "overspend_eur": t("sites.budget_overspend", lang),
    }
    out = pd.DataFrame(
        {
            heads[label]: lines[label].astype(str),
            heads["budget_eur"]: [format_eur(v, lang) for v in lines["budget_eur"]],
            heads["spent_eur"]: [format_eur(v, lang) for v in lines["spent_eur"]],
            heads["remaining_eur"]: [format_eur(v, lang) for v in lines["remaining_eur"]],
            heads["overspend_eur"]: [
                f"⚠️ {format_eur(v, lang)}" if v > 0 else "" for v in lines["overspend_eur"]
            ],
        }
    )
    return out.reset_index(drop=True)


def _day_text(value: object, lang: str) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    return format_day(pd.Timestamp(value).date(), lang, "medium")  # type: ignore[arg-type]


def late_table(late: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Late tasks for display: name, days late (what decides), end, progress."""
    return pd.DataFrame(
        {
            column_heading("tasks", "name", lang): late["name"].astype(str).to_list(),
            t("sites.days_late", lang): [int(v) for v in late["days_late"]],
            column_heading("tasks", "end", lang): [_day_text(v, lang) for v in late["end"]],
            column_heading("tasks", "progress", lang): [
                format_pct(float(v) / 100, lang) for v in late["progress"].fillna(0)
            ],
        }
    )


def actions_table(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Open actions for display: text, days overdue and linked task (what decides),
    owner, due date."""
    return pd.DataFrame(
        {
            column_heading("actions", "text", lang): actions["text"].astype(str).to_list(),
            t("sites.days_overdue", lang): [int(v) for v in actions["days_overdue"]],
            t("sites.task", lang): actions["task_name"].fillna("").astype(str).to_list(),
            column_heading("actions", "owner", lang): actions["owner"]
            .fillna("")
            .astype(str)
            .to_list(),
            column_heading("actions", "due", lang): [_day_text(v, lang) for v in actions["due"]],
        }
    ).reset_index(drop=True)


# --- texts ----------------------------------------------------------------------------


def state_text(card: SiteCard, lang: str) -> str:
    if card.tasks == 0:
        return t("sites.no_tasks", lang)
    if card.state is None:
        return t("sites.no_live_tasks", lang, count=card.cancelled)
    return f"{status.STATE_ICONS[card.state]} {t(f'state.{card.state}', lang)}"


def milestone_text(card: SiteCard, lang: str) -> str:
    if card.milestone is None:
        return t("sites.milestone_none", lang)
    m = card.milestone
    return t(
        "sites.milestone_value",
        lang,
        name=m.name,
        date=format_day(m.day, lang),
        days=countdown(m.days_to_go, lang),
    )


def countdown(days: int, lang: str) -> str:
    """'J-52' / 'D-52'; 'aujourd'hui' on the day."""
    return t("sites.today", lang) if days == 0 else t("sites.countdown", lang, days=days)


def card_text(card: SiteCard, lang: str) -> CardText:
    """The compact card's lines, shared by the overview and the side-by-side view."""
    pct = None if card.progress is None else min(max(card.progress / 100, 0.0), 1.0)
    facts = [
        t("sites.fact_late", lang, count=format_number(card.late_tasks, lang)),
        t("sites.fact_actions", lang, count=format_number(card.open_actions, lang))
        + (
            t("sites.fact_actions_overdue", lang, count=format_number(card.overdue_actions, lang))
            if card.overdue_actions
            else ""
        ),
    ]
    if card.budget_eur > 0 or card.spent_eur > 0:
        facts.append(
            t(
                "sites.fact_budget",
                lang,
                spent=format_eur(card.spent_eur, lang),
                budget=format_eur(card.budget_eur, lang),
            )
        )
    return CardText(
        title=card.name,
        state=state_text(card, lang),
        progress=pct,
        progress_text="—"
        if pct is None
        else t("sites.progress_value", lang, pct=format_pct(pct, lang)),
        milestone=milestone_text(card, lang),
        facts=facts,
    )


def rules(lang: str, threshold: float = status.AT_RISK_POINTS) -> list[str]:
    """The status rules in one sentence each (Markdown: state names in bold)."""
    points = format_number(threshold, lang)
    out = [
        t(
            "sites.rule_line",
            lang,
            icon=status.STATE_ICONS[state],
            state=t(f"state.{state}", lang),
            rule=t(f"sites.rule_{state}", lang, threshold=points),
        )
        for state in status.STATES
    ]
    return [*out, t("sites.rule_site", lang), t("sites.rule_progress", lang)]
