"""Settings for the ISECG deliverables tracker, read from the environment.

DATABASE_URL   default sqlite:///<project>/db.sqlite3
REDIS_URL      unset: Celery tasks run in-process; set: a real worker runs them
SECRET_KEY     required unless DEBUG is on
DEBUG          off unless 1/true/yes/on
ALLOWED_HOSTS  comma-separated; default localhost names
"""

import os
from pathlib import Path

from celery.schedules import crontab

from .env import env_bool, env_database, env_int, env_list, env_redis_url, env_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "apps.core",
    "apps.agencies",
    "apps.groups",
    "apps.deliverables",
    "apps.plenary",
    "apps.accounts",
    "apps.reports",
    "apps.api",
    "apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Anonymous users see nothing but the login page (and the health check).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Records the signed-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "isecg_tracker.urls"
WSGI_APPLICATION = "isecg_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"

# Change reasons carry objections and return comments: longer than the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The REST API (apps/api): session auth for the browser, tokens for scripts.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # One JSON error shape: {"detail", "code"}, plus "fields" (400) or "state"/"allowed" (409).
    "EXCEPTION_HANDLER": "apps.api.errors.api_exception_handler",
    # Getting a token tries a password: per client address, and per account named.
    "DEFAULT_THROTTLE_RATES": {"auth": "10/minute", "auth_username": "20/hour"},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ISECG deliverables tracker API",
    "DESCRIPTION": "Deliverables, consensus rounds, the ISECG record and annual report drafts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served by the app itself: no asset from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable, readable enum names in the schema (else drf-spectacular hashes them).
    "ENUM_NAME_OVERRIDES": {
        "DeliverableStateEnum": "apps.deliverables.models.DeliverableState",
        "DeliverableKindEnum": "apps.deliverables.models.Deliverable.Kind",
        "ActivityKindEnum": "apps.deliverables.models.Activity.Kind",
        "MeetingKindEnum": "apps.plenary.models.PlenaryMeeting.Kind",
        "StructuralChangeKindEnum": "apps.groups.models.StructuralChange.Kind",
        "RoundStateEnum": "apps.plenary.models.ConsensusRound.State",
        "ReportDraftStateEnum": "apps.reports.models.ReportDraft.State",
        "DatePrecisionEnum": "apps.core.models.DatePrecision",
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The address people follow from e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Mail: printed to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ISECG tracker <noreply@localhost>")

# Celery: with no broker configured, tasks run in-process so the embedded default needs no server.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The silence procedure: a round whose deadline has passed closes without waiting for anyone.
    "close-expired-consensus-rounds": {
        "task": "apps.plenary.tasks.close_expired_rounds",
        "schedule": 15 * 60,
    },
    "remind-delegates-of-deadlines": {
        "task": "apps.plenary.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every January, a first draft of last year's annual report for the secretariat to edit.
    "draft-previous-year-annual-report": {
        "task": "apps.reports.tasks.draft_previous_year_report",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=6, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
