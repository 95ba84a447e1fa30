"""Each process kind, started as an operator would in production with one required setting
missing, refuses to start and names that setting (README "Production")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shopgraph.settings import DEFAULT_PORTS
from tests.support.platform import free_port

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Everything production requires, on SQLite in a private directory and free ports."""
    data_dir = tmp_path_factory.mktemp("production")
    key_file = data_dir / "jwt-private.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPGRAPH_")}
    return env | {
        "COLUMNS": "400",  # one line per message in the CLI's traceback
        "SHOPGRAPH_ENVIRONMENT": "production",
        "SHOPGRAPH_DATA_DIR": str(data_dir),
        "SHOPGRAPH_PORTS": json.dumps({name: free_port() for name in DEFAULT_PORTS}),
        # A worker serves its metrics before it checks its settings: never on a port that
        # another process on the machine may hold.
        "SHOPGRAPH_METRICS_PORT": str(free_port()),
        "SHOPGRAPH_JWT_PRIVATE_KEY_FILE": str(key_file),
        "SHOPGRAPH_SERVICE_TOKEN_SECRET": "a-long-random-production-secret-0123456789",
        "SHOPGRAPH_ADMIN_PASSWORD": "a production admin password",
        "SHOPGRAPH_PAYMENT_PROVIDER": "stripe",
        "SHOPGRAPH_STRIPE_API_KEY": "sk_test_refusals",
        "SHOPGRAPH_STRIPE_WEBHOOK_SECRET": "whsec_refusals",
        "SHOPGRAPH_SMTP_URL": "smtp://127.0.0.1:1",
        "SHOPGRAPH_SMS_URL": "https://sms.invalid/Messages.json",
        "SHOPGRAPH_SMS_USERNAME": "AC1",
        "SHOPGRAPH_SMS_PASSWORD": "token",
        "SHOPGRAPH_SMS_FROM": "+15550000000",
    }


SERVE_PAYMENTS = ["serve", "payments", "--no-migrate"]
REFUSES_SANDBOX = "SHOPGRAPH_PAYMENT_PROVIDER is not set: production refuses the sandbox"
LOG_ONLY = "deliver to the log only: production refuses that"
CASES = [
    # (command, the setting taken away, what the refusal says)
    (
        ["serve", "users", "--no-migrate"],
        "SHOPGRAPH_JWT_PRIVATE_KEY_FILE",
        "SHOPGRAPH_JWT_PRIVATE_KEY_FILE is required in production",
    ),
    (
        ["serve", "orders", "--no-migrate"],
        "SHOPGRAPH_SERVICE_TOKEN_SECRET",
        "SHOPGRAPH_SERVICE_TOKEN_SECRET must be set in production",
    ),
    (SERVE_PAYMENTS, "SHOPGRAPH_PAYMENT_PROVIDER", REFUSES_SANDBOX),
    (
        SERVE_PAYMENTS,
        "SHOPGRAPH_STRIPE_WEBHOOK_SECRET",
        "SHOPGRAPH_STRIPE_WEBHOOK_SECRET is required in production",
    ),
    (SERVE_PAYMENTS, "SHOPGRAPH_STRIPE_API_KEY", "SHOPGRAPH_STRIPE_API_KEY is required"),
    (["worker", "payments"], "SHOPGRAPH_PAYMENT_PROVIDER", REFUSES_SANDBOX),
    (["worker", "notifications"], "SHOPGRAPH_SMTP_URL", f"SHOPGRAPH_SMTP_URL {LOG_ONLY}"),
    (["worker", "notifications"], "SHOPGRAPH_SMS_URL", f"SHOPGRAPH_SMS_URL {LOG_ONLY}"),
    (
        ["seed"],
        "SHOPGRAPH_ADMIN_PASSWORD",
        "SHOPGRAPH_ADMIN_PASSWORD: the dev-only default cannot be used in production",
    ),
]


@pytest.mark.parametrize(
    ("command", "missing", "message"),
    CASES,
    ids=[f"{' '.join(c[:2])}-{m.removeprefix('SHOPGRAPH_').lower()}" for c, m, _ in CASES],
)
def test_a_process_without_a_required_setting_refuses_to_start(
    production_env: dict[str, str], command: list[str], missing: str, message: str
) -> None:
    env = {k: v for k, v in production_env.items() if k != missing}
    done = subprocess.run(
        [sys.executable, "-m", "bootstrap.cli", *command],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode != 0, output[-2000:]
    assert message in output, output[-2000:]
