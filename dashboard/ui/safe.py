"""Text from data shown on screen or exported: always as data, never as markup."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape Markdown so a name like `**x**` or `[a](b)` is shown as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text))
