"""One ``StockChanged`` per product written by a PostgreSQL statement that changed its stock
rows, its payload's totals filled in from the rows the statement returned (so they are the
values the statement left, exact under any concurrency)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB

from subgraphs.inventory.models import outbox
from subgraphs.inventory.repository import TOPIC


def announced_from(totals: Any, created_at: Any) -> Any:
    """The outbox insert of one ``StockChanged`` per row of ``totals`` (columns
    ``product_id``, ``on_hand``, ``reserved``, ``event_id`` and ``event``, the event's JSON
    whose payload totals are filled in from the row), in product order, as a CTE;
    ``created_at`` is the rows' outbox timestamp (an expression: a literal or a parameter)."""
    event = cast(totals.c.event, JSONB)
    filled_totals = func.jsonb_build_object(
        "onHand",
        totals.c.on_hand,
        "reserved",
        totals.c.reserved,
        "available",
        totals.c.on_hand - totals.c.reserved,
    )
    payload = event.op("->")("payload").op("||")(filled_totals)
    filled = event.op("||")(func.jsonb_build_object("payload", payload))
    return (
        outbox.insert()
        .from_select(
            ["id", "topic", "key", "event", "created_at"],
            select(
                totals.c.event_id,
                literal(TOPIC, outbox.c.topic.type),
                totals.c.product_id,
                func.convert_to(cast(filled, Text), "UTF8"),
                created_at,
            ).order_by(totals.c.product_id),
        )
        .cte("announced")
    )
