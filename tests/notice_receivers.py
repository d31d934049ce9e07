"""Receivers the notification tests start themselves: a local SMTP server (aiosmtpd) and a
webhook, each able to refuse a delivery once so that a retry can be seen."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What the SMTP server accepted; ``refuse`` names subjects to turn away once (451)."""

    messages: list[Message] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        if any(word in subject for word in self.refuse):
            self.refuse = {w for w in self.refuse if w not in subject}
            self.refused.append(subject)
            return "451 4.3.0 try again later"
        self.messages.append(message)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [
            str(email.header.make_header(email.header.decode_header(m["Subject"])))
            for m in self.messages
        ]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass
class Hook:
    received: list[dict[str, Any]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


@contextmanager
def webhook() -> Iterator[tuple[Hook, str]]:
    hook = Hook()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            hook.received.append(body)
            hook.keys.append(self.headers["Idempotency-Key"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/notices"
    finally:
        server.shutdown()
