"""Every benchmark in one command (not part of the tests):

    python -m bench.run [--quick] [--runs 3] [--page-sets 1,10,100,1000,10kp]
                        [--browser-sets demo,100] [--data-sets 1,10,100,1000,10kp]
                        [--pack-sets demo,100] [--upload-rows 100000] [--modules NAMES]

Data sets: `demo` (the shipped data), `N` (`bench.generate --scale N`) and `10kp`
(few sites and a large evaluation: one mission whose culinary evaluation holds
10,000 projects, each scored by 5 jurors of the panel).

1. Pages, server side: each page of `dashboard.auth.PAGES` rerun by AppTest, wall
   and CPU time (`time.process_time`: every thread of the server process), with
   warm caches (the server has served the page) and after a new data version (a
   one-row commit through `dashboard.store.Store`: every cache keyed by the data
   version is cold), as a ratio to a trivial page timed in the same process. Each
   data set runs in its own process, within a time budget (a page over budget is
   reported, not waited for).
2. Pages in Chromium (`bench.browser`): navigation to the main chart visible, on a
   fresh session and on a page switch, against a trivial app; websocket bytes per
   page view; server memory per open session and what comes back when they close.
3. Data work: each page's work through the app's own builders (`APP_PATHS`)
   against the same work in pandas alone, same answers checked.
4. The committee pack (`bench.bench_pack`, through `pack.build_pack`).
5. Upload: a 100,000-row scores file in French Excel form checked and committed
   through `dashboard.ingest.uploads` in a fresh process: time, peak RSS, peak allocations;
   then `bench.ingest`: the upload targets (100 and 100,000 rows in French Excel
   form, 1,000,000 valid rows) and hostile files, each in its own process.
6. On request (`--modules`), the older `bench/bench_*.py` modules with a `run()`.

Prints tables and writes `bench/results/latest.json`. `--quick` is a short run
(demo and 10x, one run each, the browser on two pages at demo size).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import importlib
import inspect
import io
import json
import logging
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pandas as pd

from bench.generate import generate, write
from bench.timing import median_seconds
from dashboard import auth, i18n
from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.domain import stakeholders as sk
from dashboard.domain import status
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import actions as action_pages
from dashboard.views import figures, overview, timeline
from dashboard.views import scoring as scoring_view
from dashboard.views import sites as site_pages
from dashboard.views import stakeholders as stakeholder_pages
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "data"
SITUATION = date(2020, 4, 15)
LARGE_EVALUATION = {"projects": 10_000, "jurors": 5}
MIB = 1024 * 1024

TRIVIAL_PAGE = """
import streamlit as st

st.title("Bench")
st.write("A trivial page: the fixed cost of one script run.")
"""


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def copy_folder(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in DATASET_ORDER:
        path = source / f"{name}.csv"
        if path.exists():
            shutil.copy2(path, target / path.name)
    return target


def label_of(name: str) -> str:
    """`demo`, `10kp`, or `N` -> `Nx`."""
    return name if not name.isdigit() else f"{name}x"


def make_folder(name: str, target: Path) -> dict[str, Any]:
    """Write the data set `name` into `target`; its rows and how long that took."""
    start = time.perf_counter()
    if name == "demo":
        copy_folder(DEMO, target)
        rows = {n: len(csv_rows(target / f"{n}.csv")) for n in DATASET_ORDER}
    elif name == "10kp":
        rows = generate(target, 1, **LARGE_EVALUATION)
    else:
        rows = generate(target, int(name))
    return {"rows": rows, "make_s": round(time.perf_counter() - start, 2)}


def csv_rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))[1:]


MEMORY_LIMIT_MIB = 6144  # a child over this is stopped: the machine is shared


def rss_mib(pid: int) -> float:
    """Resident memory of a process (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(
    args: list[str], budget_s: float, memory_mib: float = MEMORY_LIMIT_MIB
) -> dict[str, Any]:
    """`python -m bench.run --child ...` in a fresh process, within `budget_s` and
    `memory_mib` of resident memory (stopped beyond either).

    The child prints one JSON object per line as it goes; they are merged, so a
    child stopped early still gives what it measured."""
    command = [sys.executable, "-m", "bench.run", "--child", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    streams: dict[str, list[str]] = {"out": [], "err": []}

    def drain(name: str, stream: Any) -> None:
        streams[name].extend(stream)

    readers = [
        threading.Thread(target=drain, args=(n, s), daemon=True)
        for n, s in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    out: dict[str, Any] = {}
    deadline, peak = time.monotonic() + budget_s, 0.0
    try:
        while process.poll() is None:
            peak = max(peak, rss_mib(process.pid))
            if peak > memory_mib:
                out["stopped_at_memory_mib"] = memory_mib
            elif time.monotonic() > deadline:
                out["stopped_at_budget_s"] = budget_s
            else:
                time.sleep(0.1)
                continue
            process.kill()
            break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for reader in readers:
            reader.join(timeout=10)
    out["child_peak_rss_mib"] = round(peak, 1)
    if process.returncode not in (0, -signal.SIGKILL) or (
        process.returncode == -signal.SIGKILL and len(out) == 1
    ):
        out["error"] = f"exit {process.returncode}: " + "".join(streams["err"])[-1500:]
    for line in streams["out"]:
        if line.startswith("{"):
            merge(out, json.loads(line))
    return out


def page_sets_times(
    folder: Path, runs: int, new_version: bool, budget_s: float, memory_mib: float
) -> dict[str, Any]:
    """Every page on one data set, in children: a page that outgrows the memory or
    the time left is reported as stopped, and the next pages get a new child."""
    out: dict[str, Any] = {"pages": {}}
    remaining = list(auth.PAGES)
    deadline = time.monotonic() + budget_s
    while remaining:
        left = deadline - time.monotonic()
        if left <= 0:
            for name in remaining:
                out["pages"][name] = {"stopped": f"budget of {budget_s} s"}
            break
        result = run_child(
            ["pages", str(folder), str(runs), "1" if new_version else "0", ",".join(remaining)],
            left,
            memory_mib,
        )
        measured = result.pop("pages", {})
        stopped = {k: result.pop(k) for k in list(result) if k.startswith("stopped_at")}
        merge(out, result)
        out["pages"].update(measured)
        remaining = [n for n in remaining if n not in measured]
        if not stopped or not remaining:
            break
        # the page being measured when the child was stopped
        why = {"stopped_at_memory_mib": "over {} MiB of memory", "stopped_at_budget_s": "over {} s"}
        out["pages"][remaining.pop(0)] = {
            "stopped": ", ".join(why[k].format(v) for k, v in stopped.items())
        }
    out.pop("child_peak_rss_mib", None)
    return out


def merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def emit(record: dict[str, Any]) -> None:
    """A child's result, one line at a time (see `run_child`)."""
    print(json.dumps(record, default=str), flush=True)


# --- 1. pages, server side ------------------------------------------------------------


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def new_data_version(folder: Path, n: int) -> None:
    """Commit a one-row change (an action's text) through the store, as the data
    page does: the data version changes, so every cache keyed by it is cold."""
    store = Store(folder)
    data = store.read_current("actions")
    assert data is not None
    records = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    text = records[0].index("text")
    records[-1][text] = records[-1][text].split(" [bench")[0] + f" [bench {n}]"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    store.commit(
        "actions",
        out.getvalue().encode("utf-8"),
        by="bench",
        source="bench",
        rows=len(records) - 1,
    )


@dataclasses.dataclass(frozen=True)
class Timed:
    wall_s: float
    cpu_s: float


def _timed_run(
    script: Path, page: str | None, role: str, before: Callable[[], None] | None = None
) -> tuple[Timed, Timed]:
    """A new AppTest session's first run of `page` (through the router), then a
    rerun of it, as a widget click would ask; `before` runs between them, untimed
    (a commit). Returns the times of both runs."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=3600)
    if role == "staff":
        at.session_state["role"] = "staff"
    if page is not None:
        at.switch_page(page)
    timed = []
    for step in (None, before):
        if step is not None:
            step()
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        timed.append(Timed(time.perf_counter() - wall, time.process_time() - cpu))
        if at.exception:
            raise RuntimeError(f"{page}: {[e.value for e in at.exception][:1]}")
    return timed[0], timed[1]


def _median(times: list[Timed], base: Timed | None) -> dict[str, Any]:
    wall = statistics.median(t.wall_s for t in times)
    out: dict[str, Any] = {
        "wall_s": round(wall, 4),
        "cpu_s": round(statistics.median(t.cpu_s for t in times), 4),
    }
    if base is not None:
        out["ratio"] = round(wall / base.wall_s, 1)
    return out


def page_times(
    folder: Path, runs: int, tmp: Path, new_version: bool = True, only: list[str] | None = None
) -> None:
    """Emit the trivial page's time, then each page's (warm, new data version, and
    the process's peak resident memory while the page was measured)."""
    trivial = tmp / "trivial_page.py"
    trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
    app = ROOT / "streamlit_app.py"
    commits = 0

    def commit() -> None:
        nonlocal commits
        commits += 1
        new_data_version(folder, commits)

    with environment(DASHBOARD_DATA_DIR=str(folder)):
        _clear_caches()
        _timed_run(trivial, None, "viewer")
        times = [_timed_run(trivial, None, "viewer")[1] for _ in range(max(runs, 3))]
        base = Timed(
            statistics.median(t.wall_s for t in times), statistics.median(t.cpu_s for t in times)
        )
        emit({"runs": runs, "trivial": _median(times, None)})
        for name, spec in auth.PAGES.items():
            if only is not None and name not in only:
                continue
            role = "viewer" if "viewer" in spec.roles else "staff"
            started = time.perf_counter()
            result: dict[str, Any] = {"role": role}
            reset_peak_rss()
            try:
                if new_version:
                    result["new_version"] = _median(
                        [_timed_run(app, spec.file, role, commit)[1] for _ in range(runs)], base
                    )
                    warm = [_timed_run(app, spec.file, role)[1] for _ in range(runs)]
                else:  # one session: the page's first run on this data version, a rerun
                    first, again = _timed_run(app, spec.file, role)
                    result["first"] = _median([first], base)
                    warm = [again]
                result["warm"] = _median(warm, base)
            except Exception as exc:  # a page mid-edit should not stop the others
                result["error"] = repr(exc)[:300]
            result["peak_rss_mib"] = round(peak_rss_kib() / 1024, 1)
            print(f"    {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            emit({"pages": {name: result}})


# --- 3. the same data work: the app's builders and pandas alone ----------------------

Frames = dict[str, pd.DataFrame]
VIEWER_HIDDEN = auth.DEFAULT_CONFIDENTIAL_EVALUATIONS


def pandas_load(folder: Path) -> Frames:
    """What a pandas dashboard does first: read every CSV."""
    frames = {}
    for name in DATASET_ORDER:
        dataset = get_dataset(name)
        dates = [c.name for c in dataset.columns if c.type == "date"]
        frames[name] = pd.read_csv(folder / dataset.filename, parse_dates=dates)
    return frames


# The headline figures (`views.figures.headline`, the overview's and the pack's).


def app_headline(con: duckdb.DuckDBPyConnection) -> figures.Headline:
    return figures.headline(database_reader(con, "viewer"), SITUATION, VIEWER_HIDDEN)


def pandas_task_states(tasks: pd.DataFrame, situation: pd.Timestamp) -> pd.DataFrame:
    """The state rules of `sql/views/task_states.sql`, in pandas."""
    t = tasks.assign(progress=tasks["progress"].fillna(0))
    duration = ((t["end"] - t["start"]).dt.days + 1).clip(lower=1).fillna(1)
    elapsed = ((situation - t["start"]).dt.days / duration).clip(0, 1) * 100
    state = np.select(
        [
            t["status"].isin(["cancelled", "blocked"]),
            (t["status"] == "done") | (t["progress"] >= 100),
            t["start"].isna() | t["end"].isna() | (situation < t["start"]),
            t["end"] < situation,
            elapsed - t["progress"] > status.AT_RISK_POINTS,
        ],
        [t["status"], "done", "planned", "late", "at_risk"],
        default="on_track",
    )
    return t.assign(duration_days=duration, state=state)


def pandas_headline(f: Frames) -> figures.Headline:
    situation = pd.Timestamp(SITUATION)
    tasks = pandas_task_states(f["tasks"], situation)
    live = tasks[tasks["state"] != "cancelled"]
    done = np.where(live["state"] == "done", 100.0, live["progress"].clip(0, 100))
    weight = live["duration_days"].sum()
    a = f["actions"]
    actions = a[
        (a["kind"] == "action")
        & (a["status"].fillna("open") == "open")
        & (a["meeting_date"] <= situation)
    ]
    overdue = (situation - actions["due"]).dt.days.fillna(0).clip(lower=0)
    s = f["stakeholders"]
    engaged = s["engagement"].isin(["engaged", "committed"])
    p = f["projects"]
    p = p[~p["evaluation"].isin(VIEWER_HIDDEN)]
    by = p.assign(
        shortlisted=p["status"].isin(["shortlisted", "selected"]),
        selected=p["status"] == "selected",
        rejected=p["status"] == "rejected",
    ).groupby("evaluation", sort=True)
    counts = by.agg(
        projects=("project_id", "size"),
        shortlisted=("shortlisted", "sum"),
        selected=("selected", "sum"),
        rejected=("rejected", "sum"),
    )
    return figures.Headline(
        situation=SITUATION,
        tasks=len(tasks),
        late_tasks=int((tasks["state"] == "late").sum()),
        progress=float((done * live["duration_days"]).sum() / weight) if weight else None,
        open_actions=len(actions),
        overdue_actions=int((overdue > 0).sum()),
        stakeholders=len(s),
        partners_engaged=int(engaged.sum()),
        partners_abroad=int((engaged & (s["country"].fillna("FR") != "FR")).sum()),
        budget_eur=float(live["budget_eur"].sum()),
        spent_eur=float(tasks["spent_eur"].sum()),
        evaluations=tuple(
            figures.Evaluation(
                str(e), int(r.projects), int(r.shortlisted), int(r.selected), int(r.rejected)
            )
            for e, r in counts.iterrows()
        ),
    )


# The scoring page's totals for the evaluation it opens on, through the page's own
# builder (`views.scoring.build`: the SQL of sql/views/scoring_points.sql, the
# ranking, the page's table and chart data).


def first_evaluation(projects: pd.DataFrame) -> str:
    shown = projects[~projects["evaluation"].isin(VIEWER_HIDDEN)]
    return str(shown["evaluation"].iloc[0])


def app_scoring(con: duckdb.DuckDBPyConnection) -> scoring_view.Model:
    read = database_reader(con, "viewer")
    setup = scoring_view.setup(read, scoring_view.SetupState(VIEWER_HIDDEN))
    assert setup.evaluation is not None
    model = scoring_view.build(
        read,
        scoring_view.State(
            setup.evaluation,
            sensitivity=False,
            lang="fr",
            hidden=VIEWER_HIDDEN,
            situation=SITUATION,
        ),
    )
    return model


def scoring_totals(model: scoring_view.Model) -> pd.Series:
    ranking = model.ranking
    return pd.Series(
        ranking["total"].astype(float).to_numpy(), index=list(ranking["project_id"])
    ).sort_index()


def pandas_scoring(f: Frames) -> pd.Series:
    evaluation = first_evaluation(f["projects"])
    projects = f["projects"][f["projects"]["evaluation"] == evaluation]
    criteria = f["criteria"][f["criteria"]["evaluation"] == evaluation]
    scored = f["scores"].merge(projects[["project_id"]], on="project_id")
    scored = scored.merge(criteria, on="criterion_id")
    scored = scored[scored["method"].fillna("rating") == "rating"]
    scored["share"] = scored["score"] / scored["scale_max"].fillna(5)
    rated = scored.groupby(["project_id", "criterion_id"], as_index=False)["share"].mean()
    price = projects["price_eur"].where(projects["price_eur"] > 0)
    lowest = criteria.loc[criteria["method"] == "lowest_price", "criterion_id"]
    priced = pd.DataFrame(
        [
            (pid, cid, ratio)
            for cid in lowest
            for pid, ratio in zip(projects["project_id"], price.min() / price, strict=True)
        ],
        columns=["project_id", "criterion_id", "share"],
    )
    weights = criteria.set_index("criterion_id")["weight"]
    parts = pd.concat([rated, priced]).dropna(subset=["share"])
    parts["points"] = parts["share"] * parts["criterion_id"].map(weights / weights.sum()) * 100
    totals = parts.groupby("project_id")["points"].agg(["sum", "count"])
    complete = totals["count"] == len(criteria)
    return totals["sum"].where(complete).reindex(projects["project_id"]).sort_index()


# --- each page's whole data work: the page's builder, then a comparable extract ----
# The app side runs the page's whole builder (what the page really does), then keeps
# what pandas alone can reproduce exactly; the pandas side computes that extract
# from the CSV frames (merges, group-bys, vectorised), as a plain pandas page would.

STATE_RANK = {"late": 0, "at_risk": 1}


class Tidy:
    """A frame to compare, normalised only when compared (`same`): the timed work on
    either side is the page's, not the writing of its answer for the comparison."""

    def __init__(self, frame: pd.DataFrame, columns: list[str] | None = None) -> None:
        self.frame, self.columns = frame, columns

    def normal(self) -> pd.DataFrame:
        """Both sides written alike: dates as 'YYYY-MM-DD' ('' when missing), numbers
        as floats, booleans as booleans, text as str ('' when missing)."""
        columns = self.columns if self.columns is not None else list(self.frame.columns)
        out = self.frame[columns].reset_index(drop=True).copy()
        for name in out.columns:
            s = out[name]
            if pd.api.types.is_datetime64_any_dtype(s):
                out[name] = s.dt.strftime("%Y-%m-%d").fillna("").astype(object)
            elif pd.api.types.is_bool_dtype(s):
                out[name] = s.astype(bool)
            elif pd.api.types.is_numeric_dtype(s):
                out[name] = s.astype(float)
            else:
                out[name] = s.astype(object).where(s.notna(), "").astype(str).astype(object)
        return out


def pandas_open_actions(actions: pd.DataFrame, situation: pd.Timestamp) -> pd.DataFrame:
    """`sql/views/open_actions_at.sql`: open at the situation date, days overdue."""
    a = actions[
        (actions["kind"] == "action")
        & (actions["status"].fillna("open") == "open")
        & (actions["meeting_date"] <= situation)
    ]
    return a.assign(days_overdue=(situation - a["due"]).dt.days.fillna(0).clip(lower=0))


def pandas_rollup(t: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`rollup_progress` / `rollup_state` (sql/views/rollups.sql) and the counts of
    `site_rollups.sql`, per group of `keys`, on `pandas_task_states` rows."""
    state = t["state"]
    live = state != "cancelled"
    done_share = np.where(state == "done", 100.0, t["progress"].clip(0, 100))
    planned = t["planned_eur"]
    over = t["budget_line"] & (t["spent_line_eur"] > planned)
    g = t.assign(
        _live=live,
        _w=np.where(live, t["duration_days"], 0.0),
        _pw=np.where(live, done_share * t["duration_days"], 0.0),
        _done=live & (state == "done"),
        _late=state == "late",
        _risk=state.isin(["blocked", "at_risk"]),
        _going=state.isin(["on_track", "done"]),
        _cancelled=state == "cancelled",
        _over=over,
        _overspend=np.where(over, t["spent_line_eur"] - planned, 0.0),
    ).groupby(keys, sort=False)
    r = g.agg(
        tasks=("state", "size"),
        cancelled=("_cancelled", "sum"),
        late_tasks=("_late", "sum"),
        live=("_live", "sum"),
        w=("_w", "sum"),
        pw=("_pw", "sum"),
        done=("_done", "sum"),
        risk=("_risk", "sum"),
        going=("_going", "sum"),
        budget_eur=("planned_eur", "sum"),
        spent_eur=("spent_line_eur", "sum"),
        budget_lines=("budget_line", "sum"),
        overspent_tasks=("_over", "sum"),
        overspend_eur=("_overspend", "sum"),
    )
    r["progress"] = (r["pw"] / r["w"]).where(r["w"] > 0)
    r["state"] = np.select(
        [
            r["live"] == 0,
            r["done"] == r["live"],
            r["late_tasks"] > 0,
            r["risk"] > 0,
            r["going"] > 0,
        ],
        ["", "done", "late", "at_risk", "on_track"],
        default="planned",
    )
    return r.drop(columns=["live", "w", "pw", "done", "risk", "going"]).reset_index()


def pandas_states(f: Frames) -> pd.DataFrame:
    """Task states with the budget columns of `site_rollups.sql`."""
    t = pandas_task_states(f["tasks"], pd.Timestamp(SITUATION))
    cancelled = t["state"] == "cancelled"
    return t.assign(
        milestone=t["milestone"].fillna(False).astype(bool),
        planned_eur=np.where(cancelled, 0.0, t["budget_eur"].fillna(0.0)),
        spent_line_eur=t["spent_eur"].fillna(0.0),
        budget_line=(t["budget_eur"].notna() & ~cancelled) | t["spent_eur"].notna(),
        key=t["site_id"].fillna(""),
    )


def pandas_site_rollups(f: Frames) -> pd.DataFrame:
    """`sql/queries/site_rollups.sql`: the destination, each site in file order,
    the tasks of no site; with `attention` for sites."""
    situation = pd.Timestamp(SITUATION)
    t = pandas_states(f)
    every = pd.concat([t.assign(scope="site"), t.assign(scope="destination", key="")])
    rolled = pandas_rollup(every, ["scope", "key"])
    upcoming = every[
        every["milestone"]
        & (every["start"] >= situation)
        & ~every["state"].isin(["done", "cancelled"])
    ].sort_values(["start", "end", "task_id"])
    first = upcoming.drop_duplicates(["scope", "key"])[["scope", "key", "task_id", "name", "start"]]
    first = first.set_axis(
        ["scope", "key", "milestone_id", "milestone_name", "milestone_day"], axis=1
    )
    a = pandas_open_actions(f["actions"], situation)
    a = a.merge(f["tasks"][["task_id", "site_id"]], on="task_id", how="left")
    a = a.assign(key=a["site_id"].fillna(""), overdue=a["days_overdue"] > 0)
    acts = pd.concat([a.assign(scope="site"), a.assign(scope="destination", key="")])
    acts = (
        acts.groupby(["scope", "key"], sort=False)
        .agg(open_actions=("action_id", "size"), overdue_actions=("overdue", "sum"))
        .reset_index()
    )
    s = f["sites"]
    scopes = pd.concat(
        [
            pd.DataFrame({"scope": ["destination"], "key": [""], "place": [0]}),
            pd.DataFrame(
                {
                    "scope": "site",
                    "key": s["site_id"],
                    "name": s["name"],
                    "description": s["description"],
                    "place": np.arange(1, len(s) + 1),
                }
            ),
            pd.DataFrame({"scope": ["unassigned"], "key": [""], "place": [2**31 - 1]}),
        ],
        ignore_index=True,
    )
    scopes["lookup"] = scopes["scope"].replace("unassigned", "site")
    out = scopes.merge(rolled.rename(columns={"scope": "lookup"}), on=["lookup", "key"], how="left")
    out = out.merge(acts.rename(columns={"scope": "lookup"}), on=["lookup", "key"], how="left")
    out = out.merge(first.rename(columns={"scope": "lookup"}), on=["lookup", "key"], how="left")
    counts = ["tasks", "cancelled", "late_tasks", "open_actions", "overdue_actions"]
    counts += ["budget_lines", "overspent_tasks"]
    out[counts] = out[counts].fillna(0).astype(int)
    sums = ["budget_eur", "spent_eur", "overspend_eur"]
    out[sums] = out[sums].fillna(0.0).astype(float)
    out["state"] = out["state"].fillna("")
    out = out[(out["scope"] != "unassigned") | (out["tasks"] > 0) | (out["open_actions"] > 0)]
    places = out[out["scope"] == "site"]
    order = places.assign(_rank=places["state"].map(STATE_RANK).fillna(2)).sort_values(
        ["_rank", "overdue_actions", "late_tasks", "open_actions", "place"],
        ascending=[True, False, False, False, True],
    )
    out = out.assign(attention=pd.Series(np.arange(1, len(order) + 1), index=order.index))
    return out.sort_values("place").rename(columns={"key": "site_id"}).reset_index(drop=True)


CARD_COLUMNS = ["site_id", "progress", "state", "tasks", "cancelled", "late_tasks"]
CARD_COLUMNS += ["open_actions", "overdue_actions", "budget_eur", "spent_eur", "milestone_id"]
CARD_COLUMNS += ["days_to_go"]


def app_cards(cards: tuple[Any, ...]) -> Tidy:
    rows = [
        {
            **{k: getattr(c.card, k) for k in CARD_COLUMNS[:10]},
            "milestone_id": c.card.milestone.task_id if c.card.milestone else "",
            "days_to_go": c.card.milestone.days_to_go if c.card.milestone else math.nan,
        }
        for c in cards
    ]
    out = pd.DataFrame(rows, columns=CARD_COLUMNS)
    out["progress"] = out["progress"].astype(float)
    return Tidy(out)


def pandas_cards(rows: pd.DataFrame) -> Tidy:
    out = rows.assign(
        site_id=np.where(rows["scope"] == "site", rows["site_id"], site_pages.DESTINATION),
        days_to_go=(rows["milestone_day"] - pd.Timestamp(SITUATION)).dt.days,
    )
    return Tidy(out, CARD_COLUMNS)


def app_overview(con: duckdb.DuckDBPyConnection) -> overview.Model:
    return overview.build(database_reader(con, "viewer"), overview.State(SITUATION, "fr"))


def overview_answer(model: overview.Model) -> dict[str, Any]:
    return {
        "progress": math.nan if model.progress is None else model.progress,
        "overdue_actions": model.overdue_actions,
        "sites_total": model.sites_total,
        "destination": app_cards((model.destination,)),
        "cards": app_cards(model.cards),
        "workstreams": Tidy(model.workstreams, ["workstream", "progress", "state", "tasks"]),
    }


def pandas_workstreams(f: Frames) -> Tidy:
    """`sql/queries/workstream_rollups.sql`."""
    t = pandas_states(f)
    t = t[t["workstream"].notna()].sort_values(["start", "end", "task_id"])
    t = t.assign(place=np.arange(len(t)))
    r = pandas_rollup(t, ["workstream"])
    first = t.groupby("workstream", sort=False)["place"].min()
    r = r.assign(place=r["workstream"].map(first)).sort_values("place")
    r["progress"] = r["progress"].fillna(0.0)
    r["state"] = r["state"].replace("", "planned")
    return Tidy(r, ["workstream", "progress", "state", "tasks"])


def pandas_overview(f: Frames) -> dict[str, Any]:
    headline = pandas_headline(f)
    frame = pandas_site_rollups(f)
    places = frame[frame["scope"] == "site"]
    if len(places) > overview.CARDS:
        places = places.sort_values("attention").head(overview.CARDS)
    return {
        "progress": math.nan if headline.progress is None else headline.progress,
        "overdue_actions": headline.overdue_actions,
        "sites_total": int((frame["scope"] == "site").sum()),
        "destination": pandas_cards(frame[frame["scope"] == "destination"]),
        "cards": pandas_cards(places),
        "workstreams": pandas_workstreams(f),
    }


# The sites page for the whole destination (its default): the card, the budget
# totals, its budget lines, planned and spent by site, the indicators' latest values.

BUDGET_TOTALS = ["budget_eur", "spent_eur", "remaining_eur", "overspend_eur", "overspent"]
KPI_COLUMNS = ["site_id", "kpi", "unit", "day", "value", "target"]


def app_sites(con: duckdb.DuckDBPyConnection) -> site_pages.Model:
    return site_pages.build(database_reader(con, "viewer"), site_pages.State(SITUATION, "fr"))


def sites_answer(model: site_pages.Model) -> dict[str, Any]:
    assert model.detail is not None and model.detail.budget is not None
    budget, by_site = model.detail.budget, model.detail.by_site
    assert by_site is not None
    kpis = pd.DataFrame(
        [dataclasses.astuple(k.value) for k in model.detail.kpis], columns=KPI_COLUMNS
    )
    kpis["day"] = pd.to_datetime(kpis["day"])
    return {
        "card": app_cards((model.detail.card,)),
        "totals": {k: getattr(budget.totals, k) for k in BUDGET_TOTALS},
        "lines": Tidy(budget.lines),
        "by_site": Tidy(by_site.lines),
        "kpis": Tidy(kpis),
    }


def pandas_kpi_latest(kpis: pd.DataFrame, site: str) -> Tidy:
    """`sql/queries/kpi_latest.sql` for one scope ('' = the destination)."""
    situation = pd.Timestamp(SITUATION)
    k = kpis.assign(site_id=kpis["site_id"].fillna(""), _row=np.arange(len(kpis)))
    k = k[k["site_id"] == site].sort_values(["date", "_row"], kind="stable")
    known = k[k["date"] <= situation]
    by = k.groupby("kpi", sort=False)
    out = by.agg(kpi_order=("_row", "min")).join(k[k["unit"].notna()].groupby("kpi")["unit"].last())
    last = known.groupby("kpi").agg(day=("date", "max"), value=("value", "last"))
    target_known = known[known["target"].notna()].groupby("kpi")["target"].last()
    target_first = k[k["target"].notna()].groupby("kpi")["target"].first()
    out = out.join(last)
    out["target"] = np.where(
        out.index.isin(last.index), target_known.reindex(out.index), target_first.reindex(out.index)
    )
    out = out.sort_values("kpi_order").reset_index().assign(site_id=site)
    return Tidy(out, KPI_COLUMNS)


def pandas_sites(f: Frames) -> dict[str, Any]:
    frame = pandas_site_rollups(f)
    whole = frame[frame["scope"] == "destination"]
    row = whole.iloc[0]
    t = pandas_states(f)
    lines = t[t["budget_line"]]
    lines = lines.assign(
        budget_eur=lines["planned_eur"],
        spent_eur=lines["spent_line_eur"],
        _over=(lines["spent_line_eur"] - lines["planned_eur"]).clip(lower=0.0),
    )
    kept = lines.sort_values(
        ["_over", "budget_eur", "spent_eur", "task_id"], ascending=[False, False, False, True]
    ).head(site_pages.LINES)
    kept = kept.sort_values(["start", "end", "task_id"])
    rows = frame[(frame["scope"] != "destination") & (frame["budget_lines"] > 0)]
    if len(rows) > site_pages.BUDGET_SITES:
        over = (rows["spent_eur"] - rows["budget_eur"]).clip(lower=0)
        ranked = rows.assign(_over=over).sort_values(
            ["_over", "budget_eur"], ascending=False, kind="stable"
        )
        rows = rows.loc[sorted(ranked.index[: site_pages.BUDGET_SITES])]
    names = rows["name"].where(rows["scope"] == "site", i18n.t("sites.unassigned", "fr"))
    return {
        "card": pandas_cards(whole),
        "totals": {
            "budget_eur": float(row["budget_eur"]),
            "spent_eur": float(row["spent_eur"]),
            "remaining_eur": float(row["budget_eur"] - row["spent_eur"]),
            "overspend_eur": float(row["overspend_eur"]),
            "overspent": int(row["overspent_tasks"]),
        },
        "lines": Tidy(kept, ["name", "budget_eur", "spent_eur"]),
        "by_site": Tidy(rows.assign(name=names), ["name", "budget_eur", "spent_eur"]),
        "kpis": pandas_kpi_latest(f["kpis"], ""),
    }


# The timeline at its default view: the rows drawn (every task, or one summary per
# workstream once more than COLLAPSE_THRESHOLD tasks are shown) and the first page
# of the tasks to watch. Left out: link and critical-path rows (a graph walk), the
# chart spec.

ROW_COLUMNS = ["kind", "task_id", "workstream", "start", "state_label", "progress_label"]
WATCH_COLUMNS = ["task_id", "state", "end", "days_late", "progress", "slip", "site", "actions"]


def app_timeline(con: duckdb.DuckDBPyConnection) -> timeline.Model:
    return timeline.build(database_reader(con, "viewer"), timeline.State(situation=SITUATION))


def timeline_answer(model: timeline.Model) -> dict[str, Any]:
    rows = model.rows[model.rows["kind"] != "group"]
    rows = rows.assign(start=rows["start"].str[:10])
    return {
        "total": model.total,
        "shown": model.shown,
        "collapsed": model.collapsed,
        "rows": Tidy(rows, ROW_COLUMNS),
        "watched": model.watched,
        "watch": Tidy(model.watch, WATCH_COLUMNS),
    }


def pandas_timeline(f: Frames) -> dict[str, Any]:
    situation = pd.Timestamp(SITUATION)
    t = pandas_states(f)
    t = t.assign(days_late=np.where(t["state"] == "late", (situation - t["end"]).dt.days, 0))
    dated = t[t["start"].notna() & t["end"].notna()]
    first, last = dated["start"].min(), dated["end"].max()
    low = min(first, situation) - pd.Timedelta(days=7)
    high = max(last, situation) + pd.Timedelta(days=7)
    shown = t[(t["end"] >= low) & (t["start"] <= high)]
    collapsed = len(shown) > timeline.COLLAPSE_THRESHOLD
    drawn = shown[shown["workstream"].notna()]
    ranks = drawn.groupby("workstream")["start"].min().reset_index()
    ranks = ranks.sort_values(["start", "workstream"]).assign(ws_rank=np.arange(len(ranks)))
    rank = ranks.set_index("workstream")["ws_rank"]
    if collapsed:
        r = pandas_rollup(drawn, ["workstream"])
        spans = drawn.groupby("workstream")["start"].min()
        rows = r.assign(
            kind="summary",
            task_id="Σ " + r["workstream"],
            start=r["workstream"].map(spans),
            progress=r["progress"].fillna(0.0),
            state=r["state"].replace("", "planned"),
            ws_rank=r["workstream"].map(rank),
        ).sort_values("ws_rank")
    else:
        rows = drawn.assign(kind="task", ws_rank=drawn["workstream"].map(rank))
        rows = rows.sort_values(["ws_rank", "start", "end", "task_id"]).head(timeline.ROWS_PER_PAGE)
    progress = rows["progress"].astype(float).fillna(0.0)
    rows = rows.assign(
        start=rows["start"].dt.strftime("%Y-%m-%d"),
        state_label=[i18n.t(f"state.{s}", "fr") for s in rows["state"]],
        progress_label=[i18n.format_number(p, "fr") + " %" if p > 0 else "" for p in progress],
    )
    watch = shown[shown["state"].isin(["late", "blocked", "at_risk"])]
    a = pandas_open_actions(f["actions"], situation)
    a = a[a["task_id"].notna()].sort_values("action_id")
    linked = (a["action_id"] + " " + a["text"]).groupby(a["task_id"]).agg(" · ".join)
    names = f["sites"].set_index("site_id")["name"]
    watch = watch.assign(
        _rank=watch["state"].map({"late": 0, "blocked": 1}).fillna(2),
        slip=(watch["end"] - watch["baseline_end"]).dt.days,
        site=watch["site_id"].map(names).fillna(""),
        actions=watch["task_id"].map(linked).fillna(""),
    ).sort_values(["_rank", "days_late", "end", "task_id"], ascending=[True, False, True, True])
    return {
        "total": len(t),
        "shown": len(shown),
        "collapsed": collapsed,
        "rows": Tidy(rows, ROW_COLUMNS),
        "watched": len(watch),
        "watch": Tidy(watch.head(timeline.WATCH_PER_PAGE), WATCH_COLUMNS),
    }


# The stakeholders page, no filter, the viewer's hidden evaluations: the counts, the
# funnel, the coverage grid, the power-interest grid's counts (per category and
# cell; the marks' jitter left out) and quadrants, the partners abroad by country.
# Left out: the maps' points and cells, the table's page, the charts' specs.

GRID_COLUMNS = ["category", "influence", "interest", "count", "committed"]


def app_stakeholders(con: duckdb.DuckDBPyConnection) -> stakeholder_pages.Model:
    return stakeholder_pages.build(
        database_reader(con, "viewer"),
        stakeholder_pages.State(situation=SITUATION, lang="fr", hidden=VIEWER_HIDDEN),
    )


def stakeholders_answer(model: stakeholder_pages.Model) -> dict[str, Any]:
    grid = (
        model.grid.groupby(["category", "influence", "interest"], as_index=False)[
            ["count", "committed"]
        ]
        .sum()
        .sort_values(["category", "influence", "interest"])
    )
    return {
        "shown": model.shown,
        "committed": model.committed,
        "unscored": model.unscored,
        "quadrants": model.quadrants,
        "funnel": Tidy(model.funnel),
        "coverage": Tidy(model.coverage),
        "grid": Tidy(grid, GRID_COLUMNS),
        "partners_abroad": model.abroad.partners,
        "countries": Tidy(model.abroad.countries),
    }


def fold_category(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\s+", " ", regex=True).str.strip().str.lower()


def pandas_stakeholders(f: Frames) -> dict[str, Any]:
    s = f["stakeholders"]
    country = s["country"].str.strip().str.upper().replace("", np.nan).fillna("FR")
    s = s.assign(
        country=country,
        abroad=country != "FR",
        engagement=s["engagement"].fillna("identified"),
        located=s["lat"].notna() & s["lon"].notna(),
    )
    engaged = s["engagement"].isin(["engaged", "committed"])
    committed = s["engagement"] == "committed"
    e = s["engagement"]
    funnel = (
        s.assign(
            category=s["category"].fillna("—"),
            identified=e.isin(["identified", "contacted", "engaged", "committed"]),
            contacted=e.isin(["contacted", "engaged", "committed"]),
            engaged=engaged,
            committed=committed,
            declined=e == "declined",
        )
        .groupby("category", as_index=False)
        .agg(
            identified=("identified", "sum"),
            contacted=("contacted", "sum"),
            engaged=("engaged", "sum"),
            committed=("committed", "sum"),
            declined=("declined", "sum"),
            total=("stakeholder_id", "size"),
        )
        .sort_values(["total", "category"], ascending=[False, True])
    )
    local = s[~s["abroad"]].assign(key=lambda d: fold_category(d["category"]))
    known = list(sk.TERRITORIES)
    seen = local["territory"].dropna()
    others = sorted(set(seen[(seen != "") & ~seen.isin(known)]))
    wanted = pd.DataFrame({"category": list(sk.COVERAGE_CATEGORIES)})
    wanted["key"] = fold_category(wanted["category"])
    counted = (
        local.assign(
            _committed=local["engagement"] == "committed",
            _engaged=local["engagement"] == "engaged",
            _prospects=local["engagement"].isin(["identified", "contacted"]),
        )
        .groupby(["territory", "key"])[["_committed", "_engaged", "_prospects"]]
        .sum()
    )
    grid_ = pd.MultiIndex.from_product([known + others, wanted["key"]], names=["territory", "key"])
    counted = counted.reindex(grid_, fill_value=0).reset_index()
    counted["category"] = np.tile(wanted["category"].to_numpy(), len(known) + len(others))
    coverage = counted.rename(
        columns={"_committed": "committed", "_engaged": "engaged", "_prospects": "prospects"}
    )
    coverage["state"] = np.select(
        [coverage["committed"] > 0, coverage["engaged"] > 0, coverage["prospects"] > 0],
        ["covered", "engaged", "prospect"],
        default="none",
    )
    scored = s[s["influence"].notna() & s["interest"].notna()]
    scored = scored.assign(
        category=scored["category"].fillna("—"),
        influence=scored["influence"].round().clip(1, 5).astype(int),
        interest=scored["interest"].round().clip(1, 5).astype(int),
        _committed=scored["engagement"] == "committed",
    )
    grid = (
        scored.groupby(["category", "influence", "interest"], as_index=False)
        .agg(count=("stakeholder_id", "size"), committed=("_committed", "sum"))
        .sort_values(["category", "influence", "interest"])
    )
    high_i, high_n = scored["influence"] >= 4, scored["interest"] >= 4
    quadrant = np.select(
        [high_i & high_n, high_i, high_n],
        ["manage_closely", "keep_satisfied", "keep_informed"],
        default="monitor",
    )
    counts = pd.Series(quadrant).value_counts()
    partners = s[s["abroad"] & engaged]
    centred = ~partners["located"] & partners["country"].isin(list(sk.centroids()))
    countries = (
        partners.assign(_committed=partners["engagement"] == "committed", _centroid=centred)
        .groupby("country", as_index=False)
        .agg(
            partners=("stakeholder_id", "size"),
            committed=("_committed", "sum"),
            at_centroid=("_centroid", "sum"),
        )
        .sort_values(["partners", "country"], ascending=[False, True])
    )
    return {
        "shown": len(s),
        "committed": int(committed.sum()),
        "unscored": int(len(s) - len(scored)),
        "quadrants": {q: int(counts.get(q, 0)) for q in sk.QUADRANTS},
        "funnel": Tidy(funnel),
        "coverage": Tidy(
            coverage, ["territory", "category", "committed", "engaged", "prospects", "state"]
        ),
        "grid": Tidy(grid, GRID_COLUMNS),
        "partners_abroad": len(partners),
        "countries": Tidy(countries),
    }


# The decisions and actions page for the latest committee, no filter: the committee
# shown, each list's total and first page, the headline's open and overdue counts.

LIST_COLUMNS = ["meeting_date", "kind", "text", "owner", "due", "days_overdue", "state"]
LIST_COLUMNS += ["carried_over", "task", "workstream", "project", "evaluation"]
LISTS = ("decisions", "new_actions", "carried", "log")


def app_actions(con: duckdb.DuckDBPyConnection) -> action_pages.Model:
    return action_pages.build(
        database_reader(con, "viewer"),
        action_pages.State(situation=SITUATION, hidden=VIEWER_HIDDEN),
    )


def actions_answer(model: action_pages.Model) -> dict[str, Any]:
    out: dict[str, Any] = {
        "committee": str(model.committee),
        "committees": len(model.committees),
        "open_actions": model.figures.open_actions,
        "overdue_actions": model.figures.overdue_actions,
    }
    for name in LISTS:
        table = getattr(model, name)
        out[name] = (table.total, Tidy(table.rows, LIST_COLUMNS))
    return out


def pandas_actions(f: Frames) -> dict[str, Any]:
    situation = pd.Timestamp(SITUATION)
    a = f["actions"]
    recorded = a[a["meeting_date"] <= situation]
    committees = recorded["meeting_date"].drop_duplicates().sort_values(ascending=False)
    committee = committees.iloc[0]
    still = pandas_open_actions(a, situation).set_index("action_id")["days_overdue"]
    is_open = recorded["action_id"].isin(still.index)
    overdue = recorded["action_id"].map(still).fillna(0)
    state = np.select(
        [recorded["kind"] == "decision", is_open & (overdue > 0), is_open],
        [recorded["status"].fillna("done"), "overdue", "open"],
        default=recorded["status"].fillna("open"),
    )
    tasks = f["tasks"][["task_id", "name", "workstream"]].rename(columns={"name": "task_name"})
    p = f["projects"]
    p = p[~p["evaluation"].isin(VIEWER_HIDDEN)][["project_id", "name", "evaluation"]]
    rows = recorded.assign(
        days_overdue=overdue,
        state=state,
        carried_over=is_open & (recorded["meeting_date"] < committee),
    )
    rows = rows.merge(tasks, on="task_id", how="left").merge(
        p.rename(columns={"name": "project_name"}), on="project_id", how="left"
    )
    rows["task"] = (rows["task_id"] + " " + rows["task_name"].fillna("")).str.rstrip(" ")
    rows["task"] = rows["task"].where(rows["task_name"].notna(), rows["task_id"])
    rows["project"] = (rows["project_id"] + " " + rows["project_name"].fillna("")).where(
        rows["evaluation"].notna()
    )
    latest = rows.sort_values(["meeting_date", "kind", "action_id"], ascending=[False, True, True])
    at = latest["meeting_date"] == committee
    carried = rows[rows["carried_over"]].sort_values(
        ["days_overdue", "due", "meeting_date", "kind", "action_id"],
        ascending=[False, True, False, True, True],
        na_position="last",
    )
    lists = {
        "decisions": latest[at & (latest["kind"] == "decision")],
        "new_actions": latest[at & (latest["kind"] == "action")],
        "carried": carried,
        "log": latest,
    }
    open_ = pandas_open_actions(a, situation)
    out: dict[str, Any] = {
        "committee": str(committee.date()),
        "committees": len(committees),
        "open_actions": len(open_),
        "overdue_actions": int((open_["days_overdue"] > 0).sum()),
    }
    for name, frame in lists.items():
        out[name] = (len(frame), Tidy(frame.head(action_pages.PER_PAGE), LIST_COLUMNS))
    return out


# name: (the app's path from an open database, the same work from pandas frames).
# A page's builder joins with one line: "sites": (lambda con: sites.build(...), pandas_sites).
class AppPath(NamedTuple):
    """One page's data work: the app's builder (timed), what of its model pandas can
    reproduce (the answer, not timed) and the same work in pandas (timed)."""

    build: Callable[[duckdb.DuckDBPyConnection], Any]
    answer: Callable[[Any], Any]
    pandas: Callable[[Frames], Any]


def _itself(model: Any) -> Any:
    return model


APP_PATHS: dict[str, AppPath] = {
    "headline figures": AppPath(app_headline, _itself, pandas_headline),
    "scoring totals": AppPath(app_scoring, scoring_totals, pandas_scoring),
    "overview": AppPath(app_overview, overview_answer, pandas_overview),
    "sites": AppPath(app_sites, sites_answer, pandas_sites),
    "timeline": AppPath(app_timeline, timeline_answer, pandas_timeline),
    "stakeholders": AppPath(app_stakeholders, stakeholders_answer, pandas_stakeholders),
    "actions": AppPath(app_actions, actions_answer, pandas_actions),
}


def same(a: Any, b: Any) -> bool:
    """The same answer, to rounding (dataclasses, frames, series, numbers...)."""
    if isinstance(a, Tidy) and isinstance(b, Tidy):
        return same(a.normal(), b.normal())
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
        return type(a) is type(b) and all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        return list(a.columns) == list(b.columns) and all(same(a[c], b[c]) for c in a.columns)
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        return list(a.index) == list(b.index) and all(
            same(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)
        )
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float | int | np.number) and isinstance(b, float | int | np.number):
        if math.isnan(float(a)) or math.isnan(float(b)):
            return math.isnan(float(a)) and math.isnan(float(b))
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return bool(a == b)


def data_work(folder: Path, runs: int) -> dict[str, Any]:
    files = Store(folder).current_files()

    def app_cold() -> None:
        con = db.open_database(files)
        for path in APP_PATHS.values():
            path.build(con)
        con.close()

    def pandas_cold() -> None:
        frames = pandas_load(folder)
        for path in APP_PATHS.values():
            path.pandas(frames)

    con = db.open_database(files)
    frames = pandas_load(folder)
    answers = {
        name: same(path.answer(path.build(con)), path.pandas(frames))
        for name, path in APP_PATHS.items()
    }
    rows: dict[str, tuple[float, float]] = {
        "cold: read + all": (median_seconds(app_cold, runs), median_seconds(pandas_cold, runs))
    }
    for name, path in APP_PATHS.items():
        rows[f"warm: {name}"] = (
            median_seconds(lambda b=path.build: b(con), runs),  # type: ignore[misc]
            median_seconds(lambda p=path.pandas: p(frames), runs),  # type: ignore[misc]
        )
    con.close()
    return {
        "same_answers": answers,
        "work": {
            name: {
                "app_s": round(a, 4),
                "pandas_s": round(p, 4),
                "pandas_over_app": round(p / a, 2),
            }
            for name, (a, p) in rows.items()
        },
    }


# --- 5. a 100,000-row upload -------------------------------------------------------------


def french_excel(canonical: bytes, dataset: str) -> bytes:
    """A canonical file as French Excel saves it: cp1252, `;`, CRLF, decimal commas."""
    columns = get_dataset(dataset).columns
    records = list(csv.reader(io.StringIO(canonical.decode("utf-8"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.fr.capitalize() for c in columns])
    for record in records[1:]:
        cells = []
        for value, column in zip(record, columns, strict=True):
            if column.type in ("number", "integer"):
                value = value.replace(".", ",")
            elif column.type == "date" and value:
                y, m, d = value.split("-")
                value = f"{d}/{m}/{y}"
            elif column.type == "enum" and value:
                value = dict(column.choices)[value]
            cells.append(value)
        writer.writerow(cells)
    return out.getvalue().encode("cp1252")


def _proc_status(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    except OSError:
        pass
    return None


def reset_peak_rss() -> int:
    """Current RSS in KiB, with the peak reset to it where Linux allows.

    `ru_maxrss` would not do: a process started by fork carries its parent's
    peak over to the new program."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    current = _proc_status("VmRSS")
    return current if current is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib() -> int:
    peak = _proc_status("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def upload_child(folders: list[Path], file: Path) -> dict[str, Any]:
    """In a fresh process: check and commit `file` into each folder (timed, then
    once more under tracemalloc); report times and memory."""
    from dashboard.ingest import uploads

    data = file.read_bytes()
    baseline_rss = reset_peak_rss()
    timed = []
    rows = 0
    for folder in folders[:-1]:
        store = Store(folder)
        start = time.perf_counter()
        upload = uploads.check_upload(store, "scores", data, file.name)
        checked = time.perf_counter()
        if not upload.ok:
            raise RuntimeError([p.message("en") for p in upload.errors[:3]])
        version = uploads.commit_upload(store, upload, by="bench")
        done = time.perf_counter()
        assert version is not None
        rows = upload.rows
        timed.append((checked - start, done - checked, done - start))
    peak_rss = peak_rss_kib()
    tracemalloc.start()
    store = Store(folders[-1])
    uploads.commit_upload(store, uploads.check_upload(store, "scores", data, file.name), by="bench")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mib = 1024 * 1024
    return {
        "rows": rows,
        "file_mib": round(len(data) / mib, 1),
        "runs": len(timed),
        "check_s": round(statistics.median(t[0] for t in timed), 3),
        # the commit checks the file again under the store's lock, then writes
        "commit_s": round(statistics.median(t[1] for t in timed), 3),
        "total_s": round(statistics.median(t[2] for t in timed), 3),
        "rss_before_mib": round(baseline_rss / 1024, 1),
        "peak_rss_mib": round(peak_rss / 1024, 1),
        "python_peak_mib": round(traced_peak / mib, 1),
    }


def upload_bench(rows: int, runs: int, tmp: Path) -> dict[str, Any]:
    per_unit = 2000  # scores per unit of scale (bench.generate)
    scale = max(1, -(-rows // per_unit))
    base = tmp / "upload-base"
    generate(base, scale)
    source = tmp / "upload-source"
    source.mkdir()
    write(source, "scores", scale, seed=2021)  # same keys, other scores
    canonical = (source / "scores.csv").read_bytes()
    if rows < scale * per_unit:
        canonical = b"".join(canonical.splitlines(keepends=True)[: rows + 1])
    file = tmp / "notes-jury.csv"
    file.write_bytes(french_excel(canonical, "scores"))
    folders = [copy_folder(base, tmp / f"upload-{i}") for i in range(runs + 1)]
    child = subprocess.run(
        [sys.executable, "-m", "bench.run", "--upload-child", str(file), *map(str, folders)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        return {"error": child.stderr[-1000:]}
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    result["scale_of_the_folder"] = scale
    return result


# --- 6. the older bench_* modules, on request ---------------------------------------------


def page_modules(runs: int, only: set[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        name = path.stem
        if only is not None and name not in only:
            continue
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            run = getattr(module, "run", None)
            if not callable(run):
                out[name] = {"skipped": "no run() function"}
                continue
            takes_runs = "runs" in inspect.signature(run).parameters
            # a module may point DASHBOARD_DATA_DIR elsewhere: give it back after
            with environment():
                result = run(runs=runs) if takes_runs else run()
            out[name] = result
        except Exception as exc:  # one broken benchmark should not hide the others
            out[name] = {"error": repr(exc)[:500]}
        print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return out


# --- output --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import streamlit

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
    }


def table(title: str, header: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title]
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def flatten(prefix: str, value: Any, out: list[list[object]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    else:
        out.append([prefix, value])


PAGE_COLUMNS = ["page", "role", "warm s", "cpu s", "x trivial", "cpu s", "x", "peak MiB"]


def _cell(r: dict[str, Any], kind: str, key: str) -> object:
    return r.get(kind, {}).get(key, "")


BROWSER_COLUMNS = ["page", "fresh s", "x trivial", "x appeared", "switch s", "x trivial"]
BROWSER_COLUMNS += ["x appeared", "ws MiB", "ws MiB sw"]


def report(results: dict[str, Any]) -> str:
    parts = []
    rows: list[list[object]] = [
        [label, d.get("make_s", ""), *(d.get("rows", {}).get(n, "") for n in DATASET_ORDER)]
        for label, d in results.get("datasets", {}).items()
    ]
    if rows:
        parts.append(table("Data sets", ["set", "make s", *DATASET_ORDER], rows))
    for label, pages in results.get("pages", {}).items():
        trivial = pages.get("trivial", {})
        rows = [["trivial page", "", trivial.get("wall_s", ""), trivial.get("cpu_s", ""), "1.0"]]
        rows[0] += ["", "", "", ""]
        measured = pages.get("pages", {})
        # the heavy sets have the page's first run where the others have a new version
        then = "first" if any("first" in r for r in measured.values()) else "new_version"
        for name, r in measured.items():
            if "error" in r or "stopped" in r:
                why = f"error: {r['error']}" if "error" in r else f"stopped: {r['stopped']}"
                rows.append([name, r.get("role", ""), why[:60], "", "", "", "", "", ""])
                continue
            rows.append(
                [name, r["role"]]
                + [_cell(r, "warm", k) for k in ("wall_s", "cpu_s", "ratio")]
                + [_cell(r, then, k) for k in ("wall_s", "cpu_s", "ratio")]
                + [r.get("peak_rss_mib", "")]
            )
        note = ""
        if "stopped_at_budget_s" in pages:
            note = f", stopped at its budget of {pages['stopped_at_budget_s']} s"
        if "error" in pages:
            note += ", child failed: " + pages["error"].strip().splitlines()[-1][:80]
        parts.append(
            table(
                f"Page server time, AppTest, median of {pages.get('runs', '?')} ({label}{note})",
                [*PAGE_COLUMNS[:5], f"{then} s", *PAGE_COLUMNS[5:]],
                rows,
            )
        )
    for label, b in results.get("browser", {}).items():
        rows = []
        entries = [
            ("trivial app", b.get("trivial", {})),
            ("trivial map app", b.get("trivial_map", {})),
            *b.get("pages", {}).items(),
        ]
        for name, r in entries:
            if "error" in r or "skipped" in r:
                why = r.get("error") or r.get("skipped")
                rows.append([name, "error" if "error" in r else "skipped", str(why)[:70]])
                rows[-1] += ["", "", "", "", "", ""]
                continue
            rows.append(
                [name, _cell(r, "cold", "s"), _cell(r, "cold", "ratio") or "1.0"]
                + [_cell(r, "cold", "appeared_ratio") or "1.0"]
                + [_cell(r, "switch", "s"), _cell(r, "switch", "ratio") or "1.0"]
                + [_cell(r, "switch", "appeared_ratio") or "1.0"]
                + [
                    round(_cell(r, k, "ws_bytes") / MIB, 3) if k in r else ""
                    for k in ("cold", "switch")
                ]
            )
        parts.append(
            table(
                f"Chromium: navigation to main chart painted (x appeared: until it was laid "
                f"out), median of {b.get('runs')} ({label})",
                BROWSER_COLUMNS,
                rows,
            )
        )
        if "memory" in b:
            m = b["memory"]
            parts.append(
                table(
                    f"Server memory ({label}): {m['sessions']} sessions on the overview",
                    ["measure", "value"],
                    [[k, v] for k, v in m.items()],
                )
            )
    rows = []
    for label, r in results.get("data_work", {}).items():
        for work, w in r.get("work", {}).items():
            rows.append([label, work, w["app_s"], w["pandas_s"], w["pandas_over_app"]])
        for work, ok in r.get("same_answers", {}).items():
            rows.append([label, f"same answers: {work}", "", "", "yes" if ok else "NO"])
        if "error" in r:
            rows.append([label, "error", str(r["error"])[:70], "", ""])
    if rows:
        parts.append(
            table(
                f"Data work, the app's builders and pandas alone, median of {results['data_runs']}",
                ["set", "work", "app s", "pandas s", "pandas/app"],
                rows,
            )
        )
    rows = []
    for label, r in results.get("pack", {}).items():
        for name in ("pack_staff_fr", "pack_viewer_en"):
            if name in r:
                p = r[name]
                rows.append([label, name, p["pages"], p["kib"], p["median_s"]])
        if "error" in r or "stopped_at_budget_s" in r:
            rows.append([label, "not measured", "", "", str(r)[:70]])
    if rows:
        parts.append(table("Committee pack", ["set", "pack", "pages", "KiB", "s"], rows))
    up = results.get("upload")
    if up:
        parts.append(
            table(
                "Upload: French Excel scores file, checked and committed",
                ["measure", "value"],
                [[k, v] for k, v in up.items()],
            )
        )
    if results.get("ingest"):
        rows = []
        flatten("", results["ingest"].get("results", {}), rows)
        flatten("verdict", results["ingest"].get("verdict", {}), rows)
        parts.append(table("Upload targets and hostile files", ["measure", "value"], rows))
    for name, r in results.get("modules", {}).items():
        rows = []
        flatten("", r, rows)
        parts.append(table(f"bench/{name}.py", ["measure", "value"], rows))
    return "\n\n".join(parts)


# --- the command -----------------------------------------------------------------------------


def child(args: list[str]) -> int:
    """What `run_child` asks a fresh process to do."""
    kind, folder = args[0], Path(args[1])
    if kind == "pages":
        runs, new_version = int(args[2]), args[3] == "1"
        only = args[4].split(",") if len(args) > 4 else None
        with tempfile.TemporaryDirectory() as tmp:
            page_times(folder, runs, Path(tmp), new_version, only)
    elif kind == "pack":
        from bench import bench_pack

        runs, both = int(args[2]), args[3] == "1"
        # on a large set, one build of the staff pack (the committee's) is the measure
        emit(bench_pack.run(runs=runs, folder=folder, warm_up=both, viewer_pack=both))
    elif kind == "data":
        emit(data_work(folder, int(args[2])))
    return 0


def quiet_streamlit() -> None:
    # Streamlit outside a server warns on every run ("missing ScriptRunContext",
    # "No runtime found"); AppTest resets log levels, so silence those two loggers.
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).disabled = True


def sets(value: str) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()]


# What each data set gets, so that the whole run takes about 25 minutes on 2 cores
# (the budgets bound it when pages are slow; a page over budget is reported).
HEAVY = {"1000", "10kp"}  # no new-version runs: one first run and one warm rerun per page
PAGE_BUDGET_S = {"demo": 90, "1": 90, "10": 150, "100": 300, "1000": 240, "10kp": 180}
BROWSER_BUDGET_S = {"demo": 240, "100": 420}


def runs_for(name: str, runs: int) -> int:
    if name in HEAVY:
        return 1
    return min(runs, 2) if name == "100" else runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run: demo and 10x, one run, 2 pages"
    )
    parser.add_argument("--runs", type=int, default=3, help="AppTest runs per median (3)")
    parser.add_argument("--page-sets", default="1,10,100,1000,10kp", help="AppTest data sets")
    parser.add_argument(
        "--budget", type=float, default=None, help="s per data set and part (default: by set)"
    )
    parser.add_argument("--browser-sets", default="demo,100", help="Chromium data sets")
    parser.add_argument("--browser-runs", type=int, default=3)
    parser.add_argument("--browser-pages", default=None, help="default: every page")
    parser.add_argument("--sessions", type=int, default=10, help="open sessions for memory")
    parser.add_argument("--data-sets", default="1,10,100,1000,10kp", help="data work sets")
    parser.add_argument("--data-runs", type=int, default=5, help="runs per data work median")
    parser.add_argument("--pack-sets", default="demo,100", help="pack data sets")
    parser.add_argument("--pack-runs", type=int, default=3, help="at demo; 1 on larger sets")
    parser.add_argument("--upload-rows", type=int, default=100_000, help="0: no upload")
    parser.add_argument("--upload-runs", type=int, default=3)
    parser.add_argument("--modules", default="", help="bench_* modules to run too, or 'all'")
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=MEMORY_LIMIT_MIB,
        help=f"MiB of RSS at which a measuring process is stopped ({MEMORY_LIMIT_MIB})",
    )
    parser.add_argument(
        "--store", action="store_true", help="the store's backends side by side (bench.store)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--upload-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    quiet_streamlit()
    if args.upload_child:
        file, *folders = map(Path, args.upload_child)
        print(json.dumps(upload_child(folders, file)))
        return 0
    if args.child:
        return child(args.child)
    if args.quick:
        args.runs = args.browser_runs = args.pack_runs = 1
        args.data_runs = 3
        args.page_sets = args.data_sets = "demo,10"
        args.browser_sets = args.pack_sets = "demo"
        args.browser_pages = args.browser_pages or "overview,stakeholders"
        args.sessions = min(args.sessions, 5)
        args.upload_rows = 0

    # a stop (Ctrl-C, SIGTERM) still stops the servers and children it started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "situation": SITUATION.isoformat(),
        "runs": args.runs,
        "data_runs": args.data_runs,
        "datasets": {},
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folders: dict[str, Path] = {}

        def folder(name: str) -> Path:
            if name not in folders:
                folders[name] = tmp / f"set-{name}"
                results["datasets"][label_of(name)] = make_folder(name, folders[name])
            return folders[name]

        def step(title: str) -> None:
            save(results)  # what is measured so far survives a stopped run
            print(f"{time.perf_counter() - started:5.0f} s  {title}", file=sys.stderr)

        results["pages"] = {}
        for name in sets(args.page_sets):
            step(f"pages, server side, {label_of(name)}")
            # a copy: the new-version runs commit into it
            work = copy_folder(folder(name), tmp / f"pages-{name}")
            heavy = name in HEAVY
            results["pages"][label_of(name)] = page_sets_times(
                work,
                runs_for(name, args.runs),
                not heavy,
                args.budget or PAGE_BUDGET_S.get(name, 300),
                args.memory_limit,
            )
        results["browser"] = {}
        pages = sets(args.browser_pages) if args.browser_pages else None
        for name in sets(args.browser_sets):
            step(f"pages in Chromium, {label_of(name)}")
            try:
                from bench import browser

                results["browser"][label_of(name)] = browser.run(
                    folder(name),
                    runs_for(name, args.browser_runs),
                    pages,
                    sessions=args.sessions,
                    budget_s=args.budget or BROWSER_BUDGET_S.get(name, 300),
                )
            except Exception as exc:  # no browser here: the rest still runs
                results["browser"][label_of(name)] = {"error": repr(exc)[:500]}
        results["data_work"] = {}
        for name in sets(args.data_sets):
            step(f"data work, {label_of(name)}")
            runs = 1 if name in HEAVY else args.data_runs
            results["data_work"][label_of(name)] = run_child(
                ["data", str(folder(name)), str(runs)], args.budget or 300, args.memory_limit
            )
        results["pack"] = {}
        for name in sets(args.pack_sets):
            step(f"committee pack, {label_of(name)}")
            runs = args.pack_runs if name == "demo" else 1
            results["pack"][label_of(name)] = run_child(
                ["pack", str(folder(name)), str(runs), "1" if name == "demo" else "0"],
                args.budget or 300,
                args.memory_limit,
            )
        if args.upload_rows > 0:
            step("upload")
            results["upload"] = upload_bench(args.upload_rows, args.upload_runs, tmp)
            step("upload targets and hostile files (bench.ingest)")
            # its own process: a child's peak memory starts from its parent's
            done = subprocess.run(
                [sys.executable, "-m", "bench.ingest", "--runs", str(args.upload_runs)],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
                check=False,
            )
            results["ingest"] = (
                json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-1000:]}
            )
    if args.store:
        step("store: folder and PostgreSQL")
        from bench import store as store_bench

        results["store"] = store_bench.run(runs=args.upload_runs)
    if args.modules:
        step("bench_* modules")
        only = None if args.modules == "all" else set(sets(args.modules))
        results["modules"] = page_modules(args.runs, only)
    results["elapsed_s"] = round(time.perf_counter() - started, 1)

    print(report(results))
    out = save(results)
    print(f"\n{out.relative_to(ROOT)} · {results['elapsed_s']} s")
    return 0


def save(results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    sys.exit(main())
