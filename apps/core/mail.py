from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction


def mail_after_commit(*, to: Iterable[str], subject: str, body: str) -> None:
    """Send once the current transaction commits: a rolled-back change never mails anyone."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    message = EmailMessage(
        subject=f"[ISECG] {subject}",
        body=f"{body}\n\n-- \nISECG deliverables tracker ({settings.SITE_URL})",
        to=recipients,
    )
    transaction.on_commit(message.send)
