"""A crafted link is data typed by anyone: each page, fed hostile values for each
of its URL parameters, opens without an error and, where the value is refused,
in its default view (the same URL state as without it) with a short notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth
from tests.app.support import ROOT, sign_in

# Hostile for any parameter; then more, by what the parameter holds.
ANY = ["garbage", "x" * 5000, "%00\x00<b>x</b>", "-1", "1e308", "nan", "9999-12-31"]
NUMBER = ["99999999999999999999999", "-1e308", "inf", "-inf", "0", "1.5"]
DAY = ["0001-01-01", "2020-02-30", "2020-13-01"]
LIST = [",,,", "a," * 3000]
WEIGHTS = ["top:1e308", "score:nan", "noir:1e308,valeurs:-5,prix:nan", "noir:inf"]

# Every URL parameter each page reads, with the hostile values it gets; the
# shell's (date, lang, present) are read on every page.
INT = ("page", "watch", "cards", "dpage", "npage", "cpage", "lpage", "gap", "vs")
DATES = ("date", "from", "to", "committee")
LISTS = ("ws", "site", "owner", "state", "expand", "kind", "category", "territory", "commune")
SHELL = ["date", "lang", "present"]
PARAMS: dict[str, list[str]] = {
    "overview": [],
    "timeline": [
        "ws",
        "site",
        "owner",
        "state",
        "zoom",
        "from",
        "to",
        "vs",
        "base",
        "crit",
        "links",
        "expand",
        "page",
        "watch",
    ],
    "sites": ["site", "view", "cards"],
    "actions": ["committee", "owner", "state", "kind", "q", "dpage", "npage", "cpage", "lpage"],
    "scoring": ["eval", "w", "short", "agg", "sens", "page", "gap"],
    "stakeholders": [
        "category",
        "territory",
        "engagement",
        "commune",
        "site",
        "offline",
        "q",
        "stakeholder",
        "page",
    ],
    "data": ["section", "for", "dataset", "from", "to", "headers"],
}
# The data page reads some parameters only in the section they belong to.
CONTEXT = {
    ("data", "dataset"): {"section": "templates"},
    ("data", "headers"): {"section": "templates"},
    ("data", "from"): {"section": "history"},
    ("data", "to"): {"section": "history"},
}

# Parameters every hostile value of which is invalid: the page must open in its
# default view with a notice from the URL codec (`app.remember`, `app.from_url`).
REFUSED = {
    *("date", "from", "to", "committee", "page", "watch", "cards", "dpage", "npage"),
    *("cpage", "lpage", "gap", "base", "crit", "links", "sens", "offline", "view"),
    *("agg", "section", "for", "dataset", "headers", "lang", "present"),
}
SILENT = {"lang", "present"}  # read leniently by the shell: anything else is the default
VALID_SOMEWHERE = {"0", "1.5"}  # valid for some counters or ignored: no error asserted only


def hostile(param: str) -> list[str]:
    values = list(ANY)
    if param in INT:
        values += NUMBER
    if param in DATES:
        values += DAY
    if param in LISTS:
        values += LIST
    if param in ("w", "short"):
        values += WEIGHTS
    return values


def opened(name: str, role: auth.Role, /, **params: str) -> tuple[AppTest, list[str]]:
    """The page opened by a link with `params`, and the notices shown on the way."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    notices: list[str] = []
    if role == "staff":
        at.run()
        notices += [str(n.value) for n in at.toast]
        sign_in(at)
    at.switch_page(auth.PAGES[name].file).run()
    return at, notices + [str(n.value) for n in at.toast]


def problems(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]


def url_state(at: AppTest) -> dict[str, object]:
    return {key: at.query_params[key] for key in at.query_params}


CASES = [(page, param) for page, params in PARAMS.items() for param in [*params, *SHELL]]


@pytest.mark.parametrize(("page", "param"), CASES)
def test_hostile_values_open_the_default_view(demo_dir: Path, page: str, param: str) -> None:
    role: auth.Role = "viewer" if "viewer" in auth.PAGES[page].roles else "staff"
    context = CONTEXT.get((page, param), {})
    default = url_state(opened(page, role, **context)[0])
    for value in hostile(param):
        at, notices = opened(page, role, **context, **{param: value})
        where = (page, param, value[:40])
        assert not problems(at), (*where, problems(at))
        assert at.title, where
        if param in REFUSED and value not in VALID_SOMEWHERE:
            assert url_state(at) == default, where
            if param not in SILENT:
                assert any(f"« {param} »" in n for n in notices), (*where, notices)


def test_a_scoring_link_with_a_huge_weight_opens_clamped(demo_dir: Path) -> None:
    """The link that raised StreamlitValueAboveMaxError: its weight is held to the
    slider's top, and the person is told."""
    at, notices = opened("scoring", "viewer", eval="projets-culinaires", w="noir:1e308")
    assert not problems(at)
    slider = next(s for s in at.slider if s.key and s.key.endswith(":noir"))
    assert slider.value == slider.max
    assert any("« w »" in n for n in notices), notices


def test_a_valid_link_is_taken_without_a_notice(demo_dir: Path) -> None:
    at, notices = opened("timeline", "viewer", page="1", zoom="mission", date="2020-05-01")
    assert not problems(at) and not notices
    assert at.query_params["date"] == ["2020-05-01"] or at.query_params["date"] == "2020-05-01"
