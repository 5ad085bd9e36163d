"""The past as it was: a past situation date reads each dataset's last version
committed by then, from the demo's shipped history (January to April 2020); the
visible line; the committee pack from the command line, by audience."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench import demo_history
from dashboard import pack
from dashboard.__main__ import main
from dashboard.queries import db
from dashboard.store import Store, Version
from dashboard.views import past
from dashboard.views import timeline as tl
from dashboard.views.reader import database_reader
from tests.conftest import DEMO, copy_demo

TODAY = date(2020, 4, 15)  # the demo's own date


def version(dataset: str, number: int, at: str, action: str = "import") -> Version:
    return Version(dataset, number, at, "", 1, "f.csv", "x", action)


def csv_rows(data: bytes) -> dict[str, dict[str, str]]:
    return {r["task_id"]: r for r in csv.DictReader(io.StringIO(data.decode()))}


def pdf_pages(data: bytes) -> list[str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in pages]


# --- which versions a date shows ----------------------------------------------------------


def test_the_last_version_at_or_before_the_date_is_shown() -> None:
    history = [
        version("tasks", 1, "2020-01-20T17:00:00+00:00"),
        version("tasks", 2, "2020-02-24T17:30:00+00:00"),
        version("tasks", 3, "2020-03-23T17:40:00+00:00"),
        version("kpis", 1, "2020-03-01T09:00:00+00:00"),
    ]
    shown = past.versions_at(history, date(2020, 2, 24), TODAY)
    assert shown is not None
    assert shown.chosen["tasks"] is not None and shown.chosen["tasks"].version == 2  # that day
    assert shown.chosen["kpis"] is None  # no version yet: no rows, and said so
    assert "sites" not in shown.chosen  # never committed: the file as delivered
    assert past.decode(shown.key) == (date(2020, 2, 24), {"kpis": 0, "tasks": 2})


def test_the_current_files_from_the_data_date_on_or_with_nothing_later() -> None:
    history = [version("tasks", 1, "2020-01-20T17:00:00+00:00")]
    assert past.versions_at(history, TODAY, TODAY) is None
    assert past.versions_at(history, date(2020, 3, 1), TODAY) is None  # nothing after it
    assert past.versions_at([], date(2019, 1, 1), TODAY) is None


def test_an_initial_version_was_there_from_the_start() -> None:
    history = [
        version("sites", 1, "2020-03-01T09:00:00+00:00", action="initial"),
        version("sites", 2, "2020-03-01T09:00:00+00:00"),
    ]
    shown = past.versions_at(history, date(2020, 1, 5), TODAY)
    assert shown is not None
    found = shown.chosen["sites"]
    assert found is not None and found.version == 1


def test_the_line_names_the_versions_and_what_had_none() -> None:
    shown = past.versions_at(Store(DEMO).history(), date(2020, 1, 10), TODAY)
    assert shown is not None
    fr = past.line(shown, "fr")
    assert fr.startswith("Les données telles qu'enregistrées au 10 janvier 2020")
    assert "aucune version enregistrée à cette date" in fr
    assert "Pas encore de version à cette date : Tâches (planning)" in fr
    march = past.versions_at(Store(DEMO).history(), date(2020, 3, 15), TODAY)
    assert march is not None
    en = past.line(march, "en")
    assert "version 2 of 24 February 2020" in en


# --- the demo's history -----------------------------------------------------------------------


def test_the_demo_ships_a_history_before_each_committee() -> None:
    log = Store(DEMO).history()
    days = {(v.dataset, v.when.date().isoformat()) for v in log}
    for day in ("2020-01-20", "2020-02-24", "2020-03-23"):  # the plan, on each eve
        assert ("tasks", day) in days and ("kpis", day) in days
    for day in ("2020-01-21", "2020-02-25", "2020-03-24", "2020-04-15"):  # each evening
        assert ("actions", day) in days
    for dataset in ("tasks", "actions", "kpis"):
        last = Store(DEMO).latest(dataset)
        assert last is not None
        assert (
            Store(DEMO).version_bytes(dataset, last.version)
            == (DEMO / f"{dataset}.csv").read_bytes()
        )


def test_15_march_2020_shows_the_plan_committed_then() -> None:
    store = Store(DEMO)
    shown = past.versions_at(store.history(), date(2020, 3, 15), TODAY)
    assert shown is not None
    tasks = shown.chosen["tasks"]
    assert tasks is not None and tasks.when.date() == date(2020, 2, 24)
    committed = csv_rows(store.version_bytes("tasks", tasks.version))
    current = csv_rows((DEMO / "tasks.csv").read_bytes())
    con = past.open_database_at(store, past.decode(shown.key)[1])
    try:
        read = database_reader(con, "viewer")
        rows = read("task_states", situation=date(2020, 3, 15), threshold=15)
        progress = dict(zip(rows["task_id"], rows["progress"], strict=True))
        assert committed["T14"]["progress"] != current["T14"]["progress"]
        assert progress["T14"] == int(committed["T14"]["progress"])
        assert "T18" not in progress  # added to the plan in April
        actions = read("open_actions", situation=date(2020, 3, 15))
        # the Métaphone booked by 13 March was still an open action on 24 February
        assert "A17" in set(actions["action_id"])
        model = tl.build(read, tl.State(date(2020, 3, 15)))
        assert model.total == len(committed)
    finally:
        con.close()


def test_the_history_script_gives_the_same_history_again(tmp_path: Path) -> None:
    folder = copy_demo(tmp_path / "data")
    demo_history.main([str(folder)])
    again = [json.loads(line) for line in (folder / ".history/log.jsonl").read_text().splitlines()]
    shipped = [json.loads(line) for line in (DEMO / ".history/log.jsonl").read_text().splitlines()]
    assert again == shipped
    for entry in shipped:
        name = f"{entry['dataset']}/{entry['version']:04d}.csv"
        assert (folder / ".history" / name).read_bytes() == (DEMO / ".history" / name).read_bytes()


# --- the pack from the command line ---------------------------------------------------------


def test_the_cli_writes_both_packs_with_distinct_names(
    demo_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for audience in ("staff", "partners"):
        code = main(["pack", "--date", "2020-04-15", "--audience", audience, "--out", str(out)])
        assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "comite-2020-04-15-interne.pdf",
        "comite-2020-04-15-partenaires.pdf",
    ]
    staff = pdf_pages((out / "comite-2020-04-15-interne.pdf").read_bytes())
    partners = pdf_pages((out / "comite-2020-04-15-partenaires.pdf").read_bytes())
    assert all("CONFIDENTIEL – usage interne" in text for text in staff)
    assert "Version équipe" in staff[0] and "Version partenaires" in partners[0]
    assert not any("CONFIDENTIEL" in text for text in partners)
    assert "choix-agence" in " ".join(staff) and "choix-agence" not in " ".join(partners)
    assert "comite-2020-04-15-partenaires.pdf" in capsys.readouterr().out


def test_a_past_pack_from_the_cli_reads_the_data_of_that_date(
    demo_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mars.pdf"
    args = ["pack", "--date", "2020-03-15", "--lang", "en", "--audience", "partners"]
    assert main([*args, "--out", str(target)]) == 0
    cover = pdf_pages(target.read_bytes())[0]
    # the plan of 24 February (version 2), not the current one (version 4)
    assert "version 2" in cover and "24 February 2020" in cover
    assert "version 4" not in cover


def test_a_bad_date_is_a_usage_error(demo_dir: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["pack", "--date", "15/03/2020", "--audience", "staff"])
    assert exc.value.code == 2


def test_a_dataset_without_a_version_yet_has_no_rows_and_no_copy_is_left(
    tmp_path: Path,
) -> None:
    store = Store(copy_demo(tmp_path / "data"))
    before = set(Path(tempfile.gettempdir()).glob("dashboard-past-*"))
    con = past.open_database_at(store, {"tasks": 0, "kpis": 1})
    try:
        assert db.run_sql(con, "select count(*) as n from tasks", {})["n"][0] == 0
        assert db.run_sql(con, "select count(*) as n from kpis", {})["n"][0] == 12
        assert db.run_sql(con, "select count(*) as n from sites", {})["n"][0] == 4
    finally:
        con.close()
    assert set(Path(tempfile.gettempdir()).glob("dashboard-past-*")) == before


# --- official weights -----------------------------------------------------------------------


def test_other_proportions_make_a_scenario_the_same_ones_do_not() -> None:
    from dashboard.views.scoring import is_scenario

    assert not is_scenario((30, 25, 20), (30, 25, 20))
    assert not is_scenario((60, 50, 40), (30, 25, 20))  # the same weighting
    assert is_scenario((30, 25, 40), (30, 25, 20))
    assert not is_scenario((0, 0, 0), (30, 25, 20))  # all zero: the official ones are used


def test_the_pack_says_its_rankings_use_the_official_weights(tmp_path: Path) -> None:
    store = Store(copy_demo(tmp_path / "data"))
    _day, pdf = pack.pack_from_store(store, "fr", "viewer", TODAY)
    assert "pondérations officielles du comité" in " ".join(pdf_pages(pdf))


def test_the_pack_command_runs_as_a_scheduled_job_would(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    folder = copy_demo(tmp_path / "data")
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(folder)}
    root = Path(__file__).resolve().parents[2]
    for audience in ("staff", "partners"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard",
                "pack",
                "--audience",
                audience,
                "--lang",
                "en",
                "--out",
                str(tmp_path),
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Pack written" in done.stdout
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert names == ["comite-2020-04-15-interne.pdf", "comite-2020-04-15-partenaires.pdf"]
