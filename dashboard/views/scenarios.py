"""Staff's saved scoring scenarios (pure, no Streamlit).

A scenario is a weighting of an evaluation's criteria other than the official one
(the data's), with the aggregation and computed shortlist it was looked at with,
saved under a name by a member of staff (who and when recorded). Scenarios are
staff's working material: the store keeps them as its `scenarios` document (not a
dataset, not versioned), read strictly. Opening one sets the scoring page as a
shared link with its weights would: it is shown as a scenario, beside the
official result.

The document: {"scenarios": [{"name", "evaluation", "weights": {criterion: weight},
"aggregation", "shortlist", "by", "at"}, ...]}, in the order saved.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dashboard.domain import scoring
from dashboard.store.base import DataStore, DocumentDamaged, plain_text
from dashboard.views import refusal

DOCUMENT = "scenarios"
NAME_MAX = 80  # characters of a scenario's name
BY_MAX = 80
SAVED_MAX = 200  # scenarios kept in all; beyond, staff delete some first
WEIGHT_MAX = 999_999.0  # what a link's number may hold
_FIELDS = {"name", "evaluation", "weights", "aggregation", "shortlist", "by", "at"}


@dataclass(frozen=True)
class Scenario:
    name: str
    evaluation: str
    weights: tuple[tuple[str, float], ...]  # (criterion id, weight), the criteria's order
    aggregation: str = "mean"
    shortlist: str = "top:3"  # `scoring.Shortlist.to_text()`
    by: str = ""
    at: str = ""  # ISO 8601, UTC

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.at)
        except ValueError:
            return None

    def link(self) -> dict[str, str]:
        """The URL parameters of the scoring page showing this scenario."""
        return {
            "eval": self.evaluation,
            "w": scoring.format_weights(dict(self.weights)),
            "agg": self.aggregation,
            "short": self.shortlist,
        }


class Refused(refusal.Refused):
    """A save or delete refused (nothing written); `message(lang)` says why."""

    KEYS = "scenarios.refused_"


def _key(name: str) -> str:
    """Names compared as people read them: same letters whatever the case or form."""
    return unicodedata.normalize("NFKC", name).casefold()


def check_name(name: str) -> str:
    """The name as saved (one line, spaces folded), or `Refused`: empty, longer
    than NAME_MAX, or holding a line break or a control character."""
    raw = str(name)
    if any(unicodedata.category(ch)[0] == "C" for ch in raw):
        raise Refused("name_control")
    clean = " ".join(raw.split())
    if not clean:
        raise Refused("name_empty")
    if len(clean) > NAME_MAX:
        raise Refused("name_long", max=NAME_MAX, length=len(clean))
    return clean


def _weight(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a weight is not a number")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= WEIGHT_MAX:
        raise ValueError(f"weight {number} out of 0..{WEIGHT_MAX:g}")
    return number


def _scenario(item: object) -> Scenario:
    if not isinstance(item, dict) or set(item) != _FIELDS:
        raise ValueError(f"a scenario holds exactly {sorted(_FIELDS)}")
    texts = ("name", "evaluation", "aggregation", "shortlist", "by", "at")
    if not all(isinstance(item[k], str) for k in texts):
        raise ValueError("a scenario's texts are not texts")
    if check_name(item["name"]) != item["name"] or len(item["evaluation"]) > 200:
        raise ValueError(f"scenario name {item['name']!r}")
    if item["aggregation"] not in scoring.AGGREGATIONS:
        raise ValueError(f"aggregation {item['aggregation']!r}")
    if scoring.Shortlist.parse(item["shortlist"], scoring.Shortlist("score", -1)).value < 0:
        raise ValueError(f"shortlist {item['shortlist']!r}")
    weights = item["weights"]
    if not isinstance(weights, dict) or not weights or len(weights) > 100:
        raise ValueError("weights")
    if any(not k or len(k) > 200 or "," in k or ":" in k for k in weights):
        raise ValueError("a criterion's id")
    at = datetime.fromisoformat(item["at"])
    if at.tzinfo is None:
        raise ValueError("at")
    return Scenario(
        name=item["name"],
        evaluation=item["evaluation"],
        weights=tuple((str(k), _weight(v)) for k, v in weights.items()),
        aggregation=item["aggregation"],
        shortlist=item["shortlist"],
        by=plain_text(item["by"], BY_MAX),
        at=item["at"],
    )


def _parse(document: Mapping[str, Any]) -> list[Scenario]:
    """The document's scenarios; `DocumentDamaged` on anything unexpected."""
    if not document:
        return []
    try:
        if set(document) != {"scenarios"} or not isinstance(document["scenarios"], list):
            raise ValueError('expected {"scenarios": [...]}')
        found = [_scenario(item) for item in document["scenarios"]]
        if len({_key(s.name) for s in found}) != len(found):
            raise ValueError("a name given twice")
    except ValueError as exc:
        raise DocumentDamaged(DOCUMENT, str(exc)) from None
    return found


def _dump(found: Iterable[Scenario]) -> dict[str, Any]:
    return {
        "scenarios": [
            {
                "name": s.name,
                "evaluation": s.evaluation,
                "weights": dict(s.weights),
                "aggregation": s.aggregation,
                "shortlist": s.shortlist,
                "by": s.by,
                "at": s.at,
            }
            for s in found
        ]
    }


def saved(store: DataStore, evaluations: Iterable[str] | None = None) -> tuple[Scenario, ...]:
    """The saved scenarios (of `evaluations` only, when given), newest first."""
    found = _parse(store.document(DOCUMENT))
    if evaluations is not None:
        wanted = set(evaluations)
        found = [s for s in found if s.evaluation in wanted]
    return tuple(reversed(found))


def find(store: DataStore, name: str) -> Scenario | None:
    return next((s for s in saved(store) if _key(s.name) == _key(name)), None)


def make(
    name: str,
    evaluation: str,
    weights: Mapping[str, float],
    official: Mapping[str, float],
    aggregation: str,
    shortlist: scoring.Shortlist,
    by: str,
    now: datetime | None = None,
) -> Scenario:
    """A scenario to save, or `Refused`: no name of who saves, a bad name, all
    weights zero, or the official weights themselves (not a scenario)."""
    who = plain_text(by, BY_MAX)
    if not who:
        raise Refused("by_empty")
    clean = check_name(name)
    values = [_weight(weights[c]) for c in official]
    if sum(values) <= 0:
        raise Refused("weights_zero")
    total, base = sum(values), sum(official.values())
    if base > 0 and all(
        abs(w / total - o / base) <= 1e-9 for w, o in zip(values, official.values(), strict=True)
    ):
        raise Refused("official")
    return Scenario(
        name=clean,
        evaluation=evaluation,
        weights=tuple(zip(official, values, strict=True)),
        aggregation=aggregation if aggregation in scoring.AGGREGATIONS else "mean",
        shortlist=shortlist.to_text(),
        by=who,
        at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )


def save(store: DataStore, scenario: Scenario) -> None:
    """Add a scenario; `Refused` when its name is taken or SAVED_MAX are kept."""

    def change(document: dict[str, Any]) -> dict[str, Any]:
        found = _parse(document)
        if any(_key(s.name) == _key(scenario.name) for s in found):
            raise Refused("name_taken", name=scenario.name)
        if len(found) >= SAVED_MAX:
            raise Refused("too_many", max=SAVED_MAX)
        return _dump([*found, scenario])

    store.update_document(DOCUMENT, change)


def delete(store: DataStore, name: str) -> None:
    """Remove the scenario of that name; `Refused` when there is none."""

    def change(document: dict[str, Any]) -> dict[str, Any]:
        found = _parse(document)
        kept = [s for s in found if _key(s.name) != _key(name)]
        if len(kept) == len(found):
            raise Refused("unknown", name=name)
        return _dump(kept)

    store.update_document(DOCUMENT, change)
