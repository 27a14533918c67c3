"""`epigrid bench alerts` at tiny scale: the CI smoke test of the fan-out's benchmark."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from benchmarks import alerts
from epigrid.accounts.models import User
from epigrid.alerts.models import Notice, Receipt


class AlertsBenchTests(TestCase):
    def test_it_sends_one_notice_to_every_grid_worker_against_the_same_runs_baselines(
            self) -> None:
        lines: list[str] = []
        figures = alerts.run("tiny", 2, log=lines.append)
        self.assertEqual(figures["notice_recipients"], alerts.RECIPIENTS["tiny"])
        for name in ("notice_fanout_ms", "baseline_fanout_ms", "bulk_create_fanout_ms",
                     "notice_fanout_ratio", "notice_vs_bulk_create", "inbox_unread_ms"):
            self.assertGreater(figures[name], 0, name)
        # The timed notices were rolled back; the one read at the end stays, whole.
        self.assertEqual(Notice.objects.filter(title="Read by one").get().receipts.count(),
                         2_000)
        self.assertIn("one notice to 2000 grid workers; 2000 receipts kept", lines)

    def test_it_prints_one_json_line_and_leaves_nothing_behind(self) -> None:
        out = StringIO()
        call_command("bench", "alerts", "--scale", "tiny", "--repeat", "1", stdout=out)
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        self.assertEqual((result["bench"], result["figures"]["notice_recipients"]),
                         ("alerts", 2_000))
        self.assertEqual((User.objects.count(), Receipt.objects.count()), (0, 0))
