"""The checkpoint bench's load driver against a small HTTP server on loopback: every request
answered once, and a paced load timed from when each request was due."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.checkpoints_load import drive

ANSWER = b'{"result": "stored"}'


@contextmanager
def server(delay_s: float) -> Iterator[tuple[int, list[str]]]:
    """A server answering every POST after `delay_s`, one request at a time, and the paths it
    was sent."""
    seen: list[str] = []
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            self.rfile.read(int(self.headers["Content-Length"]))
            with lock:  # one at a time, like one sync worker
                time.sleep(delay_s)
                seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(ANSWER)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(ANSWER)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def request(n: int) -> tuple[str, str, bytes]:
    return "POST", f"/item/{n}", b"{}"


def stored(answer: dict[str, str]) -> int:
    return int(answer["result"] == "stored")


def test_it_sends_every_request_once_in_a_closed_loop() -> None:
    with server(0.0) as (port, seen):
        outcome = drive(port, "token", request, 30, 4, 30, stored)
    assert (outcome.done, outcome.failed, outcome.stored) == (30, 0, 30)
    assert sorted(seen) == sorted(f"/item/{n}" for n in range(30))


def test_it_sends_no_paced_request_before_it_is_due() -> None:
    with server(0.0) as (port, seen):
        outcome = drive(port, "token", request, 5, 3, 30, stored, rate=20)
    assert (outcome.done, outcome.stored) == (5, 5)
    assert len(seen) == 5
    # The last request is due 4 / 20 s after the start: the run cannot end sooner.
    assert outcome.seconds >= 0.2


def test_it_times_a_paced_request_from_when_it_was_due_not_from_when_it_was_sent() -> None:
    # One client and a server taking 50 ms: the requests, due a millisecond apart, wait for
    # the client; the last is answered no sooner than 8 x 50 ms after the start, 7 ms after it
    # was due. A closed loop would time each at about 50 ms.
    with server(0.05) as (port, _seen):
        outcome = drive(port, "token", request, 8, 1, 30, stored, rate=1000)
    assert outcome.done == 8
    assert max(outcome.latencies_ms) >= 8 * 50 - 7
    assert outcome.latencies_ms == sorted(outcome.latencies_ms)
