"""A local HTTP server that speaks the OpenAI chat-completions protocol, for tests and benchmarks.

The real openai SDK, instructor and our retry code talk to it over HTTP on 127.0.0.1. Replies
are scripted with `enqueue` (successes, tool calls with any arguments, 429 with Retry-After,
500, delays, dropped connections, truncation) and fall back to `default`. It also serves the
Batch API's /v1/files and /v1/batches, and can enforce a requests-per-minute limit with a
fixed latency, as a provider does.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DROP = "drop"  # close the connection without answering


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    # Drip-feed: headers at once, then the body `drip_bytes` at a time every `drip_every` s.
    drip_bytes: int = 0
    drip_every: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


def completion(
    request: dict,
    *,
    arguments: str | dict | None = None,
    content: str | None = None,
    finish_reason: str | None = None,
    usage: tuple[int, int] = (1000, 200),
) -> dict:
    """A chat.completion body: a tool call when the request offered tools, else content."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    tools = request.get("tools") or []
    if arguments is not None and tools:
        args = (
            arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        )
        message["tool_calls"] = [
            {
                "id": "call_" + uuid.uuid4().hex[:8],
                "type": "function",
                "function": {"name": tools[0]["function"]["name"], "arguments": args},
            }
        ]
        finish_reason = finish_reason or "tool_calls"
    elif arguments is not None:
        text = (
            arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        )
        message["content"] = text
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex[:12],
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason or "stop"}],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        },
    }


def drip(seconds: float, *, every: float = 0.05, status: int = 200) -> Responder:
    """A reply whose headers come at once and whose body trickles in over `seconds`."""

    def respond(request: Request) -> Reply:
        body = json.dumps(completion(request.body, content="{}")).encode()
        chunks = max(1, round(seconds / every))
        return Reply(status, body, drip_bytes=max(1, -(-len(body) // chunks)), drip_every=every)

    return respond


def error_body(message: str, kind: str = "server_error") -> dict:
    return {"error": {"message": message, "type": kind, "code": None}}


Responder = Callable[[Request], Reply]


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; point the client at `server.base_url`."""

    def __init__(
        self,
        default: Responder | None = None,
        *,
        latency: float = 0.0,
        rpm_limit: int | None = None,
        rate_window: float = 60.0,
        rate_headers: bool = True,
    ) -> None:
        self.default = default or (
            lambda request: Reply(body=completion(request.body, content="{}"))
        )
        self.latency = latency
        self.rpm_limit = rpm_limit  # requests allowed per `rate_window` seconds
        self.rate_window = rate_window
        self.rate_headers = rate_headers  # x-ratelimit-* on every answer, as OpenAI sends
        self.requests: list[Request] = []
        self.rejected_429 = 0
        self._queue: deque[Reply | Responder] = deque()
        self._lock = threading.Lock()
        self._window: deque[float] = deque()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict] = {}
        self.batch_responder: Responder | None = None
        # Batch API faults: answer a create only after `create_delay` seconds (the batch exists
        # already, as when a provider is slow to reply), or make the batch only after
        # `create_late` seconds; `batch_hold` keeps every batch in progress.
        self.create_delay = 0.0
        self.create_late = 0.0
        self.batch_hold = False
        # A fault on the Batch API's own requests (uploads, creates, lists, polls, downloads):
        # given each such request, a Reply to send instead, or None to serve it as usual.
        self.batch_api_fault: Callable[[Request], Reply | None] | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def enqueue(self, *replies: Reply | Responder) -> None:
        with self._lock:
            self._queue.extend(replies)

    @property
    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # -- dispatch

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            scripted = self._queue.popleft() if self._queue else None
        if scripted is None:
            return self.default(request)
        return scripted(request) if callable(scripted) else scripted

    def _rate_limited(self) -> Reply | None:
        if self.rpm_limit is None:
            return None
        now = time.monotonic()
        with self._lock:
            while self._window and now - self._window[0] >= self.rate_window:
                self._window.popleft()
            if len(self._window) >= self.rpm_limit:
                self.rejected_429 += 1
                wait = self.rate_window - (now - self._window[0])
                return Reply(
                    status=429,
                    body=error_body("Rate limit reached for requests", "requests"),
                    headers={"retry-after": f"{wait:.3f}"},
                )
            self._window.append(now)
            remaining = self.rpm_limit - len(self._window)
            reset = self.rate_window - (now - self._window[0])
        self._last_remaining, self._last_reset = remaining, reset
        return None

    def _chat(self, request: Request) -> Reply:
        limited = self._rate_limited()
        if limited is not None:
            return limited
        reply = self._next_reply(request)
        if self.latency:
            reply.delay = max(reply.delay, self.latency)
        if self.rpm_limit is not None and self.rate_headers:
            reply.headers.setdefault("x-ratelimit-limit-requests", str(self.rpm_limit))
            reply.headers.setdefault(
                "x-ratelimit-remaining-requests", str(getattr(self, "_last_remaining", 0))
            )
            reply.headers.setdefault(
                "x-ratelimit-reset-requests", f"{getattr(self, '_last_reset', 0.0):.3f}s"
            )
        return reply

    def _route(self, request: Request) -> Reply:
        path = request.path.split("?")[0]
        if path.endswith("/chat/completions"):
            return self._chat(request)
        faulty = self.batch_api_fault(request) if self.batch_api_fault else None
        if faulty is not None:
            return faulty
        if path.endswith("/files") and request.method == "POST":
            return self._upload(request)
        if "/files/" in path and path.endswith("/content"):
            file_id = path.split("/files/")[1].split("/")[0]
            return Reply(body=self.files.get(file_id, b""))
        if path.endswith("/batches") and request.method == "POST":
            return self._create_batch(request)
        if path.endswith("/batches") and request.method == "GET":
            return self._list_batches(request)
        if "/batches/" in path:
            return self._batch_status(path.rsplit("/", 1)[1])
        return Reply(status=404, body=error_body(f"no route {path}", "invalid_request_error"))

    # -- Batch API: the batch completes on the first status poll after creation

    def _upload(self, request: Request) -> Reply:
        file_id = "file-" + uuid.uuid4().hex[:10]
        self.files[file_id] = request.body if isinstance(request.body, bytes) else b""
        return Reply(body={"id": file_id, "object": "file", "purpose": "batch", "bytes": 0})

    def _create_batch(self, request: Request) -> Reply:
        if self.create_late:
            time.sleep(self.create_late)
        batch_id = "batch_" + uuid.uuid4().hex[:10]
        batch = {
            "id": batch_id,
            "object": "batch",
            "endpoint": request.body["endpoint"],
            "input_file_id": request.body["input_file_id"],
            "completion_window": request.body.get("completion_window", "24h"),
            "status": "validating",
            "created_at": int(time.time()),
            "output_file_id": None,
            "error_file_id": None,
            "metadata": request.body.get("metadata"),
        }
        with self._lock:
            self.batches[batch_id] = batch
        return Reply(body=batch, delay=self.create_delay)

    def _list_batches(self, request: Request) -> Reply:
        """Newest first, paged with `limit` and `after`, as the provider lists them."""
        query = dict(
            part.split("=", 1) for part in request.path.partition("?")[2].split("&") if "=" in part
        )
        with self._lock:
            newest_first = list(reversed(self.batches.values()))
        if "after" in query:
            ids = [b["id"] for b in newest_first]
            newest_first = newest_first[ids.index(query["after"]) + 1 :]
        page = newest_first[: int(query.get("limit", 20))]
        body = {
            "object": "list",
            "data": page,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
            "has_more": len(newest_first) > len(page),
        }
        return Reply(body=body)

    def _batch_status(self, batch_id: str) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None:
            return Reply(status=404, body=error_body("no such batch", "invalid_request_error"))
        if self.batch_hold or batch["status"] == "validating":
            batch["status"] = "in_progress"
        elif batch["status"] == "in_progress":
            self._complete_batch(batch)
        return Reply(body=batch)

    def _complete_batch(self, batch: dict) -> None:
        lines = _multipart_file(self.files[batch["input_file_id"]]).decode().splitlines()
        outputs, errors = [], []
        for line in lines:
            item = json.loads(line)
            reply = (self.batch_responder or self.default)(
                Request("POST", item["url"], {}, item["body"])
            )
            row = {"id": "resp_" + uuid.uuid4().hex[:8], "custom_id": item["custom_id"]}
            if reply.drop:  # the provider lost this request: neither an answer nor an error
                continue
            if reply.status == 200:
                row["response"] = {"status_code": 200, "body": reply.body}
                outputs.append(row)
            else:
                row["error"] = {"code": str(reply.status), "message": json.dumps(reply.body)}
                errors.append(row)
        for key, rows in (("output_file_id", outputs), ("error_file_id", errors)):
            if rows:
                file_id = "file-" + uuid.uuid4().hex[:10]
                self.files[file_id] = "\n".join(json.dumps(r) for r in rows).encode()
                batch[key] = file_id
        batch["status"] = "completed"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm
            # and delayed ACKs add ~40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = self.headers.get("content-type", "")
                body: Any = json.loads(raw) if "json" in content_type and raw else raw
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                with server._lock:
                    server.requests.append(request)
                reply = server._route(request)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                payload = (
                    reply.body
                    if isinstance(reply.body, bytes)
                    else json.dumps(reply.body, ensure_ascii=False).encode()
                )
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if reply.drip_bytes:
                        self._drip(payload, reply.drip_bytes, reply.drip_every)
                    else:
                        self.wfile.write(payload)

            def _drip(self, payload: bytes, size: int, every: float) -> None:
                self.wfile.flush()
                for start in range(0, len(payload), size):
                    time.sleep(every)
                    self.wfile.write(payload[start : start + size])
                    self.wfile.flush()

            do_GET = do_POST = _serve

        return Handler


def _multipart_file(body: bytes) -> bytes:
    """The file part of a multipart/form-data upload (the SDK sends the JSONL that way)."""
    if not body.startswith(b"--"):
        return body
    boundary = body.split(b"\r\n", 1)[0]
    for part in body.split(boundary):
        if b'name="file"' in part:
            content = part.split(b"\r\n\r\n", 1)[1]
            return content.rsplit(b"\r\n", 1)[0]
    return b""
