"""Order-status fan-out through the key-value pub/sub (works across replicas).

The ``order-status`` worker group publishes every ``OrderStatusChanged`` as JSON on the
channel ``order-status:<orderId>``; each subgraph replica's ``orderStatusChanged``
subscriptions listen there. Messages carry the order's ``version`` after the change, so a
subscriber drops duplicates (at-least-once delivery) and anything older than what it
already sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from shopgraph.kv import KeyValueStore
from subgraphs.orders.domain import OrderStatus


def channel(order_id: str) -> str:
    return f"order-status:{order_id}"


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    order_id: str
    status: OrderStatus
    previous_status: OrderStatus | None
    at: datetime
    version: int

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "orderId": self.order_id,
                "status": self.status.value,
                "previousStatus": self.previous_status.value if self.previous_status else None,
                "at": self.at.astimezone(UTC).isoformat(),
                "version": self.version,
            }
        )

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> StatusUpdate:
        """From an ``OrderStatusChanged`` payload or a channel message (same keys);
        ``ValueError``/``KeyError`` when malformed."""
        previous = payload.get("previousStatus")
        at = datetime.fromisoformat(str(payload["at"]))
        return cls(
            order_id=str(payload["orderId"]),
            status=OrderStatus(payload["status"]),
            previous_status=OrderStatus(previous) if previous else None,
            at=at if at.tzinfo else at.replace(tzinfo=UTC),
            version=int(payload["version"]),
        )

    @classmethod
    def from_bytes(cls, raw: bytes) -> StatusUpdate | None:
        try:
            data = orjson.loads(raw)
            return cls.from_payload(data) if isinstance(data, dict) else None
        except (ValueError, KeyError, TypeError):
            return None


async def publish(kv: KeyValueStore, update: StatusUpdate) -> None:
    await kv.publish(channel(update.order_id), update.to_bytes())
