"""Uploads staged for staff: judged together, committed in order, shown as people read them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import export, ingest
from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.ingest import Parsed, Problem, diff, staging, templates, workbook
from dashboard.store import CommitRefused, Store, Version


def table(store: Store, dataset: str) -> pd.DataFrame:
    data = store.read_current(dataset)
    assert data is not None
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def csv_of(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def parse(dataset: str, frame: pd.DataFrame, file: str | None = None) -> Parsed:
    return ingest.read_bytes(dataset, csv_of(frame), file or f"{dataset}-export.csv")


def new_task(tasks: pd.DataFrame, task_id: str = "T41", **cells: str) -> pd.DataFrame:
    row = dict.fromkeys(tasks.columns, "")
    row.update(
        task_id=task_id,
        workstream="Parcours noir",
        name="Impression de la carte du parcours",
        start="2020-05-04",
        end="2020-05-15",
    )
    row.update(cells)
    return pd.concat([tasks, pd.DataFrame([row])], ignore_index=True)


def new_action(actions: pd.DataFrame, **cells: str) -> pd.DataFrame:
    row = dict.fromkeys(actions.columns, "")
    row.update(action_id="A33", meeting_date="2020-04-15", kind="action", text="Imprimer la carte")
    row.update(cells)
    return pd.concat([actions, pd.DataFrame([row])], ignore_index=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


# --- judging together ---------------------------------------------------------------------


def test_a_bad_date_and_an_unknown_reference_are_shown_at_once(demo_store: Store) -> None:
    tasks = table(demo_store, "tasks")
    tasks.loc[tasks["task_id"] == "T10", "end"] = "31/02/2020"
    tasks.loc[tasks["task_id"] == "T12", "site_id"] = "beaurains"
    batch = staging.judge_all(demo_store, [parse("tasks", tasks)])
    found = {(p.code, p.row, p.column, p.value) for p in batch.errors}
    assert found == {
        ("impossible_date", 11, "end", "31/02/2020"),
        ("reference_missing", 13, "site_id", "beaurains"),
    }
    assert not batch.ok


def test_sheets_are_judged_together(demo_store: Store) -> None:
    tasks = new_task(table(demo_store, "tasks"))
    actions = new_action(table(demo_store, "actions"), task_id="T41")
    alone = staging.judge_all(demo_store, [parse("actions", actions)])
    assert [(p.code, p.value) for p in alone.errors] == [("reference_missing", "T41")]
    together = staging.judge_all(demo_store, [parse("actions", actions), parse("tasks", tasks)])
    assert together.ok, [p.message("en") for p in together.errors]
    assert together.datasets == ["tasks", "actions"]  # dependency order


def test_an_upload_breaking_another_file_is_refused_with_it_named(demo_store: Store) -> None:
    tasks = table(demo_store, "tasks")
    tasks = tasks[tasks["task_id"] != "T06"]
    batch = staging.judge_all(demo_store, [parse("tasks", tasks)])
    assert not batch.ok
    assert batch.uploads[0].problems == []
    assert {(p.file, p.code, p.value) for p in batch.broken} == {
        ("actions.csv", "reference_missing", "T06")
    }


def test_unmapped_headers_stop_before_the_rules(demo_store: Store) -> None:
    parsed = ingest.read_bytes("tasks", b"identifiant;couleur\nT1;rouge\n", "t.csv")
    batch = staging.judge_all(demo_store, [parsed])
    assert {p.code for p in batch.errors} == {"unknown_column", "missing_column"}
    assert batch.broken == []


def test_one_dataset_twice_is_a_mistake(demo_store: Store) -> None:
    tasks = parse("tasks", table(demo_store, "tasks"))
    with pytest.raises(ValueError):
        staging.judge_all(demo_store, [tasks, tasks])


def test_warnings_do_not_refuse(demo_store: Store) -> None:
    criteria = table(demo_store, "criteria")
    criteria.loc[criteria["criterion_id"] == "noir", "weight"] = "35"
    batch = staging.judge_all(demo_store, [parse("criteria", criteria)])
    assert batch.ok
    [warning] = batch.warnings
    assert warning.code == "weights_sum" and float(warning.params["detail"]) == 105


# --- committing ---------------------------------------------------------------------------


def test_one_file_is_committed_with_who_and_from_which_file(demo_store: Store) -> None:
    tasks = new_task(table(demo_store, "tasks"))
    batch = staging.judge_all(demo_store, [parse("tasks", tasks, "planning.csv")])
    steps: list[tuple[str, int, int]] = []
    outcome = staging.commit_all(
        demo_store, batch, by="Claire", step=lambda d, i, n: steps.append((d, i, n))
    )
    assert outcome.ok and outcome.unchanged == []
    [version] = outcome.committed
    assert (version.dataset, version.version, version.by, version.rows, version.source) == (
        "tasks", 5, "Claire", 42, "planning.csv",
    )  # fmt: skip
    assert steps == [("tasks", 0, 1)]
    assert table(demo_store, "tasks")["task_id"].iloc[-1] == "T41"
    assert demo_store.history("tasks")[-1] == version


def test_a_workbook_is_committed_in_dependency_order(demo_store: Store) -> None:
    tasks = table(demo_store, "tasks")
    tasks = tasks[tasks["task_id"] != "T06"]
    actions = table(demo_store, "actions")
    actions.loc[actions["task_id"] == "T06", "task_id"] = ""
    batch = staging.judge_all(
        demo_store, [parse("actions", actions, "b.xlsx › A"), parse("tasks", tasks, "b.xlsx › T")]
    )
    assert batch.ok, [p.message("en") for p in batch.problems]
    outcome = staging.commit_all(demo_store, batch, by="Claire")
    assert outcome.ok
    assert [(v.dataset, v.source) for v in outcome.committed] == [
        ("tasks", "b.xlsx › T"),
        ("actions", "b.xlsx › A"),
    ]
    # the demo's actions have four versions: the workbook's is the fifth
    assert [(v.version, v.action) for v in demo_store.history("actions")] == [
        (1, "import"),
        (2, "import"),
        (3, "import"),
        (4, "import"),
        (5, "import"),
    ]
    assert "T06" not in set(table(demo_store, "actions")["task_id"])


def test_an_unchanged_dataset_is_not_a_new_version(demo_store: Store) -> None:
    same = parse("sites", table(demo_store, "sites"))
    batch = staging.judge_all(
        demo_store, [same, parse("tasks", new_task(table(demo_store, "tasks")))]
    )
    outcome = staging.commit_all(demo_store, batch, by="Claire")
    assert outcome.unchanged == ["sites"]
    assert [v.dataset for v in outcome.committed] == ["tasks"]
    assert demo_store.history("sites") == []


def test_a_refused_batch_writes_nothing(demo_store: Store, demo_dir: Path) -> None:
    before = snapshot(demo_dir)
    tasks = table(demo_store, "tasks")
    tasks.loc[0, "start"] = "bientôt"
    batch = staging.judge_all(demo_store, [parse("tasks", tasks)])
    with pytest.raises(CommitRefused):
        staging.commit_all(demo_store, batch, by="Claire")
    assert snapshot(demo_dir) == before


def test_a_commit_is_checked_again_against_what_landed_since(
    demo_store: Store, demo_dir: Path
) -> None:
    # Staff A checks actions citing T41 while it exists; staff B then removes T41.
    with_t41 = new_task(table(demo_store, "tasks"))
    staging.commit_all(
        demo_store, staging.judge_all(demo_store, [parse("tasks", with_t41)]), by="B"
    )
    actions = new_action(table(demo_store, "actions"), task_id="T41")
    checked = staging.judge_all(demo_store, [parse("actions", actions)])
    assert checked.ok
    demo_store.rollback("tasks", 4, by="B", rows=41)
    before = snapshot(demo_dir)
    outcome = staging.commit_all(demo_store, checked, by="A")
    assert outcome.refused == "actions"
    assert [(p.code, p.value) for p in outcome.problems] == [("reference_missing", "T41")]
    assert snapshot(demo_dir) == before


def test_a_refusal_midway_names_what_was_committed(demo_store: Store) -> None:
    # sites and tasks checked together; between the two commits someone else
    # commits a site removal the tasks upload still needs
    sites = table(demo_store, "sites")
    sites.loc[sites["site_id"] == "olhain", "commune"] = "Maisnil-lès-Ruitz (62)"
    tasks = new_task(table(demo_store, "tasks"), site_id="louvre-lens")
    batch = staging.judge_all(demo_store, [parse("tasks", tasks), parse("sites", sites)])
    assert batch.ok

    def meanwhile(dataset: str, done: int, total: int) -> None:
        if dataset == "tasks":
            other = table(demo_store, "sites")
            other = other[other["site_id"] != "louvre-lens"]
            data = csv_of(other)
            demo_store.commit("sites", data, by="B", source="autre.csv", rows=len(other))

    outcome = staging.commit_all(demo_store, batch, by="A", step=meanwhile)
    assert [v.dataset for v in outcome.committed] == ["sites"]
    assert outcome.refused == "tasks"
    assert outcome.not_tried == []
    assert {(p.code, p.value) for p in outcome.problems} == {("reference_missing", "louvre-lens")}
    assert demo_store.history("tasks")[-1].version == 4


# --- typed frames and downloads -----------------------------------------------------------


def test_download_csv_neutralises_text_formulas_not_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    data = (
        b"site_id,name,commune,kind,lat,lon,description\n"
        b's1,=HYPERLINK("http://x"),+33,@SUM(A1),-12.5,-3.7038,-\n'
    )
    store.commit("sites", data, by="t", source="s.csv", rows=1)
    out = staging.download_csv(staging.current_frame(store, "sites"), "sites").decode("utf-8-sig")
    assert out.splitlines()[1] == (
        's1,"\'=HYPERLINK(""http://x"")",\'+33,\'@SUM(A1),-12.5,-3.7038,\'-,,'
    )


def test_every_dataset_downloaded_as_one_workbook_uploads_back_unchanged(
    demo_store: Store,
) -> None:
    sheets = {
        templates.sheet_name(d, "fr"): staging.download_frame(
            staging.current_frame(demo_store, d), d
        )
        for d in DATASET_ORDER
    }
    book = workbook.read_workbook(export.xlsx_bytes(sheets), "donnees-ALL.xlsx")
    assert [(s.dataset, s.how) for s in book.sheets] == [(d, "name") for d in DATASET_ORDER]
    parsed = [workbook.parse_sheet(book.file, s, s.dataset or "") for s in book.sheets]
    batch = staging.judge_all(demo_store, parsed)
    assert batch.errors == [], [p.message("en") for p in batch.errors[:5]]
    for upload in batch.uploads:
        change = diff.diff_frames(
            staging.current_frame(demo_store, upload.dataset), upload.parsed.frame, upload.dataset
        )
        assert change.empty, (upload.dataset, change.counts(), change.changed[:3])


def test_frames_of_a_missing_dataset_are_empty_and_typed(tmp_path: Path) -> None:
    frame = staging.current_frame(Store(tmp_path), "kpis")
    assert frame.empty and list(frame.columns) == list(get_dataset("kpis").column_names)


# --- shown as people read them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "fr", "en"),
    [
        ("start", date(2020, 4, 15), "15/04/2020", "15/04/2020"),
        ("start", pd.Timestamp("2020-04-15"), "15/04/2020", "15/04/2020"),
        ("progress", 55.5, "55,5", "55.5"),
        ("budget_eur", 12000.0, "12\u202f000", "12,000"),
        ("milestone", True, "oui", "yes"),
        ("status", "in_progress", "en cours", "in progress"),
        ("owner", "Agence", "Agence", "Agence"),
        ("owner", None, "", ""),
        ("spent_eur", pd.NA, "", ""),
    ],
)
def test_show(column: str, value: object, fr: str, en: str) -> None:
    assert staging.show(value, "tasks", column, "fr") == fr
    assert staging.show(value, "tasks", column, "en") == en


def test_change_table_lists_old_and_new_per_cell(demo_store: Store) -> None:
    tasks = table(demo_store, "tasks")
    tasks.loc[tasks["task_id"] == "T10", ["progress", "status"]] = ["55.5", "blocked"]
    new = parse("tasks", tasks).frame
    change = diff.diff_frames(staging.current_frame(demo_store, "tasks"), new, "tasks")
    old = table(demo_store, "tasks").set_index("task_id").loc["T10"]
    shown = staging.change_table(change, "tasks", "fr")
    assert list(shown.columns) == ["Ligne (identifiant)", "Colonne", "Avant", "Après"]
    rows = {tuple(r) for r in shown.itertuples(index=False)}
    assert (
        "T10",
        "avancement",
        staging.show(float(old["progress"]), "tasks", "progress", "fr"),
        "55,5",
    ) in rows
    assert (
        "T10",
        "statut",
        "(vide)",  # no status in the demo: said so, not blank
        "bloqué",
    ) in rows
    assert len(rows) == 2
    assert list(staging.change_table(change, "tasks", "en").columns) == [
        "Row (identifier)",
        "Column",
        "Before",
        "After",
    ]


def test_problem_table_and_groups() -> None:
    problems = [
        Problem("f.csv", "expected_date", row=4, column="début", value="demain"),
        Problem("f.csv", "expected_date", row=9, column="début", value="bientôt"),
        Problem("f.csv", "required", row=9, column="intitulé", value=None),
    ]
    detail = staging.problem_table(problems, "fr")
    assert list(detail.columns) == [
        "Fichier",
        "Ligne",
        "Colonne",
        "Valeur",
        "Problème et forme attendue",
    ]
    assert detail.iloc[1].tolist()[:4] == ["f.csv", 9, "début", "bientôt"]
    assert detail.iloc[1, 4].startswith("n'est pas une date ; attendu : JJ/MM/AAAA")
    grouped = staging.group_table(problems, "en")
    assert grouped.iloc[0].tolist()[:3] == [2, "f.csv", "début"]
    assert grouped.iloc[0]["First row"] == 4
    assert grouped.iloc[1].tolist()[:3] == [1, "f.csv", "intitulé"]


def test_preview_marks_problem_cells_at_their_spreadsheet_rows() -> None:
    records = [
        ["identifiant", "axe", "intitulé", "début", "fin"],
        ["T1", "A", "x", "01/03/2020", "02/03/2020"],
        ["T2", "A", "y", "demain", "02/03/2020"],
        ["T3", "A", "", "01/03/2020", "02/03/2020"],
    ]
    problems = [
        Problem("f.csv", "required", row=4, column="intitulé"),
        Problem("f.csv", "expected_date", row=3, column="début", value="demain"),
        Problem("f.csv", "missing_column", row=1),
        Problem("f.csv", "weights_sum", row=2, column="fin", severity="warning"),
    ]
    view = staging.preview(records, problems, rows=2)
    # errors first, two rows at most, shown in spreadsheet order
    assert list(view.frame.index) == [3, 4]
    assert view.frame.loc[3, "début"] == "demain"
    assert list(view.frame.columns) == ["identifiant", "intitulé", "début", "axe", "fin"]
    assert view.marks == {(3, "début"): "error", (4, "intitulé"): "error"}
    style = staging.styled(view).to_html().split("</style>")[0]
    painted = style.split("{")[0]  # the cells that get the error colour
    assert "background-color: #f8d0cc" in style and "#fbe9bf" not in style
    assert "_row0_col2" in painted and "_row1_col1" in painted and painted.count("_row") == 2


def test_preview_without_problems_shows_the_first_rows() -> None:
    records = [["a", "a", ""], *[[str(i), "x", "y"] for i in range(30)]]
    view = staging.preview(records, [], rows=5)
    assert list(view.frame.index) == [2, 3, 4, 5, 6]
    assert list(view.frame.columns) == ["a", "a (B)", "C"]
    assert view.marks == {}


def test_mapping_table_names_each_header_and_what_is_absent() -> None:
    parsed = ingest.read_bytes(
        "tasks", "identifiant;axe;intitulé;début;fin;couleur\n".encode(), "t.csv"
    )
    shown = staging.mapping_table(parsed, "fr").set_index("Colonne du tableau de bord")
    assert shown.loc["début (start)", "En-tête du fichier"] == "début"
    rows = staging.mapping_table(parsed, "fr").values.tolist()
    assert ["couleur", "⛔ colonne inconnue"] in rows
    assert (
        shown.loc["jalon (milestone)", "En-tête du fichier"] == "(absente : « false » par défaut)"
    )
    assert shown.loc["responsable (owner)", "En-tête du fichier"] == "(absente)"


def test_history_table_newest_first_on_the_paris_clock() -> None:
    versions = [
        Version("tasks", 1, "2020-03-23T17:40:00+00:00", "Équipe", 39, "a.csv", "x", "import"),
        Version("tasks", 2, "2020-04-14T16:15:00+00:00", "Claire", 40, "b.csv", "y", "import"),
        Version("tasks", 3, "2020-04-15T08:00:00+00:00", "Claire", 39, "a.csv", "x", "rollback", 1),
    ]
    fr = staging.history_table(versions, "fr")
    assert fr.iloc[0].tolist() == [
        3,
        "15/04/2020 10:00",
        "Claire",
        39,
        "a.csv",
        "retour à la version 1",
    ]
    assert fr.iloc[2].tolist() == [1, "23/03/2020 18:40", "Équipe", 39, "a.csv", "envoi"]
    en = staging.history_table(versions, "en")
    assert en.iloc[0, 5] == "back to version 1"
