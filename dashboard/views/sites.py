"""The sites page's model: one site (or the whole destination) in detail, or every
site's compact card side by side, at the situation date.

The rollups of every site come from one query (`site_rollups.sql`), the indicators
from `kpi_latest.sql` and `kpi_history.sql`, the tables from queries that return a
bounded number of rows: the browser receives one scope's data, a page of cards and
at most `LINES` budget lines, `BUDGET_SITES` sites in the budget chart, `TABLE_ROWS`
late tasks and open actions, whatever the number of sites and tasks.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from dashboard.domain import sites, status
from dashboard.i18n import format_day, format_eur, format_number, format_pct, t
from dashboard.views import paging
from dashboard.views.reader import Reader
from dashboard.views.together import together

# One row of a query's result, as `DataFrame.to_dict("records")` gives it.
Row = Mapping[Hashable, Any]

DESTINATION = sites.DESTINATION
# Budget lines of one scope drawn in its chart and table (overspent and largest first).
LINES = 30
# Sites in the budget-by-site chart and table of the whole destination.
BUDGET_SITES = 25
# Late tasks and open actions listed for one scope (longest overdue first).
TABLE_ROWS = 50
# Compact cards on one page of the side-by-side view (the destination's included).
SIDE_CARDS = 6


@dataclass(frozen=True)
class State:
    situation: date
    lang: str
    site: str = DESTINATION  # a site id or DESTINATION; an unknown one reads as DESTINATION
    side: bool = False  # every site's card side by side
    side_page: int = 1


@dataclass(frozen=True)
class Card:
    """A scope's rollup and its compact card's lines (plain text: escape to render)."""

    card: sites.SiteCard
    text: sites.CardText
    kpi_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kpi:
    value: sites.KpiValue
    value_text: str
    delta_text: str | None
    help: str
    target_text: str  # '—' without a target
    day_text: str  # '—' before the first value
    history: pd.DataFrame  # date, value: what its sparkline draws


@dataclass(frozen=True)
class Budget:
    totals: sites.BudgetTotals
    planned_text: str
    spent_text: str
    remaining_text: str
    share_text: str | None  # 'x % du prévu consommé'
    lines: pd.DataFrame  # name, budget_eur, spent_eur (at most LINES, task order)
    table: pd.DataFrame  # the same lines as the language writes them
    caption: str | None  # says how the lines are bounded, when they are
    overspent_text: str | None


@dataclass(frozen=True)
class BySite:
    """Planned and spent per site (and the tasks of no site), at most BUDGET_SITES."""

    lines: pd.DataFrame  # name, budget_eur, spent_eur
    table: pd.DataFrame
    caption: str | None


@dataclass(frozen=True)
class Detail:
    card: Card
    progress_text: str
    milestone_countdown: str
    late_text: str
    actions_text: str
    actions_delta: str | None  # how many are overdue
    description: str | None
    kpis: tuple[Kpi, ...]
    budget: Budget | None  # None: no budget line in this scope
    by_site: BySite | None  # the destination only
    late: pd.DataFrame  # formatted, at most TABLE_ROWS
    late_caption: str | None
    actions: pd.DataFrame  # formatted, at most TABLE_ROWS
    actions_caption: str | None


@dataclass(frozen=True)
class Side:
    cards: tuple[Card, ...]
    page: int
    pages: int
    caption: str | None  # 'cards 7-12 of 401'
    by_site: BySite | None


@dataclass(frozen=True)
class Model:
    situation: date
    lang: str
    empty: bool  # no task and no site: nothing to show
    options: tuple[tuple[str, str], ...]  # (id, name) for the selector, destination first
    site: str  # the scope shown (State.site, or DESTINATION when unknown)
    detail: Detail | None
    side: Side | None
    rules: tuple[str, ...]

    @property
    def names(self) -> Mapping[str, str]:
        return dict(self.options)


# --- from the queries' rows -----------------------------------------------------------


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def rollups(read: Reader, situation: date) -> pd.DataFrame:
    """Every scope's rollup at the situation date (`site_rollups.sql`)."""
    return read("site_rollups", situation=situation, threshold=status.AT_RISK_POINTS)


def site_card(row: Row, situation: date, name: str) -> sites.SiteCard:
    """A card from one row of `site_rollups`."""
    day = status.as_day(row["milestone_day"])
    milestone = None
    if day is not None:
        milestone = sites.Milestone(
            task_id=str(row["milestone_id"]),
            name=str(row["milestone_name"]),
            day=day,
            days_to_go=(day - situation).days,
        )
    state = row["state"]
    return sites.SiteCard(
        site_id=str(row["site_id"]) if row["scope"] == "site" else DESTINATION,
        name=name,
        progress=_float(row["progress"]),
        state=None if state is None or pd.isna(state) else str(state),
        tasks=int(row["tasks"]),
        cancelled=int(row["cancelled"]),
        late_tasks=int(row["late_tasks"]),
        milestone=milestone,
        open_actions=int(row["open_actions"]),
        overdue_actions=int(row["overdue_actions"]),
        budget_eur=float(row["budget_eur"]),
        spent_eur=float(row["spent_eur"]),
    )


def scope_name(row: Row, lang: str) -> str:
    if row["scope"] == "destination":
        return t("sites.destination", lang)
    if row["scope"] == "unassigned":
        return t("sites.unassigned", lang)
    return str(row["name"])


def card(row: Row, situation: date, lang: str, kpi_lines: tuple[str, ...] = ()) -> Card:
    found = site_card(row, situation, scope_name(row, lang))
    return Card(found, sites.card_text(found, lang), kpi_lines)


def kpi_values(frame: pd.DataFrame) -> list[sites.KpiValue]:
    """`kpi_latest` rows (already one scope's, in order) as values."""
    return [
        sites.KpiValue(
            site_id=str(r["site_id"]),
            kpi=str(r["kpi"]),
            unit="" if r["unit"] is None or pd.isna(r["unit"]) else str(r["unit"]),
            day=status.as_day(r["day"]),
            value=_float(r["value"]),
            target=_float(r["target"]),
        )
        for r in frame.to_dict("records")
    ]


def _key(site: str) -> str:
    """The `site_id` a scope's own rows carry ('' for the destination's)."""
    return "" if site == DESTINATION else site


def bounded(shown: int, total: int, key: str, lang: str) -> str | None:
    """`key`'s "first N of M" caption when rows were left out, else None."""
    if total <= shown:
        return None
    return t(key, lang, shown=format_number(shown, lang), total=format_number(total, lang))


# --- budget --------------------------------------------------------------------------


def by_site(frame: pd.DataFrame, lang: str) -> BySite | None:
    """Planned and spent per site from `site_rollups`: sites with a budget line, the
    tasks of no site last; beyond BUDGET_SITES, the overspent and largest kept."""
    rows = frame[(frame["scope"] != "destination") & (frame["budget_lines"] > 0)]
    if rows.empty:
        return None
    total = len(rows)
    if total > BUDGET_SITES:
        over = (rows["spent_eur"] - rows["budget_eur"]).clip(lower=0)
        kept = rows.assign(_over=over).sort_values(
            ["_over", "budget_eur"], ascending=False, kind="stable"
        )
        rows = rows.loc[sorted(kept.index[:BUDGET_SITES])]
    names = [scope_name(r, lang) for r in rows[["scope", "name"]].to_dict("records")]
    lines = pd.DataFrame(
        {
            "name": names,
            "budget_eur": rows["budget_eur"].astype(float).to_list(),
            "spent_eur": rows["spent_eur"].astype(float).to_list(),
        }
    )
    lines["remaining_eur"] = lines["budget_eur"] - lines["spent_eur"]
    lines["overspend_eur"] = (-lines["remaining_eur"]).clip(lower=0.0)
    return BySite(
        lines=lines[["name", "budget_eur", "spent_eur"]],
        table=sites.budget_table(lines, lang),
        caption=bounded(len(lines), total, "sites.budget_sites_bounded", lang),
    )


def _scope(state: State, site: str) -> dict[str, Any]:
    """The parameters naming one scope's rows at the situation date: a site's, or
    every site's and the unassigned ones for the destination."""
    return {"situation": state.situation, "site_id": _key(site), "everywhere": site == DESTINATION}


def budget(read: Reader, row: Row, state: State, site: str) -> Budget | None:
    if int(row["budget_lines"]) == 0:
        return None
    lang = state.lang
    found = read(
        "site_budget_lines", **_scope(state, site), threshold=status.AT_RISK_POINTS, limit=LINES
    )
    planned, spent = float(row["budget_eur"]), float(row["spent_eur"])
    totals = sites.BudgetTotals(
        budget_eur=planned,
        spent_eur=spent,
        remaining_eur=planned - spent,
        overspend_eur=float(row["overspend_eur"]),
        overspent=int(row["overspent_tasks"]),
    )
    overspent_text = None
    if totals.overspent:
        names = found.loc[found["overspent"], "name"].astype(str).to_list()
        if totals.overspent > len(names):
            names.append("…")
        overspent_text = t(
            "sites.overspent",
            lang,
            count=totals.overspent,
            amount=format_eur(totals.overspend_eur, lang),
            names=", ".join(names),
        )
    total = int(row["budget_lines"])
    return Budget(
        totals=totals,
        planned_text=format_eur(totals.budget_eur, lang),
        spent_text=format_eur(totals.spent_eur, lang),
        remaining_text=format_eur(totals.remaining_eur, lang),
        share_text=None
        if totals.share is None
        else t("sites.budget_share", lang, pct=format_pct(totals.share, lang)),
        lines=found[["name", "budget_eur", "spent_eur"]].reset_index(drop=True),
        table=sites.budget_table(found, lang),
        caption=bounded(len(found), total, "sites.budget_lines_bounded", lang),
        overspent_text=overspent_text,
    )


# --- the model ----------------------------------------------------------------------------


def _kpis(read: Reader, latest: pd.DataFrame, state: State, site: str) -> tuple[Kpi, ...]:
    lang = state.lang
    values = kpi_values(latest[latest["site_id"] == _key(site)])
    if not values:
        return ()
    history = read("kpi_history", situation=state.situation, site_id=_key(site))
    series = {str(k): g[["date", "value"]] for k, g in history.groupby("kpi", sort=False)}
    empty = pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]"), "value": []})
    return tuple(
        Kpi(
            value=kv,
            value_text=sites.kpi_value_text(kv.value, kv.unit, lang),
            delta_text=sites.kpi_delta_text(kv, lang),
            help=t("sites.kpi_no_value", lang)
            if kv.day is None
            else t("sites.kpi_as_of", lang, date=format_day(kv.day, lang)),
            target_text="—"
            if kv.target is None
            else sites.kpi_value_text(kv.target, kv.unit, lang),
            day_text="—" if kv.day is None else format_day(kv.day, lang, "medium"),
            history=series.get(kv.kpi, empty).reset_index(drop=True),
        )
        for kv in values
    )


def detail(
    read: Reader, frame: pd.DataFrame, latest: pd.DataFrame, state: State, site: str
) -> Detail:
    """One scope in detail; `frame` is `site_rollups`, `latest` is `kpi_latest`."""
    lang = state.lang
    scope = "destination" if site == DESTINATION else "site"
    row = frame[(frame["scope"] == scope) & (frame["site_id"] == _key(site))].iloc[0].to_dict()
    shown = card(row, state.situation, lang)
    found = shown.card
    with together() as start:
        late_read = start(
            lambda: read(
                "site_late_tasks",
                **_scope(state, site),
                threshold=status.AT_RISK_POINTS,
                limit=TABLE_ROWS,
            )
        )
        actions_read = start(lambda: read("site_actions", **_scope(state, site), limit=TABLE_ROWS))
        budget_read = start(lambda: budget(read, row, state, site))
        kpis = _kpis(read, latest, state, site)
        late, actions = late_read.get(), actions_read.get()
    description = row["description"]
    return Detail(
        card=shown,
        progress_text="—" if found.progress is None else format_pct(found.progress / 100, lang),
        milestone_countdown="—"
        if found.milestone is None
        else sites.countdown(found.milestone.days_to_go, lang),
        late_text=format_number(found.late_tasks, lang),
        actions_text=format_number(found.open_actions, lang),
        actions_delta=t("sites.actions_overdue", lang, count=found.overdue_actions)
        if found.overdue_actions
        else None,
        description=None if description is None or pd.isna(description) else str(description),
        kpis=kpis,
        budget=budget_read.get(),
        by_site=by_site(frame, lang) if site == DESTINATION else None,
        late=sites.late_table(late, lang),
        late_caption=bounded(len(late), found.late_tasks, "sites.rows_bounded", lang),
        actions=sites.actions_table(actions, lang),
        actions_caption=bounded(len(actions), found.open_actions, "sites.rows_bounded", lang),
    )


def side(frame: pd.DataFrame, latest: pd.DataFrame, state: State) -> Side:
    """A page of compact cards, the destination's first, then the sites in file order."""
    lang = state.lang
    scopes = frame[frame["scope"] != "unassigned"].reset_index(drop=True)
    pages = paging.pages(len(scopes), SIDE_CARDS)
    page = min(max(state.side_page, 1), pages)
    rows = scopes.iloc[(page - 1) * SIDE_CARDS : page * SIDE_CARDS]
    keys = [
        "" if r == "destination" else s for r, s in zip(rows["scope"], rows["site_id"], strict=True)
    ]
    values = kpi_values(latest[latest["site_id"].isin(keys)])
    lines: dict[str, list[str]] = {}
    for kv in values:
        lines.setdefault(kv.site_id, []).append(sites.kpi_line(kv, lang))
    cards = tuple(
        card(r, state.situation, lang, tuple(lines.get(key, [])))
        for r, key in zip(rows.to_dict("records"), keys, strict=True)
    )
    caption = None
    if pages > 1:
        first = (page - 1) * SIDE_CARDS + 1
        caption = t(
            "sites.side_page",
            lang,
            first=format_number(first, lang),
            last=format_number(first + len(cards) - 1, lang),
            total=format_number(len(scopes), lang),
        )
    return Side(cards, page, pages, caption, by_site(frame, lang))


def build(read: Reader, state: State) -> Model:
    """The sites page at the situation date for `state`'s scope or page of cards."""
    lang = state.lang
    with together() as start:
        latest_read = start(lambda: read("kpi_latest", situation=state.situation))
        frame = rollups(read, state.situation)
    places = frame[frame["scope"] == "site"]
    destination = frame[frame["scope"] == "destination"].iloc[0]
    options = (
        (DESTINATION, t("sites.destination", lang)),
        *zip(places["site_id"].astype(str), places["name"].astype(str), strict=True),
    )
    site = state.site if state.site in set(places["site_id"]) else DESTINATION
    rules = tuple(sites.rules(lang))
    if int(destination["tasks"]) == 0 and places.empty:
        return Model(state.situation, lang, True, options, site, None, None, rules)
    latest = latest_read.get()
    if state.side:
        return Model(
            state.situation, lang, False, options, site, None, side(frame, latest, state), rules
        )
    return Model(
        state.situation,
        lang,
        False,
        options,
        site,
        detail(read, frame, latest, state, site),
        None,
        rules,
    )
