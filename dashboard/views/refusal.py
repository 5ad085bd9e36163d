"""A save refused before anything is written, with why in the reader's language
(pure, no Streamlit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from dashboard.i18n import t


class Refused(ValueError):
    """`reason` names the message (`KEYS` + reason in the locales); `params` fill it."""

    KEYS: ClassVar[str] = ""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def message(self, lang: str, escape: Callable[[str], str] = str) -> str:
        """Why, in `lang`; `escape` applied to the texts it quotes (a name typed)."""
        params = {k: escape(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return t(f"{self.KEYS}{self.reason}", lang, **params)
