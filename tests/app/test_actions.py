"""The decisions and actions page through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.views import actions, figures
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
    # the log's second page holds the first committee's decision on the agency
    at = start(page="actions", lpage="2")
    assert "choix-agence" not in sent_everything(at)
    staff = sign_in(start(page="actions", lpage="2"))
    assert "choix-agence" in sent_everything(staff)


def test_the_log_is_paged_and_its_page_goes_to_the_url(demo_dir: Path) -> None:
    at = start(page="actions")
    assert len(at.dataframe[-1].value) == actions.PER_PAGE  # 32 rows: two pages
    assert "Lignes 1 à 25 sur 32" in texts(at)
    at.number_input(key="ac_lpage").set_value(2).run()
    assert not at.exception
    assert len(at.dataframe[-1].value) == 32 - actions.PER_PAGE
    assert at.query_params["lpage"] in (["2"], "2")
    # a filter starts the log again on its first page
    at.multiselect(key="ac_kind").set_value(["action"]).run()
    assert len(at.dataframe[-1].value) == 21  # one page: no page number to choose
    assert not [n for n in at.number_input if n.key == "ac_lpage"]
    assert "lpage" not in at.query_params


def test_the_figures_are_the_headline_ones_with_their_definitions(demo_dir: Path) -> None:
    at = start("en", page="actions")
    shown = {m.label: m for m in at.metric}
    for key, value in (("open_actions", "10"), ("overdue_actions", "4")):
        metric = shown[figures.label(key, "en")]
        assert metric.value == value
        assert metric.help == figures.definition(key, "en")
