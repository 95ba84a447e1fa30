"""Event handlers of the products service: none.

products is upstream of the other domains: it consumes no events, so it declares no worker
group. It *produces* the ``catalog`` topic through its outbox (``ProductCreated``,
``ProductUpdated``, ``ProductArchived``, ``CategoryChanged``; see docs/events.md).
"""

from __future__ import annotations

from workers.runtime import WorkerGroup

WORKER_GROUPS: tuple[WorkerGroup, ...] = ()
