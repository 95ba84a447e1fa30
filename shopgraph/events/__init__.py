"""Events kernel: envelope, bus port and adapters, transactional outbox, inbox.

See docs/architecture.md §3 (ports) and §7 (events). The consumer loop lives in
:mod:`workers.runtime`.
"""

from shopgraph.events.bus import Consumer, Delivery, EventBus, bus_from_url
from shopgraph.events.dlq import DEAD_LETTER, dead_letter, dlq_topic
from shopgraph.events.envelope import Event, MalformedEvent
from shopgraph.events.handlers import Handler, HandlerRegistry
from shopgraph.events.inbox import claim
from shopgraph.events.outbox import OutboxRelay, add_to_outbox
from shopgraph.events.tables import inbox_table, outbox_table

__all__ = [
    "DEAD_LETTER",
    "Consumer",
    "Delivery",
    "Event",
    "EventBus",
    "Handler",
    "HandlerRegistry",
    "MalformedEvent",
    "OutboxRelay",
    "add_to_outbox",
    "bus_from_url",
    "claim",
    "dead_letter",
    "dlq_topic",
    "inbox_table",
    "outbox_table",
]
