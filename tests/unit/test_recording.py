"""Recording decisions and actions: the new file, the identifiers, columns kept,
each save a checked commit of the actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.store import Store
from dashboard.views import recording
from tests.conftest import copy_demo

DAY = date(2020, 4, 15)


def test_next_id_follows_the_highest() -> None:
    assert recording.next_id(["A01", "A32", "A7", "X99", ""]) == "A33"
    assert recording.next_id([]) == "A01"


def test_apply_adds_a_row_and_keeps_unknown_columns() -> None:
    current = b"action_id,meeting_date,kind,text,text_en\nA01,2020-01-21,decision,Oui,Yes\n"
    ident, data = recording.apply(
        current, recording.Entry("action", " Relancer ", DAY, owner="OT", due=date(2020, 4, 30))
    )
    assert ident == "A02"
    lines = data.decode().splitlines()
    assert lines[0].startswith("action_id,meeting_date,kind,text,text_en,")
    assert lines[1].startswith("A01,2020-01-21,decision,Oui,Yes,")
    assert lines[2].startswith("A02,2020-04-15,action,Relancer,,OT,2020-04-30,open,")


def test_apply_changes_the_named_row_and_close_closes_it() -> None:
    current = b"action_id,meeting_date,kind,text,owner,due,status\nA01,2020-01-21,action,X,,,open\n"
    _, data = recording.apply(
        current, recording.Entry("action", "Y", date(2020, 1, 21), action_id="A01")
    )
    assert "A01,2020-01-21,action,Y," in data.decode()
    assert data.decode().count("\n") == 2
    assert "A01,2020-01-21,action,X,,,done" in recording.close(current, "A01").decode()
    with pytest.raises(KeyError):
        recording.close(current, "A99")


def test_a_save_is_a_checked_version_with_who(tmp_path: Path) -> None:
    store = Store(copy_demo(tmp_path / "data"))
    current = store.read_current("actions")
    _, data = recording.apply(current, recording.Entry("action", "Relancer", DAY, task_id="T17"))
    version = recording.save(store, data, by="Claire")
    assert version is not None and (version.by, version.source) == ("Claire", "saisie-en-seance")
    # a link to a task that does not exist is refused, as in an upload: nothing written
    before = store.read_current("actions")
    _, bad = recording.apply(before, recording.Entry("action", "Relancer", DAY, task_id="T99"))
    with pytest.raises(recording.Refused) as refused:
        recording.save(store, bad, by="Claire")
    assert "T99" in refused.value.problems[0].message("fr")
    assert store.read_current("actions") == before
