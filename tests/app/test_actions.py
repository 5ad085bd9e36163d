"""The decisions and actions page through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.support import metrics, sent_everything, sign_in, start, texts


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize(
    ("lang", "title", "open_label"),
    [
        ("fr", "Décisions et actions du comité", "Actions ouvertes"),
        ("en", "Committee decisions and actions", "Open actions"),
    ],
)
def test_page_in_both_roles_and_languages(
    demo_dir: Path, role: str, lang: str, title: str, open_label: str
) -> None:
    at = start(lang, page="actions")
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert metrics(at)[open_label] == "10"
    carried = at.dataframe[1].value
    # the most overdue first: the bakers of the Douaisis, due 21 February 2020
    assert carried.iloc[0, 0] == "Relancer les boulangers du Douaisis et du Valenciennois"
    assert int(carried.iloc[0, 3]) == 54


def test_an_earlier_committee(demo_dir: Path) -> None:
    at = start(page="actions", committee="2020-02-25")
    assert not at.exception
    assert "Décisions du comité du 25 février 2020" in texts(at)
    assert at.query_params["committee"] in (["2020-02-25"], "2020-02-25")


def test_the_situation_date_hides_later_committees(demo_dir: Path) -> None:
    at = start(page="actions", date="2020-03-01")
    options = at.selectbox(key="ac_committee").options
    assert len(options) == 3  # December, January and February committees
    assert "15 avril 2020" not in sent_everything(at)


def test_search_and_filters_go_to_the_url(demo_dir: Path) -> None:
    at = start(page="actions")
    at.text_input(key="ac_q").input("boulangers").run()
    log = at.dataframe[-1].value
    assert len(log) >= 1 and all("oulanger" in t for t in log.iloc[:, 2])
    assert at.query_params["q"] in (["boulangers"], "boulangers")


def test_links_keep_the_view(demo_dir: Path) -> None:
    at = start(page="actions")
    new = at.dataframe[0].value
    links = [u for u in new["🗓️"] if isinstance(u, str)]
    assert links and links[0].startswith("./timeline?lang=fr&date=2020-04-15&ws=")


def test_viewer_never_sees_links_to_the_confidential_evaluation(demo_dir: Path) -> None:
    at = start(page="actions")
    assert "choix-agence" not in sent_everything(at)
    staff = sign_in(start(page="actions"))
    assert "choix-agence" in sent_everything(staff)
