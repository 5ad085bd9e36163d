"""Files people download: chart images and tables (pure).

Tables are for spreadsheets, so a cell that a spreadsheet would run as a formula
(starting with =, +, -, @, or a tab / carriage return) is written as text.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import vl_convert as vlc

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The media type a browser is told for each kind of file the dashboard hands out.
MIME: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would evaluate, prefixed so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens accents right; formulas neutralised."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame; formulas neutralised."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def _spec(chart: Any) -> str:
    """An Altair chart or a Vega-Lite spec (dict) as JSON."""
    if hasattr(chart, "to_json"):
        return str(chart.to_json())
    return json.dumps(chart)


def chart_png(chart: Any, scale: float = 2.0) -> bytes:
    """The chart as PNG, drawn offline by vl-convert with the chart's own locale."""
    return bytes(vlc.vegalite_to_png(_spec(chart), scale=scale))


def chart_svg(chart: Any) -> bytes:
    return str(vlc.vegalite_to_svg(_spec(chart))).encode("utf-8")
