"""`epigrid demo`: migrate, generate the demo district once, refresh the demo logins, serve.

Run twice, it reuses what is there: the district is generated only into a database without areas,
and the logins are updated in place. It refuses to add logins with a published password to a
database whose areas it did not generate (a real deployment pointed at by mistake).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from epigrid.areas.models import Area
from epigrid.core.access import Role
from epigrid.demo.generator import generate, is_demo_database, vacuum
from epigrid.demo.notice_data import send_morning_notice
from epigrid.demo.personas import PASSWORD_VARIABLE, demo_password, ensure_personas
from epigrid.demo.risk_data import decide_levels, decided


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns: a Chinese character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(1, width - columns)


DEMO_SCALE = "district"
DEMO_SEED = 2020
ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = ("Set up the demo district (first run) and serve it on http://127.0.0.1:8000: migrate, "
            "generate the demo data, create the demo logins and print them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true",
                            help="Set up and print the logins, but do not start the server "
                                 "(tests, CI).")
        parser.add_argument("--no-residents", action="store_true",
                            help="Generate areas and sites only, without the 500,000 residents "
                                 "and the screening campaign (quicker; tests).")
        parser.add_argument("--addrport", default=ADDRESS,
                            help=f"Where to serve (default {ADDRESS}).")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not Area.objects.exists():
            summary = generate(DEMO_SCALE, DEMO_SEED, residents=not options["no_residents"])
            vacuum()  # the planner's statistics: autovacuum may be late, or off
            self.stdout.write(
                "Generated the demo district in {seconds} s: {towns} towns, {villages} villages, "
                "{grids} grids, {checkpoints} checkpoints.".format(**summary))
        elif not is_demo_database():
            raise CommandError(
                "This database holds areas that epigrid demo did not generate, so it will not add "
                "demo logins with a published password to it. Point EPIGRID_DATA_DIR or "
                "DATABASE_URL at another database to try the demo.")
        else:
            self.stdout.write("Reusing the demo data already in the database.")
        personas = ensure_personas()
        command = next(user for persona, user in personas if persona.role == Role.COMMAND)
        if not decided():
            decide_levels(command)
        send_morning_notice(command)
        self._print_logins(personas, options["addrport"])
        if not options["no_serve"]:
            call_command("runserver", options["addrport"], use_reloader=False)

    def _print_logins(self, personas: list[Any], address: str) -> None:
        self.stdout.write(f"\nepigrid demo: http://{address}/\n")
        self.stdout.write(f"Every demo login has the password: {demo_password()}"
                          f"  (set {PASSWORD_VARIABLE} to choose another)\n")
        self.stdout.write(f"  {pad('username', 12)}{pad('role', 32)}home area")
        for persona, user in personas:
            home = user.home_area
            where = f"{home.name} ({home.code})" if home is not None else "(everything)"
            self.stdout.write(f"  {pad(persona.username, 12)}{pad(str(persona.role.label), 32)}"
                              f"{where}")
        self.stdout.write("")
