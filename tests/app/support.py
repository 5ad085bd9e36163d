"""Helpers for AppTest: start the app on a page, sign in as staff, read texts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "noir-2020-test"


def start(lang: str | None = None, page: str | None = None, **params: str) -> AppTest:
    """Run the app once; `page` is a file under pages/ (e.g. "timeline")."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
    return at


def sign_in(at: AppTest, password: str = PASSWORD) -> AppTest:
    at.text_input(key="password").input(password)
    submit = next(b for b in at.button if b.label in ("Se connecter", "Sign in"))
    return submit.click().run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """Every text element's value, joined (markdown, captions, alerts, titles)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "text",
    ):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    return "\n".join(parts)


def sent(at: AppTest) -> str:
    """Everything the session would send to a browser, as text (for leak tests)."""
    return str(at._tree)
