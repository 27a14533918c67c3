"""Who read whose record: opening a person's, a household's or a case's page (or its API answer)
is logged once per reader and ten minutes, and an administrator reads it on the record's page."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from epigrid.accounts.services import create_api_token
from epigrid.core.audit import OPENED_AGAIN_WITHIN
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase
from tests.cases.case_helpers import town_a_case


def opened(model: str = "registry.Person") -> list[tuple[str, str]]:
    return list(AuditEntry.objects.filter(action="open", model=model)
                .order_by("id").values_list("actor_name", "object_pk"))


class RecordOpenedTests(BaseTestCase):
    def person_url(self) -> str:
        return reverse("registry:person_detail", args=[self.world.person_a.pk])

    def test_it_logs_who_opened_a_persons_page_without_the_values_shown(self) -> None:
        self.client_for(self.world.alice).get(self.person_url())
        entry = AuditEntry.objects.get(action="open")
        person = self.world.person_a
        assert (entry.actor, entry.model, entry.object_pk, entry.area_path) == (
            self.world.alice, "registry.Person", str(person.pk), person.area_path)
        assert (entry.changes, entry.reason) == ({}, "")
        assert entry.object_repr == str(person)

    def test_it_logs_a_reader_once_in_ten_minutes(self) -> None:
        alice = self.client_for(self.world.alice)
        for _ in range(3):
            alice.get(self.person_url())
        assert opened() == [("alice", str(self.world.person_a.pk))]
        AuditEntry.objects.filter(action="open").update(
            at=AuditEntry.objects.get(action="open").at - OPENED_AGAIN_WITHIN
            - datetime.timedelta(seconds=1))
        alice.get(self.person_url())
        assert len(opened()) == 2

    def test_it_logs_each_reader_of_the_same_record(self) -> None:
        self.client_for(self.world.alice).get(self.person_url())
        self.client_for(self.world.li).get(self.person_url())
        assert [name for name, _pk in opened()] == ["alice", "li"]

    def test_it_logs_nothing_for_a_record_refused_or_missing(self) -> None:
        bob = self.client_for(self.world.bob)
        assert bob.get(self.person_url()).status_code == 404
        assert bob.get(reverse("registry:person_detail", args=[999999])).status_code == 404
        assert Client().get(self.person_url()).status_code == 302
        assert not AuditEntry.objects.filter(action="open").exists()

    def test_it_logs_a_list_not_as_an_opening_of_each_person(self) -> None:
        self.client_for(self.world.alice).get(reverse("registry:person_list"))
        assert not AuditEntry.objects.filter(action="open").exists()

    def test_it_logs_households_and_cases_alike(self) -> None:
        w = self.world
        case = town_a_case(w)
        client = self.client_for(w.alice)
        client.get(reverse("registry:household_detail", args=[w.household_a.pk]))
        client.get(reverse("cases:case_detail", args=[case.pk]))
        assert opened("registry.Household") == [("alice", str(w.household_a.pk))]
        assert opened("cases.Case") == [("alice", str(case.pk))]

    def test_it_logs_the_apis_answers_about_one_record(self) -> None:
        w = self.world
        case = town_a_case(w)
        _token, raw = create_api_token(w.alice, "town system")
        api = Client(headers={"Authorization": f"Bearer {raw}"})
        for url in (f"/api/registry/persons/{w.person_a.pk}",
                    f"/api/registry/households/{w.household_a.pk}", f"/api/cases/{case.pk}"):
            assert api.get(url).status_code == 200, url
        assert opened() == [("alice", str(w.person_a.pk))]
        assert opened("registry.Household") == [("alice", str(w.household_a.pk))]
        assert opened("cases.Case") == [("alice", str(case.pk))]


class RecordHistoryCardTests(BaseTestCase):
    def test_it_shows_an_administrator_who_opened_and_changed_a_person(self) -> None:
        w = self.world
        url = reverse("registry:person_detail", args=[w.person_a.pk])
        self.client_for(w.li).get(url)
        html = self.client_for(w.admin).get(url).content.decode()
        card = html[html.index('id="record-history"'):]
        assert "Who opened or changed it" in card
        assert "<td>li</td>" in card and "<td>admin</td>" in card
        link = f"/audit/?model=registry.Person&amp;record={w.person_a.pk}"
        assert link in card

    def test_it_shows_the_card_to_nobody_who_may_not_browse_the_log(self) -> None:
        w = self.world
        url = reverse("registry:person_detail", args=[w.person_a.pk])
        for user in (w.alice, w.li, w.command):
            assert 'id="record-history"' not in self.client_for(user).get(url).content.decode()

    def test_the_audit_log_lists_one_records_entries_from_its_link(self) -> None:
        w = self.world
        for person in (w.person_a, w.person_a2):
            self.client_for(w.li).get(reverse("registry:person_detail", args=[person.pk]))
        response = self.client_for(w.admin).get(
            "/audit/", {"model": "registry.Person", "record": str(w.person_a.pk)})
        pks = {entry.object_pk for entry in response.context["entries"]}
        assert pks == {str(w.person_a.pk)}
        assert 'type="hidden" name="record"' in response.content.decode()

    def test_it_names_the_opening_in_chinese(self) -> None:
        w = self.world
        url = reverse("registry:person_detail", args=[w.person_a.pk])
        client = self.client_for(w.admin)
        client.cookies["django_language"] = "zh-hans"
        card = client.get(url).content.decode()
        card = card[card.index('id="record-history"'):]
        assert "谁调阅或修改过" in card and "<td>调阅</td>" in card
