"""Import of a roster of people sent down 下沉干部花名册 (`mobilization_people`)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.imports.cells import parse_yes_no
from epigrid.core.imports.errors import CellError
from epigrid.mobilization import services
from epigrid.mobilization.models import Deployment, TeamKind
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes, xlsx_bytes
from tests.mobilization.helpers import MobilizationTestCase, days

PEOPLE = "mobilization_people"
HEADER = ["name", "unit", "post", "phone", "party member", "area", "team", "arrived on",
          "duties"]
CHINESE = ["姓名", "派出单位", "职务", "手机号", "党员", "下沉地区", "工作队", "到岗日期", "职责"]


class PeopleImportTests(MobilizationTestCase):
    def row(self, name: str = "Chen Ming", phone: str = "13912340001", area: str = "",
            team: str = "", arrived: object = None, **cells: str) -> list[object]:
        """A person sent by the housing bureau to village A1 two days ago."""
        return [name, cells.get("unit", "District Housing Bureau"), cells.get("post", ""),
                phone, cells.get("party", "no"), area or self.world.village_a1.code, team,
                arrived if arrived is not None else days(-2), cells.get("duties", "")]

    def test_it_records_each_person_through_the_service(self) -> None:
        w = self.world
        team = self.team()  # town A's commando team, above village A1
        content = csv_bytes([HEADER,
                             self.row(post="Deputy director", party="yes", team=team.name,
                                      phone="+86 139 1234 0001", duties="Door-to-door"),
                             self.row("Liu Fang", "13912340002", area=w.village_a2.code)])
        run = import_bytes(PEOPLE, content, w.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("done", 2, 0), run.errors
        got = {(d.name, d.unit, d.post, d.phone, d.party_member, d.area, d.team, d.arrived_on,
                d.duties, d.created_by) for d in Deployment.objects.all()}
        assert got == {
            ("Chen Ming", "District Housing Bureau", "Deputy director", "13912340001", True,
             w.village_a1, team, days(-2), "Door-to-door", w.alice),
            ("Liu Fang", "District Housing Bureau", "", "13912340002", False, w.village_a2,
             None, days(-2), "", w.alice)}

    def test_it_reads_a_chinese_sheet(self) -> None:
        w = self.world
        day = days(-1)
        team = self.team(w.village_a1, name="东城村片区工作组", kind=TeamKind.SECTOR)
        content = xlsx_bytes({"下沉干部花名册": [
            ["青山区下沉干部花名册"],  # a title above the header
            CHINESE,
            ["陈明", "区住建局", "副局长", "13912340003", "是", w.village_a1.code, team.name,
             f"{day.year}年{day.month}月{day.day}日", "包保东巷"]]})
        run = import_bytes(PEOPLE, content, w.alice, name="roster.xlsx")
        assert run.rows_created == 1, run.errors
        person = Deployment.objects.get()
        assert (person.name, person.unit, person.party_member, person.team, person.arrived_on) \
            == ("陈明", "区住建局", True, team, day)

    def test_it_names_each_wrong_cell_and_keeps_the_good_rows(self) -> None:
        w = self.world
        self.deployment(w.village_b1, by=w.command, phone="13912340099", arrived_on=days(-9))
        stood_down = self.team(name="Old Team")
        services.stand_down_team(stood_down, by=w.alice, on=days(-1))
        content = csv_bytes([
            HEADER,
            self.row(phone="1234"),                                        # 2
            self.row(phone="13912340010", area="999999999999"),            # 3
            self.row(phone="13912340011", area=w.town_b.code),             # 4: not Alice's
            self.row(phone="13912340012", team="No Such Team"),            # 5
            self.row(phone="13912340013", arrived="soon"),                 # 6
            self.row(phone="13912340099"),                                 # 7: on duty in B1
            self.row(phone="13912340020"),                                 # 8: good
            self.row("Chen Twice", phone="139 1234 0020"),                 # 9: as row 8
            self.row(phone="13912340014", team="Old Team"),                # 10
            self.row(phone="13912340015", arrived=days(31)),               # 11
            self.row(phone="13912340016", party="maybe"),                  # 12
        ])
        run = import_bytes(PEOPLE, content, w.alice)
        assert (run.status, run.rows_created, run.rows_failed) == ("partial", 1, 10)
        # The cells' errors, then the service's refusals as the rows are written.
        assert sorted(errors_of(run)) == [
            (2, "phone", "A mobile number has 11 digits and starts with 13 to 19, like 138 "
                         "0013 8000."),
            (3, "area", "There is no area with the code 999999999999 in your area."),
            (4, "area", f"There is no area with the code {w.town_b.code} in your area."),
            (5, "team", "There is no team named No Such Team in Village A1 or the areas above "
                        "it."),
            (6, "arrived on", "Write the time as 2020-02-01 08:30, 2020/2/1 8:30 or 2020年2月1日 "
                              "8时30分; this date or time does not exist."),
            (7, "phone", f"Chen Ming is on duty in Village B1 since {days(-9).isoformat()}."),
            (9, "phone", "This phone is given in row 8 already."),
            (10, "team", f"Old Team stood down on {days(-1).isoformat()}."),
            (11, "arrived on", f"{days(31).isoformat()} is more than 30 days ahead."),
            (12, "party member", "Write 是 or 否 (yes or no, 1 or 0)."),
        ]
        values = {e["row"]: e["value"] for e in run.errors}  # phones kept masked
        assert (values[2], values[7], values[9]) == ("****", "139****0099", "139******0020")
        assert set(Deployment.objects.values_list("phone", flat=True)) == {"13912340099",
                                                                           "13912340020"}

    def test_a_roster_imported_twice_records_each_person_once(self) -> None:
        w = self.world
        content = csv_bytes([HEADER, self.row(phone="13912340030"),
                             self.row("Liu Fang", "13912340031")])
        assert import_bytes(PEOPLE, content, w.alice).rows_created == 2
        again = import_bytes(PEOPLE, content, w.alice)
        assert (again.status, again.rows_created, again.rows_unchanged, again.rows_failed) == (
            "done", 0, 2, 0)
        assert Deployment.objects.count() == 2
        # Sent elsewhere, or the same place from another day, is a refusal, not "already there".
        moved = csv_bytes([HEADER, self.row(phone="13912340030", area=w.village_a2.code),
                           self.row("Liu Fang", "13912340031", arrived=days(-1))])
        run = import_bytes(PEOPLE, moved, w.alice)
        assert [(row, column) for row, column, _ in errors_of(run)] == [(2, "phone"),
                                                                        (3, "phone")]
        # Once recalled, the same roster records them anew.
        for person in Deployment.objects.all():
            services.recall(person, by=w.alice, on=days(-2))
        assert import_bytes(PEOPLE, content, w.alice).rows_created == 2

    def test_only_who_mobilizes_imports_a_roster(self) -> None:
        content = csv_bytes([HEADER, self.row(phone="13912340040")])
        for user in (self.wu, self.world.li, self.world.medic):
            with pytest.raises(PermissionDenied):
                import_bytes(PEOPLE, content, user)
        assert import_bytes(PEOPLE, content, self.world.command).rows_created == 1

    def test_a_sheet_without_the_phone_column_is_refused_whole(self) -> None:
        content = csv_bytes([["name", "unit", "area", "arrived on"],
                             ["Chen Ming", "Bureau", self.world.village_a1.code, days(-1)]])
        run = import_bytes(PEOPLE, content, self.world.alice)
        assert run.status == "failed"
        assert "phone" in run.file_error
        assert not Deployment.objects.exists()


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
