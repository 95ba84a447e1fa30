"""Event handlers of the users service: none.

users consumes no other service's events (it is upstream of everything: accounts exist
before carts, orders or reviews), so it declares no worker group. It *produces* the
``users`` topic through its outbox (see :mod:`subgraphs.users.service`); the mails those
events call for (welcome, password reset link, "your password changed") are sent by the
notifications handlers, which own the mail adapter.
"""

from __future__ import annotations

from workers.runtime import WorkerGroup

WORKER_GROUPS: tuple[WorkerGroup, ...] = ()
