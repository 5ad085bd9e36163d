"""The Gantt's rows and spec: grouping, milestones, progress, links, critical path."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from dashboard import export, status
from dashboard.gantt import GROUP_MARK, GanttOptions, gantt_rows, gantt_spec, link_rows

SIT = date(2020, 4, 15)


def tasks() -> pd.DataFrame:
    frame = pd.DataFrame(
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
    return status.with_states(frame, SIT)


def test_rows_are_grouped_by_workstream_in_time_order() -> None:
    rows = gantt_rows(tasks(), GanttOptions(lang="fr"))
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
    assert by_id.loc["A2", "state"] == "late" and by_id.loc["A2", "state_label"] == "En retard"
    assert by_id.loc["A2", "slip"] == 11 and by_id.loc["A2", "slip_label"] == "+11 j"
    assert by_id.loc["M1", "slip_label"] == "+35 j"


def test_english_labels() -> None:
    rows = gantt_rows(tasks(), GanttOptions(lang="en")).set_index("task_id")
    assert rows.loc["A2", "state_label"] == "Late"
    assert rows.loc["A2", "slip_label"] == "+11 d"
    assert rows.loc["A2", "start_label"] == "2 Mar 2020"


def test_duplicate_names_stay_apart() -> None:
    frame = tasks()
    frame.loc[frame["task_id"] == "P2", "name"] = "Lancement"
    rows = gantt_rows(frame, GanttOptions())
    assert "Lancement (P1)" in set(rows["row"]) and "Lancement (P2)" in set(rows["row"])


def test_links_and_critical_edges() -> None:
    frame = tasks()
    rows = gantt_rows(frame, GanttOptions(critical=["P1", "A1", "A2"]))
    links = link_rows(frame, rows, ["P1", "A1", "A2"])
    pairs = {(r["from_row"], r["to_row"]): r["critical"] for r in links.to_dict("records")}
    assert pairs == {
        ("Lancement", "Diagnostic"): True,
        ("Diagnostic", "Prototypes"): True,
        ("Prototypes", "Ouverture"): False,
        ("Ouverture", "Bilan"): False,
    }
    assert rows.set_index("task_id").loc["A1", "critical"]


def test_spec_has_situation_event_previous_and_french_locale() -> None:
    options = GanttOptions(
        lang="fr",
        situation=SIT,
        event=("Mois noir", date(2020, 5, 28), date(2020, 6, 30)),
        critical=["P1", "A1"],
        previous={"A2": (date(2020, 3, 1), date(2020, 3, 20))},
        window=(date(2019, 12, 1), date(2020, 8, 7)),
    )
    spec = gantt_spec(tasks(), options)
    text = json.dumps(spec, ensure_ascii=False)
    assert "Mois noir" in text and "15 avr. 2020" in text
    assert "2020-03-21T00:00:00" in text  # the earlier version's end, drawn as a ghost
    assert spec["config"]["locale"]["time"]["months"][3] == "avril"
    assert spec["height"] == {"step": 24}


def test_empty_plan_still_draws() -> None:
    spec = gantt_spec(tasks().iloc[0:0], GanttOptions())
    assert "layer" in spec
    assert export.chart_svg(spec).startswith(b"<svg")


def test_spec_is_valid_vega_lite_and_draws_french_months() -> None:
    """Rendered offline by vl-convert, which validates the spec against Vega-Lite."""
    options = GanttOptions(
        lang="fr",
        situation=SIT,
        critical=["P1", "A1"],
        previous={"A2": (date(2020, 3, 1), date(2020, 3, 20))},
    )
    svg = export.chart_svg(gantt_spec(tasks(), options)).decode()
    for text in ("avr. 2020", "Prototypes", "▾ Atelier", "45 %", "+11 j", "15 avr. 2020"):
        assert text in svg
    png = export.chart_png(gantt_spec(tasks(), GanttOptions(lang="en")))
    assert png.startswith(b"\x89PNG")


def test_marks_are_clipped_to_the_window() -> None:
    spec = gantt_spec(tasks(), GanttOptions(window=(date(2020, 3, 15), date(2020, 5, 15))))
    assert all(layer["mark"].get("clip") is True for layer in spec["layer"])
