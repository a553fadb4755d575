"""Reading settings from the environment, with errors that name the variable and an example."""

import os

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
