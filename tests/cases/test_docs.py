"""docs/cases.md draws the state machine; the drawing must be the table in states.py."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

from epigrid.cases import states

DOC = Path(__file__).resolve().parents[2] / "docs" / "cases.md"


class StateDiagramTests(SimpleTestCase):
    def test_it_draws_every_move_of_the_table_and_no_other(self) -> None:
        drawn = set(re.findall(r"^\s+(\w+) --> (\w+)", DOC.read_text(), flags=re.MULTILINE))
        table = {(a, t) for a, targets in states.TRANSITIONS.items() for t in targets}
        self.assertEqual(drawn, table)

    def test_it_draws_the_first_and_last_states(self) -> None:
        text = DOC.read_text()
        self.assertEqual(set(re.findall(r"\[\*\] --> (\w+)", text)), states.INITIAL)
        self.assertEqual(set(re.findall(r"(\w+) --> \[\*\]", text)), states.TERMINAL)

    def test_it_marks_the_moves_that_need_evidence(self) -> None:
        marked = set(re.findall(r"^\s+(\w+) --> (\w+) : test or diagnosis", DOC.read_text(),
                                flags=re.MULTILINE))
        self.assertEqual(marked, states.NEEDS_EVIDENCE)
