"""The store under faults an operator meets: a full disk, a damaged or reordered
log, a version file gone, hand edits of current files, a crash that left the
log ahead of the current file. Each time the log and the files agree, what the
command line says is true, and nothing is guessed.

The full disk is real: a 200 KiB tmpfs mounted for the test (as root, as in CI;
otherwise inside a user namespace, `unshare -rm`)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.store import Store, StoreDamaged, checksum
from tests.conftest import DEMO, copy_demo

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def edited_tasks(folder: Path, old: str = "Parcours noir", new: str = "Parcours NOIR") -> Path:
    """A copy of the demo's tasks with one name changed (a new version to import)."""
    text = (DEMO / "tasks.csv").read_text(encoding="utf-8")
    assert old in text
    path = folder / "tasks-new.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the data folder but the lock and the throttle's."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock" and ".auth" not in p.parts
    }


# --- a full disk ---------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(where: Path, size: str = "200k") -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def fill(disk: Path, keep: int) -> Path:
    """Leave about `keep` bytes free on the disk."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(free - keep, 0))
    return filler


def full_disk_scenario(disk: Path) -> list[str]:
    """Imports on a disk left with 0 to 5 pages free: each is whole or nothing.
    Returns what went wrong (empty when all is right)."""
    wrong: list[str] = []
    outcomes: list[str] = []
    upload_dir = Path(os.environ.get("TMPDIR", "/tmp"))
    upload = edited_tasks(upload_dir)
    # the first sizes: the version file (3 pages of tasks) does not fit; then it
    # does, the current file's replacement does not (where a commit used to be
    # logged and called refused)
    for pages in range(8):
        for child in disk.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        data = copy_demo(disk / "data")
        os.environ["DASHBOARD_DATA_DIR"] = str(data)
        before = snapshot(data)
        filler = fill(disk, pages * PAGE)
        out, err = StringIO(), StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["import", "tasks", str(upload), "--by", "Claire"])
        after = snapshot(data)
        leftovers = list(data.rglob(".*.tmp"))
        store = Store(data)
        if code == 0:
            outcomes.append("saved")
            if "version 5 enregistrée" not in out.getvalue():
                wrong.append(f"{pages}: said {out.getvalue()!r}")
            if [v.version for v in store.history("tasks")] != [1, 2, 3, 4, 5]:
                wrong.append(f"{pages}: history {store.history('tasks')}")
            if store.read_current("tasks") != store.version_bytes("tasks", 5):
                wrong.append(f"{pages}: current is not version 5")
        else:
            outcomes.append("refused")
            if "Rien n'a été modifié" not in err.getvalue():
                wrong.append(f"{pages}: said {err.getvalue()!r}")
            if after != before:
                changed = sorted(set(after.items()) ^ set(before.items()))
                wrong.append(f"{pages}: folder changed: {[c[0] for c in changed]}")
        if leftovers:
            wrong.append(f"{pages}: left {leftovers}")
        if [p for p in store.problems(deep=True) if p.code != "unlogged_version"]:
            wrong.append(f"{pages}: problems {store.problems(deep=True)}")
        filler.unlink()
        if code == 0:
            continue
        # room again after a refusal: the next import is whole, and takes the next number
        with contextlib.redirect_stdout(StringIO()), contextlib.redirect_stderr(StringIO()):
            again = main(["import", "tasks", str(edited_tasks(upload_dir, new="Parcours Noir"))])
        numbers = [v.version for v in store.history("tasks")]
        if again != 0 or numbers != sorted(set(numbers)) or numbers[-1] != numbers[-2] + 1:
            wrong.append(f"{pages}: after room again: {again}, {numbers}")
    if "refused" not in outcomes or "saved" not in outcomes:
        wrong.append(f"the disk sizes did not cover both outcomes: {outcomes}")
    return wrong


def test_a_full_disk_leaves_log_and_files_agreeing_and_the_message_true(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        saved = os.environ.get("DASHBOARD_DATA_DIR")
        try:
            with small_disk(tmp_path / "disk") as disk:
                wrong = full_disk_scenario(disk)
        finally:
            if saved is None:
                os.environ.pop("DASHBOARD_DATA_DIR", None)
            else:
                os.environ["DASHBOARD_DATA_DIR"] = saved
        assert wrong == []
        return
    # not root: the same, inside a user namespace where mounting a tmpfs is allowed
    code = (
        "import sys; from pathlib import Path; "
        "from tests.integration import test_store_faults as m; "
        f"d = m.small_disk(Path({str(tmp_path / 'disk')!r})); disk = d.__enter__(); "
        "wrong = m.full_disk_scenario(disk); d.__exit__(None, None, None); "
        "print(wrong); sys.exit(1 if wrong else 0)"
    )
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- a damaged log ---------------------------------------------------------------------


def log_lines(folder: Path) -> list[str]:
    return (folder / ".history" / "log.jsonl").read_text(encoding="utf-8").splitlines()


def write_log(folder: Path, lines: list[str]) -> None:
    (folder / ".history" / "log.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def sites_upload(folder: Path) -> Path:
    path = folder / "sites-new.csv"
    text = (DEMO / "sites.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("Restaurant du Parc", "Restaurant du parc", 1), encoding="utf-8")
    return path


def test_a_garbled_last_line_refuses_writes_and_reverts_nothing(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "tasks", str(edited_tasks(tmp_path))], capsys)[0] == 0
    lines = log_lines(demo_dir)
    write_log(demo_dir, [*lines[:-1], lines[-1].replace('"version": 5', '"vers#on": 5')])
    tasks_now = (demo_dir / "tasks.csv").read_bytes()
    before = snapshot(demo_dir)

    code, _, err = run(["import", "sites", str(sites_upload(tmp_path))], capsys)
    assert code == 1 and "Traceback" not in err
    assert "journal des versions du dossier de données est abîmé" in err
    assert "la ligne 13 n'est pas un enregistrement de version" in err  # the demo's 12, then it
    assert snapshot(demo_dir) == before
    assert (demo_dir / "tasks.csv").read_bytes() == tasks_now  # not reverted to v4

    code, _, err = run(["check"], capsys)
    assert code == 1 and "la ligne 13 n'est pas un enregistrement" in err
    assert run(["rollback", "tasks", "1"], capsys)[0] == 1
    assert snapshot(demo_dir) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("version", '"3"'), ("rows", "-1"), ("dataset", '"../etc"'), ("checksum", '"zz"')],
)
def test_lines_that_parse_with_bad_values_are_reported_not_a_traceback(
    demo_dir: Path, capsys: pytest.CaptureFixture[str], field: str, value: str
) -> None:
    lines = log_lines(demo_dir)
    record = json.loads(lines[-1])
    bad = json.dumps(record).replace(
        f'"{field}": {json.dumps(record[field])}', f'"{field}": {value}'
    )
    assert bad != json.dumps(record)
    write_log(demo_dir, [*lines[:-1], bad])
    for args in (["history"], ["check"], ["rollback", "tasks", "1"]):
        code, out, err = run(args, capsys)
        assert "Traceback" not in out + err
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1 and "line 12 is not a version record" in err  # the demo's last line


def test_an_out_of_order_log_is_refused(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = log_lines(demo_dir)
    tasks = [line for line in lines if '"dataset": "tasks"' in line]
    write_log(demo_dir, [tasks[1], tasks[0]])
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1 and "line 2 gives tasks version 1" in err
    with pytest.raises(StoreDamaged):
        Store(demo_dir).commit("sites", b"site_id,name\nx,X\n", by="a", source="s", rows=1)


def test_a_version_number_is_never_given_twice(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash cut the last log line: not a commit, dropped; its version file stays
    and its number is not given to the next import."""
    assert run(["import", "tasks", str(edited_tasks(tmp_path))], capsys)[0] == 0
    lines = log_lines(demo_dir)
    log = demo_dir / ".history" / "log.jsonl"
    log.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40], encoding="utf-8")
    # the rename comes after the log line: the current file is still v4
    (demo_dir / "tasks.csv").write_bytes(Store(demo_dir).version_bytes("tasks", 4))
    kept = (demo_dir / ".history" / "tasks" / "0005.csv").read_bytes()
    code, out, _ = run(["check"], capsys)
    assert code == 0 and "coupée par un arrêt brutal" in out
    upload = edited_tasks(tmp_path, new="Parcours Noir")
    code, out, _ = run(["import", "tasks", str(upload)], capsys)
    assert code == 0 and "version 6 enregistrée" in out
    assert (demo_dir / ".history" / "tasks" / "0005.csv").read_bytes() == kept
    assert [v.version for v in Store(demo_dir).history("tasks")] == [1, 2, 3, 4, 6]
    assert run(["check"], capsys)[0] == 0


def test_a_version_file_gone_is_reported_and_refuses_writes(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo_dir / ".history" / "tasks" / "0004.csv").unlink()  # the latest
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1 and "the file of version 4 is missing" in err
    assert run(["import", "sites", str(sites_upload(tmp_path))], capsys)[0] == 1


# --- a crash with the log ahead --------------------------------------------------------


def test_a_crash_with_the_log_ahead_is_found_by_check_and_finished(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["import", "tasks", str(edited_tasks(tmp_path))], capsys)[0] == 0
    store = Store(demo_dir)
    # what a kill between the log line and the rename leaves: the file of v4
    (demo_dir / "tasks.csv").write_bytes(store.version_bytes("tasks", 4))
    code, _, err = run(["check"], capsys)
    assert code == 1 and "l'enregistrement de la version 5 a été interrompu" in err
    assert store.current_files()["tasks"] == store.version_path("tasks", 5)  # readers get v5
    code, out, _ = run(["check", "--repair"], capsys)
    assert code == 0 and "Réparé : 1 opération" in out
    assert (demo_dir / "tasks.csv").read_bytes() == store.version_bytes("tasks", 5)


# --- hand edits --------------------------------------------------------------------------


def test_a_valid_hand_edit_is_kept_until_staff_decide(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = demo_dir / "tasks.csv"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("Parcours noir", "Parcours NOIR", 1),
        encoding="utf-8",
    )
    edited = tasks.read_bytes()
    assert run(["import", "sites", str(sites_upload(tmp_path))], capsys)[0] == 0
    assert tasks.read_bytes() == edited  # another dataset's commit does not revert it
    code, _, err = run(["check"], capsys)
    assert code == 1 and "tasks : le fichier courant a été modifié à la main" in err
    code, out, _ = run(["adopt", "tasks", "--by", "Claire"], capsys)
    assert code == 0 and "enregistré comme version 5" in out
    store = Store(demo_dir)
    latest = store.latest("tasks")
    assert latest is not None and latest.action == "adopt" and latest.by == "Claire"
    assert checksum(tasks.read_bytes()) == latest.checksum
    assert run(["check"], capsys)[0] == 0


def test_an_import_over_a_hand_edit_keeps_the_edit_as_a_version(
    demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = demo_dir / "tasks.csv"
    tasks.write_bytes(tasks.read_bytes().replace(b"2019-12-05", b"2019-13-05", 1))  # invalid
    hand = tasks.read_bytes()
    code, out, _ = run(["import", "tasks", str(edited_tasks(tmp_path))], capsys)
    assert code == 0 and "version 6 enregistrée" in out
    store = Store(demo_dir)
    assert [(v.version, v.action) for v in store.history("tasks")][-2:] == [
        (5, "hand-edit"),
        (6, "import"),
    ]
    assert store.version_bytes("tasks", 5) == hand
    assert run(["check"], capsys)[0] == 0
