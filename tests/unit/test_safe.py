"""`dashboard.ui.safe`: text from the data goes through a real Markdown renderer
(markdown-it, CommonMark with autolinks) and reportlab's Paragraph and comes out
as the same characters, with no link, image, emphasis or element of its own."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from dashboard import pack
from dashboard.ui import safe

HOSTILE = [
    "**b**",
    "_e_",
    "[l](http://evil.example/)",
    "![i](http://evil.example/i.png)",
    "<img src=http://evil.example/x>",
    "http://evil.example/",
    "HTTPS://evil.example/a?b=c",
    "mailto:a@evil.com",
    "a@evil.com",
    "<b>x</b>",
    "`code`",
    "&amp; &lt;",
    "# title",
    "- item",
    "1. item",
    "2) item",
    "> quote",
    "a | b\n--|--\n1 | 2",
    "line\n\n# heading\n    code",
    "<script>alert(1)</script>",
    "[x]: http://evil.example/ref\n[x]",
    "\\*not\\* escaped twice",
]


# Markup of Streamlit's own (directives, math): plain text to markdown-it, so only
# checked to come out as typed
STREAMLIT_ONLY = [":red[red] :smile: :material/home:", "$x^2$", "www.evil.example"]


def renderer() -> MarkdownIt:
    md = MarkdownIt("gfm-like", {"linkify": True, "html": True})
    return md


def rendered(text: str) -> str:
    return renderer().render(text)


def shown(source: str) -> str:
    """The characters a reader sees: tags dropped, entities read, joiners gone."""
    out = rendered(source)
    return html.unescape(re.sub(r"<[^>]+>", "", out)).replace("\u2060", "").strip("\n")


def as_typed(text: str) -> str:
    """The text as a reader should see it: on one line (line breaks become spaces)."""
    return re.sub(r"\s*[\r\n\u2028\u2029\x0b\x0c]+\s*", " ", text).strip(" \t")


def tags(source: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", rendered(source))) - {"p"}


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_is_shown_as_typed(text: str) -> None:
    # the sample bites: unescaped, it is markup or it reads otherwise
    assert tags(text) or shown(text) != as_typed(text), text
    assert tags(safe.md(text)) == set()
    assert shown(safe.md(text)) == as_typed(text)


@pytest.mark.parametrize("text", STREAMLIT_ONLY)
def test_streamlit_directives_are_escaped(text: str) -> None:
    escaped = safe.md(text)
    assert shown(escaped) == text
    for special in ":[]$^":
        assert special not in escaped.replace("\\" + special, "")


def test_a_bare_address_is_not_linked() -> None:
    assert "<a " in rendered("see http://evil.example/ now")
    assert "<a " not in rendered(safe.md("see http://evil.example/ now"))
    assert "<a " not in rendered(safe.md("write to someone@evil.example"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])))
def test_any_text_is_shown_as_typed(text: str) -> None:
    assert tags(safe.md(text)) == set()
    # (whitespace at either end of a paragraph is the renderer's to drop)
    assert shown(safe.md(text)).strip() == as_typed(text.replace("\u2060", "")).strip()


def test_a_metric_delta_keeps_its_sign() -> None:
    assert safe.md_signed("-14 par rapport à la cible (18 plats)").startswith("-14")
    assert safe.md_signed("+3 **x**") == "+3 \\*\\*x\\*\\*"
    assert safe.md_signed(None) == ""


@pytest.mark.parametrize("text", ["<b>x</b>", "a & b", "<font color=red>r</font>", "**b**"])
def test_pdf_paragraph_shows_data_as_typed(text: str) -> None:
    style = ParagraphStyle("t")
    assert Paragraph(safe.xml(text), style).getPlainText() == text
    # the pack's paragraph: no bold made from the data's asterisks
    made = pack._para(text, style)
    assert made.getPlainText() == text
    assert all(not frag.fontName.endswith("Bold") for frag in made.frags)


def test_pdf_bold_comes_from_the_translation_only() -> None:
    style = ParagraphStyle("t", fontName=pack.FONT)
    line = pack._rich(
        lambda **kw: "**{territory}** : pas de {categories}".format(**kw),
        style,
        territory="<i>Lens</i> **x**",
        categories="**boulanger**",
    )
    assert line.getPlainText() == "<i>Lens</i> **x** : pas de **boulanger**"
    bold = [f.text for f in line.frags if f.fontName == pack.BOLD]
    assert "".join(bold) == "<i>Lens</i> **x**"


def test_html_escapes_a_template() -> None:
    assert safe.html('<img src="x">') == "&lt;img src=&quot;x&quot;&gt;"


def test_map_tooltips_are_plain_text() -> None:
    """deck.gl writes a tooltip's `html` as markup and its `text` as text: the
    maps' one tooltip template is text, filled with the data's names."""
    from dashboard.charts import map_layers

    assert set(map_layers.TOOLTIP) - {"style"} == {"text"}
