"""Import of a desk's task list 督办台账 (`supervision_tasks`)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.imports.cells import parse_day
from epigrid.core.imports.errors import CellError
from epigrid.supervision.importers import parse_part
from epigrid.supervision.models import Part, Task, TaskStatus
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes, xlsx_bytes
from tests.supervision.helpers import SupervisionTestCase, days

TASKS = "supervision_tasks"
HEADER = ["area_code", "title", "instructions", "due_on", "part"]


class TaskImportTests(SupervisionTestCase):
    def test_it_sets_each_row_from_the_desk_and_tells_the_towns(self) -> None:
        w = self.world
        content = csv_bytes([HEADER,
                             [w.town_a.code, "Close the markets", "All six", days(2), ""],
                             [w.town_b.code, "Check the nursing homes", "", days(3), "协办"]])
        with self.captureOnCommitCallbacks(execute=True):
            run = import_bytes(TASKS, content, self.guo)
        assert (run.status, run.rows_created, run.rows_failed) == ("done", 2, 0), run.errors
        got = {(t.area, t.issuer_area, t.title, t.instructions, t.due_on, t.part, t.created_by)
               for t in Task.objects.all()}
        assert got == {
            (w.town_a, w.district, "Close the markets", "All six", days(2), Part.LEAD, self.guo),
            (w.town_b, w.district, "Check the nursing homes", "", days(3), Part.ASSIST,
             self.guo)}
        from epigrid.alerts.models import Receipt
        assert set(Receipt.objects.values_list("user__username", flat=True)) == {"alice", "bob"}

    def test_it_reads_a_chinese_sheet(self) -> None:
        w = self.world
        day = days(4)
        content = xlsx_bytes({"督办台账": [
            ["承办单位编码", "督办事项", "督办要求", "办结时限", "主办/协办"],
            [w.village_a1.code, "排查返乡人员", "逐户", f"{day.year}年{day.month}月{day.day}日",
             "主办"]]})
        run = import_bytes(TASKS, content, self.guo, name="tasks.xlsx")
        assert run.rows_created == 1, run.errors
        task = Task.objects.get()
        assert (task.area, task.title, task.due_on) == (w.village_a1, "排查返乡人员", day)

    def test_it_names_each_wrong_cell_and_keeps_the_good_rows(self) -> None:
        w = self.world
        content = csv_bytes([HEADER,
                             ["999999999999", "Unknown area", "", days(1), ""],
                             [w.town_a.code, "", "", days(1), ""],
                             [w.town_a.code, "Yesterday", "", days(-1), ""],
                             [w.town_a.code, "Not a day", "", "soon", ""],
                             [w.town_a.code, "Bad part", "", days(1), "boss"],
                             [w.town_b.code, "Good", "", days(1), "assist"]])
        run = import_bytes(TASKS, content, self.guo)
        assert (run.rows_created, run.rows_failed) == (1, 5)
        assert [(row, column) for row, column, _ in errors_of(run)] == [
            (2, "area_code"), (3, "title"), (4, "due_on"), (5, "due_on"), (6, "part")]
        assert errors_of(run)[0][2] == "There is no area with the code 999999999999 in your area."
        assert errors_of(run)[2][2] == f"{days(-1).isoformat()} has passed."
        assert list(Task.objects.values_list("title", flat=True)) == ["Good"]

    def test_an_area_out_of_sight_reads_as_unknown(self) -> None:
        w = self.world
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        town_desk = create_user(username="sun", password="x", role=Role.SUPERVISOR,
                                home_area=w.town_a)
        content = csv_bytes([HEADER, [w.town_b.code, "Not mine", "", days(1), ""]])
        run = import_bytes(TASKS, content, town_desk)
        assert errors_of(run) == [(2, "area_code", f"There is no area with the code "
                                                   f"{w.town_b.code} in your area.")]

    def test_a_list_imported_twice_sets_each_task_once(self) -> None:
        w = self.world
        content = csv_bytes([HEADER, [w.town_a.code, "Close the markets", "", days(2), ""]])
        import_bytes(TASKS, content, self.guo)
        again = import_bytes(TASKS, content, self.guo)
        assert (again.rows_created, again.rows_unchanged) == (0, 1)
        Task.objects.update(status=TaskStatus.CANCELLED)
        assert import_bytes(TASKS, content, self.guo).rows_created == 1  # withdrawn: set anew

    def test_only_a_supervising_desk_imports_tasks(self) -> None:
        content = csv_bytes([HEADER, [self.world.town_a.code, "Close", "", days(1), ""]])
        for user in (self.world.alice, self.world.medic):
            with pytest.raises(PermissionDenied):
                import_bytes(TASKS, content, user)
        assert import_bytes(TASKS, content, self.world.command).rows_created == 1


@given(st.dates(min_value=datetime.date(2019, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日",
                        "{y}-{m:02d}-{d:02d} 17:30"]))
def test_a_day_reads_the_same_whichever_way_it_is_written(day: datetime.date, form: str) -> None:
    assert parse_day(form.format(y=day.year, m=day.month, d=day.day)) == day


@given(st.text(max_size=12))
def test_a_part_is_lead_assisting_or_refused_by_name(raw: str) -> None:
    try:
        assert parse_part(raw) in Part.values
    except CellError:
        assert raw.strip() not in ("", "lead", "assist", "主办", "协办")


def test_a_part_reads_its_words() -> None:
    assert [parse_part(raw) for raw in ("", "主办", "牵头", "协办", "配合", "assisting",
                                        "LEAD")] == ["lead", "lead", "lead", "assist", "assist",
                                                     "assist", "lead"]
