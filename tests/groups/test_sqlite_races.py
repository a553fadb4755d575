"""The embedded default: on an SQLite file, as `make demo` runs it, eight adds at once wait their
turn too, and of eight edits from one copy one is saved. Run in a child process on a database
file of its own: the tests' SQLite database is in memory, where connections lock each other
differently from a file."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys, threading

import django

django.setup()
from django.core.management import call_command
from django.db import connections

call_command("migrate", verbosity=0)
from apps.core.errors import ApplicationError
from apps.groups.services import outlook_item_create, outlook_item_update
from tests import factories

secretariat = factories.UserFactory(username="operator", is_superuser=True)
group = factories.WorkingGroupFactory(acronym="TWG")


def race(call):
    barrier = threading.Barrier(8)
    results = [None] * 8

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = call(index)
        except ApplicationError as exc:
            results[index] = exc.code
        except Exception as exc:
            results[index] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


out = {}
for name, section in (("group", group), ("priorities", None)):
    out[name] = race(lambda i, section=section: outlook_item_create(
        group=section, year=2027, text=f"Plan {i}.", actor=secretariat
    ).position)
item = group.outlook_items.get(position=1)
out["edits"] = race(lambda i: outlook_item_update(
    item=item, actor=secretariat, text=f"Edit {i}.", expected_version=1
).version)
json.dump(out, sys.stdout)
"""


def test_eight_adds_at_once_on_an_sqlite_file(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "isecg_tracker.settings",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for section in ("group", "priorities"):
        assert sorted(results[section], key=str) == list(range(1, 9)), (section, results)
    # Eight edits of one paragraph from the same copy: one saved, the others told it is stale.
    assert sorted(results["edits"], key=str) == [2] + ["stale"] * 7, results
