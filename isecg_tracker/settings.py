"""Settings for the ISECG deliverables tracker, read from the environment.

DATABASE_URL   default sqlite:///<project>/db.sqlite3
REDIS_URL      unset: Celery tasks run in-process; set: a real worker runs them
SECRET_KEY     required unless DEBUG is on
DEBUG          off unless 1/true/yes/on
ALLOWED_HOSTS  comma-separated; default localhost names
MEDIA_ROOT     where report drafts are written; default <project>/media
AWS_STORAGE_BUCKET_NAME  set: drafts go to this S3-compatible bucket instead (AWS_S3_ENDPOINT_URL)

With DEBUG off the app expects HTTPS (redirect, secure cookies, HSTS); see the security section.
"""

import datetime
import os
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF

from .env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_media_storage,
    env_path,
    env_proxy_ssl_header,
    env_redis_url,
    env_secret_key,
    env_throttle_rates,
)

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "apps.core",
    "apps.agencies",
    "apps.groups",
    "apps.deliverables",
    "apps.plenary",
    "apps.documents",
    "apps.meetings",
    "apps.watching",
    "apps.accounts",
    "apps.reports",
    "apps.record",
    "apps.api",
    "apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
    # Turns a sign-in refused for too many failures into the lockout page (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "isecg_tracker.urls"
WSGI_APPLICATION = "isecg_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # templates/: overrides of installed apps' templates (the admin's base_site.html),
        # which the app directories, searched in INSTALLED_APPS order, would not let win.
        "DIRS": [BASE_DIR / "templates"],
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

# At least 12 characters (OWASP ASVS 4.0, 2.1.1), not a common or all-numeric password, not
# close to the username or name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- Security ------------------------------------------------------------------------------------
# With DEBUG off the app is served over HTTPS: http is redirected, cookies are sent over HTTPS
# only, and browsers are told to use HTTPS for a year (HSTS). Behind a proxy that terminates
# HTTPS, SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto says which requests came over HTTPS.
# SECURE_SSL_REDIRECT=0 serves plain http (a local test of the production set-up, or a proxy
# that redirects itself); SECURE_COOKIES=0 lets cookies travel over plain http too.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health and liveness probes of load balancers come over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
X_FRAME_OPTIONS = "DENY"
# Only the app's own scripts, styles and images: no inline script or style, nothing from other
# sites, no framing (the report preview sets its own sandboxed policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Client addresses: REMOTE_ADDR, or behind N trusted proxies (TRUSTED_PROXIES=N) the address
# the outermost of them saw, from X-Forwarded-For. Used by the login lockout and API throttles.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", default=0)

# Sign-in attempts (the login page, the admin's and the API token endpoint) are counted in the
# database (django-axes), so every worker sees them. Three rules (apps/accounts/lockout.py):
# - one account from one address: the 10th wrong password pauses that pair for 15 minutes;
# - one account from every address: 50 wrong passwords in 15 minutes pause it, but only from
#   addresses where it has not signed in before (its usual addresses still work);
# - one address for every account: 30 wrong passwords in 15 minutes pause it, again only for
#   accounts that have not signed in from there before.
# A success clears only that account's failures from that address, so signing in to another
# account clears nothing; a password reset through the e-mailed link clears the account's.
# Attempts refused while paused are not counted, so a pause ends when it says it does.
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "apps.accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 10
SIGN_IN_ACCOUNT_FAILURE_LIMIT = 50
SIGN_IN_ADDRESS_FAILURE_LIMIT = 30
# An address is usual for an account once it signed in from there within this many days.
SIGN_IN_USUAL_ADDRESS_DAYS = 180
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Report drafts: the worker writes them, the web app serves them, so both must share one
# storage: a folder under MEDIA_ROOT (one volume mounted in both), or an S3-compatible bucket
# when AWS_STORAGE_BUCKET_NAME is set (env.env_media_storage).
MEDIA_ROOT = env_path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": env_media_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# A deliverable's revisions (apps.documents): the largest file taken, in MB.
REVISION_MAX_MB = env_int("REVISION_MAX_MB", default=50)

# Change reasons carry objections and return comments: longer than the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# The admin shows past versions but never restores one: a restore would bypass the workflow.
SIMPLE_HISTORY_REVERT_DISABLED = True

# The REST API (apps/api): session auth for the browser, tokens for scripts: named, hashed,
# expiring, read-only or read-write (apps.api.models.ApiToken; `Authorization: Token <secret>`).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apps.api.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "apps.api.renderers.StrictBrowsableAPIRenderer",
    ],
    # JSON only, refusing bodies nested deeper than any request needs (apps/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # One JSON error shape: {"detail", "code"}, plus "fields" (400) or "state"/"allowed" (409).
    "EXCEPTION_HANDLER": "apps.api.errors.api_exception_handler",
    # Counted in the shared "throttles" cache (apps/accounts/throttles.py). Getting a token
    # tries a password: per client address ("auth") and per account and address
    # ("auth_username"). A password reset mails someone: per address and per e-mail typed.
    # Positions and moves, by API or web form: per person ("moves"). THROTTLE_RATES changes
    # any of them, e.g. THROTTLE_RATES=moves=120/minute.
    "DEFAULT_THROTTLE_RATES": env_throttle_rates(
        "THROTTLE_RATES",
        default={
            "auth": "10/minute",
            "auth_username": "20/hour",
            "password_reset": "3/hour",
            "password_reset_email": "3/hour",
            "moves": "60/minute",
        },
    ),
    "NUM_PROXIES": TRUSTED_PROXIES,
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
    # No deep links: Swagger UI puts each one inside the operation's toggle button, a link
    # nested in a button that keyboards and screen readers cannot reach apart (axe's
    # nested-interactive), too small a target besides.
    # No syntax colours: the theme's colours on its dark background are below 4.5:1.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "REDOC_DIST": "SIDECAR",
    # minLength: 1 on input text that refuses blanks, anyOf for blank-able URLs,
    # additionalProperties: false and Retry-After: apps/api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.api.schema.postprocess",
    ],
    # Stable, readable enum names in the schema (else drf-spectacular hashes them).
    "ENUM_NAME_OVERRIDES": {
        "DeliverableStateEnum": "apps.deliverables.models.DeliverableState",
        "DeliverableKindEnum": "apps.deliverables.models.Deliverable.Kind",
        "ActivityKindEnum": "apps.deliverables.models.Activity.Kind",
        "MeetingKindEnum": "apps.plenary.models.PlenaryMeeting.Kind",
        "StructuralChangeKindEnum": "apps.groups.models.StructuralChange.Kind",
        "StructuralChangeStateEnum": "apps.groups.models.ChangeState",
        "GroupStatusEnum": "apps.groups.models.GroupStatus",
        "RoundStateEnum": "apps.plenary.models.ConsensusRound.State",
        "ReportDraftStateEnum": "apps.reports.models.ReportDraft.State",
        "DatePrecisionEnum": "apps.core.models.DatePrecision",
        "ApiTokenStateEnum": "apps.api.models.ApiToken.State",
        "ApiTokenScopeEnum": "apps.api.models.ApiToken.Scope",
        "AttendanceStatusEnum": "apps.meetings.models.Attendance.Status",
        "NoticeStatusEnum": "apps.api.serializers.meeting_records.NOTICE_STATUSES",
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The address people follow from e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SPECTACULAR_SETTINGS["SERVERS"] = [{"url": SITE_URL, "description": "This tracker (SITE_URL)."}]

# Mail: every mail (the tracker's, Django's password-reset and error mails) is first a row of
# the outbox, written in the transaction that causes it; a Celery task then delivers it through
# MAIL_DELIVERY_BACKEND, SMTP when EMAIL_HOST is set, else printed to the console, and retries
# it (1, 2, 4 … minutes apart, at most hourly) until sent or, after MAIL_GIVE_UP_SECONDS or
# MAIL_MAX_ATTEMPTS, marked failed (apps/core/outbox.py).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = "apps.core.mail.OutboxBackend"
MAIL_DELIVERY_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# A mail server that takes the connection but never answers costs a send at most this long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
MAIL_GIVE_UP_SECONDS = env_int("MAIL_GIVE_UP_SECONDS", default=24 * 3600)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", default=30)
MAIL_RETRY_BASE_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 3600
# A claim older than this belongs to a sender that died mid-send: the mail waits again.
MAIL_CLAIM_TIMEOUT_SECONDS = 15 * 60
MAIL_SEND_BATCH = 200
EMAIL_PORT = env_int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ISECG tracker <noreply@localhost>")

# Celery: with no broker configured, tasks run in-process so the embedded default needs no server.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"

# Two caches on one Redis database (CACHE_URL, its own database so clearing it never touches the
# queue; it falls back to REDIS_URL): "default" holds page data (group counts, chart pictures),
# and a Redis that cannot be reached is a miss there (django-redis IGNORE_EXCEPTIONS), so pages
# keep answering; "throttles" holds the sign-in and API throttle counters, shared by every
# worker, and raises when Redis is unreachable so each throttle decides whether to fail safe
# (sign-in: refuse for now) or open (everything else). Without CACHE_URL or REDIS_URL, both are
# per process.
CACHE_URL = env_redis_url("CACHE_URL") or REDIS_URL


def _redis_cache(prefix: str, *, ignore_exceptions: bool) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": ignore_exceptions,
            # A dead Redis costs a request at most a second, not the OS's connect timeout.
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }


CACHES = (
    {
        "default": _redis_cache("isecg", ignore_exceptions=True),
        "throttles": _redis_cache("isecg-throttle", ignore_exceptions=False),
    }
    if CACHE_URL
    else {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttles": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttles",
        },
    }
)
# Failures the default cache ignored are logged (logger django_redis), not hidden.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Redis hands an unacknowledged task (its worker died mid-task) to another worker only after
# this many seconds; longer than any draft takes, so a live task is never run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Look for such tasks every 10 s. kombu's default scans on every 10th look only (~100 s):
    # a worker that started just before the timeout ran out would leave the task for minutes.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # A hung Redis costs a request that queues a task seconds, not the worker's life (kombu
    # retries the publish, then the caller keeps the work queued). Above the worker's 1 s BRPOP.
    "socket_timeout": 5,
    "socket_connect_timeout": 2,
}
CELERY_REDIS_SOCKET_TIMEOUT = 5  # the result backend (default 120 s)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# Annual report drafts stuck queued or running (apps.reports.services.report_drafts_sweep).
REPORT_DRAFT_SWEEP_MINUTES = 5
REPORT_DRAFT_STALE_SECONDS = env_int("REPORT_DRAFT_STALE_SECONDS", default=600)
REPORT_DRAFT_GIVE_UP_SECONDS = env_int("REPORT_DRAFT_GIVE_UP_SECONDS", default=24 * 3600)
REPORT_DRAFT_MAX_ATTEMPTS = 5
# Days before a round's deadline the agencies that have not answered are reminded.
ROUND_REMINDER_DAYS = env_int("ROUND_REMINDER_DAYS", default=3)

CELERY_BEAT_SCHEDULE = {
    # Outgoing mail due for a first or another attempt (a failed send, or a broker outage).
    "send-waiting-mail": {
        "task": "apps.core.tasks.send_waiting_mail",
        "schedule": 60,
    },
    # The silence procedure: a round whose deadline has passed closes without waiting for anyone.
    "close-expired-consensus-rounds": {
        "task": "apps.plenary.tasks.close_expired_rounds",
        # /healthz calls it late after two intervals; tests shorten it to watch beat run it.
        "schedule": env_int("CLOSE_EXPIRED_ROUNDS_SECONDS", default=15 * 60),
    },
    # A decided structural change takes effect on its effective date (apps/groups/lineage.py).
    "structural-changes-take-effect": {
        "task": "apps.groups.tasks.take_effect",
        "schedule": crontab(hour=0, minute=5),
    },
    "remind-delegates-of-deadlines": {
        "task": "apps.plenary.tasks.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Drafts left queued while Redis was down, or running on a worker that died, go again.
    "sweep-stalled-report-drafts": {
        "task": "apps.reports.tasks.sweep_report_drafts",
        "schedule": REPORT_DRAFT_SWEEP_MINUTES * 60,
    },
    # Every January, a first draft of last year's annual report for the secretariat to edit.
    "draft-previous-year-annual-report": {
        "task": "apps.reports.tasks.draft_previous_year_report",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=6, minute=0),
    },
    # Each digest watcher's one mail of the day (apps/watching/digest.py; a rerun sends nothing).
    "send-daily-watch-digests": {
        "task": "apps.watching.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
