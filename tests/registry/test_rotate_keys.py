from __future__ import annotations

from io import StringIO
from typing import Any, cast

from django.core.management import call_command
from django.test import override_settings

from epigrid.core import crypto
from epigrid.core.models import AuditEntry
from epigrid.registry import services
from epigrid.registry.models import Household, Person
from tests.base import ID_A, BaseTestCase

OLD = crypto.new_key_spec("k1")
NEW = crypto.new_key_spec("k2")


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@override_settings(EPIGRID_FIELD_KEYS=OLD)
class RotateKeysTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with override_settings(EPIGRID_FIELD_KEYS=OLD):
            super().setUpTestData()

    def tokens(self) -> list[str]:
        values = list(Person.objects.values_list("id_number_enc", "phone_enc"))
        values += [(token, "") for token in Household.objects.values_list("phone_enc", flat=True)]
        return [token for pair in values for token in pair if token]

    def test_it_counts_then_re_encrypts_every_old_value_and_keeps_them_readable(self) -> None:
        assert all(token.startswith("k1:") for token in self.tokens())
        with override_settings(EPIGRID_FIELD_KEYS=f"{NEW},{OLD}"):
            check = rotate("--check")
            assert "registry.Person.id_number_enc: 3 to re-encrypt" in check
            assert "registry.Person.phone_enc: 2 to re-encrypt" in check
            assert "registry.Household.phone_enc: 1 to re-encrypt" in check
            assert "total: 6 to re-encrypt with key k2" in check
            assert all(token.startswith("k1:") for token in self.tokens())  # --check writes nothing
            audit = AuditEntry.objects.count()
            out = rotate("--batch-size", "2")
            assert "registry.Person.id_number_enc: 3 re-encrypted with key k2" in out
            assert all(token.startswith("k2:") for token in self.tokens())
            assert "total: 0 to re-encrypt" in rotate("--check")
            assert AuditEntry.objects.count() == audit
        with override_settings(EPIGRID_FIELD_KEYS=NEW):  # the old key dropped
            person = Person.objects.get(pk=self.world.person_a.pk)
            assert crypto.decrypt(person.id_number_enc, "id_number") == ID_A
            admin = cast(Any, self.world.admin)
            assert list(services.persons_with_id_number(admin, ID_A)) == [person]

    def test_a_second_run_has_nothing_left_to_do(self) -> None:
        with override_settings(EPIGRID_FIELD_KEYS=f"{NEW},{OLD}"):
            rotate()
            assert "0 re-encrypted" in rotate().splitlines()[0]
