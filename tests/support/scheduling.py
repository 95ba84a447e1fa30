"""How ``make test`` spreads the suite over pytest-xdist's workers (``--dist loadgroup``).

Each test file runs whole on one worker, so its module-scoped platform starts once. Tests
marked ``@pytest.mark.xdist_group(name)`` run on one worker, one after the other, whatever
their files: the fault tests each start whole stacks, SIGKILL processes and restart servers,
and two of them at once on a 2-core machine starve each other's platforms of CPU.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadGroupScheduling


class FileOrGroupScheduling(LoadGroupScheduling):  # type: ignore[misc]  # xdist: untyped
    """``--dist loadfile``, except that an ``xdist_group`` is one unit across files."""

    def _split_scope(self, nodeid: str) -> str:
        # Under --dist loadgroup, xdist appends "@<group>" to a marked test's node id (the
        # check after "]" skips an "@" inside a parameter id).
        if nodeid.rfind("@") > nodeid.rfind("]"):
            return nodeid.rsplit("@", 1)[-1]
        return nodeid.split("::", 1)[0]


# The tests that kill processes and restart servers under a crowd of shoppers.
FAULT_TESTS = pytest.mark.xdist_group("fault_tests")
