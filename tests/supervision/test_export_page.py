"""The supervision export page: a run of the user's own scope (or an area of it), followed on its
page; a bad choice is refused on its field."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from epigrid.core.models import ExportRun
from tests.supervision.helpers import SupervisionTestCase

URL = "supervision:export"


class SupervisionExportPageTests(SupervisionTestCase):
    def post(self, client: Client, **data: Any) -> Any:
        return client.post(reverse(URL), {"kind": "supervision_tasks", "format": "csv", **data})

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

    def test_it_refuses_an_unknown_kind_or_format_on_its_field(self) -> None:
        client = self.client_for(self.guo)
        for data, field in (({"kind": "persons"}, "kind"), ({"format": "pdf"}, "format"),
                            ({"area": "999999"}, "area")):
            with self.subTest(field=field):
                response = self.post(client, **data)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.context["form"].errors), [field])
        self.assertFalse(ExportRun.objects.exists())

    def test_bob_can_neither_choose_nor_be_offered_the_district(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        page = client.get(reverse(URL))
        offered = {value for value, _label in page.context["form"].fields["area"].widget.choices}
        self.assertIn(w.town_b.pk, offered)
        self.assertFalse({w.district.pk, w.town_a.pk, w.village_a1.pk} & offered)
        for area in (w.district, w.town_a):
            with self.subTest(area=area.name):
                response = self.post(client, kind="supervision_findings", area=str(area.pk))
                self.assertEqual(response.status_code, 400)
                self.assertIn("area", response.context["form"].errors)
                self.assertNotContains(response, "Dongcheng", status_code=400)
        self.assertFalse(ExportRun.objects.exists())

    def test_it_is_refused_to_a_role_without_exports(self) -> None:
        self.assertEqual(self.client_for(self.world.alice).get(reverse(URL)).status_code, 200)
        self.assertEqual(self.client_for(self.world.li).get(reverse(URL)).status_code, 403)
        self.assertEqual(self.post(self.client_for(self.world.li)).status_code, 403)
        self.assertFalse(ExportRun.objects.exists())
