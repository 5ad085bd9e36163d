"""Upload speed and hostile files, each answered in a fresh process (not part of the tests):

    python -m bench.ingest [--runs 3] [--only NAMES]

Cases (the targets of the upload path):
- `french_100`, `french_100k`: a stakeholders file as French Excel saves it
  (Windows-1252, `;`, CRLF, French headers and labels, decimal commas), checked
  and committed; target: 100,000 rows <= 2 s and <= 2.5x the 100-row file.
- `kpis_1m`: 1,000,000 valid indicator readings (canonical CSV) checked and
  committed; target <= 15 s, peak memory <= 600 MiB.
- hostile files, each answered (refused) <= 5 s with peak memory <= 300 MiB
  and the data folder unchanged: `errors_1m` (an error on each of 1,000,000
  rows), `csv_16384_columns`, `xlsx_unpacks_big` (a small workbook unpacking
  to hundreds of MB), `xlsx_16384_columns`, `xlsx_1000_sheets`,
  `xlsx_entities` (an entity expansion bomb).

Each case runs in its own child process; its time is measured inside the child
(after imports, from the bytes to the answer) and its peak memory is the child's
`ru_maxrss` (from `os.wait4`). The child's own wall time, imports included, is
reported too.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024

TARGETS = {
    "french_100k": {"seconds": 2.0, "ratio_to_french_100": 2.5},
    "kpis_1m": {"seconds": 15.0, "peak_mib": 600},
    "hostile": {"seconds": 5.0, "peak_mib": 300},
}
HOSTILE = (
    "errors_1m",
    "csv_16384_columns",
    "xlsx_unpacks_big",
    "xlsx_16384_columns",
    "xlsx_1000_sheets",
    "xlsx_entities",
)


# --- files ------------------------------------------------------------------------------


def base_folder(target: Path) -> Path:
    """A demo-sized data folder (its sites are what uploads refer to)."""
    from bench.generate import generate

    generate(target, 1)
    return target


def ids(folder: Path, dataset: str, column: str) -> list[str]:
    with (folder / f"{dataset}.csv").open(encoding="utf-8", newline="") as fh:
        return [r[column] for r in csv.DictReader(fh)]


ENGAGEMENT_FR = ("identifié", "contacté", "engagé", "partenaire", "refus")
CATEGORIES = ("restaurateur", "boulanger", "artisan", "producteur", "équipement")


def french_stakeholders(rows: int, sites: list[str], known: list[str]) -> bytes:
    """Stakeholders as French Excel writes them; the first ones keep the folder's
    identifiers (projects refer to them)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            *("Identifiant", "Nom", "Catégorie", "Commune", "Pays", "Latitude", "Longitude"),
            *("Territoire", "Influence", "Intérêt", "Engagement", "Site"),
        ]
    )
    for i in range(rows):
        lat = f"{50 + (i % 1000) / 1000:.4f}".replace(".", ",")
        lon = f"{2 + (i % 997) / 1000:.4f}".replace(".", ",")
        writer.writerow(
            [
                known[i] if i < len(known) else f"S{i:07d}",
                f"Maison Lefèvre n° {i}",
                CATEGORIES[i % len(CATEGORIES)],
                "Liévin",
                "FR",
                lat,
                lon,
                "Lens-Liévin",
                str(1 + i % 5),
                str(1 + (i // 5) % 5),
                ENGAGEMENT_FR[i % len(ENGAGEMENT_FR)],
                sites[i % len(sites)],
            ]
        )
    return out.getvalue().encode("cp1252")


def kpi_rows(rows: int, sites: list[str], value: Callable[[int], str]) -> bytes:
    """Indicator readings, canonical CSV, each (site, indicator, date) once."""
    from datetime import date, timedelta

    days = 1000
    per_site = -(-rows // (len(sites) * days))
    start = date(2020, 1, 1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site_id", "kpi", "date", "value", "target", "unit"])
    n = 0
    for site in sites:
        for k in range(per_site):
            for d in range(days):
                if n == rows:
                    return out.getvalue().encode("utf-8")
                day = (start + timedelta(days=d)).isoformat()
                writer.writerow([site, f"Indicateur {k}", day, value(n), "18", "plats"])
                n += 1
    return out.getvalue().encode("utf-8")


def csv_wide(columns: int) -> bytes:
    header = ",".join(f"col{i}" for i in range(columns))
    row = ",".join("x" for _ in range(columns))
    return f"{header}\n{row}\n{row}\n".encode()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheets: list[bytes], prolog: bytes = b"") -> bytes:
    """A minimal workbook whose worksheets' XML bodies (<sheetData> content) are given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        types = "".join(_SHEET_TYPE.format(n=i + 1) for i in range(len(sheets)))
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=types))
        z.writestr("_rels/.rels", _ROOT_RELS)
        listed = "".join(
            f'<sheet name="Feuille{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i in range(len(sheets))
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets>{listed}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships '
            f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        for i, body in enumerate(sheets):
            with z.open(f"xl/worksheets/sheet{i + 1}.xml", "w") as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?>' + prolog)
                fh.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
                fh.write(body)
                fh.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _row(n: int | None, cells: list[str]) -> bytes:
    number = "" if n is None else f' r="{n}"'
    return (
        f"<row{number}>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    ).encode() + b"</row>"


def xlsx_big(unpacked_mib: int) -> bytes:
    row = _row(None, ["S1", "Louvre-Lens", "institution"] * 10)
    count = unpacked_mib * MIB // len(row)
    return xlsx([_row(1, ["identifiant", "nom", "catégorie"]) + row * count])


def xlsx_wide(columns: int) -> bytes:
    return xlsx([_row(1, [f"c{i}" for i in range(columns)]) + _row(2, ["x"] * columns)])


def xlsx_many_sheets(sheets: int) -> bytes:
    return xlsx([_row(1, ["identifiant", "nom"]) + _row(2, ["s1", "Site"])] * sheets)


def xlsx_entities() -> bytes:
    lol = ['<!ENTITY a0 "lollollollollollollollollollol">']
    for i in range(1, 10):
        lol.append(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">')
    prolog = ("<!DOCTYPE worksheet [" + "".join(lol) + "]>").encode()
    return xlsx(
        [
            _row(1, ["identifiant", "nom"])
            + b'<row r="2"><c t="inlineStr"><is><t>&a9;</t></is></c></row>'
        ],
        prolog,
    )


# --- the child: one answer, timed ----------------------------------------------------------


def child(kind: str, file: Path, folder: Path) -> dict[str, Any]:
    """In a fresh process: the answer to one file, as the CLI (a CSV file) or the data
    page (a workbook) gives it; only the modules that path loads are imported."""
    os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    from dashboard.ingest import uploads
    from dashboard.store import Store

    store = Store(folder)
    data = file.read_bytes()
    # a server has answered uploads before: the first call's one-off costs
    # (lazy imports, the SQL files read) are not the file's
    uploads.check_upload(store, "sites", b"site_id,name\ns1,Site\n", "warm-up.csv")
    start = time.perf_counter()
    cpu = time.process_time()
    out: dict[str, Any] = {}
    if kind.startswith("csv:"):
        upload = uploads.check_upload(store, kind[4:], data, file.name)
        checked = time.perf_counter()
        out["check_s"] = round(checked - start, 3)
        out["accepted"] = upload.ok
        out["problems_kept"] = len(upload.problems)
        out["codes"] = sorted({p.code for p in upload.errors})[:5]
        if upload.ok:
            version = uploads.commit_upload(store, upload, by="bench")
            out["committed"] = version is not None
            out["commit_s"] = round(time.perf_counter() - checked, 3)
        out["rows"] = upload.rows
    else:
        from dashboard.ingest import staging, workbook

        book = workbook.read_workbook(data, file.name)
        out["codes"] = sorted({p.code for p in book.problems})
        parsed = [workbook.parse_sheet(file.name, s, s.dataset) for s in book.sheets if s.dataset]
        if parsed:
            batch = staging.judge_all(store, parsed[:1])
            out["accepted"] = batch.ok
            out["codes"] += sorted({p.code for p in batch.errors})[:5]
        else:
            out["accepted"] = False
    out["total_s"] = round(time.perf_counter() - start, 3)
    # CPU of every thread of the process: steadier than wall time on a shared machine
    out["cpu_s"] = round(time.process_time() - cpu, 3)
    return out


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_child(kind: str, file: Path, folder: Path) -> dict[str, Any]:
    """One child process; its answer, wall time and peak RSS (ru_maxrss of that child)."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest", "--child", kind, str(file), str(folder)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=stdout,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        text = stdout.read().decode()
        if process.returncode != 0:
            return {"error": stderr.read().decode()[-800:]}
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    result["process_wall_s"] = round(wall, 2)
    result["peak_mib"] = round(usage.ru_maxrss / 1024, 1)  # Linux: KiB
    return result


def measure(kind: str, file: Path, base: Path, tmp: Path, runs: int) -> dict[str, Any]:
    """Median of `runs` children, each on a fresh copy of the base folder."""
    results = []
    for i in range(runs):
        folder = tmp / f"folder-{file.stem}-{i}"
        shutil.copytree(base, folder)
        before = folder_digest(folder)
        result = run_child(kind, file, folder)
        result["folder_unchanged"] = folder_digest(folder) == before
        shutil.rmtree(folder)
        if "error" in result:
            return result
        results.append(result)
    out = dict(results[-1])
    for key in ("check_s", "commit_s", "total_s", "cpu_s", "process_wall_s", "peak_mib"):
        values = [r[key] for r in results if key in r]
        if values:
            out[key] = round(statistics.median(values), 3)
    out["file_mib"] = round(file.stat().st_size / MIB, 1)
    out["runs"] = len(results)
    return out


def makers(base: Path) -> dict[str, tuple[str, Callable[[], bytes], str]]:
    """Each case: how its file is answered, how it is made, its extension."""
    sites = ids(base, "sites", "site_id")
    known = ids(base, "stakeholders", "stakeholder_id")
    return {
        "french_100": ("csv:stakeholders", lambda: french_stakeholders(100, sites, known), "csv"),
        "french_100k": (
            "csv:stakeholders",
            lambda: french_stakeholders(100_000, sites, known),
            "csv",
        ),
        "kpis_1m": ("csv:kpis", lambda: kpi_rows(1_000_000, sites, lambda n: str(n % 97)), "csv"),
        "errors_1m": ("csv:kpis", lambda: kpi_rows(1_000_000, sites, lambda n: "douze"), "csv"),
        "csv_16384_columns": ("csv:sites", lambda: csv_wide(16_384), "csv"),
        "xlsx_unpacks_big": ("xlsx", lambda: xlsx_big(300), "xlsx"),
        "xlsx_16384_columns": ("xlsx", lambda: xlsx_wide(16_384), "xlsx"),
        "xlsx_1000_sheets": ("xlsx", lambda: xlsx_many_sheets(1000), "xlsx"),
        "xlsx_entities": ("xlsx", xlsx_entities, "xlsx"),
    }


def bench(runs: int = 3, only: set[str] | None = None) -> dict[str, Any]:
    """Every case. Files are made in their own process too: a child's `ru_maxrss`
    starts from its parent's at the fork, so the parent stays small."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as name:
        tmp = Path(name)
        base = tmp / "base"
        _python("--make-base", str(base))
        results: dict[str, Any] = {}
        for case, (kind, _, ext) in makers(base).items():
            if only is not None and case not in only:
                continue
            file = tmp / f"{case}.{ext}"
            _python("--make", case, str(base), str(file))
            started = time.perf_counter()
            results[case] = measure(kind, file, base, tmp, 1 if case in HOSTILE else runs)
            file.unlink()
            print(f"  {case}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    small, large = results.get("french_100", {}), results.get("french_100k", {})
    if "total_s" in small and "total_s" in large and small["total_s"]:
        large["ratio_to_french_100"] = round(large["total_s"] / small["total_s"], 2)
    return {"targets": TARGETS, "results": results, "verdict": verdict(results)}


def _python(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench.ingest", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )


def verdict(results: dict[str, Any]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    large = results.get("french_100k", {})
    if "total_s" in large:
        out["french_100k"] = large["total_s"] <= 2.0 and large.get("ratio_to_french_100", 99) <= 2.5
    kpis = results.get("kpis_1m", {})
    if "total_s" in kpis:
        out["kpis_1m"] = (
            kpis["total_s"] <= 15.0 and kpis["peak_mib"] <= 600 and bool(kpis.get("committed"))
        )
    for name in HOSTILE:
        r = results.get(name, {})
        if "total_s" in r:
            out[name] = (
                r["total_s"] <= 5.0
                and r["peak_mib"] <= 300
                and r["folder_unchanged"]
                and not r["accepted"]
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=None, help="comma-separated case names")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "FILE", "FOLDER"))
    parser.add_argument("--make", nargs=3, metavar=("CASE", "BASE", "FILE"))
    parser.add_argument("--make-base", metavar="FOLDER")
    args = parser.parse_args(argv)
    if args.make_base:
        base_folder(Path(args.make_base))
        return 0
    if args.make:
        case, base, file = args.make
        Path(file).write_bytes(makers(Path(base))[case][1]())
        return 0
    if args.child:
        kind, file, folder = args.child
        print(json.dumps(child(kind, Path(file), Path(folder))))
        return 0
    only = set(args.only.split(",")) if args.only else None
    print(json.dumps(bench(args.runs, only), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
