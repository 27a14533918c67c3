from __future__ import annotations

import datetime
import json

from django.test import override_settings
from django.urls import reverse

from epigrid.core import crypto
from epigrid.core.identity import check_char, mask_id_number
from epigrid.core.models import AuditEntry, ImportRun
from epigrid.registry.models import Household, Person, Residency, Tag
from tests.base import ID_B, BaseTestCase
from tests.core.test_imports_support import (
    csv_bytes,
    errors_of,
    import_bytes,
    read_xlsx,
    xlsx_bytes,
)

HEADER = ["grid_code", "household_number", "address", "head_name", "household_phone", "name",
          "id_number", "phone", "occupation", "is_medical_staff", "tags", "residency",
          "returnee_origin", "returned_on"]
CHINESE = ["网格编码", "户号", "地址", "户主", "户主电话", "姓名", "身份证号", "手机号", "职业",
           "医务人员", "重点人员", "人员类型", "返回地", "返回日期"]
A1_1, A1_2, B1_1 = "420102001001-01", "420102001001-02", "420102002001-01"
NO_GRID = "There is no grid with the code {} in your area."


def make_id(first17: str) -> str:
    return first17 + check_char(first17)


ID_1 = make_id("42010219900215001")  # male, born 1990-02-15
ID_2 = make_id("42010219920308002")  # female
ID_3 = make_id("42010220150101003")


def row(**fields: object) -> list[object]:
    values = {"grid_code": A1_1, "household_number": "A-0100", "address": "No. 100, West Lane",
              "head_name": "Liu Yang", "household_phone": "13700000001", "name": "Liu Yang",
              "id_number": ID_1, "phone": "13700000001", "occupation": "teacher",
              "is_medical_staff": "否", "tags": "", "residency": "", "returnee_origin": "",
              "returned_on": ""} | fields
    return [values[name] for name in HEADER]


def roster(*rows: list[object], header: list[str] = HEADER) -> bytes:
    return csv_bytes([header, *rows])


class RosterImportTests(BaseTestCase):
    def import_(self, content: bytes, user: object = None, **kwargs: object) -> ImportRun:
        return import_bytes("roster", content, user or self.world.alice, **kwargs)  # type: ignore[arg-type]

    def test_it_creates_households_and_persons_with_protected_identities(self) -> None:
        run = self.import_(roster(
            row(tags="重点地区返乡、慢性病", returnee_origin="Wuhan", returned_on="2020/1/23",
                is_medical_staff="是", occupation="nurse"),
            row(name="Liu Fang", id_number=ID_2, phone="", tags="pregnant",
                returned_on="2020年1月24日"),
            row(household_number="", address="No. 7, Pine Road", name="Ma Li", id_number=ID_3,
                phone="+86 139 0000 0002", returned_on="43853"),
            row(grid_code=A1_2, household_number="", address="", head_name="",
                household_phone="", name="Qian Bo", id_number="", phone="",
                residency="外来务工")))
        assert (run.status, run.rows_created, run.rows_failed) == ("done", 4, 0), run.errors
        liu = Person.objects.get(name="Liu Yang")
        assert (liu.sex, liu.birth_date) == ("male", datetime.date(1990, 2, 15))
        assert liu.id_number_masked == ID_1[:6] + "********" + ID_1[-4:]
        assert crypto.decrypt(liu.id_number_enc, "id_number") == ID_1
        assert liu.id_number_hash == crypto.keyed_hash(ID_1, "id_number")
        assert (liu.phone_masked, liu.is_medical_staff, liu.occupation) == (
            "137****0001", True, "nurse")
        assert liu.tag_list == [Tag.RETURNEE, Tag.CHRONIC]
        assert (liu.returnee_origin, liu.returned_on) == ("Wuhan", datetime.date(2020, 1, 23))
        assert liu.area_path == self.world.grid_a1_1.path
        fang = Person.objects.get(name="Liu Fang")
        assert fang.household_id == liu.household_id and fang.sex == "female"
        assert fang.returned_on == datetime.date(2020, 1, 24) and fang.phone_enc == ""
        household = liu.household
        assert household is not None
        assert (household.number, household.address, household.head_name,
                household.phone_masked) == ("A-0100", "No. 100, West Lane", "Liu Yang",
                                            "137****0001")
        ma = Person.objects.get(name="Ma Li")
        assert ma.household is not None and ma.household.address == "No. 7, Pine Road"
        assert (ma.phone_masked, ma.returned_on) == ("139****0002", datetime.date(2020, 1, 23))
        qian = Person.objects.get(name="Qian Bo")
        assert (qian.household, qian.grid, qian.residency) == (
            None, self.world.grid_a1_2, Residency.WORKER)
        audit = AuditEntry.objects.filter(action="import")
        assert audit.count() == 1 and audit.get().changes["created"] == 4

    def test_it_adds_members_to_a_household_found_by_its_number(self) -> None:
        run = self.import_(roster(row(household_number="A-0014", address="", name="Wang Xiao")))
        assert (run.rows_created, run.rows_failed) == (1, 0), run.errors
        assert Person.objects.get(name="Wang Xiao").household == self.world.household_a
        assert Household.objects.filter(number="A-0014").count() == 1

    def test_it_names_every_wrong_cell_in_the_users_terms(self) -> None:
        wrong_check = ID_1[:17] + ("1" if ID_1[17] != "1" else "2")
        bad_birth = make_id("42010219901315001")
        run = self.import_(roster(
            row(),                                                      # 2: fine
            row(name="Check", id_number=wrong_check),                   # 3
            row(name="Birth", id_number=bad_birth),                     # 4
            row(name="Unknown grid", grid_code="420102009999-01", id_number=ID_2),  # 5
            row(name="Town B", grid_code=B1_1, id_number=ID_2),         # 6
            row(name="Again", id_number=ID_1),                          # 7
            row(name="Zhao", id_number=ID_B),                           # 8
            row(name="Phone", id_number=ID_2, phone="12345"),           # 9
            row(name="Date", id_number=ID_3, returned_on="2020-02-30"),  # 10
            row(name="Tag", id_number=make_id("42010219800101004"), tags="returnee、VIP"),  # 11
            row(name="Medical", id_number=make_id("42010219800101005"),
                is_medical_staff="maybe"),                              # 12
        ))
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 1, 10)
        errors = {(number, column): message for number, column, message in errors_of(run)}
        assert errors[(3, "id_number")] == (
            f"The check character of this ID number is wrong: it ends in {wrong_check[17]} but "
            f"must end in {ID_1[17]}; a digit is mistyped.")
        assert errors[(4, "id_number")] == (
            "The birth date 19901315 in this ID number does not exist.")
        assert errors[(5, "grid_code")] == NO_GRID.format("420102009999-01")
        assert errors[(6, "grid_code")] == NO_GRID.format(B1_1)
        assert errors[(7, "id_number")] == (
            "This ID number appears twice in the file; row 2 has it already.")
        assert errors[(8, "id_number")] == (
            "This ID number is already registered in another household; resolve the duplicate "
            "before importing it.")
        assert errors[(9, "phone")].startswith("A mobile number has 11 digits")
        assert errors[(10, "returned_on")] == (
            "Write the date as 2020-01-23, 2020/1/23 or 2020年1月23日.")
        assert errors[(11, "tags")].startswith("Unknown key group VIP; use ")
        assert errors[(12, "is_medical_staff")] == "Write 是 or 否 (yes or no, 1 or 0)."
        assert Person.objects.filter(id_number_hash=crypto.keyed_hash(ID_B, "id_number")
                                     ).count() == 1
        # IDs and phones of refused rows are kept masked (the run's errors are stored and
        # reported as they are); the other cells as they were typed.
        values = {(e["row"], e["column"]): e["value"] for e in run.errors}
        assert values[(8, "id_number")] == mask_id_number(ID_B) == f"{ID_B[:6]}********{ID_B[-4:]}"
        assert values[(3, "id_number")] == mask_id_number(wrong_check)
        assert (values[(9, "phone")], values[(5, "grid_code")]) == ("*****", "420102009999-01")
        stored = json.dumps(run.errors, ensure_ascii=False)
        assert ID_B not in stored and wrong_check not in stored and bad_birth not in stored

    def test_its_page_and_error_report_show_refused_ids_and_phones_masked(self) -> None:
        run = self.import_(roster(
            row(), row(name="Again", id_number=ID_2, household_phone="1380013800"),
            row(name="Twice", id_number=ID_1, phone="")))
        assert run.rows_failed == 2
        page = self.client_for(self.world.alice).get(reverse("imports:detail", args=[run.pk]))
        report = self.client_for(self.world.alice).get(reverse("imports:report", args=[run.pk]))
        cells = read_xlsx(b"".join(report.streaming_content))  # type: ignore[attr-defined]
        assert cells[1:] == [
            (3, "household_phone", "138***3800", "A mobile number has 11 digits and starts "
                                                 "with 13 to 19, like 138 0013 8000."),
            (4, "id_number", mask_id_number(ID_1),
             "This ID number appears twice in the file; row 2 has it already.")]
        body = page.content.decode()
        assert mask_id_number(ID_1) in body and "138***3800" in body
        assert ID_1 not in body and "1380013800" not in body

    def test_it_answers_in_chinese_from_a_gbk_file_with_chinese_headers(self) -> None:
        content = csv_bytes([CHINESE, row(name="刘洋", address="东街100号"),
                             row(name="错误", id_number=ID_1[:17] + "0", address="东街100号")],
                            encoding="gbk")
        with self.settings(LANGUAGE_CODE="zh-hans"):
            from django.utils import translation
            with translation.override("zh-hans"):
                run = self.import_(content, name="花名册.csv")
        assert (run.rows_created, run.rows_failed) == (1, 1)
        assert Person.objects.get(name="刘洋").household.address == "东街100号"  # type: ignore[union-attr]
        assert run.errors[0]["column"] == "身份证号" and run.errors[0]["row"] == 3

    def test_it_upgrades_a_15_digit_legacy_id(self) -> None:
        run = self.import_(roster(row(id_number="420102800101004")))
        assert run.rows_created == 1, run.errors
        person = Person.objects.get(name="Liu Yang")
        upgraded = make_id("42010219800101004")
        assert crypto.decrypt(person.id_number_enc, "id_number") == upgraded
        assert (person.birth_date, person.sex) == (datetime.date(1980, 1, 1), "female")

    def test_a_second_run_doubles_nothing_and_updates_what_changed(self) -> None:
        content = roster(row(), row(name="Liu Fang", id_number=ID_2),
                         row(name="Baby", id_number=""))
        first = self.import_(content)
        persons, households = Person.objects.count(), Household.objects.count()
        again = self.import_(content)
        assert (first.rows_created, again.rows_created, again.rows_unchanged) == (3, 0, 3)
        assert (Person.objects.count(), Household.objects.count()) == (persons, households)
        changed = self.import_(roster(row(phone="13700000009", tags="独居老人")))
        assert (changed.rows_updated, changed.rows_created) == (1, 0)
        liu = Person.objects.get(name="Liu Yang")
        assert (liu.phone_masked, liu.tag_list) == ("137****0009", [Tag.ELDERLY_ALONE])

    @override_settings(IMPORT_BATCH_SIZE=2)
    def test_a_second_run_with_codes_typed_the_spreadsheet_way_doubles_nothing(self) -> None:
        # The same grid written '420102001001-01 (a text cell forced by a quote) must find the
        # households the first run made; the ID-less members are found again by name, also
        # in a later batch than their household's first row.
        first = roster(row(), row(name="Liu Fang", id_number=ID_2), row(name="Baby", id_number=""),
                       row(name="Grandma", id_number="  "))
        assert self.import_(first).rows_created == 4
        persons, households = Person.objects.count(), Household.objects.count()
        again = self.import_(roster(*[row(grid_code=f"'{A1_1}", **fields) for fields in (
            {}, {"name": "Liu Fang", "id_number": ID_2}, {"name": "Baby", "id_number": ""},
            {"name": "Grandma", "id_number": "  "})]))
        assert (again.rows_created, again.rows_unchanged, again.rows_failed) == (0, 4, 0)
        assert (Person.objects.count(), Household.objects.count()) == (persons, households)

    def test_all_or_nothing_keeps_nothing_when_a_row_is_wrong(self) -> None:
        persons = Person.objects.count()
        content = roster(row(), row(name="Bad", id_number=ID_2, phone="999"))
        run = self.import_(content, mode=ImportRun.Mode.ALL_OR_NOTHING)
        assert (run.status, run.rows_failed, Person.objects.count()) == (
            "rolled_back", 1, persons)
        run = self.import_(content, mode=ImportRun.Mode.VALID_ROWS)
        assert (run.status, Person.objects.count()) == ("partial", persons + 1)

    @override_settings(IMPORT_BATCH_SIZE=2)
    def test_it_finds_households_and_repeats_across_batches(self) -> None:
        run = self.import_(roster(row(), row(name="B", id_number=ID_2),
                                  row(name="C", id_number=ID_3), row(name="D", id_number=ID_1)))
        assert (run.rows_created, run.rows_failed) == (3, 1)
        assert errors_of(run)[0][0] == 5
        assert Household.objects.filter(number="A-0100").count() == 1
        assert Person.objects.filter(household__number="A-0100").count() == 3

    @override_settings(IMPORT_BATCH_SIZE=2, IMPORT_PROCESS_MIN_BYTES=0)
    def test_it_finds_households_and_repeats_across_batches_read_in_a_process(self) -> None:
        self.test_it_finds_households_and_repeats_across_batches()

    @override_settings(IMPORT_PROCESS_MIN_BYTES=0)
    def test_it_names_every_wrong_cell_read_in_a_process(self) -> None:
        self.test_it_names_every_wrong_cell_in_the_users_terms()

    def test_it_keeps_a_grid_outside_the_users_area_out_like_an_unknown_one(self) -> None:
        run = self.import_(roster(row(grid_code=A1_1)), user=self.world.bob)
        assert errors_of(run) == [(2, "grid_code", NO_GRID.format(A1_1))]
        assert not Person.objects.filter(name="Liu Yang").exists()

    def test_it_reads_an_xlsx_roster_with_typed_cells(self) -> None:
        content = xlsx_bytes({"花名册": [CHINESE, row(returned_on=datetime.date(2020, 1, 23),
                                                      is_medical_staff=1)]})
        run = self.import_(content, name="roster.xlsx")
        assert run.rows_created == 1, run.errors
        liu = Person.objects.get(name="Liu Yang")
        assert (liu.returned_on, liu.is_medical_staff) == (datetime.date(2020, 1, 23), True)

    def test_it_refuses_an_id_number_the_spreadsheet_stored_as_a_number(self) -> None:
        """Excel keeps 15 digits of a number: an 18-digit ID typed into a General column lost
        its last ones, whatever the check digit says; a 15-digit legacy ID survives."""
        content = xlsx_bytes({"花名册": [
            HEADER, row(id_number=float(ID_1)), row(id_number=float("420102800101004"),
                                                    name="Old Wang", household_number="A-0101",
                                                    address="No. 101, West Lane")]})
        run = self.import_(content, name="roster.xlsx")
        assert errors_of(run) == [
            (2, "id_number", "The spreadsheet turned this ID number into scientific notation; "
                             "format the column as text and type it again.")]
        assert Person.objects.get(name="Old Wang").id_number_hash == crypto.keyed_hash(
            make_id("42010219800101004"), "id_number")
        assert not Person.objects.filter(name="Liu Yang").exists()

    def test_it_needs_an_address_for_a_new_household_and_a_household_for_a_resident(
            self) -> None:
        run = self.import_(roster(row(address=""), row(household_number="", address="",
                                                       id_number=ID_2)))
        assert errors_of(run) == [
            (2, "address", "There is no household A-0100 in this grid yet; give its address to "
                           "register it."),
            (3, "address", "Give the household number or the address of the household.")]
