"""Site cards, indicators at a date and budgets on hand-made cases and the demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import db, site_charts, sites, status
from dashboard.charts import finish
from dashboard.store import Store

D = date.fromisoformat
SIT = D("2020-04-15")


def tasks_frame(
    rows: list[tuple[str, str, str, float, str | None, str | None, float | None, float | None]],
) -> pd.DataFrame:
    """Tasks with states at SIT: (id, start, end, progress, status, site, budget, spent)."""
    tasks = pd.DataFrame(
        rows,
        columns=[
            "task_id",
            "start",
            "end",
            "progress",
            "status",
            "site_id",
            "budget_eur",
            "spent_eur",
        ],
    )
    tasks["start"] = pd.to_datetime(tasks["start"])
    tasks["end"] = pd.to_datetime(tasks["end"])
    tasks["milestone"] = tasks["start"] == tasks["end"]
    tasks["name"] = "Task " + tasks["task_id"]
    tasks["workstream"] = "W"
    return status.with_states(tasks, SIT)


def actions_frame(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    """Open actions: (id, site, days overdue)."""
    return pd.DataFrame(rows, columns=["action_id", "site_id", "days_overdue"])


NO_ACTIONS = actions_frame([])
SITES = pd.DataFrame({"site_id": ["s1", "s2", "empty"], "name": ["One", "Two", "Nothing"]})


# --- cards ------------------------------------------------------------------------------


def test_card_progress_is_weighted_by_duration() -> None:
    tasks = tasks_frame(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", None, None),  # 30 days
            ("b", "2020-04-01", "2020-04-10", 100, None, "s1", None, None),  # 10 days
            ("x", "2020-04-01", "2020-04-30", 0, None, "s2", None, None),  # another site
        ]
    )
    card = sites.site_card(tasks, NO_ACTIONS, SIT, "s1", "One")
    assert card.progress == pytest.approx((50 * 30 + 100 * 10) / 40)  # 62.5, not the mean 75
    assert card.tasks == 2
    assert card.state == "on_track"


def test_card_leaves_cancelled_out_and_counts_milestones() -> None:
    tasks = tasks_frame(
        [
            ("c", "2020-04-01", "2020-04-30", 0, "cancelled", "s1", None, None),
            ("b", "2020-04-01", "2020-04-04", 50, None, "s1", None, None),  # 4 days, late
            ("m", "2020-04-20", "2020-04-20", 0, None, "s1", None, None),  # milestone: 1 day
            ("d", "2020-03-01", "2020-03-01", 100, None, "s1", None, None),  # milestone, done
        ]
    )
    card = sites.site_card(tasks, NO_ACTIONS, SIT, "s1", "One")
    assert card.progress == pytest.approx((50 * 4 + 0 * 1 + 100 * 1) / 6)
    assert card.cancelled == 1 and card.tasks == 4
    assert card.state == "late" and card.late_tasks == 1
    assert card.milestone == sites.Milestone("m", "Task m", D("2020-04-20"), 5)


def test_site_without_tasks_has_an_empty_card() -> None:
    tasks = tasks_frame([("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 200)])
    card = sites.site_card(tasks, NO_ACTIONS, SIT, "empty", "Nothing")
    assert card == sites.SiteCard(
        site_id="empty",
        name="Nothing",
        progress=None,
        state=None,
        tasks=0,
        cancelled=0,
        late_tasks=0,
        milestone=None,
        open_actions=0,
        overdue_actions=0,
        budget_eur=0.0,
        spent_eur=0.0,
    )
    text = sites.card_text(card, "fr")
    assert text.state == "Aucune tâche rattachée"
    assert text.progress is None and text.progress_text == "—"
    assert text.milestone == "Aucun jalon à venir"
    # no budget line for a site without budget
    assert text.facts == ["Tâches en retard : 0", "Actions ouvertes : 0"]


def test_site_with_only_cancelled_tasks_says_so() -> None:
    tasks = tasks_frame([("c", "2020-03-28", "2020-03-29", 0, "cancelled", "s1", 2500, None)])
    card = sites.site_card(tasks, NO_ACTIONS, SIT, "s1", "One")
    assert (card.progress, card.state, card.tasks, card.cancelled) == (None, None, 1, 1)
    assert sites.state_text(card, "fr") == "Aucune tâche active (1 annulée)"
    assert sites.state_text(card, "en") == "No active task (1 cancelled)"


def test_cards_destination_first_with_every_task_and_action() -> None:
    tasks = tasks_frame(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s2", 500, 600),
            ("p", "2020-01-01", "2020-01-31", 100, None, None, 300, 300),
        ]
    )
    actions = actions_frame([("A1", "s1", 0), ("A2", "s2", 3), ("A3", "", 9)])
    cards = sites.site_cards(tasks, SITES, actions, SIT, "Whole")
    assert [c.site_id for c in cards] == [sites.DESTINATION, "s1", "s2", "empty"]
    whole, one, two, _ = cards
    assert (whole.name, whole.tasks, whole.open_actions, whole.overdue_actions) == (
        "Whole",
        3,
        3,
        2,
    )
    assert (whole.budget_eur, whole.spent_eur) == (1800, 1300)
    assert whole.state == "late"  # b ended on 31 March at 40 %
    assert (one.open_actions, one.overdue_actions, one.state) == (1, 0, "on_track")
    assert (two.open_actions, two.overdue_actions, two.late_tasks) == (1, 1, 1)


def test_card_text_in_french_and_english() -> None:
    card = sites.SiteCard(
        site_id="s1",
        name="One",
        progress=62.5,
        state="at_risk",
        tasks=3,
        cancelled=0,
        late_tasks=2,
        milestone=sites.Milestone("m", "Ouverture", D("2020-06-06"), 52),
        open_actions=3,
        overdue_actions=1,
        budget_eur=40000,
        spent_eur=33200,
    )
    fr = sites.card_text(card, "fr")
    assert fr.state == "🟠 À risque"
    assert fr.progress == pytest.approx(0.625)
    assert fr.progress_text == "62\u00a0% achevé"
    assert fr.milestone == "Prochain jalon : Ouverture · 6 juin 2020 (J-52)"
    assert fr.facts == [
        "Tâches en retard : 2",
        "Actions ouvertes : 3 (dont 1 en retard)",
        "Budget : 33\u202f200\u00a0€ dépensés sur 40\u202f000\u00a0€",
    ]
    en = sites.card_text(card, "en")
    assert en.milestone == "Next milestone: Ouverture · 6 June 2020 (D-52)"
    assert en.facts[2] == "Budget: €33,200 spent of €40,000"
    assert sites.countdown(0, "fr") == "aujourd'hui"


def test_late_tasks_longest_overdue_first() -> None:
    tasks = tasks_frame(
        [
            ("a", "2020-03-01", "2020-04-10", 50, None, "s1", None, None),
            ("b", "2020-03-01", "2020-03-20", 50, None, "s1", None, None),
            ("c", "2020-03-01", "2020-03-20", 100, None, "s1", None, None),
        ]
    )
    late = sites.late_tasks(tasks)
    assert late["task_id"].to_list() == ["b", "a"]
    assert late["days_late"].to_list() == [26, 5]
    table = sites.late_table(late, "fr")
    assert list(table.columns) == ["intitulé", "fin", "avancement", "Jours de retard"]
    assert table.iloc[0].to_list() == ["Task b", "20 mars 2020", "50\u00a0%", 26]


# --- indicators ----------------------------------------------------------------------

KPIS = pd.DataFrame(
    [
        ("s1", "Dishes", "2020-02-15", 4.0, 18.0, "plats"),
        ("s1", "Dishes", "2020-03-15", 9.0, 18.0, "plats"),
        ("s1", "Dishes", "2020-04-15", 11.0, 20.0, "plats"),
        ("s1", "Ideas", "2020-03-15", 31.0, 30.0, "idées"),
        (None, "Budget", "2020-03-15", 62300.0, None, "€"),
        (None, "Budget", "2020-04-15", 75350.0, None, "€"),
    ],
    columns=["site_id", "kpi", "date", "value", "target", "unit"],
).assign(date=lambda f: pd.to_datetime(f["date"]))


def latest(site: str, day: str) -> dict[str, sites.KpiValue]:
    return {kv.kpi: kv for kv in sites.kpi_latest(sites.scope_kpis(KPIS, site), D(day))}


def test_kpi_before_the_first_value_has_none_but_keeps_its_target() -> None:
    got = latest("s1", "2020-02-14")
    assert list(got) == ["Dishes", "Ideas"]
    assert got["Dishes"] == sites.KpiValue("s1", "Dishes", "plats", None, None, 18.0)
    assert got["Dishes"].delta is None
    assert sites.kpi_value_text(None, "plats", "fr") == "—"
    assert sites.kpi_line(got["Dishes"], "fr") == "Dishes : — / 18 plats"


def test_kpi_between_values_is_the_earlier_one() -> None:
    got = latest("s1", "2020-04-14")["Dishes"]
    assert (got.day, got.value, got.target, got.delta) == (D("2020-03-15"), 9.0, 18.0, -9.0)
    assert sites.kpi_delta_text(got, "fr") == "-9 par rapport à la cible (18 plats)"
    assert sites.kpi_delta_text(got, "en") == "-9 against the target (18 plats)"


def test_kpi_on_the_day_takes_that_value_and_its_target() -> None:
    got = latest("s1", "2020-04-15")
    assert (got["Dishes"].day, got["Dishes"].value, got["Dishes"].target) == (
        D("2020-04-15"),
        11.0,
        20.0,
    )
    assert got["Ideas"].delta == 1.0
    assert sites.kpi_delta_text(got["Ideas"], "fr") == "+1 par rapport à la cible (30 idées)"
    assert sites.kpi_line(got["Ideas"], "en") == "Ideas: 31 / 30 idées"


def test_destination_kpis_are_the_siteless_ones_shown_as_plain_values() -> None:
    got = latest(sites.DESTINATION, "2020-04-30")
    assert list(got) == ["Budget"]
    budget = got["Budget"]
    assert (budget.value, budget.target, budget.delta) == (75350.0, None, None)
    assert sites.kpi_delta_text(budget, "fr") is None
    assert sites.kpi_value_text(budget.value, budget.unit, "fr") == "75\u202f350\u00a0€"
    assert sites.kpi_value_text(2.5, "plats", "en") == "2.5 plats"


def test_kpi_history_stops_at_the_situation_date() -> None:
    history = sites.kpi_history(sites.scope_kpis(KPIS, "s1"), D("2020-03-15"))
    assert history["value"].to_list() == [4.0, 9.0, 31.0]


def test_kpis_of_a_site_without_any() -> None:
    assert sites.kpi_latest(sites.scope_kpis(KPIS, "s2"), SIT) == []


# --- budget -------------------------------------------------------------------------


def test_budget_totals_and_overspend() -> None:
    tasks = tasks_frame(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s1", 500, 650),  # 150 over
            ("c", "2020-03-01", "2020-03-31", 40, None, "s1", None, 80),  # spent, no budget
            ("d", "2020-03-01", "2020-03-31", 40, None, "s1", 300, None),  # nothing spent
            ("e", "2020-03-01", "2020-03-31", 40, None, "s1", None, None),  # no money line
        ]
    )
    lines = sites.budget_lines(tasks)
    assert lines["task_id"].to_list() == ["a", "b", "c", "d"]
    assert lines["overspent"].to_list() == [False, True, True, False]
    assert lines["overspend_eur"].to_list() == [0, 150, 80, 0]
    totals = sites.budget_totals(lines)
    assert totals == sites.BudgetTotals(1800, 1130, 670, 230, 2)
    assert totals.share == pytest.approx(1130 / 1800)
    assert sites.budget_totals(sites.budget_lines(tasks.iloc[0:0])).share is None
    table = sites.budget_table(lines, "fr")
    assert list(table.columns) == ["Ligne", "Prévu", "Dépensé", "Reste", "Dépassement"]
    assert table.iloc[1].to_list() == [
        "Task b",
        "500\u00a0€",
        "650\u00a0€",
        "-150\u00a0€",
        "⚠️ 150\u00a0€",
    ]
    assert table.iloc[0, 4] == ""


def test_budget_by_site_adds_up_to_the_destination() -> None:
    tasks = tasks_frame(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s2", 500, 650),
            ("p", "2020-01-01", "2020-01-31", 100, None, None, 300, 300),
        ]
    )
    by_site = sites.budget_by_site(tasks, SITES, "No site")
    assert by_site["name"].to_list() == ["One", "Two", "No site"]  # "empty" has no line
    assert by_site["budget_eur"].sum() == 1800
    assert by_site["overspent"].to_list() == [False, True, False]
    assert by_site["overspent_tasks"].to_list() == [0, 1, 0]


# --- the page's rules ---------------------------------------------------------------


def test_rules_one_sentence_per_state_with_the_threshold() -> None:
    fr = sites.rules("fr", threshold=25)
    assert len(fr) == len(status.STATES) + 2
    assert fr[2].startswith("🟠 **À risque** : ")
    assert "plus de 25 points" in fr[2]
    en = sites.rules("en")
    assert en[3] == "🔴 **Late**: the task's planned end has passed and it is not done."
    assert all("{" not in line for line in fr + en)


# --- charts -------------------------------------------------------------------------


def test_sparkline_draws_the_target_only_when_there_is_one() -> None:
    series = sites.kpi_history(sites.scope_kpis(KPIS, "s1"), SIT)
    dishes = series[series["kpi"] == "Dishes"]
    spec = finish(site_charts.kpi_sparkline(dishes, 20.0, "fr"), "fr").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule"]
    assert spec["config"]["locale"]["time"]["months"][3] == "avril"
    plain = site_charts.kpi_sparkline(dishes, None, "en").to_dict()
    assert [layer["mark"]["type"] for layer in plain["layer"]] == ["line"]


def test_budget_bars_colour_the_overspent_line() -> None:
    lines = pd.DataFrame(
        {"name": ["ok", "over"], "budget_eur": [100.0, 100.0], "spent_eur": [50.0, 120.0]}
    )
    chart = site_charts.budget_bars(lines, "name", "fr")
    data = chart.data
    assert isinstance(data, pd.DataFrame)
    spent = data[data["measure"] == "2"].set_index("line")["legend"]
    assert spent.to_dict() == {"ok": "Dépensé", "over": "Dépensé au-delà du prévu"}
    colours = chart.to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True))[
        "Dépensé au-delà du prévu"
    ] == (site_charts.OVERSPENT_COLOUR)


# --- the demo data through the named queries ----------------------------------------


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    root = Path(__file__).resolve().parents[2] / "data"
    con = db.open_database(Store(root).current_files())
    return {
        "tasks": status.with_states(db.query(con, "tasks"), SIT),
        "sites": db.query(con, "sites"),
        "actions": db.query(con, "site_open_actions", situation=SIT),
        "kpis": db.query(con, "kpi_series"),
    }


def test_demo_budget_totals(demo: dict[str, pd.DataFrame]) -> None:
    lines = sites.budget_lines(demo["tasks"])
    totals = sites.budget_totals(lines)
    assert (totals.budget_eur, totals.spent_eur, totals.overspent) == (154000, 75350, 2)
    assert sorted(lines.loc[lines["overspent"], "task_id"]) == ["T07", "T26"]
    assert totals.overspend_eur == 400 + 800
    by_site = sites.budget_by_site(demo["tasks"], demo["sites"], "Pilotage").set_index("site_id")
    assert by_site["budget_eur"].sum() == 154000
    assert by_site.loc["olhain", ["budget_eur", "spent_eur"]].to_list() == [40000, 33200]
    assert by_site.loc["", "name"] == "Pilotage"


def test_demo_cards_on_15_april_2020(demo: dict[str, pd.DataFrame]) -> None:
    cards = {
        c.site_id: c
        for c in sites.site_cards(demo["tasks"], demo["sites"], demo["actions"], SIT, "ALL")
    }
    olhain = cards["olhain"]
    assert (olhain.state, olhain.late_tasks, olhain.open_actions, olhain.overdue_actions) == (
        "late",
        2,
        2,
        2,
    )
    assert olhain.milestone is not None and olhain.milestone.task_id == "T31"
    assert olhain.milestone.days_to_go == 52
    assert cards["cite-electriciens"].milestone is not None
    assert cards["cite-electriciens"].milestone.day == D("2020-06-20")
    assert cards["louvre-lens"].state is None and cards["louvre-lens"].cancelled == 1
    whole = cards[sites.DESTINATION]
    assert (whole.tasks, whole.open_actions) == (40, 10)
    assert whole.milestone is not None and whole.milestone.days_to_go == 0  # the conference


def test_demo_open_actions_carry_their_site(demo: dict[str, pd.DataFrame]) -> None:
    olhain = sites.scope_actions(demo["actions"], "olhain")
    assert olhain["action_id"].to_list() == ["A16", "A24"]
    assert olhain["task_name"].to_list()[0] == "Élaboration de la carte avec le chef"


def test_demo_kpis_latest_and_destination(demo: dict[str, pd.DataFrame]) -> None:
    olhain = sites.kpi_latest(sites.scope_kpis(demo["kpis"], "olhain"), SIT)
    assert [(k.kpi, k.value, k.target) for k in olhain] == [
        ("Plats définis à la carte", 11, 18),
        ("Recrutements de l'équipe", 6, 12),
        ("Producteurs locaux référencés", 9, 15),
    ]
    whole = sites.kpi_latest(sites.scope_kpis(demo["kpis"], sites.DESTINATION), D("2020-03-31"))
    assert [(k.kpi, k.value, k.target) for k in whole] == [
        ("Partenaires mobilisés", 60, 70),
        ("Offices de tourisme impliqués", 7, 7),
        ("Budget engagé", 62300, None),
    ]
