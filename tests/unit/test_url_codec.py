"""`app.decode`, the one reading of a URL parameter: a value that does not parse,
lies outside the widget's options or bounds, or is absurdly long is refused."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.ui.app import Refused, decode


@pytest.mark.parametrize(
    ("raw", "kind", "bounds", "expected"),
    [
        ("3", int, {"low": 1}, 3),
        ("+7", int, {}, 7),
        ("2020-05-01", date, {}, date(2020, 5, 1)),
        ("1", bool, {}, True),
        ("0", bool, {}, False),
        ("a,,b", list, {}, ["a", "b"]),
        ("median", str, {"options": ("mean", "median")}, "median"),
        ("overdue,done", list, {"options": ("overdue", "open", "done")}, ["overdue", "done"]),
        ("", str, {}, ""),
    ],
)
def test_values_that_fit_are_read(raw: str, kind: type, bounds: dict, expected: object) -> None:
    assert decode(raw, kind, **bounds) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "bounds"),
    [
        ("1e308", int, {}),
        ("nan", int, {}),
        ("inf", int, {}),
        ("-1", int, {}),
        ("0", int, {"low": 1}),
        ("99999999999999999999999", int, {}),
        ("1000000", int, {}),
        ("12", int, {"high": 10}),
        ("", int, {}),
        ("0001-01-01", date, {}),
        ("9999-12-31", date, {}),
        ("2020-02-30", date, {}),
        ("yes", bool, {}),
        ("x" * 201, str, {}),
        ("nul\x00", str, {}),
        ("sum", str, {"options": ("mean", "median")}),
        ("open,unknown", list, {"options": ("open", "done")}),
        ("a," * 3000, list, {}),
    ],
)
def test_values_that_do_not_fit_are_refused(raw: str, kind: type, bounds: dict) -> None:
    with pytest.raises(Refused):
        decode(raw, kind, **bounds)
