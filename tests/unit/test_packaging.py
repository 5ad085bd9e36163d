"""What a deployment installs: `pip install .` (not editable) gives a package that
finds its SQL files, and the Dockerfile follows the deployment rules."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_wheel_finds_its_sql(tmp_path: Path) -> None:
    # built from what the Dockerfile copies before `pip install .`, nothing else
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("dashboard", "sql"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    assert re.search(r"^COPY pyproject.toml README.md ./$", dockerfile(), flags=re.M)
    assert re.search(r"^COPY dashboard ./dashboard$", dockerfile(), flags=re.M)
    assert re.search(r"^COPY sql ./sql$", dockerfile(), flags=re.M)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            *[str(wheel)],
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # The installed package, with this environment's libraries (duckdb, pandas)
    # behind it; run from elsewhere so the repository is not on the path.
    probe = (
        "import dashboard.queries.db as db, pathlib, sys;"
        "assert pathlib.Path(db.__file__).is_relative_to(sys.prefix), db.__file__;"
        "print(db.SQL_DIR);"
        "con = db.empty_database();"
        "print(len(db.query(con, 'sites')), len(db.sql_names('queries')))"
    )
    env = {**os.environ, "PYTHONPATH": sysconfig.get_path("purelib")}
    done = subprocess.run(
        [str(python), "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    sql_dir, counts = done.stdout.splitlines()
    assert Path(sql_dir).is_relative_to(venv) and sql_dir.endswith("share/all-dashboard/sql")
    expected = len(list((ROOT / "sql" / "queries").glob("*.sql")))
    assert counts == f"0 {expected}"


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_the_image_runs_as_a_user_and_installs_the_package() -> None:
    text = dockerfile()
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"pip install[^\n]*\s\.(\s|$)", text)
    assert "pip install -e" not in text and "--editable" not in text
    assert re.search(r"^HEALTHCHECK ", text, flags=re.M)


def test_the_production_config_watches_no_files() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "deploy" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["headless"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert "deploy/config.toml /home/app/.streamlit/config.toml" in dockerfile()


def test_the_dockerfile_passes_its_linter() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "hadolint"), str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_health_check_follows_the_base_path(tmp_path: Path) -> None:
    """The image's health check against a real server told a base path, as the
    image tells it (STREAMLIT_SERVER_BASE_URL_PATH): healthy; the same check
    without the base path finds nothing."""
    from tests.e2e.harness import free_port, spawn, stop, wait_for

    health = dockerfile().split("\nHEALTHCHECK ", 1)[1].split("\nENTRYPOINT", 1)[0]
    assert '"/app/deploy/healthcheck.py"' in health
    port = str(free_port())
    settings = {
        "STREAMLIT_SERVER_PORT": port,
        "STREAMLIT_SERVER_BASE_URL_PATH": "/pilotage/",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    }
    env = {**os.environ, **settings, "DASHBOARD_DATA_DIR": str(ROOT / "data")}
    env.pop("DASHBOARD_DATABASE_URL", None)
    server = spawn(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py"], tmp_path / "log", env
    )
    check = [sys.executable, str(ROOT / "deploy" / "healthcheck.py")]
    try:
        wait_for(f"http://127.0.0.1:{port}/pilotage/_stcore/health")
        assert subprocess.run(check, env=env, check=False, timeout=30).returncode == 0
        without = {**env, "STREAMLIT_SERVER_BASE_URL_PATH": ""}
        assert subprocess.run(check, env=without, check=False, timeout=30).returncode == 1
    finally:
        stop(server)
