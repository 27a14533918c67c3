"""`epigrid demo-data --scale district|city|tiny --seed N`: generate the synthetic demo world."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from epigrid.demo.generator import DatabaseNotEmptyError, generate, vacuum
from epigrid.demo.specs import SCALES


class Command(BaseCommand):
    help = ("Generate the synthetic demo district (17 towns, 274 villages, 3,000 grids, "
            "1,028 checkpoints) or city into a database without areas. The same seed gives the "
            "same names, codes and figures.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--no-residents", action="store_true",
                            help="Areas and sites only: no households, persons or screening "
                                 "campaign (the areas benchmark, quick checks).")

    def handle(self, *args: Any, **options: Any) -> None:
        def log(line: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"# {line}")

        try:
            summary = generate(options["scale"], options["seed"],
                               residents=not options["no_residents"], log=log)
        except DatabaseNotEmptyError as exc:
            raise CommandError(str(exc)) from exc
        vacuum()
        self.stdout.write(
            "Generated the {scale} demo (seed {seed}) in {seconds} s: {districts} districts, "
            "{towns} towns, {villages} villages, {grids} grids, {checkpoints} checkpoints, "
            "{facilities} facilities, {warehouses} warehouses; population {population}, "
            "{households} households.".format(**summary))
        if "residents" in summary:
            self.stdout.write(
                "Residents: {residents} in {households} households, {non_residents} "
                "non-residents; campaign: {visits} households visited, {screened} persons "
                "screened, {abnormal} abnormal.".format(**summary["residents"]))
        if summary.get("outbreak"):
            self.stdout.write(
                "Outbreak: {infected} infected, {cases} cases ({open_cases} open), {exposures} "
                "exposures, {quarantines} quarantines, {follow_ups} follow-ups, {lab_tests} lab "
                "tests.".format(**summary["outbreak"]))
        if summary.get("passages"):
            self.stdout.write("Checkpoints: a week of passages and duty shifts ({}).".format(
                ", ".join(f"{key} {value}" for key, value in summary["passages"].items())))
