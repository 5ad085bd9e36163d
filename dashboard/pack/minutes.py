"""The minutes (compte rendu) of a committee: its attendees where recorded
(`views.attendees`), the decisions taken and the actions opened, changed or closed
at it, with the mission's figures at its date; as PDF
(ReportLab, the pack's fonts) and as an editable Word document (python-docx), in
the screen's language (pure, no Streamlit).

What changed at a committee is read from the actions' history: the file as it
stood at the end of the committee's day against the one before that day (the
last version committed earlier), through the store's public face only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dashboard.i18n import choice_label, format_day, t
from dashboard.store import DataStore, DocumentDamaged
from dashboard.views import attendees as attendees_view
from dashboard.views import overview as overview_view
from dashboard.views.reader import FRENCH_MARK, Reader, in_english

# The fields whose change an action's line of the minutes states.
TRACKED = ("status", "due", "owner", "text")


@dataclass(frozen=True)
class Item:
    action_id: str
    text: str
    owner: str
    due: str  # formatted, "" when none
    changes: tuple[str, ...] = ()  # "Statut : ouverte → faite"


@dataclass(frozen=True)
class Minutes:
    committee: date
    lang: str
    decisions: tuple[Item, ...]
    opened: tuple[Item, ...]
    changed: tuple[Item, ...]  # actions of earlier committees changed or closed at this one
    figures: tuple[tuple[str, str], ...]  # (label, value) at the committee's date
    # the attendees' lines (names for staff, organisations for a viewer), under a heading
    attendees: tuple[str, ...] = ()
    attendees_heading: str = ""


def _rows(data: bytes | None) -> dict[str, dict[str, str]]:
    if not data:
        return {}
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {r.get("action_id", ""): r for r in reader if r.get("action_id")}


def _versions_around(store: DataStore, day: date, live: bool) -> tuple[bytes | None, bytes | None]:
    """The actions file before the committee's day and at its end (current when no
    commit came after, or for the meeting in progress: `live`)."""
    before: bytes | None = None
    after: bytes | None = None
    later = False
    for version in store.history("actions"):
        when = version.when.date()
        if when < day:
            before = store.version_bytes("actions", version.version)
        if when <= day:
            after = store.version_bytes("actions", version.version)
        else:
            later = True
    if live or not later:
        after = store.read_current("actions")
    return before, after


def _day(text: str, lang: str) -> str:
    try:
        return format_day(date.fromisoformat(text[:10]), lang) if text else ""
    except ValueError:
        return text


def _value(field: str, value: str, lang: str) -> str:
    if not value:
        return "—"
    if field == "due":
        return _day(value, lang)
    if field == "status":
        return choice_label("actions", "status", value, lang)
    return value


def _text(row: Mapping[str, str], lang: str) -> str:
    """The action's or decision's text in the minutes' language: the English column
    for English minutes, where given, else the French text marked as such."""
    text = row.get("text", "") or ""
    if lang != "en" or not text:
        return text
    return (row.get("text_en") or "").strip() or f"{text}{FRENCH_MARK}"


def build(
    store: DataStore,
    read: Reader,
    committee: date,
    lang: str,
    live: bool = False,
    names: bool = False,
) -> Minutes:
    """The minutes of the committee held on `committee`; `read` reads the data as
    it was at that date (the figures). `live`: the meeting in progress (the
    situation date is its date and shows the current data), whose records are the
    current file whenever they were saved. `names`: the attendees by name (staff);
    otherwise the organisations present (people's names are not a viewer's)."""
    before, after = _versions_around(store, committee, live)
    old, new = _rows(before), _rows(after)
    decisions: list[Item] = []
    opened: list[Item] = []
    changed: list[Item] = []
    for ident, row in new.items():
        item = Item(ident, _text(row, lang), row.get("owner", ""), _day(row.get("due", ""), lang))
        held = row.get("meeting_date", "")[:10]
        if held == committee.isoformat():
            (decisions if row.get("kind") == "decision" else opened).append(item)
            continue
        previous = old.get(ident)
        if previous is None or row.get("kind") != "action":
            continue
        changes = tuple(
            t(
                "meeting.minutes_change",
                lang,
                field=t(f"actions.{f}", lang),
                old=_value(f, previous.get(f, ""), lang),
                new=_value(f, row.get(f, ""), lang),
            )
            for f in TRACKED
            if (previous.get(f, "") or "") != (row.get(f, "") or "")
        )
        if changes:
            changed.append(Item(item.action_id, item.text, item.owner, item.due, changes))
    if lang == "en":  # the figures' names as the data gives them in English
        read = in_english(read)
    model = overview_view.build(read, overview_view.State(committee, lang))
    figures = [(t("overview.event", lang), model.event_value)]
    figures += [(f.label, f.value) for f in model.figures]
    try:
        attendance = attendees_view.of(store, committee)
    except DocumentDamaged:  # said in the minutes; the page names the damage to staff
        attendance = None
        unreadable = t("attendees.minutes_unreadable", lang)
    else:
        unreadable = ""
    present = attendees_view.lines(attendance, names)
    return Minutes(
        committee,
        lang,
        tuple(decisions),
        tuple(opened),
        tuple(changed),
        tuple(figures),
        present,
        attendees_view.heading(lang, names, len(attendance.attendees))
        if attendance
        else unreadable,
    )


def file_name(minutes: Minutes, extension: str) -> str:
    stem = "compte-rendu" if minutes.lang == "fr" else "minutes"
    return f"{stem}-{minutes.committee.isoformat()}.{extension}"


# --- what both documents say, in order --------------------------------------------------------


def _sections(m: Minutes) -> list[tuple[str, Sequence[Item], str]]:
    lang = m.lang
    return [
        (t("meeting.minutes_decisions", lang), m.decisions, t("meeting.minutes_none", lang)),
        (t("meeting.minutes_opened", lang), m.opened, t("meeting.minutes_none", lang)),
        (t("meeting.minutes_changed", lang), m.changed, t("meeting.minutes_none", lang)),
    ]


def _line(item: Item, lang: str) -> str:
    parts = [f"{item.action_id} – {item.text}"]
    if item.owner:
        parts.append(t("meeting.minutes_owner", lang, owner=item.owner))
    if item.due:
        parts.append(t("meeting.minutes_due", lang, due=item.due))
    return " · ".join(parts)


def _title(m: Minutes) -> str:
    return t("meeting.minutes_title", m.lang, date=format_day(m.committee, m.lang))


# --- PDF ----------------------------------------------------------------------------------------


def to_pdf(m: Minutes) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import ListFlowable, ListItem, SimpleDocTemplate, Spacer

    from dashboard import pack

    pack._setup()
    styles = pack._Styles()
    lang = m.lang
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=pack.printable(_title(m)),
        author=pack.printable(t("pack.destination", lang)),
        lang=lang,
        leftMargin=pack.MARGIN,
        rightMargin=pack.MARGIN,
    )
    story: list[object] = [
        pack._para(t("pack.destination", lang), styles.h3),
        pack._para(_title(m), styles.h1),
    ]
    if m.attendees_heading:
        story.append(pack._para(m.attendees_heading, styles.h2))
        if m.attendees:
            story.append(
                ListFlowable(
                    [ListItem(pack._para(line, styles.body)) for line in m.attendees],
                    bulletType="bullet",
                )
            )
    story.append(pack._para(t("meeting.minutes_figures", lang), styles.h2))
    story.append(
        ListFlowable(
            [
                ListItem(
                    pack._para(t("meeting.minutes_figure", lang, label=k, value=v), styles.body)
                )
                for k, v in m.figures
            ],
            bulletType="bullet",
        )
    )
    for heading, items, none in _sections(m):
        story.append(pack._para(heading, styles.h2))
        if not items:
            story.append(pack._para(none, styles.note))
            continue
        entries = []
        for item in items:
            flow: list[object] = [pack._para(_line(item, lang), styles.body)]
            flow += [pack._para(change, styles.note) for change in item.changes]
            entries.append(ListItem(flow))
        story.append(ListFlowable(entries, bulletType="bullet"))
    story.append(Spacer(1, 12))
    story.append(pack._para(t("meeting.minutes_footer", lang), styles.note))
    doc.build(story)
    return buffer.getvalue()


# --- Word ---------------------------------------------------------------------------------------


def to_docx(m: Minutes) -> bytes:
    from docx import Document

    lang = m.lang
    document = Document()
    document.core_properties.title = _title(m)
    document.core_properties.language = lang
    document.add_paragraph(t("pack.destination", lang))
    document.add_heading(_title(m), level=1)
    if m.attendees_heading:
        document.add_heading(m.attendees_heading, level=2)
        for line in m.attendees:
            document.add_paragraph(line, style="List Bullet")
    document.add_heading(t("meeting.minutes_figures", lang), level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in m.figures:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for heading, items, none in _sections(m):
        document.add_heading(heading, level=2)
        if not items:
            document.add_paragraph(none)
            continue
        for item in items:
            document.add_paragraph(_line(item, lang), style="List Bullet")
            for change in item.changes:
                document.add_paragraph(change, style="List Bullet 2")
    document.add_paragraph(t("meeting.minutes_footer", lang))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
