"""stripe-mock (Stripe's official API mock, a Go program) on a free 127.0.0.1 port.

``make test`` builds it into ``.venv/bin/stripe-mock`` (``make stripe-mock``: ``go install
github.com/stripe/stripe-mock``); ``STRIPE_MOCK_BIN`` points elsewhere. It answers with
canned objects from Stripe's OpenAPI fixtures but validates every request against the real
API's schema, so a request it accepts is one Stripe accepts in shape.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.platform import free_port

READY = "Listening for HTTP at address"
VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "stripe-mock"


def stripe_mock_binary() -> str:
    configured = os.environ.get("STRIPE_MOCK_BIN")
    found = configured or (str(VENV_BIN) if VENV_BIN.exists() else shutil.which("stripe-mock"))
    if not found:
        pytest.fail("stripe-mock is not built: run `make stripe-mock` (go install)")
    return found


@contextmanager
def running_stripe_mock() -> Iterator[str]:
    """stripe-mock's base URL while it runs (ready once it says it listens: polling the
    port could connect the probe to itself, the port being an ephemeral one)."""
    port = free_port()
    process = subprocess.Popen(
        [stripe_mock_binary(), "-http-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = process.stdout
    try:
        deadline = time.monotonic() + 60
        seen = ""
        # os.read, not readline: a buffered readline may pull the ready line into Python's
        # buffer along with an earlier one, and select() on the fd would then never wake.
        while READY not in seen:
            ready, _, _ = select.select([output], [], [], 0.2)
            if ready:
                chunk = os.read(output.fileno(), 65536).decode(errors="replace")
                if not chunk and process.poll() is not None:
                    pytest.fail(f"stripe-mock exited: {seen[-500:]}")
                seen += chunk
            if time.monotonic() > deadline:
                pytest.fail(f"stripe-mock did not listen within 60 s: {seen[-500:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        output.close()
