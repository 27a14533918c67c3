"""Problem pages: the list (filters, pages, the closure-rate panel, a bounded query count), the
raise form and its refusals, a problem's page with its history and forms, evidence downloads."""

from __future__ import annotations

import re
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from epigrid.problems import services
from epigrid.problems.escalation import escalate_overdue
from epigrid.problems.models import Category, Problem, Status, Step, Urgency
from tests.base import BaseTestCase
from tests.problems.helpers import at, days, raise_in, today

LIST = reverse("problems:list")


def titles(body: str) -> list[str]:
    return re.findall(r'<a href="/problems/\d+/">([^<]+)</a>', body)


class ListTests(BaseTestCase):
    def test_it_lists_the_problems_of_the_users_area_with_a_bounded_query_count(self) -> None:
        w = self.world
        raise_in(w.village_a1, w.alice, "Masks")
        raise_in(w.village_b1, w.bob, "Rice")
        client = self.client_for(w.alice)
        # Session, user, home area, the rows; the closure panel: the children and its 2 queries.
        with self.assertNumQueries(7):
            client.get(LIST)
        raise_in(w.grid_a1_1, w.li, "Thermometers", assignee=w.li)
        raise_in(w.village_a2, w.alice, "Drivers", assignee_unit="Town A transport")
        with self.assertNumQueries(7):
            body = client.get(LIST).content.decode()
        assert titles(body) == ["Drivers", "Thermometers", "Masks"]
        assert "Rice" not in body

    def test_it_filters_by_status_urgency_category_and_overdue(self) -> None:
        w = self.world
        raise_in(w.village_a1, w.alice, "Masks", urgency=Urgency.CRITICAL)
        beds = raise_in(w.village_a1, w.alice, "Beds", category=Category.TRANSFER)
        late = raise_in(w.village_a1, w.alice, "Late", now=at(today() - days(5)), due_in=1)
        services.close(beds, by=w.alice, note="admitted")
        client = self.client_for(w.alice)

        def listed(query: str) -> list[str]:
            return titles(client.get(LIST + query).content.decode())

        assert listed("?status=closed") == ["Beds"]
        assert listed("?urgency=critical") == ["Masks"]
        assert listed("?category=transfer") == ["Beds"]
        assert listed("?overdue=on") == ["Late"]
        # A bad day is shown with its error; the other filters still apply.
        bad = client.get(LIST + "?status=closed&day=someday")
        assert titles(bad.content.decode()) == ["Beds"]
        assert bad.context["form"].errors["day"] == ["Enter a valid date."]
        assert "overdue" in client.get(LIST).content.decode()
        assert late.due_on < today()

    def test_it_tells_raised_here_from_escalated_to_me(self) -> None:
        w = self.world
        raise_in(w.village_a1, w.alice, "Late", now=at(today() - days(5)), due_in=1)
        raise_in(w.town_a, w.alice, "Fresh")
        escalate_overdue()  # Late rises to town A
        client = self.client_for(w.alice)
        assert titles(client.get(LIST + "?where=escalated").content.decode()) == ["Late"]
        assert titles(client.get(LIST + "?where=raised").content.decode()) == ["Fresh", "Late"]
        assert "escalated to Dongcheng Town" in client.get(LIST).content.decode()

    @override_settings(PAGE_SIZE=2)
    def test_it_pages_by_key_newest_first(self) -> None:
        w = self.world
        for n in range(5):
            raise_in(w.village_a1, w.alice, f"Problem {n}")
        client = self.client_for(w.alice)
        first = client.get(LIST).content.decode()
        assert titles(first) == ["Problem 4", "Problem 3"]
        after = re.search(r'href="\?after=(\d+)" rel="next"', first)
        assert after is not None
        second = client.get(LIST + f"?after={after.group(1)}").content.decode()
        assert titles(second) == ["Problem 2", "Problem 1"]

    def test_it_shows_the_closure_rates_of_the_users_area_and_its_children(self) -> None:
        w = self.world
        done = raise_in(w.village_a1, w.alice, "Masks")
        raise_in(w.village_a2, w.alice, "Rice")
        services.close(done, by=w.alice, note="delivered")
        body = self.client_for(w.alice).get(LIST).content.decode()
        panel = body[body.index('id="closure-rates"'):]
        rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>\s*'
                          r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*'
                          r'<td class="num">([^<]+)</td>', panel)
        assert rows == [("Dongcheng Town", "0", "2", "1", "50%"),
                        ("Village A1", "0", "1", "1", "100%"),
                        ("Village A2", "0", "1", "0", "0%")]
        bob = self.client_for(w.bob).get(LIST).content.decode()
        assert "Dongcheng" not in bob and "Xihe Town" in bob


class RaiseTests(BaseTestCase):
    def form(self, **fields: str) -> dict[str, str]:
        w = self.world
        return {"area": str(w.village_a1.pk), "title": "Masks run out", "category": "other",
                "urgency": "normal", "due_on": today().isoformat(), **fields}

    def test_it_raises_a_problem_and_shows_it(self) -> None:
        w = self.world
        client = self.client_for(w.li)
        assert client.get(reverse("problems:raise")).status_code == 200
        response = client.post(reverse("problems:raise"), self.form(
            area=str(w.grid_a1_1.pk), assignee_unit="Village A1 committee"))
        problem = Problem.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
        assert (problem.area, problem.raised_by, problem.assignee_unit) == (
            w.grid_a1_1, w.li, "Village A1 committee")

    def test_it_refuses_a_past_due_date_on_its_field(self) -> None:
        response = self.client_for(self.world.alice).post(reverse("problems:raise"), self.form(
            due_on=(today() - days(1)).isoformat()))
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert list(errors) == ["due_on"] and "is in the past" in errors["due_on"][0]
        assert not Problem.objects.exists()

    def test_it_refuses_an_area_outside_the_users_scope(self) -> None:
        w = self.world
        response = self.client_for(w.bob).post(reverse("problems:raise"), self.form())
        assert response.status_code == 400
        assert response.context["form"].errors["area"] == [
            "No such area among the areas you may see."]

    def test_it_refuses_an_assignee_who_cannot_see_the_area(self) -> None:
        w = self.world
        response = self.client_for(w.alice).post(reverse("problems:raise"), self.form(
            area=str(w.village_a2.pk), assignee=str(w.li.pk)))
        assert response.status_code == 400
        assert "li cannot see Village A2" in response.context["form"].errors["assignee"][0]

    def test_it_keeps_people_without_the_capability_out(self) -> None:
        response = self.client_for(self.world.stranger).get(reverse("problems:raise"))
        assert response.status_code == 403


class DetailTests(BaseTestCase):
    def test_it_shows_the_history_and_the_forms_to_those_who_may_resolve(self) -> None:
        w = self.world
        problem = raise_in(w.grid_a1_1, w.li, "Thermometers", assignee=w.li)
        url = reverse("problems:detail", args=[problem.pk])
        alice = self.client_for(w.alice).get(url).content.decode()
        assert "Save the status" in alice and 'id="assign-title"' in alice
        assert alice.count("<li>") >= 2 and "raised" in alice and "assigned" in alice
        li = self.client_for(w.li).get(url).content.decode()
        assert "Thermometers" in li and "Save the status" not in li
        assert self.client_for(w.li).post(reverse("problems:status", args=[problem.pk]),
                                          {"status": "in_progress"}).status_code == 403
        for outsider in (w.bob, w.stranger):
            assert self.client_for(outsider).get(url).status_code == 404

    def test_it_refuses_to_close_without_a_note_on_the_note_field(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice)
        response = self.client_for(w.alice).post(reverse("problems:status", args=[problem.pk]),
                                                 {"status": "closed", "note": ""})
        assert response.status_code == 400
        assert "closing needs a note" in response.context["status_form"].errors["note"][0]
        problem.refresh_from_db()
        assert problem.status == Status.OPEN

    def test_it_assigns_and_refuses_a_blind_assignee(self) -> None:
        w = self.world
        problem = raise_in(w.village_a2, w.alice)
        url = reverse("problems:assign", args=[problem.pk])
        refused = self.client_for(w.alice).post(url, {"assignee": str(w.li.pk)})
        assert refused.status_code == 400
        assert "cannot see Village A2" in refused.context["assign_form"].errors["assignee"][0]
        done = self.client_for(w.alice).post(url, {"assignee_unit": "Town A transport"})
        assert done.status_code == 302
        problem.refresh_from_db()
        assert problem.assignee_unit == "Town A transport"

    def test_it_assigns_with_a_new_due_date_and_shows_it_in_the_history(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice, due_in=3)
        client = self.client_for(w.alice)
        page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
        assert f'name="due_on" value="{(today() + days(3)).isoformat()}"' in page
        url = reverse("problems:assign", args=[problem.pk])
        past = client.post(url, {"assignee_unit": "Town A logistics",
                                 "due_on": (today() - days(1)).isoformat()})
        assert past.status_code == 400
        assert "is in the past" in past.context["assign_form"].errors["due_on"][0]
        bad = client.post(url, {"assignee_unit": "Town A logistics", "due_on": "tomorrow"})
        assert "Enter a valid date." in bad.context["assign_form"].errors["due_on"]
        tomorrow = (today() + days(1)).isoformat()
        done = client.post(url, {"assignee_unit": "Town A logistics", "due_on": tomorrow},
                           follow=True)
        body = done.content.decode()
        assert f'<dd id="due-on">{tomorrow}</dd>' in body
        assert f"→ Town A logistics · due {tomorrow}" in " ".join(body.split())
        problem.refresh_from_db()
        assert (problem.assignee_unit, problem.due_on.isoformat()) == (
            "Town A logistics", tomorrow)

    def test_it_closes_with_evidence_serves_it_and_reopens(self) -> None:
        w = self.world
        problem = raise_in(w.village_a1, w.alice)
        client = self.client_for(w.alice)
        with tempfile.TemporaryDirectory() as media, override_settings(STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND":
                                "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
            response = client.post(reverse("problems:status", args=[problem.pk]), {
                "status": "closed", "note": "500 masks delivered",
                "evidence": SimpleUploadedFile("receipt.txt", b"signed: 500 masks")})
            assert response.status_code == 302
            event = problem.events.get(step=Step.CLOSED)
            download = reverse("problems:evidence", args=[problem.pk, event.pk])
            detail = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
            assert download in detail and "500 masks delivered" in detail
            served = client.get(download)
            assert b"".join(served.streaming_content) == b"signed: 500 masks"  # type: ignore[attr-defined]
            assert 'filename="receipt.txt"' in served["Content-Disposition"]
            assert self.client_for(w.bob).get(download).status_code == 404
        reopen = reverse("problems:reopen", args=[problem.pk])
        assert client.post(reopen, {"note": ""}).status_code == 400
        assert client.post(reopen, {"note": "more needed"}).status_code == 302
        problem.refresh_from_db()
        assert problem.status == Status.OPEN


class DetailIdsTests(BaseTestCase):
    def test_it_gives_every_field_of_the_detail_page_its_own_id(self) -> None:
        problem = raise_in(self.world.village_a1, self.world.alice)
        html = self.client_for(self.world.alice).get(f"/problems/{problem.pk}/").content.decode()
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
