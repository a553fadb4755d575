"""A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, which a test stops, starts again on
the same port, or sets to refuse every mail with a temporary error."""

import asyncio
import email
import email.policy
import threading
from email.message import EmailMessage

from .servers import free_port, missing, wait_until


class SmtpServer:
    def __init__(self, *, delay: float = 0) -> None:
        try:
            import aiosmtpd  # noqa: F401
        except ImportError:
            missing("aiosmtpd is not installed (it is in the dev extra of pyproject.toml)")
        self.port = free_port()
        self.delay = delay  # seconds each mail takes to be accepted: lets two senders overlap
        self.refusing = False  # answer every mail "451 try again later"
        self.received: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, seconds: float = 30) -> list[EmailMessage]:
        wait_until(lambda: len(self.received) >= count, seconds=seconds, what=f"{count} mails")
        return self.received

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]

    def subjects(self) -> list[str]:
        return [message["Subject"] for message in self.received]

    def _take(self, content: bytes) -> None:
        message = email.message_from_bytes(content, policy=email.policy.default)
        with self._lock:
            self.received.append(message)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        if self.server.refusing:
            return "451 4.3.0 Mailbox busy, try again later"
        self.server._take(envelope.original_content or envelope.content)
        return "250 OK"


def use_smtp(settings, port: int) -> None:
    """This process's outbox delivers by SMTP to 127.0.0.1:port, in plain text."""
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
