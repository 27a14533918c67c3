"""The `epigrid` command: Django's management commands under one name, plus the demo and bench.

`epigrid demo` sets up a data directory, migrates, generates the demo district, creates the
admin account and serves. Every other sub-command is a Django management command
(`epigrid migrate`, `epigrid demo-data --scale city`, `epigrid bench areas`, ...).
"""

from __future__ import annotations

import os
import sys

# Sub-commands that are ours; every other name is passed to Django's management commands.
OWN = {
    "demo": "Set up the demo district (first run) and serve it on http://127.0.0.1:8000.",
    "serve": "Serve with gunicorn (production). Options: --bind, --workers.",
    "worker": "Run a Celery worker (CELERY_BROKER_URL must name the broker).",
}
ALIASES = {"demo-data": "demo_data", "import": "import_data", "export": "export_data",
           "rotate-keys": "rotate_keys", "plan-transfers": "plan_transfers"}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epigrid.config.settings")
    if not args or args[0] in {"-h", "--help", "help"}:
        _print_help()
        return
    command, rest = args[0], args[1:]
    if command == "serve":
        _serve(rest)
        return
    if command == "worker":
        _worker(rest)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["epigrid", ALIASES.get(command, command), *rest])


def _print_help() -> None:
    print("usage: epigrid COMMAND [options]   (epigrid COMMAND --help for each)\n")
    print("Commands:")
    for name, text in OWN.items():
        print(f"  {name:<18}{text}")
    print(f"  {'demo-data':<18}Generate the synthetic demo district or city (--scale, --seed).")
    print(f"  {'import':<18}Import areas or sites from CSV or XLSX.")
    print(f"  {'export':<18}Export areas or sites as CSV or XLSX.")
    print(f"  {'bench':<18}Run a benchmark and print its figures as JSON.")
    print(f"  {'migrate':<18}Create or update the database tables.")
    print(f"  {'createsuperuser':<18}Create an administrator.")
    print("\nEvery other Django management command works too (epigrid help lists them).")


def _serve(rest: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="epigrid serve", description=OWN["serve"])
    parser.add_argument("--bind", default=os.environ.get("EPIGRID_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    options = parser.parse_args(rest)
    os.execvp(sys.executable, [  # noqa: S606 - replaces this process with gunicorn
        sys.executable, "-m", "gunicorn", "epigrid.config.wsgi:application",
        "--bind", options.bind, "--workers", str(options.workers), "--access-logfile", "-"])


def _worker(rest: list[str]) -> None:
    if rest and rest[0] in {"-h", "--help"}:
        print(f"usage: epigrid worker [celery worker options]\n\n{OWN['worker']}")
        return
    from epigrid.config.celery import app

    app.worker_main(["worker", "--loglevel=INFO", *rest])


if __name__ == "__main__":
    main()
