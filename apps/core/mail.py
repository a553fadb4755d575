"""Every mail is a row of the outbox, written in the transaction of the change that causes it.

`mail_after_commit` (the tracker's own mails) and `OutboxBackend` (EMAIL_BACKEND: Django's
password-reset and error mails, anything that calls `send_mail`) both write the row here. A
rolled-back change leaves no row; a committed one is handed to the sender after the commit
(apps/core/outbox.py), which delivers it through MAIL_DELIVERY_BACKEND and retries it. Nothing
that goes wrong while sending can turn the committed change into an error.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .mail_data import message_as_data
from .models import OutboxMail
from .outbox import delivery_after_commit


def mail_after_commit(
    *, to: Iterable[str], subject: str, body: str, key: str = ""
) -> OutboxMail | None:
    """Write the mail to the outbox now; it is sent once the current transaction commits, so a
    rolled-back change never mails anyone. `key` names what it is for, for a later "did it go
    out?" (one mail per key). None when there is nobody to send it to."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    message = EmailMessage(
        subject=f"[ISECG] {subject}",
        body=f"{body}\n\n-- \nISECG deliverables tracker ({settings.SITE_URL})",
        to=recipients,
    )
    return outbox_write(message, key=key)


def outbox_write(message: EmailMessage, *, key: str = "") -> OutboxMail:
    """The message as a waiting row, in the caller's transaction; its delivery is queued for
    after the commit."""
    mail = OutboxMail.objects.create(
        key=key,
        subject=str(message.subject),
        recipients=message.recipients(),
        message=message_as_data(message),
    )
    delivery_after_commit(mail.pk)
    return mail


class OutboxBackend(BaseEmailBackend):
    """EMAIL_BACKEND: Django's own mails (password reset, errors to ADMINS) join the outbox too,
    so they are retried like the tracker's and never fail the request that sends them."""

    def send_messages(self, email_messages) -> int:
        written = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                outbox_write(message)
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            written += 1
        return written
