"""The notifications worker: mail (and SMS) for the events customers care about.

Group ``notifications`` consumes

* ``users`` / ``PasswordResetRequested`` → the reset code;
* ``orders`` / ``OrderCreated`` → the order confirmation (and remembers who to write to);
* ``payments`` / ``PaymentSucceeded`` → "payment received" (+ an SMS if the order has a phone);
* ``payments`` / ``PaymentFailed`` → "payment failed";
* ``orders`` / ``OrderCancelled`` → "order cancelled" (with the refund when it was paid);
* ``order-status`` / ``OrderStatusChanged`` to ``FULFILLED`` → "your order has shipped"
  (also read on ``orders``, where it was written before it had a topic of its own).

It keeps its own small database (``settings.database_url_for("notifications")``, migrations
under ``migrations/``; ``shopgraph migrate`` knows it through
``shopgraph.migrations.WORKER_DATABASES``); its inbox is purged by the group's
:class:`~shopgraph.events.retention.RetentionJob`. Mail goes over SMTP (``settings.smtp_url``;
``log://`` logs it), SMS through an HTTP API (``settings.sms_url``, :mod:`.sms`); production
refuses log-only delivery unless allowed (:mod:`.delivery`). Delivery is at least once, one
message per event; see :mod:`workers.notifications.notifier` for the trade-off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from shopgraph.db import Database
from shopgraph.events.handlers import HandlerRegistry
from shopgraph.events.retention import RetentionJob
from shopgraph.internal import InternalClient
from shopgraph.settings import Settings
from workers.notifications.delivery import check_delivery_settings
from workers.notifications.directory import Directory, NoDirectory, UsersDirectory
from workers.notifications.mail import Mailer, mailer_for
from workers.notifications.models import inbox
from workers.notifications.notifier import Notifier
from workers.notifications.sms import SmsSender, sms_sender_for
from workers.runtime import WorkerGroup

GROUP = "notifications"
SERVICE = "notifications"


@asynccontextmanager
async def notification_handlers(
    settings: Settings,
    *,
    mailer: Mailer | None = None,
    sms: SmsSender | None = None,
    directory: Directory | None = None,
) -> AsyncIterator[HandlerRegistry]:
    if mailer is None or sms is None:
        check_delivery_settings(settings)
    own_sms = sms_sender_for(settings) if sms is None else None
    db = Database(settings.database_url_for(SERVICE), ping=False)
    users = UsersDirectory(InternalClient(settings, SERVICE)) if directory is None else None
    notifier = Notifier(
        db,
        mailer or mailer_for(settings),
        sms or own_sms or sms_sender_for(settings),
        directory or users or NoDirectory(),
    )
    registry = HandlerRegistry()
    notifier.register(registry)
    retention = RetentionJob.from_settings(settings, SERVICE, db, outbox=None, inbox=inbox)
    purging = retention.periodic()
    await purging.start()
    try:
        yield registry
    finally:
        await purging.stop()
        if own_sms is not None:
            await own_sms.close()
        if users is not None:
            await users.close()
        await db.dispose()


# A mail may leave a quarter second later; the group fetches a checkout burst in a few
# larger batches instead of one broker response per event.
LINGER_SECONDS = 0.25

WORKER_GROUPS: tuple[WorkerGroup, ...] = (
    WorkerGroup(
        GROUP,
        ("users", "orders", "order-status", "payments"),
        notification_handlers,
        linger_seconds=LINGER_SECONDS,
    ),
)
