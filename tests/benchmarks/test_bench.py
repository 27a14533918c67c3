"""`epigrid bench`: the JSON last line, the figure names, and a database left as it was found."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase

from epigrid.accounts.models import User
from epigrid.areas.models import Area
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase

FIGURES = {"area_page_city_ms", "area_page_town_ms", "areas_api_ms", "area_page_city_queries",
           "area_page_town_queries", "baseline_select_one_ms", "area_page_city_ratio"}


def bench(*args: str) -> tuple[list[str], dict[str, Any]]:
    out = StringIO()
    call_command("bench", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


class AreasBenchTests(TestCase):
    def test_it_prints_the_figures_as_one_json_object_on_the_last_line(self) -> None:
        lines, result = bench("areas", "--scale", "tiny", "--repeat", "2")
        assert set(result) == {"bench", "database", "figures"}
        assert (result["bench"], result["database"]) == ("areas", connection.vendor)
        figures = result["figures"]
        assert set(figures) >= FIGURES
        assert all(figures[f"{page}_status"] == 200
                   for page in ("area_page_city", "area_page_town", "areas_api"))
        assert all(isinstance(figures[name], int) and figures[name] > 0
                   for name in ("area_page_city_queries", "area_page_town_queries"))
        assert figures["area_page_city_ms"] > 0 and figures["baseline_select_one_ms"] > 0
        assert all(line.startswith("# ") for line in lines[:-1])

    def test_it_leaves_no_row_of_its_own_behind(self) -> None:
        bench("areas", "--scale", "tiny", "--repeat", "1")
        assert (Area.objects.count(), User.objects.count(), AuditEntry.objects.count()) == (
            0, 0, 0)

    def test_it_lists_the_benches(self) -> None:
        out = StringIO()
        call_command("bench", "--list", stdout=out)
        assert out.getvalue().split() == ["alerts", "areas", "briefing", "care", "cases",
                                         "checkpoints", "dashboards", "mobilization",
                                         "registry", "reporting", "supervision", "supplies",
                                         "volunteers"]

    def test_it_refuses_bad_arguments_with_a_clear_message(self) -> None:
        cases = [(["nosuchbench"], "No benchmark named 'nosuchbench'. Available: alerts, "
                                   "areas, briefing, care, cases, checkpoints, dashboards, "
                                   "mobilization, registry, reporting, supervision, "
                                   "supplies, volunteers."),
                 (["areas", "--scale", "province"], "Scale 'province' is not one of"),
                 (["areas", "--repeat", "0"], "--repeat must be at least 1."),
                 ([], "Name a benchmark, or use --list.")]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                call_command("bench", *args, stdout=StringIO())

    def test_it_runs_one_part_of_a_bench_alone_and_names_the_parts_it_has(self) -> None:
        lines, result = bench("registry", "--part", "progress", "--scale", "tiny",
                              "--repeat", "1")
        assert result["bench"] == "registry"
        figures = result["figures"]
        assert figures["progress_page_status"] == 200 and figures["progress_rows"] > 0
        assert "rows" not in figures  # the import part did not run
        assert Area.objects.count() == 0
        for args, message in [(["registry", "--part", "import"],
                               "The registry bench has no part 'import'. Its parts: progress."),
                              (["areas", "--part", "x"], "The areas bench has no part 'x'. "
                                                         "Its parts: none.")]:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                call_command("bench", *args, stdout=StringIO())


class AreasBenchOnExistingDataTests(BaseTestCase):
    def test_it_refuses_a_database_with_areas_unless_told_to_reuse_them(self) -> None:
        areas, users = Area.objects.count(), User.objects.count()
        with self.assertRaisesMessage(CommandError, "run it with --reuse"):
            bench("areas", "--scale", "tiny")
        lines, result = bench("areas", "--reuse", "--repeat", "1")
        assert "measuring Jinhe City (level 1) and Dongcheng Town (town)" in "\n".join(lines)
        assert result["figures"]["area_page_town_status"] == 200
        assert (Area.objects.count(), User.objects.count()) == (areas, users)
