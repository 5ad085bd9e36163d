"""French / English texts and locale formatting.

Texts live in one catalogue per language, `dashboard/locales/<lang>/*.toml`
(a file per page or room, merged); French is the default. Dates, numbers and
euros are formatted with Babel for the locale. Mission content (task names,
comments...) is data and is never translated.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberPattern, format_currency, format_percent, parse_pattern

LANGS: tuple[str, ...] = ("fr", "en")
DEFAULT_LANG = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_DIR = Path(__file__).with_name("locales")


def _flatten(prefix: str, tree: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), out)
    return out


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled."""
    texts = catalogue(normalise_lang(lang))
    text = texts.get(key)
    if text is None:
        text = catalogue(DEFAULT_LANG).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has(key: str, lang: str = DEFAULT_LANG) -> bool:
    return key in catalogue(normalise_lang(lang))


def locale(lang: str) -> str:
    return _LOCALES[normalise_lang(lang)]


# A chart's labels repeat the same days (a Gantt names each bar's two days), and
# Babel takes about 20 µs a date: the days a session shows are kept formatted.
@lru_cache(maxsize=4096)
def format_day(value: date, lang: str, style: str = "long") -> str:
    """'15 avril 2020' / '15 April 2020' (style: short, medium, long, full); the
    first of a month in French words is '1er' ('1er décembre 2020')."""
    text = _babel_date(value, format=style, locale=locale(lang))
    if value.day == 1 and style != "short" and normalise_lang(lang) == "fr":
        text = re.sub(r"(?<!\d)1(?=[ \u00a0])", "1er", text, count=1)
    return text


@cache
def _pattern(lang: str, pattern: str) -> tuple[NumberPattern, Locale]:
    """A number pattern and the locale it is applied in, parsed once: Babel's
    `format_decimal` / `format_currency` parse both on every call, which was half
    of a formatted figure's cost (tables format hundreds of them per rerun)."""
    return parse_pattern(pattern), Locale.parse(locale(lang))


def format_number(value: float, lang: str, digits: int = 0) -> str:
    number, where = _pattern(lang, "#,##0" + ("." + "0" * digits if digits else ""))
    return str(number.apply(value, where))


def format_eur(value: float, lang: str, cents: bool = False) -> str:
    """'12 500 €' in French, '€12,500' in English."""
    if cents:
        return format_currency(value, "EUR", locale=locale(lang))
    pattern = "¤#,##0" if normalise_lang(lang) == "en" else "#,##0\u00a0¤"
    number, where = _pattern(lang, pattern)
    return str(number.apply(value, where, currency="EUR", currency_digits=False))


def format_pct(value: float, lang: str) -> str:
    """A share (0.42) as '42 %' / '42%'."""
    return format_percent(value, locale=locale(lang))


def column_label(dataset: str, column: str, lang: str) -> str:
    """A column's name on screen: the French header in French, an English label else."""
    from dashboard.contract import get_dataset

    if normalise_lang(lang) == "fr":
        return get_dataset(dataset).column(column).fr
    return catalogue("en").get(f"columns.{column}", column)


def dataset_label(dataset: str, lang: str) -> str:
    return t(f"datasets.{dataset}.name", lang)


def choice_label(dataset: str, column: str, value: str, lang: str) -> str:
    """An enum value on screen, while the data stays canonical."""
    from dashboard.contract import get_dataset

    if normalise_lang(lang) == "fr":
        return dict(get_dataset(dataset).column(column).choices).get(value, value)
    return value.replace("_", " ")


def column_heading(dataset: str, column: str, lang: str) -> str:
    """A column's name as a table's heading: `column_label` with a capital, as a
    word heads a column ('Intitulé', not the contract's 'intitulé')."""
    label = column_label(dataset, column, lang)
    return label[:1].upper() + label[1:]
