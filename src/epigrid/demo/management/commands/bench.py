"""`epigrid bench NAME`: run the benchmark `benchmarks/NAME.py` against DATABASE_URL.

The last line printed is one JSON object: {"bench": NAME, "database": "sqlite" | "postgresql",
"figures": {...}}. A bench builds its own data inside a transaction that is rolled back at the
end, so it leaves the database as it found it; it refuses a database that already has records of
its kind unless --reuse is given (then it measures those records, and still writes nothing).
`--part PART` runs one part of a bench alone (`epigrid bench registry --part progress` runs
benchmarks/registry_progress.py), e.g. to measure a city database without the bench's import.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# Not benches of their own: the harness, and the parts that "registry", "cases" and
# "checkpoints" run.
NOT_BENCHES = {"harness", "registry_progress", "cases_labs", "cases_figures", "cases_chain",
               "checkpoints_figures", "checkpoints_load", "checkpoints_server"}


def available() -> list[str]:
    import benchmarks

    return sorted(module.name for module in pkgutil.iter_modules(benchmarks.__path__)
                  if not module.name.startswith("_") and module.name not in NOT_BENCHES)


def load(name: str, part: str | None = None) -> ModuleType:
    if name not in available():
        raise CommandError(f"No benchmark named {name!r}. Available: {', '.join(available())}.")
    if part is not None:
        parts = sorted(module[len(name) + 1:] for module in NOT_BENCHES
                       if module.startswith(f"{name}_"))
        if part not in parts:
            raise CommandError(f"The {name} bench has no part {part!r}. Its parts: "
                               f"{', '.join(parts) or 'none'}.")
        return importlib.import_module(f"benchmarks.{name}_{part}")
    return importlib.import_module(f"benchmarks.{name}")


class Command(BaseCommand):
    help = ("Run a benchmark and print its figures as one JSON object on the last line. "
            "The data it builds is rolled back afterwards.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="The benchmark (see --list).")
        parser.add_argument("--list", action="store_true", help="List the benchmarks.")
        parser.add_argument("--scale", help="tiny (the CI smoke test), district or city; "
                                            "each bench has its default.")
        parser.add_argument("--repeat", type=int, default=20,
                            help="Timed runs per figure; the median is reported (default 20).")
        parser.add_argument("--reuse", action="store_true",
                            help="Measure the records already in the database instead of "
                                 "refusing a database that has some.")
        parser.add_argument("--part", help="Run only this part of the bench (e.g. registry "
                                           "--part progress).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for name in available():
                self.stdout.write(name)
            return
        if not options["name"]:
            raise CommandError("Name a benchmark, or use --list.")
        module = load(options["name"], options["part"])
        scale = options["scale"] or module.DEFAULT_SCALE
        if scale not in module.SCALES:
            raise CommandError(f"Scale {scale!r} is not one of {', '.join(module.SCALES)}.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        self.stdout.write(self._run(module, options["name"], scale, options))

    def _run(self, module: ModuleType, name: str, scale: str, options: dict[str, Any]) -> str:
        from benchmarks.harness import BenchRefusedError, isolated, result_line

        def log(line: str) -> None:
            self.stdout.write(f"# {line}")

        log(f"bench {name}, scale {scale}, {options['repeat']} timed runs per figure")
        try:
            with isolated():
                figures = module.run(scale, options["repeat"], options["reuse"], log)
        except BenchRefusedError as exc:
            raise CommandError(str(exc)) from exc
        return result_line(name, figures)
