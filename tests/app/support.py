"""Helpers for AppTest: start the app on a page, sign in as staff, read texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "noir-2020-test"


def start(lang: str | None = None, page: str | None = None, **params: str) -> AppTest:
    """Run the app once; `page` is a file under app_pages/ (e.g. "timeline")."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(f"app_pages/{page}.py").run()
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


def chart_text(at: AppTest, index: int = 0) -> str:
    """A Vega-Lite chart's spec and every row of its datasets, as text."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    chart = at.get("vega_lite_chart")[index].proto  # type: ignore[attr-defined]
    parts = [chart.spec]
    for dataset in chart.datasets:
        parts.append(convert_arrow_bytes_to_pandas_df(dataset.data.data).to_csv(index=False))
    if chart.data.data:
        parts.append(convert_arrow_bytes_to_pandas_df(chart.data.data).to_csv(index=False))
    return "\n".join(parts)


# Keys of st.tabs whose closed tabs do not run (on_change="rerun"): a sweep opens each.
LAZY_TABS = ("stk_tab",)


def sent_everything(at: AppTest) -> str:
    """`sent()` plus the decoded rows of every chart and table (for leak tests), with
    each tab of a page's lazy tabs open in turn (the one open before is open after)."""
    parts = [_sent_now(at)]
    for key in LAZY_TABS:
        try:
            before = at.session_state[key]
        except KeyError:  # not this page
            continue
        for label in [tab.label for tab in at.tabs]:
            at.session_state[key] = label
            parts.append(_sent_now(at.run()))
        at.session_state[key] = before
        at.run()
    return "\n".join(parts)


def _sent_now(at: AppTest) -> str:
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    parts = [sent(at)]
    for i in range(len(at.get("vega_lite_chart"))):
        parts.append(chart_text(at, i))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    for node in at.get("deck_gl_json_chart"):
        parts.append(node.proto.json)  # type: ignore[attr-defined]
    for node in at.get("arrow_data_frame"):
        proto = node.proto  # type: ignore[attr-defined]
        parts.append(convert_arrow_bytes_to_pandas_df(proto.data).to_csv(index=False))
    return "\n".join(parts)


def committed(dataset: str) -> str:
    """A dataset's current file in the store the app uses (the data folder or,
    under --store=postgres, the database), as text."""
    from dashboard.store import open_store

    data = open_store().read_current(dataset)
    return "" if data is None else data.decode("utf-8")


def logged() -> list[dict[str, Any]]:
    """The store's commits in order, as the data folder's log writes them."""
    from dataclasses import asdict

    from dashboard.store import open_store

    return [asdict(v) for v in open_store().history()]


def put(dataset: str, data: bytes) -> None:
    """Make `data` a dataset's current file in the app's store, as a commit that
    skips the checks (what a test needs before the app starts, on either store)."""
    from dashboard.store import open_store

    rows = max(len(data.decode("utf-8", "replace").splitlines()) - 1, 0)
    open_store().commit(dataset, data, by="test", source=f"{dataset}.csv", rows=rows)
