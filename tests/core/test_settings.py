"""A bad setting stops start-up with one line naming the variable and an example value."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "names", "example"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY", "SECRET_KEY=$(python"),
        ({"DEBUG": "maybe"}, "DEBUG=", "DEBUG=1"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql2://db/x"}, "DATABASE_URL=", "postgres://"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://host:notaport/x"}, "DATABASE_URL=", "e.g."),
        ({"DEBUG": "1", "REDIS_URL": "localhost:6379"}, "REDIS_URL=", "redis://127.0.0.1"),
        ({"DEBUG": "1", "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS", "ALLOWED_HOSTS=isecg"),
    ],
)
def test_bad_environment_stops_with_one_clear_line(env, names, example):
    result = manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert names in lines[0]
    assert example in lines[0]


def test_embedded_default_needs_nothing_but_debug_or_a_secret_key(tmp_path):
    result = manage(
        "check", SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_a_broker_tasks_run_in_process(settings):
    from isecg_tracker.env import env_redis_url

    os.environ.pop("ISECG_UNSET_FOR_TEST", None)
    assert env_redis_url("ISECG_UNSET_FOR_TEST") is None
    if settings.REDIS_URL is None:
        assert settings.CELERY_TASK_ALWAYS_EAGER is True
    else:
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
