"""The HTTP SMS adapter against a local server that checks each request as Twilio would."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from workers.notifications.sms import HttpSmsSender, SmsRejected

PATH = "/2010-04-01/Accounts/AC123/Messages.json"
AUTH = "Basic " + base64.b64encode(b"AC123:token-1").decode()


@dataclass
class SmsApi:
    url: str
    received: list[dict[str, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def sms_api() -> Iterator[SmsApi]:
    api = SmsApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            if self.path != PATH:
                api.problems.append(f"path {self.path}")
            if self.headers.get("Authorization") != AUTH:
                api.problems.append("authorization")
            if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
                api.problems.append(f"content type {self.headers.get('Content-Type')}")
            form = parse_qs(body)
            api.received.append(form)
            ok = not api.problems and form.get("To", [""])[0].startswith("+")
            self.send_response(201 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"sid": "SM1", "status": "queued"}' if ok else b'{"code": 21211}')

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


async def test_an_sms_is_one_form_post_with_basic_auth(sms_api: SmsApi) -> None:
    sender = HttpSmsSender(sms_api.url, "AC123", "token-1", "+15550000000")
    try:
        await sender.send("+15550100123", "ShopGraph: order ABC is paid.")
    finally:
        await sender.close()

    assert sms_api.problems == []
    assert sms_api.received == [
        {
            "To": ["+15550100123"],
            "From": ["+15550000000"],
            "Body": ["ShopGraph: order ABC is paid."],
        }
    ]


async def test_a_refused_message_raises_so_the_event_is_retried(sms_api: SmsApi) -> None:
    sender = HttpSmsSender(sms_api.url, "AC123", "token-1", "+15550000000")
    try:
        with pytest.raises(SmsRejected, match="400") as refused:
            await sender.send("5550100123", "hi")
    finally:
        await sender.close()
    assert "5550100123" not in str(refused.value)


async def test_wrong_credentials_are_refused(sms_api: SmsApi) -> None:
    sender = HttpSmsSender(sms_api.url, "AC123", "wrong", "+15550000000")
    try:
        with pytest.raises(SmsRejected):
            await sender.send("+15550100123", "hi")
    finally:
        await sender.close()
    assert sms_api.problems == ["authorization"]
