"""Every benchmark in one command (not part of the tests):

    python -m bench.run [--runs 5] [--page-scales demo,10] [--data-scales 1,10,100]
                        [--upload-rows 100000] [--no-modules]

1. Pages: each page registered in `dashboard.auth.PAGES` (read now: the list
   grows), rendered by AppTest, median of N runs, with cold caches (the data
   version's database opened and every query run) and warm ones (a new visitor
   once the server has served the page), as a ratio to a trivial Streamlit
   page timed the same way in this same process.
2. Data work: what the overview, the scoring and the stakeholders pages ask of
   the data, done with DuckDB (this app) and with pandas alone (the usual
   Streamlit dashboard: `pd.read_csv`, merges, group-bys), same answers checked,
   cold (files read) and warm (already in memory), ratio pandas / DuckDB.
3. Upload: a 100,000-row scores file in French Excel form (Windows-1252, `;`,
   decimal commas) checked and committed through `dashboard.ingest.uploads`, in a
   fresh process: time, peak RSS and peak Python allocations (tracemalloc).
4. Every `bench/bench_*.py` module with a `run() -> dict`.

Prints tables and writes `bench/results/latest.json`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import inspect
import io
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench.generate import generate, write
from bench.timing import median_seconds
from dashboard import auth
from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.domain import mission
from dashboard.queries import db
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEMO = ROOT / "data"
SITUATION = date(2020, 4, 15)

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


# --- 1. pages ---------------------------------------------------------------------------


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _timed_run(script: Path, page: str | None, role: str, cold: bool) -> float:
    """One script run in an AppTest session already started (as a browser's
    second request would be): the router, then `page`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=600)
    if role == "staff":
        at.session_state["role"] = "staff"
    at.run()
    if cold:
        _clear_caches()
    start = time.perf_counter()
    if page is None:
        at.run()
    else:
        at.switch_page(page).run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {[e.value for e in at.exception][:1]}")
    return seconds


def page_times(folder: Path, runs: int, tmp: Path) -> dict[str, Any]:
    trivial = tmp / "trivial_page.py"
    trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
    app = ROOT / "streamlit_app.py"
    out: dict[str, Any] = {}
    with environment(DASHBOARD_DATA_DIR=str(folder)):
        _clear_caches()
        _timed_run(trivial, None, "viewer", False)
        base = statistics.median(_timed_run(trivial, None, "viewer", False) for _ in range(runs))
        out["trivial_page_s"] = round(base, 4)
        pages: dict[str, Any] = {}
        for name, spec in auth.PAGES.items():
            role = "viewer" if "viewer" in spec.roles else "staff"
            try:
                cold = statistics.median(
                    _timed_run(app, spec.file, role, True) for _ in range(runs)
                )
                _timed_run(app, spec.file, role, False)  # the server has served it once
                warm = statistics.median(
                    _timed_run(app, spec.file, role, False) for _ in range(runs)
                )
            except Exception as exc:  # a page mid-edit should not stop the others
                pages[name] = {"role": role, "error": repr(exc)[:300]}
                continue
            pages[name] = {
                "role": role,
                "cold_s": round(cold, 4),
                "warm_s": round(warm, 4),
                "cold_ratio": round(cold / base, 1),
                "warm_ratio": round(warm / base, 1),
            }
        out["pages"] = pages
    return out


# --- 2. the same data work: DuckDB and pandas --------------------------------------------

SCORING_SQL = """
with rated as (
    select p.evaluation, s.project_id, s.criterion_id,
        avg(s.score / coalesce(c.scale_max, 5)) as share
    from scores as s
    inner join projects as p on s.project_id = p.project_id
    inner join criteria as c on p.evaluation = c.evaluation and s.criterion_id = c.criterion_id
    group by all
),

priced as (
    select p.evaluation, p.project_id, c.criterion_id,
        min(p.price_eur) over (partition by p.evaluation) / p.price_eur as share
    from projects as p
    inner join criteria as c on p.evaluation = c.evaluation and c.method = 'lowest_price'
    where p.price_eur is not null
),

weights as (
    select evaluation, criterion_id, weight / sum(weight) over (partition by evaluation) as w
    from criteria
),

final as (
    select parts.evaluation, parts.project_id, sum(parts.share * weights.w) * 100 as total
    from (select * from rated union all select * from priced) as parts
    inner join weights
        on parts.evaluation = weights.evaluation and parts.criterion_id = weights.criterion_id
    group by all
)

select * from final
order by evaluation, total desc, project_id
"""

STAKEHOLDERS_SQL = """
with counts as (
    select category, coalesce(engagement, 'identified') as engagement, count(*) as n
    from stakeholders
    group by all
),

carriers as (
    select p.evaluation, s.category, count(*) as projects
    from projects as p
    inner join stakeholders as s on p.stakeholder_id = s.stakeholder_id
    group by all
),

final as (
    select 'engagement' as part, category, engagement as detail, n from counts
    union all
    select 'carriers', category, evaluation, projects from carriers
)

select * from final
order by part, category, detail
"""


def duck_overview(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    tasks = db.query(con, "tasks")
    actions = db.query(con, "open_actions", situation=SITUATION)
    engagement = db.query(con, "engagement_counts")
    event = db.query(con, "event_window", pattern=mission.EVENT_PATTERN)
    span = db.query(con, "mission_span")
    sites = db.query(con, "sites")
    return {
        "tasks": len(tasks),
        "sites": len(sites),
        "open_actions": len(actions),
        "overdue": int((actions["days_overdue"] > 0).sum()),
        "engagement": dict(zip(engagement["engagement"], engagement["stakeholders"], strict=True)),
        "event": str(event["start"].iloc[0])[:10] if len(event) else None,
        "span": [str(v)[:10] for v in span.iloc[0].tolist()],
    }


def duck_scoring(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.run_sql(con, SCORING_SQL, {})


def duck_stakeholders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.run_sql(con, STAKEHOLDERS_SQL, {})


def pandas_load(folder: Path) -> dict[str, pd.DataFrame]:
    """What a pandas dashboard does first: read every CSV."""
    frames = {}
    for name in DATASET_ORDER:
        dataset = get_dataset(name)
        dates = [c.name for c in dataset.columns if c.type == "date"]
        frames[name] = pd.read_csv(folder / dataset.filename, parse_dates=dates)
    return frames


def pandas_overview(f: dict[str, pd.DataFrame]) -> dict[str, Any]:
    tasks = f["tasks"].copy()
    tasks["milestone"] = tasks["milestone"].fillna(False)
    tasks["progress"] = tasks["progress"].fillna(0)
    tasks = tasks.sort_values(["start", "end", "task_id"])
    situation = pd.Timestamp(SITUATION)
    a = f["actions"]
    actions = a[
        (a["kind"] == "action")
        & (a["status"].fillna("open") == "open")
        & (a["meeting_date"] <= situation)
    ].copy()
    actions["days_overdue"] = (situation - actions["due"]).dt.days.fillna(0).clip(lower=0)
    actions = actions.sort_values(
        ["days_overdue", "due", "action_id"], ascending=[False, True, True], na_position="last"
    )
    engagement = f["stakeholders"]["engagement"].fillna("identified").value_counts()
    prefix = mission.EVENT_PATTERN.rstrip("%").lower()
    event = tasks[tasks["name"].str.lower().str.startswith(prefix)].assign(
        length=lambda d: d["end"] - d["start"]
    )
    event = event.sort_values(["length", "start"], ascending=[False, True]).head(1)
    span = [tasks["start"].min(), tasks["end"].max(), f["kpis"]["date"].max()]
    return {
        "tasks": len(tasks),
        "sites": len(f["sites"]),
        "open_actions": len(actions),
        "overdue": int((actions["days_overdue"] > 0).sum()),
        "engagement": {str(k): int(v) for k, v in engagement.items()},
        "event": str(event["start"].iloc[0])[:10] if len(event) else None,
        "span": [str(v)[:10] for v in span],
    }


def pandas_scoring(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    projects, criteria = f["projects"], f["criteria"]
    scored = f["scores"].merge(projects[["project_id", "evaluation"]], on="project_id")
    scored = scored.merge(criteria, on=["evaluation", "criterion_id"])
    scored["share"] = scored["score"] / scored["scale_max"].fillna(5)
    rated = scored.groupby(["evaluation", "project_id", "criterion_id"], as_index=False)[
        "share"
    ].mean()
    lowest = criteria.loc[criteria["method"] == "lowest_price", ["evaluation", "criterion_id"]]
    priced = projects.dropna(subset=["price_eur"]).merge(lowest, on="evaluation")
    priced["share"] = (
        priced.groupby("evaluation")["price_eur"].transform("min") / priced["price_eur"]
    )
    weights = criteria.assign(
        w=criteria["weight"] / criteria.groupby("evaluation")["weight"].transform("sum")
    )[["evaluation", "criterion_id", "w"]]
    parts = pd.concat([rated, priced[["evaluation", "project_id", "criterion_id", "share"]]])
    parts = parts.merge(weights, on=["evaluation", "criterion_id"])
    parts["total"] = parts["share"] * parts["w"] * 100
    final = parts.groupby(["evaluation", "project_id"], as_index=False)["total"].sum()
    return final.sort_values(["evaluation", "total", "project_id"], ascending=[True, False, True])


def pandas_stakeholders(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    s = f["stakeholders"].assign(engagement=lambda d: d["engagement"].fillna("identified"))
    counts = s.groupby(["category", "engagement"]).size().reset_index(name="n")
    counts = counts.rename(columns={"engagement": "detail"}).assign(part="engagement")
    carriers = f["projects"].merge(s, on="stakeholder_id", suffixes=("", "_s"))
    carriers = carriers.groupby(["evaluation", "category"]).size().reset_index(name="n")
    carriers = carriers.rename(columns={"evaluation": "detail"}).assign(part="carriers")
    final = pd.concat([counts, carriers])[["part", "category", "detail", "n"]]
    return final.sort_values(["part", "category", "detail"])


def same_answers(f: dict[str, pd.DataFrame], con: duckdb.DuckDBPyConnection) -> bool:
    """Both paths compute the same thing (else the comparison means nothing)."""
    if pandas_overview(f) != duck_overview(con):
        return False
    d, p = duck_scoring(con), pandas_scoring(f)
    if len(d) != len(p) or list(d["project_id"]) != list(p["project_id"]):
        return False
    if not all(abs(x - y) < 1e-9 for x, y in zip(d["total"], p["total"], strict=True)):
        return False
    ds, ps = duck_stakeholders(con), pandas_stakeholders(f)
    return [tuple(r) for r in ds.astype(str).values] == [tuple(r) for r in ps.astype(str).values]


def data_work(folder: Path, runs: int) -> dict[str, Any]:
    files = Store(folder).current_files()

    def duck_cold() -> None:
        con = db.open_database(files)
        duck_overview(con), duck_scoring(con), duck_stakeholders(con)
        con.close()

    def pandas_cold() -> None:
        f = pandas_load(folder)
        pandas_overview(f), pandas_scoring(f), pandas_stakeholders(f)

    con = db.open_database(files)
    frames = pandas_load(folder)
    out: dict[str, Any] = {"same_answers": same_answers(frames, con)}
    rows: dict[str, tuple[float, float]] = {
        "cold: read + all": (median_seconds(duck_cold, runs), median_seconds(pandas_cold, runs))
    }
    for name, duck, pandas_ in (
        ("overview", duck_overview, pandas_overview),
        ("scoring", duck_scoring, pandas_scoring),
        ("stakeholders", duck_stakeholders, pandas_stakeholders),
    ):
        rows[f"warm: {name}"] = (
            median_seconds(lambda d=duck: d(con), runs),  # type: ignore[misc]
            median_seconds(lambda p=pandas_: p(frames), runs),  # type: ignore[misc]
        )
    con.close()
    out["work"] = {
        name: {
            "duckdb_s": round(d, 4),
            "pandas_s": round(p, 4),
            "pandas_over_duckdb": round(p / d, 2),
        }
        for name, (d, p) in rows.items()
    }
    return out


# --- 3. a 100,000-row upload -------------------------------------------------------------


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


# --- 4. the pages' own benchmarks ----------------------------------------------------------


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


def report(results: dict[str, Any]) -> str:
    parts = []
    for label, pages in results.get("pages", {}).items():
        rows = [
            ["trivial page", "", pages["trivial_page_s"], "1.0", pages["trivial_page_s"], "1.0"]
        ]
        for name, r in pages["pages"].items():
            if "error" in r:
                rows.append([name, r["role"], "error", "", r["error"][:60], ""])
            else:
                rows.append(
                    [name, r["role"], r["cold_s"], r["cold_ratio"], r["warm_s"], r["warm_ratio"]]
                )
        parts.append(
            table(
                f"Page server time, AppTest, median of {results['runs']} ({label} data)",
                ["page", "role", "cold s", "x trivial", "warm s", "x trivial"],
                rows,
            )
        )
    rows = []
    for scale, r in results.get("data_work", {}).items():
        for work, w in r["work"].items():
            rows.append([scale, work, w["duckdb_s"], w["pandas_s"], w["pandas_over_duckdb"]])
        rows.append([scale, "same answers", "", "", "yes" if r["same_answers"] else "NO"])
    if rows:
        parts.append(
            table(
                f"Data work, DuckDB (this app) and pandas alone, median of {results['data_runs']}",
                ["scale", "work", "duckdb s", "pandas s", "pandas/duckdb"],
                rows,
            )
        )
    up = results.get("upload")
    if up:
        rows = [[k, v] for k, v in up.items()]
        parts.append(
            table(
                "Upload: French Excel scores file, checked and committed",
                ["measure", "value"],
                rows,
            )
        )
    for name, r in results.get("modules", {}).items():
        rows = []
        flatten("", r, rows)
        parts.append(table(f"bench/{name}.py", ["measure", "value"], rows))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument(
        "--data-runs", type=int, default=15, help="runs per median of the data work (default 15)"
    )
    parser.add_argument(
        "--page-scales", default="demo,10", help="demo and/or N x (default demo,10)"
    )
    parser.add_argument("--data-scales", default="1,10,100", help="default 1,10,100")
    parser.add_argument("--upload-rows", type=int, default=100_000)
    parser.add_argument("--upload-runs", type=int, default=3)
    parser.add_argument("--modules", default=None, help="bench_* modules to run (default all)")
    parser.add_argument("--no-modules", action="store_true")
    parser.add_argument("--upload-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.upload_child:
        file, *folders = map(Path, args.upload_child)
        print(json.dumps(upload_child(folders, file)))
        return 0

    # Streamlit outside a server warns on every run ("missing ScriptRunContext",
    # "No runtime found"); AppTest resets log levels, so silence those two loggers.
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).disabled = True
    started = time.perf_counter()
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "runs": args.runs,
        "data_runs": args.data_runs,
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folders: dict[str, Path] = {}

        def folder(scale: str) -> Path:
            if scale not in folders:
                if scale == "demo":
                    folders[scale] = copy_folder(DEMO, tmp / "demo")
                else:
                    folders[scale] = tmp / f"x{scale}"
                    generate(folders[scale], int(scale))
            return folders[scale]

        print("pages...", file=sys.stderr)
        results["pages"] = {}
        for scale in filter(None, args.page_scales.split(",")):
            label = "demo" if scale == "demo" else f"{scale}x"
            results["pages"][label] = page_times(folder(scale), args.runs, tmp)
        print("data work...", file=sys.stderr)
        results["data_work"] = {
            f"{scale}x": data_work(folder(scale), args.data_runs)
            for scale in filter(None, args.data_scales.split(","))
        }
        print("upload...", file=sys.stderr)
        if args.upload_rows > 0:
            results["upload"] = upload_bench(args.upload_rows, args.upload_runs, tmp)
    if not args.no_modules:
        print("bench_* modules...", file=sys.stderr)
        only = set(args.modules.split(",")) if args.modules else None
        results["modules"] = page_modules(args.runs, only)
    results["elapsed_s"] = round(time.perf_counter() - started, 1)

    print(report(results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\n{out.relative_to(ROOT)} · {results['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
