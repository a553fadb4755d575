"""The Celery app: configured from Django's CELERY_* settings; tasks from each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isecg_tracker.settings")

app = Celery("isecg_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
