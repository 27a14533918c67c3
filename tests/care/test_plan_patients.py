"""The transfer desk reads who each row carries without their name: the masked name links to
the case, the state and severity beside it, one household marked across the plan's tables, and
the override page says where the plan takes the rest of the family."""

from __future__ import annotations

from django.test import SimpleTestCase

from epigrid.care import plans
from epigrid.care.plan_patients import _mark
from epigrid.cases.states import State
from epigrid.registry import services as registry
from tests.care.plan_helpers import case, waiting
from tests.care.test_plan_services import PlanTestCase


class MarkTests(SimpleTestCase):
    def test_it_letters_households_past_the_alphabet(self) -> None:
        assert [_mark(n) for n in (0, 25, 26, 27, 51, 52, 701, 702)] == [
            "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


class PlanPatientsTests(PlanTestCase):
    def test_the_plan_shows_each_patients_case_state_and_household(self) -> None:
        w = self.world
        loner = registry.create_person(name="Zhang San", grid=w.grid_a1_1)
        waiting(case(loner, State.SUSPECTED), w.grid_a1_1, hours=1)
        plan = plans.compute_plan(w.town_a, None, w.town_a.created_at.date())
        body = self.client_for(w.medic).get(f"/care/transfers/areas/{w.town_a.pk}/") \
            .content.decode()
        jun = f'<a href="/cases/{self.town.jun.pk}/">W*******</a> <span class="muted">' \
              'confirmed · severe</span> <span class="badge"'
        assert jun in body
        assert f'<a href="/cases/{self.town.lei.pk}/">W*******</a> <span class="muted">' \
               'close contact</span> <span class="badge"' in body
        assert body.count(">household A</span>") == 2 and ">household B<" not in body
        assert "Z********" in body and "Zhang San" not in body and "Wang Jun" not in body
        assert plan.patients == 3

    def test_the_override_page_names_the_patient_and_where_the_family_goes(self) -> None:
        w = self.world
        plan = plans.compute_plan(w.town_a, None, w.town_a.created_at.date())
        jun = plan.transfers.get(request=self.town.jun_waits)
        body = self.client_for(w.medic).get(f"/care/transfers/{jun.pk}/override/") \
            .content.decode()
        patient = body[body.index('id="override-patient"'):]
        assert patient.index(f"/cases/{self.town.jun.pk}/") < patient.index("override-family")
        family = body[body.index('id="override-family"'):body.index("</ul>",
                                                                   body.index("override-family"))]
        assert f"/cases/{self.town.lei.pk}/" in family
        assert "Dongcheng Quarantine Hotel" in family and "batch " in family
        assert "Wang" not in body
