"""Decisions and actions recorded in the app during a committee (pure, no Streamlit).

Each save is a new version of the actions dataset, made the way an upload is:
the new file is checked with the same rules (`ingest.uploads.check_upload`),
committed under the store's lock after a second check against the data as it
is then, logged with who and when, and can be rolled back like any version.
The rows are edited as text, so columns this code does not know are kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dashboard.contract import get_dataset
from dashboard.ingest import Problem, uploads
from dashboard.store import CommitRefused, Store, Version
from dashboard.views.reader import Reader

# The name a version saved from the app carries in the history, in place of a file's.
SOURCE = "saisie-en-seance"
KINDS = ("action", "decision")
STATUSES = ("open", "done", "cancelled")


@dataclass(frozen=True)
class Entry:
    """A decision or an action as typed in the meeting; `action_id` empty: a new one."""

    kind: str
    text: str
    meeting_date: date
    owner: str = ""
    due: date | None = None
    status: str = "open"
    task_id: str = ""
    project_id: str = ""
    action_id: str = ""


class Refused(Exception):
    """The save would break a rule of the data contract: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _columns() -> list[str]:
    return [c.name for c in get_dataset("actions").columns]


def _read(current: bytes | None) -> tuple[list[str], list[dict[str, str]]]:
    if not current:
        return _columns(), []
    reader = csv.DictReader(io.StringIO(current.decode("utf-8-sig")))
    fields = list(reader.fieldnames or [])
    for name in _columns():
        if name not in fields:
            fields.append(name)
    return fields, list(reader)


def _write(fields: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") or "" for k in fields})
    return out.getvalue().encode("utf-8")


def next_id(ids: Iterable[str]) -> str:
    """The next identifier after the highest 'A<number>' (A33 after A32)."""
    numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"A(\d+)", i or ""))]
    return f"A{max(numbers, default=0) + 1:02d}"


def apply(current: bytes | None, entry: Entry) -> tuple[str, bytes]:
    """The actions file with `entry` added under a new identifier or, when it names
    one, replacing that row's recorded fields; returns the identifier and the file."""
    fields, rows = _read(current)
    values = {
        "meeting_date": entry.meeting_date.isoformat(),
        "kind": entry.kind,
        "text": entry.text.strip(),
        "owner": entry.owner.strip(),
        "due": entry.due.isoformat() if entry.due else "",
        "status": entry.status,
        "task_id": entry.task_id,
        "project_id": entry.project_id,
    }
    if entry.action_id:
        for row in rows:
            if row.get("action_id") == entry.action_id:
                row.update(values)
                return entry.action_id, _write(fields, rows)
        raise KeyError(entry.action_id)
    action_id = next_id(r.get("action_id", "") for r in rows)
    rows.append({"action_id": action_id, **values})
    return action_id, _write(fields, rows)


def close(current: bytes | None, action_id: str, status: str = "done") -> bytes:
    """The actions file with one action closed (done or cancelled)."""
    fields, rows = _read(current)
    for row in rows:
        if row.get("action_id") == action_id:
            row["status"] = status
            return _write(fields, rows)
    raise KeyError(action_id)


def rows_of(current: bytes | None) -> list[dict[str, str]]:
    """The recorded rows as text (for a form to start from)."""
    return _read(current)[1]


def save(store: Store, data: bytes, *, by: str) -> Version | None:
    """Check and commit a new actions file as an upload is; `Refused` with the
    problems when it breaks a rule (nothing written)."""
    upload = uploads.check_upload(store, "actions", data, SOURCE)
    if not upload.ok:
        raise Refused(list(upload.errors))
    try:
        return uploads.commit_upload(store, upload, by=by)
    except CommitRefused as exc:
        raise Refused([p for p in exc.problems if isinstance(p, Problem)]) from None


# --- what the form offers --------------------------------------------------------------------


@dataclass(frozen=True)
class OptionsState:
    lang: str = "fr"


@dataclass(frozen=True)
class Options:
    tasks: tuple[tuple[str, str], ...]  # (task_id, label)
    projects: tuple[tuple[str, str], ...]


def options(read: Reader, state: OptionsState) -> Options:
    """The tasks and projects an action may be linked to (staff: the reader refuses
    viewers, who never record)."""
    frame = read("recording_options")
    pairs: dict[str, list[tuple[str, str]]] = {"task": [], "project": []}
    for kind, ident, label in zip(frame["kind"], frame["id"], frame["label"], strict=True):
        pairs[str(kind)].append((str(ident), str(label)))
    return Options(tuple(pairs["task"]), tuple(pairs["project"]))
