"""Which revision of each deliverable a person last looked at (downloaded or compared): kept in
their session, so the deliverable's page can offer "changes since the revision you looked at"."""

from django.http import HttpRequest
from django.urls import reverse

SEEN_KEY = "revisions_seen"  # {str(deliverable id): newest revision number looked at}


def revision_seen(request: HttpRequest, deliverable_id: int) -> int | None:
    """The newest revision of this deliverable this person has downloaded or compared."""
    return request.session.get(SEEN_KEY, {}).get(str(deliverable_id))


def revision_seen_record(request: HttpRequest, deliverable_id: int, number: int) -> None:
    # The newest one counts: opening an older revision again does not hide what came since.
    seen = dict(request.session.get(SEEN_KEY, {}))
    if seen.get(str(deliverable_id), -1) < number:
        seen[str(deliverable_id)] = number
        request.session[SEEN_KEY] = seen


def diff_url(deliverable_id: int, old: int, new: int) -> str:
    return f"{reverse('web:revision-diff', args=[deliverable_id])}?from={old}&to={new}"
