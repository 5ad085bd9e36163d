"""Layout pieces several pages draw the same way (Streamlit glue, no data access)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from dashboard.domain.sites import CardText
from dashboard.i18n import t
from dashboard.store import DocumentDamaged, DocumentsUnavailable
from dashboard.ui import safe
from dashboard.views import figures
from dashboard.views.refusal import Refused

T = TypeVar("T")


def figure_metric(where: Any, found: figures.Headline, key: str, lang: str) -> None:
    """A headline figure as every page shows it: its label, its value and its
    definition as help (`views.figures`)."""
    where.metric(
        figures.label(key, lang),
        figures.value_text(found, key, lang),
        help=figures.definition(key, lang),
    )


def site_card(text: CardText, extra: Iterable[str] = ()) -> None:
    """A site's compact card: title, state, progress, next milestone, facts."""
    st.markdown(f"**{safe.md(text.title)}**")
    st.markdown(safe.md(text.state))
    if text.progress is not None:
        st.progress(text.progress, text=safe.md(text.progress_text))
    st.caption(safe.md(text.milestone))
    for line in [*text.facts, *extra]:
        st.caption(safe.md(line))


def blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing texts as empty cells: a table would otherwise write 'None' in them."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        present = list(values.dropna())
        if present and all(isinstance(v, str) for v in present):  # text, not dates
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out


NARROW_CSS = Path(__file__).resolve().parents[1] / "static" / "narrow.css"


def narrow_layout() -> None:
    """The style that swaps a wide drawing for its narrow-screen form (keyed
    containers `*_gantt` / `*_agenda`) below 640 px."""
    st.html(NARROW_CSS)


GLOSSARY = ("mois_noir", "parcours_noir", "carin", "all")


def glossary(lang: str) -> None:
    """The mission's own words (mois noir, Parcours noir, Carin gourmand, ALL),
    explained for a reader who does not know them."""
    from dashboard.i18n import t

    with st.expander(t("glossary.title", lang), icon="📖"):
        for term in GLOSSARY:
            st.markdown(t(f"glossary.{term}", lang))


# --- saving to the store's documents (saved scenarios, attendees) --------------------


def document_change(change: Callable[[], T], box: str, unreadable: str, lang: str) -> T | None:
    """Run `change`, a save to one of the store's documents (in a button's callback),
    and return what it returns. When the save is refused, or the document cannot be
    read (`unreadable`: the message key) or written, nothing was written: why is left
    as `box`'s message (shown by `show_message`) and None is returned."""
    try:
        return change()
    except (Refused, DocumentsUnavailable) as exc:
        why = exc.message(lang, safe.md)
    except DocumentDamaged as exc:
        why = t(unreadable, lang, reason=safe.md(exc.reason))
    st.session_state[f"{box}_message"] = ("error", why)
    return None


def leave_message(box: str, text: str) -> None:
    """What a save did, for `box` to show on the next run."""
    st.session_state[f"{box}_message"] = ("success", text)


def show_message(box: str, done_icon: str) -> None:
    """The message a save left for `box` (`document_change`, `leave_message`), once."""
    told = st.session_state.pop(f"{box}_message", None)
    if told is None:
        return
    kind, text = told
    if kind == "success":
        st.success(text, icon=done_icon)
    else:
        st.error(text, icon="⛔")
