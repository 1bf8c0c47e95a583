"""Fixtures for the notification tests: a fake HTTP gateway on loopback and the channel settings.

Only the outside world is faked (STYLE.md 6.3): the SMS gateway and the WeCom robot are a real HTTP
server on 127.0.0.1 that records what it receives and answers what the test asks for.
"""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from qifu.accounts.models import User


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGateway:
    """Answers `status` with `answer` (JSON) to every POST, and keeps what it got in `received`."""

    url: str = ""
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (a slow gateway)
    arrived: threading.Event = field(default_factory=threading.Event)
    answer: Any = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            fake.received.append(Received(self.path, dict(self.headers.items()), json.loads(raw.decode("utf-8"))))
            fake.arrived.set()
            time.sleep(fake.delay)
            payload = json.dumps(fake.answer).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def channels(settings: Any, gateway: FakeGateway) -> Any:
    """Every external channel on, pointed at the fake gateway; a one-hour digest."""
    settings.NOTIFY_CHANNELS = ["email", "sms", "wecom"]
    settings.NOTIFY_DIGEST_MINUTES = 60
    settings.SMS_URL = f"{gateway.url}/sms"
    settings.SMS_TOKEN = "sms-secret"
    settings.WECOM_WEBHOOK = f"{gateway.url}/cgi-bin/webhook/send?key=robot"
    return settings


def with_email(user: User, address: str | None = None) -> User:
    """Give a cast user an e-mail address (the cast has none)."""
    user.email = f"{user.username}@example.gov.cn" if address is None else address
    user.save(update_fields=["email"])
    return user
