"""Markup planted in the data: every free-text column of every dataset gets the
same suffix of Markdown, HTML and bare addresses (references and keys stay
consistent), for the tests that check text from the data is shown as typed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dashboard.contract import DATASET_ORDER, get_dataset

# Each planted form, and the text it must show when it is shown as typed.
PLANTED = {
    "bold7": "**bold7**",
    "em7": "_em7_",
    "link7": "[link7](http://evil.example/l)",
    "img7": "![img7](http://evil.example/i.png)",
    "tag7": "<b>tag7</b>",
    "code7": "`code7`",
    "red7": ":red[red7]",
}
PAYLOAD = " ".join(
    [
        *PLANTED.values(),
        "<img src=http://evil.example/x.png>",
        "http://evil.example/bare",
        "www.evil.example",
    ]
)
# Columns that are references or codes with rules of their own: left as they are.
KEEP = {"depends_on", "country"}


def free_text_columns(dataset: str) -> list[str]:
    return [
        c.name
        for c in get_dataset(dataset).columns
        if c.type == "text" and not c.name.endswith("_id") and c.name not in KEEP
    ]


def plant(folder: Path) -> None:
    """Append the payload to every non-empty free-text cell (the same suffix
    everywhere, so references and keys made of those columns stay consistent)."""
    for dataset in DATASET_ORDER:
        path = folder / f"{dataset}.csv"
        if not path.exists():
            continue
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        columns = free_text_columns(dataset)
        for row in rows:
            for column in columns:
                if row.get(column):
                    row[column] = f"{row[column]} {PAYLOAD}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
