"""Documents through the API: registered at the desk's home area (SUPERVISE), numbered in its
register; listed by key, the latest first; shown with the tasks the caller sees and their
circulation; routed (a task per area, each told), circulated to those who may read it (each
told), read by the reader, archived once no task is in hand; refusals naming the field with
nothing written, 403 without SUPERVISE, 404 for a document out of sight."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils import timezone

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Receipt
from epigrid.core.access import Role
from epigrid.supervision import documents, services
from epigrid.supervision.models import (
    Circulation,
    Document,
    DocumentStatus,
    Part,
    Task,
    TaskStatus,
)
from tests.base import PASSWORD
from tests.supervision.helpers import SupervisionTestCase, days

URL = "/api/supervision/documents"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def errors_of(response: Any) -> dict[str, str]:
    """The refused fields by name (`routings.1.area`), `` for the whole body."""
    assert response.status_code == 422, response.content
    return {".".join(str(part) for part in detail["loc"][1:] if part != "payload"):
            detail["msg"] for detail in response.json()["detail"]}


def inbox(user: Any) -> list[str]:
    return list(Receipt.objects.filter(user=user).order_by("pk")
                .values_list("notice__title", flat=True))


class RegisterTests(SupervisionTestCase):
    def body(self, **fields: Any) -> dict[str, Any]:
        return {"title": "Notice on closing the markets", "issuer": "City Command",
                "kind": "notice", "urgency": "urgent", "reference": "City [2020] No. 12",
                "received_on": days(0).isoformat(), "reply_by": days(3).isoformat(),
                "summary": "Close every wet market.", **fields}

    def test_it_registers_at_the_desks_home_area_numbered_in_its_register(self) -> None:
        w = self.world
        year = timezone.localdate().year
        guo = self.client_for(self.guo)
        response = post(guo, URL, self.body())
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["area_name"], body["serial"], body["title"], body["kind"],
                body["urgency"], body["reply_by"], body["status"], body["registered_by"],
                body["attachment_url"], body["tasks"], body["circulation"]) == (
            "Qingshan District", f"{year}-0001", "Notice on closing the markets", "notice",
            "urgent", days(3).isoformat(), "registered", "guo", None, [], [])
        stored = Document.objects.get(pk=body["id"])
        assert (stored.area, stored.registered_by, stored.summary) == (
            w.district, self.guo, "Close every wet market.")
        town = post(guo, URL, self.body(area=w.town_a.pk, received_on=None)).json()
        assert (town["area_name"], town["serial"], town["received_on"]) == (
            "Dongcheng Town", f"{year}-0001", days(0).isoformat())
        assert post(guo, URL, self.body()).json()["serial"] == f"{year}-0002"

    def test_it_names_each_bad_input_and_writes_nothing(self) -> None:
        w = self.world
        zhou = self.client_for(w.command)
        assert errors_of(post(zhou, URL, self.body(title=" "))) == {
            "title": "Give the document's title."}
        assert list(errors_of(post(zhou, URL, self.body(received_on=days(1).isoformat(),
                                                        reply_by=None)))) == ["received_on"]
        assert list(errors_of(post(zhou, URL, self.body(reply_by=days(-1).isoformat())))) == [
            "reply_by"]
        assert list(errors_of(post(zhou, URL, self.body(kind="memo")))) == ["kind"]
        for area in (w.city.pk, 999_999, 2**70):  # above the district, missing, too large
            assert list(errors_of(post(zhou, URL, self.body(area=area)))) == ["area"], area
        assert not Document.objects.exists()

    def test_it_needs_a_supervising_role(self) -> None:
        w = self.world
        for user in (w.alice, w.bob, w.li, w.stranger):
            assert post(self.client_for(user), URL, self.body()).status_code == 403
        assert not Document.objects.exists()


class ListTests(SupervisionTestCase):
    def test_it_lists_the_latest_first_by_key_within_sight(self) -> None:
        w = self.world
        district = self.document("Notice on closing the markets")
        town_a = self.document("Letter on the fever clinic", area=w.town_a)
        town_b = self.document("Report on the hotel", area=w.town_b, kind="report")
        documents.archive(district, by=self.guo)
        guo = self.client_for(self.guo)
        first = guo.get(URL, {"limit": 2}).json()
        assert [row["id"] for row in first["items"]] == [town_b.pk, town_a.pk]
        rest = guo.get(URL, {"limit": 2, "after": first["next_after"]}).json()
        assert ([row["id"] for row in rest["items"]], rest["next_after"]) == ([district.pk], None)
        assert [row["id"] for row in guo.get(URL, {"status": "archived"}).json()["items"]] == [
            district.pk]
        assert [row["title"] for row in guo.get(URL, {"q": "HOTEL"}).json()["items"]] == [
            "Report on the hotel"]
        assert [row["id"] for row in guo.get(URL, {"q": town_a.serial}).json()["items"]] == [
            town_b.pk, town_a.pk, district.pk]
        alice = self.client_for(w.alice).get(URL).json()
        assert [row["area_name"] for row in alice["items"]] == ["Dongcheng Town"]
        assert [row["id"] for row in self.client_for(w.bob).get(URL).json()["items"]] == [
            town_b.pk]

    def test_it_keeps_its_queries_flat_however_many_documents(self) -> None:
        w = self.world
        client = self.client_for(w.command)
        for n in range(2):
            self.document(f"Notice {n}")
        # session, user, home area, a page of documents (with area and registrar)
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 2
        for n in range(8):
            self.document(f"Letter {n}", area=(w.town_a, w.town_b)[n % 2],
                          by=(self.guo, w.command)[n % 2])
        with self.assertNumQueries(4):
            assert len(client.get(URL).json()["items"]) == 10


class DetailTests(SupervisionTestCase):
    def test_it_shows_the_tasks_the_caller_sees_and_who_read_it(self) -> None:
        w = self.world
        w.alice.phone = "13700001111"
        w.alice.save()
        document = self.document(area=w.town_a)  # routed to town B too
        documents.route(document, [documents.Routing(w.town_a, days(3)),
                                   documents.Routing(w.town_b, days(4), Part.ASSIST)],
                        by=self.guo)
        documents.circulate(document, [w.alice], by=self.guo)
        documents.mark_read(document, by=w.alice, remarks="Will do.")
        body = self.client_for(self.guo).get(f"{URL}/{document.pk}").json()
        assert [(task["area_name"], task["part"], task["status"]) for task in body["tasks"]] == [
            ("Dongcheng Town", "lead", "open"), ("Xihe Town", "assist", "open")]
        [read] = body["circulation"]
        assert (read["reader_id"], read["reader"], read["sent_by"], read["remarks"]) == (
            w.alice.pk, "alice", "guo", "Will do.")
        assert read["read_at"] is not None and body["status"] == "routed"
        alices = self.client_for(w.alice).get(f"{URL}/{document.pk}")
        assert [task["area_name"] for task in alices.json()["tasks"]] == ["Dongcheng Town"]
        assert "13700001111" not in alices.content.decode()
        # Bob's town was routed the document: he reads it, with his own task only.
        bobs = self.client_for(w.bob).get(f"{URL}/{document.pk}").json()
        assert [task["area_name"] for task in bobs["tasks"]] == ["Xihe Town"]
        unrouted = self.document("Letter on the fever clinic", area=w.town_a)
        for missing in (unrouted.pk, 999_999):
            assert self.client_for(w.bob).get(f"{URL}/{missing}").status_code == 404


class RouteTests(SupervisionTestCase):
    def url(self, document: Document) -> str:
        return f"{URL}/{document.pk}/route"

    def test_it_sets_a_task_for_each_area_and_tells_them(self) -> None:
        w = self.world
        document = self.document()
        with self.captureOnCommitCallbacks(execute=True):
            response = post(self.client_for(self.guo), self.url(document), {"routings": [
                {"area": w.town_a.pk, "due_on": days(3).isoformat(),
                 "instructions": "Close every market."},
                {"area": w.town_b.pk, "due_on": days(4).isoformat()}]})
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == "routed"
        assert list(Task.objects.filter(document=document).order_by("pk").values_list(
            "area__name", "part", "due_on", "instructions", "issuer_area__name")) == [
            ("Dongcheng Town", Part.LEAD, days(3), "Close every market.", "Qingshan District"),
            ("Xihe Town", Part.ASSIST, days(4), "", "Qingshan District")]
        assert inbox(w.alice) == ["New task: Notice on closing the markets"]
        assert inbox(w.bob) == ["New task: Notice on closing the markets"]

    def test_it_names_each_bad_routing_and_writes_nothing(self) -> None:
        w = self.world
        document = self.document()
        zhou = self.client_for(w.command)

        def routing(area: Any, due: int = 3) -> dict[str, Any]:
            return {"area": area.pk if hasattr(area, "pk") else area,
                    "due_on": days(due).isoformat()}

        twice = post(zhou, self.url(document), {"routings": [routing(w.town_a),
                                                             routing(w.town_a)]})
        assert errors_of(twice) == {"routings": "An area is named twice."}
        assert list(errors_of(post(zhou, self.url(document), {"routings": [
            routing(w.town_a), routing(w.town_b, -1)]}))) == ["routings.1.due_on"]
        assert errors_of(post(zhou, self.url(document), {"routings": [
            routing(w.town_a), routing(w.city)]})) == {
            "routings.1.area": f"No area {w.city.pk} among the areas you may see."}
        assert list(errors_of(post(zhou, self.url(document), {"routings": []}))) == ["routings"]
        assert list(errors_of(post(zhou, self.url(document), {"routings": [
            routing(w.town_a) | {"part": "chief"}]}))) == ["routings.0.part"]
        assert not Task.objects.exists()
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.REGISTERED

    def test_it_needs_a_supervising_role_and_the_document_in_sight(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        routings = {"routings": [{"area": w.village_a1.pk, "due_on": days(3).isoformat()}]}
        assert post(self.client_for(w.alice), self.url(document), routings).status_code == 403
        assert post(self.client_for(w.bob), self.url(document), routings).status_code == 404
        assert not Task.objects.exists()

    def test_it_leaves_a_document_to_the_desk_that_received_it(self) -> None:
        """Town B's command reads the district's document routed to town B; it does not route,
        circulate or archive it."""
        w = self.world
        wu = create_user(username="wu", password=PASSWORD, role=Role.COMMAND,
                         home_area=w.town_b)
        document = self.document()
        documents.route(document, [documents.Routing(w.town_b, days(3))], by=self.guo)
        client = self.client_for(wu)
        assert client.get(f"{URL}/{document.pk}").json()["title"] == document.title
        for action, data in (("route", {"routings": [{"area": w.village_b1.pk,
                                                      "due_on": days(2).isoformat()}]}),
                             ("circulate", {"readers": [wu.pk]}), ("archive", {})):
            refused = post(client, f"{URL}/{document.pk}/{action}", data)
            assert refused.status_code == 403, action
        assert Task.objects.count() == 1 and not Circulation.objects.exists()


class CirculateTests(SupervisionTestCase):
    def url(self, document: Document, action: str = "circulate") -> str:
        return f"{URL}/{document.pk}/{action}"

    def test_it_passes_it_to_each_reader_once_and_tells_them(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        guo = self.client_for(self.guo)
        with self.captureOnCommitCallbacks(execute=True):
            response = post(guo, self.url(document), {"readers": [w.alice.pk, w.command.pk,
                                                                  w.alice.pk]})
            again = post(guo, self.url(document), {"readers": [w.alice.pk]})
        assert response.status_code == 200 == again.status_code, response.json()
        assert [row["reader"] for row in again.json()["circulation"]] == ["alice", "zhou"]
        assert Circulation.objects.filter(document=document).count() == 2
        assert inbox(w.alice) == inbox(w.command) == [
            "To read: Notice on closing the markets"]

    def test_it_lists_who_may_read_it_to_the_receiving_desk_only(self) -> None:
        w = self.world
        document = self.document(area=w.town_a, by=w.command)
        url = self.url(document, "readers")
        response = self.client_for(self.guo).get(url)
        assert response.status_code == 200
        assert [(row["name"], row["area"]) for row in response.json()] == [
            ("admin", None), ("alice", "Dongcheng Town"), ("dr_he", "Qingshan District"),
            ("guo", "Qingshan District"), ("zhou", "Qingshan District")]
        assert {row["id"] for row in response.json()} >= {w.alice.pk, w.command.pk}
        assert self.client_for(w.alice).get(url).status_code == 403  # handles, not manages
        assert self.client_for(w.bob).get(url).status_code == 404

    def test_it_refuses_a_reader_who_may_not_read_it_as_one_unknown(self) -> None:
        w = self.world
        document = self.document()  # the district's: Bob, of town B, does not see it
        zhou = self.client_for(w.command)
        blind = errors_of(post(zhou, self.url(document), {"readers": [w.alice.pk, w.bob.pk]}))
        missing = errors_of(post(zhou, self.url(document), {"readers": [999_999]}))
        assert blind == {"readers": f"No user {w.bob.pk} who may read this document."}
        assert missing == {"readers": "No user 999999 who may read this document."}
        assert list(errors_of(post(zhou, self.url(document), {"readers": []}))) == ["readers"]
        assert post(self.client_for(w.alice), self.url(self.document(area=w.town_a)),
                    {"readers": [w.alice.pk]}).status_code == 403
        assert post(self.client_for(w.bob), self.url(document),
                    {"readers": [w.bob.pk]}).status_code == 404
        assert not Circulation.objects.exists()

    def test_its_reader_marks_it_read_with_remarks(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        documents.circulate(document, [w.alice], by=self.guo)
        alice = self.client_for(w.alice)
        response = post(alice, self.url(document, "read"), {"remarks": "Markets closed."})
        assert response.status_code == 200, response.json()
        [read] = response.json()["circulation"]
        assert (read["reader"], read["remarks"]) == ("alice", "Markets closed.")
        stored = Circulation.objects.get(document=document, reader=w.alice)
        assert stored.read_at is not None and stored.remarks == "Markets closed."
        not_passed = post(self.client_for(w.command), self.url(document, "read"), {})
        assert errors_of(not_passed) == {"": "The document was not passed to you to read."}
        assert post(self.client_for(w.bob), self.url(document, "read"), {}).status_code == 404


class ArchiveTests(SupervisionTestCase):
    def test_it_archives_once_no_task_is_in_hand(self) -> None:
        w = self.world
        document = self.document()
        [task] = documents.route(document, [documents.Routing(w.town_a, days(3))], by=self.guo)
        url = f"{URL}/{document.pk}/archive"
        guo = self.client_for(self.guo)
        assert errors_of(post(guo, url, {"note": "Done"})) == {
            "": "1 of its tasks are still in hand."}
        assert post(self.client_for(w.alice), url, {}).status_code == 403
        assert post(self.client_for(w.bob), url, {}).status_code == 404
        services.withdraw(task, by=self.guo, note="Markets reopened")
        response = post(guo, url, {"note": "Filed under 2020/12"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["status"], body["archive_note"], body["tasks"][0]["status"]) == (
            "archived", "Filed under 2020/12", TaskStatus.CANCELLED)
        assert Document.objects.get(pk=document.pk).archived_at is not None
        assert list(errors_of(post(guo, url, {}))) == [""]
