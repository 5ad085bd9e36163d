"""Version diffs and downloadable files."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from dashboard import export, ingest
from dashboard.ingest import diff


def frame(text: str, dataset: str = "sites") -> pd.DataFrame:
    parsed = ingest.read_bytes(dataset, text.encode(), f"{dataset}.csv")
    assert parsed.ok
    return parsed.frame


def test_diff_added_removed_changed_cells() -> None:
    old = frame("site_id,name,lat\nolhain,Olhain,50.4\ncite,Cité,50.5\ngone,Gone,\n")
    new = frame("site_id,name,lat\nolhain,Olhain,50.43\ncite,Cité,50.5\nnew,New,1\n")
    d = diff.diff_frames(old, new, "sites")
    assert list(d.added["site_id"]) == ["new"]
    assert list(d.removed["site_id"]) == ["gone"]
    assert d.changed == [diff.CellChange(("olhain",), "lat", 50.4, 50.43)]
    assert d.counts() == {"added": 1, "removed": 1, "changed": 1}
    assert not d.empty


def test_diff_of_equal_frames_is_empty_and_missing_equals_missing() -> None:
    a = frame("site_id,name,lat\nolhain,Olhain,\n")
    assert diff.diff_frames(a, a.copy(), "sites").empty


def test_diff_uses_composite_keys() -> None:
    old = frame("evaluation,criterion_id,label,weight\ne,a,A,50\ne,b,B,50\n", "criteria")
    new = frame("evaluation,criterion_id,label,weight\ne,a,A,60\nf,b,B,50\n", "criteria")
    d = diff.diff_frames(old, new, "criteria")
    assert [c.key for c in d.changed] == [("e", "a")]
    assert list(d.added["evaluation"]) == ["f"] and list(d.removed["evaluation"]) == ["e"]


def test_formulas_are_neutralised_in_csv_and_xlsx() -> None:
    table = pd.DataFrame(
        {
            "name": ['=HYPERLINK("x")', "+33 3 21", "-5", "@SUM", "Olhain"],
            "amount": [1.5, -2.0, 3.0, 4.0, 5.0],
        }
    )
    text = export.csv_bytes(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+33 3 21" in text and "'-5" in text and "'@SUM" in text
    assert "\nOlhain," in text and ",-2.0" in text  # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes({"Classement": table})))
    sheet = book["Classement"]
    values = [sheet.cell(row=r, column=1).value for r in range(2, 7)]
    assert values == ['\'=HYPERLINK("x")', "'+33 3 21", "'-5", "'@SUM", "Olhain"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 7))
    assert sheet.cell(row=3, column=2).value == -2.0


def test_chart_images_are_real_files() -> None:
    import altair as alt

    from dashboard import charts

    chart = charts.finish(
        alt.Chart(pd.DataFrame({"d": ["2020-04-15"], "v": [1]}))
        .mark_point()
        .encode(x=alt.X("d:T", axis=alt.Axis(format="%B")), y="v:Q"),
        "fr",
    )
    png = export.chart_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    svg = export.chart_svg(chart).decode()
    assert svg.startswith("<svg") and "avril" in svg
