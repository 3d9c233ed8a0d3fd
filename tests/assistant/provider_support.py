"""A local stand-in for a language-model API: an HTTP server on 127.0.0.1
that records each request and answers from a script, in the wire format of
OpenAI chat completions or the Anthropic Messages API. No network."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOOL = "propose_operations"


@dataclass
class Scripted:
    """One answer: a tool call's arguments, plain text, an HTTP error or a
    delay longer than the client waits."""

    arguments: dict[str, Any] | None = None
    text: str = ""
    status: int = 200
    body: str = ""
    delay: float = 0.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeProvider:
    wire: str  # "openai" or "anthropic"
    script: list[Scripted] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""

    def answer(self) -> Scripted:
        return self.script.pop(0) if self.script else Scripted(status=500)

    def encode(self, scripted: Scripted) -> dict[str, Any]:
        number = len(self.requests)
        if self.wire == "anthropic":
            blocks: list[dict[str, Any]] = []
            if scripted.text:
                blocks.append({"type": "text", "text": scripted.text})
            if scripted.arguments is not None:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": f"toolu_{number}",
                        "name": TOOL,
                        "input": scripted.arguments,
                    }
                )
            return {"role": "assistant", "content": blocks, "stop_reason": "tool_use"}
        message: dict[str, Any] = {"role": "assistant", "content": scripted.text}
        if scripted.arguments is not None:
            message["tool_calls"] = [
                {
                    "id": f"call_{number}",
                    "type": "function",
                    "function": {
                        "name": TOOL,
                        "arguments": json.dumps(scripted.arguments),
                    },
                }
            ]
        return {"choices": [{"index": 0, "message": message}]}


def serve(fake: FakeProvider) -> ThreadingHTTPServer:
    """Start the server in a thread; the caller shuts it down."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = json.loads(self.rfile.read(length))
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.requests.append(Recorded(self.path, headers, body))
            scripted = fake.answer()
            if scripted.delay:
                time.sleep(scripted.delay)
            if scripted.status != 200:
                payload = (scripted.body or "server error").encode()
            else:
                payload = json.dumps(fake.encode(scripted)).encode()
            try:
                self.send_response(scripted.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    host, port = server.server_address[:2]
    fake.url = f"http://{host!s}:{port}"
    return server
