"""Which dataset a file or a sheet holds, from its headers or its sheet name (pure).

Staff may drop a file without saying what it is. Headers are compared with each
dataset's canonical and French headers the way ingest maps them (`ingest.fold`);
a dataset fits when every header names one of its columns and no required column
is missing. One fit is an answer; several equal fits, or none, are a question
for the person uploading.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard import ingest
from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.i18n import LANGS, t


@dataclass(frozen=True)
class Fit:
    """How well a header row fits one dataset."""

    dataset: str
    matched: int  # headers naming one of its columns
    unknown: int  # headers naming none of them
    missing: int  # required columns absent

    @property
    def fits(self) -> bool:
        return self.matched > 0 and self.unknown == 0 and self.missing == 0

    @property
    def score(self) -> int:
        return self.matched - self.unknown - self.missing


def fits(headers: Sequence[str]) -> list[Fit]:
    """Every dataset's fit to a header row, best first (contract order on ties)."""
    named = [h for h in (str(h).strip() for h in headers) if h]
    out: list[Fit] = []
    for name in DATASET_ORDER:
        dataset = get_dataset(name)
        index = ingest.header_index(dataset)
        found: set[str] = set()
        unknown = 0
        for header in named:
            canonical = index.get(ingest.fold(header))
            if canonical is None:
                unknown += 1
            else:
                found.add(canonical)
        missing = sum(1 for c in dataset.columns if c.required and c.name not in found)
        out.append(Fit(name, len(found), unknown, missing))
    order = {name: i for i, name in enumerate(DATASET_ORDER)}
    return sorted(out, key=lambda f: (not f.fits, -f.score, order[f.dataset]))


def from_headers(headers: Sequence[str]) -> str | None:
    """The one dataset these headers fit; None when none fits or several fit
    equally well (the person uploading is asked)."""
    fitting = [f for f in fits(headers) if f.fits]
    if not fitting:
        return None
    if len(fitting) > 1 and fitting[0].matched == fitting[1].matched:
        return None
    return fitting[0].dataset


_BRACKETS = re.compile(r"\(.*?\)")


def _names(dataset: str) -> set[str]:
    """A dataset's names as a sheet may carry them, folded."""
    names = {dataset}
    for lang in LANGS:
        label = t(f"datasets.{dataset}.name", lang)
        names.add(label)
        names.add(_BRACKETS.sub("", label))  # "Tâches (planning)" -> "Tâches"
    return {ingest.fold(n) for n in names if n.strip()}


def from_sheet_name(sheet: str) -> str | None:
    """The dataset a sheet is named after: canonical, French or English name."""
    key = ingest.fold(sheet)
    for name in DATASET_ORDER:
        if key in _names(name):
            return name
    return None


def csv_records(data: bytes) -> list[list[str]] | None:
    """A CSV upload split into records as ingest splits it (None: not a CSV text).

    Reading stops quietly at a quoting error: this is for recognising and
    previewing the file, ingest reports the error itself.
    """
    if ingest.sniff_kind(data) is not None:
        return None
    decoded = ingest.decode(data)
    if decoded is None:
        return None
    text = decoded[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=ingest.detect_separator(text))
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error:
        pass
    return records


def csv_headers(data: bytes) -> list[str]:
    """The first record of a CSV upload (empty when it has none)."""
    if ingest.sniff_kind(data) is not None:
        return []
    decoded = ingest.decode(data)
    if decoded is None:
        return []
    text = decoded[0]
    first = next(iter(io.StringIO(text, newline="")), "")
    try:
        return next(csv.reader([first.rstrip("\r\n")], delimiter=ingest.detect_separator(text)), [])
    except csv.Error:
        return []
