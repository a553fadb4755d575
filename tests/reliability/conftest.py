from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection

from .servers import RedisServer, missing, python_env


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def seeded(transactional_db) -> None:
    """The ISECG record and the demo accounts (password isecg-demo), committed, so the
    subprocesses see them."""
    if connection.vendor != "postgresql":
        missing("These tests need PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def stack_env(seeded, redis_server, tmp_path) -> dict[str, str]:
    """The environment of the app's processes: this test's database, its own Redis."""
    media = tmp_path / "media"
    media.mkdir()
    return python_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis_server.url,
        # The cache on the same test Redis (its own database), so stopping it downs both.
        CACHE_URL=redis_server.url.rsplit("/", 1)[0] + "/1",
        ISECG_TEST_MEDIA_ROOT=str(media),
    )


def database_url(name: str | None = None) -> str:
    """This test run's PostgreSQL database (or another on the same server), as a URL."""
    from urllib.parse import quote

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{name or db['NAME']}"
