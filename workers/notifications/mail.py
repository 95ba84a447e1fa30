"""Outgoing mail and SMS: ports with small adapters, chosen by settings.

* :class:`Mailer` — ``send(message)``. :class:`SmtpMailer` speaks SMTP with aiosmtplib
  (``smtp://[user:password@]host:port``, STARTTLS when the server offers it;
  ``smtps://`` for implicit TLS). :class:`LogMailer` (``log://``, what ``make dev`` uses)
  writes the message to the log instead.
* SMS: :mod:`workers.notifications.sms`.

Addresses are masked in log lines (:mod:`.masking`); ``log://`` keeps only the last
:data:`~workers.notifications.sms.RECENT_LIMIT` messages in memory.

A send raises on failure; the handler's transaction then rolls back and the runtime
retries the event.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from shopgraph.logging import get_logger
from shopgraph.settings import Settings
from workers.notifications.masking import mask_email
from workers.notifications.sms import RECENT_LIMIT

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    # Stable per event: lets a receiving system spot the rare duplicate (at-least-once).
    message_id: str | None = None


class Mailer(Protocol):
    async def send(self, message: OutgoingEmail) -> None: ...


def build_mime(message: OutgoingEmail, sender: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Message-ID"] = message.message_id or make_msgid(domain="shopgraph.dev")
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


@dataclass
class SmtpMailer:
    url: str
    sender: str
    timeout_seconds: float = 10.0

    async def send(self, message: OutgoingEmail) -> None:
        parts = urlsplit(self.url)
        implicit_tls = parts.scheme == "smtps"
        await aiosmtplib.send(
            build_mime(message, self.sender),
            hostname=parts.hostname or "127.0.0.1",
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit_tls,
            start_tls=None if not implicit_tls else False,
            timeout=self.timeout_seconds,
        )
        log.info("email_sent", to=mask_email(message.to), subject=message.subject)


@dataclass
class LogMailer:
    """``log://``: the message goes to the log (dev: the reset codes are read there);
    ``sent`` keeps the last few for inspection."""

    sent: deque[OutgoingEmail] = field(default_factory=lambda: deque(maxlen=RECENT_LIMIT))

    async def send(self, message: OutgoingEmail) -> None:
        self.sent.append(message)
        log.info(
            "email_logged", to=mask_email(message.to), subject=message.subject, body=message.text
        )


def mailer_for(settings: Settings) -> Mailer:
    if settings.smtp_url.startswith(("smtp://", "smtps://")):
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return LogMailer()
