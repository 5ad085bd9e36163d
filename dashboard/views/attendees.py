"""Who attended each committee (pure, no Streamlit).

Staff record a committee's attendees on the actions page, one a line ("name,
organisation"); the minutes of that committee list them. The store keeps them as
its `attendees` document (not a dataset, not versioned), read strictly:
{"committees": {"2020-04-15": {"attendees": [{"name", "organisation"}, ...],
"by", "at"}}}. Names are people's: a viewer's minutes name the organisations
present only (`lines`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dashboard.i18n import t
from dashboard.store.base import DataStore, DocumentDamaged, plain_text
from dashboard.views import refusal

DOCUMENT = "attendees"
LINE_MAX = 200  # characters of one attendee's line
ATTENDEES_MAX = 100  # attendees of one committee
COMMITTEES_MAX = 1000
BY_MAX = 80


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str = ""

    def line(self) -> str:
        return f"{self.name}, {self.organisation}" if self.organisation else self.name


@dataclass(frozen=True)
class Attendance:
    committee: date
    attendees: tuple[Attendee, ...]
    by: str = ""
    at: str = ""


class Refused(refusal.Refused):
    """What was typed cannot be saved (nothing written); `message(lang)` says why."""

    KEYS = "attendees.refused_"


def parse(text: str) -> tuple[Attendee, ...]:
    """The attendees typed one a line, "name, organisation" (the organisation after
    the first comma or semicolon, optional); blank lines skipped, spaces folded.
    `Refused` for a line too long or holding a control character (its number
    given), or more than ATTENDEES_MAX attendees."""
    found: list[Attendee] = []
    for number, raw in enumerate(str(text).replace("\r\n", "\n").split("\n"), start=1):
        if any(unicodedata.category(ch)[0] == "C" and ch != "\t" for ch in raw):
            raise Refused("control", line=number)
        line = " ".join(raw.split())
        if not line:
            continue
        if len(line) > LINE_MAX:
            raise Refused("long", line=number, max=LINE_MAX)
        cut = min((i for i in (line.find(","), line.find(";")) if i >= 0), default=-1)
        name, organisation = (line[:cut], line[cut + 1 :]) if cut >= 0 else (line, "")
        name, organisation = name.strip(), organisation.strip()
        if not name:
            raise Refused("no_name", line=number)
        found.append(Attendee(name, organisation))
    if len(found) > ATTENDEES_MAX:
        raise Refused("too_many", max=ATTENDEES_MAX)
    return tuple(found)


def text_of(attendees: tuple[Attendee, ...]) -> str:
    """The attendees as a form shows them to edit: one a line."""
    return "\n".join(a.line() for a in attendees)


def _attendee(item: object) -> Attendee:
    if not isinstance(item, dict) or set(item) != {"name", "organisation"}:
        raise ValueError('an attendee holds exactly "name" and "organisation"')
    name, organisation = item["name"], item["organisation"]
    if not isinstance(name, str) or not isinstance(organisation, str):
        raise ValueError("an attendee's texts are not texts")
    if not name or plain_text(name, LINE_MAX) != name:
        raise ValueError(f"attendee name {name!r}")
    if plain_text(organisation, LINE_MAX) != organisation:
        raise ValueError(f"organisation {organisation!r}")
    return Attendee(name, organisation)


def _parse(document: Mapping[str, Any]) -> dict[date, Attendance]:
    if not document:
        return {}
    try:
        committees = document.get("committees")
        if set(document) != {"committees"} or not isinstance(committees, dict):
            raise ValueError('expected {"committees": {...}}')
        out: dict[date, Attendance] = {}
        for day, entry in committees.items():
            when = date.fromisoformat(day)
            if when.isoformat() != day:
                raise ValueError(f"date {day!r}")
            if not isinstance(entry, dict) or set(entry) != {"attendees", "by", "at"}:
                raise ValueError(f'{day}: expected "attendees", "by", "at"')
            people = entry["attendees"]
            if not isinstance(people, list) or len(people) > ATTENDEES_MAX:
                raise ValueError(f"{day}: attendees")
            if not isinstance(entry["by"], str) or not isinstance(entry["at"], str):
                raise ValueError(f"{day}: by, at")
            if datetime.fromisoformat(entry["at"]).tzinfo is None:
                raise ValueError(f"{day}: at")
            out[when] = Attendance(
                when,
                tuple(_attendee(p) for p in people),
                plain_text(entry["by"], BY_MAX),
                entry["at"],
            )
    except ValueError as exc:
        raise DocumentDamaged(DOCUMENT, str(exc)) from None
    return out


def recorded(store: DataStore) -> dict[date, Attendance]:
    """Every committee's recorded attendees; `DocumentDamaged` when they do not read."""
    return _parse(store.document(DOCUMENT))


def of(store: DataStore, committee: date) -> Attendance | None:
    """The attendees recorded for the committee held on `committee`, or None."""
    return _parse(store.document(DOCUMENT)).get(committee)


def record(
    store: DataStore,
    committee: date,
    attendees: tuple[Attendee, ...],
    by: str,
    now: datetime | None = None,
) -> Attendance:
    """Record (replace) a committee's attendees; none: the committee's list removed.
    `Refused` without the name of who records."""
    who = plain_text(by, BY_MAX)
    if not who:
        raise Refused("by_empty")
    entry = Attendance(
        committee,
        tuple(
            Attendee(plain_text(a.name, LINE_MAX), plain_text(a.organisation, LINE_MAX))
            for a in attendees
        ),
        who,
        (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )

    def change(document: dict[str, Any]) -> dict[str, Any]:
        found = _parse(document)
        if entry.attendees:
            found[committee] = entry
        else:
            found.pop(committee, None)
        if len(found) > COMMITTEES_MAX:
            raise Refused("too_many_committees", max=COMMITTEES_MAX)
        return {
            "committees": {
                day.isoformat(): {
                    "attendees": [
                        {"name": a.name, "organisation": a.organisation} for a in e.attendees
                    ],
                    "by": e.by,
                    "at": e.at,
                }
                for day, e in sorted(found.items())
            }
        }

    store.update_document(DOCUMENT, change)
    return entry


def lines(attendance: Attendance | None, names: bool) -> tuple[str, ...]:
    """What the minutes list: each attendee ("name (organisation)"); without
    `names` (a viewer's minutes), each organisation present once."""
    if attendance is None:
        return ()
    if names:
        return tuple(
            f"{a.name} ({a.organisation})" if a.organisation else a.name
            for a in attendance.attendees
        )
    seen = dict.fromkeys(a.organisation for a in attendance.attendees if a.organisation)
    return tuple(seen)


def heading(lang: str, names: bool, count: int) -> str:
    """The minutes' heading above the attendees."""
    return t(
        "attendees.minutes_people" if names else "attendees.minutes_organisations",
        lang,
        count=count,
    )
