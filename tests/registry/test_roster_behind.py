"""A roster written behind: a batch is cleaned before the batch before it is written, so it must
still find what that batch creates (households, persons without an ID), and a write the
database refuses makes the batch cleaned meanwhile be cleaned again, its errors named once."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings

from epigrid.core.models import ImportRun
from epigrid.registry.models import Household, Person
from tests.base import BaseTestCase
from tests.core.test_imports_support import errors_of, import_bytes
from tests.registry.test_roster_import import ID_2, ID_3, make_id, roster, row

ID_4 = make_id("42010219850101004")


def refuse_persons_named(name: str) -> None:
    """A trigger that makes the database itself refuse such a person, as a constraint would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION refuse_person() RETURNS trigger AS $$ BEGIN "
                           "RAISE EXCEPTION 'refused by a rule' USING ERRCODE = "
                           "'check_violation'; END $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER refuse_person BEFORE INSERT ON registry_person "
                           "FOR EACH ROW WHEN (NEW.name = %s) EXECUTE FUNCTION refuse_person()",
                           [name])
        else:
            cursor.execute(f"CREATE TRIGGER refuse_person BEFORE INSERT ON registry_person "
                           f"WHEN NEW.name = '{name}' BEGIN "
                           f"SELECT RAISE(ABORT, 'refused by a rule'); END")


def members(number: str) -> list[str]:
    return sorted(Person.objects.filter(household__number=number).values_list("name",
                                                                               flat=True))


@override_settings(IMPORT_BATCH_SIZE=2)
class RosterWrittenBehindTests(BaseTestCase):
    def import_(self, content: bytes) -> ImportRun:
        return import_bytes("roster", content, self.world.alice)

    def test_it_finds_a_person_without_an_id_the_batch_before_created(self) -> None:
        run = self.import_(roster(
            row(), row(name="Baby", id_number=""),
            # The next batch: the household by its number alone, the same baby again.
            row(name="Baby", id_number="", address=""), row(name="B", id_number=ID_2,
                                                            address="")))
        assert (run.status, run.rows_created, run.rows_unchanged) == ("done", 3, 1), run.errors
        assert members("A-0100") == [
            "B", "Baby", "Liu Yang"]

    def test_it_updates_a_person_without_an_id_the_batch_before_created(self) -> None:
        run = self.import_(roster(row(), row(name="Baby", id_number="", occupation=""),
                                  row(name="Baby", id_number="", occupation="infant")))
        assert (run.rows_created, run.rows_updated) == (2, 1), run.errors
        assert Person.objects.get(name="Baby").occupation == "infant"

    def test_it_cleans_the_next_batch_again_when_a_write_is_refused(self) -> None:
        refuse_persons_named("Refused")
        run = self.import_(roster(
            row(), row(name="Refused", id_number=ID_2),
            # Cleaned while the batch above was being written: against its household.
            row(name="C", id_number=ID_3, address=""), row(name="Baby", id_number=""),
            row(name="Baby", id_number=""), row(name="D", id_number=ID_4, phone="999")))
        assert (run.status, run.rows_created, run.rows_unchanged, run.rows_failed) == (
            "partial", 3, 1, 2)
        [(first, column, message), (second, column_2, _message)] = errors_of(run)
        assert (first, column) == (3, "")
        assert "refused by a rule" in message
        assert (second, column_2) == (7, "phone")
        assert members("A-0100") == [
            "Baby", "C", "Liu Yang"]
        assert Household.objects.filter(number="A-0100").count() == 1

    def test_it_takes_an_id_a_refused_row_held_in_a_later_batch(self) -> None:
        refuse_persons_named("Refused")
        run = self.import_(roster(row(name="Refused", id_number=ID_2), row(),
                                  row(name="B", id_number=ID_2), row(name="C", id_number=ID_3)))
        # The refused row's ID still counts as seen in the file, as when written in order.
        assert (run.rows_created, run.rows_failed) == (2, 2), run.errors
        assert [error[0] for error in errors_of(run)] == [2, 4]
        assert not Person.objects.filter(name="B").exists()
        assert Person.objects.filter(name="C", household__number="A-0100").exists()
