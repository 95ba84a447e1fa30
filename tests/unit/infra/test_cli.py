"""`python3 -m infra`: runs on a bare Python (no site-packages) and rejects bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_infra(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages, as before the project's virtualenv exists.
    return subprocess.run(
        [sys.executable, "-S", "-m", "infra", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_env_prints_an_export_line_per_service_with_the_configured_url() -> None:
    result = run_infra("env", SHOPGRAPH_TEST_REDIS_URL="redis://127.0.0.1:6390/2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "export SHOPGRAPH_TEST_REDIS_URL=redis://127.0.0.1:6390/2" in lines
    assert [line.split("=")[0] for line in lines] == [
        "export SHOPGRAPH_TEST_POSTGRES_URL",
        "export SHOPGRAPH_TEST_REDIS_URL",
        "export SHOPGRAPH_TEST_KAFKA_URL",
        "export SHOPGRAPH_TEST_ELASTICSEARCH_URL",
    ]


def test_an_unknown_service_is_refused_before_anything_runs(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = run_infra("up", "--only", "redis,mongodb", SHOPGRAPH_INFRA_RUN_DIR=str(run_dir))
    assert result.returncode != 0
    assert "unknown service(s): mongodb" in result.stderr
    assert not run_dir.exists()
