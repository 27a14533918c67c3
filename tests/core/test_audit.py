from __future__ import annotations

import pytest

from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.core.audit import acting_as
from epigrid.core.models import AuditEntry
from tests.base import BaseTestCase


class AuditTests(BaseTestCase):
    def entries(self, pk: int) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(model="areas.Checkpoint", object_pk=str(pk))
                    .order_by("id"))

    def test_it_logs_who_created_a_record_and_its_values(self) -> None:
        w = self.world
        with acting_as(w.alice):
            site = Checkpoint.objects.create(area=w.village_a1, code="CP-A-009", name="Bridge",
                                             kind=Checkpoint.Kind.ROAD)
        [entry] = self.entries(site.pk)
        assert (entry.action, entry.actor, entry.actor_name) == ("create", w.alice, "alice")
        assert entry.changes["name"] == [None, "Bridge"]
        assert entry.changes["area_id"] == [None, w.village_a1.pk]
        assert entry.area_path == w.village_a1.path

    def test_it_logs_only_the_fields_that_changed_from_what_to_what(self) -> None:
        w = self.world
        site = Checkpoint.objects.get(pk=w.checkpoint_a.pk)
        site.name, site.active = "East Road Checkpoint (moved)", False
        with acting_as(w.command, reason="road closed"):
            site.save()
        entry = self.entries(site.pk)[-1]
        assert entry.action == "update"
        assert entry.changes == {"name": ["East Road Checkpoint", "East Road Checkpoint (moved)"],
                                 "active": [True, False]}
        assert entry.reason == "road closed"

    def test_it_writes_nothing_when_nothing_changed(self) -> None:
        site = Checkpoint.objects.get(pk=self.world.checkpoint_a.pk)
        before = len(self.entries(site.pk))
        site.save()
        assert len(self.entries(site.pk)) == before

    def test_it_logs_a_delete_with_the_last_values(self) -> None:
        w = self.world
        site = Checkpoint.objects.get(pk=w.checkpoint_b.pk)
        with acting_as(w.bob):
            site.delete()
        entry = self.entries(w.checkpoint_b.pk)[-1]
        assert (entry.action, entry.actor_name) == ("delete", "bob")
        assert entry.changes["code"] == ["CP-B-001", None]

    def test_it_logs_the_request_user_of_a_page_or_api_call(self) -> None:
        # The middleware names the request's user; without a login the actor stays empty.
        site = Checkpoint.objects.create(area=self.world.village_b1, code="CP-B-777", name="X",
                                         kind=Checkpoint.Kind.STATION)
        [entry] = self.entries(site.pk)
        assert entry.actor is None and entry.actor_name == ""


@pytest.mark.django_db
def test_it_snapshots_a_loaded_record_only_when_it_is_saved() -> None:
    area = Area.objects.create(level=Level.CITY, code="SNAP", name="Before", path="/snap/")
    loaded = Area.objects.get(pk=area.pk)
    assert "_audit_snapshot" not in loaded.__dict__  # a list of records costs no snapshots
    loaded.name = "After"
    loaded.save()
    entry = AuditEntry.objects.filter(object_pk=str(area.pk), action="update").get()
    assert entry.changes == {"name": ["Before", "After"]}
    loaded.save()  # nothing changed since: nothing logged
    assert AuditEntry.objects.filter(object_pk=str(area.pk), action="update").count() == 1
