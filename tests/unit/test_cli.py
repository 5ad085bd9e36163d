"""The command line: exit codes, messages in both languages, what it changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.store import Store

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


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_accepts_a_french_excel_export_and_changes_nothing(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites export.csv"
    upload.write_bytes(SITES_FR)
    before = (demo_dir / "sites.csv").read_bytes()
    code, out, _ = run(["validate", "sites", str(upload)], capsys)
    assert code == 0
    assert "5 lignes valides pour sites" in out
    assert (demo_dir / "sites.csv").read_bytes() == before
    assert Store(demo_dir).history("sites") == []


def test_import_stores_a_new_version(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    code, out, _ = run(["import", "sites", str(upload), "--by", "Claire"], capsys)
    assert code == 0, out
    assert "version 2 enregistrée (5 lignes, par Claire)" in out
    current = (demo_dir / "sites.csv").read_text(encoding="utf-8")
    assert current.startswith(
        "site_id,name,commune,kind,lat,lon,description,name_en,description_en\n"
    )
    assert "metaphone,Le Métaphone,Oignies,salle,50.465,2.993," in current
    history = Store(demo_dir).history("sites")
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
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str
) -> None:
    upload = tmp_path / "bad.csv"
    upload.write_bytes(SITES_BAD)
    before = (demo_dir / "sites.csv").read_bytes()
    code, _, err = run(["import", "sites", str(upload), "--lang", lang], capsys)
    assert code == 1
    assert expected in err
    assert (demo_dir / "sites.csv").read_bytes() == before
    assert Store(demo_dir).history("sites") == []


def test_refusal_for_references_broken_elsewhere(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(b"site_id,name\nlouvre-lens,Louvre-Lens\n")
    code, _, err = run(["import", "sites", str(upload), "--lang", "en"], capsys)
    assert code == 1
    assert "This upload would break references in other files:" in err
    assert "tasks.csv, row" in err and '"olhain" does not exist in sites.csv' in err


def test_history_and_rollback(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    original = (demo_dir / "sites.csv").read_bytes()
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
    assert (demo_dir / "sites.csv").read_bytes() == original
    code, _, err = run(["rollback", "sites", "9"], capsys)
    assert code == 1 and "la version 9 n'existe pas" in err


def test_history_when_empty(empty_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["history", "--lang", "en"], capsys) == (0, "No history.\n", "")


def test_check_demo_folder(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
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


FORGED_BY = (
    "Claire\nsites | 9 | 01/01/2020 | Admin | 0 | forged.csv\x1b[2K\x1b]0;pwned\x07\r\u2028x"
)


def test_by_is_data_one_plain_line_and_history_cannot_be_forged(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites\n| 7 |.csv"
    upload.write_bytes(SITES_FR)
    code, out, _ = run(["import", "sites", str(upload), "--by", FORGED_BY], capsys)
    assert code == 0
    logged = Store(demo_dir).latest("sites")
    assert logged is not None
    assert logged.by == "Claire sites | 9 | 01/01/2020 | Admin | 0 | forged.csv[2K]0;pwned x"
    assert "\n" not in logged.source and "\n" not in logged.by
    code, out, _ = run(["history", "sites"], capsys)
    lines = out.strip().splitlines()
    assert len(lines) == 3  # header, the initial version, the import: no forged row
    assert not any(ch in out for ch in "\x1b\x07\r\u2028")


def test_by_of_only_control_characters_falls_back_to_the_system_user(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upload = tmp_path / "sites.csv"
    upload.write_bytes(SITES_FR)
    assert run(["import", "sites", str(upload), "--by", "\n\x1b\r"], capsys)[0] == 0
    logged = Store(demo_dir).latest("sites")
    assert logged is not None and logged.by.strip() and "\x1b" not in logged.by


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
