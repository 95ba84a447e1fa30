"""`make dev` as a newcomer runs it: the real command, then register → login → me over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
USERS = "http://127.0.0.1:4001"
ROUTER = "http://127.0.0.1:4000"

pytestmark = pytest.mark.e2e


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def make_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    busy = [port for port in (4000, 4001) if port_open(port)]
    if busy:
        pytest.fail(f"ports {busy} are busy: stop the running platform before the e2e tests")
    data_dir = tmp_path_factory.mktemp("make-dev")
    log_path = data_dir / "make-dev.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPGRAPH_")}
    env |= {"SHOPGRAPH_DATA_DIR": str(data_dir), "SHOPGRAPH_ADMIN_PASSWORD": "e2e-admin-pass"}
    # The storefront half of `make dev` has its own end-to-end tests (make test-storefront).
    env["SHOPGRAPH_STOREFRONT"] = "off"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "dev"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make dev exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{USERS}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"make dev not ready in 180 s:\n{log_path.read_text()[-3000:]}")
    yield process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def graphql(query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{USERS}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=10,
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


REGISTER = """mutation($input: RegisterInput!) { register(input: $input) {
  accessToken refreshToken user { id email } errors { code field message } } }"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  accessToken refreshToken user { id } errors { code message } } }"""


def test_register_login_me(make_dev: subprocess.Popen[bytes]) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    password = "correct horse battery"
    registered = graphql(
        REGISTER,
        {
            "input": {
                "email": email.upper(),
                "password": password,
                "firstName": "Ada",
                "lastName": "Lovelace",
            }
        },
    )["register"]
    assert registered["errors"] == []
    assert registered["user"]["email"].lower() == email

    # Emails match case-insensitively: signing in with the lower-case form works.
    logged_in = graphql(LOGIN, {"input": {"email": email, "password": password}})["login"]
    assert logged_in["errors"] == []
    me = graphql("{ me { id email firstName } }", token=logged_in["accessToken"])["me"]
    assert me == {
        "id": registered["user"]["id"],
        "email": registered["user"]["email"],
        "firstName": "Ada",
    }

    wrong = graphql(LOGIN, {"input": {"email": email, "password": "not it at all"}})["login"]
    assert [e["code"] for e in wrong["errors"]] == ["INVALID_CREDENTIALS"]
    assert wrong["accessToken"] is None


def test_seeded_admin_can_sign_in(make_dev: subprocess.Popen[bytes]) -> None:
    admin = graphql(
        LOGIN,
        {
            "input": {
                "email": "admin@shopgraph.dev",
                "password": "e2e-admin-pass",
            }
        },
    )["login"]
    assert admin["errors"] == []
    me = graphql("{ me { roles } }", token=admin["accessToken"])["me"]
    assert "ADMIN" in me["roles"]


def test_router_serves_the_whole_graph(make_dev: subprocess.Popen[bytes]) -> None:
    """One query through :4000 that needs products, inventory and reviews."""
    deadline = time.monotonic() + 60
    while True:
        response = httpx.post(
            f"{ROUTER}/graphql",
            json={
                "query": "{ products(first: 3) { edges { node {"
                " name price { amount } stock { available } rating { count } } } } }"
            },
            timeout=10,
        )
        body = response.json()
        if "errors" not in body or time.monotonic() > deadline:
            break
        time.sleep(1)  # the router composes once the subgraphs answer
    assert "errors" not in body, body
    nodes = [edge["node"] for edge in body["data"]["products"]["edges"]]
    assert len(nodes) == 3
    assert all(node["stock"]["available"] >= 0 for node in nodes)
    assert all(node["rating"]["count"] >= 0 for node in nodes)


def test_ctrl_c_stops_everything(make_dev: subprocess.Popen[bytes]) -> None:
    os.killpg(make_dev.pid, signal.SIGINT)
    make_dev.wait(timeout=30)
    deadline = time.monotonic() + 10
    while (port_open(4000) or port_open(4001)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_open(4001)
    assert not port_open(4000)
