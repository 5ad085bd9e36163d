"""Faults that must close the dashboard, not open it: unreadable settings, an
incomplete identity-provider section, password guesses from parallel sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config

from dashboard.ui import app
from tests.app.support import sign_in, start, texts
from tests.unit.test_bounds import committed_with

TOKEN = "noir-2020-partenaires"


@pytest.fixture
def secrets_file(tmp_path: Path) -> Iterator[Path]:
    """A secrets file the app reads (as `--secrets.files` would name it)."""
    path = tmp_path / "secrets.toml"
    path.write_text(f'[dashboard]\nviewer_token = "{TOKEN}"\n', encoding="utf-8")
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    st.secrets._reset()
    yield path
    config.set_option("secrets.files", saved)
    st.secrets._reset()
    app._secrets_seen.discard(path)  # a test's file, gone with the test


def test_a_broken_secrets_file_stops_every_page(
    demo_dir: Path, secrets_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    at = start(token=TOKEN)
    assert at.metric, texts(at)
    # a quote lost while rotating the token; Streamlit's file watcher drops its copy
    secrets_file.write_text('[dashboard]\nviewer_token = "noir-2021\n', encoding="utf-8")
    st.secrets._reset()
    for fresh in (False, True):
        run = start(token=TOKEN) if fresh else at.run()
        assert not run.exception
        assert not run.metric and not run.dataframe and not run.get("vega_lite_chart")
        assert "réglages ne peuvent pas être lus" in texts(run)
        assert not [b for b in run.button if b.key == "oidc_sign_in"]
    assert not start().metric  # without the token either
    assert any("settings unreadable" in r.getMessage() for r in caplog.records)


def test_a_secrets_file_that_disappears_is_a_fault_not_no_token(
    demo_dir: Path, secrets_file: Path
) -> None:
    assert start(token=TOKEN).metric
    secrets_file.unlink()
    st.secrets._reset()
    at = start()
    assert not at.metric
    assert "réglages ne peuvent pas être lus" in texts(at)


def test_a_setting_of_the_wrong_kind_stops_the_app(demo_dir: Path, secrets_file: Path) -> None:
    secrets_file.write_text("[dashboard]\nviewer_token = 2020\n", encoding="utf-8")
    st.secrets._reset()
    at = start()
    assert not at.metric
    assert "viewer_token" in texts(at)


def test_a_proxy_typo_in_the_environment_stops_the_app(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_TRUSTED_PROXIES", "10.0.0.300")
    at = start()
    assert not at.metric
    assert "trusted_proxies" in texts(at)


def test_an_incomplete_auth_section_offers_no_sign_in_button(demo_dir: Path) -> None:
    at = start()
    at.secrets["auth"] = {"client_id": "all-dashboard"}
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "oidc_sign_in"]
    shown = texts(at)
    assert "section [auth] des réglages est incomplète" in shown
    assert "client_secret" in shown and "redirect_uri" in shown
    assert at.metric  # the dashboard itself stays up


def test_twenty_open_sessions_share_one_password_budget(demo_dir: Path) -> None:
    # Twenty sessions open at once, each trying a password. AppTest loses form
    # clicks when several of its runs share threads, so they answer in turn;
    # counting under real concurrency is covered by tests/unit/test_throttle.py
    # (threads and processes).
    sessions = [start() for _ in range(20)]
    answers = [texts(sign_in(at, "pas-le-bon")) for at in sessions]
    wrong = sum("Mot de passe incorrect." in a for a in answers)
    refused = sum("Trop de tentatives" in a for a in answers)
    assert (wrong, refused) == (5, 15)
    # a new session, even with the right password, waits for the window
    at = sign_in(start())
    assert "Connecté·e (équipe)" not in [s.value for s in at.success]
    assert "Trop de tentatives" in texts(at)


PAGES = ["overview", "timeline", "sites", "scoring", "stakeholders", "actions", "data"]


def test_an_invalid_hand_edit_leaves_every_page_up_and_staff_told(demo_dir: Path) -> None:
    tasks = demo_dir / "tasks.csv"
    tasks.write_bytes(b'task_id,name\n"T1,broken\n\x00\x00')
    at = sign_in(start())
    assert not at.exception
    assert "Connecté·e (équipe)" in [s.value for s in at.success]
    # data text in Markdown is escaped (safe.md): read it as shown
    banner = " ".join(e.value for e in [*at.warning, *at.error]).replace("\\", "")
    assert "tasks : le fichier courant a été modifié à la main" in banner
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
    assert tasks.read_bytes().startswith(b"task_id,name")  # kept until staff decide
    viewer = start(page="timeline")
    assert not viewer.exception and viewer.get("vega_lite_chart")
    assert "modifié à la main" not in texts(viewer)  # a staff matter


def test_a_current_file_that_cannot_be_loaded_is_left_out_with_a_notice(
    demo_dir: Path,
) -> None:
    # never committed through the checks (no history for sites): a broken file
    (demo_dir / "sites.csv").write_bytes(b"site_id,name,lat\nolhain,Olhain,pas-un-nombre\n")
    for page in PAGES[:-1]:
        at = start(page=page)
        assert not at.exception, (page, at.exception)
        assert "sites.csv : le fichier courant ne peut pas être lu" in texts(at).replace("\\", "")


@pytest.mark.parametrize(
    ("first", "last"), [("0001-01-01", "9999-12-31"), ("2019-11-18", "9990-12-31")]
)
def test_the_timeline_page_draws_with_dates_far_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, last: str
) -> None:
    data = committed_with(tmp_path / "data", first, last)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data))
    for view in (
        {},
        {"zoom": "month"},
        {"zoom": "custom", "from": "0001-01-01", "to": "9999-12-31"},
    ):
        at = start(page="timeline", **view)
        assert not at.exception, (view, at.exception)
        assert at.get("vega_lite_chart")
