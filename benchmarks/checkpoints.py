"""`epigrid bench checkpoints`: passages stored per second through the batch API, the single
passage API under concurrent clients, and the checkpoint figures (benchmarks/checkpoints_figures,
when that part is there).

Scale full (the default, the issue's targets): the production server (`epigrid serve`, gunicorn,
2 workers) on loopback against a fresh database of the bench's own (checkpoints_server.py), a
checkpoint staff member's bearer token, 200 batches of 500 passages from 4 devices at once, then
single passages from 50 concurrent clients (bounded in count and time), each beside a baseline
measured in the same run: GET /healthz under the same 50 clients. The single passages run twice:
as fast as the 50 clients can send them (a closed loop: `single_rps`, the server's capacity, and
`single_saturated_p99_ms`), and paced at the target's 300 a second between the same 50 clients
(an open loop: `single_p99_ms`, timed from when each request was due). Saturated, every client
waits behind the other 49 in the server's queue, so that p99 is about 50 / single_rps seconds
times the spread whatever the server does; paced, it is how long a passage takes to be answered
at the load the target names. Beside each wall-clock figure,
the CPU it cost (`*_server_cpu_ms`, `*_db_cpu_ms`, `*_driver_cpu_ms`: per request, per passage
in a batch) and the load average when it began: the cores are shared, so requests per second
follow whatever else runs, CPU per request much less. Scale tiny (the CI smoke test,
seconds on SQLite and PostgreSQL): the same requests in-process through Django's test client, in
the bench's rolled-back transaction, one client.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test import Client

from benchmarks import checkpoints_server as server
from benchmarks.checkpoints_load import Outcome, Request, batches, build_world, drive, passage

SCALES = ("tiny", "full")
DEFAULT_SCALE = "full"
PARTS = ("checkpoints_figures",)
BATCH_URL = "/api/passages/batch"
SINGLE_URL = "/api/passages"
BATCH_DEVICES = 4


@dataclass(frozen=True)
class Size:
    batches: int
    batch_size: int
    singles: int
    clients: int
    limit_s: float
    checkpoints: int
    over_http: bool
    paced_rps: float = 0.0  # the single passages again at this rate (0: not)


SIZES = {
    "tiny": Size(batches=3, batch_size=500, singles=40, clients=1, limit_s=30, checkpoints=2,
                 over_http=False),
    "full": Size(batches=200, batch_size=500, singles=6000, clients=50, limit_s=30,
                 checkpoints=20, over_http=True, paced_rps=300),
}


def _singles(count: int, checkpoints: list[int], seed: int = 11) -> list[bytes]:
    rng = random.Random(seed)
    return [json.dumps(passage(rng, checkpoints[n % len(checkpoints)])).encode()
            for n in range(count)]


def _cpu(prefix: str, outcome: Outcome, per: int = 1) -> dict[str, float]:
    """`<prefix>_<part>_cpu_ms`: CPU milliseconds per request (per passage in a batch: `per`)
    of the server, the database and the driver."""
    done = max(1, outcome.done * per)
    return {f"{prefix}_{part}_cpu_ms": round(1000 * seconds / done, 3)
            for part, seconds in outcome.cpu.items()}


def _paced(paced: Outcome) -> dict[str, Any]:
    """The single passages sent at a set rate: the p99 the target means, and what it cost."""
    latencies = paced.latencies_ms
    return {"single_p99_ms": paced.p99_ms(), "single_paced_rps": paced.rps(),
            "single_paced_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "single_paced_failed": paced.failed} | _cpu("single_paced", paced)


def _figures(batch: Outcome, single: Outcome, baseline: Outcome, expected: int,
             counted: dict[str, int], batch_size: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "batch_passages_per_s": round(batch.stored / batch.seconds) if batch.seconds else 0,
        "batch_requests": batch.done, "batch_failed": batch.failed,
        "batch_p50_ms": round(statistics.median(batch.latencies_ms), 1)
        if batch.latencies_ms else None,
        "single_rps": single.rps(), "single_p99_ms": single.p99_ms(),
        "single_requests": single.done, "single_failed": single.failed,
        "baseline_healthz_rps": baseline.rps(), "baseline_healthz_p99_ms": baseline.p99_ms(),
    }
    if baseline.rps():
        figures["single_rps_ratio"] = round(single.rps() / baseline.rps(), 2)
    # CPU per request beside the wall clock: on shared cores the one varies with the load, the
    # other much less.
    figures |= (_cpu("batch_passage", batch, per=batch_size) | _cpu("single", single)
                | _cpu("baseline_healthz", baseline))
    # Stored once and counted once: every stored passage is in the hourly figures.
    figures["passages_stored"] = counted["passages"]
    figures["counts_exact"] = counted["passages"] == counted["counted"] == expected
    return figures


def _over_http(size: Size, log: Callable[[str], None]) -> dict[str, Any]:
    with server.fresh_database(log) as url:
        world = server.prepare(url, size.checkpoints, log)
        bodies = batches(size.batches, size.batch_size, world["checkpoints"])
        singles = _singles(size.singles, world["checkpoints"])
        more = _singles(size.singles, world["checkpoints"], seed=12)
        token = world["token"]
        with server.serving(url) as port:
            log(f"serving on 127.0.0.1:{port} with 2 workers")

            def measured(request: Request, total: int, clients: int, limit_s: float,
                         stored_of: Callable[[dict[str, Any]], int] | None = None,
                         rate: float | None = None) -> Outcome:
                before = server.cpu_seconds(port, url)
                outcome = drive(port, token, request, total, clients, limit_s, stored_of, rate)
                outcome.cpu = server.cpu_used(before, server.cpu_seconds(port, url))
                return outcome

            drive(port, token, lambda n: ("GET", "/healthz", None), 20, 4, 10)  # warm up
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            baseline = measured(lambda n: ("GET", "/healthz", None), size.singles,
                                size.clients, size.limit_s)
            batch = measured(lambda n: ("POST", BATCH_URL, bodies[n]), len(bodies),
                             BATCH_DEVICES, 300, stored_of=lambda answer: int(answer["stored"]))
            log(f"{batch.stored} passages stored in {batch.seconds:.1f} s")
            single = measured(lambda n: ("POST", SINGLE_URL, singles[n]), size.singles,
                              size.clients, size.limit_s,
                              stored_of=lambda answer: int(answer["result"] == "stored"))
            log(f"{single.done} single passages in {single.seconds:.1f} s")
            paced = measured(lambda n: ("POST", SINGLE_URL, more[n]), size.singles,
                             size.clients, size.singles / size.paced_rps + size.limit_s,
                             stored_of=lambda answer: int(answer["result"] == "stored"),
                             rate=size.paced_rps)
            log(f"{paced.done} single passages paced at {size.paced_rps:g} a second")
        counted = server.totals(url)
    figures = _figures(batch, single, baseline, batch.stored + single.stored + paced.stored,
                       counted, size.batch_size)
    figures["single_saturated_p99_ms"] = figures.pop("single_p99_ms")
    return figures | _paced(paced) | {
        "server": "gunicorn, 2 workers", "clients": size.clients, "paced_rps": size.paced_rps,
        "load_average_1m": round(load, 2) if load is not None else None}


def _in_process(size: Size, log: Callable[[str], None]) -> dict[str, Any]:
    """The same requests through Django's test client, inside the bench's transaction."""
    from django.db.models import Sum

    from epigrid.checkpoints.models import Passage, PassageHour

    world = build_world(size.checkpoints)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    bodies = batches(size.batches, size.batch_size, world["checkpoints"])
    singles = _singles(size.singles, world["checkpoints"])

    def timed(send: Callable[[int], Any], count: int, stored_of: Callable[[Any], int]) -> Outcome:
        outcome = Outcome()
        started = time.perf_counter()
        for n in range(count):
            began = time.perf_counter()
            response = send(n)
            outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
            ok = response.status_code < 400
            outcome.done += ok
            outcome.failed += not ok
            outcome.stored += stored_of(response) if ok else 0
        outcome.seconds = time.perf_counter() - started
        return outcome

    baseline = timed(lambda n: client.get("/healthz"), size.singles, lambda r: 0)
    batch = timed(lambda n: client.post(BATCH_URL, bodies[n], content_type="application/json"),
                  len(bodies), lambda r: int(r.json()["stored"]))
    single = timed(lambda n: client.post(SINGLE_URL, singles[n], content_type="application/json"),
                   len(singles), lambda r: int(r.json()["result"] == "stored"))
    sums = PassageHour.objects.filter(checkpoint_id__in=world["checkpoints"]).aggregate(
        i=Sum("passages_in"), o=Sum("passages_out"))
    counted = {"passages": Passage.objects.filter(checkpoint_id__in=world["checkpoints"]).count(),
               "counted": (sums["i"] or 0) + (sums["o"] or 0)}
    log(f"{batch.stored} passages in batches, {single.stored} single, in-process")
    figures = _figures(batch, single, baseline, batch.stored + single.stored, counted,
                       size.batch_size)
    return figures | {"server": "in-process test client", "clients": 1}


def _parts(scale: str, repeat: int, reuse: bool, log: Callable[[str], None]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for part in PARTS:
        try:
            module = importlib.import_module(f"benchmarks.{part}")
        except ModuleNotFoundError:
            continue
        scales = getattr(module, "SCALES", (scale,))
        # A part with its own names of scales runs at its largest for ours it lacks ("full").
        its_scale = scale if scale in scales else scales[-1]
        sid = transaction.savepoint()  # each part starts from the database as found
        try:
            figures.update(module.run(its_scale, repeat, reuse, log))
        except Exception as exc:  # noqa: BLE001 - a failing part must not lose the others
            log(f"{part} failed: {exc!r}")
            figures[f"{part}_error"] = repr(exc)
        finally:
            transaction.savepoint_rollback(sid)
    return figures


def run(scale: str, repeat: int, reuse: bool = False,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    size = SIZES[scale]
    sid = transaction.savepoint()
    try:
        figures = _over_http(size, log) if size.over_http else _in_process(size, log)
    finally:
        transaction.savepoint_rollback(sid)
    figures |= {"batch_size": size.batch_size, "batches": size.batches}
    figures.update(_parts(scale, repeat, reuse, log))
    return figures
