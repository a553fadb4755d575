"""Celery tasks of core: sending the outbox (apps/core/outbox.py)."""

from dataclasses import asdict

from celery import shared_task

from .outbox import mail_deliver, outbox_send_waiting


# No result is kept: the row is the result, and a broker outage then costs a write under a
# second instead of the result backend's reconnection attempts.
@shared_task(ignore_result=True)
def deliver_mail(mail_id: int) -> str:
    """After the commit that wrote it: send one mail. A failure is recorded on the row, never
    raised, and the send job tries again."""
    return mail_deliver(mail_id=mail_id)


@shared_task(ignore_result=True)
def send_waiting_mail() -> dict:
    """Beat, every minute: the mails due for a first or another attempt."""
    return asdict(outbox_send_waiting())
