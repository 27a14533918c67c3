from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from epigrid.areas import services as area_services
from epigrid.core import crypto
from epigrid.core.models import AuditEntry
from epigrid.registry import services
from epigrid.registry.models import Person, Tag
from tests.base import ID_A, ID_B, BaseTestCase


class PersonServiceTests(BaseTestCase):
    def test_it_stores_an_id_only_encrypted_hashed_and_masked(self) -> None:
        p = Person.objects.get(pk=self.world.person_a.pk)
        assert ID_A not in (p.id_number_enc + p.id_number_hash)
        assert p.id_number_masked == "420102********001X"
        assert crypto.decrypt(p.id_number_enc, "id_number") == ID_A
        assert p.phone_masked == "138****8000"

    def test_it_derives_sex_and_birth_date_from_the_id(self) -> None:
        p = self.world.person_a
        assert (p.sex, p.birth_date) == ("male", datetime.date(1980, 1, 1))

    def test_it_names_each_bad_identity_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.create_person(grid=self.world.grid_a1_1, name="X",
                                   id_number="420102198001010011", phone="12345")
        assert set(caught.exception.message_dict) == {"id_number", "phone"}
        assert not Person.objects.filter(name="X").exists()

    def test_it_keeps_persons_on_grids(self) -> None:
        with self.assertRaises(ValidationError):
            services.create_person(grid=self.world.village_a1, name="Y")

    def test_it_finds_a_person_by_id_in_the_users_scope_only(self) -> None:
        w = self.world
        assert list(services.persons_with_id_number(w.alice, ID_A.lower())) == [w.person_a]
        assert list(services.persons_with_id_number(w.bob, ID_A)) == []
        assert list(services.persons_with_phone(w.command, "+86 139 1234 5678")) == [w.person_b]

    def test_it_keeps_tags_in_one_order(self) -> None:
        p = services.update_person(self.world.person_b, tags=[Tag.CHRONIC, Tag.ELDERLY_ALONE])
        assert p.tags == ",elderly_alone,chronic," and p.tag_list == ["elderly_alone", "chronic"]

    def test_it_changes_an_id_and_its_derived_fields(self) -> None:
        p = services.update_person(self.world.person_a, id_number=ID_B)
        assert (p.birth_date, p.id_number_masked) == (datetime.date(1945, 6, 7),
                                                       "420102********0036")


class RevealTests(BaseTestCase):
    def test_it_reveals_to_the_command_with_a_reason_and_logs_it(self) -> None:
        w = self.world
        value = services.reveal(w.person_a, "id_number", user=w.command, reason="transfer")
        assert value == ID_A
        entry = AuditEntry.objects.filter(action="view").latest("id")
        assert (entry.object_pk, entry.reason, entry.changes) == (
            str(w.person_a.pk), "transfer", {"revealed": "id_number"})

    def test_it_refuses_roles_without_the_right_and_empty_reasons(self) -> None:
        w = self.world
        with self.assertRaises(PermissionDenied):
            services.reveal(w.person_a, "phone", user=w.li, reason="curious")
        with self.assertRaises(ValidationError):
            services.reveal(w.person_a, "phone", user=w.command, reason=" ")
        assert not AuditEntry.objects.filter(action="view").exists()

    def test_it_never_logs_the_secret_columns(self) -> None:
        entry = AuditEntry.objects.filter(model="registry.Person", action="create",
                                          object_pk=str(self.world.person_a.pk)).first()
        assert entry is not None
        assert not {"id_number_enc", "id_number_hash", "phone_enc"} & set(entry.changes)
        assert "id_number_masked" in entry.changes


class MoveTests(BaseTestCase):
    def test_it_moves_residents_with_their_village(self) -> None:
        w = self.world
        area_services.move_area(w.village_a1, w.town_b)
        w.person_a.refresh_from_db()
        w.grid_a1_1.refresh_from_db()
        assert w.person_a.area_path == w.grid_a1_1.path
        assert w.person_a in Person.objects.restrict(w.bob)
        assert w.person_a not in Person.objects.restrict(w.alice)
