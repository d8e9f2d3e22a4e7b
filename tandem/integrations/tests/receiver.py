"""A real HTTP receiver on 127.0.0.1 for the tests: it checks every signature as docs/webhooks.md
says a receiver should, answers as it is told (fail, slow, ok), and dedupes on Tandem-Delivery."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


def signature_is_valid(*, secret: str, headers: Any, body: bytes) -> bool:
    """The check docs/webhooks.md gives receivers, word for word in spirit."""
    timestamp = headers.get("Tandem-Timestamp", "")
    given = headers.get("Tandem-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(given, f"sha256={expected}")


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes
    signed_ok: bool | None  # None: no secret for this path (Slack, Teams)
    answer: str  # what the receiver did: "fail", "slow" or "ok"

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    port: int = 0
    slow_seconds: float = 1.6
    secrets: dict[str, str] = field(default_factory=dict)
    plan: list[str] = field(default_factory=list)  # answers for the next requests, in order
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def processed(self) -> list[Any]:
        """Return the events the receiver acted on: answered ok, once per delivery id."""
        seen: set[str] = set()
        events = []
        for hit in self.hits:
            if hit.answer == "fail" or hit.signed_ok is False:
                continue
            delivery = hit.headers.get("Tandem-Delivery") or hit.body.decode()
            if delivery in seen:
                continue
            seen.add(delivery)
            events.append(hit.json)
        return events


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            secret = receiver.secrets.get(self.path)
            signed_ok = (
                None
                if secret is None
                else signature_is_valid(secret=secret, headers=self.headers, body=body)
            )
            with receiver.lock:
                answer = receiver.plan.pop(0) if receiver.plan else "ok"
                receiver.hits.append(Hit(self.path, dict(self.headers), body, signed_ok, answer))
            if answer == "slow":
                time.sleep(receiver.slow_seconds)
            status = 500 if answer == "fail" else (401 if signed_ok is False else 200)
            text = b"boom: try later" if answer == "fail" else b"thanks"
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)
            except (BrokenPipeError, ConnectionResetError):
                pass  # Tandem gave up waiting (the slow answer)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def serve() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
