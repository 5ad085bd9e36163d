"""The Gantt's rows and spec, from the timeline's model: grouping, milestones,
progress, links, critical path, ghosts of an earlier version."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import export
from dashboard.charts.gantt import GROUP_MARK, gantt_spec
from dashboard.views import timeline as tl
from tests.unit.test_timeline import canonical, reader

SIT = date(2020, 4, 15)


def tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task_id": ["P1", "A1", "A2", "M1", "P2"],
            "workstream": ["Pilotage", "Atelier", "Atelier", "Atelier", "Pilotage"],
            "name": ["Lancement", "Diagnostic", "Prototypes", "Ouverture", "Bilan"],
            "start": pd.to_datetime(
                ["2019-12-10", "2020-01-06", "2020-03-02", "2020-04-25", "2020-07-01"]
            ),
            "end": pd.to_datetime(
                ["2019-12-10", "2020-01-31", "2020-03-31", "2020-04-25", "2020-07-31"]
            ),
            "milestone": [True, False, False, True, False],
            "progress": [100.0, 100.0, 45.0, 0.0, 0.0],
            "status": [None] * 5,
            "owner": ["Agence"] * 5,
            "depends_on": [None, "P1", "A1", "A2", "M1"],
            "baseline_start": pd.to_datetime([None, None, "2020-03-02", "2020-03-21", None]),
            "baseline_end": pd.to_datetime([None, None, "2020-03-20", "2020-03-21", None]),
        }
    )


def model(frame: pd.DataFrame | None = None, **state: object) -> tl.Model:
    return tl.build(reader(tasks() if frame is None else frame), tl.State(SIT, **state))  # type: ignore[arg-type]


def test_rows_are_grouped_by_workstream_in_time_order() -> None:
    rows = model().rows
    assert list(rows["row"]) == [
        f"{GROUP_MARK}Pilotage",
        "Lancement",
        "Bilan",
        f"{GROUP_MARK}Atelier",
        "Diagnostic",
        "Prototypes",
        "Ouverture",
    ]
    by_id = rows.set_index("task_id")
    assert by_id.loc["M1", "milestone"] and not by_id.loc["A2", "milestone"]
    # a 30-day task 45 % done: the progress bar ends 13.5 days after its start
    assert by_id.loc["A2", "progress_end"].startswith("2020-03-15T12:00")
    assert by_id.loc["A2", "progress_label"] == "45 %"
    assert by_id.loc["A2", "end_at"] == "2020-04-01T00:00:00"  # the end day is included
    assert by_id.loc["A2", "state_label"] == "En retard"
    assert by_id.loc["A2", "slip_label"] == "+11 j"
    assert by_id.loc["M1", "slip_label"] == "+35 j"


def test_english_labels() -> None:
    rows = model(lang="en").rows.set_index("task_id")
    assert rows.loc["A2", "state_label"] == "Late"
    assert rows.loc["A2", "slip_label"] == "+11 d"
    assert rows.loc["A2", "start_label"] == "2 Mar 2020"


def test_duplicate_names_stay_apart() -> None:
    frame = tasks()
    frame.loc[frame["task_id"] == "P2", "name"] = "Lancement"
    rows = model(frame).rows
    assert "Lancement (P1)" in set(rows["row"]) and "Lancement (P2)" in set(rows["row"])


def test_links_and_critical_edges() -> None:
    found = model()
    # P1 and A1 are done: the path that can still slip starts at A2
    assert found.critical == ("A2", "M1", "P2")
    pairs = {(r["from_row"], r["to_row"]): r["critical"] for r in found.links.to_dict("records")}
    assert pairs == {
        ("Lancement", "Diagnostic"): False,
        ("Diagnostic", "Prototypes"): False,
        ("Prototypes", "Ouverture"): True,
        ("Ouverture", "Bilan"): True,
    }
    assert found.rows.set_index("task_id").loc["A2", "critical"]
    assert model(links=False).links.empty


def test_spec_has_situation_event_previous_and_french_locale(tmp_path: Path) -> None:
    old = tasks()
    old.loc[old["task_id"] == "A2", ["start", "end"]] = [
        pd.Timestamp("2020-03-01"),
        pd.Timestamp("2020-03-20"),
    ]
    frame = pd.concat(
        [
            tasks(),
            pd.DataFrame(
                {
                    "task_id": ["E"],
                    "workstream": ["Pilotage"],
                    "name": ["Mois noir 2020"],
                    "start": [pd.Timestamp("2020-05-28")],
                    "end": [pd.Timestamp("2020-06-30")],
                    "milestone": [False],
                    "progress": [0.0],
                }
            ),
        ]
    )
    compared = tl.Compared(1, date(2020, 3, 23), canonical(old, tmp_path / "0001.csv"))
    spec = model(frame, compared=compared).spec
    text = json.dumps(spec, ensure_ascii=False)
    assert "Mois noir" in text and "15 avr. 2020" in text
    assert "2020-03-21T00:00:00" in text  # the earlier version's end, drawn as a ghost
    assert spec["config"]["locale"]["time"]["months"][3] == "avril"
    assert spec["height"] == {"step": 24}
    assert model(scale=1.5).spec["height"] == {"step": 36}  # larger on a projector


def test_empty_plan_still_draws() -> None:
    found = model(tasks().iloc[0:0])
    assert "layer" in found.spec
    assert export.chart_svg(found.spec).startswith(b"<svg")
    assert "layer" in gantt_spec(found.rows, found.links, found.options)


def test_spec_is_valid_vega_lite_and_draws_french_months() -> None:
    """Rendered offline by vl-convert, which validates the spec against Vega-Lite."""
    svg = export.chart_svg(model().spec).decode()
    for text in ("avr. 2020", "Prototypes", "▾ Atelier", "45 %", "+11 j", "15 avr. 2020"):
        assert text in svg
    png = export.chart_png(model(lang="en").spec)
    assert png.startswith(b"\x89PNG")


def test_marks_are_clipped_to_the_window() -> None:
    found = model(zoom="custom", start=date(2020, 3, 15), end=date(2020, 5, 15))
    assert all(layer["mark"].get("clip") is True for layer in found.spec["layer"])
    no_baseline = replace(found.options, show_baseline=False)
    assert no_baseline != found.options


def test_tooltips_are_in_words_with_the_days_as_planned() -> None:
    spec = model().spec
    layers = spec["layer"]
    for layer in layers:
        tips = layer["encoding"].get("tooltip")
        if tips is None:
            assert layer["mark"].get("tooltip", "unset") is None  # no raw field names
            continue
        for tip in tips:
            assert tip.get("title") and not tip["title"].startswith(("baseline_", "end_at"))
    baseline = next(
        lay for lay in layers if lay["encoding"].get("x", {}).get("field") == "baseline_start"
    )
    assert [tip["title"] for tip in baseline["encoding"]["tooltip"]] == ["Tâche", "Plan initial"]
    rows = {r.get("name"): r for r in spec["datasets"]["rows"]}
    # the day as written in the plan, not the day after (the bar's end instant)
    assert rows["Prototypes"]["baseline_label"] == "2 mars 2020 – 20 mars 2020"
    assert rows["Prototypes"]["baseline_end_at"].startswith("2020-03-21")


def test_a_task_starting_before_its_dependency_ends_is_warned_and_marked() -> None:
    frame = tasks()
    # the prototypes now start in January, before the diagnosis they depend on ends
    frame.loc[frame["task_id"] == "A2", "start"] = pd.Timestamp("2020-01-20")
    found = model(frame)
    assert found.conflicts == (
        "A2 Prototypes commence le 20 janvier 2020, avant la fin de "
        "A1 Diagnostic (31 janvier 2020) dont elle dépend.",
    )
    rows = {r.get("name"): r for r in found.spec["datasets"]["rows"]}
    assert rows["Prototypes"]["conflict"].startswith("A2 Prototypes commence")
    assert rows["Diagnostic"]["conflict"] == ""
    outlined = [lay for lay in found.spec["layer"] if "datum.conflict" in str(lay.get("transform"))]
    assert len(outlined) == 1 and outlined[0]["mark"]["stroke"] == "#c62828"
    assert model().conflicts == ()  # the plan as it is: every dependency met


def test_what_a_screen_reader_says_of_a_bar_is_in_words() -> None:
    spec = model().spec
    rows = {r.get("name"): r for r in spec["datasets"]["rows"]}
    assert (
        rows["Diagnostic"]["description"] == "Diagnostic · 6 janv. 2020 – 31 janv. 2020 · Terminé"
    )
    described = [lay for lay in spec["layer"] if "description" in lay["encoding"]]
    assert len(described) == 2  # the bars and the milestones
    svg = export.chart_svg(spec).decode()
    assert "end_at" not in svg and "Diagnostic · 6 janv. 2020 – 31 janv. 2020" in svg
