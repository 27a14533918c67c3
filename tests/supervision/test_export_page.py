"""The supervision export page: a run of the user's own scope (or an area of it), followed on its
page; a bad choice is refused on its field (tests.areas.export_page_checks)."""

from __future__ import annotations

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.core.models import ExportRun
from tests.areas.export_page_checks import ExportPageChecks
from tests.supervision.helpers import SupervisionTestCase

URL = "supervision:export"


class SupervisionExportPageTests(ExportPageChecks, SupervisionTestCase):
    URL, KIND, OTHER_KIND = URL, "supervision_tasks", "supervision_findings"

    def exporter(self) -> User:
        return self.guo

    def test_it_starts_an_export_of_the_task_ledger_and_follows_its_run(self) -> None:
        self.task()
        client = self.client_for(self.guo)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post(client, area=str(self.world.town_a.pk))
        run = ExportRun.objects.get()
        self.assertRedirects(response, reverse("exports:detail", args=[run.pk]),
                             fetch_redirect_response=False)
        self.assertEqual((run.exporter, run.user, run.format, run.params),
                         ("supervision_tasks", self.guo, "csv",
                          {"area": self.world.town_a.pk}))
        self.assertEqual(run.status, ExportRun.Status.DONE)
        page = client.get(reverse(URL)).content.decode()
        self.assertIn(run.file_name, page)
