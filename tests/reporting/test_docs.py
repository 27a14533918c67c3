"""docs/reporting.md lists every metric of the registry."""

from __future__ import annotations

from pathlib import Path

from django.test import SimpleTestCase

from epigrid.reporting.families_cases import CATEGORY_NAMES
from epigrid.reporting.metrics import all_metrics

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reporting.md"


class DocsTests(SimpleTestCase):
    def test_it_documents_every_metric(self) -> None:
        text = DOCS.read_text(encoding="utf-8")
        for metric in all_metrics():
            kind, _sep, category = metric.code.partition("_")
            patterned = kind in {"new", "current"} and category in CATEGORY_NAMES
            with self.subTest(code=metric.code):
                self.assertTrue(f"`{metric.code}`" in text
                                or (patterned and f"`{kind}_<category>`" in text))
