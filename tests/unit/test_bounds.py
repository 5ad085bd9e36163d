"""Dates far out in committed data (0001-01-01, 31/12/9990, 9999-12-31: typos from
before the upload checks) bound the work of the timeline and the pack instead of
raising or growing with the span."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dashboard import pack
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import timeline
from dashboard.views.reader import database_reader
from tests.conftest import copy_demo

SIT = date(2020, 4, 15)
EXTREMES = [
    ("0001-01-01", "2020-07-31"),
    ("2019-11-18", "9990-12-31"),
    ("0001-01-01", "9999-12-31"),
]


def committed_with(folder: Path, first: str, last: str) -> Path:
    """The demo with a task starting at `first` and another ending at `last`,
    committed as they were before the upload checks existed."""
    data = copy_demo(folder)
    rows = list(csv.reader(io.StringIO((data / "tasks.csv").read_text(encoding="utf-8"))))
    head = rows[0]
    rows[1][head.index("start")] = first
    rows[2][head.index("end")] = last
    rows[2][head.index("milestone")] = "false"
    rows[3][head.index("baseline_end")] = last
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    Store(data).commit("tasks", out.getvalue().encode(), by="x", source="x.csv", rows=len(rows) - 1)
    return data


@pytest.mark.parametrize(("first", "last"), EXTREMES)
@pytest.mark.parametrize("zoom", ["mission", "month"])
def test_the_timeline_builds_within_a_bounded_window(
    tmp_path: Path, first: str, last: str, zoom: str
) -> None:
    data = committed_with(tmp_path / "data", first, last)
    con = db.open_database(Store(data).current_files())
    model = timeline.build(database_reader(con, "staff"), timeline.State(situation=SIT, zoom=zoom))
    start, end = model.window
    assert (end - start).days <= 2 * timeline.SPAN_LIMIT_DAYS
    assert start <= SIT <= end
    tasks = model.rows[model.rows["kind"] == "task"]
    assert not tasks.empty
    # the bars drawn stay inside the window, their labels say the real dates
    drawn = [date.fromisoformat(s[:10]) for s in tasks["start"].dropna()]
    assert min(drawn) >= timeline.shift_days(start, -1)
    labels = " ".join(tasks["start_label"]) + " ".join(tasks["end_label"])
    assert str(int(first[:4])) in labels or str(int(last[:4])) in labels


def test_a_custom_window_from_the_url_is_bounded_too() -> None:
    state = timeline.State(
        situation=SIT, zoom="custom", start=date(1, 1, 1), end=date(9999, 12, 31)
    )
    found = timeline.Choices((), (), (), 0, (SIT, SIT))
    start, end = timeline.window_of(state, found)
    assert (end - start).days <= 2 * timeline.SPAN_LIMIT_DAYS


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_window_arithmetic_never_overflows(day: date) -> None:
    assert timeline.zoom_window("month", day, None, None)
    assert timeline.zoom_window("mission", day, day, day)
    assert timeline.add_months(day, 1) and timeline.add_months(day, -1)


def test_the_pack_finishes_on_a_folder_with_a_9990_date(tmp_path: Path) -> None:
    data = committed_with(tmp_path / "data", "2019-11-18", "9990-12-31")
    con = db.open_database(Store(data).current_files())
    read = pack.restricted(lambda name, **params: db.query(con, name, **params), "viewer")
    context = pack.context_for(Store(data), "fr", SIT, "viewer", ("choix-agence",))
    pdf = pack.build_pack(read, context)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert 3 <= len(pages) <= 40


@pytest.mark.parametrize(
    ("window", "most"),
    [
        ((date(2019, 11, 1), date(2020, 8, 1)), 24),
        ((date(2016, 1, 1), date(2021, 1, 1)), 24),
        ((date(2010, 4, 15), date(2030, 4, 15)), 24),
        ((date(1900, 1, 1), date(2199, 12, 31)), 24),
    ],
)
def test_a_long_window_gets_few_ticks(window: tuple[date, date], most: int) -> None:
    from dashboard.charts.gantt import tick_interval

    ticks = tick_interval(window)
    months = (window[1].year - window[0].year) * 12 + window[1].month - window[0].month
    per_tick = 1 if ticks == "month" else ticks["step"] * (12 if ticks["interval"] == "year" else 1)
    assert months / per_tick <= most + 1
    if months <= 24:
        assert ticks == "month"  # the usual mission keeps a tick a month
