"""Text alternatives for charts: what a chart shows, in words, for screen readers
(and in the spec, so an exported SVG carries it too).

A chart's alternative is its title followed by its marks' labels and values,
read from the data the spec carries, at most `LIMIT` of them and a count of the
rest. Pure: a spec in, a sentence out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dashboard.i18n import format_number, t

LIMIT = 12

Formatter = Callable[[object], str]


def rows_of(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every data row the spec carries (its named datasets, then inline values)."""
    out: list[dict[str, Any]] = []
    for rows in (spec.get("datasets") or {}).values():
        out += [r for r in rows if isinstance(r, dict)]
    values = (spec.get("data") or {}).get("values")
    if isinstance(values, list):
        out += [r for r in values if isinstance(r, dict)]
    return out


def _present(value: object) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def number(lang: str, digits: int = 0) -> Formatter:
    def fmt(value: object) -> str:
        try:
            return format_number(float(value), lang, digits)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)

    return fmt


def day(lang: str) -> Formatter:
    """An ISO date (or date-time) as '1er avril 2020'."""
    from datetime import date

    from dashboard.i18n import format_day

    def fmt(value: object) -> str:
        try:
            return format_day(date.fromisoformat(str(value)[:10]), lang)
        except ValueError:
            return str(value)

    return fmt


def euros(lang: str) -> Formatter:
    from dashboard.i18n import format_eur

    def fmt(value: object) -> str:
        try:
            return format_eur(float(value), lang)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)

    return fmt


def percent(lang: str) -> Formatter:
    """A share 0-1 as '42 %'."""
    as_number = number(lang)

    def fmt(value: object) -> str:
        try:
            return as_number(float(value) * 100) + ("\u202f%" if lang == "fr" else "%")  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)

    return fmt


def describe(
    spec: Mapping[str, Any],
    lang: str,
    title: str,
    label: str,
    value: str | None = None,
    fmt: Formatter | None = None,
    extra: str | None = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
    name_fmt: Formatter | None = None,
) -> str:
    """'Title: a 12; b 7; … (and 3 more).' from the rows' `label` (and `value`)
    fields; rows with the same label are listed once (first value kept)."""
    seen: dict[str, str] = {}
    for row in rows if rows is not None else rows_of(spec):
        name = row.get(label)
        if not _present(name) or (name_fmt or str)(name).strip() in seen:
            continue
        shown = ""
        if value is not None and _present(row.get(value)):
            shown = (fmt or str)(row[value])
        seen[(name_fmt or str)(name).strip()] = shown
    items = [f"{k} {v}".strip() for k, v in seen.items()]
    if not items:
        text = t("alt.empty", lang, title=title)
    else:
        text = f"{title} : " if lang == "fr" else f"{title}: "
        text += " ; ".join(items[:LIMIT]) if lang == "fr" else "; ".join(items[:LIMIT])
        if len(items) > LIMIT:
            text += " " + t("alt.more", lang, count=format_number(len(items) - LIMIT, lang))
        text += "."
    if extra:
        text += " " + extra
    return text


def counts(rows: Iterable[Mapping[str, Any]], field: str) -> dict[str, int]:
    """How many rows per value of `field` (for states, categories)."""
    out: dict[str, int] = {}
    for row in rows:
        name = row.get(field)
        if _present(name):
            out[str(name)] = out.get(str(name), 0) + 1
    return out


def gantt(spec: Mapping[str, Any], lang: str) -> str:
    """The Gantt: how many rows, from when to when, and how many in each state."""
    from datetime import date, timedelta

    from dashboard.i18n import format_day

    rows = list((spec.get("datasets") or {}).get("rows") or [])
    bars = [r for r in rows if _present(r.get("start"))]
    if not bars:
        return t("alt.empty", lang, title=t("timeline.title", lang))
    starts = [str(r["start"])[:10] for r in bars]
    # a bar ends at the instant its last day ends: that day is the one before
    ends = [
        (date.fromisoformat(str(r["end_at"])[:10]) - timedelta(days=1)).isoformat()
        if _present(r.get("end_at"))
        else str(r["start"])[:10]
        for r in bars
    ]
    head = t(
        "alt.gantt",
        lang,
        tasks=format_number(len(bars), lang),
        start=format_day(date.fromisoformat(min(starts)), lang),
        end=format_day(date.fromisoformat(max(ends)), lang),
    )
    states = counts(bars, "state_label")
    sep = " ; " if lang == "fr" else "; "
    listed = sep.join(f"{name} {format_number(n, lang)}" for name, n in states.items())
    return f"{head}{' : ' if lang == 'fr' else ': '}{listed}."


def totals(spec: Mapping[str, Any], label: str, value: str) -> list[dict[str, Any]]:
    """Rows summed by `label` (stacked bars: one total per bar)."""
    out: dict[str, float] = {}
    for row in rows_of(spec):
        name = row.get(label)
        if not _present(name):
            continue
        try:
            out[str(name)] = out.get(str(name), 0.0) + float(row.get(value) or 0)
        except (TypeError, ValueError):
            continue
    return [{label: k, value: v} for k, v in out.items()]
