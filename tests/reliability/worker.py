"""A Celery worker for the fault tests: the project's worker, writing drafts under
ISECG_TEST_MEDIA_ROOT, each drafting step slowed by ISECG_TEST_STEP_DELAY seconds so a test can
kill it mid-draft (and a pause after each temporary file, to kill it mid-write)."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isecg_tracker.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.MEDIA_ROOT = os.environ["ISECG_TEST_MEDIA_ROOT"]

from apps.reports import services  # noqa: E402

DELAY = float(os.environ.get("ISECG_TEST_STEP_DELAY") or 0)
if DELAY:
    step, write = services._Run.step, services._Run._write_temporary

    def slow_step(self, title, steps):
        step(self, title, steps)
        time.sleep(DELAY)

    def slow_write(self, name, data):
        written = write(self, name, data)
        time.sleep(DELAY * 4)
        return written

    services._Run.step = slow_step
    services._Run._write_temporary = slow_write

from isecg_tracker.celery import app  # noqa: E402

app.worker_main(["worker", *sys.argv[1:]])
