"""The sites page's model (views.sites) on hand-made databases and the demo data:
rollups, indicators at a date, budgets, bounded tables and pages of cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from dashboard.charts import finish, site_charts
from dashboard.domain import sites, status
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import figures
from dashboard.views import sites as view
from dashboard.views.reader import Reader, database_reader
from tests.conftest import DEMO

D = date.fromisoformat
SIT = D("2020-04-15")

TASK_COLUMNS = [
    "task_id",
    "start",
    "end",
    "progress",
    "status",
    "site_id",
    "budget_eur",
    "spent_eur",
]
TaskRow = tuple[str, str, str, float, str | None, str | None, float | None, float | None]


def database(
    tasks: Sequence[TaskRow] = (),
    places: Sequence[tuple[str, str]] = (),
    actions: Sequence[tuple[str, str | None, str | None]] = (),
    kpis: Sequence[tuple[str | None, str, str, float, float | None, str]] = (),
) -> Reader:
    """A database of hand-made rows. tasks: (id, start, end, progress, status, site,
    budget, spent), a milestone when start = end; places: (id, name); actions: (id,
    task, due), all open and recorded on 1 April 2020; kpis: (site, kpi, date, value,
    target, unit)."""
    con = db.empty_database()
    frame = pd.DataFrame(
        list(tasks),
        columns=TASK_COLUMNS,
    )
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["milestone"] = frame["start"] == frame["end"]
    frame["name"] = "Task " + frame["task_id"]
    frame["workstream"] = "W"
    frame["_row"] = range(2, len(frame) + 2)
    db.load_frame(con, "tasks", frame)
    db.load_frame(
        con,
        "sites",
        pd.DataFrame(list(places), columns=["site_id", "name"]).assign(
            _row=range(2, len(places) + 2)
        ),
    )
    acts = pd.DataFrame(list(actions), columns=["action_id", "task_id", "due"])
    acts = acts.assign(
        meeting_date=pd.Timestamp("2020-04-01"),
        kind="action",
        text="Do " + acts["action_id"],
        status="open",
        due=pd.to_datetime(acts["due"]),
    )
    db.load_frame(con, "actions", acts)
    values = pd.DataFrame(
        list(kpis), columns=["site_id", "kpi", "date", "value", "target", "unit"]
    ).assign(_row=range(2, len(kpis) + 2))
    values["date"] = pd.to_datetime(values["date"])
    db.load_frame(con, "kpis", values)
    return database_reader(con, "viewer")


def detail(read: Reader, site: str = view.DESTINATION, day: date = SIT) -> view.Detail:
    found = view.build(read, view.State(day, "fr", site=site)).detail
    assert found is not None
    return found


PLACES = [("s1", "One"), ("s2", "Two"), ("empty", "Nothing")]


# --- cards ------------------------------------------------------------------------------


def test_card_progress_is_weighted_by_duration() -> None:
    read = database(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", None, None),  # 30 days
            ("b", "2020-04-01", "2020-04-10", 100, None, "s1", None, None),  # 10 days
            ("x", "2020-04-01", "2020-04-30", 0, None, "s2", None, None),  # another site
        ],
        PLACES,
    )
    card = detail(read, "s1").card.card
    assert card.progress == pytest.approx((50 * 30 + 100 * 10) / 40)  # 62.5, not the mean 75
    assert card.tasks == 2
    assert card.state == "on_track"


def test_card_leaves_cancelled_out_and_finds_the_next_milestone() -> None:
    read = database(
        [
            ("c", "2020-04-01", "2020-04-30", 0, "cancelled", "s1", None, None),
            ("b", "2020-04-01", "2020-04-04", 50, None, "s1", None, None),  # 4 days, late
            ("m", "2020-04-20", "2020-04-20", 0, None, "s1", None, None),  # milestone: 1 day
            ("d", "2020-03-01", "2020-03-01", 100, None, "s1", None, None),  # milestone, done
        ],
        PLACES,
    )
    found = detail(read, "s1")
    card = found.card.card
    assert card.progress == pytest.approx((50 * 4 + 0 * 1 + 100 * 1) / 6)
    assert card.cancelled == 1 and card.tasks == 4
    assert card.state == "late" and card.late_tasks == 1
    assert card.milestone == sites.Milestone("m", "Task m", D("2020-04-20"), 5)
    assert found.milestone_countdown == "J-5"


def test_site_without_tasks_has_an_empty_card() -> None:
    read = database([("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 200)], PLACES)
    found = detail(read, "empty")
    assert found.card.card == sites.SiteCard(
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
    text = found.card.text
    assert text.state == "Aucune tâche rattachée"
    assert text.progress is None and text.progress_text == "—"
    assert text.milestone == "Aucun jalon à venir"
    # no budget line for a site without budget
    assert text.facts == ["Tâches en retard : 0", "Actions ouvertes : 0"]
    assert found.budget is None and found.progress_text == "—"
    assert found.late.empty and found.actions.empty


def test_site_with_only_cancelled_tasks_says_so() -> None:
    read = database([("c", "2020-03-28", "2020-03-29", 0, "cancelled", "s1", 2500, None)], PLACES)
    card = detail(read, "s1").card.card
    assert (card.progress, card.state, card.tasks, card.cancelled) == (None, None, 1, 1)
    assert sites.state_text(card, "fr") == "Aucune tâche active (1 annulée)"
    assert sites.state_text(card, "en") == "No active task (1 cancelled)"
    assert card.budget_eur == 0  # a cancelled task's plan is not counted


def test_cards_destination_first_with_every_task_and_action() -> None:
    read = database(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s2", 500, 600),
            ("p", "2020-01-01", "2020-01-31", 100, None, None, 300, 300),
        ],
        PLACES,
        [("A1", "a", None), ("A2", "b", "2020-04-12"), ("A3", None, "2020-04-06")],
    )
    side = view.build(read, view.State(SIT, "en", side=True)).side
    assert side is not None
    cards = [c.card for c in side.cards]
    assert [c.site_id for c in cards] == [view.DESTINATION, "s1", "s2", "empty"]
    whole, one, two, _ = cards
    assert (whole.name, whole.tasks, whole.open_actions, whole.overdue_actions) == (
        "Whole destination",
        3,
        3,
        2,
    )
    assert (whole.budget_eur, whole.spent_eur) == (1800, 1300)
    assert whole.state == "late"  # b ended on 31 March at 40 %
    assert (one.open_actions, one.overdue_actions, one.state) == (1, 0, "on_track")
    assert (two.open_actions, two.overdue_actions, two.late_tasks) == (1, 1, 1)
    assert (side.page, side.pages, side.caption) == (1, 1, None)


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
    read = database(
        [
            ("a", "2020-03-01", "2020-04-10", 50, None, "s1", None, None),
            ("b", "2020-03-01", "2020-03-20", 50, None, "s1", None, None),
            ("c", "2020-03-01", "2020-03-20", 100, None, "s1", None, None),
        ],
        PLACES,
    )
    table = detail(read, "s1").late
    assert list(table.columns) == ["Intitulé", "Jours de retard", "Fin", "Avancement"]
    assert table.iloc[0].to_list() == ["Task b", 26, "20 mars 2020", "50\u00a0%"]
    assert table["Jours de retard"].to_list() == [26, 5]


def test_an_unknown_site_reads_as_the_destination() -> None:
    read = database([("a", "2020-04-01", "2020-04-30", 50, None, "s1", None, None)], PLACES)
    found = view.build(read, view.State(SIT, "fr", site="nowhere"))
    assert found.site == view.DESTINATION
    assert [k for k, _ in found.options] == [view.DESTINATION, "s1", "s2", "empty"]
    assert found.names["s1"] == "One"


def test_an_empty_folder_is_an_empty_model() -> None:
    found = view.build(database(), view.State(SIT, "en"))
    assert found.empty and found.detail is None and found.side is None
    assert found.options == ((view.DESTINATION, "Whole destination"),)


# --- indicators ----------------------------------------------------------------------

KPIS: list[tuple[str | None, str, str, float, float | None, str]] = [
    ("s1", "Dishes", "2020-02-15", 4.0, 18.0, "plats"),
    ("s1", "Dishes", "2020-03-15", 9.0, 18.0, "plats"),
    ("s1", "Dishes", "2020-04-15", 11.0, 20.0, "plats"),
    ("s1", "Ideas", "2020-03-15", 31.0, 30.0, "idées"),
    (None, "Budget", "2020-03-15", 62300.0, None, "€"),
    (None, "Budget", "2020-04-15", 75350.0, None, "€"),
]


@pytest.fixture(scope="module")
def with_kpis() -> Reader:
    return database(
        [("a", "2020-04-01", "2020-04-30", 50, None, "s1", None, None)], PLACES, kpis=KPIS
    )


def latest(read: Reader, site: str, day: str) -> dict[str, view.Kpi]:
    return {k.value.kpi: k for k in detail(read, site, D(day)).kpis}


def test_kpi_before_the_first_value_has_none_but_keeps_its_target(with_kpis: Reader) -> None:
    got = latest(with_kpis, "s1", "2020-02-14")
    assert list(got) == ["Dishes", "Ideas"]
    dishes = got["Dishes"]
    assert dishes.value == sites.KpiValue("s1", "Dishes", "plats", None, None, 18.0)
    assert dishes.value.delta is None and dishes.delta_text is None
    assert (dishes.value_text, dishes.day_text) == ("—", "—")
    assert dishes.help == "Pas encore de valeur à la date de situation."
    assert dishes.history.empty
    assert sites.kpi_line(dishes.value, "fr") == "Dishes : — / 18 plats"


def test_kpi_between_values_is_the_earlier_one(with_kpis: Reader) -> None:
    got = latest(with_kpis, "s1", "2020-04-14")["Dishes"]
    kv = got.value
    assert (kv.day, kv.value, kv.target, kv.delta) == (D("2020-03-15"), 9.0, 18.0, -9.0)
    assert got.delta_text == "-9 par rapport à la cible (18 plats)"
    assert sites.kpi_delta_text(kv, "en") == "-9 against the target (18 plats)"
    # the sparkline draws what was known at that date
    assert got.history["value"].to_list() == [4.0, 9.0]


def test_kpi_on_the_day_takes_that_value_and_its_target(with_kpis: Reader) -> None:
    got = latest(with_kpis, "s1", "2020-04-15")
    dishes = got["Dishes"].value
    assert (dishes.day, dishes.value, dishes.target) == (D("2020-04-15"), 11.0, 20.0)
    assert got["Ideas"].value.delta == 1.0
    assert got["Ideas"].delta_text == "+1 par rapport à la cible (30 idées)"
    assert sites.kpi_line(got["Ideas"].value, "en") == "Ideas: 31 / 30 idées"


def test_destination_kpis_are_the_siteless_ones_shown_as_plain_values(with_kpis: Reader) -> None:
    got = latest(with_kpis, view.DESTINATION, "2020-04-30")
    assert list(got) == ["Budget"]
    budget = got["Budget"]
    assert (budget.value.value, budget.value.target, budget.delta_text) == (75350.0, None, None)
    assert budget.value_text == "75\u202f350\u00a0€"
    assert budget.target_text == "—"
    assert sites.kpi_value_text(2.5, "plats", "en") == "2.5 plats"


def test_kpis_of_a_site_without_any(with_kpis: Reader) -> None:
    assert detail(with_kpis, "s2").kpis == ()


def test_side_by_side_cards_carry_their_kpi_lines(with_kpis: Reader) -> None:
    side = view.build(with_kpis, view.State(SIT, "fr", side=True)).side
    assert side is not None
    lines = {c.card.site_id: c.kpi_lines for c in side.cards}
    assert lines[view.DESTINATION] == ("Budget : 75\u202f350\u00a0€",)
    assert lines["s1"] == ("Dishes : 11 / 20 plats", "Ideas : 31 / 30 idées")
    assert lines["s2"] == ()


# --- budget -------------------------------------------------------------------------


def test_budget_totals_and_overspend() -> None:
    read = database(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s1", 500, 650),  # 150 over
            ("c", "2020-03-01", "2020-03-31", 40, None, "s1", None, 80),  # spent, no budget
            ("d", "2020-03-01", "2020-03-31", 40, None, "s1", 300, None),  # nothing spent
            ("e", "2020-03-01", "2020-03-31", 40, None, "s1", None, None),  # no money line
            ("f", "2020-03-01", "2020-03-31", 0, "cancelled", "s1", 900, None),  # plan dropped
        ],
        PLACES,
    )
    money = detail(read, "s1").budget
    assert money is not None
    assert money.totals == sites.BudgetTotals(1800, 1130, 670, 230, 2)
    assert money.totals.share == pytest.approx(1130 / 1800)
    assert (money.planned_text, money.spent_text, money.remaining_text) == (
        "1\u202f800\u00a0€",
        "1\u202f130\u00a0€",
        "670\u00a0€",
    )
    assert money.lines["name"].to_list() == ["Task b", "Task c", "Task d", "Task a"]
    assert money.caption is None
    assert money.overspent_text == (
        "Dépassement sur 2 tâche(s), 230\u00a0€ au total : Task b, Task c"
    )
    table = money.table
    assert list(table.columns) == ["Ligne", "Prévu", "Dépensé", "Reste", "Dépassement"]
    assert table.iloc[0].to_list() == [
        "Task b",
        "500\u00a0€",
        "650\u00a0€",
        "-150\u00a0€",
        "⚠️ 150\u00a0€",
    ]
    assert table.iloc[3, 4] == ""


def test_budget_by_site_adds_up_to_the_destination() -> None:
    read = database(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s1", 1000, 400),
            ("b", "2020-03-01", "2020-03-31", 40, None, "s2", 500, 650),
            ("p", "2020-01-01", "2020-01-31", 100, None, None, 300, 300),
        ],
        PLACES,
    )
    found = detail(read)
    assert found.by_site is not None and found.budget is not None
    lines = found.by_site.lines
    assert lines["name"].to_list() == ["One", "Two", "Pilotage (sans site)"]  # "empty": none
    assert lines["budget_eur"].sum() == found.budget.totals.budget_eur == 1800
    assert found.by_site.table["Dépassement"].to_list() == ["", "⚠️ 150\u00a0€", ""]
    assert detail(read, "s1").by_site is None  # only the destination's


# --- bounds: what reaches the browser stays small however many sites and tasks -------


@pytest.fixture(scope="module")
def many() -> Reader:
    """70 sites, each with two late tasks spending beyond their budget."""
    places = [(f"s{i:02d}", f"Site {i:02d}") for i in range(70)]
    tasks: list[TaskRow] = []
    for i in range(70):
        for j in range(2):
            tasks.append(
                (f"t{i:02d}{j}", "2020-03-01", "2020-03-31", 10, None, f"s{i:02d}", 100, 100 + i)
            )
    return database(tasks, places)


def test_the_destination_s_tables_are_bounded(many: Reader) -> None:
    found = detail(many)
    assert found.budget is not None and found.by_site is not None
    assert len(found.budget.lines) == view.LINES
    assert found.budget.caption == (
        "30 lignes sur 140 : les dépassements puis les plus gros budgets."
    )
    # the largest overspends are the ones kept
    assert "Task t690" in found.budget.lines["name"].to_list()
    assert "Task t000" not in found.budget.lines["name"].to_list()
    assert found.budget.overspent_text is not None and found.budget.overspent_text.endswith("…")
    assert found.budget.totals.overspent == 138  # the first site spent exactly its plan
    assert len(found.by_site.lines) == view.BUDGET_SITES
    assert found.by_site.caption is not None and "25 sites sur 70" in found.by_site.caption
    assert len(found.late) == view.TABLE_ROWS
    assert found.late_caption == "Les 50 premières sur 140."


def test_the_side_by_side_view_is_paged(many: Reader) -> None:
    side = view.build(many, view.State(SIT, "en", side=True, side_page=3)).side
    assert side is not None
    assert (side.page, side.pages) == (3, 12)  # 71 cards, 6 a page
    assert side.cards[0].card.name == "Site 11"
    assert side.caption == "Cards 13 to 18 of 71"
    beyond = view.build(many, view.State(SIT, "en", side=True, side_page=99)).side
    assert beyond is not None and beyond.page == 12 and len(beyond.cards) == 5


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


def test_sparkline_draws_the_target_only_when_there_is_one(with_kpis: Reader) -> None:
    dishes = latest(with_kpis, "s1", "2020-04-15")["Dishes"].history
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


# --- the demo data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return db.open_database(Store(DEMO).current_files())


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_demo_destination_budget_is_the_headline_s(
    con: duckdb.DuckDBPyConnection, role: str
) -> None:
    read = database_reader(con, role)  # type: ignore[arg-type]
    found = detail(read)
    money = found.budget
    assert money is not None and found.by_site is not None
    assert (money.totals.budget_eur, money.totals.spent_eur, money.totals.overspent) == (
        151500,
        75350,
        2,
    )
    headline = figures.headline(read, SIT)
    assert (headline.budget_eur, headline.spent_eur) == (
        money.totals.budget_eur,
        money.totals.spent_eur,
    )
    assert money.totals.overspend_eur == 400 + 800
    by_site = found.by_site.lines.set_index("name")
    assert by_site["budget_eur"].sum() == 151500
    assert by_site.loc["Restaurant du Parc départemental d'Olhain"].to_list() == [40000, 33200]
    assert by_site.index[-1] == "Pilotage (sans site)"


def test_demo_cards_on_15_april_2020(con: duckdb.DuckDBPyConnection) -> None:
    read = database_reader(con, "viewer")
    side = view.build(read, view.State(SIT, "fr", side=True)).side
    assert side is not None
    cards = {c.card.site_id: c.card for c in side.cards}
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
    whole = cards[view.DESTINATION]
    assert (whole.tasks, whole.open_actions) == (41, 10)
    assert whole.milestone is not None and whole.milestone.days_to_go == 0  # the conference


def rolled_up(states: pd.Series) -> str | None:
    """The site rule written out (the oracle for the SQL's rollup_state)."""
    live = [s for s in states if s != "cancelled"]
    if not live:
        return None
    if all(s == "done" for s in live):
        return "done"
    if "late" in live:
        return "late"
    if "blocked" in live or "at_risk" in live:
        return "at_risk"
    return "on_track" if any(s in ("on_track", "done") for s in live) else "planned"


def test_demo_rollups_follow_the_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Each site's SQL rollup against the rules written out over the tasks' states."""
    read = database_reader(con, "viewer")
    for days in (-60, 0, 30, 90):
        day = SIT + timedelta(days=days)
        tasks = read("task_states", situation=day, threshold=status.AT_RISK_POINTS)
        rows = view.rollups(read, day)
        for row in rows[rows["scope"] == "site"].to_dict("records"):
            own = tasks[(tasks["site_id"] == row["site_id"]) & (tasks["state"] != "cancelled")]
            got = None if pd.isna(row["state"]) else row["state"]
            assert got == rolled_up(own["state"]), (day, row["site_id"])
            if own.empty:
                assert pd.isna(row["progress"])
                continue
            done = own["progress"].where(own["state"] != "done", 100.0).clip(0, 100)
            weights = own["duration_days"]
            assert row["progress"] == pytest.approx((done * weights).sum() / weights.sum())


def test_demo_open_actions_carry_their_task(con: duckdb.DuckDBPyConnection) -> None:
    table = detail(database_reader(con, "viewer"), "olhain").actions
    assert table["Tâche"].to_list()[0] == "Élaboration de la carte avec le chef"
    assert len(table) == 2


def test_demo_kpis_latest_and_destination(con: duckdb.DuckDBPyConnection) -> None:
    read = database_reader(con, "viewer")
    olhain = [k.value for k in detail(read, "olhain").kpis]
    assert [(k.kpi, k.value, k.target) for k in olhain] == [
        ("Plats définis à la carte", 11, 18),
        ("Recrutements de l'équipe", 6, 12),
        ("Producteurs locaux référencés", 9, 15),
    ]
    whole = [k.value for k in detail(read, view.DESTINATION, D("2020-03-31")).kpis]
    assert [(k.kpi, k.value, k.target) for k in whole] == [
        ("Partenaires mobilisés", 60, 70),
        ("Offices de tourisme impliqués", 7, 7),
        ("Budget engagé", 62300, None),
    ]


def test_the_parcours_noir_has_its_opening_ahead(con: duckdb.DuckDBPyConnection) -> None:
    """43 days before the mois noir, the Parcours noir's next milestone is its opening."""
    read = database_reader(con, "viewer")
    side = view.build(read, view.State(SIT, "fr", side=True)).side
    assert side is not None
    card = {c.card.site_id: c.card for c in side.cards}["parcours-noir"]
    assert card.milestone is not None
    assert card.milestone.task_id == "M22"
    assert card.milestone.days_to_go == 43
