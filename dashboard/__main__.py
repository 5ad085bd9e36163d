"""Command line: validate, import, history, rollback, check, pack.

    python -m dashboard validate DATASET FILE [--all]
    python -m dashboard import DATASET FILE [--by NAME] [--all]
    python -m dashboard history [DATASET]
    python -m dashboard rollback DATASET VERSION [--by NAME]
    python -m dashboard check [--repair] [--all]
    python -m dashboard adopt DATASET [--by NAME]
    python -m dashboard pack [--date D] --audience staff|partners [--out FILE]
    python -m dashboard to-database FOLDER [--database-url URL]
    python -m dashboard to-folder FOLDER [--database-url URL]

The data live in the data folder (DASHBOARD_DATA_DIR, `data/` by default), or in
PostgreSQL when DASHBOARD_DATABASE_URL is set. `to-database` copies a data folder
(current files, every version, the log) into an empty database; `to-folder`
writes the database into a new data folder; both check every file's checksum.

Problems are printed grouped by kind and column, the first rows of each with a
count of the rest; `--all` prints every one.

Exit codes: 0 accepted (warnings printed), 1 refused (nothing changed), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

import psycopg

from dashboard import ingest
from dashboard.contract import DATASET_ORDER, MAX_FILE_BYTES
from dashboard.i18n import LANGS, format_day, t
from dashboard.ingest import Problem, staging, uploads
from dashboard.store import (
    CommitRefused,
    DataStore,
    Store,
    StoreDamaged,
    StoreProblem,
    open_store,
    plain_text,
    problem_text,
)
from dashboard.store.base import database_url, describe


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    parser = _Parser(
        prog="python -m dashboard",
        parents=[common],
        description="ALL steering dashboard: data commands.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    names = ", ".join(DATASET_ORDER)
    p = sub.add_parser("validate", parents=[common], help="check a file, change nothing")
    p.add_argument("dataset", help=names)
    p.add_argument("file", type=Path)
    p.add_argument("--all", action="store_true", help="print every problem")
    p = sub.add_parser(
        "import", parents=[common], help="check a file and store it as a new version"
    )
    p.add_argument("dataset", help=names)
    p.add_argument("file", type=Path)
    p.add_argument("--by", default=None, help="who imports (default: the system user)")
    p.add_argument("--all", action="store_true", help="print every problem")
    p = sub.add_parser("history", parents=[common], help="list the versions")
    p.add_argument("dataset", nargs="?", help=names)
    p = sub.add_parser("rollback", parents=[common], help="make an earlier version current again")
    p.add_argument("dataset", help=names)
    p.add_argument("version", type=int)
    p.add_argument("--by", default=None)
    p = sub.add_parser("check", parents=[common], help="check the whole data folder")
    p.add_argument(
        "--repair",
        action="store_true",
        help="finish a commit a crash interrupted, drop a log line it cut short",
    )
    p.add_argument("--all", action="store_true", help="print every problem")
    p = sub.add_parser(
        "adopt", parents=[common], help="save the current file (a hand edit) as a new version"
    )
    p.add_argument("dataset", help=names)
    p.add_argument("--by", default=None)
    for name, helped in (
        ("to-database", "copy a data folder (history and log too) into an empty database"),
        ("to-folder", "export the database into a new data folder"),
    ):
        p = sub.add_parser(name, parents=[common], help=helped)
        p.add_argument("folder", type=Path)
        p.add_argument("--database-url", default=None, help="default: DASHBOARD_DATABASE_URL")
    p = sub.add_parser("pack", parents=[common], help="write the committee pack (PDF)")
    p.add_argument("--date", type=_day, default=None, help="situation date, YYYY-MM-DD")
    p.add_argument("--audience", choices=("staff", "partners"), required=True)
    p.add_argument(
        "--out", type=Path, default=None, help="file or folder (default: named by audience)"
    )
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _pack(args: argparse.Namespace, lang: str, store: DataStore) -> int:
    """Write the committee pack for an audience: `staff` (the internal edition,
    every page marked confidential) or `partners` (what a viewer may see)."""
    import os

    from dashboard import auth, pack

    role: auth.Role = "staff" if args.audience == "staff" else "viewer"
    hidden = (
        ()
        if role == "staff"
        else auth.confidential_evaluations(os.environ.get("DASHBOARD_CONFIDENTIAL_EVALUATIONS"))
    )
    day, pdf = pack.pack_from_store(store, lang, role, args.date, hidden)
    out: Path = args.out if args.out is not None else Path(pack.file_name(day, role))
    if out.is_dir():
        out = out / pack.file_name(day, role)
    out.write_bytes(pdf)
    print(t("meeting.pack_written", lang, file=out, date=format_day(day, lang)))
    return 0


# Set by `--all`: every problem printed, none grouped.
_EVERY = {"on": False}


def _print_problems(
    problems: Sequence[Problem],
    lang: str,
    out: TextIO,
    omitted: staging.Omitted | None = None,
) -> None:
    """Problems grouped by kind and column: the first rows of each, then a count
    of the rest (every problem with `--all`)."""
    if _EVERY["on"]:
        for p in problems:
            print(f"  - {p.message(lang)}", file=out)
        return
    hidden = False
    for group in staging.groups(problems, omitted):
        for p in group.shown:
            print(f"  - {p.message(lang)}", file=out)
        if group.rest:
            print(f"    {t('problem.more', lang, count=group.rest)}", file=out)
            hidden = True
    if hidden:
        print(t("cli.all_hint", lang), file=out)


@contextlib.contextmanager
def _every(on: bool) -> Iterator[None]:
    if not on:
        yield
        return
    _EVERY["on"] = True
    try:
        with ingest.keeping_all():
            yield
    finally:
        _EVERY["on"] = False


def _read_file(path: Path, lang: str) -> tuple[bytes | None, int]:
    """The file's bytes, or None and the exit code after saying truly why not."""
    try:
        if path.is_dir():
            print(t("cli.not_a_file", lang, file=path), file=sys.stderr)
            return None, 2
        size = path.stat().st_size
    except FileNotFoundError:
        print(t("cli.file_missing", lang, file=path), file=sys.stderr)
        return None, 2
    except OSError as exc:
        print(t("cli.unreadable", lang, file=path, detail=exc.strerror or exc), file=sys.stderr)
        return None, 2
    if size > MAX_FILE_BYTES:
        print(
            t("cli.file_too_large", lang, file=path, size=size, limit=MAX_FILE_BYTES),
            file=sys.stderr,
        )
        return None, 1
    try:
        return path.read_bytes(), 0
    except FileNotFoundError:
        print(t("cli.file_missing", lang, file=path), file=sys.stderr)
        return None, 2
    except OSError as exc:
        print(t("cli.unreadable", lang, file=path, detail=exc.strerror or exc), file=sys.stderr)
        return None, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "fr")
    try:
        with _every(bool(getattr(args, "all", False))):
            return _run(args, lang)
    except OSError as exc:
        # A folder that cannot be written, a disk full: say it plainly, no traceback.
        print(
            t("cli.os_error", lang, detail=f"{exc.strerror or exc} ({exc.filename or ''})"),
            file=sys.stderr,
        )
        return 1
    except psycopg.Error as exc:
        print(t("store.database_error", lang, detail=str(exc).strip()), file=sys.stderr)
        return 1


def _move(args: argparse.Namespace, lang: str) -> int:
    """`to-database` and `to-folder`: a whole store copied, checked by checksums."""
    from dashboard.store.postgres import CopyMismatch, PostgresStore, StoreNotEmpty

    url = database_url(args.database_url)
    if url is None:
        print(t("store.no_database", lang), file=sys.stderr)
        return 2
    folder = Store(args.folder)
    database = PostgresStore(url)
    try:
        if args.command == "to-database":
            if not args.folder.is_dir():
                print(t("store.folder_missing", lang, folder=args.folder), file=sys.stderr)
                return 2
            versions = database.copy_from(folder)
            done = "store.copied"
        else:
            versions = database.export_to(folder)
            done = "store.exported"
    except StoreNotEmpty as exc:
        print(t("store.not_empty", lang, target=exc), file=sys.stderr)
        return 1
    except CopyMismatch as exc:
        print(t("store.mismatch", lang, what=exc), file=sys.stderr)
        return 1
    except StoreDamaged as exc:
        print(t("store.copy_refused", lang), file=sys.stderr)
        _print_store(exc.store_problems, lang, sys.stderr)
        return 1
    finally:
        database.close()
    files = sum(1 for p in folder.current_files().values() if p is not None)
    print(
        t(
            done,
            lang,
            versions=versions,
            files=files,
            folder=folder.root,
            database=describe(database),
        )
    )
    return 0


def _run(args: argparse.Namespace, lang: str) -> int:
    if args.command in ("to-database", "to-folder"):
        return _move(args, lang)
    store = open_store()
    dataset: str = getattr(args, "dataset", None) or ""
    if dataset and dataset not in DATASET_ORDER:
        print(
            t("problem.unknown_dataset", lang, name=dataset, expected=", ".join(DATASET_ORDER)),
            file=sys.stderr,
        )
        return 2
    # free text from the command line is data: one plain line, no escapes
    by = plain_text(getattr(args, "by", None) or "") or plain_text(getpass.getuser())

    if args.command in ("validate", "import"):
        path: Path = args.file
        data, code = _read_file(path, lang)
        if data is None:
            return code
        if args.command == "import" and _refused_as_damaged(store, lang):
            return 1
        upload = uploads.check_upload(store, dataset, data, path.name)
        if not upload.ok:
            print(t("cli.refused", lang, file=path.name, count=upload.error_count), file=sys.stderr)
            _print_problems(upload.problems, lang, sys.stderr, upload.omitted)
            if upload.broken:
                print(t("problem.other_datasets", lang), file=sys.stderr)
                _print_problems(upload.broken, lang, sys.stderr)
            return 1
        print(t("cli.accepted", lang, file=path.name, rows=upload.rows, dataset=dataset))
        if upload.warnings:
            print(t("cli.warnings", lang, count=len(upload.warnings)))
            _print_problems(upload.warnings, lang, sys.stdout)
        if args.command == "validate":
            return 0
        try:
            version = uploads.commit_upload(store, upload, by=by)
        except StoreDamaged as exc:
            _print_damaged(exc.store_problems, lang)
            return 1
        except CommitRefused as exc:
            print(t("cli.refused", lang, file=path.name, count=len(exc.problems)), file=sys.stderr)
            _print_problems([p for p in exc.problems if isinstance(p, Problem)], lang, sys.stderr)
            return 1
        if version is None:
            print(t("cli.unchanged", lang, dataset=dataset))
        else:
            print(
                t(
                    "cli.imported",
                    lang,
                    dataset=dataset,
                    version=version.version,
                    rows=version.rows,
                    by=version.by,
                )
            )
        return 0

    if args.command == "history":
        versions = store.history(dataset or None)
        if not versions:
            print(t("cli.no_history", lang))
            return 0
        print(t("cli.history_header", lang))
        for v in versions:
            when = format_day(v.when.date(), lang, "medium") + v.when.strftime(" %H:%M")
            source = v.source + (f" (← v{v.from_version})" if v.from_version else "")
            by_name = plain_text(v.by) or "—"
            print(
                f"{v.dataset} | {v.version} | {when} | {by_name} | {v.rows} | {plain_text(source)}"
            )
        return 0

    if args.command == "rollback":
        if _refused_as_damaged(store, lang):
            return 1
        try:
            version = uploads.rollback(store, dataset, args.version, by=by)
        except KeyError:
            print(t("cli.no_version", lang, dataset=dataset, version=args.version), file=sys.stderr)
            return 1
        except StoreDamaged as exc:
            _print_damaged(exc.store_problems, lang)
            return 1
        except CommitRefused as exc:
            print(
                t("cli.refused", lang, file=f"{dataset} v{args.version}", count=len(exc.problems)),
                file=sys.stderr,
            )
            _print_problems([p for p in exc.problems if isinstance(p, Problem)], lang, sys.stderr)
            return 1
        if version is None:
            print(t("cli.unchanged", lang, dataset=dataset))
        else:
            print(
                t(
                    "cli.rolled_back",
                    lang,
                    dataset=dataset,
                    from_version=args.version,
                    version=version.version,
                )
            )
        return 0

    if args.command == "pack":
        return _pack(args, lang, store)

    if args.command == "adopt":
        if not isinstance(store, Store):
            # a database's current version is always a committed one
            print(t("cli_safety.adopt_database", lang, dataset=dataset), file=sys.stderr)
            return 1
        return _adopt(store, dataset, by, lang)

    # check
    if args.repair:
        before = [p for p in store.problems(deep=True) if p.code in REPAIRABLE]
        store.recover()
        after = [p for p in store.problems(deep=True) if p.code in REPAIRABLE]
        print(t("cli_safety.repaired", lang, count=len(before) - len(after)))
    from dashboard.views import documents

    kept = store.problems(deep=True) + documents.problems(store)
    notes = [p for p in kept if p.code in STORE_NOTES]
    serious = [p for p in kept if p.code not in STORE_NOTES]
    problems = uploads.check_folder(store)
    errors = [p for p in problems if p.severity == "error"]
    present = sum(1 for p in store.current_files().values() if p is not None)
    if errors or serious:
        count = len(errors) + len(serious)
        print(t("cli.check_failed", lang, folder=describe(store), count=count), file=sys.stderr)
        _print_store(serious + notes, lang, sys.stderr)
        _print_problems(problems, lang, sys.stderr)
        return 1
    print(t("cli.check_ok", lang, folder=describe(store), count=present))
    _print_store(notes, lang, sys.stdout)
    _print_problems(problems, lang, sys.stdout)
    return 0


# Store problems `check` prints without failing: nothing is wrong with the data.
STORE_NOTES = ("unlogged_version", "log_torn", "cache_damaged")
# What `check --repair` (the store's `recover()`) puts right.
REPAIRABLE = ("interrupted", "log_torn", "cache_damaged")


def _print_store(problems: Sequence[StoreProblem], lang: str, out: TextIO) -> None:
    for p in problems:
        print(f"  - {problem_text(p, lang)}", file=out)


def _refused_as_damaged(store: DataStore, lang: str) -> bool:
    """Refuse a write before reading anything for it while the store is damaged
    (its checks would read data that cannot be trusted)."""
    blocking = [p for p in store.problems() if p.blocking]
    if blocking:
        _print_damaged(blocking, lang)
    return bool(blocking)


def _print_damaged(problems: Sequence[StoreProblem], lang: str) -> None:
    database = any(p.detail == "database" for p in problems)
    key = "store_problem.damaged_refused_database" if database else "store_problem.damaged_refused"
    print(t(key, lang), file=sys.stderr)
    _print_store(problems, lang, sys.stderr)


def _adopt(store: Store, dataset: str, by: str, lang: str) -> int:
    """Save the current file as it is now (a hand edit staff accept) as a new
    version, once it passes the checks an import would."""
    name = f"{dataset}.csv"
    try:
        upload, version = uploads.adopt(store, dataset, by=by)
    except FileNotFoundError:
        print(t("cli.file_missing", lang, file=store.current_path(dataset)), file=sys.stderr)
        return 1
    except StoreDamaged as exc:
        _print_damaged(exc.store_problems, lang)
        return 1
    except CommitRefused as exc:
        print(t("cli.refused", lang, file=name, count=len(exc.problems)), file=sys.stderr)
        _print_problems([p for p in exc.problems if isinstance(p, Problem)], lang, sys.stderr)
        return 1
    if not upload.ok:
        print(t("cli.refused", lang, file=name, count=len(upload.errors)), file=sys.stderr)
        _print_problems(upload.problems + upload.broken, lang, sys.stderr)
        return 1
    if version is None:
        print(t("cli.unchanged", lang, dataset=dataset))
        return 0
    print(
        t(
            "cli_safety.adopted",
            lang,
            dataset=dataset,
            version=version.version,
            rows=version.rows,
            by=version.by,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
