"""Recording exposures 接触 and identifying contacts: who may be a source, what happens to the
contact's case, and every refusal with the field it names."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from epigrid.alerts.models import Notice
from epigrid.cases import contacts, services
from epigrid.cases.contacts import Outcome
from epigrid.cases.models import Case, Exposure, Source, Transition
from epigrid.cases.states import State
from tests.base import ID_A2, ID_B, BaseTestCase
from tests.cases.contact_helpers import days_ago, infected


class RecordExposureTests(BaseTestCase):
    def setUp(self) -> None:
        w = self.world
        self.source_case = infected(w.person_a)

    def record(self, **fields: object) -> contacts.Recorded:
        values: dict[str, object] = {"exposed_on": days_ago(1), "by": self.world.alice}
        values.update(fields)
        return contacts.record_exposure(self.world.person_a, **values)  # type: ignore[arg-type]

    def test_it_opens_a_close_contact_case_for_a_known_contact(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            recorded = self.record(contact=w.person_b, setting="gathering")
        self.assertEqual(recorded.outcome, Outcome.OPENED)
        case = Case.objects.get(person=w.person_b, is_open=True)
        self.assertEqual((case.state, case.source), (State.CLOSE_CONTACT, Source.TRACING))
        step = Transition.objects.get(case=case)
        self.assertEqual(step.by, w.alice)
        self.assertIn("Close contact of Wang Jun on", step.reason)
        # The exposure is the source's tracer's record: it carries the source's path.
        self.assertEqual(recorded.exposure.area_path, w.person_a.area_path)
        self.assertEqual(recorded.message, "Zhao Min is now a close contact.")
        notice = Notice.objects.get()
        self.assertEqual(notice.title, "New close contact: Zhao Min")
        self.assertEqual(notice.target_paths, [w.person_b.area_path])

    def test_it_leaves_a_contact_in_quarantine_to_the_quarantine_part(self) -> None:
        w = self.world
        case = services.open_case(w.person_a2, State.CLOSE_CONTACT, reason="household")
        services.transition(case, State.QUARANTINED, reason="home quarantine")
        recorded = self.record(contact=w.person_a2)
        self.assertEqual(recorded.outcome, Outcome.IN_QUARANTINE)
        self.assertEqual(recorded.contact_case, case)
        self.assertIn("already in quarantine", recorded.message)
        self.assertEqual(Case.objects.filter(person=w.person_a2).count(), 1)

    def test_it_says_when_the_contact_is_already_a_contact_or_a_case(self) -> None:
        w = self.world
        services.open_case(w.person_a2, State.CLOSE_CONTACT, reason="household")
        services.open_case(w.visitor_a, State.FEVER, reason="38.5")
        self.assertEqual(self.record(contact=w.person_a2).outcome, Outcome.ALREADY_CONTACT)
        self.assertEqual(self.record(contact=w.visitor_a).outcome, Outcome.ALREADY_CASE)
        self.assertEqual(Case.objects.get(person=w.visitor_a).state, State.FEVER)

    def test_it_opens_a_new_case_after_a_closed_one(self) -> None:
        w = self.world
        old = services.open_case(w.person_b, State.CLOSE_CONTACT, reason="earlier")
        services.transition(old, State.EXCLUDED, reason="negative twice")
        self.assertEqual(self.record(contact=w.person_b).outcome, Outcome.OPENED)
        self.assertEqual(Case.objects.filter(person=w.person_b).count(), 2)

    def test_it_keeps_an_unidentified_contact_by_name(self) -> None:
        recorded = self.record(contact_name="  Driver of bus 5 ", contact_hint="route 5, 8 am")
        self.assertEqual(recorded.outcome, Outcome.UNIDENTIFIED)
        self.assertIsNone(recorded.contact_case)
        self.assertEqual(recorded.exposure.contact_name, "Driver of bus 5")

    def test_it_accepts_an_exposure_of_today_but_not_tomorrow(self) -> None:
        self.record(contact_name="Neighbour", exposed_on=timezone.localdate())
        with self.assertRaises(ValidationError) as raised:
            self.record(contact_name="Neighbour",
                        exposed_on=timezone.localdate() + datetime.timedelta(days=1))
        self.assertEqual(raised.exception.message_dict["exposed_on"],
                         ["An exposure cannot be dated in the future."])

    def test_it_refuses_the_source_as_its_own_contact(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.record(contact=self.world.person_a)
        self.assertEqual(raised.exception.message_dict["contact"],
                         ["A person cannot be their own contact."])
        self.assertFalse(Exposure.objects.exists())

    def test_it_refuses_an_unknown_contact_without_a_name(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.record(contact_name="   ", contact_hint="somewhere")
        self.assertIn("contact_name", raised.exception.message_dict)

    def test_it_refuses_the_same_exposure_twice(self) -> None:
        self.record(contact=self.world.person_b)
        with self.assertRaisesMessage(ValidationError, "already recorded"):
            self.record(contact=self.world.person_b)
        self.record(contact=self.world.person_b, exposed_on=days_ago(3))  # another day is new

    def test_it_refuses_a_setting_off_the_list(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.record(contact_name="x", setting="party")
        self.assertIn("setting", raised.exception.message_dict)

    def test_it_takes_only_sources_who_can_pass_the_virus_on(self) -> None:
        w = self.world
        for state in (State.FEVER, State.CLOSE_CONTACT):
            case = services.open_case(w.person_b, state, reason="x")
            with self.assertRaises(ValidationError) as raised:
                contacts.record_exposure(w.person_b, exposed_on=days_ago(1), contact_name="y")
            self.assertIn("source", raised.exception.message_dict)
            services.transition(case, State.EXCLUDED, reason="x", evidence="test")
        with self.assertRaises(ValidationError):  # no case at all (the last one is closed)
            contacts.record_exposure(w.person_b, exposed_on=days_ago(1), contact_name="y")
        for state in (State.SUSPECTED, State.ASYMPTOMATIC):
            case = services.open_case(w.visitor_a, state, reason="x", evidence="test")
            contacts.record_exposure(w.visitor_a, exposed_on=days_ago(1), contact_name=state)
            services.transition(case, State.CONFIRMED, reason="x", evidence="test")
            services.transition(case, State.ADMITTED, reason="ward 3")
            contacts.record_exposure(w.visitor_a, exposed_on=days_ago(2), contact_name=state)
            services.transition(case, State.RECOVERED, reason="x")


class IdentifyContactTests(BaseTestCase):
    def setUp(self) -> None:
        infected(self.world.person_a)
        self.exposure = contacts.record_exposure(
            self.world.person_a, exposed_on=days_ago(2), contact_name="Lao Zhao",
            contact_hint="plays chess at the park").exposure

    def test_it_links_the_person_found_and_opens_their_case(self) -> None:
        w = self.world
        recorded = contacts.identify_contact(self.exposure, w.person_b, by=w.alice)
        self.assertEqual(recorded.outcome, Outcome.OPENED)
        self.exposure.refresh_from_db()
        self.assertEqual(self.exposure.contact, w.person_b)
        self.assertEqual(self.exposure.contact_name, "")
        self.assertEqual(self.exposure.contact_hint, "Lao Zhao: plays chess at the park")
        self.assertEqual(Case.objects.get(person=w.person_b).state, State.CLOSE_CONTACT)

    def test_it_refuses_to_identify_twice_or_as_the_source(self) -> None:
        w = self.world
        with self.assertRaisesMessage(ValidationError, "their own contact"):
            contacts.identify_contact(self.exposure, w.person_a)
        contacts.identify_contact(self.exposure, w.person_b)
        with self.assertRaisesMessage(ValidationError, "already identified"):
            contacts.identify_contact(self.exposure, w.person_a2)

    def test_it_finds_a_contact_by_id_number_in_any_area(self) -> None:
        self.assertEqual(contacts.person_with_id_number(ID_B), self.world.person_b)
        self.assertEqual(contacts.person_with_id_number(ID_A2.lower()), self.world.person_a2)
        self.assertIsNone(contacts.person_with_id_number("11010519491231002X"))
        with self.assertRaises(ValidationError):
            contacts.person_with_id_number("12345")
