"""The checks every area export page (areas.export_page) must pass, for an app's test case to mix
in: a bad choice refused on its field, an area out of the user's sight neither offered nor taken,
and the page refused to a role without exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.test import Client
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.core.models import ExportRun

if TYPE_CHECKING:
    from tests.base import BaseTestCase as Case
else:
    Case = object  # a mixin: not collected as a test case of its own


class ExportPageChecks(Case):
    """Mixed into an app's test case: `URL` names the page, `KIND` and `OTHER_KIND` two of its
    exports; `exporter()` is a user of the district who exports."""

    URL: ClassVar[str]
    KIND: ClassVar[str]
    OTHER_KIND: ClassVar[str]

    def exporter(self) -> User:
        raise NotImplementedError

    def post(self, client: Client, **data: Any) -> Any:
        return client.post(reverse(self.URL), {"kind": self.KIND, "format": "csv", **data})

    def test_it_refuses_an_unknown_kind_or_format_on_its_field(self) -> None:
        client = self.client_for(self.exporter())
        for data, field in (({"kind": "persons"}, "kind"), ({"format": "pdf"}, "format"),
                            ({"area": "999999"}, "area")):
            with self.subTest(field=field):
                response = self.post(client, **data)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.context["form"].errors), [field])
        self.assertFalse(ExportRun.objects.exists())

    def test_bob_can_neither_choose_nor_be_offered_town_a_or_the_district(self) -> None:
        w = self.world
        client = self.client_for(w.bob)
        page = client.get(reverse(self.URL))
        offered = {value for value, _label in page.context["form"].fields["area"].widget.choices}
        self.assertIn(w.town_b.pk, offered)
        self.assertFalse({w.district.pk, w.town_a.pk, w.village_a1.pk} & offered)
        for area in (w.district, w.town_a):
            with self.subTest(area=area.name):
                response = self.post(client, kind=self.OTHER_KIND, area=str(area.pk))
                self.assertEqual(response.status_code, 400)
                self.assertIn("area", response.context["form"].errors)
                self.assertNotContains(response, "Dongcheng", status_code=400)
        self.assertFalse(ExportRun.objects.exists())

    def test_it_is_refused_to_a_role_without_exports(self) -> None:
        officer = self.client_for(self.world.alice).get(reverse(self.URL))
        self.assertEqual(officer.status_code, 200)
        grid_worker = self.client_for(self.world.li)
        self.assertEqual(grid_worker.get(reverse(self.URL)).status_code, 403)
        self.assertEqual(self.post(grid_worker).status_code, 403)
        self.assertFalse(ExportRun.objects.exists())
