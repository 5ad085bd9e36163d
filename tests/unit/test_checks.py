"""The SQL rules in sql/checks/: one breaking row and one fine row per rule."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard import ingest
from dashboard.ingest import Problem, checks, uploads
from dashboard.queries import db
from dashboard.store import Store

Flag = tuple[str, int | None, str | None]


@dataclass(frozen=True)
class Case:
    rule: str
    id: str
    # dataset -> canonical CSV text
    files: dict[str, str]
    # what the rule flags: (dataset, spreadsheet row, canonical column)
    expected: set[Flag]
    # (dataset, frame index, column, value) set after ingest, for values ingest
    # would never produce (files written by other means)
    edits: tuple[tuple[str, int, str, str | None], ...] = field(default=())


TASKS = "task_id,workstream,name,start,end"
SITES = "site_id,name\ns1,Site un\n"
CRITERIA = "evaluation,criterion_id,label,weight,scale_max,method"
PROJECTS = "project_id,evaluation,name,price_eur"
SCORES = "project_id,criterion_id,juror,score"


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


CASES = [
    Case(
        "required",
        "tasks-name",
        {"tasks": lines(TASKS, "T1,A,Un,2020-01-01,2020-01-02", "T2,A,,2020-01-01,2020-01-02")},
        {("tasks", 3, "name")},
    ),
    Case(
        "required",
        "criteria-weight-and-label",
        {"criteria": lines(CRITERIA, "e,c1,Un,100,,", "e,c2,,,,")},
        {("criteria", 3, "label"), ("criteria", 3, "weight")},
    ),
    Case(
        "required",
        "kpis-date",
        {"kpis": lines("site_id,kpi,date,value", ",k,2020-01-01,1", ",k,,2")},
        {("kpis", 3, "date")},
    ),
    Case(
        "duplicate_key",
        "tasks",
        {
            "tasks": lines(
                TASKS,
                "T1,A,Un,2020-01-01,2020-01-02",
                "T2,A,Deux,2020-01-01,2020-01-02",
                "T1,A,Trois,2020-01-01,2020-01-02",
            )
        },
        {("tasks", 4, "task_id")},
    ),
    Case(
        "duplicate_key",
        "scores",
        {
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "criteria": lines(CRITERIA, "e,c1,Un,100,,"),
            "scores": lines(SCORES, "P1,c1,Anne,3", "P1,c1,Paul,3", "P1,c1,Anne,4"),
        },
        {("scores", 4, "juror")},
    ),
    Case(
        "duplicate_key",
        "criteria-same-id-other-evaluation",
        {"criteria": lines(CRITERIA, "e,c1,Un,100,,", "f,c1,Un,100,,", "e,c1,Bis,0.5,,")},
        {("criteria", 4, "criterion_id")},
    ),
    Case(
        "duplicate_key",
        "kpis-whole-destination",
        {
            "sites": SITES,
            "kpis": lines(
                "site_id,kpi,date,value",
                ",k,2020-01-01,1",
                "s1,k,2020-01-01,1",
                ",k,01/01/2020,2",
            ),
        },
        {("kpis", 4, "date")},
    ),
    Case(
        "out_of_range",
        "tasks-progress-and-budget",
        {
            "tasks": lines(
                TASKS + ",progress,budget_eur",
                "T1,A,Un,2020-01-01,2020-01-02,100,0",
                "T2,A,Deux,2020-01-01,2020-01-02,120,-1",
            )
        },
        {("tasks", 3, "progress"), ("tasks", 3, "budget_eur")},
    ),
    Case(
        "out_of_range",
        "sites-lat-lon",
        {"sites": lines("site_id,name,lat,lon", "s1,A,90,-180", "s2,B,90.5,181")},
        {("sites", 3, "lat"), ("sites", 3, "lon")},
    ),
    Case(
        "out_of_range",
        "stakeholders-influence",
        {
            "stakeholders": lines(
                "stakeholder_id,name,category,influence,interest",
                "S1,A,x,1,5",
                "S2,B,x,6,0",
            )
        },
        {("stakeholders", 3, "influence"), ("stakeholders", 3, "interest")},
    ),
    Case(
        "out_of_range",
        "price-and-weight-must-be-positive",
        {
            "projects": lines(PROJECTS, "P1,e,Un,0.01", "P2,e,Deux,0"),
            "criteria": lines(CRITERIA, "e,c1,Un,100,1,", "e,c2,Deux,0,0,"),
        },
        {("projects", 3, "price_eur"), ("criteria", 3, "weight"), ("criteria", 3, "scale_max")},
    ),
    Case(
        "out_of_range",
        "negative-score",
        {
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "criteria": lines(CRITERIA, "e,c1,Un,100,,"),
            "scores": lines(SCORES, "P1,c1,Anne,0", "P1,c1,Paul,-1"),
        },
        {("scores", 3, "score")},
    ),
    Case(
        "enum_value",
        "tasks-status",
        {"tasks": lines(TASKS, "T1,A,Un,2020-01-01,2020-01-02", "T2,A,Deux,2020-01-01,2020-01-02")},
        {("tasks", 3, "status")},
        edits=(("tasks", 0, "status", "done"), ("tasks", 1, "status", "finished")),
    ),
    Case(
        "enum_value",
        "actions-kind",
        {
            "actions": lines(
                "action_id,meeting_date,kind,text",
                "A1,2020-01-01,action,Un",
                "A2,2020-01-01,decision,Deux",
            )
        },
        {("actions", 3, "kind")},
        edits=(("actions", 1, "kind", "Décision"),),
    ),
    Case(
        "reference_missing",
        "tasks-site",
        {
            "sites": SITES,
            "tasks": lines(
                TASKS + ",site_id",
                "T1,A,Un,2020-01-01,2020-01-02,s1",
                "T2,A,Deux,2020-01-01,2020-01-02,nulle-part",
            ),
        },
        {("tasks", 3, "site_id")},
    ),
    Case(
        "reference_missing",
        "actions-task-and-project",
        {
            "tasks": lines(TASKS, "T1,A,Un,2020-01-01,2020-01-02"),
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "actions": lines(
                "action_id,meeting_date,kind,text,task_id,project_id",
                "A1,2020-01-01,action,Un,T1,P1",
                "A2,2020-01-01,action,Deux,T9,P9",
            ),
        },
        {("actions", 3, "task_id"), ("actions", 3, "project_id")},
    ),
    Case(
        "reference_missing",
        "scores-project",
        {
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "criteria": lines(CRITERIA, "e,c1,Un,100,,"),
            "scores": lines(SCORES, "P1,c1,Anne,3", "P2,c1,Anne,3"),
        },
        {("scores", 3, "project_id")},
    ),
    Case(
        "reference_missing",
        "projects-stakeholder-and-site",
        {
            "sites": SITES,
            "stakeholders": lines("stakeholder_id,name,category", "S1,A,x"),
            "projects": lines(
                "project_id,evaluation,name,stakeholder_id,site_id",
                "P1,e,Un,S1,s1",
                "P2,e,Deux,S2,s2",
            ),
        },
        {("projects", 3, "stakeholder_id"), ("projects", 3, "site_id")},
    ),
    Case(
        "end_before_start",
        "end-and-baseline",
        {
            "tasks": lines(
                TASKS + ",baseline_start,baseline_end",
                "T1,A,Un,2020-01-01,2020-01-01,2020-01-01,2020-01-02",
                "T2,A,Deux,2020-01-02,2020-01-01,2020-01-01,2020-01-01",
                "T3,A,Trois,2020-01-01,2020-01-05,2020-01-03,2020-01-02",
            )
        },
        {("tasks", 3, "end"), ("tasks", 4, "baseline_end")},
    ),
    Case(
        "milestone_span",
        "milestone-over-two-days",
        {
            "tasks": lines(
                TASKS + ",milestone",
                "T1,A,Un,2020-01-01,2020-01-01,oui",
                "T2,A,Deux,2020-01-01,2020-01-02,oui",
                "T3,A,Trois,2020-01-01,2020-01-02,non",
            )
        },
        {("tasks", 3, "end")},
    ),
    Case(
        "dependency_unknown",
        "unknown-id",
        {
            "tasks": lines(
                TASKS + ",depends_on",
                "T1,A,Un,2020-01-01,2020-01-02,",
                'T2,A,Deux,2020-01-01,2020-01-02,"T1, T3"',
                "T3,A,Trois,2020-01-01,2020-01-02,T1 T2",
                "T4,A,Quatre,2020-01-01,2020-01-02,T1 T9",
            )
        },
        {("tasks", 5, "depends_on")},
    ),
    Case(
        "dependency_cycle",
        "three-task-cycle",
        {
            "tasks": lines(
                TASKS + ",depends_on",
                "A,X,Un,2020-01-01,2020-01-02,C",
                "B,X,Deux,2020-01-01,2020-01-02,A",
                "C,X,Trois,2020-01-01,2020-01-02,B",
                "D,X,Quatre,2020-01-01,2020-01-02,C",
                "E,X,Cinq,2020-01-01,2020-01-02,",
            )
        },
        {("tasks", 2, "depends_on"), ("tasks", 3, "depends_on"), ("tasks", 4, "depends_on")},
    ),
    Case(
        "dependency_cycle",
        "self-dependency",
        {
            "tasks": lines(
                TASKS + ",depends_on",
                "A,X,Un,2020-01-01,2020-01-02,",
                "B,X,Deux,2020-01-01,2020-01-02,A;B",
            )
        },
        {("tasks", 3, "depends_on")},
    ),
    Case(
        "dependency_cycle",
        "diamond-is-not-a-cycle",
        {
            "tasks": lines(
                TASKS + ",depends_on",
                "A,X,Un,2020-01-01,2020-01-02,",
                "B,X,Deux,2020-01-01,2020-01-02,A",
                "C,X,Trois,2020-01-01,2020-01-02,A",
                "D,X,Quatre,2020-01-01,2020-01-02,B C",
            )
        },
        set(),
    ),
    Case(
        "score_above_scale",
        "default-and-explicit-scale",
        {
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "criteria": lines(CRITERIA, "e,c5,Sur cinq,50,,", "e,c10,Sur dix,50,10,"),
            "scores": lines(
                SCORES,
                "P1,c5,Anne,5",
                "P1,c5,Paul,5.5",
                "P1,c10,Anne,10",
                "P1,c10,Paul,10.5",
            ),
        },
        {("scores", 3, "score"), ("scores", 5, "score")},
    ),
    Case(
        "score_above_scale",
        "null-scale-max-is-five",
        {
            "projects": lines(PROJECTS, "P1,e,Un,"),
            "criteria": lines(CRITERIA, "e,c1,Un,100,,"),
            "scores": lines(SCORES, "P1,c1,Anne,5", "P1,c1,Paul,6"),
        },
        {("scores", 3, "score")},
        edits=(("criteria", 0, "scale_max", None),),
    ),
    Case(
        "criterion_not_rating",
        "price-criterion-and-other-evaluation",
        {
            "projects": lines(PROJECTS, "P1,e,Un,100", "Q1,f,Autre,"),
            "criteria": lines(
                CRITERIA,
                "e,qualite,Qualité,60,,note",
                "e,prix,Prix,40,,prix le plus bas",
                "f,autre,Autre,100,,",
            ),
            "scores": lines(
                SCORES,
                "P1,qualite,Anne,4",
                "P1,prix,Anne,4",
                "P1,autre,Anne,4",
                "P1,inconnu,Anne,4",
                "Q1,autre,Anne,4",
            ),
        },
        {
            ("scores", 3, "criterion_id"),
            ("scores", 4, "criterion_id"),
            ("scores", 5, "criterion_id"),
        },
    ),
    Case(
        "price_missing",
        "lowest-price-evaluation",
        {
            "projects": lines(PROJECTS, "P1,e,Un,100", "P2,e,Deux,", "Q1,f,Autre,"),
            "criteria": lines(
                CRITERIA, "e,prix,Prix,100,,lowest_price", "f,qualite,Qualité,100,,rating"
            ),
        },
        {("projects", 3, "price_eur")},
    ),
    Case(
        "weights_sum",
        "sum-not-100",
        {
            "criteria": lines(
                CRITERIA,
                "e,c1,Un,60,,",
                "e,c2,Deux,40,,",
                "f,c1,Un,30,,",
                "f,c2,Deux,30,,",
                "g,c1,Un,33.3,,",
                "g,c2,Deux,33.3,,",
                "g,c3,Trois,33.4,,",
            )
        },
        {("criteria", 4, "weight")},
    ),
    Case(
        "country_code",
        "iso-alpha-2",
        {
            "stakeholders": lines(
                "stakeholder_id,name,category,country",
                "S1,A,x,FR",
                "S2,B,x,fr",
                "S3,C,x,JPN",
                "S4,D,x,",
                "S5,E,x,JP",
            )
        },
        {("stakeholders", 3, "country"), ("stakeholders", 4, "country")},
    ),
    Case(
        "implausible_date",
        "tasks-and-kpis-years",
        {
            "tasks": lines(
                TASKS,
                "T1,A,Un,2020-01-01,2020-01-02",
                "T2,A,Deux,2020-01-01,9990-12-31",
                "T3,A,Trois,0001-01-01,2020-01-02",
            ),
            "kpis": lines("site_id,kpi,date,value", ",k,2100-12-31,1", ",k,1999-12-31,2"),
        },
        {("tasks", 3, "end"), ("tasks", 4, "start"), ("kpis", 3, "date")},
    ),
    Case(
        "dependency_order",
        "starts-before-its-dependency-ends",
        {
            "tasks": lines(
                TASKS + ",depends_on",
                "T1,A,Un,2020-01-01,2020-01-10,",
                "T2,A,Deux,2020-01-10,2020-01-20,T1",
                "T3,A,Trois,2020-01-05,2020-01-20,T1",
            )
        },
        {("tasks", 4, "start")},
    ),
]


def run(case: Case) -> list[Problem]:
    con = db.empty_database()
    try:
        for name, text in case.files.items():
            parsed = ingest.read_bytes(name, text.encode("utf-8"), f"{name}.csv")
            assert parsed.ok, [p.message("en") for p in parsed.problems]
            frame = parsed.frame
            for dataset, index, column, value in case.edits:
                if dataset == name:
                    frame[column] = frame[column].astype("object")
                    frame.loc[index, column] = value
            db.load_frame(con, name, frame)
        return checks.run_checks(con)
    finally:
        con.close()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule(case: Case) -> None:
    problems = run(case)
    flagged = {(p.dataset, p.row, p.column) for p in problems if p.code == case.rule}
    assert flagged == case.expected
    rule = {r.name: r for r in checks.rules()}[case.rule]
    for p in problems:
        if p.code == case.rule:
            assert p.severity == rule.severity
            assert p.file == f"{p.dataset}.csv"
            assert p.message("fr") != p.message("en")


def test_every_rule_file_has_a_test() -> None:
    files = {p.stem for p in (db.SQL_DIR / "checks").glob("*.sql")}
    assert {r.name for r in checks.rules()} == files
    tested = {c.rule for c in CASES}
    assert tested == files, f"rules without a test: {sorted(files - tested)}"
    for rule in files:
        # each rule has a case flagging a row and sees a row it leaves alone
        assert any(c.expected for c in CASES if c.rule == rule), rule


def test_only_weights_sum_and_dependency_order_are_warnings() -> None:
    severities = {r.name: r.severity for r in checks.rules()}
    assert severities.pop("weights_sum") == "warning"
    assert severities.pop("dependency_order") == "warning"
    assert set(severities.values()) == {"error"}


def test_weights_sum_problem_details() -> None:
    case = next(c for c in CASES if c.rule == "weights_sum")
    (p,) = [p for p in run(case) if p.code == "weights_sum"]
    assert (p.severity, p.value, p.params["detail"]) == ("warning", "f", "60.0")
    assert "60.0" in p.message("fr") and "60.0" in p.message("en")


def test_values_and_details_of_some_rules() -> None:
    case = next(c for c in CASES if c.id == "unknown-id")
    (p,) = [p for p in run(case) if p.code == "dependency_unknown"]
    assert (p.value, p.params["detail"]) == ("T1 T9", "T9")
    case = next(c for c in CASES if c.id == "tasks" and c.rule == "duplicate_key")
    (p,) = [p for p in run(case) if p.code == "duplicate_key"]
    assert (p.value, p.params["detail"]) == ("T1", "2")
    case = next(c for c in CASES if c.id == "default-and-explicit-scale")
    found = {(p.row, p.params["detail"]) for p in run(case) if p.code == "score_above_scale"}
    assert found == {(3, "x ≤ 5.0"), (5, "x ≤ 10.0")}


def test_clean_data_has_no_problem() -> None:
    case = Case(
        "none",
        "clean",
        {
            "sites": SITES,
            "tasks": lines(
                TASKS + ",site_id,depends_on",
                "T1,A,Un,2020-01-01,2020-01-02,s1,",
                "T2,A,Deux,2020-01-03,2020-01-04,,T1",
            ),
            "projects": lines(PROJECTS, "P1,e,Un,100"),
            "criteria": lines(CRITERIA, "e,c1,Un,70,,", "e,c2,Prix,30,,lowest_price"),
            "scores": lines(SCORES, "P1,c1,Anne,4"),
        },
        set(),
    )
    assert run(case) == []


# --- validate and check_upload on the demo data ---------------------------------------------


def test_demo_data_has_no_error(demo_store: Store) -> None:
    problems = uploads.check_folder(demo_store)
    assert [p for p in problems if p.severity == "error"] == []
    assert checks.validate(demo_store.current_files(), {}) == problems


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_removing_a_site_still_used_is_refused(demo_store: Store, demo_dir: Path) -> None:
    text = (demo_dir / "sites.csv").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("olhain,")]
    assert len(kept) == len(text.splitlines()) - 1
    upload = uploads.check_upload(demo_store, "sites", "".join(kept).encode(), "sites.csv")
    assert upload.problems == []
    assert not upload.ok
    olhain_rows = {
        i + 2 for i, r in enumerate(csv_rows(demo_dir / "tasks.csv")) if r["site_id"] == "olhain"
    }
    assert len(olhain_rows) >= 2
    broken_tasks = {
        p.row
        for p in upload.broken
        if (p.file, p.column, p.value, p.code)
        == ("tasks.csv", "site_id", "olhain", "reference_missing")
    }
    assert broken_tasks == olhain_rows
    assert {p.file for p in upload.broken} >= {"tasks.csv", "stakeholders.csv", "kpis.csv"}
    assert all(p.value == "olhain" and p.params["detail"] == "sites.csv" for p in upload.broken)
    first = next(p for p in upload.broken if p.file == "tasks.csv")
    assert "tasks.csv" in first.message("fr") and "olhain" in first.message("en")


def test_upload_problems_are_named_as_the_upload_names_them(
    demo_store: Store, demo_dir: Path
) -> None:
    # the demo sites, exported by French Excel, with one bad row added
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            *("Identifiant", "Nom", "Commune", "Type", "Latitude", "Longitude", "Description"),
            *("Nom (anglais)", "Description (anglais)"),
        ]
    )
    rows = csv_rows(demo_dir / "sites.csv")
    for r in rows:
        writer.writerow([r[k].replace(".", ",") if k in ("lat", "lon") else r[k] for k in r])
    writer.writerow(["olhain", "Doublon", "", "", "95", "2,5", ""])
    data = out.getvalue().encode("cp1252")
    upload = uploads.check_upload(demo_store, "sites", data, "Sites (export).csv")
    assert upload.broken == []
    bad_row = len(rows) + 2
    found = {(p.file, p.row, p.column, p.value, p.code) for p in upload.problems}
    assert found == {
        ("Sites (export).csv", bad_row, "Identifiant", "olhain", "duplicate_key"),
        # the value as the person typed it, not as the database holds it
        ("Sites (export).csv", bad_row, "Latitude", "95", "out_of_range"),
    }
    assert not upload.ok
    for p in upload.problems:
        assert "Sites (export).csv" in p.message("fr") and p.column
        assert f"« {p.column} »" in p.message("fr")


def test_upload_to_an_empty_store_names_french_headers(empty_dir: Path) -> None:
    text = (
        "identifiant;axe;intitulé;début;fin;jalon;dépend de\r\n"
        "T1;Pilotage;Lancement;02/03/2020;01/03/2020;non;\r\n"
        "T2;Pilotage;Comité;10/03/2020;11/03/2020;oui;T1 T7\r\n"
        "T3;Pilotage;Bilan;12/03/2020;12/03/2020;oui;T2\r\n"
    )
    upload = uploads.check_upload(Store(empty_dir), "tasks", text.encode("cp1252"), "planning.csv")
    found = {(p.file, p.row, p.column, p.code) for p in upload.problems}
    assert found == {
        ("planning.csv", 2, "fin", "end_before_start"),
        ("planning.csv", 3, "fin", "milestone_span"),
        ("planning.csv", 3, "dépend de", "dependency_unknown"),
    }
    assert upload.broken == [] and not upload.ok
    fixed = (
        text.replace("02/03/2020;01/03/2020", "02/03/2020;03/03/2020")
        .replace("10/03/2020;11/03/2020", "10/03/2020;10/03/2020")
        .replace("T1 T7", "T1")
    )
    again = uploads.check_upload(Store(empty_dir), "tasks", fixed.encode("cp1252"), "planning.csv")
    assert again.ok and again.problems == []


def test_a_good_upload_is_accepted(demo_store: Store, demo_dir: Path) -> None:
    data = (demo_dir / "sites.csv").read_bytes()
    upload = uploads.check_upload(demo_store, "sites", data, "sites.csv")
    assert upload.ok and upload.problems == [] and upload.broken == []
    assert upload.rows == len(csv_rows(demo_dir / "sites.csv"))
    assert upload.canonical() == data


# --- whole keys, plausible dates, dependency order, values as typed -------------------


def test_a_duplicate_of_a_key_of_several_columns_names_the_whole_key(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("projects", (PROJECTS + "\nP1,e,Un,\n").encode(), by="t", source="t", rows=1)
    store.commit("criteria", (CRITERIA + "\ne,c1,Un,100,,\n").encode(), by="t", source="t", rows=1)
    data = "projet;critère;juré;note\nP1;c1;Jury 3;3\nP1;c1;Jury 4;3\nP1;c1;Jury 3;4\n"
    upload = uploads.check_upload(store, "scores", data.encode("cp1252"), "notes.csv")
    (p,) = [p for p in upload.problems if p.code == "duplicate_key"]
    assert (p.row, p.column, p.params["detail"]) == (4, "juré", "2")
    for lang in ("fr", "en"):
        message = p.message(lang)
        for part in ("projet « P1 »", "critère « c1 »", "juré « Jury 3 »", "2"):
            assert part in message, (part, message)
    # a key of one column keeps its short message
    case = next(c for c in CASES if c.id == "tasks" and c.rule == "duplicate_key")
    (single,) = [p for p in run(case) if p.code == "duplicate_key"]
    assert "key" not in single.params and "T1" in single.message("en")


def test_an_implausible_date_is_refused_at_upload_with_its_value_as_typed(tmp_path: Path) -> None:
    data = (
        "identifiant;axe;intitulé;début;fin\r\n"
        "T1;A;Un;02/03/2020;31/12/9990\r\n"
        "T2;A;Deux;01/01/0001;02/03/2020\r\n"
    ).encode("cp1252")
    upload = uploads.check_upload(Store(tmp_path), "tasks", data, "planning.csv")
    found = {(p.code, p.row, p.column, p.value) for p in upload.errors}
    assert ("implausible_date", 2, "fin", "31/12/9990") in found
    assert ("implausible_date", 3, "début", "01/01/0001") in found
    p = next(p for p in upload.errors if p.code == "implausible_date")
    assert "2000-01-01" in p.message("fr") and "2100-12-31" in p.message("en")


def test_a_task_starting_before_its_dependency_ends_names_both(tmp_path: Path) -> None:
    data = (
        "identifiant;axe;intitulé;début;fin;dépend de\r\n"
        "T1;A;Maquette;02/03/2020;31/03/2020;\r\n"
        "T2;A;Prototype;15/03/2020;30/04/2020;T1\r\n"
    ).encode("cp1252")
    upload = uploads.check_upload(Store(tmp_path), "tasks", data, "planning.csv")
    assert upload.ok
    (p,) = upload.warnings
    assert (p.code, p.row, p.column, p.value) == ("dependency_order", 3, "début", "15/03/2020")
    assert p.params["other"] == "T1" and p.params["other_end"] == "2020-03-31"
    for lang in ("fr", "en"):
        assert "T1" in p.message(lang) and "2020-03-31" in p.message(lang)
        assert "2020-03-15" in p.message(lang)


def test_rule_problems_past_the_bound_are_counted(tmp_path: Path) -> None:
    rows = "".join(f"S{i};Nom;institution;9\r\n" for i in range(230))
    data = ("identifiant;nom;catégorie;influence\r\n" + rows).encode("cp1252")
    upload = uploads.check_upload(Store(tmp_path), "stakeholders", data, "acteurs.csv")
    assert len(upload.errors) == 200
    assert upload.omitted == {("acteurs.csv", "out_of_range", "influence"): 30}
    assert upload.error_count == 230
