"""The audit browser: administrators see who changed which field from what to what."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.utils import timezone

from epigrid.accounts.services import create_api_token
from epigrid.areas import services
from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase


class AuditPageTests(BaseTestCase):
    def rename_checkpoint(self) -> None:
        with acting_as(self.world.alice):
            services.update_site(self.world.checkpoint_a, name="East Road Post")

    def test_it_shows_each_field_change_from_and_to(self) -> None:
        self.rename_checkpoint()
        response = self.client_for(self.world.admin).get("/audit/?action=update")
        entries = response.context["entries"]
        assert [(e.actor_name, e.model) for e in entries] == [("alice", "areas.Checkpoint")]
        change = entries[0].field_changes[0]
        assert (change.field, change.before, change.after) == (
            "name", "East Road Checkpoint", "East Road Post")
        self.assertContains(response, "<code>East Road Checkpoint</code>")
        self.assertContains(response, "<code>East Road Post</code>")

    def test_it_filters_by_record_type_user_and_day(self) -> None:
        self.rename_checkpoint()
        admin = self.client_for(self.world.admin)
        creations = admin.get("/audit/?model=areas.Warehouse&action=create").context["entries"]
        assert sorted(e.object_repr for e in creations) == ["Dongcheng Depot", "Xihe Depot"]
        by_alice = admin.get("/audit/?user=ali").context["entries"]
        assert [e.object_repr for e in by_alice] == ["East Road Post"]
        today = timezone.localdate()
        tomorrow = today + datetime.timedelta(days=1)
        assert admin.get(f"/audit/?user=alice&day_from={today}").context["entries"]
        assert not admin.get(f"/audit/?day_from={tomorrow}").context["entries"]

    def test_it_refuses_a_backwards_date_range(self) -> None:
        today = timezone.localdate()
        response = self.client_for(self.world.admin).get(
            f"/audit/?day_from={today}&day_to={today - datetime.timedelta(days=3)}")
        self.assertContains(response, "The first day comes after the last day.")

    def test_it_keeps_the_good_filters_beside_a_bad_one(self) -> None:
        self.rename_checkpoint()
        admin = self.client_for(self.world.admin)
        pk = self.world.checkpoint_a.pk
        # One record's history with a day mistyped: the record still narrows it.
        found = admin.get(f"/audit/?model=areas.Checkpoint&record={pk}&day_from=yesterday")
        assert {e.object_pk for e in found.context["entries"]} == {str(pk)}
        self.assertContains(found, "Enter a valid date.")
        # A record key no entry can hold (too long): none of the log, and why.
        long = admin.get(f"/audit/?model=areas.Checkpoint&record={'9' * 65}")
        assert list(long.context["entries"]) == []
        self.assertContains(long, "Ensure this value has at most 64 characters (it has 65).")
        # A record without its type narrows nothing: keys repeat across types.
        assert len(admin.get(f"/audit/?record={pk}").context["entries"]) > 1

    @override_settings(PAGE_SIZE=4)
    def test_it_pages_by_key_from_the_newest(self) -> None:
        admin = self.client_for(self.world.admin)
        all_ids = list(AuditEntry.objects.order_by("-id").values_list("id", flat=True))
        first = admin.get("/audit/")
        assert [e.pk for e in first.context["entries"]] == all_ids[:4]
        older = first.context["older"]
        assert older == all_ids[3]
        second = admin.get(f"/audit/?before={older}")
        assert [e.pk for e in second.context["entries"]] == all_ids[4:8]

    def test_it_is_for_administrators_only(self) -> None:
        w = self.world
        for user in (w.alice, w.command, w.li, w.stranger):
            assert self.client_for(user).get("/audit/").status_code == 403
        assert self.client.get("/audit/").status_code == 302

    def test_it_names_fields_and_choices_as_the_user_knows_them(self) -> None:
        w = self.world
        with acting_as(w.command):
            services.change_risk_level(w.village_a1, "high", reason="cluster",
                                       changed_by=w.command)
        entries = self.client_for(w.admin).get("/audit/?model=areas.Area&action=update").context[
            "entries"]
        changes = [(c.field, str(c.before), str(c.after)) for c in entries[0].field_changes]
        assert changes == [("risk level", "low", "high")]
        assert entries[0].actor_name == "zhou"

    def test_it_shows_a_json_value_as_stored(self) -> None:
        AuditEntry.objects.create(action="update", model="reporting.RiskProposal", object_pk="1",
                                  object_repr="a proposal", area_path=self.world.town_a.path,
                                  changes={"figures": [None, {"new_confirmed": 3}],
                                           "reason": [["a"], ["b"]]})
        entries = self.client_for(self.world.admin).get("/audit/?action=update").context[
            "entries"]
        changes = {c.field: (c.before, c.after) for c in entries[0].field_changes}
        assert changes["figures"] == (None, {"new_confirmed": 3})
        assert changes["reason"] == (["a"], ["b"])

    def test_it_shows_a_moment_in_local_time_to_the_second(self) -> None:
        at = datetime.datetime(2026, 12, 5, 21, 29, 48, 88529, tzinfo=datetime.UTC)
        AuditEntry.objects.create(action="update", model="reporting.RiskProposal", object_pk="2",
                                  object_repr="a proposal", area_path=self.world.town_a.path,
                                  changes={"decided_at": [None, at.isoformat()],
                                           "created_at": ["yesterday", "not a moment"]})
        response = self.client_for(self.world.admin).get("/audit/?action=update")
        changes = {c.field: (c.before, c.after)
                   for c in response.context["entries"][0].field_changes}
        local = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
        assert local in {after for _before, after in changes.values()}
        assert ("yesterday", "not a moment") in changes.values()  # not moments: as stored
        self.assertNotContains(response, at.isoformat())

    def test_it_names_the_areas_of_a_path_changed(self) -> None:
        # A problem risen from its village to the town: its level is kept as an area path.
        w = self.world
        for pk in ("1", "2"):
            AuditEntry.objects.create(action="update", model="problems.Problem", object_pk=pk,
                                      object_repr="masks run out", area_path=w.village_a1.path,
                                      changes={"level_path": [w.village_a1.path, w.town_a.path]})
        client = self.client_for(w.admin)
        client.get("/audit/?model=problems.Problem")  # the session's own queries, once
        with self.assertNumQueries(4):  # session, user, the page of entries, the areas' names
            response = client.get("/audit/?model=problems.Problem")
        changes = [(c.before, c.after) for e in response.context["entries"]
                   for c in e.field_changes]
        assert changes == [("Village A1", "Dongcheng Town")] * 2
        self.assertNotContains(response, w.town_a.path)



class HandLoggedRecordTypeTests(BaseTestCase):
    def test_it_names_a_record_type_its_services_log_by_hand_and_offers_it(self) -> None:
        with acting_as(self.world.alice):
            create_api_token(self.world.alice, "town system")
        admin = self.client_for(self.world.admin)
        response = admin.get("/audit/?model=accounts.ApiToken")
        [entry] = response.context["entries"]
        assert entry.model_name == "API token"
        changes = {(c.field, c.before, c.after) for c in entry.field_changes}
        assert {("name", None, "town system"), ("user", None, "alice")} <= changes
        admin.cookies["django_language"] = "zh-hans"
        html = admin.get("/audit/?model=accounts.ApiToken").content.decode()
        assert "<strong>用户</strong>" in html and "API 令牌" in html
        offered = dict(response.context["form"].fields["model"].choices)
        for label in ("accounts.ApiToken", "core.ImportRun", "core.ExportRun",
                      "cases.LabTest", "care.TransferPlan", "checkpoints.Assignment",
                      "registry.Person"):
            assert label in offered, label

    def test_it_shows_a_label_no_model_has_as_stored(self) -> None:
        AuditEntry.objects.create(action="delete", model="demo.DemoData", object_repr="seed")
        entry = self.client_for(self.world.admin).get("/audit/").context["entries"][0]
        assert entry.model_name == "demo.DemoData"
