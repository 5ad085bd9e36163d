"""Text from data shown on screen or exported: always as data, never as markup.

The one place that turns a name, a comment or any other text typed in a
spreadsheet into something a renderer will show as typed:

- `md` for everything Streamlit renders as Markdown (st.markdown, st.caption,
  alerts, metric and widget labels, help tooltips, progress texts);
- `xml` for reportlab's Paragraph mini-language (the PDF pack);
- `html` for HTML templates (a map's tooltip, should one ever use HTML).

Pure (no Streamlit import), so it is tested without a server.
"""

from __future__ import annotations

import html as _html
import re
import string
from xml.sax.saxutils import escape as _xml_escape

# Any ASCII punctuation may be backslash-escaped in CommonMark, and an escaped one
# never starts syntax. Escaped here: every character that can start emphasis, a
# link or an image, code, a heading or a list, a table, raw HTML, an entity
# (`&amp;`), Streamlit's `:red[...]` and `:emoji:` directives or `$math$`. Left
# as they are (they start nothing inline): ( ) , ; ? % ' " / @ so that ordinary
# text reads the same in the page's source.
_MARKDOWN = re.compile(
    "([" + re.escape(string.punctuation.translate({ord(c): None for c in "(),;?%'\"/@"})) + "])"
)
# "1) x" at the start would be a list item
_LIST = re.compile(r"^(\s*\d+)\)")
# GFM's autolinks are found in the parsed text, after escapes are read: a word
# joiner (U+2060, invisible, zero width) inside `http:`, `www.` and before `@` keeps
# an address from matching, so it stays text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(?=[:.])|(@)")
_JOINER = "\u2060"
# Whitespace that would start a new Markdown block (a heading, a list, an indented
# code block) is folded to one space: data is shown inline, on one line.
_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c]+\s*")


def _join(found: re.Match[str]) -> str:
    # before the `@` of an address (the name part then ends elsewhere), after a scheme
    return _JOINER + "@" if found.group(0) == "@" else found.group(0) + _JOINER


def md(text: object) -> str:
    """Escape Markdown so a name like `**x**`, `[a](b)` or `http://x.y/` is shown as typed."""
    if text is None:
        return ""
    text = _AUTOLINK.sub(_join, _BREAKS.sub(" ", str(text)))
    return _LIST.sub(r"\1\\)", _MARKDOWN.sub(r"\\\1", text))


def md_signed(text: object) -> str:
    """`md` for a metric's delta: its leading sign, which Streamlit reads to draw
    the arrow, stays as it is."""
    if text is None:
        return ""
    raw = str(text)
    sign = raw[:1] if raw[:1] in "+-" else ""
    return sign + md(raw[len(sign) :])


def xml(text: object) -> str:
    """Escape for reportlab's Paragraph markup (an XML subset): `<b>` stays text."""
    if text is None:
        return ""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#39;"})


def html(text: object) -> str:
    """Escape for an HTML template."""
    if text is None:
        return ""
    return _html.escape(str(text), quote=True)
