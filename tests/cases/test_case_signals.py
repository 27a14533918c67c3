"""Moving a subtree of areas carries every copied `area_path` of the cases app along with it,
so the officers of the new parent see the moved cases, and those of the old one no longer do."""

from __future__ import annotations

import datetime

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from epigrid.areas import services as areas
from epigrid.cases.models import (
    Case,
    CaseFigures,
    Exposure,
    FollowUp,
    Lab,
    LabTest,
    MissedFollowUp,
    Quarantine,
    Transition,
)
from epigrid.cases.signals import PATH_COPIES
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.case_helpers import open_case

DAY = datetime.date(2020, 2, 10)


class PathRewriteTests(BaseTestCase):
    def rows_of(self, case: Case) -> dict[type[Model], Model]:
        """One row of every path-copying table, all in the case's grid."""
        w, path = self.world, case.area_path
        quarantine = Quarantine.objects.create(case=case, area_path=path, kind="home",
                                               starts_on=DAY, planned_end=DAY)
        lab = Lab.objects.create(area=w.district, code="LAB-1", name="District lab")
        return {
            Case: case,
            Transition: case.transitions.get(),
            Quarantine: quarantine,
            FollowUp: FollowUp.objects.create(quarantine=quarantine, area_path=path, day=DAY,
                                              slot="am", temperature="36.6"),
            MissedFollowUp: MissedFollowUp.objects.create(quarantine=quarantine,
                                                          area_path=path, day=DAY, slot="pm"),
            LabTest: LabTest.objects.create(lab=lab, sample_id="S-1", person=case.person,
                                            area_path=path, sampled_at=timezone.now(),
                                            match=LabTest.Match.MATCHED),
            Exposure: Exposure.objects.create(source=case.person, contact=w.person_a2,
                                              area_path=path, exposed_on=DAY),
            CaseFigures: CaseFigures.objects.create(area=case.grid, area_path=path, day=DAY),
        }

    def test_it_knows_every_table_that_copies_a_path(self) -> None:
        from django.apps import apps
        copying = {model for model in apps.get_app_config("cases").get_models()
                   if any(f.name == "area_path" for f in model._meta.fields)}
        assert copying == set(PATH_COPIES)

    def test_it_rewrites_every_copy_in_the_moved_subtree_and_no_other(self) -> None:
        w = self.world
        moved_rows = self.rows_of(open_case(w.person_a))
        elsewhere = open_case(w.person_b, State.CLOSE_CONTACT)
        village = areas.move_area(w.village_a1, w.town_b)
        grid = w.grid_a1_1.__class__.objects.get(pk=w.grid_a1_1.pk)
        assert grid.path.startswith(village.path) and village.path.startswith(w.town_b.path)
        for model, row in moved_rows.items():
            fresh = model._default_manager.get(pk=row.pk)
            assert fresh.area_path == grid.path, model.__name__  # type: ignore[attr-defined]
        elsewhere.refresh_from_db()
        assert elsewhere.area_path == w.person_b.area_path

    def test_the_new_towns_officer_sees_the_moved_case_and_the_old_ones_does_not(
            self) -> None:
        w = self.world
        case = open_case(w.person_a)
        url = reverse("cases:case_detail", args=[case.pk])
        assert self.client_for(w.bob).get(url).status_code == 404
        areas.move_area(w.village_a1, w.town_b)
        assert self.client_for(w.bob).get(url).status_code == 200
        assert self.client_for(w.alice).get(url).status_code == 404
        listed = self.client_for(w.bob).get(reverse("cases:case_list")).context["cases"]
        assert [c.pk for c in listed] == [case.pk]
