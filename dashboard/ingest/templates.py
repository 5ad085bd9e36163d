"""Templates staff fill in: one per dataset, French or English headers (pure).

A template holds the header row and one example row (the contract's
`example`), written the way a spreadsheet on that language's settings writes
it: in French, semicolons, day-first dates, decimal commas and French labels;
in English, the canonical forms. Both are read back by ingest as they are. The
columns are described (type, required, default, allowed values, format) in a
second sheet of the workbook and in a table of their own for the CSV.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dashboard import ingest
from dashboard.contract import Column, get_dataset
from dashboard.i18n import dataset_label, normalise_lang, t

# Rows of the data sheet that get the drop-down lists of allowed values.
VALIDATED_ROWS = 1000


def header(column: Column, lang: str) -> str:
    """The header a template writes: the French header, or the canonical name."""
    return column.fr if normalise_lang(lang) == "fr" else column.name


def headers(dataset: str, lang: str) -> list[str]:
    return [header(c, lang) for c in get_dataset(dataset).columns]


def _choice(column: Column, value: str, lang: str) -> str:
    return dict(column.choices).get(value, value) if normalise_lang(lang) == "fr" else value


def example_text(column: Column, value: str, lang: str) -> str:
    """An example cell as a spreadsheet on the language's settings writes it."""
    if value == "" or normalise_lang(lang) != "fr":
        return value
    if column.type == "date":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if column.type in ("number", "integer"):
        return value.replace(".", ",")
    if column.type == "boolean":
        return "oui" if ingest.parse_boolean(value) else "non"
    if column.type == "enum":
        return _choice(column, value, lang)
    return value


def example_row(dataset: str, lang: str) -> list[str]:
    spec = get_dataset(dataset)
    return [example_text(c, spec.example.get(c.name, ""), lang) for c in spec.columns]


def separator(lang: str) -> str:
    # French Excel splits a CSV on semicolons, English Excel on commas.
    return ";" if normalise_lang(lang) == "fr" else ","


def template_csv(dataset: str, lang: str) -> bytes:
    """Header and example row; UTF-8 with BOM so Excel shows the accents."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator(lang), lineterminator="\r\n")
    writer.writerow(headers(dataset, lang))
    writer.writerow(example_row(dataset, lang))
    return out.getvalue().encode("utf-8-sig")


# --- the columns described ----------------------------------------------------------


def allowed(column: Column, lang: str) -> str:
    if column.type == "enum":
        if normalise_lang(lang) == "fr":
            return ", ".join(f"{label} ({value})" for value, label in column.choices)
        return ", ".join(f"{value} ({label})" for value, label in column.choices)
    if column.type == "boolean":
        return t("data_page.allowed_boolean", lang)
    return ""


def _notes(dataset: str, column: Column, lang: str) -> str:
    spec = get_dataset(dataset)
    notes = []
    if column.name in spec.key:
        key = "data_page.note_unique" if len(spec.key) == 1 else "data_page.note_unique_together"
        together = ", ".join(header(spec.column(k), lang) for k in spec.key)
        notes.append(t(key, lang, columns=together))
    if column.personal:
        notes.append(t("data_page.note_personal", lang))
    return " ".join(notes)


def describe(dataset: str, lang: str) -> pd.DataFrame:
    """One line per column: what to write in it."""
    spec = get_dataset(dataset)
    other = "fr" if normalise_lang(lang) != "fr" else "en"
    yes, no = t("data_page.yes", lang), t("data_page.no", lang)
    rows = []
    for column in spec.columns:
        default = column.default or ""
        if column.type == "enum" and default:
            default = _choice(column, default, lang)
        rows.append(
            {
                t("data_page.col_header", lang): header(column, lang),
                t("data_page.col_also", lang): header(column, other),
                t("data_page.col_type", lang): t(f"data_page.type_{column.type}", lang),
                t("data_page.col_required", lang): yes if column.required else no,
                t("data_page.col_default", lang): example_text(column, default, lang),
                t("data_page.col_allowed", lang): allowed(column, lang),
                t("data_page.col_format", lang): t(f"data_page.format_{column.type}", lang),
                t("data_page.col_example", lang): example_text(
                    column, spec.example.get(column.name, ""), lang
                ),
                t("data_page.col_notes", lang): _notes(dataset, column, lang),
            }
        )
    return pd.DataFrame(rows)


def describe_csv(dataset: str, lang: str) -> bytes:
    out = io.StringIO()
    describe(dataset, lang).to_csv(out, index=False, sep=separator(lang), lineterminator="\r\n")
    return out.getvalue().encode("utf-8-sig")


# --- the workbook -------------------------------------------------------------------------


def sheet_name(dataset: str, lang: str) -> str:
    """The data sheet's name: the dataset's name, which the upload recognises."""
    name = dataset_label(dataset, lang)
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]


def readme_sheet(lang: str) -> str:
    return t("data_page.readme_sheet", lang)


def example_value(column: Column, value: str, lang: str) -> object:
    """An example cell typed as a spreadsheet holds it (dates as dates, numbers as numbers)."""
    if value == "":
        return None
    if column.type == "date":
        return date.fromisoformat(value)
    if column.type == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if column.type == "integer":
        return int(value)
    if column.type == "boolean":
        return ingest.parse_boolean(value)
    if column.type == "enum":
        return _choice(column, value, lang)
    return value


def _list_formula(values: list[str]) -> str | None:
    # A spreadsheet list is written inside quotes, comma-separated, 255 characters at most.
    if any("," in v or '"' in v for v in values):
        return None
    text = ",".join(values)
    return f'"{text}"' if len(text) <= 255 else None


def template_xlsx(dataset: str, lang: str) -> bytes:
    """The data sheet (header, example row, drop-down lists) and a sheet describing it."""
    spec = get_dataset(dataset)
    book = Workbook()
    data = book.active
    assert data is not None
    data.title = sheet_name(dataset, lang)
    data.append(headers(dataset, lang))
    data.append([example_value(c, spec.example.get(c.name, ""), lang) for c in spec.columns])
    date_format = "DD/MM/YYYY" if normalise_lang(lang) == "fr" else "YYYY-MM-DD"
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        data[f"{letter}1"].font = Font(bold=True)
        data.column_dimensions[letter].width = max(12, len(header(column, lang)) + 4)
        if column.type == "date":
            data[f"{letter}2"].number_format = date_format
        choices: list[str] = []
        if column.type == "enum":
            choices = [_choice(column, v, lang) for v in column.values]
        elif column.type == "boolean":
            choices = ["oui", "non"] if normalise_lang(lang) == "fr" else ["true", "false"]
        formula = _list_formula(choices) if choices else None
        if formula:
            check = DataValidation(type="list", formula1=formula, allow_blank=True)
            check.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            data.add_data_validation(check)
    data.freeze_panes = "A2"

    about = book.create_sheet(readme_sheet(lang))
    described = describe(dataset, lang)
    about.append(list(described.columns))
    for record in described.itertuples(index=False):
        about.append(list(record))
    for i, name in enumerate(described.columns, start=1):
        letter = get_column_letter(i)
        about[f"{letter}1"].font = Font(bold=True)
        longest = max([len(str(name)), *(len(str(v)) for v in described[name])])
        about.column_dimensions[letter].width = min(max(12, longest + 2), 60)
    about.freeze_panes = "A2"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
