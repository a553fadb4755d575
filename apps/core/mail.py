"""Every mail is a row of the outbox, written in the transaction of the change that causes it.

`mail_after_commit` (the tracker's own mails) and `OutboxBackend` (EMAIL_BACKEND: Django's
password-reset and error mails, anything that calls `send_mail`) both write the row here. A
rolled-back change leaves no row; a committed one is handed to the sender after the commit
(apps/core/outbox.py), which delivers it through MAIL_DELIVERY_BACKEND and retries it. Nothing
that goes wrong while sending can turn the committed change into an error.
"""

import base64
from collections.abc import Iterable
from email.mime.base import MIMEBase
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import DNS_NAME

from .models import OutboxMail


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
    from .outbox import delivery_after_commit

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


# -- A message as JSON, and back: every attempt sends the same message (same Message-ID). ----


def message_as_data(message: EmailMessage) -> dict:
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    if not any(name.lower() == "message-id" for name in headers):
        # Fixed now, so a receiver can tell a resent copy from a new mail.
        headers["Message-ID"] = make_msgid(domain=DNS_NAME)
    return {
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": headers,
        "content_subtype": message.content_subtype,
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [_attachment_as_data(attachment) for attachment in message.attachments],
    }


def message_from_data(subject: str, data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(alternative) for alternative in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for attachment in data["attachments"]:
        content = base64.b64decode(attachment["content"])
        if attachment["text"]:
            content = content.decode()
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message


def _attachment_as_data(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        # A ready-made MIME part: kept as its file name, decoded content and type.
        filename = attachment.get_filename()
        content = attachment.get_payload(decode=True) or b""
        mimetype = attachment.get_content_type()
    else:
        filename, content, mimetype = attachment
    text = isinstance(content, str)
    raw = content.encode() if text else bytes(content)
    return {
        "filename": filename,
        "content": base64.b64encode(raw).decode("ascii"),
        "text": text,
        "mimetype": mimetype,
    }
