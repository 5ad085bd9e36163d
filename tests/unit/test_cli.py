"""The command line: exit codes, messages in both languages, what it changes.

Tests taking `demo` run on the data folder and on a real PostgreSQL server (the
demo copied into a fresh database, DASHBOARD_DATABASE_URL set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.demo import is_demo
from dashboard.store import DataStore, Store
from dashboard.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parents[2]

# A French Excel export of sites.csv: Windows-1252, semicolons, CRLF, decimal commas.
SITES_FR = (
    "identifiant;nom;commune;type;latitude;longitude;description\r\n"
    "olhain;Restaurant du Parc d'Olhain;Maisnil-lès-Ruitz;restaurant;50,4297;2,5808;\r\n"
    "cite-electriciens;Cité des Électriciens;Bruay-la-Buissière;vente à emporter;"
    "50,4899;2,5545;\r\n"
    "parcours-noir;Parcours noir;Lens;événement;50,4291;2,8319;\r\n"
    "louvre-lens;Louvre-Lens;Lens;musée;50,4317;2,8039;\r\n"
    "metaphone;Le Métaphone;Oignies;salle;50,4650;2,9930;\r\n"
).encode("cp1252")

SITES_BAD = (
    "identifiant;nom;latitude\r\n"
    "olhain;Olhain;50,4\r\n"
    "cite-electriciens;Cité;quatre-vingt\r\n"
    "parcours-noir;Parcours;50\r\n"
    "louvre-lens;Louvre-Lens;50\r\n"
).encode("cp1252")


@pytest.fixture
def demo(demo_in_backend: DataStore) -> DataStore:
    return demo_in_backend


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_accepts_a_french_excel_export_and_changes_nothing(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites export.csv"
    upload.write_bytes(SITES_FR)
    before = demo.read_current("sites")
    code, out, _ = run(["validate", "sites", str(upload)], capsys)
    assert code == 0
    assert "5 lignes valides pour sites" in out
    assert demo.read_current("sites") == before
    assert demo.history("sites") == []


def test_import_stores_a_new_version(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    code, out, _ = run(["import", "sites", str(upload), "--by", "Claire"], capsys)
    assert code == 0, out
    assert "version 2 enregistrée (5 lignes, par Claire)" in out
    current = (demo.read_current("sites") or b"").decode("utf-8")
    assert current.startswith(
        "site_id,name,commune,kind,lat,lon,description,name_en,description_en\n"
    )
    assert "metaphone,Le Métaphone,Oignies,salle,50.465,2.993," in current
    history = demo.history("sites")
    assert [(v.version, v.action, v.by) for v in history] == [
        (1, "initial", ""),
        (2, "import", "Claire"),
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "bad.csv, ligne 3, colonne « latitude » : « quatre-vingt » n'est pas un nombre"),
        ("en", 'bad.csv, row 3, column "latitude": "quatre-vingt" is not a number'),
    ],
)
def test_refusal_names_file_row_column_value(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str
) -> None:
    upload = tmp_path / "bad.csv"
    upload.write_bytes(SITES_BAD)
    before = demo.read_current("sites")
    code, _, err = run(["import", "sites", str(upload), "--lang", lang], capsys)
    assert code == 1
    assert expected in err
    assert demo.read_current("sites") == before
    assert demo.history("sites") == []


def test_refusal_for_references_broken_elsewhere(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(b"site_id,name\nlouvre-lens,Louvre-Lens\n")
    code, _, err = run(["import", "sites", str(upload), "--lang", "en"], capsys)
    assert code == 1
    assert "This upload would break references in other files:" in err
    assert "tasks.csv, row" in err and '"olhain" does not exist in sites.csv' in err


def test_history_and_rollback(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    original = demo.read_current("sites")
    assert run(["import", "sites", str(upload), "--by", "Claire"], capsys)[0] == 0
    code, out, _ = run(["history", "sites", "--lang", "en"], capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "dataset | version | date | by | rows | source file"
    assert lines[1].startswith("sites | 1 |") and lines[2].startswith("sites | 2 |")
    assert "| Claire | 5 | sites.csv" in lines[2]
    code, out, _ = run(["rollback", "sites", "1", "--by", "Claire"], capsys)
    assert code == 0
    assert "retour à la version 1, enregistré comme version 3" in out
    assert demo.read_current("sites") == original
    code, _, err = run(["rollback", "sites", "9"], capsys)
    assert code == 1 and "la version 9 n'existe pas" in err


def test_history_when_empty(empty_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["history", "--lang", "en"], capsys) == (0, "No history.\n", "")


def test_check_demo_folder(demo: DataStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check"], capsys)
    assert code == 0
    assert "8 fichiers, aucune erreur" in out


def test_check_finds_a_hand_edited_error(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = demo_dir / "tasks.csv"
    text = tasks.read_text(encoding="utf-8").replace("2019-12-05", "2019-13-05", 1)
    tasks.write_text(text, encoding="utf-8")
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1
    assert 'tasks.csv, row 2, column "end": "2019-13-05" is not a date that exists' in err


def test_check_empty_folder(empty_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check"], capsys)
    assert code == 0 and "0 fichiers" in out


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["validate", "sites"],
        ["validate", "recettes", "x.csv"],
        ["validate", "sites", "/nonexistent/file.csv"],
        ["rollback", "sites", "deux"],
        ["history", "--lang", "de"],
    ],
)
def test_usage_errors_exit_2(
    demo_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, _, err = run(args, capsys)
    assert code == 2
    assert err.strip()
    assert "Traceback" not in err


def test_module_entry_point(demo_dir: Path) -> None:
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(demo_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "check", "--lang", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "8 files, no error" in done.stdout


def test_unwritable_folder_is_a_plain_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(blocker / "data"))
    upload = tmp_path / "sites.csv"
    upload.write_bytes(b"site_id,name\nolhain,Olhain\n")
    code, _, err = run(["import", "sites", str(upload), "--lang", "en"], capsys)
    assert code == 1
    assert err.startswith("The data folder could not be read or written:")
    assert "Nothing was changed." in err and "Traceback" not in err


# --- moving between a data folder and PostgreSQL ---------------------------------------


def all_files(folder: Path) -> dict[str, bytes]:
    """Every data file of a data folder (current files, versions, log), by relative
    path. The demo marker is a note on a folder, not data: a database store holds
    no marker (dashboard/demo.py)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in ("lock", ".demo")
    }


def test_a_data_folder_round_trips_through_postgresql_byte_for_byte(
    demo_dir: Path, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a history on several datasets, a rollback, and datasets never committed
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    assert run(["import", "sites", str(upload), "--by", "Claire"], capsys)[0] == 0
    assert run(["rollback", "sites", "1", "--by", "Élise"], capsys)[0] == 0
    before = all_files(demo_dir)
    assert ".history/log.jsonl" in before and ".history/sites/0003.csv" in before

    code, out, err = run(["to-database", str(demo_dir), "--database-url", database_url], capsys)
    assert code == 0, err
    versions = len(Store(demo_dir).history())
    assert f"{versions} versions et 8 fichiers actuels copiés" in out
    database = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    assert database.history() == Store(demo_dir).history()
    assert is_demo(database)  # the invented demo is still said to be invented

    back = tmp_path / "back"
    code, out, err = run(
        ["to-folder", str(back), "--database-url", database_url, "--lang", "en"], capsys
    )
    assert code == 0, err
    assert f"{versions} versions and 8 current files exported" in out
    assert all_files(back) == before


def test_copy_refuses_a_database_that_holds_data(
    demo_dir: Path, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    database.commit("sites", b"site_id,name\nolhain,Olhain\n", by="a", source="s.csv", rows=1)
    before = database.data_version()
    code, _, err = run(
        ["to-database", str(demo_dir), "--database-url", database_url, "--lang", "en"], capsys
    )
    assert code == 1 and "already holds data: nothing was copied" in err
    assert database.data_version() == before and len(database.history()) == 1


def test_copy_refuses_a_damaged_version_and_copies_nothing(
    demo_dir: Path, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_dir / ".history" / "tasks" / "0001.csv").write_bytes(b"task_id\nx\n")
    code, _, err = run(
        ["to-database", str(demo_dir), "--database-url", database_url, "--lang", "en"], capsys
    )
    assert code == 1 and "tasks v1 does not match its checksum" in err
    database = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    assert database.history() == [] and all(p is None for p in database.current_files().values())


def test_copy_refuses_a_folder_with_a_hand_edit_and_copies_nothing(
    demo_dir: Path, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the folder's readers get tasks' logged version 4; a copy would make the
    # unchecked edit current in the database
    with (demo_dir / "tasks.csv").open("a", encoding="utf-8") as fh:
        fh.write("T99,Parcours noir,Ajout à la main,2020-05-04,2020-05-15,false,0,,,,\n")
    code, _, err = run(
        ["to-database", str(demo_dir), "--database-url", database_url, "--lang", "en"], capsys
    )
    assert code == 1 and "Copy refused: the data folder does not agree with its log" in err
    assert "tasks: the current file was edited by hand" in err
    database = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    assert database.history() == [] and all(p is None for p in database.current_files().values())


def test_export_refuses_a_folder_that_holds_files(
    demo_dir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = all_files(demo_dir)
    code, _, err = run(
        ["to-folder", str(demo_dir), "--database-url", database_url, "--lang", "en"], capsys
    )
    assert code == 1 and "already holds data" in err
    assert all_files(demo_dir) == before


def test_moving_needs_a_database(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    code, _, err = run(["to-database", str(demo_dir), "--lang", "en"], capsys)
    assert code == 2 and "set DASHBOARD_DATABASE_URL" in err


def test_unreachable_database_is_a_plain_refusal(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pgserver import _free_port

    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"postgresql://x@127.0.0.1:{_free_port()}/x")
    code, _, err = run(["history", "--lang", "en"], capsys)
    assert code == 1 and err.startswith("The database could not be reached:")
    assert "Traceback" not in err


FORGED_BY = (
    "Claire\nsites | 9 | 01/01/2020 | Admin | 0 | forged.csv\x1b[2K\x1b]0;pwned\x07\r\u2028x"
)


def test_by_is_data_one_plain_line_and_history_cannot_be_forged(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites\n| 7 |.csv"
    upload.write_bytes(SITES_FR)
    code, out, _ = run(["import", "sites", str(upload), "--by", FORGED_BY], capsys)
    assert code == 0
    logged = demo.latest("sites")
    assert logged is not None
    assert logged.by == "Claire sites | 9 | 01/01/2020 | Admin | 0 | forged.csv[2K]0;pwned x"
    assert "\n" not in logged.source and "\n" not in logged.by
    code, out, _ = run(["history", "sites"], capsys)
    lines = out.strip().splitlines()
    assert len(lines) == 3  # header, the initial version, the import: no forged row
    assert not any(ch in out for ch in "\x1b\x07\r\u2028")


def test_by_of_only_control_characters_falls_back_to_the_system_user(
    demo: DataStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    assert run(["import", "sites", str(upload), "--by", "\n\x1b\r"], capsys)[0] == 0
    logged = demo.latest("sites")
    assert logged is not None and logged.by.strip() and "\x1b" not in logged.by


# --- check --repair and adopt on PostgreSQL ---------------------------------------------


def test_adopt_is_refused_plainly_on_a_database(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    store.commit("tasks", b"task_id\nx\n", by="a", source="t.csv", rows=1)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    before = store.data_version()
    code, _, err = run(["adopt", "tasks", "--lang", "en"], capsys)
    assert code == 1 and "Nothing to adopt" in err and "Import the file instead" in err
    assert "Traceback" not in err and store.data_version() == before


def test_check_reports_and_repair_removes_a_local_copy_changed_on_disk(
    demo_dir: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    PostgresStore(database_url, cache_dir=tmp_path / "cache").copy_from(Store(demo_dir))
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    cache = tmp_path / "server-cache"
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(cache))
    assert run(["check", "--lang", "en"], capsys)[0] == 0  # writes this server's copies
    copy = next(cache.glob("*.csv"))
    whole = copy.read_bytes()
    copy.write_bytes(b"forged,by hand\n")
    code, out, err = run(["check", "--lang", "en"], capsys)
    assert code == 0, err
    assert "local copy of version" in out and "differs from the database" in out
    assert copy.read_bytes() == whole  # the check read the database's bytes
    copy.write_bytes(b"forged,again\n")
    code, out, err = run(["check", "--repair", "--lang", "en"], capsys)
    assert code == 0 and "Repaired: 1 step(s) finished." in out
    assert "local copy" not in out and copy.read_bytes() == whole
    code, out, _ = run(["check", "--lang", "en"], capsys)
    assert code == 0 and "local copy" not in out


def test_check_fails_on_a_version_spoilt_in_the_database(
    demo_dir: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import psycopg

    store = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    store.copy_from(Store(demo_dir))
    latest = store.latest("tasks")
    assert latest is not None
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "update dashboard_blobs set data = data || 'spoilt'::bytea where checksum = %s",
            (latest.checksum,),
        )
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "server-cache"))
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1
    assert f"tasks: version {latest.version} stored in the database no longer matches" in err
    before = store.data_version()
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    code, _, err = run(["import", "sites", str(upload), "--lang", "en"], capsys)
    assert code == 1
    assert "Refused: a version stored in the database no longer matches its checksum." in err
    assert "Nothing was changed." in err and "Traceback" not in err
    assert store.data_version() == before and store.latest("sites") is None


# --- files named truly, problems grouped -----------------------------------------------


def test_a_folder_is_named_a_folder_not_a_missing_file(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["validate", "sites", str(tmp_path)], capsys)
    assert code == 2
    assert "dossier" in err and "introuvable" not in err
    code, _, err = run(["--lang", "en", "validate", "sites", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "not found" in err.lower()


def test_a_file_past_the_size_bound_is_refused_unread(
    demo_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dashboard.__main__ as cli

    monkeypatch.setattr(cli, "MAX_FILE_BYTES", 100)
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    code, _, err = run(["import", "sites", str(upload)], capsys)
    assert code == 1
    assert "trop volumineux" in err and "découpez" in err
    assert Store(demo_dir).history("sites") == []


def test_problems_are_grouped_with_a_count_and_all_prints_every_one(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"s{i};Site {i};nord\r\n" for i in range(30))
    upload = tmp_path / "sites.csv"
    upload.write_bytes(("identifiant;nom;latitude\r\n" + rows).encode("cp1252"))
    code, _, err = run(["validate", "sites", str(upload)], capsys)
    assert code == 1
    assert "30 problème(s)" in err
    assert err.count("n'est pas un nombre") == 5
    assert "25 autre(s) ligne(s)" in err and "--all" in err
    code, _, err = run(["validate", "sites", str(upload), "--all"], capsys)
    assert code == 1
    assert err.count("n'est pas un nombre") == 30


def test_a_current_file_that_cannot_be_loaded_does_not_stop_imports(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # sites.csv put in the folder by hand, never committed: DuckDB cannot load it
    (demo_dir / "sites.csv").write_bytes(b"site_id,name,lat\nolhain,Olhain,pas-un-nombre\n")
    kpis = tmp_path / "kpis.csv"
    kpis.write_bytes(Store(demo_dir).read_current("kpis") or b"")
    code, _, err = run(["validate", "kpis", str(kpis)], capsys)
    assert "Traceback" not in err
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    code, _, err = run(["import", "sites", str(upload), "--by", "Claire"], capsys)
    assert code == 0, err
    assert (demo_dir / "sites.csv").read_bytes().startswith(b"site_id,name,commune")
