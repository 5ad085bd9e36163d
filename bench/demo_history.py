"""The demo's history: the plan and the indicators as they were committed on the
eve of each committee, the decisions and actions on its evening, January to April
2020.

    python -m bench.demo_history [FOLDER]      # default: the repository's data/

Rebuilds `FOLDER/.history` for tasks, actions and kpis through the store's commit
API (each version checked as an upload is, logged with who and when), the clock
set to each commit's date. The last version of each dataset is the folder's
current file, so the dashboard's present is unchanged; the earlier ones are
derived from it (and, for the plan, from the March plan already in the history):

- tasks: the March plan as sent on 23 March 2020 and the current plan (14 April)
  as they are; January's and February's plans are March's with the progress each
  task had reached by then (in proportion to the time spent since it started),
  nothing done that ends later;
- actions: recorded on the evening of each committee, with its decisions and
  actions and the earlier ones, an action still open when due after that day;
- kpis: the readings dated on or before each commit.

Re-run it after the current files change (a column added, a row appended): it
starts the three datasets' history again from the files as they are.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

import time_machine

from dashboard.ingest import uploads
from dashboard.store import Store, data_dir

BY = "Équipe projet ALL"
MARCH_PLAN = "planning-comite-2020-03-24.csv"
# (commit time, committee it prepares); the last commit of each dataset is its current file
COMMITS = [
    (datetime(2020, 1, 20, 17, 0, tzinfo=UTC), date(2020, 1, 21)),
    (datetime(2020, 2, 24, 17, 30, tzinfo=UTC), date(2020, 2, 25)),
    (datetime(2020, 3, 23, 17, 40, tzinfo=UTC), date(2020, 3, 24)),
]
CURRENT = {
    "tasks": datetime(2020, 4, 14, 16, 15, tzinfo=UTC),
    "kpis": datetime(2020, 4, 15, 7, 30, tzinfo=UTC),
    "actions": datetime(2020, 4, 15, 18, 0, tzinfo=UTC),
}
LAST_COMMITTEE = date(2020, 4, 15)
SOURCES = {
    "tasks": "planning-comite-{}.csv",
    "actions": "releve-decisions-{}.csv",
    "kpis": "indicateurs-{}.csv",
}


def _rows(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _csv(fields: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def plan_at(march: bytes, day: date, march_day: date) -> bytes:
    """March's plan with the progress reached by `day`."""
    fields, rows = _rows(march)
    for row in rows:
        start, end = _day(row.get("start", "")), _day(row.get("end", ""))
        progress = int(float(row.get("progress") or 0))
        if start is None or start > day:
            reached = 0
        elif end is not None and end <= day:
            reached = progress
        else:
            spent, until_march = (day - start).days, max((march_day - start).days, 1)
            reached = min(progress, round(progress * spent / until_march))
            if reached == 100:
                reached = 95
        row["progress"] = str(reached)
        status = row.get("status", "")
        if reached == 100:
            row["status"] = "done"
        elif status in ("done", "cancelled", "blocked"):
            row["status"] = "in_progress" if reached > 0 else ""
        elif status == "in_progress" and reached == 0:
            row["status"] = ""
    return _csv(fields, rows)


def actions_at(current: bytes, day: date, plan: bytes) -> bytes:
    """The committees held by `day`, an action still open if due after `day`; a
    link to a task the plan of the time did not have yet is left empty."""
    fields, rows = _rows(current)
    tasks = {r.get("task_id", "") for r in _rows(plan)[1]}
    kept = []
    for row in rows:
        held = _day(row.get("meeting_date", ""))
        if held is None or held > day:
            continue
        due = _day(row.get("due", ""))
        if row.get("kind") == "action" and (due is None or due > day):
            row["status"] = "open"
        if row.get("task_id") and row["task_id"] not in tasks:
            row["task_id"] = ""
        kept.append(row)
    return _csv(fields, kept)


def kpis_at(current: bytes, day: date) -> bytes:
    fields, rows = _rows(current)
    return _csv(fields, [r for r in rows if (_day(r.get("date", "")) or day) <= day])


def _commit(store: Store, dataset: str, data: bytes, when: datetime, committee: date) -> None:
    name = SOURCES[dataset].format(committee.isoformat())
    upload = uploads.check_upload(store, dataset, data, name)
    if not upload.ok:
        problems = "; ".join(p.message("en") for p in upload.errors)
        raise SystemExit(f"{dataset} at {when:%Y-%m-%d}: {problems}")
    with time_machine.travel(when, tick=False):
        uploads.commit_upload(store, upload, by=BY)


def rebuild(folder: Path) -> None:
    store = Store(folder)
    current = {name: (folder / f"{name}.csv").read_bytes() for name in SOURCES}
    march = next(
        (
            store.version_bytes("tasks", v.version)
            for v in store.history("tasks")
            if v.source == MARCH_PLAN
        ),
        current["tasks"],
    )
    with tempfile.TemporaryDirectory(prefix="demo-history-") as tmp:
        work = Path(tmp)
        # the other datasets as they are, so references are checked against them
        for path in folder.glob("*.csv"):
            if path.stem not in SOURCES:
                shutil.copy2(path, work / path.name)
        staged = Store(work)
        march_day = COMMITS[-1][0].date()
        for when, committee in COMMITS:
            day = when.date()
            plan = march if day == march_day else plan_at(march, day, march_day)
            _commit(staged, "tasks", plan, when, committee)
            # the decisions and actions recorded on the evening of the committee
            recorded = datetime.combine(committee, time(18, 0), tzinfo=UTC)
            _commit(
                staged,
                "actions",
                actions_at(current["actions"], committee, plan),
                recorded,
                committee,
            )
            _commit(staged, "kpis", kpis_at(current["kpis"], day), when, committee)
        for dataset in ("tasks", "kpis", "actions"):
            _commit(staged, dataset, current[dataset], CURRENT[dataset], LAST_COMMITTEE)
        for dataset in SOURCES:
            if staged.read_current(dataset) != current[dataset]:
                raise SystemExit(f"{dataset}: the last version is not the current file")
        # the log keeps the other datasets' entries, then these three's
        kept = [
            line
            for line in (
                store.log_path.read_text(encoding="utf-8").splitlines()
                if store.log_path.exists()
                else []
            )
            if line.strip() and not any(f'"dataset": "{d}"' in line for d in SOURCES)
        ]
        new = staged.log_path.read_text(encoding="utf-8").splitlines()
        for dataset in SOURCES:
            target = store.history_dir / dataset
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(staged.history_dir / dataset, target)
        store.log_path.write_text("\n".join(kept + new) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    rebuild(Path(args[0]) if args else data_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main())
