"""The notifications worker's own small database (``database_url_for("notifications")``).

* ``recipients`` — who an order's mail goes to, filled from ``OrderCreated`` (email, user
  id, name, optional phone): payment and cancellation events carry no address.
* ``sent_messages`` — one row per message sent (email or SMS) per event; written in the
  same transaction as the inbox claim, so a redelivered event sends nothing more.
* ``inbox`` — the kernel's de-duplication table.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from shopgraph.db import UTCDateTime, new_metadata
from shopgraph.events.tables import inbox_table

EMAIL_MAX = 254
NAME_MAX = 100

metadata = new_metadata()

recipients = Table(
    "recipients",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=True),
    Column("email", String(EMAIL_MAX), nullable=False),
    Column("first_name", String(NAME_MAX), nullable=True),
    Column("last_name", String(NAME_MAX), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("total_minor", BigInteger, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
)

sent_messages = Table(
    "sent_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("template", String(64), nullable=False),
    Column("recipient", String(EMAIL_MAX), nullable=False),
    Column("subject", String(200), nullable=True),
    Column("sent_at", UTCDateTime(), nullable=False),
)
Index(
    "uq_sent_messages_event_channel", sent_messages.c.event_id, sent_messages.c.channel, unique=True
)
Index("ix_sent_messages_recipient", sent_messages.c.recipient)

inbox = inbox_table(metadata)
