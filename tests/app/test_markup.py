"""Every text the pages hand to Streamlit's Markdown (texts, captions, alerts,
metrics, widget labels and options, help) is rendered by a real Markdown renderer
(markdown-it with autolinks) over data carrying planted markup: nothing from the
data comes out as a link, an image, emphasis or an element. The browser test
(tests/e2e/test_markup.py) checks the same on screen; this one runs in seconds."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard import auth
from tests.app.support import sign_in, start
from tests.conftest import copy_demo
from tests.planted import PLANTED, plant

# The proto fields Streamlit renders as Markdown, by element
# (a select box's or a multiselect's options are plain text; a radio's are Markdown).
MARKDOWN_FIELDS = ("body", "label", "help", "delta", "text")
MARKDOWN_OPTIONS = {"radio", "button_group"}
PLAIN = {"text", "code", "json", "html", "vega_lite_chart", "arrow_data_frame"}
RENDER = MarkdownIt("gfm-like", {"linkify": True, "html": True})


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_demo(tmp_path / "data", history=False)
    plant(folder)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    return folder


def sources(at: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, Markdown source) of every element drawn."""

    def walk(node: Any) -> Iterator[Any]:
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None or kind in PLAIN:
            continue
        for name in (*MARKDOWN_FIELDS, *(["options"] if kind in MARKDOWN_OPTIONS else [])):
            if not any(f.name == name for f in proto.DESCRIPTOR.fields):
                continue
            value = getattr(proto, name)
            for text in [value] if isinstance(value, str) else list(value):
                if isinstance(text, str) and text:
                    yield kind, text


def rendered_markup(at: AppTest) -> list[str]:
    found = []
    for kind, source in sources(at):
        out = RENDER.render(source)
        hits = re.findall(r'(?:href|src)="[^"]*evil[^"]*"', out)
        for tag in ("a", "strong", "em", "code", "b", "del", "h[1-6]"):
            for inner in re.findall(rf"<{tag}\b[^>]*>([^<]*)", out):
                text = html.unescape(inner).replace("\u2060", "")
                for token, literal in PLANTED.items():
                    # a word of the data inside an element is fine when shown as typed
                    if token in text.replace(literal, ""):
                        hits.append(f"<{tag}> {text[:80]}")
        hits += re.findall(r"<img\b[^>]*>", out)
        found += [f"{kind}: {hit}" for hit in hits]
    return found


def pages_of(at: AppTest, role: auth.Role) -> Iterator[AppTest]:
    for name in auth.pages_for(role):
        yield at.switch_page(auth.PAGES[name].file).run()


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_planted_markup_is_never_rendered(planted: Path, role: auth.Role) -> None:
    at = start()
    if role == "staff":
        sign_in(at)
    seen = 0
    found: list[str] = []
    for page in pages_of(at, role):
        assert not page.exception, page.exception
        found += rendered_markup(page)
        seen += sum("bold7" in source for _, source in sources(page))
    assert seen > 10  # the planted text reached the pages
    assert not found, "\n".join(found)


def test_the_timeline_caption_escapes_task_names(planted: Path) -> None:
    at = start(page="timeline")
    critical = [c.value for c in at.caption if "bold7" in c.value]
    assert critical, "the critical-path caption names the planted tasks"
    for caption in critical:
        out = RENDER.render(caption)
        assert "<img" not in out and "<a " not in out and "<strong>" not in out
