"""`epigrid bench checkpoints --scale tiny`: the CI smoke test of the passage figures."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from epigrid.accounts.models import User
from epigrid.areas.models import Area
from epigrid.checkpoints.models import Passage, PassageHour

FIGURES = {"batch_passages_per_s", "single_rps", "single_p99_ms", "baseline_healthz_rps",
           "single_rps_ratio", "counts_exact", "passages_stored", "server"}


class PassageBenchTests(TestCase):
    def test_it_stores_counts_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "checkpoints", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        figures = result["figures"]
        assert result["bench"] == "checkpoints" and set(figures) >= FIGURES
        assert figures["counts_exact"] is True
        assert figures["passages_stored"] == figures["batches"] * figures["batch_size"] + 40
        assert figures["batch_failed"] == figures["single_failed"] == 0
        assert figures["batch_passages_per_s"] > 0 and figures["single_p99_ms"] > 0
        assert (Area.objects.count(), User.objects.count(), Passage.objects.count(),
                PassageHour.objects.count()) == (0, 0, 0, 0)
