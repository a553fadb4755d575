"""The daily digest: each person whose watches ask for it gets one mail with what they were told
since their last digest, once. A second run the same day finds nothing waiting and sends
nothing; two runs at once lock the same waiting rows, and the second finds them taken."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.core.mail import mail_after_commit
from apps.core.transactions import atomic_retrying

from .models import Notification
from .text import one_line

logger = logging.getLogger(__name__)
DIGEST_LINES = 200  # a mail lists this many; the rest are on the notifications page


def _waiting():
    return Notification.objects.filter(
        delivery=Notification.Delivery.DIGEST, mailed_at__isnull=True
    )


def digests_send(*, now=None) -> int:
    """Write each digest waiting; how many mails. Who: the beat task (and operators)."""
    now = now or timezone.now()
    user_ids = list(
        _waiting().filter(created_at__lte=now).order_by().values_list("user_id", flat=True)
    )
    sent = 0
    for user_id in sorted(set(user_ids)):
        # One person's digest that cannot be written must not hold back everyone else's.
        try:
            sent += _digest_send(user_id, now=now)
        except Exception:
            logger.exception("Digest of user #%s not written; the next run retries", user_id)
    return sent


@atomic_retrying
def _digest_send(user_id: int, *, now) -> int:
    rows = list(
        _waiting()
        .select_for_update()
        .filter(user_id=user_id, created_at__lte=now)
        .order_by("created_at", "pk")
    )
    if not rows:
        return 0  # another run took them
    user = get_user_model().objects.get(pk=user_id)
    mail = None
    if user.is_active and user.email:
        mail = mail_after_commit(
            to=[user.email],
            subject=f"Your daily digest: {len(rows)} change{'s' if len(rows) != 1 else ''}",
            body=_body(rows),
            key=f"watching-digest:{user_id}:{rows[-1].pk}",
        )
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(mailed_at=now, mail=mail)
    return 1 if mail else 0


def _body(rows: list[Notification]) -> str:
    site = settings.SITE_URL
    lines = [f"What changed in what you watch, since your last digest ({len(rows)}):", ""]
    for row in rows[:DIGEST_LINES]:
        when = timezone.localtime(row.created_at).strftime("%d %b %H:%M")
        lines.append(f"- {when} {one_line(row.title)}")
        lines.append(f"  {site}{row.url}")
    if len(rows) > DIGEST_LINES:
        lines.append(f"... and {len(rows) - DIGEST_LINES} more.")
    lines += ["", f"All of them, and how you watch: {site}{reverse('web:notifications')}"]
    return "\n".join(lines)
