"""The store's two backends side by side (not part of the tests):

    python -m bench.store [--rows 100000] [--runs 3] [--scale 100] [--page overview]

1. Commit: a 100,000-row scores file in French Excel form, checked, then committed
   through `dashboard.ingest.uploads` (the commit checks it again under the
   writer's lock, then writes) into a data folder and into PostgreSQL.
2. Data version: `store.data_version()`, the cache key every page run asks for.
3. A page's cold load at 100x: the first AppTest run of a page with empty
   Streamlit caches; on PostgreSQL with the replica's local copies of the current
   files there, and without them (each file then comes from the database).

PostgreSQL is the server DASHBOARD_DATABASE_URL names (each measure in a new
database: the URL must allow CREATE DATABASE), else a throwaway server started
here with its durable settings (fsync on, as the folder's commits fsync).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo

from bench.generate import generate, write
from dashboard.store import DataStore, Store
from dashboard.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parent.parent
PER_UNIT = 2000  # scores per unit of scale (bench.generate)


@contextmanager
def postgres_server() -> Iterator[Callable[[], str]]:
    """A function making a new database's URL on the server in force."""
    given = os.environ.get("DASHBOARD_DATABASE_URL")
    if given:

        def on_given() -> str:
            name = "bench_" + uuid.uuid4().hex[:10]
            with psycopg.connect(given, autocommit=True) as conn:
                conn.execute(f"create database {name}")
            params = conninfo.conninfo_to_dict(given)
            params["dbname"] = name
            return conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})

        yield on_given
        return
    from tests.pgserver import Server

    server = Server(durable=True).start()
    try:
        yield server.database
    finally:
        server.stop()


def french_scores(scale: int, rows: int, target: Path) -> Path:
    from bench.run import french_excel

    source = target / "upload-source"
    source.mkdir(parents=True)
    write(source, "scores", scale, seed=2021)  # same keys, other scores
    canonical = (source / "scores.csv").read_bytes()
    canonical = b"".join(canonical.splitlines(keepends=True)[: rows + 1])
    file = target / "notes-jury.csv"
    file.write_bytes(french_excel(canonical, "scores"))
    return file


def commit_times(
    rows: int, runs: int, tmp: Path, new_database: Callable[[], str]
) -> dict[str, Any]:
    from dashboard.ingest import uploads

    scale = max(1, -(-rows // PER_UNIT))
    base = tmp / "commit-base"
    generate(base, scale)
    file = french_scores(scale, rows, tmp)
    data = file.read_bytes()
    out: dict[str, Any] = {"rows": rows, "file_mib": round(len(data) / 2**20, 1)}
    times: dict[str, list[float]] = {"folder": [], "postgres": []}
    for run in range(runs):
        for backend in ("folder", "postgres"):
            store: DataStore
            if backend == "folder":
                store = Store(tmp / f"commit-{run}")
                shutil.copytree(base, store.root)
            else:
                store = PostgresStore(new_database(), cache_dir=tmp / f"cache-{run}")
                store.copy_from(Store(base))
            upload = uploads.check_upload(store, "scores", data, file.name)
            if not upload.ok:
                raise RuntimeError([p.message("en") for p in upload.errors[:3]])
            start = time.perf_counter()
            version = uploads.commit_upload(store, upload, by="bench")
            times[backend].append(time.perf_counter() - start)
            assert version is not None and version.rows == rows
            if isinstance(store, PostgresStore):
                store.close()
    for backend, values in times.items():
        out[f"{backend}_s"] = round(statistics.median(values), 3)
        out[f"{backend}_runs"] = [round(v, 3) for v in values]
    out["ratio"] = round(out["postgres_s"] / out["folder_s"], 2)
    out["target"] = "postgres within 1.5x the folder"
    return out


def data_version_times(tmp: Path, new_database: Callable[[], str], calls: int) -> dict[str, Any]:
    base = tmp / "version-base"
    generate(base, 1)
    stores: dict[str, DataStore] = {
        "folder": Store(base),
        "postgres": PostgresStore(new_database(), cache_dir=tmp / "cache-version"),
    }
    stores["postgres"].copy_from(Store(base))  # type: ignore[attr-defined]
    out: dict[str, Any] = {"calls": calls}
    for name, store in stores.items():
        store.data_version()
        each = []
        for _ in range(calls):
            start = time.perf_counter()
            store.data_version()
            each.append(time.perf_counter() - start)
        each.sort()
        out[f"{name}_median_ms"] = round(statistics.median(each) * 1000, 3)
        out[f"{name}_p99_ms"] = round(each[int(len(each) * 0.99) - 1] * 1000, 3)
    out["target"] = "postgres median <= 2 ms"
    return out


def cold_loads(
    scale: int, page: str, runs: int, tmp: Path, new_database: Callable[[], str]
) -> dict[str, Any]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    folder = tmp / f"x{scale}"
    generate(folder, scale)
    url = new_database()
    cache = tmp / "cache-pages"
    database = PostgresStore(url, cache_dir=cache)
    database.copy_from(Store(folder))
    saved = dict(os.environ)
    # postgres: the replica has its local copies of the current files (any earlier
    # run on it made them); postgres_fetch: it has none yet (its first run after a
    # commit made on another replica), each file comes from the database
    kinds = ("folder", "postgres", "postgres_fetch")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        os.environ["DASHBOARD_DATA_DIR"] = str(folder)
        os.environ["DASHBOARD_CACHE_DIR"] = str(cache)
        for round_ in range(runs + 1):  # the first round warms Python's imports
            order = kinds if round_ % 2 else tuple(reversed(kinds))
            for kind in order:
                if kind == "folder":
                    os.environ.pop("DASHBOARD_DATABASE_URL", None)
                else:
                    os.environ["DASHBOARD_DATABASE_URL"] = url
                st.cache_data.clear()
                st.cache_resource.clear()
                if kind == "postgres_fetch":
                    shutil.rmtree(cache, ignore_errors=True)
                else:
                    database.current_files()
                at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
                if page != "overview":
                    at.switch_page(f"app_pages/{page}.py")
                start = time.perf_counter()
                at.run()
                times[kind].append(time.perf_counter() - start)
                if at.exception:
                    raise RuntimeError(f"{kind}: {[e.value for e in at.exception][:1]}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        database.close()
    out: dict[str, Any] = {"scale": scale, "page": page, "runs": runs}
    for kind, values in times.items():
        kept = values[1:]
        out[f"{kind}_s"] = round(statistics.median(kept), 3)
        out[f"{kind}_runs"] = [round(v, 3) for v in kept]
    out["ratio"] = round(out["postgres_s"] / out["folder_s"], 2)
    out["ratio_fetch"] = round(out["postgres_fetch_s"] / out["folder_s"], 2)
    out["target"] = "postgres within 1.2x the folder"
    return out


def run(
    rows: int = 100_000, runs: int = 3, scale: int = 100, page: str = "overview"
) -> dict[str, Any]:
    """Every measure of this module; a dict for bench.run's results."""
    import logging

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit"):
        logging.getLogger(name).setLevel(logging.ERROR)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as name, postgres_server() as new_database:
        tmp = Path(name)
        results["data_version"] = data_version_times(tmp, new_database, 2000)
        results["commit"] = commit_times(rows, runs, tmp, new_database)
        results["cold_load"] = cold_loads(scale, page, max(runs, 5), tmp, new_database)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--page", default="overview")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.rows, args.runs, args.scale, args.page), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
