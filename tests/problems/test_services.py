"""Raising, assigning, changing status, closing and reopening: each rule at its edge, and every
step written into the problem's history."""

from __future__ import annotations

import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from epigrid.problems import services
from epigrid.problems.models import Category, Problem, ProblemEvent, Status, Step, Urgency
from tests.alerts.helpers import inbox_of
from tests.base import BaseTestCase
from tests.problems.helpers import days, raise_in, today


def refusal(call: object) -> dict[str, list[str]]:
    try:
        call()  # type: ignore[operator]
    except ValidationError as error:
        return error.message_dict
    raise AssertionError("the service accepted it")


class RaiseTests(BaseTestCase):
    def test_it_raises_a_problem_open_at_its_own_level_with_a_history_row(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice, urgency=Urgency.URGENT,
                           assignee_unit="Dongcheng health office", assignee=w.alice)
        assert problem.status == Status.OPEN
        assert problem.level_area == w.village_a1
        assert (problem.area_path, problem.level_path) == (w.village_a1.path, w.village_a1.path)
        steps = list(problem.events.values_list("step", "by__username"))
        assert steps == [(Step.RAISED, "alice"), (Step.ASSIGNED, "alice")]

    def test_it_takes_today_as_a_due_date_but_not_yesterday(self) -> None:
        w = self.world
        assert raise_in(w.village_a1, w.li, due_in=0).due_on == today()
        errors = refusal(lambda: raise_in(w.village_a1, w.li, due_in=-1))
        assert list(errors) == ["due_on"]
        assert "is in the past" in errors["due_on"][0]
        assert not Problem.objects.filter(due_on__lt=today()).exists()

    def test_it_names_every_bad_field_at_once(self) -> None:
        w = self.world
        errors = refusal(lambda: services.raise_problem(
            w.village_a1, by=w.alice, title="  ", category="weather", urgency="soon",
            due_on=today() - days(3)))
        assert set(errors) == {"title", "category", "urgency", "due_on"}

    def test_it_refuses_an_assignee_who_cannot_see_the_area(self) -> None:
        w = self.world
        # Li works in grid A1-1: village A2 is outside his grid; Bob is in another town.
        for blind in (w.li, w.bob):
            errors = refusal(lambda blind=blind: raise_in(w.village_a2, w.alice, assignee=blind))
            assert "cannot see Village A2" in errors["assignee"][0]
        # The command above and the officer of the town see it.
        assert raise_in(w.village_a2, w.alice, assignee=w.command).assignee == w.command
        assert raise_in(w.village_a2, w.alice, assignee=w.alice).assignee == w.alice

    def test_it_refuses_an_inactive_assignee(self) -> None:
        w = self.world
        w.command.is_active = False
        errors = refusal(lambda: raise_in(w.village_a1, w.alice, assignee=w.command))
        assert "assignee" in errors


class AssignAndStatusTests(BaseTestCase):
    def test_it_assigns_to_a_unit_or_a_person_but_not_to_nobody(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li)
        errors = refusal(lambda: services.assign(problem, by=w.alice, assignee_unit=" "))
        assert "Name a unit or choose a person" in errors["assignee_unit"][0]
        services.assign(problem, by=w.alice, assignee_unit="Town A logistics", note="urgent")
        services.assign(problem, by=w.alice, assignee=w.li)
        problem.refresh_from_db()
        assert (problem.assignee_unit, problem.assignee) == ("", w.li)
        rows = list(problem.events.filter(step=Step.ASSIGNED).values_list(
            "assignee_unit", "assignee__username", "note"))
        assert rows == [("Town A logistics", None, "urgent"), ("", "li", "")]

    def test_it_gives_the_assigned_unit_a_due_date_of_today_or_later(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice, due_in=1)
        errors = refusal(lambda: services.assign(problem, by=w.alice, assignee_unit="Town A "
                                                 "logistics", due_on=today() - days(1)))
        assert list(errors) == ["due_on"] and "is in the past" in errors["due_on"][0]
        problem.refresh_from_db()
        assert (problem.due_on, problem.assignee_unit) == (today() + days(1), "")
        services.assign(problem, by=w.alice, assignee_unit="Town A logistics", due_on=today())
        # The same day again, or none, keeps it; the history says when it moved, and to what.
        services.assign(problem, by=w.alice, assignee=w.alice, due_on=today())
        services.assign(problem, by=w.alice, assignee=w.command)
        problem.refresh_from_db()
        assert problem.due_on == today()
        moved = list(problem.events.filter(step=Step.ASSIGNED).values_list("due_on", flat=True))
        assert moved == [today(), None, None]

    def test_it_keeps_a_past_due_date_it_does_not_move(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice, due_in=0)
        Problem.objects.filter(pk=problem.pk).update(due_on=today() - days(2))  # overdue now
        services.assign(problem, by=w.alice, assignee_unit="Town A logistics",
                        due_on=today() - days(2))
        problem.refresh_from_db()
        assert (problem.due_on, problem.assignee_unit) == (today() - days(2), "Town A logistics")

    def test_it_moves_between_open_and_in_progress_and_refuses_a_no_change(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li)
        errors = refusal(lambda: services.change_status(problem, Status.OPEN, by=w.alice))
        assert "already open" in errors["status"][0]
        services.change_status(problem, Status.IN_PROGRESS, by=w.alice, note="on it")
        problem.refresh_from_db()
        assert problem.status == Status.IN_PROGRESS
        errors = refusal(lambda: services.change_status(problem, "done", by=w.alice))
        assert "Unknown status" in errors["status"][0]
        event = problem.events.get(step=Step.STATUS)
        assert (event.status, event.note, event.by) == (Status.IN_PROGRESS, "on it", w.alice)


class CloseAndReopenTests(BaseTestCase):
    def test_it_will_not_close_without_a_note(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li)
        for note in ("", "   "):
            errors = refusal(lambda note=note: services.close(problem, by=w.alice, note=note))
            assert "closing needs a note" in errors["note"][0]
        # Choosing "closed" as a status is the same close, with the same rule.
        errors = refusal(lambda: services.change_status(problem, Status.CLOSED, by=w.alice))
        assert "note" in errors
        problem.refresh_from_db()
        assert problem.status == Status.OPEN and problem.closed_at is None

    def test_it_closes_with_a_note_and_keeps_the_evidence_under_the_data_dir(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li)
        with tempfile.TemporaryDirectory() as media, override_settings(STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND":
                                "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
            photo = SimpleUploadedFile("delivery note.JPG", b"\xff\xd8 masks delivered")
            services.close(problem, by=w.alice, note="500 masks delivered", evidence=photo)
            event = problem.events.get(step=Step.CLOSED)
            assert event.evidence_name == "delivery note.JPG"
            assert event.evidence.name.startswith("problems/") and event.evidence.name.endswith(
                ".jpg")
            with event.evidence.open("rb") as stored:
                assert stored.read() == b"\xff\xd8 masks delivered"
        problem.refresh_from_db()
        assert problem.status == Status.CLOSED and problem.close_note == "500 masks delivered"
        assert problem.closed_at == event.at
        errors = refusal(lambda: services.close(problem, by=w.alice, note="again"))
        assert "reopen it first" in errors["status"][0]

    def test_it_refuses_evidence_over_ten_megabytes(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li)
        big = SimpleUploadedFile("scan.pdf", b"x" * (services.EVIDENCE_MAX_BYTES + 1))
        errors = refusal(lambda: services.close(problem, by=w.alice, note="done", evidence=big))
        assert "larger than 10 MB" in errors["evidence"][0]

    def test_it_reopens_only_a_closed_problem_and_only_with_a_reason(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li)
        errors = refusal(lambda: services.reopen(problem, by=w.alice, note="why not"))
        assert "Only a closed problem" in errors["status"][0]
        services.close(problem, by=w.alice, note="done")
        errors = refusal(lambda: services.reopen(problem, by=w.alice, note=""))
        assert "Say why" in errors["note"][0]
        services.reopen(problem, by=w.alice, note="masks ran out again")
        problem.refresh_from_db()
        assert problem.status == Status.OPEN
        assert problem.closed_at is None and problem.close_note == ""
        services.assign(problem, by=w.alice, assignee_unit="x")  # open again: assigned again

    def test_it_writes_every_step_into_the_history_in_order(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.li, category=Category.STAFFING)
        services.assign(problem, by=w.alice, assignee_unit="Town A volunteers")
        services.change_status(problem, Status.IN_PROGRESS, by=w.alice)
        services.close(problem, by=w.alice, note="ten volunteers came")
        services.reopen(problem, by=w.command, note="they left")
        rows = list(ProblemEvent.objects.filter(problem=problem).values_list(
            "step", "by__username", "status"))
        assert rows == [
            (Step.RAISED, "li", Status.OPEN), (Step.ASSIGNED, "alice", Status.OPEN),
            (Step.STATUS, "alice", Status.IN_PROGRESS), (Step.CLOSED, "alice", Status.CLOSED),
            (Step.REOPENED, "zhou", Status.OPEN)]


class AssigneeToldTests(BaseTestCase):
    def test_the_person_given_a_problem_finds_it_in_their_inbox(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            problem = raise_in(w.village_a1, w.alice, urgency=Urgency.URGENT)
            services.assign(problem, by=w.alice, assignee=w.command, note="Bring 2,000 masks.")
        link = f"/problems/{problem.pk}/"
        assert inbox_of(w.command) == [(
            "A problem given to you: Masks run out at the gate",
            f"Village A1, due {problem.due_on.isoformat()}, urgent; given by "
            f"{w.alice.display_name}. Bring 2,000 masks.", link)]
        assert inbox_of(w.bob) == [] and inbox_of(w.alice) == []

    def test_nobody_is_told_twice_nor_of_what_they_did_themselves(self) -> None:
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            raise_in(w.village_a1, w.li, assignee=w.alice)  # raised and given at once
            problem = raise_in(w.village_a1, w.alice, assignee=w.alice)  # she takes it on
            services.assign(problem, by=w.alice, assignee=w.command)
            services.assign(problem, by=w.alice, assignee=w.command, due_on=today() + days(5))
            services.assign(problem, by=w.alice, assignee_unit="Town A logistics")
        assert [title for title, _body, _link in inbox_of(w.alice)] == [
            "A problem given to you: Masks run out at the gate"]
        assert len(inbox_of(w.command)) == 1

    def test_a_problem_given_by_no_one_says_so(self) -> None:
        """The demo and imports raise problems with no user behind them."""
        w = self.world
        with self.captureOnCommitCallbacks(execute=True):
            problem = raise_in(w.village_a1, None, assignee=w.alice)
        assert inbox_of(w.alice) == [(
            "A problem given to you: Masks run out at the gate",
            f"Village A1, due {problem.due_on.isoformat()}, normal.",
            f"/problems/{problem.pk}/")]

    def test_a_refused_assignment_tells_nobody(self) -> None:
        w = self.world
        problem = raise_in(w.village_a2, w.alice)
        with self.captureOnCommitCallbacks(execute=True):
            refusal(lambda: services.assign(problem, by=w.alice, assignee=w.bob))
        assert inbox_of(w.bob) == []
