"""The data page through AppTest: a French Excel export, a workbook, a bad file, a PDF,
history, rollback, downloads, two staff at once; the store (data folder
or database) checked after each step."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from streamlit.testing.v1 import AppTest

from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.ingest import diff, staging, templates
from dashboard.store import Store, open_store
from dashboard.store.base import log_line
from dashboard.store.postgres import PostgresStore
from tests.app.support import ROOT, logged, sent, sign_in, start, texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- files as staff make them ------------------------------------------------------------


def table(folder: Path, dataset: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{dataset}.csv", dtype=str, keep_default_na=False)


def french_excel(dataset: str, frame: pd.DataFrame) -> bytes:
    """What French Excel's "CSV (séparateur : point-virgule)" writes: Windows-1252,
    semicolons, CRLF, French headers, day-first dates, decimal commas, French labels.
    The sheet has the columns the frame has (optional ones may be absent)."""
    columns = [c for c in get_dataset(dataset).columns if c.name in frame.columns]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.fr for c in columns])
    for record in frame.to_dict("records"):
        writer.writerow([french(c, record[c.name]) for c in columns])
    return out.getvalue().encode("cp1252")


def french(column: Any, value: str) -> str:
    try:
        return templates.example_text(column, value, "fr")
    except ValueError:  # a value already as the spreadsheet wrote it (a wrong one)
        return value


def new_task(tasks: pd.DataFrame, task_id: str = "T41") -> pd.DataFrame:
    row = dict.fromkeys(tasks.columns, "")
    row.update(
        task_id=task_id,
        workstream="Parcours noir",
        name="Impression de la carte du parcours",
        start="2020-05-04",
        end="2020-05-15",
        site_id="parcours-noir",
    )
    return pd.concat([tasks, pd.DataFrame([row])], ignore_index=True)


def new_action(actions: pd.DataFrame, task_id: str) -> pd.DataFrame:
    row = dict.fromkeys(actions.columns, "")
    row.update(
        action_id="A33",
        meeting_date="2020-04-15",
        kind="action",
        text="Imprimer la carte du parcours",
        owner="Agence",
        task_id=task_id,
    )
    return pd.concat([actions, pd.DataFrame([row])], ignore_index=True)


def sheet_rows(dataset: str, frame: pd.DataFrame) -> list[list[object]]:
    columns = [c for c in get_dataset(dataset).columns if c.name in frame.columns]
    rows: list[list[object]] = [[c.fr for c in columns]]
    for record in frame.to_dict("records"):
        rows.append([templates.example_value(c, record[c.name], "fr") for c in columns])
    return rows


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    for i, (name, rows) in enumerate(sheets.items()):
        ws = book.active if i == 0 else book.create_sheet()
        assert ws is not None
        ws.title = name
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        # the writers' lock and the password attempts' count are not data
        if p.is_file() and p.name != "lock" and ".auth" not in p.relative_to(folder).parts
    }


def log(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / ".history" / "log.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def stored(folder: Path) -> dict[str, bytes]:
    """What the app's store holds: the data folder's files (`snapshot`) or, on
    PostgreSQL, the database's current files, versions and log named as they
    would be in a folder."""
    store = open_store()
    if not isinstance(store, PostgresStore):
        return snapshot(folder)
    out = {f"{name}.csv": store.read_current(name) for name in DATASET_ORDER}
    entries = store.history()
    for e in entries:
        out[f".history/{e.dataset}/{e.version:04d}.csv"] = store.version_bytes(e.dataset, e.version)
    out[".history/log.jsonl"] = b"".join(log_line(e) for e in entries)
    return {name: data for name, data in out.items() if data is not None}


def current(dataset: str) -> bytes:
    """A dataset's current file in the app's store."""
    data = open_store().read_current(dataset)
    assert data is not None, dataset
    return data


def version_of(dataset: str, number: int) -> bytes:
    return open_store().version_bytes(dataset, number)


# --- driving the page --------------------------------------------------------------------


def staff(lang: str = "fr", **params: str) -> AppTest:
    at = sign_in(start(lang, **params))
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, key: str) -> Any:
    return at.button(key=key)


def commit_as(at: AppTest, name: str) -> AppTest:
    assert button(at, "data_commit").disabled  # no name, no commit
    at.text_input(key="data_by").input(name).run()
    assert not button(at, "data_commit").disabled
    button(at, "data_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    """The value of the last metric drawn with this label (the latest change view)."""
    return [m.value for m in at.metric if m.label == label][-1]


def frames(at: AppTest) -> list[pd.DataFrame]:
    out = []
    for f in at.dataframe:
        value = f.value
        out.append(value.data if hasattr(value, "data") else value)
    return out


# --- a French Excel export, from preview to commit ----------------------------------------


def test_french_excel_export_preview_change_and_commit(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", ["progress", "status"]] = ["62.5", "in_progress"]
    data = french_excel("tasks", new_task(tasks))
    assert b"\r\n" in data and "début;fin".encode("cp1252") in data and b"62,5" in data
    before = stored(demo_dir)

    at = upload(staff(), "planning-comite-2020-05-12.csv", data)
    body = texts(at)
    # how it was read: recognised from the headers, encoding, separator, rows
    assert "Tâches (planning) · planning-comite-2020-05-12.csv" in body
    assert (
        "reconnu d'après les en-têtes · encodage Windows-1252 · séparateur point-virgule"
        " · 42 lignes lues"
    ) in body
    mapping = frames(at)[0]
    assert ["début", "début (start)"] in mapping.values.tolist()
    assert ["dépensé", "dépensé (spent_eur)"] in mapping.values.tolist()
    assert "Fichier valide : 42 lignes prêtes à être enregistrées." in body
    # the change: one row added, one changed with old -> new per cell
    assert (metric(at, "Lignes ajoutées"), metric(at, "Lignes supprimées")) == ("1", "0")
    assert metric(at, "Lignes modifiées") == "1"
    changed = frames(at)[1]
    assert changed.values.tolist() == [
        ["T14", "avancement", "45", "62,5"],
        ["T14", "statut", "(vide)", "en cours"],
    ]
    assert stored(demo_dir) == before  # nothing written before the confirmation

    at = commit_as(at, "Claire Dubois")
    assert "Tâches (planning) : version 5 enregistrée (42 lignes, par Claire Dubois)." in texts(at)
    assert at.file_uploader[0].value is None  # ready for the next file
    # the data folder: canonical current file, the same bytes as version 5, the log line
    now = current("tasks")
    assert now == version_of("tasks", 5)
    text = now.decode("utf-8")
    assert text.startswith("task_id,workstream,name,start,end,")
    assert "\r" not in text
    assert "T14,Parcours noir,Prototypage des expériences culinaires,2020-03-02,2020-03-31," in text
    assert ",62.5,in_progress," in text
    assert (
        "T41,Parcours noir,Impression de la carte du parcours,2020-05-04,2020-05-15,false,0,"
        in text
    )
    entry = logged()[-1]
    assert {k: entry[k] for k in ("dataset", "version", "by", "rows", "source", "action")} == {
        "dataset": "tasks",
        "version": 5,
        "by": "Claire Dubois",
        "rows": 42,
        "source": "planning-comite-2020-05-12.csv",
        "action": "import",
    }
    # every other file untouched
    after = stored(demo_dir)
    changed_files = {k for k in after if after[k] != before.get(k)}
    assert changed_files == {"tasks.csv", ".history/tasks/0005.csv", ".history/log.jsonl"}


def test_an_xlsx_workbook_with_two_sheets_commits_both(demo_dir: Path) -> None:
    tasks = new_task(table(demo_dir, "tasks"))
    actions = new_action(table(demo_dir, "actions"), task_id="T41")  # cites the new task
    data = xlsx({"Tâches": sheet_rows("tasks", tasks), "Feuil2": sheet_rows("actions", actions)})

    at = upload(staff(), "comite.xlsx", data, XLSX)
    body = texts(at)
    assert "Feuilles du classeur (2)" in body
    assert at.selectbox(key="data_sheet_0_0").value == "tasks"
    assert at.selectbox(key="data_sheet_0_1").value == "actions"
    assert "reconnue par le nom de la feuille · 42 lignes lues" in body
    assert "reconnu d'après les en-têtes · 33 lignes lues" in body
    assert "Tâches (planning) · comite.xlsx › Tâches" in body
    assert "Décisions et actions · comite.xlsx › Feuil2" in body
    assert "Fichier valide : 75 lignes prêtes à être enregistrées." in body
    assert [m.value for m in at.metric] == ["1", "0", "0", "1", "0", "0"]

    at = commit_as(at, "Claire")
    body = texts(at)
    assert "Tâches (planning) : version 5 enregistrée (42 lignes, par Claire)." in body
    assert "Décisions et actions : version 5 enregistrée (33 lignes, par Claire)." in body
    added = "A33,2020-04-15,action,Imprimer la carte du parcours,Agence,,open,T41,"
    assert added in current("actions").decode()
    assert "T41," in current("tasks").decode()
    entries = [(e["dataset"], e["version"], e["action"], e["source"]) for e in logged()]
    assert entries[-3:] == [
        ("actions", 4, "import", "releve-decisions-2020-04-15.csv"),
        ("tasks", 5, "import", "comite.xlsx › Tâches"),
        ("actions", 5, "import", "comite.xlsx › Feuil2"),
    ]


def test_a_bad_file_is_refused_with_its_problems_and_nothing_changes(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T10", "end"] = "31/02/2020"
    tasks.loc[tasks["task_id"] == "T12", "site_id"] = "beaurains"
    data = french_excel("tasks", tasks)
    before = stored(demo_dir)

    at = upload(staff(), "planning.csv", data)
    body = texts(at)
    assert (
        "Fichier refusé : 2 problème(s) à corriger dans le tableur avant de l'envoyer à nouveau."
        " Rien n'a été enregistré."
    ) in body
    assert (
        "planning.csv, ligne 11, colonne « fin » : « 31/02/2020 » n'est pas une date qui existe"
        in (body.replace("\\", ""))
    )
    assert "planning.csv, ligne 13, colonne « site » : « beaurains » n'existe pas dans" in (
        body.replace("\\", "")
    )
    groups, detail, preview = frames(at)[1], frames(at)[2], frames(at)[3]
    assert list(groups["Nombre"]) == [1, 1]
    assert detail[["Ligne", "Colonne", "Valeur"]].values.tolist() == [
        [11, "fin", "31/02/2020"],
        [13, "site", "beaurains"],
    ]
    assert list(preview.index) == [11, 13]
    assert preview.loc[11, "fin"] == "31/02/2020" and preview.loc[13, "site"] == "beaurains"
    assert "data_commit" not in [b.key for b in at.button]
    assert not at.metric  # no change view for a refused file
    assert stored(demo_dir) == before


def test_the_same_bad_file_in_english(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    data = french_excel("tasks", tasks).replace(b"13/01/2020", b"13/13/2020", 1)
    at = upload(staff("en"), "planning.csv", data)
    body = texts(at).replace("\\", "")
    assert "File refused: 1 problem(s) to fix in the spreadsheet" in body
    assert 'planning.csv, row 10, column "début": "13/13/2020" is not a date that exists' in body


def test_a_pdf_gets_a_clear_message(demo_dir: Path) -> None:
    before = stored(demo_dir)
    at = upload(staff(), "compte-rendu.pdf", b"%PDF-1.7\n1 0 obj\n", "application/pdf")
    assert [e.value for e in at.error] == [
        "compte-rendu.pdf : ce fichier est un PDF, pas un CSV ; exportez la feuille au format"
        " CSV (séparateur : point-virgule) ou .xlsx."
    ]
    assert "Rien n'a été enregistré." in texts(at)
    at = upload(at, "photo.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    assert "ce fichier est une image" in at.error[0].value
    assert stored(demo_dir) == before


def test_a_file_without_recognisable_headers_asks_for_its_dataset(demo_dir: Path) -> None:
    data = "Identifiant;Nom;Couleur\r\nolhain;Olhain;vert\r\n".encode("cp1252")
    at = upload(staff(), "lieux.csv", data)
    assert "n'a pas pu être reconnu d'après ses en-têtes" in texts(at)
    question = at.selectbox(key="data_csv_ds_0")
    assert question.value is None and question.options[0] == "Sites"
    question.select("sites").run()
    assert "Fichier refusé : 1 problème(s)" in texts(at)
    assert "colonne inconnue" in texts(at)


def test_a_chosen_dataset_is_used_and_a_better_fit_pointed_out(demo_dir: Path) -> None:
    at = staff()
    at.selectbox(key="data_up_ds").select("kpis").run()
    assert at.query_params["for"] in (["kpis"], "kpis")
    at = upload(at, "sites.csv", current("sites"))
    body = texts(at)
    assert "ressemblent plutôt au jeu « Sites »" in body
    assert "Indicateurs · sites.csv" in body
    assert "Fichier refusé" in body


def test_warnings_are_apart_and_do_not_stop_the_commit(demo_dir: Path) -> None:
    criteria = table(demo_dir, "criteria")
    criteria.loc[criteria["criterion_id"] == "noir", "weight"] = "35"
    at = upload(staff(), "criteres.csv", french_excel("criteria", criteria))
    body = texts(at)
    assert "1 avertissement(s) : le fichier peut être enregistré" in body
    assert "a des poids dont la somme vaut 105" in body
    assert "Fichier refusé" not in body
    at = commit_as(at, "Claire")
    assert "Critères : version 2 enregistrée (10 lignes, par Claire)." in texts(at)


# --- history, versions, rollback ----------------------------------------------------------


def history(at: AppTest) -> AppTest:
    at.segmented_control(key="data_section").set_value("history").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_history_lists_versions_and_serves_any_of_them(
    demo_dir: Path, downloads: dict[str, bytes]
) -> None:
    at = history(staff())
    assert at.query_params["section"] in (["history"], "history")
    versions = frames(at)[0]
    assert versions.values.tolist() == [
        [4, "14/04/2020 18:15", "Équipe projet ALL", 41, "planning-comite-2020-04-15.csv", "envoi"],
        [3, "23/03/2020 18:40", "Équipe projet ALL", 39, "planning-comite-2020-03-24.csv", "envoi"],
        [2, "24/02/2020 18:30", "Équipe projet ALL", 39, "planning-comite-2020-02-25.csv", "envoi"],
        [1, "20/01/2020 18:00", "Équipe projet ALL", 39, "planning-comite-2020-01-21.csv", "envoi"],
    ]
    served = downloads["tasks-v0004.csv"].decode("utf-8-sig")
    assert served == version_of("tasks", 4).decode()
    at.selectbox(key="data_dl_v").select(1).run()
    served = downloads["tasks-v0001.csv"].decode("utf-8-sig")
    assert served == version_of("tasks", 1).decode()
    # compare the two versions: the same change view as an upload
    store = open_store()
    expected = diff.diff_frames(
        staging.version_frame(store, "tasks", 3), staging.version_frame(store, "tasks", 4), "tasks"
    ).counts()
    assert expected["added"] >= 1
    assert [metric(at, "Lignes ajoutées"), metric(at, "Lignes supprimées")] == [
        str(expected["added"]),
        str(expected["removed"]),
    ]
    assert metric(at, "Lignes modifiées") == str(expected["changed"])
    assert at.query_params["from"] in (["3"], "3") and at.query_params["to"] in (["4"], "4")


def test_another_dataset_without_history(demo_dir: Path) -> None:
    at = history(staff(dataset="sites"))
    assert at.selectbox(key="data_ds").value == "sites"
    assert "Aucune version enregistrée pour ce jeu de données." in texts(at)


def test_rollback_asks_for_confirmation_then_restores_the_old_version(demo_dir: Path) -> None:
    store = open_store()
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", "progress"] = "70"
    store.commit("tasks", tasks.to_csv(index=False).encode(), by="Bertrand", source="b", rows=40)
    at = history(staff())
    assert at.selectbox(key="data_rb_v").value == 4
    before = stored(demo_dir)
    button(at, "data_rb_ask").click().run()
    body = texts(at)
    assert "Confirmez-vous le retour à la version 4 ?" in body
    assert stored(demo_dir) == before  # asking changes nothing
    # what going back would change, in the same change view
    assert frames(at)[-1].values.tolist() == [["T14", "avancement", "70", "45"]]
    button(at, "data_rb_cancel").click().run()
    assert "Confirmez-vous" not in texts(at)
    button(at, "data_rb_ask").click().run()
    assert button(at, "data_rb_do").disabled
    at.text_input(key="data_by").input("Claire").run()
    button(at, "data_rb_do").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert (
        "Tâches (planning) : retour à la version 4, enregistré comme version 6 (par Claire)."
        in texts(at)
    )
    old = version_of("tasks", 4)
    assert current("tasks") == old
    assert version_of("tasks", 6) == old
    entry = logged()[-1]
    assert (entry["version"], entry["action"], entry["from_version"], entry["by"]) == (
        6,
        "rollback",
        4,
        "Claire",
    )
    assert frames(at)[0].iloc[0].tolist()[-1] == "retour à la version 4"


def test_a_rollback_that_would_break_another_file_is_refused(demo_dir: Path) -> None:
    at = history(staff())
    at.selectbox(key="data_rb_v").select(3).run()
    button(at, "data_rb_ask").click().run()
    # version 3 predates task T18, which the decisions and actions now cite (and the
    # mois noir's opening)
    assert metric(at, "Lignes supprimées") == "2"
    at.text_input(key="data_by").input("Claire").run()
    before = stored(demo_dir)
    button(at, "data_rb_do").click().run()
    body = texts(at).replace("\\", "")
    assert "Retour à la version 3 refusé : elle ne s'accorde plus avec les autres fichiers." in body
    assert "actions.csv, ligne 24, colonne « task_id » : « T18 » n'existe pas" in body
    assert stored(demo_dir) == before


# --- templates and downloads --------------------------------------------------------------


def test_templates_and_current_data_downloads(demo_dir: Path, downloads: dict[str, bytes]) -> None:
    store = open_store()
    actions = table(demo_dir, "actions")
    actions.loc[0, "text"] = '=HYPERLINK("http://exemple.invalid","Cliquez")'
    store.commit("actions", actions.to_csv(index=False).encode(), by="t", source="a.csv", rows=32)
    at = staff(section="templates", dataset="actions")
    assert not at.exception
    described = frames(at)[0]
    assert described.iloc[0].tolist()[:4] == ["identifiant", "action_id", "texte", "oui"]
    template = downloads["modele-actions.csv"].decode("utf-8-sig")
    assert template.startswith("identifiant;comité;type;libellé;")
    assert "A01;15/04/2020;action;Relancer les boulangers du Douaisis;" in template
    book = load_workbook(io.BytesIO(downloads["modele-actions.xlsx"]))
    assert book.sheetnames == ["Décisions et actions", "À lire"]
    assert "modele-actions-formats.csv" in downloads
    # the current data, formulas neutralised in both forms
    current = downloads["actions.csv"].decode("utf-8-sig")
    assert "A01,2019-12-10,decision,\"'=HYPERLINK(" in current
    sheet = load_workbook(io.BytesIO(downloads["actions.xlsx"])).active
    assert sheet is not None
    assert str(sheet["D2"].value).startswith("'=HYPERLINK(")
    assert sheet["D2"].data_type == "s"
    # English headers on demand
    at.segmented_control(key="data_tpl_lang").set_value("en").run()
    assert downloads["template-actions.csv"].decode("utf-8-sig").startswith("action_id,")


# --- two staff at once ------------------------------------------------------------------


def test_two_staff_at_once_neither_change_is_lost(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    mine = tasks.copy()
    mine.loc[mine["task_id"] == "T14", "progress"] = "60"
    theirs = tasks.copy()
    theirs.loc[theirs["task_id"] == "T19", "progress"] = "35"
    a = upload(staff(), "a.csv", french_excel("tasks", mine))
    a.text_input(key="data_by").input("Anne").run()
    b = upload(staff(), "b.csv", french_excel("tasks", theirs))
    b = commit_as(b, "Bertrand")
    assert "version 5 enregistrée" in texts(b)
    # A's preview was made before B's commit: A's click is not applied to data A has not
    # seen; the page shows the change again, against B's version
    button(a, "data_commit").click().run()
    assert "Les données ont changé depuis votre aperçu" in texts(a)
    assert len(logged()) == 13  # the demo's 12 commits and B's
    assert frames(a)[1].values.tolist()[:2] == [
        ["T14", "avancement", "45", "60"],
        ["T19", "avancement", "35", "20"],  # A's file would undo B's change: now visible
    ]
    button(a, "data_commit").click().run()
    assert "version 6 enregistrée" in texts(a)
    assert [(e["version"], e["by"]) for e in logged() if e["dataset"] == "tasks"] == [
        (1, "Équipe projet ALL"),
        (2, "Équipe projet ALL"),
        (3, "Équipe projet ALL"),
        (4, "Équipe projet ALL"),
        (5, "Bertrand"),
        (6, "Anne"),
    ]
    assert version_of("tasks", 5) != current("tasks")


def test_a_commit_refused_when_what_it_cites_was_removed_meanwhile(demo_dir: Path) -> None:
    store = open_store()
    with_t41 = new_task(table(demo_dir, "tasks"))
    store.commit("tasks", with_t41.to_csv(index=False).encode(), by="B", source="b", rows=41)
    actions = new_action(table(demo_dir, "actions"), task_id="T41")
    a = upload(staff(), "actions.csv", french_excel("actions", actions))
    assert "Fichier valide" in texts(a)
    # someone else takes T41 out (through the page, as staff)
    b = history(staff())
    b.selectbox(key="data_rb_v").select(4).run()
    button(b, "data_rb_ask").click().run()
    b.text_input(key="data_by").input("Bertrand").run()
    button(b, "data_rb_do").click().run()
    assert "retour à la version 4" in texts(b)
    before = stored(demo_dir)
    # A's next interaction judges again: the action now cites a task that does not exist
    a.text_input(key="data_by").input("Anne").run()
    body = texts(a).replace("\\", "")
    assert "Fichier refusé : 1 problème(s)" in body
    assert "« T41 » n'existe pas" in body
    assert "data_commit" not in [b.key for b in a.button]
    assert stored(demo_dir) == before


# --- who may see the page -----------------------------------------------------------------


def test_a_viewer_cannot_reach_the_page(demo_dir: Path) -> None:
    with pytest.raises(ValueError, match=r"app_pages/data\.py"):
        start(page="data")  # not in a viewer's navigation: no URL leads there
    at = start()
    assert "app_pages/data.py" not in str(at._tree)


def test_the_page_script_run_directly_as_a_viewer_stops_at_its_header(demo_dir: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "Cette page est réservée à l'équipe : connectez-vous dans la barre latérale."
    ]
    assert len(at.file_uploader) == 0
    everything = sent(at)
    for secret in ("Équipe projet ALL", "planning-comite", "Envoyer un fichier", "Historique"):
        assert secret not in everything


@pytest.mark.parametrize(
    ("lang", "title", "section"),
    [("fr", "Données", "Envoyer un fichier"), ("en", "Data", "Upload a file")],
)
def test_staff_see_the_page_in_both_languages(
    demo_dir: Path, lang: str, title: str, section: str
) -> None:
    at = staff(lang)
    assert at.title[0].value == title
    # the leading emoji is drawn as the option's icon
    assert at.segmented_control(key="data_section").options[0] == section
    assert len(at.file_uploader) == 1
    assert ("20 Mo" if lang == "fr" else "20 MB") in texts(at)


def test_the_signed_in_name_is_offered_for_the_log(demo_dir: Path) -> None:
    at = sign_in(start())
    at.session_state["staff_name"] = "Claire Dubois"
    at.switch_page("app_pages/data.py").run()
    tasks = new_task(table(demo_dir, "tasks"))
    at = upload(at, "planning.csv", french_excel("tasks", tasks))
    assert at.text_input(key="data_by").value == "Claire Dubois"
    button(at, "data_commit").click().run()
    assert logged()[-1]["by"] == "Claire Dubois"


def test_a_single_unrecognised_sheet_takes_the_chosen_dataset(demo_dir: Path) -> None:
    at = staff()
    at.selectbox(key="data_up_ds").select("sites").run()
    sites = table(demo_dir, "sites")
    rows: list[list[object]] = [["identifiant", "nom", "commune"]]
    rows += [[r["site_id"], r["name"], r["commune"]] for r in sites.to_dict("records")]
    rows[1][2] = "Maisnil-lès-Ruitz (Pas-de-Calais)"
    at = upload(at, "lieux.xlsx", xlsx({"Feuil1": rows}), XLSX)
    # three headers that fit sites: recognised anyway; the choice and the headers agree
    assert at.selectbox(key="data_sheet_0_0").value == "sites"
    # optional columns absent from the file are emptied: the change view says so
    assert metric(at, "Lignes modifiées") == "4"
    at = upload(at, "budget.xlsx", xlsx({"Feuil1": [["poste", "montant"], ["x", 1]]}), XLSX)
    assert at.selectbox(key="data_sheet_0_0").value == "sites"
    assert "jeu de données choisi" in texts(at)
    assert "Fichier refusé" in texts(at)


def test_an_empty_folder_gets_its_first_dataset(empty_dir: Path) -> None:
    at = staff()
    at = upload(at, "sites.csv", (ROOT / "data" / "sites.csv").read_bytes())
    assert metric(at, "Lignes ajoutées") == "4"
    at = commit_as(at, "Claire")
    assert "Sites : version 1 enregistrée (4 lignes, par Claire)." in texts(at)
    assert current("sites") == (ROOT / "data" / "sites.csv").read_bytes()
    assert [(e["dataset"], e["version"], e["action"]) for e in logged()] == [("sites", 1, "import")]


@pytest.mark.folder_only(reason="a file edited by hand is a data folder's matter")
def test_a_hand_edit_is_saved_as_a_new_version_from_the_history(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", "progress"] = "70"
    (demo_dir / "tasks.csv").write_bytes(tasks.to_csv(index=False).encode())
    logged = Store(demo_dir).latest("tasks")
    assert logged is not None
    at = history(staff())
    assert "modifié à la main" in texts(at)
    assert button(at, "data_adopt").disabled  # no name, no commit
    at.text_input(key="data_by").input("Claire").run()
    button(at, "data_adopt").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = Store(demo_dir).latest("tasks")
    assert saved is not None and saved.version > logged.version and saved.by == "Claire"
    assert "enregistré comme version" in texts(at)
    assert table(demo_dir, "tasks").set_index("task_id").loc["T14", "progress"] == "70"
    assert not [p for p in Store(demo_dir).problems() if p.code == "hand_edit"]


@pytest.mark.folder_only(reason="a file edited by hand is a data folder's matter")
def test_an_invalid_hand_edit_is_not_saved_and_nothing_changes(demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", "progress"] = "cent dix"
    (demo_dir / "tasks.csv").write_bytes(tasks.to_csv(index=False).encode())
    at = history(staff())
    at.text_input(key="data_by").input("Claire").run()
    before = snapshot(demo_dir)
    button(at, "data_adopt").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "ne passe pas les vérifications" in texts(at)
    assert "cent dix" in texts(at).replace("\\", "")
    assert snapshot(demo_dir) == before
