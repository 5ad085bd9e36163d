"""The headline figures a committee reads, each defined once.

Every figure has a key, a label and a definition in both languages
(`locales/*/figures.toml`) and one computation (`sql/queries/headline_figures.sql`,
`sql/queries/evaluation_figures.sql`). Pages, their help texts and the pack take
the value, the text and the definition from here, so one question gets one number
everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.domain import status
from dashboard.i18n import format_eur, format_number, format_pct, t
from dashboard.views.reader import Reader
from dashboard.views.together import together

# The figures, in the order a committee reads them.
KEYS: tuple[str, ...] = (
    "progress",
    "late_tasks",
    "open_actions",
    "overdue_actions",
    "partners_engaged",
    "partners_abroad",
    "shortlisted",
    "budget_spent",
)


@dataclass(frozen=True)
class Evaluation:
    """One evaluation's projects as the data records their status."""

    evaluation: str
    projects: int
    shortlisted: int  # status shortlisted or selected
    selected: int
    rejected: int


@dataclass(frozen=True)
class Headline:
    situation: date
    tasks: int
    late_tasks: int
    progress: float | None  # 0-100; None without a live task
    open_actions: int
    overdue_actions: int
    stakeholders: int
    partners_engaged: int
    partners_abroad: int
    budget_eur: float
    spent_eur: float
    evaluations: tuple[Evaluation, ...] = ()

    def evaluation(self, name: str) -> Evaluation | None:
        return next((e for e in self.evaluations if e.evaluation == name), None)


def _int(row: pd.Series, key: str) -> int:
    value = row.get(key)
    return 0 if value is None or pd.isna(value) else int(value)


def _float(row: pd.Series, key: str) -> float | None:
    value = row.get(key)
    return None if value is None or pd.isna(value) else float(value)


def headline(read: Reader, situation: date, hidden: tuple[str, ...] = ()) -> Headline:
    """Every headline figure at the situation date; `hidden` evaluations (those the
    reader may not see) are left out of the project figures."""
    with together() as start:
        per_evaluation = start(lambda: read("evaluation_figures", hidden=list(hidden)))
        row = read("headline_figures", situation=situation, threshold=status.AT_RISK_POINTS).iloc[0]
        evaluations = per_evaluation.get()
    return Headline(
        situation=situation,
        tasks=_int(row, "tasks"),
        late_tasks=_int(row, "late_tasks"),
        progress=_float(row, "progress"),
        open_actions=_int(row, "open_actions"),
        overdue_actions=_int(row, "overdue_actions"),
        stakeholders=_int(row, "stakeholders"),
        partners_engaged=_int(row, "partners_engaged"),
        partners_abroad=_int(row, "partners_abroad"),
        budget_eur=_float(row, "budget_eur") or 0.0,
        spent_eur=_float(row, "spent_eur") or 0.0,
        evaluations=tuple(
            Evaluation(
                evaluation=str(r["evaluation"]),
                projects=int(r["projects"]),
                shortlisted=int(r["shortlisted"]),
                selected=int(r["selected"]),
                rejected=int(r["rejected"]),
            )
            for r in evaluations.to_dict("records")
        ),
    )


def label(key: str, lang: str) -> str:
    """The figure's name as a committee reads it."""
    return t(f"figures.{key}.label", lang)


def definition(key: str, lang: str) -> str:
    """What the figure counts, in words: the help text wherever it is shown."""
    return t(f"figures.{key}.definition", lang)


def value_text(found: Headline, key: str, lang: str, evaluation: str | None = None) -> str:
    """The figure as every page and the pack print it ('—' when it has no value)."""

    def n(value: float) -> str:
        return format_number(value, lang)

    if key == "progress":
        return "—" if found.progress is None else format_pct(found.progress / 100, lang)
    if key == "late_tasks":
        return n(found.late_tasks)
    if key == "open_actions":
        return n(found.open_actions)
    if key == "overdue_actions":
        return n(found.overdue_actions)
    if key == "partners_engaged":
        return f"{n(found.partners_engaged)} / {n(found.stakeholders)}"
    if key == "partners_abroad":
        return n(found.partners_abroad)
    if key == "shortlisted":
        chosen = found.evaluation(evaluation) if evaluation else None
        if chosen is None:
            return "—"
        return f"{n(chosen.shortlisted)} / {n(chosen.projects)}"
    if key == "budget_spent":
        if found.budget_eur <= 0:
            return format_eur(found.spent_eur, lang)
        return f"{format_eur(found.spent_eur, lang)} / {format_eur(found.budget_eur, lang)}"
    raise KeyError(key)
