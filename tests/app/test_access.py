"""What a viewer's session sends, on every page it can open, in both languages:
never personal data, prices, jurors' comments, confidential evaluations or the
upload log's names. And the shared link's token gate."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth
from tests.app.support import sent_everything, sign_in, start, texts
from tests.conftest import DEMO


def rows(name: str) -> list[dict[str, str]]:
    with open(DEMO / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def confidential_things(confidential: set[str]) -> set[str]:
    """A confidential evaluation's name, its own criteria's labels, and the bidders
    it did not select (the one selected is public, through the committee's decision)."""
    criteria = rows("criteria")
    public_labels = {c["label"] for c in criteria if c["evaluation"] not in confidential}
    labels = {
        c["label"]
        for c in criteria
        if c["evaluation"] in confidential
        and c["label"] not in public_labels
        and len(c["label"]) > 12  # distinctive enough to search for
    }
    bidders = {
        p["name"]
        for p in rows("projects")
        if p["evaluation"] in confidential and p["status"] != "selected"
    }
    return confidential | labels | bidders


def secrets() -> dict[str, set[str]]:
    people = rows("stakeholders")
    projects = rows("projects")
    confidential = set(auth.DEFAULT_CONFIDENTIAL_EVALUATIONS)
    prices = {p["price_eur"] for p in projects if p["price_eur"]}
    return {
        "email": {p["email"] for p in people if p["email"]},
        "phone": {p["phone"] for p in people if p["phone"]},
        "contact": {p["contact_name"] for p in people if p["contact_name"]},
        "price": prices | {f"{float(p):.1f}" for p in prices},  # as written, as a float
        "comment": {s["comment"] for s in rows("scores") if len(s["comment"]) > 12},
        "confidential evaluation": confidential_things(confidential),
        "upload log name": {"Équipe projet ALL"},
    }


def contains(text: str, kind: str, value: str) -> bool:
    if kind == "price":  # a number alone, not a part of another (33200 holds 3200)
        return re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d])", text) is not None
    return value in text


def leaks(text: str) -> dict[str, list[str]]:
    found = {
        kind: sorted(v for v in values if contains(text, kind, v))
        for kind, values in secrets().items()
    }
    return {kind: values for kind, values in found.items() if values}


VIEWER_PAGES = auth.pages_for("viewer")


def test_the_secrets_exist_in_the_demo() -> None:
    found = secrets()
    assert all(found[kind] for kind in found), {k: len(v) for k, v in found.items()}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", VIEWER_PAGES)
def test_a_viewer_receives_none_of_it(demo_dir: Path, page: str, lang: str) -> None:
    at = start(lang, page=page)
    assert not at.exception, [e.value for e in at.exception]
    assert leaks(sent_everything(at)) == {}
    for frame in at.dataframe:
        assert not {"juror", "Juré", "Juror", "email", "Courriel"} & set(
            map(str, frame.value.columns)
        )


def test_the_sweep_can_see_a_leak(demo_dir: Path) -> None:
    """The same sweep finds personal data where staff may see it."""
    at = sign_in(start(page="stakeholders"))
    assert not at.exception
    assert "email" in leaks(sent_everything(at))


def test_staff_only_pages_are_not_in_a_viewer_navigation() -> None:
    staff_only = set(auth.pages_for("staff")) - set(VIEWER_PAGES)
    for name in staff_only:
        assert "viewer" not in auth.PAGES[name].roles


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DASHBOARD_VIEWER_TOKEN", "noir-2020-partenaires")
    return "noir-2020-partenaires"


def test_without_the_token_only_a_short_message(demo_dir: Path, token: str) -> None:
    at = start()
    assert not at.exception
    assert [t.value for t in at.title] == ["ALL – Autour du Louvre-Lens · Pilotage"]
    assert "lien n'est pas (ou plus) valable" in texts(at)
    assert not at.metric and not at.get("vega_lite_chart") and not at.dataframe
    assert "Parcours noir" not in sent_everything(at)


def test_a_wrong_token_is_refused(demo_dir: Path, token: str) -> None:
    at = start(token="noir-2019")
    assert not at.metric
    assert "lien n'est pas (ou plus) valable" in texts(at)


def test_the_token_opens_the_link_and_stays_in_the_url(demo_dir: Path, token: str) -> None:
    at = start(token=token)
    assert at.metric, texts(at)
    assert at.query_params["token"] in ([token], token)
    at.switch_page("app_pages/timeline.py").run()
    assert not at.exception
    assert at.title[0].value == "Planning de la mission"
    assert at.query_params["token"] in ([token], token)


def test_rotating_the_token_closes_old_links(
    demo_dir: Path, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = start(token=token)
    assert at.metric
    monkeypatch.setenv("DASHBOARD_VIEWER_TOKEN", "noir-2020-v2")
    at.run()
    assert not at.metric
    assert "lien n'est pas (ou plus) valable" in texts(at)


def test_staff_can_sign_in_without_the_token(demo_dir: Path, token: str) -> None:
    at = sign_in(start())
    assert not at.exception
    assert at.metric
    assert "Connecté·e (équipe)" in [s.value for s in at.success]


def test_password_hash_from_secrets(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHBOARD_STAFF_PASSWORD")
    monkeypatch.setenv("DASHBOARD_STAFF_PASSWORD_HASH", auth.hash_password("mot-de-passe-long"))
    at = sign_in(start(), "mot-de-passe-long")
    assert "Connecté·e (équipe)" in [s.value for s in at.success]


def test_oidc_button_only_when_configured(demo_dir: Path) -> None:
    at: AppTest = start()
    assert all(b.key != "oidc_sign_in" for b in at.button)
