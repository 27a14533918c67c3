"""`epigrid bench registry --scale tiny`: the CI smoke test of the registry's figures."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase, override_settings

from epigrid.accounts.models import User
from epigrid.areas.models import Area
from epigrid.registry.models import Household, Person
from tests.benchmarks.test_bench import bench

FIGURES = {"import_rows_per_s", "import_peak_mb", "db_copy_rows_per_s",
           "bulk_create_rows_per_s", "lookup_by_id_ms", "import_vs_copy",
           "import_vs_bulk_create", "baseline_rows", "rows"}


class RegistryBenchTests(TestCase):
    def test_it_prints_the_import_and_lookup_figures_and_leaves_nothing_behind(self) -> None:
        lines, result = bench("registry", "--scale", "tiny", "--repeat", "3")
        assert (result["bench"], result["database"]) == ("registry", connection.vendor)
        figures = result["figures"]
        assert set(figures) >= FIGURES
        assert figures["rows"] == figures["baseline_rows"] == 2000
        # The peak is how far the process's lifetime peak (ru_maxrss) rose: in a test worker
        # that ran other tests first it may have peaked higher already, and rises by nothing.
        assert all(figures[name] > 0 for name in FIGURES - {"import_peak_mb"})
        assert figures["import_peak_mb"] >= 0
        assert figures["lookup_by_id_ms"] < 1000
        assert any("imported 2000 of 2000 rows" in line for line in lines)
        assert (Area.objects.count(), Person.objects.count(), Household.objects.count(),
                User.objects.count()) == (0, 0, 0, 0)
        # Where the import's CPU went: this process, the reader, the database's own process.
        assert figures["import_cpu_run_s"] > 0
        assert figures["import_cpu_reader_s"] >= 0
        if connection.vendor == "postgresql":  # the bench database runs on this machine
            assert figures["import_cpu_database_s"] >= 0
            # No import runs faster than its CPU spread over every core (the slack: the
            # clock ticks the CPU is counted in).
            assert figures["import_cpu_bound_rows_per_s"] >= 0.8 * figures["import_rows_per_s"]
        else:
            assert figures["import_cpu_database_s"] is None
            assert figures["import_cpu_bound_rows_per_s"] is None
        assert figures["cpu_cores"] >= 1

    @override_settings(IMPORT_BULK_LOAD_MIN_ROWS=1000)
    def test_it_imports_first_into_an_empty_registry_as_a_first_load(self) -> None:
        # The progress part builds a demo world with residents: the import does not see it.
        lines, result = bench("registry", "--scale", "tiny", "--repeat", "1")
        figures = result["figures"]
        assert figures["import_persons_before"] == 0
        assert figures["import_rows_refused"] == 0
        assert figures["import_bulk_load"] is (connection.vendor == "postgresql")
        assert figures["progress_rows"] > 0
        imported = next(n for n, line in enumerate(lines) if "imported 2000 of 2000" in line)
        built = next(n for n, line in enumerate(lines) if "built the tiny demo" in line)
        assert imported < built
        assert (Area.objects.count(), Person.objects.count()) == (0, 0)
