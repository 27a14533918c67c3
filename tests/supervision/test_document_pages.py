"""Document pages 公文: the register (who sees what, search, status, urgency, a flat query
count), registering a document with its file, a document's page, its attachment, and routing
分办, circulating 传阅, marking read and archiving 归档: who may, and refusals on their fields."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.alerts.models import Notice
from epigrid.supervision import documents, services
from epigrid.supervision.models import (
    Circulation,
    Document,
    DocumentStatus,
    Part,
    Task,
    Urgency,
)
from tests.supervision.helpers import SupervisionTestCase, days

LIST = reverse("supervision:documents")
NEW = reverse("supervision:document_new")


def listed(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="document-(\d+)"', body)]


def url(name: str, document: Document) -> str:
    return reverse(f"supervision:{name}", args=[document.pk])


class DocumentListTests(SupervisionTestCase):
    def test_it_lists_the_documents_each_user_sees_newest_first(self) -> None:
        w = self.world
        district = self.document(received_on=days(-2))
        town_a = self.document("Notice on fever clinics", area=w.town_a)
        town_b = self.document("Notice on the hotel", area=w.town_b, received_on=days(-1))
        self.assertEqual(listed(self.client_for(self.guo).get(LIST).content.decode()),
                         [town_a.pk, town_b.pk, district.pk])
        alice = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(listed(alice), [town_a.pk])
        self.assertNotIn("Notice on the hotel", alice)
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()), [town_b.pk])
        self.assertEqual(listed(self.client_for(w.stranger).get(LIST).content.decode()), [])

    def test_it_lists_a_document_to_the_areas_it_was_routed_to(self) -> None:
        w = self.world
        document = self.document()
        documents.route(document, [documents.Routing(w.village_a1, days(2))], by=self.guo)
        self.assertEqual(listed(self.client_for(w.alice).get(LIST).content.decode()),
                         [document.pk])
        self.assertEqual(listed(self.client_for(w.bob).get(LIST).content.decode()), [])

    def test_it_searches_and_filters_by_status(self) -> None:
        w = self.world
        markets = self.document(reference="City Command [2020] No. 12")
        masks = self.document("Letter on masks", issuer="Provincial Health Commission",
                              reference="PHC [2020] No. 3")
        documents.route(masks, [documents.Routing(w.town_a, days(2))], by=self.guo)
        client = self.client_for(self.guo)

        def ids(query: str) -> list[int]:
            return listed(client.get(LIST + query).content.decode())

        self.assertEqual(ids("?q=markets"), [markets.pk])
        self.assertEqual(ids("?q=provincial"), [masks.pk])
        self.assertEqual(ids("?q=No. 12"), [markets.pk])
        self.assertEqual(ids(f"?q={masks.serial}"), [masks.pk])
        self.assertEqual(ids("?status=routed"), [masks.pk])
        self.assertEqual(ids("?status=registered"), [markets.pk])
        self.assertEqual(ids("?status=archived"), [])
        self.assertEqual(ids("?status=any"), [masks.pk, markets.pk])

    def test_it_marks_urgent_documents(self) -> None:
        self.document(urgency=Urgency.VERY_URGENT)
        body = self.client_for(self.guo).get(LIST).content.decode()
        self.assertIn('<span class="badge risk-high">very urgent</span>', body)

    def test_it_keeps_its_queries_flat_however_many_documents(self) -> None:
        client = self.client_for(self.guo)
        for number in range(2):
            self.document(f"Notice {number}")
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(8):
            self.document(f"More {number}", area=self.world.town_a)
        # Session, user, home area, the count, the page.
        self.assertLessEqual(len(few), 6, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["documents"]), 10)


class RegisterDocumentPageTests(SupervisionTestCase):
    def form(self, **fields: Any) -> dict[str, Any]:
        return {"area": self.world.district.pk, "reference": "City Command [2020] No. 12",
                "title": "Notice on closing the markets", "issuer": "City Command",
                "kind": "notice", "urgency": "urgent",
                "received_on": timezone.localdate().isoformat(),
                "reply_by": days(3).isoformat(), "summary": "Close all markets."} | fields

    def test_it_registers_a_document_with_its_file_and_shows_its_serial(self) -> None:
        scan = SimpleUploadedFile("Notice 12.pdf", b"%PDF-1.4 the notice")
        response = self.client_for(self.guo).post(NEW, self.form(attachment=scan), follow=True)
        document = Document.objects.get()
        self.assertRedirects(response, url("document", document))
        serial = f"{timezone.localdate().year}-0001"
        self.assertEqual((document.serial, document.area, document.urgency,
                          document.reply_by, document.attachment_name, document.registered_by),
                         (serial, self.world.district, Urgency.URGENT, days(3), "Notice 12.pdf",
                          self.guo))
        self.assertIn(f"Registered as {serial} in the register of Qingshan District.",
                      response.content.decode())
        download = self.client_for(self.guo).get(url("document_attachment", document))
        self.assertEqual(b"".join(download.streaming_content),  # type: ignore[attr-defined]
                         b"%PDF-1.4 the notice")
        self.assertIn('attachment; filename="Notice 12.pdf"', download["Content-Disposition"])

    def test_it_refuses_bad_input_on_its_fields(self) -> None:
        client = self.client_for(self.guo)
        response = client.post(NEW, self.form(title=" ", issuer=""))
        self.assertEqual(response.status_code, 400)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["Give the document's title."])
        self.assertEqual(errors["issuer"], ["Say who issued the document."])
        late = client.post(NEW, self.form(received_on=days(1).isoformat(),
                                          reply_by=days(2).isoformat()))
        self.assertEqual(late.context["form"].errors["received_on"],
                         [f"{days(1).isoformat()} is in the future."])
        before = client.post(NEW, self.form(received_on=days(-1).isoformat(),
                                            reply_by=days(-2).isoformat()))
        self.assertIn("reply_by", before.context["form"].errors)
        self.assertFalse(Document.objects.exists())

    def test_it_offers_the_desks_own_area_first_and_refuses_another(self) -> None:
        w = self.world
        form = self.client_for(self.guo).get(NEW).context["form"]
        self.assertEqual(form.fields["area"].initial, w.district.pk)
        self.assertEqual(form.fields["received_on"].initial, timezone.localdate())
        zhou = self.client_for(w.command)
        self.assertEqual(zhou.post(NEW, self.form(area=w.town_a.pk)).status_code, 302)
        self.assertEqual(Document.objects.get().area, w.town_a)
        # An admin sees everything; a desk of town A not the district.
        self.assertEqual(self.client_for(w.admin).post(NEW, self.form()).status_code, 302)

    def test_it_lets_only_the_desks_in(self) -> None:
        w = self.world
        self.assertEqual(self.client_for(w.alice).get(NEW).status_code, 403)
        self.assertEqual(self.client_for(w.alice).post(NEW, self.form(
            area=w.town_a.pk)).status_code, 403)
        self.assertFalse(Document.objects.exists())


class DocumentDetailTests(SupervisionTestCase):
    def test_it_shows_the_document_its_tasks_and_its_readers(self) -> None:
        w = self.world
        document = self.document(summary="Close every market by Friday.")
        documents.route(document, [documents.Routing(w.town_a, days(2)),
                                   documents.Routing(w.town_b, days(3), Part.ASSIST)],
                        by=self.guo)
        documents.circulate(document, [w.command], by=self.guo)
        documents.mark_read(document, by=w.command, remarks="Agreed; see to it.")
        response = self.client_for(self.guo).get(url("document", document))
        body = response.content.decode()
        self.assertIn(f'<dd id="serial">{document.serial}</dd>', body)
        self.assertIn("Close every market by Friday.", body)
        self.assertEqual([(task.area, task.part) for task in response.context["tasks"]],
                         [(w.town_a, Part.LEAD), (w.town_b, Part.ASSIST)])
        self.assertIn("Agreed; see to it.", body)
        self.assertNotIn('id="attachment"', body)
        for name in ("route_form", "circulate_form", "archive_form"):
            self.assertIsNotNone(response.context[name], name)
        self.assertIsNone(response.context["read_form"])
        readers = response.context["circulate_form"].fields["readers"].queryset
        self.assertNotIn(w.command, readers)  # Zhou has it already
        self.assertIn(self.guo, readers)
        self.assertNotIn(w.alice, readers)  # town A does not see the district's register

    def test_it_hides_a_document_from_those_outside_its_area(self) -> None:
        w = self.world
        document = self.document(attachment=SimpleUploadedFile("n.pdf", b"%PDF"))
        for user in (w.alice, w.bob):
            client = self.client_for(user)
            self.assertEqual(client.get(url("document", document)).status_code, 404)
            self.assertEqual(client.get(url("document_attachment", document)).status_code,
                             404)
            self.assertEqual(client.post(url("document_read", document)).status_code, 404)

    def test_it_answers_404_for_a_document_without_a_file(self) -> None:
        document = self.document()
        self.assertEqual(self.client_for(self.guo).get(url("document_attachment", document))
                         .status_code, 404)


class RouteTests(SupervisionTestCase):
    def form(self, *rows: tuple[Any, ...]) -> dict[str, Any]:
        """Rows (form row number, area, due day[, part]); the others empty."""
        data: dict[str, Any] = {}
        for number, area, due_on, *part in rows:
            data |= {f"area_{number}": area.pk, f"due_on_{number}": due_on.isoformat(),
                     f"part_{number}": part[0] if part else Part.ASSIST,
                     f"instructions_{number}": "Report by noon."}
        return data

    def test_it_routes_to_each_filled_row_ignoring_empty_ones(self) -> None:
        w = self.world
        document = self.document()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client_for(self.guo).post(url("document_route", document), self.form(
                (0, w.town_a, days(2), Part.LEAD), (3, w.village_b1, days(4))), follow=True)
        self.assertRedirects(response, url("document", document))
        self.assertIn("The document is routed to 2 areas.", response.content.decode())
        tasks = Task.objects.filter(document=document).order_by("id")
        self.assertEqual([(t.area, t.part, t.due_on, t.title) for t in tasks],
                         [(w.town_a, Part.LEAD, days(2), document.title),
                          (w.village_b1, Part.ASSIST, days(4), document.title)])
        document.refresh_from_db()
        self.assertEqual(document.status, DocumentStatus.ROUTED)

    def test_it_refuses_an_area_named_twice_and_a_day_past_on_its_row(self) -> None:
        w = self.world
        document = self.document()
        client = self.client_for(self.guo)
        twice = client.post(url("document_route", document), self.form(
            (0, w.town_a, days(2)), (1, w.town_a, days(3))))
        self.assertEqual(twice.status_code, 400)
        self.assertEqual(twice.context["route_form"].non_field_errors(),
                         ["An area is named twice."])
        # The second routing given is the form's third row (the second is empty).
        past = client.post(url("document_route", document), self.form(
            (0, w.town_a, days(2)), (2, w.town_b, days(-1))))
        self.assertEqual(past.context["route_form"].errors["due_on_2"],
                         [f"{days(-1).isoformat()} has passed."])
        self.assertIn(f"{days(-1).isoformat()} has passed.", past.content.decode())
        no_day = client.post(url("document_route", document), {"area_0": w.town_a.pk})
        self.assertEqual(no_day.context["route_form"].errors["due_on_0"],
                         ["Give the day it is due."])
        self.assertFalse(Task.objects.exists())

    def test_it_lets_only_the_desks_route(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        self.assertEqual(self.client_for(w.alice).post(url("document_route", document),
                                                       self.form((0, w.village_a1, days(2))))
                         .status_code, 403)
        self.assertEqual(self.client_for(w.bob).post(url("document_route", document),
                                                     self.form((0, w.village_b1, days(2))))
                         .status_code, 404)
        self.assertFalse(Task.objects.exists())


class CirculateReadArchiveTests(SupervisionTestCase):
    def test_it_circulates_to_readers_who_are_told(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        client = self.client_for(self.guo)
        refused = client.post(url("document_circulate", document), {})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["circulate_form"].errors["readers"],
                         ["Choose who should read the document."])
        outsider = client.post(url("document_circulate", document), {"readers": [w.bob.pk]})
        self.assertEqual(outsider.context["circulate_form"].errors["readers"],
                         ["Choose readers from the list."])
        with self.captureOnCommitCallbacks(execute=True):
            sent = client.post(url("document_circulate", document),
                               {"readers": [w.alice.pk, w.command.pk]}, follow=True)
        self.assertIn("The document is passed to 2 readers.", sent.content.decode())
        self.assertEqual(set(Circulation.objects.values_list("reader", flat=True)),
                         {w.alice.pk, w.command.pk})
        self.assertTrue(Notice.objects.filter(title__contains=document.title).exists())
        self.assertEqual(self.client_for(w.alice).post(url("document_circulate", document), {
            "readers": [w.li.pk]}).status_code, 403)

    def test_it_lets_a_reader_mark_it_read_with_remarks(self) -> None:
        w = self.world
        document = self.document(area=w.town_a)
        documents.circulate(document, [w.alice], by=self.guo)
        client = self.client_for(w.alice)
        page = client.get(url("document", document))
        self.assertIsNotNone(page.context["read_form"])
        self.assertIsNone(page.context["route_form"])
        response = client.post(url("document_read", document), {"remarks": "Seen; acting."})
        self.assertRedirects(response, url("document", document))
        circulation = Circulation.objects.get()
        self.assertIsNotNone(circulation.read_at)
        self.assertEqual(circulation.remarks, "Seen; acting.")
        # One it was not passed to is refused on the page.
        other = self.client_for(w.command).post(url("document_read", document), {})
        self.assertEqual(other.status_code, 400)
        self.assertIn("The document was not passed to you to read.", other.content.decode())

    def test_it_archives_once_no_task_is_in_hand(self) -> None:
        w = self.world
        document = self.document()
        [task] = documents.route(document, [documents.Routing(w.town_a, days(2))], by=self.guo)
        client = self.client_for(self.guo)
        refused = client.post(url("document_archive", document), {"note": "done"})
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(refused.context["archive_form"].non_field_errors(),
                         ["1 of its tasks are still in hand."])
        services.report_done(task, by=w.alice, report="Closed")
        services.accept(task, by=self.guo)
        # Alice reads what was routed to town A, but archives nothing.
        self.assertEqual(self.client_for(w.alice).post(url("document_archive", document), {
            "note": "mine"}).status_code, 403)
        response = client.post(url("document_archive", document), {"note": "All closed."})
        self.assertRedirects(response, url("document", document))
        document.refresh_from_db()
        self.assertEqual((document.status, document.archive_note),
                         (DocumentStatus.ARCHIVED, "All closed."))
        page = client.get(url("document", document)).context
        self.assertIsNone(page["route_form"])
        self.assertIsNone(page["archive_form"])
