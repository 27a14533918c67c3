"""A follow-up sent from a stairwell: the page's offline queue sends it by script and gets JSON,
and a resend of the same reading (its answer lost) is stored once and told once."""

from __future__ import annotations

from django.urls import reverse

from epigrid.alerts.models import Notice
from epigrid.cases.models import Case, FollowUp
from epigrid.cases.states import State
from tests.base import BaseTestCase
from tests.cases.quarantine_helpers import days_ago, home_quarantine
from tests.cases.test_followup_pages import slot_data

JSON = {"HTTP_ACCEPT": "application/json"}


class FollowUpResendTests(BaseTestCase):
    def test_the_page_offers_the_offline_queue(self) -> None:
        home_quarantine(self.world)
        body = self.client_for(self.world.li).get(reverse("cases:followup_today")) \
            .content.decode()
        assert "web/offline-forms.js" in body and "data-offline-badge" in body
        assert 'class="followup-slot" novalidate data-offline-queue' in body

    def test_a_resent_fever_is_stored_once_and_told_once(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        url = reverse("cases:followup_record", args=[quarantine.pk])
        client = self.client_for(w.li)
        data = slot_data(quarantine, "am", "38.2")
        with self.captureOnCommitCallbacks(execute=True):
            first = client.post(url, data, **JSON)
        told = Notice.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            again = client.post(url, data, **JSON)
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json() == again.json() == {"redirect": reverse("cases:followup_today")}
        assert FollowUp.objects.count() == 1
        assert Case.objects.get(pk=quarantine.case_id).state == State.FEVER
        assert told > 0 and Notice.objects.count() == told

    def test_another_reading_of_a_recorded_slot_is_refused_by_its_field(self) -> None:
        w = self.world
        quarantine = home_quarantine(w)
        url = reverse("cases:followup_record", args=[quarantine.pk])
        client = self.client_for(w.li)
        client.post(url, slot_data(quarantine, "am", "36.6"), **JSON)
        other = client.post(url, slot_data(quarantine, "am", "36.9"), **JSON)
        assert other.status_code == 422
        assert other.json() == {"errors": {f"q{quarantine.pk}-am-slot": [
            f"The morning follow-up of {days_ago(0).isoformat()} is already recorded."]}}
        bad = client.post(url, slot_data(quarantine, "pm", "43.1"), **JSON)
        assert bad.json() == {"errors": {f"q{quarantine.pk}-pm-temperature": [
            "43.1 °C is not a body temperature: enter 34.0 to 43.0."]}}
        assert [(slot, str(temperature)) for slot, temperature
                in FollowUp.objects.values_list("slot", "temperature")] == [("am", "36.6")]
