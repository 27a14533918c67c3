"""Part of `epigrid bench checkpoints`: the bench's world, its passages, and the load drivers.

`build_world` makes a village with checkpoints, a fever clinic and a checkpoint staff member
assigned to them, with an API token (the device's). `batches` makes realistic passages: mostly
people on foot, a tenth vehicles, a fifth with an ID number, one fever in a thousand. The
drivers send them over HTTP with http.client from threads, bounded in count and in time.
"""

from __future__ import annotations

import http.client
import json
import random
import secrets
import statistics
import threading
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

    def rps(self) -> float:
        return round(self.done / self.seconds, 1) if self.seconds else 0.0

    def p99_ms(self) -> float | None:
        if len(self.latencies_ms) < 2:
            return None
        return round(statistics.quantiles(self.latencies_ms, n=100)[98], 1)


Request = Callable[[int], tuple[str, str, bytes | None]]  # n -> (method, path, body)


def drive(port: int, token: str, request: Request, total: int, clients: int,
          limit_s: float, stored_of: Callable[[dict[str, Any]], int] | None = None) -> Outcome:
    """Send `total` requests from `clients` threads (each its own connection) or stop after
    `limit_s` seconds; time each request."""
    outcome = Outcome()
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + limit_s
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            method, path, body = request(n)
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                ok, raw = False, b""
            elapsed = (time.perf_counter() - started) * 1000
            stored = stored_of(json.loads(raw)) if ok and stored_of else 0
            with lock:
                outcome.done += ok
                outcome.failed += not ok
                outcome.stored += stored
                outcome.latencies_ms.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.seconds = time.perf_counter() - started
    return outcome
