"""Outgoing SMS: the :class:`SmsSender` port and its adapters, chosen by ``SHOPGRAPH_SMS_URL``.

* :class:`HttpSmsSender` (``https://…`` or ``http://…``): a Twilio-style HTTP API. One
  form-encoded ``POST`` to the URL (for Twilio
  ``https://api.twilio.com/2010-04-01/Accounts/<sid>/Messages.json``) with ``To``, ``From``
  and ``Body``, HTTP basic auth ``SHOPGRAPH_SMS_USERNAME`` / ``SHOPGRAPH_SMS_PASSWORD`` (the
  account SID and auth token) and ``SHOPGRAPH_SMS_FROM`` as the sender. Any answer other
  than 2xx raises :class:`SmsRejected` (with the provider's status, never the number), and
  the notifications runtime retries the event.
* :class:`LogSmsSender` (``log://``, what ``make dev`` uses): a log line with the number
  masked; it keeps only the last :data:`RECENT_LIMIT` messages for inspection.

Production refuses ``log://`` unless ``SHOPGRAPH_ALLOW_LOG_DELIVERY=true``
(:func:`workers.notifications.delivery.check_delivery_settings`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from shopgraph.logging import get_logger
from shopgraph.settings import Settings, SettingsError
from workers.notifications.masking import mask_phone

log = get_logger(__name__)

RECENT_LIMIT = 100


class SmsSender(Protocol):
    async def send(self, phone: str, text: str) -> None: ...


class SmsRejected(RuntimeError):
    """The SMS provider did not accept the message (the event is retried)."""


@dataclass
class HttpSmsSender:
    url: str
    username: str
    password: str
    sender: str
    client: httpx.AsyncClient = field(default_factory=lambda: httpx.AsyncClient(timeout=10.0))

    async def send(self, phone: str, text: str) -> None:
        response = await self.client.post(
            self.url,
            data={"To": phone, "From": self.sender, "Body": text},
            auth=(self.username, self.password),
        )
        if not response.is_success:
            raise SmsRejected(f"SMS provider answered {response.status_code}")
        log.info("sms_sent", phone=mask_phone(phone), status=response.status_code)

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class LogSmsSender:
    """``log://``: a masked log line; ``sent`` holds the last few ``(phone, text)``."""

    sent: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=RECENT_LIMIT))

    async def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        log.info("sms_logged", phone=mask_phone(phone), length=len(text))

    async def close(self) -> None:
        return None


def sms_sender_for(settings: Settings) -> HttpSmsSender | LogSmsSender:
    """The adapter ``SHOPGRAPH_SMS_URL`` selects; an HTTP URL needs the three other settings."""
    if settings.sms_url.startswith(("http://", "https://")):
        missing = [
            name
            for name, value in (
                ("SHOPGRAPH_SMS_USERNAME", settings.sms_username),
                ("SHOPGRAPH_SMS_PASSWORD", settings.sms_password),
                ("SHOPGRAPH_SMS_FROM", settings.sms_from),
            )
            if not value
        ]
        if missing:
            raise SettingsError(f"SHOPGRAPH_SMS_URL is an HTTP API: set {', '.join(missing)}")
        assert settings.sms_username and settings.sms_password and settings.sms_from
        return HttpSmsSender(
            settings.sms_url, settings.sms_username, settings.sms_password, settings.sms_from
        )
    return LogSmsSender()
