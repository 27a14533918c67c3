"""The volunteers export page: a run of the user's own scope (or an area of it), followed on its
page; a bad choice is refused on its field (tests.areas.export_page_checks)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.core.models import ExportRun
from tests.areas.export_page_checks import ExportPageChecks
from tests.volunteers.helpers import VolunteersTestCase, days

URL = "volunteers:export"


class VolunteersExportPageTests(ExportPageChecks, VolunteersTestCase):
    URL, KIND, OTHER_KIND = URL, "volunteers_roster", "volunteer_hours"

    def exporter(self) -> User:
        return self.world.command

    def test_it_starts_an_export_of_the_roster_and_follows_its_run(self) -> None:
        w = self.world
        chen = self.volunteer(name="Chen Ming", phone="13912340001")
        self.volunteer(w.village_a2, name="Liu Fang", phone="13912340002")
        self.hours(self.project(), chen, "2.5")
        client = self.client_for(w.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.post(client, area=str(w.village_a1.pk))
        run = ExportRun.objects.get()
        self.assertRedirects(response, reverse("exports:detail", args=[run.pk]),
                             fetch_redirect_response=False)
        self.assertEqual((run.exporter, run.user, run.format, run.params),
                         ("volunteers_roster", w.alice, "csv", {"area": w.village_a1.pk}))
        self.assertEqual(run.status, ExportRun.Status.DONE)
        with run.file.open("rb") as file:
            table = list(csv.reader(io.StringIO(file.read().decode("utf-8-sig"))))
        self.assertEqual(table[1:], [["Chen Ming", "139****0001", "Village A1", "driving", "no",
                                      days(-10).isoformat(), "", "2.5"]])
        page = client.get(reverse(URL)).content.decode()
        self.assertIn(run.file_name, page)

    def test_it_offers_both_exports_and_takes_the_kind_from_its_link(self) -> None:
        page = self.client_for(self.world.bob).get(reverse(URL) + "?kind=volunteer_hours")
        form = page.context["form"]
        self.assertEqual([value for value, _label in form.fields["kind"].choices],
                         ["volunteers_roster", "volunteer_hours"])
        self.assertEqual(form["kind"].value(), "volunteer_hours")
        self.assertContains(page, "Export volunteer records")
