"""A short run of bench/load_mixed.py (the 50 users x 60 s load is run by hand, see
RELIABILITY.md): concurrent reads and writes through gunicorn on PostgreSQL, zero 5xx, every
acknowledged write in the database and its history, every refusal a clear 409/412."""

import importlib.util
from pathlib import Path

import pytest

from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "load_mixed.py"


def test_ten_users_for_five_seconds_lose_nothing():
    require_postgres()
    spec = importlib.util.spec_from_file_location("load_mixed", SCRIPT)
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    summary = load.run(10, 5, workers=2, threads=4)
    print(f"FIGURE load-smoke: {summary}")
    assert summary["server_errors"] == []
    assert summary["unclear_refusals"] == []
    assert summary["lost_writes"] == []
    assert set(summary["statuses"]) <= {200, 201, 409, 412}
    assert sum(summary["writes_acknowledged"].values()) > 10
    assert summary["reads"] > 10
