"""The benchmark data generator: valid by every rule, deterministic, to scale."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bench import generate as gen
from dashboard import ingest
from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.ingest import uploads
from dashboard.store import Store

DEMO_ROWS = {
    "sites": 4,
    "tasks": 40,
    "stakeholders": 82,
    "projects": 16,
    "criteria": 10,
    "scores": 228,
    "kpis": 48,
    "actions": 32,
}


def read_rows(folder: Path, dataset: str) -> list[dict[str, str]]:
    text = (folder / f"{dataset}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def scale1(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("scale1")
    return folder, gen.generate(folder, 1)


@pytest.fixture(scope="module")
def scale3(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("scale3")
    return folder, gen.generate(folder, 3)


@pytest.mark.parametrize("which", ["scale1", "scale3"])
def test_generated_folder_passes_every_check(which: str, request: pytest.FixtureRequest) -> None:
    folder, _ = request.getfixturevalue(which)
    problems = uploads.check_folder(Store(folder))
    # not even a warning (weights add up to 100 in every evaluation)
    assert problems == [], [p.message("en") for p in problems[:5]]


@pytest.mark.parametrize("which", ["scale1", "scale3"])
def test_files_are_what_an_import_would_store(which: str, request: pytest.FixtureRequest) -> None:
    folder, _ = request.getfixturevalue(which)
    for name in DATASET_ORDER:
        data = (folder / f"{name}.csv").read_bytes()
        parsed = ingest.read_bytes(name, data, f"{name}.csv")
        assert parsed.problems == []
        assert ingest.to_canonical(name, parsed.frame) == data, name


def test_counts_are_returned_and_match_the_files(scale1: tuple[Path, dict[str, int]]) -> None:
    folder, counts = scale1
    assert list(counts) == list(DATASET_ORDER)
    for name, count in counts.items():
        rows = read_rows(folder, name)
        assert len(rows) == count
        assert list(rows[0]) == list(get_dataset(name).column_names)


def test_scale_one_has_the_demo_shape(scale1: tuple[Path, dict[str, int]]) -> None:
    _, counts = scale1
    # the demo's size, except a fuller address book and jury (issue 10's 100x figures)
    for name in ("sites", "tasks", "projects", "criteria", "kpis", "actions"):
        assert counts[name] == DEMO_ROWS[name]
    assert counts["stakeholders"] == 100 > DEMO_ROWS["stakeholders"]
    assert counts["scores"] == 2000 > DEMO_ROWS["scores"]


def test_counts_scale_linearly(
    scale1: tuple[Path, dict[str, int]], scale3: tuple[Path, dict[str, int]]
) -> None:
    one, three = scale1[1], scale3[1]
    assert three == {name: 3 * n for name, n in one.items()}


def test_hundred_times_gives_the_issue_figures() -> None:
    assert sum(1 for _ in gen.rows("tasks", 100)) == 4000
    assert sum(1 for _ in gen.rows("stakeholders", 100)) == 10_000
    assert gen.PER_UNIT["scores"] * 100 == 200_000
    jury = (
        gen.CULINARY_PROJECTS * sum(m == "rating" for *_, m in gen.CULINARY) * gen.CULINARY_JURORS
        + gen.AGENCY_PROJECTS * sum(m == "rating" for *_, m in gen.AGENCY) * gen.AGENCY_JURORS
    )
    assert jury == gen.PER_UNIT["scores"]


def test_same_seed_same_bytes_other_seed_other_bytes(
    tmp_path: Path, scale3: tuple[Path, dict[str, int]]
) -> None:
    folder, _ = scale3
    again = tmp_path / "again"
    other = tmp_path / "other"
    gen.generate(again, 3)
    gen.generate(other, 3, seed=7)
    for name in DATASET_ORDER:
        original = (folder / f"{name}.csv").read_bytes()
        assert (again / f"{name}.csv").read_bytes() == original, name
        if name != "criteria":  # the evaluation rules do not depend on chance
            assert (other / f"{name}.csv").read_bytes() != original, name


def test_identifiers_do_not_depend_on_the_seed(
    tmp_path: Path, scale3: tuple[Path, dict[str, int]]
) -> None:
    """Files of two seeds fit each other's references (uploads in benchmarks)."""
    folder, _ = scale3
    gen.generate(tmp_path, 3, seed=99)
    for name in DATASET_ORDER:
        key = get_dataset(name).key
        ours = {tuple(r[k] for k in key) for r in read_rows(folder, name)}
        theirs = {tuple(r[k] for k in key) for r in read_rows(tmp_path, name)}
        assert ours == theirs, name
    mixed = tmp_path / "mixed"
    gen.generate(mixed, 3)
    (mixed / "scores.csv").write_bytes((tmp_path / "scores.csv").read_bytes())
    (mixed / "tasks.csv").write_bytes((tmp_path / "tasks.csv").read_bytes())
    assert [p for p in uploads.check_folder(Store(mixed)) if p.severity == "error"] == []


def mission(task_id: str) -> int:
    return (int(task_id[1:]) - 1) // gen.PER_UNIT["tasks"]


def test_plan_is_a_plan(scale3: tuple[Path, dict[str, int]]) -> None:
    folder, _ = scale3
    tasks = {r["task_id"]: r for r in read_rows(folder, "tasks")}
    events = [r for r in tasks.values() if r["name"].lower().startswith("mois noir")]
    assert len(events) == 3
    assert {(r["start"], r["end"]) for r in events} == {("2020-05-28", "2020-06-30")}
    for task in tasks.values():
        assert task["start"] <= task["end"]
        if task["milestone"] == "true":
            assert task["start"] == task["end"]
        for dep in task["depends_on"].split():
            # an earlier task of the same mission (so no cycle), finished first
            # (but the event keeps its dates whatever slips before it)
            assert dep < task["task_id"]
            assert mission(dep) == mission(task["task_id"])
            if task not in events:
                assert tasks[dep]["end"] < task["start"]
    states = {r["status"] for r in tasks.values()}
    assert {"done", "in_progress", ""} <= states


def test_scores_sit_on_rating_criteria_of_their_evaluation(
    scale3: tuple[Path, dict[str, int]],
) -> None:
    folder, _ = scale3
    evaluation = {r["project_id"]: r["evaluation"] for r in read_rows(folder, "projects")}
    criteria = {(r["evaluation"], r["criterion_id"]): r for r in read_rows(folder, "criteria")}
    for score in read_rows(folder, "scores"):
        criterion = criteria[(evaluation[score["project_id"]], score["criterion_id"])]
        assert criterion["method"] == "rating"
        assert 0 <= float(score["score"]) <= float(criterion["scale_max"])
    priced = [r for r in read_rows(folder, "projects") if r["evaluation"].startswith("choix")]
    assert len(priced) == 12 and all(float(r["price_eur"]) > 0 for r in priced)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gen.main([str(tmp_path), "--scale", "2", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "scores" in out and "4,000" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.csv" for n in DATASET_ORDER)
    with pytest.raises(SystemExit):
        gen.main([str(tmp_path), "--scale", "0"])


def test_a_large_evaluation_with_a_split_jury(tmp_path: Path) -> None:
    """Few sites, one large evaluation (the benchmark's 10,000 projects, smaller here)."""
    counts = gen.generate(tmp_path, 1, projects=300, jurors=3)
    ratings = sum(m == "rating" for *_, m in gen.CULINARY)
    agency = gen.AGENCY_PROJECTS * sum(m == "rating" for *_, m in gen.AGENCY) * gen.AGENCY_JURORS
    assert counts["sites"] == 4
    assert counts["projects"] == 300 + gen.AGENCY_PROJECTS
    assert counts["scores"] == 300 * ratings * 3 + agency
    problems = uploads.check_folder(Store(tmp_path))
    assert problems == [], [p.message("en") for p in problems[:5]]
    projects = read_rows(tmp_path, "projects")
    assert len({r["project_id"] for r in projects}) == len(projects)
    assert len({r["name"] for r in projects}) == len(projects)
    jurors = {r["juror"] for r in read_rows(tmp_path, "scores") if r["project_id"].startswith("P")}
    assert len(jurors) == gen.CULINARY_JURORS  # the whole panel, three per project


def test_the_default_shape_is_the_demo_shape(tmp_path: Path) -> None:
    gen.generate(tmp_path, 2, projects=gen.CULINARY_PROJECTS, jurors=gen.CULINARY_JURORS)
    plain = tmp_path / "plain"
    gen.generate(plain, 2)
    for name in DATASET_ORDER:
        assert (tmp_path / f"{name}.csv").read_bytes() == (plain / f"{name}.csv").read_bytes()
