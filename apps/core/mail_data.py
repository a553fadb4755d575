"""A message as JSON, and back: the outbox keeps each mail as data, so every attempt sends the
same message (the same Message-ID)."""

import base64
from email.mime.base import MIMEBase
from email.utils import make_msgid

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import DNS_NAME


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
