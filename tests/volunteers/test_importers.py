"""Import of a roster of volunteers 志愿者花名册 (`volunteers_roster`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.imports.cells import parse_yes_no
from epigrid.core.imports.errors import CellError
from epigrid.volunteers import services
from epigrid.volunteers.models import Volunteer
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes, xlsx_bytes
from tests.volunteers.helpers import VolunteersTestCase, days

ROSTER = "volunteers_roster"
HEADER = ["name", "phone", "area", "skills", "party member", "registered on"]
CHINESE = ["姓名", "手机号", "所在地区", "特长", "是否党员", "登记日期"]


class RosterImportTests(VolunteersTestCase):
    def row(self, name: str = "Chen Ming", phone: str = "13912340001", area: str = "",
            registered: object = None, **cells: str) -> list[object]:
        """A volunteer of village A1 who registered five days ago."""
        return [name, phone, area or self.world.village_a1.code, cells.get("skills", ""),
                cells.get("party", "no"), registered if registered is not None else days(-5)]

    def test_it_registers_each_volunteer_through_the_service(self) -> None:
        w = self.world
        content = csv_bytes([HEADER,
                             self.row(phone="+86 139 1234 0001", skills="Driving, dialect",
                                      party="yes"),
                             self.row("Liu Fang", "13912340002", area=w.village_a2.code,
                                      registered=days(0))])
        run = import_bytes(ROSTER, content, w.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("done", 2, 0), run.errors
        got = {(v.name, v.phone, v.area, v.skills, v.party_member, v.registered_on, v.left_on,
                v.created_by) for v in Volunteer.objects.all()}
        assert got == {
            ("Chen Ming", "13912340001", w.village_a1, "Driving, dialect", True, days(-5), None,
             w.alice),
            ("Liu Fang", "13912340002", w.village_a2, "", False, days(0), None, w.alice)}

    def test_it_reads_a_chinese_sheet(self) -> None:
        w = self.world
        day = days(-1)
        content = xlsx_bytes({"志愿者花名册": [
            ["东城镇志愿者花名册"],  # a title above the header
            CHINESE,
            ["陈明", "13912340003", w.village_a1.code, "驾驶", "中共党员",
             f"{day.year}年{day.month}月{day.day}日"],
            ["刘芳", "13912340004", w.town_a.code, "心理咨询", "群众", day]]})
        run = import_bytes(ROSTER, content, w.alice, name="roster.xlsx")
        assert run.rows_created == 2, run.errors
        got = {(v.name, v.area, v.skills, v.party_member, v.registered_on)
               for v in Volunteer.objects.all()}
        assert got == {("陈明", w.village_a1, "驾驶", True, day),
                       ("刘芳", w.town_a, "心理咨询", False, day)}

    def test_it_names_each_wrong_cell_and_keeps_the_good_rows(self) -> None:
        w = self.world
        self.volunteer(w.village_b1, by=w.bob, phone="13912340099", registered_on=days(-9))
        content = csv_bytes([
            HEADER,
            self.row(phone="1234"),                                        # 2
            self.row(phone="13912340010", area="999999999999"),            # 3
            self.row(phone="13912340011", area=w.town_b.code),             # 4: not Alice's
            self.row(phone="13912340012", registered="soon"),              # 5
            self.row(phone="13912340013", registered=days(3)),             # 6
            self.row(phone="13912340099"),                                 # 7: serves in B1
            self.row(phone="13912340020"),                                 # 8: good
            self.row("Chen Twice", phone="139 1234 0020"),                 # 9: as row 8
            self.row("", phone="13912340014"),                             # 10
            self.row(phone="13912340015", party="maybe"),                  # 11
        ])
        run = import_bytes(ROSTER, content, w.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 1, 9)
        # The cells' errors, then the service's refusals as the rows are written.
        assert sorted(errors_of(run)) == [
            (2, "phone", "A mobile number has 11 digits and starts with 13 to 19, like 138 "
                         "0013 8000."),
            (3, "area", "There is no area with the code 999999999999 in your area."),
            (4, "area", f"There is no area with the code {w.town_b.code} in your area."),
            (5, "registered on", "Write the time as 2020-02-01 08:30, 2020/2/1 8:30 or "
                                 "2020年2月1日 8时30分; this date or time does not exist."),
            (6, "registered on", f"{days(3).isoformat()} is in the future."),
            (7, "phone", f"Wang Fang, with this phone, is registered in Village B1 since "
                         f"{days(-9).isoformat()}."),
            (9, "phone", "This phone is given in row 8 already."),
            (10, "name", "This column must not be empty."),
            (11, "party member", "Write 是 or 否 (yes or no, 1 or 0)."),
        ]
        values = {e["row"]: e["value"] for e in run.errors}  # phones kept masked
        assert (values[2], values[7], values[9]) == ("****", "139****0099", "139******0020")
        assert set(Volunteer.objects.values_list("phone", flat=True)) == {"13912340099",
                                                                          "13912340020"}

    def test_a_roster_imported_twice_registers_each_volunteer_once(self) -> None:
        w = self.world
        content = csv_bytes([HEADER, self.row(phone="13912340030"),
                             self.row("Liu Fang", "13912340031")])
        assert import_bytes(ROSTER, content, w.alice).rows_created == 2
        again = import_bytes(ROSTER, content, w.alice)
        assert (again.status, again.rows_created, again.rows_unchanged, again.rows_failed) == (
            "done", 0, 2, 0)
        # The same volunteer of the same area, registered on another day: still already there.
        later = csv_bytes([HEADER, self.row(phone="13912340030", registered=days(-1))])
        assert import_bytes(ROSTER, later, w.alice).rows_unchanged == 1
        assert Volunteer.objects.count() == 2
        # Another area, or another name on the same phone, is a refusal, not "already there".
        moved = csv_bytes([HEADER, self.row(phone="13912340030", area=w.village_a2.code),
                           self.row("Liu Min", "13912340031")])
        run = import_bytes(ROSTER, moved, w.alice)
        assert [(row, column) for row, column, _ in errors_of(run)] == [(2, "phone"),
                                                                        (3, "phone")]
        # Once they have left, the same roster registers them anew.
        for volunteer in Volunteer.objects.all():
            services.leave(volunteer, by=w.alice, on=days(-2))
        assert import_bytes(ROSTER, content, w.alice).rows_created == 2
        assert Volunteer.objects.filter(left_on__isnull=True).count() == 2

    def test_only_who_keeps_volunteers_imports_a_roster(self) -> None:
        content = csv_bytes([HEADER, self.row(phone="13912340040")])
        for user in (self.world.li, self.world.medic, self.world.stranger):
            with pytest.raises(PermissionDenied):
                import_bytes(ROSTER, content, user)
        assert import_bytes(ROSTER, content, self.world.command).rows_created == 1

    def test_a_sheet_without_the_phone_column_is_refused_whole(self) -> None:
        content = csv_bytes([["name", "area", "registered on"],
                             ["Chen Ming", self.world.village_a1.code, days(-1)]])
        run = import_bytes(ROSTER, content, self.world.alice)
        assert run.status == "failed"
        assert "phone" in run.file_error
        assert not Volunteer.objects.exists()


def test_a_yes_or_no_reads_its_words() -> None:
    assert [parse_yes_no(raw) for raw in ("", "是", "否", "Yes", "no", "1", "0", "中共党员",
                                          "群众", " Y ")] == [
        False, True, False, True, False, True, False, True, False, True]


@given(st.text(max_size=8))
def test_a_yes_or_no_is_a_bool_or_refused_by_name(raw: str) -> None:
    try:
        assert parse_yes_no(raw) in (True, False)
    except CellError as error:
        assert "是" in error.message
