import pytest
from django.contrib.auth.models import Group

from apps.accounts.roles import ROLE_GROUP_NAMES, Role
from apps.reports.models import ReportDraft
from apps.reports.services import annual_report_draft, report_draft_request


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Drafts are written under a throw-away MEDIA_ROOT, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft_year(db):
    """Request and draft `year` the way the task does, without depending on eager mode."""

    def draft(year: int) -> ReportDraft:
        requested = report_draft_request(year=year, actor=None, origin=ReportDraft.Origin.COMMAND)
        return annual_report_draft(draft_id=requested.pk)

    return draft


@pytest.fixture
def secretariat(db):
    """A secretariat member who, unlike the `cast` fixture, adds no agency beside the record."""
    from tests.factories import UserFactory

    user = UserFactory(username="secretariat-reports", first_name="Sam", last_name="Sekretar")
    group, _ = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[Role.SECRETARIAT])
    user.groups.add(group)
    return user
