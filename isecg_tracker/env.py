"""Reading settings from the environment, with errors that name the variable and an example."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use {name}=1 to turn it on or {name}=0 to turn it off."
    )


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(
            f"{name} is set but empty; give a comma-separated list, e.g. "
            f"{name}=isecg.example.org,localhost"
        )
    return items


def env_database(name: str, *, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a database URL ({exc}); e.g. "
            f"{name}=postgres://postgres@127.0.0.1:5432/isecg or {name}=sqlite:///db.sqlite3"
        ) from exc
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            f"{name}={raw!r} names an unsupported database; use PostgreSQL "
            f"({name}=postgres://postgres@127.0.0.1:5432/isecg) or SQLite "
            f"({name}=sqlite:///db.sqlite3)."
        )
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            f"{name}={raw!r} has no database name; e.g. "
            f"{name}=postgres://postgres@127.0.0.1:5432/isecg"
        )
    return config


def env_redis_url(name: str) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a Redis URL; e.g. {name}=redis://127.0.0.1:6379/0, "
            f"or leave it unset to run tasks in-process."
        )
    return raw


def env_secret_key(name: str, *, debug: bool) -> str:
    raw = os.environ.get(name, "")
    if raw:
        return raw
    if debug:
        # Only for local development: DEBUG=1 is never set in production.
        return "insecure-development-key-do-not-use-in-production"
    raise ImproperlyConfigured(
        f"{name} is required when DEBUG is off; e.g. {name}=$(python -c "
        f"'import secrets; print(secrets.token_urlsafe(50))'), "
        "or set DEBUG=1 for local development."
    )


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a whole number; e.g. {name}={default}"
        ) from None


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """The header a TLS-terminating proxy sets to say the client used HTTPS, e.g.
    X-Forwarded-Proto. Only trust it when the proxy always sets (and overwrites) it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header = raw.split(":", 1)[0].strip()
    if not header or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a header name; e.g. {name}=X-Forwarded-Proto, or leave "
            "it unset when no proxy terminates HTTPS in front of the app."
        )
    return "HTTP_" + header.upper().replace("-", "_"), "https"


def env_path(name: str, *, default: Path) -> Path:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw)
    if not path.is_absolute():
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not an absolute path; e.g. {name}=/var/lib/isecg/media "
            "(the web app and the worker must both see the same folder)."
        )
    return path


# S3's rules for a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_ADDRESSING_STYLES = {"auto", "path", "virtual"}


def env_media_storage() -> dict:
    """STORAGES["default"]: files under MEDIA_ROOT, or an S3-compatible bucket when
    AWS_STORAGE_BUCKET_NAME is set (django-storages). The keys come from boto3's own sources
    (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the host's role), never from settings."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not _BUCKET.fullmatch(bucket):
        raise ImproperlyConfigured(
            f"AWS_STORAGE_BUCKET_NAME={bucket!r} is not a bucket name (3-63 lower-case "
            "letters, digits, dots or hyphens); e.g. AWS_STORAGE_BUCKET_NAME=isecg-media, or "
            "leave it unset to keep the files under MEDIA_ROOT."
        )
    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip()
    if endpoint and not _is_http_url(endpoint):
        raise ImproperlyConfigured(
            f"AWS_S3_ENDPOINT_URL={endpoint!r} is not an http(s) URL; e.g. "
            "AWS_S3_ENDPOINT_URL=http://minio:9000, or leave it unset for AWS S3 itself."
        )
    # S3-compatible servers (MinIO, Ceph, Garage) answer path-style requests; AWS prefers
    # virtual-hosted ones and chooses itself.
    style = os.environ.get("AWS_S3_ADDRESSING_STYLE", "").strip() or (
        "path" if endpoint else "auto"
    )
    if style not in _ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE={style!r} is not one of auto, path, virtual; e.g. "
            "AWS_S3_ADDRESSING_STYLE=path for MinIO."
        )
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME", "").strip() or None,
        "location": os.environ.get("AWS_LOCATION", "").strip().strip("/"),
        "addressing_style": style,
        # A draft's files keep their names: a rerun replaces them, private to the bucket.
        "file_overwrite": True,
        "default_acl": None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _is_http_url(raw: str) -> bool:
    parts = urlsplit(raw)
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def env_throttle_rates(name: str, *, default: dict[str, str]) -> dict[str, str]:
    """The default rates, with those named in e.g. THROTTLE_RATES=moves=120/minute,auth=5/minute."""
    rates = dict(default)
    for item in env_list(name, default=[]):
        scope, _, rate = (part.strip() for part in item.partition("="))
        if scope not in default or not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", rate):
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not SCOPE=N/PERIOD with SCOPE one of "
                f"{', '.join(default)} and PERIOD second, minute, hour or day; e.g. "
                f"{name}=moves=120/minute"
            )
        rates[scope] = rate
    return rates
