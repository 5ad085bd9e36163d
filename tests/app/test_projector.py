"""Projector mode: kept in the URL, steps through the pages in order, and leaves."""

from __future__ import annotations

from pathlib import Path

from dashboard import auth
from tests.app.support import sign_in, start


def step(at, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key).click().run()


def test_steps_through_every_viewer_page_in_order(demo_dir: Path) -> None:
    at = start(present="1")
    order = [p for p in auth.pages_for("viewer")]
    seen = []
    for n in range(len(order)):
        assert not at.exception, [e.value for e in at.exception]
        seen.append(at.caption[0].value)
        assert at.query_params["present"] in (["1"], "1")
        if n < len(order) - 1:
            at = step(at, "present_next")
    assert seen[0] == f"1 / {len(order)} · Vue d'ensemble"
    assert seen[-1].startswith(f"{len(order)} / {len(order)} · ")
    assert next(b for b in at.button if b.key == "present_next").disabled
    at = step(at, "present_back")
    assert at.caption[0].value == seen[-2]


def test_staff_steps_over_the_data_page(demo_dir: Path) -> None:
    at = sign_in(start(present="1"))
    assert at.caption[0].value.startswith("1 / ")
    total = int(at.caption[0].value.split(" / ")[1].split(" ")[0])
    assert total == len([p for p in auth.pages_for("staff") if p != "data"])


def test_the_sidebar_switch_and_leaving(demo_dir: Path) -> None:
    at = start()
    assert all(b.key != "present_next" for b in at.button)
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] in (["1"], "1")
    assert any(b.key == "present_next" for b in at.button)
    at = step(at, "present_leave")
    assert "present" not in at.query_params
    assert all(b.key != "present_next" for b in at.button)


def test_on_a_projector_the_first_screen_is_the_chart_not_the_filters(demo_dir: Path) -> None:
    at = start(present="1", page="timeline")
    assert not at.exception, [e.value for e in at.exception]
    filters = [e for e in at.expander if "Filtres" in str(e.label)]
    assert filters and not filters[0].proto.expanded  # folded away
    assert not at.info  # no read-only banner for the room
    at = start(page="timeline")
    filters = [e for e in at.expander if "Filtres" in str(e.label)]
    assert filters[0].proto.expanded  # at a desk the filters stay open
    assert at.info


def test_on_a_projector_the_scoring_weights_are_folded(demo_dir: Path) -> None:
    at = start(present="1", page="scoring")
    assert not at.exception, [e.value for e in at.exception]
    weights = [e for e in at.expander if "Pondérations" in str(e.label) or "Poids" in str(e.label)]
    assert weights and not weights[0].proto.expanded
