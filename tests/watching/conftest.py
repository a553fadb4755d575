import pytest

from apps.watching.models import Notification
from apps.watching.services import watch_start
from tests import factories


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # revisions uploaded by these tests


@pytest.fixture
def watcher(db):
    """Make a person (with a mail address) watching `target` (None: everything)."""

    def make(target=None, *, level="all", digest=False, username=None):
        user = factories.UserFactory(**({"username": username} if username else {}))
        watch_start(actor=user, target=target, level=level, digest=digest)
        return user

    return make


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


def events_of(user) -> list[str]:
    return [n.event for n in told(user)]
