"""Part of `epigrid bench checkpoints`: the bench's world, its passages, and the load drivers.

`build_world` makes a village with checkpoints, a fever clinic and a checkpoint staff member
assigned to them, with an API token (the device's). `batches` makes realistic passages: mostly
people on foot, a tenth vehicles, a fifth with an ID number, one fever in a thousand. The
driver sends them over HTTP/1.1 from concurrent kept-alive connections (one thread, a
selector), bounded in count and in time.
"""

from __future__ import annotations

import json
import random
import secrets
import selectors
import socket
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from epigrid.checkpoints.plates import LETTERS, PROVINCES
from epigrid.core.identity import check_char


def build_world(checkpoints: int) -> dict[str, Any]:
    """The bench's own areas, checkpoints, staff member and token (codes unique per run)."""
    from epigrid.accounts.services import create_api_token, create_user
    from epigrid.areas.models import Checkpoint, Facility, Level
    from epigrid.areas.services import create_area
    from epigrid.checkpoints.models import Assignment
    from epigrid.core.access import Role

    stem = f"9{secrets.randbelow(10**8):08d}"  # 9xxxxxxxx: no real division code starts so
    city = create_area(parent=None, level=Level.CITY, code=f"{stem}000", name="Bench City")
    district = create_area(parent=city, level=Level.DISTRICT, code=f"{stem}100",
                           name="Bench District")
    town = create_area(parent=district, level=Level.TOWN, code=f"{stem}110", name="Bench Town")
    village = create_area(parent=town, level=Level.VILLAGE, code=f"{stem}111",
                          name="Bench Village")
    Facility.objects.create(area=town, code=f"B{stem}-FC", name="Bench Fever Clinic",
                            kind=Facility.Kind.FEVER_CLINIC)
    sites = [Checkpoint.objects.create(area=village, code=f"B{stem}-{n:04d}",
                                       name=f"Bench checkpoint {n}", kind=Checkpoint.Kind.ROAD)
             for n in range(checkpoints)]
    staff = create_user(username=f"bench_{stem}", password=secrets.token_urlsafe(16),
                        role=Role.CHECKPOINT_STAFF, home_area=village)
    Assignment.objects.bulk_create([Assignment(user=staff, checkpoint=cp) for cp in sites])
    _token, key = create_api_token(staff, "bench device")
    return {"token": key, "checkpoints": [cp.pk for cp in sites], "village": village.pk,
            "city": city.pk}


def _id_number(rng: random.Random) -> str:
    first17 = f"420102{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}" \
              f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + check_char(first17)


def passage(rng: random.Random, checkpoint: int | None = None) -> dict[str, Any]:
    at = timezone.now() - timedelta(seconds=rng.randint(60, 20 * 3600))
    item: dict[str, Any] = {"client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            "at": at.isoformat(), "direction": rng.choice(("in", "out")),
                            "temperature": f"{rng.uniform(36.0, 37.2):.1f}", "decision": "pass"}
    if checkpoint is not None:
        item["checkpoint_id"] = checkpoint
    roll = rng.random()
    if roll < 0.1:
        item.update(kind="vehicle", passengers=rng.randint(1, 5), plate=(
            rng.choice(PROVINCES) + rng.choice(LETTERS) + f"{rng.randint(0, 99999):05d}"))
    elif roll < 0.3:
        item["id_number"] = _id_number(rng)
    if rng.random() < 0.001:
        item["temperature"] = "38.2"
    elif rng.random() < 0.02:
        item["decision"] = "turned_back"
    return item


def batches(count: int, size: int, checkpoints: list[int], seed: int = 7) -> list[bytes]:
    """`count` batch bodies of `size` passages, each batch at one checkpoint (one device)."""
    rng = random.Random(seed)
    return [json.dumps({"checkpoint_id": checkpoints[n % len(checkpoints)],
                        "passages": [passage(rng) for _ in range(size)]}).encode()
            for n in range(count)]


# --- drivers ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    done: int = 0
    failed: int = 0
    stored: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by part (server, db, ...)

    def rps(self) -> float:
        return round(self.done / self.seconds, 1) if self.seconds else 0.0

    def p99_ms(self) -> float | None:
        if len(self.latencies_ms) < 2:
            return None
        return round(statistics.quantiles(self.latencies_ms, n=100)[98], 1)


Request = Callable[[int], tuple[str, str, bytes | None]]  # n -> (method, path, body)
REQUEST_TIMEOUT_S = 60


def request_bytes(port: int, token: str, method: str, path: str, body: bytes | None) -> bytes:
    """One HTTP/1.1 request on a kept-alive connection, as http.client would send it."""
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept-Encoding: identity",
            f"Authorization: Bearer {token}"]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")


@dataclass
class _Response:
    """An HTTP/1.1 response read off a socket as its bytes arrive."""

    buffer: bytearray = field(default_factory=bytearray)
    status: int = 0
    length: int | None = None  # of the body, once the head is read; -1: until the peer closes
    start: int = 0  # where the body starts in `buffer`
    chunked: bool = False
    closes: bool = False  # the server closes the connection after it

    def feed(self, data: bytes) -> bool:
        """Add bytes; True once the response is complete."""
        self.buffer += data
        if not self.status:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return False
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            self.status = int(lines[0].split()[1])
            headers = {name.strip().lower(): value.strip() for name, _sep, value in
                       (line.partition(":") for line in lines[1:])}
            self.start = end + 4
            self.closes = headers.get("connection", "").lower() == "close"
            self.chunked = headers.get("transfer-encoding", "").lower() == "chunked"
            self.length = int(headers["content-length"]) if "content-length" in headers \
                else None if self.chunked else -1
        if self.chunked:
            return self.buffer.endswith(b"0\r\n\r\n")
        return self.length is not None and 0 <= self.length <= len(self.buffer) - self.start

    def body(self) -> bytes:
        raw = bytes(self.buffer[self.start:])
        if not self.chunked:
            return raw if self.length is None or self.length < 0 else raw[:self.length]
        parts, at = [], 0
        while True:  # size CRLF data CRLF ... 0 CRLF CRLF
            line_end = raw.index(b"\r\n", at)
            size = int(raw[at:line_end].split(b";")[0], 16)
            if size == 0:
                return b"".join(parts)
            parts.append(raw[line_end + 2:line_end + 2 + size])
            at = line_end + 2 + size + 2


@dataclass
class _Client:
    """One of the concurrent clients: its connection and the request it waits on."""

    sock: socket.socket | None = None
    n: int = -1
    out: memoryview = field(default_factory=lambda: memoryview(b""))
    response: _Response = field(default_factory=_Response)
    started: float = 0.0


def drive(port: int, token: str, request: Request, total: int, clients: int,
          limit_s: float, stored_of: Callable[[dict[str, Any]], int] | None = None,
          rate: float | None = None) -> Outcome:
    """Send `total` requests from `clients` concurrent clients or stop after `limit_s` seconds;
    time each request. Each client keeps one connection alive (opening another when the server
    closes it) and sends its next request when the last one is answered (a closed loop).

    With a `rate` (requests per second, between all clients) the load is paced instead: request
    n is due `n / rate` seconds after the start and goes to a client free then (an open loop, as
    devices send passages when people pass), and its latency counts from when it was due, so a
    request that waited for a free client counts its wait too (no coordinated omission).

    One thread drives every client through a selector, speaking HTTP/1.1 itself: the server
    shares the machine's cores with the driver, and 50 threads of http.client spent more CPU in
    the driver (the GIL passed around, every response's headers parsed by the email parser)
    than one request costs the server. The requests are built before the clock starts.
    """
    wire = [request_bytes(port, token, *request(n)) for n in range(total)]
    outcome = Outcome()
    pending = iter(range(total))
    selector = selectors.DefaultSelector()
    started = time.perf_counter()
    deadline = started + limit_s

    def connect(client: _Client) -> None:
        client.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.sock.setblocking(False)
        client.sock.connect_ex(("127.0.0.1", port))
        selector.register(client.sock, selectors.EVENT_WRITE, client)

    def close(client: _Client) -> None:
        if client.sock is not None:
            selector.unregister(client.sock)
            client.sock.close()
            client.sock = None

    idle: list[_Client] = []  # paced: free clients, waiting for the next request to be due
    upcoming = next(pending, None)

    def due(n: int) -> float:
        return started + n / rate if rate else 0.0

    def send_next(client: _Client) -> None:
        nonlocal upcoming
        n = upcoming if time.perf_counter() < deadline else None
        if n is None:
            close(client)
            return
        if rate and due(n) > time.perf_counter():
            close(client)  # a device opens its connection when it has something to send
            idle.append(client)
            return
        upcoming = next(pending, None)
        if client.sock is None:
            connect(client)
        else:
            selector.modify(client.sock, selectors.EVENT_WRITE, client)
        client.n, client.out, client.response = n, memoryview(wire[n]), _Response()
        client.started = due(n) if rate else time.perf_counter()

    def finish(client: _Client, ok: bool) -> None:
        elapsed = (time.perf_counter() - client.started) * 1000
        response = client.response
        ok = ok and response.status < 400
        outcome.done += ok
        outcome.failed += not ok
        outcome.latencies_ms.append(elapsed)
        if ok and stored_of:
            outcome.stored += stored_of(json.loads(response.body()))
        if not ok or response.closes:
            close(client)
        send_next(client)

    everyone = [_Client() for _ in range(clients)]
    for client in everyone:
        send_next(client)
    next_check = started + 1.0
    while selector.get_map() or idle:
        now = time.perf_counter()
        if idle and (upcoming is None or now >= deadline):
            idle.clear()  # their connections are closed already
            continue
        wait = min(1.0, max(0.0, due(upcoming) - now)) if idle and upcoming is not None else 1.0
        if selector.get_map():
            ready = selector.select(timeout=wait)
        else:  # every client idle until the next request is due
            time.sleep(wait)
            ready = []
        for key, events in ready:
            client = key.data
            sock = client.sock
            try:
                if events & selectors.EVENT_WRITE:
                    client.out = client.out[sock.send(client.out):]
                    if not client.out:
                        selector.modify(sock, selectors.EVENT_READ, client)
                    continue
                data = sock.recv(262144)
            except OSError:
                finish(client, ok=False)
                continue
            if not data:  # closed by the server: complete only if read to its end
                response = client.response
                done = response.status and response.length == -1
                response.closes = True
                finish(client, ok=bool(done))
            elif client.response.feed(data):
                finish(client, ok=True)
        while idle and upcoming is not None and due(upcoming) <= time.perf_counter():
            send_next(idle.pop())
        now = time.perf_counter()
        if now >= next_check:  # a request unanswered for a minute fails, as http.client's did
            next_check = now + 1.0
            for client in everyone:
                if client.sock is not None and now - client.started > REQUEST_TIMEOUT_S:
                    finish(client, ok=False)
    outcome.seconds = time.perf_counter() - started
    return outcome
