"""Part of `epigrid bench checkpoints`: the production server on loopback, on its own database.

`epigrid bench` runs a bench inside a transaction it rolls back; a server in another process
cannot see data written there. So this part never writes to the bench's database: it creates a
fresh one beside it (PostgreSQL: a new database on the same server; SQLite: a file in a
temporary folder), migrates it, builds its world there (in a subprocess: `python -m
benchmarks.checkpoints_server setup`), serves it with `epigrid serve --workers 2`, measures,
stops the server and drops the database, whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

from benchmarks.harness import process_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                          timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[-2:])} failed: {done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def fresh_database(log: Callable[[str], None]) -> Iterator[str]:
    """A DATABASE_URL of a new, empty database of the bench's kind; dropped afterwards."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.settings_dict
        name = f"{params['NAME']}_bench_cp_{os.getpid()}"[:63]
        admin = {"dbname": params["NAME"], "user": params["USER"] or None,
                 "password": params["PASSWORD"] or None, "host": params["HOST"] or None,
                 "port": params["PORT"] or None}
        with psycopg.connect(autocommit=True, **admin) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
            pg.execute(f'CREATE DATABASE "{name}"')
        auth = quote(params["USER"] or "") + (f":{quote(params['PASSWORD'])}"
                                              if params["PASSWORD"] else "")
        host = params["HOST"] or "127.0.0.1"
        url = f"postgresql://{auth}@{host}:{params['PORT'] or 5432}/{name}"
        try:
            yield url
        finally:
            with psycopg.connect(autocommit=True, **admin) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped the bench database {name}")
        return
    folder = tempfile.mkdtemp(prefix="epigrid-bench-cp-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped while starting")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S} s")


@contextlib.contextmanager
def serving(url: str, workers: int = 2) -> Iterator[int]:
    """`epigrid serve` (gunicorn) on a free loopback port, against `url`; stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "epigrid.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def prepare(url: str, checkpoints: int, log: Callable[[str], None]) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    _run([sys.executable, "-m", "epigrid.cli", "migrate", "-v0"], env)
    log(f"migrated the bench database in {time.perf_counter() - started:.1f} s")
    world: dict[str, Any] = json.loads(_run(
        [sys.executable, "-m", "benchmarks.checkpoints_server", "setup", str(checkpoints)],
        env).strip().splitlines()[-1])
    return world


def _processes(matches: Callable[[str], bool]) -> dict[str, float]:
    found = {}
    for pid in (name for name in os.listdir("/proc") if name.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if matches(command):
            found[pid] = process_cpu_seconds(pid)
    return found


def cpu_seconds(port: int, url: str) -> dict[str, dict[str, float]] | None:
    """CPU seconds so far, by process, of the server (gunicorn's master and workers), of the
    bench database's PostgreSQL backends (when PostgreSQL runs on this machine) and of this
    process (the driver); None where /proc does not tell (not Linux). The machine's cores are
    shared by all three and by whatever else runs: wall-clock figures vary with that load,
    CPU per request much less."""
    if not os.path.isdir("/proc/self"):
        return None
    database = url.rsplit("/", 1)[-1]
    times = os.times()
    return {"server": _processes(lambda command: "gunicorn" in command
                                 and f"127.0.0.1:{port}" in command),
            "db": _processes(lambda command: command.startswith("postgres:")
                             and f" {database} " in command),
            "driver": {"self": times.user + times.system}}


def cpu_used(before: dict[str, dict[str, float]] | None,
             after: dict[str, dict[str, float]] | None) -> dict[str, float]:
    """CPU seconds spent between two `cpu_seconds`, by part."""
    if before is None or after is None:
        return {}
    return {part: sum(seconds - before[part].get(pid, 0.0)
                      for pid, seconds in after[part].items()) for part in after}


def totals(url: str) -> dict[str, int]:
    """Passages stored and their sum in the hourly figures, read by a subprocess."""
    env = {**os.environ, "DATABASE_URL": url}
    found: dict[str, int] = json.loads(_run(
        [sys.executable, "-m", "benchmarks.checkpoints_server", "totals"], env).strip()
        .splitlines()[-1])
    return found


def _main(args: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epigrid.config.settings")
    django.setup()
    if args[0] == "setup":
        from benchmarks.checkpoints_load import build_world

        print(json.dumps(build_world(int(args[1]))))
    elif args[0] == "totals":
        from django.db.models import Sum

        from epigrid.checkpoints.models import Passage, PassageHour

        sums = PassageHour.objects.aggregate(i=Sum("passages_in"), o=Sum("passages_out"))
        print(json.dumps({"passages": Passage.objects.count(),
                          "counted": (sums["i"] or 0) + (sums["o"] or 0)}))


if __name__ == "__main__":
    _main(sys.argv[1:])
