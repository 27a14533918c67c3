"""Documents 公文: registered with the desk's serial, routed, circulated, read, archived."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from epigrid.alerts.models import Receipt
from epigrid.supervision import access, documents, services
from epigrid.supervision.common import ATTACHMENT_MAX_BYTES
from epigrid.supervision.models import Document, DocumentStatus, Part
from tests.supervision.helpers import SupervisionTestCase, days


class RegisterTest(SupervisionTestCase):
    def test_it_numbers_each_desk_by_the_year_received(self) -> None:
        w = self.world
        year = timezone.localdate().year
        self.assertEqual([self.document().serial, self.document().serial],
                         [f"{year}-0001", f"{year}-0002"])
        self.assertEqual(self.document(area=w.town_a, by=w.command).serial, f"{year}-0001")
        last_year = timezone.localdate().replace(year=year - 1, month=12, day=31)
        self.assertEqual(self.document(received_on=last_year).serial, f"{year - 1}-0001")

    def test_it_keeps_the_file_under_a_name_of_its_own(self) -> None:
        upload = SimpleUploadedFile("通知 12号.pdf", b"%PDF-1.4 notice", "application/pdf")
        document = self.document(attachment=upload)
        self.assertEqual(document.attachment_name, "通知 12号.pdf")
        self.assertTrue(document.attachment.name.endswith(".pdf"))
        self.assertNotIn("通知", document.attachment.name)
        with document.attachment.open("rb") as stored:
            self.assertEqual(stored.read(), b"%PDF-1.4 notice")

    def test_it_names_every_wrong_field(self) -> None:
        big = SimpleUploadedFile("big.pdf", b"x" * (ATTACHMENT_MAX_BYTES + 1))
        with self.assertRaises(ValidationError) as refused:
            self.document(title=" ", issuer="", kind="memo", urgency="now",
                          received_on=days(1), reply_by=days(0), attachment=big)
        self.assertEqual(set(refused.exception.message_dict),
                         {"title", "issuer", "kind", "urgency", "received_on", "reply_by",
                          "attachment"})

    def test_it_takes_a_reply_day_equal_to_the_day_received(self) -> None:
        self.assertEqual(self.document(reply_by=days(0)).reply_by, days(0))

    def test_it_refuses_an_area_out_of_sight(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            self.document(area=self.world.town_b, by=self.world.alice)
        self.assertEqual(list(refused.exception.message_dict), ["area"])


class RouteTest(SupervisionTestCase):
    def test_it_sets_a_task_per_area_the_first_leading(self) -> None:
        w = self.world
        document = self.document(title="Notice on nursing homes")
        with self.captureOnCommitCallbacks(execute=True):
            tasks = documents.route(document, [
                documents.Routing(w.town_a, days(3), Part.ASSIST, "Check every home"),
                documents.Routing(w.town_b, days(4), Part.ASSIST)], by=self.guo)
        self.assertEqual([(t.area, t.part, t.title, t.due_on) for t in tasks],
                         [(w.town_a, Part.LEAD, "Notice on nursing homes", days(3)),
                          (w.town_b, Part.ASSIST, "Notice on nursing homes", days(4))])
        document.refresh_from_db()
        self.assertEqual(document.status, DocumentStatus.ROUTED)
        self.assertEqual(set(Receipt.objects.values_list("user__username", flat=True)),
                         {"alice", "bob"})

    def test_a_named_lead_keeps_its_part(self) -> None:
        w = self.world
        tasks = documents.route(self.document(), [
            documents.Routing(w.town_a, days(3), Part.ASSIST),
            documents.Routing(w.town_b, days(3), Part.LEAD)], by=self.guo)
        self.assertEqual([t.part for t in tasks], [Part.ASSIST, Part.LEAD])

    def test_it_refuses_an_area_twice_or_one_already_handling_it(self) -> None:
        w = self.world
        document = self.document()
        with self.assertRaises(ValidationError) as refused:
            documents.route(document, [documents.Routing(w.town_a, days(1)),
                                       documents.Routing(w.town_a, days(2))], by=self.guo)
        self.assertEqual(list(refused.exception.message_dict), ["areas"])
        documents.route(document, [documents.Routing(w.town_a, days(1))], by=self.guo)
        with self.assertRaises(ValidationError) as refused:
            documents.route(document, [documents.Routing(w.town_a, days(1))], by=self.guo)
        self.assertIn("Dongcheng Town already handles this document.",
                      refused.exception.message_dict["areas"])

    def test_it_names_the_row_of_a_wrong_day(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as refused:
            documents.route(self.document(), [documents.Routing(w.town_a, days(1)),
                                              documents.Routing(w.town_b, days(-1))],
                            by=self.guo)
        self.assertEqual(list(refused.exception.message_dict), ["routings.1.due_on"])
        self.assertFalse(self.document().tasks.exists())  # nothing half-written

    def test_it_refuses_nothing_to_route(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            documents.route(self.document(), [], by=self.guo)
        self.assertEqual(list(refused.exception.message_dict), ["areas"])


class CirculateTest(SupervisionTestCase):
    def test_it_passes_it_once_to_each_and_tells_them(self) -> None:
        w = self.world
        document = self.document()
        with self.captureOnCommitCallbacks(execute=True):
            documents.circulate(document, [w.command, w.medic], by=self.guo)
        self.assertEqual(documents.circulate(document, [w.command], by=self.guo), [])
        self.assertEqual(document.circulations.count(), 2)
        self.assertEqual(set(Receipt.objects.values_list("user__username", flat=True)),
                         {"zhou", "dr_he"})
        self.assertEqual(Receipt.objects.filter(user=w.command).get().notice.title,
                         "To read: Notice on closing the markets")

    def test_it_refuses_a_reader_who_does_not_see_the_document(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as refused:
            documents.circulate(self.document(), [w.command, w.alice], by=self.guo)
        self.assertEqual(refused.exception.message_dict["readers"],
                         ["alice does not see this document's area."])

    def test_readers_are_those_above_and_at_its_area(self) -> None:
        w = self.world
        document = self.document(area=w.town_a, by=w.command)
        self.assertEqual([u.username for u in documents.readers_for(document)],
                         ["admin", "alice", "dr_he", "guo", "zhou"])

    def test_a_reader_marks_it_read_once_and_may_add_remarks(self) -> None:
        w = self.world
        document = self.document()
        documents.circulate(document, [w.command], by=self.guo)
        first = documents.mark_read(document, by=w.command).read_at
        again = documents.mark_read(document, by=w.command, remarks="Agreed; town heads to act")
        self.assertEqual((again.read_at, again.remarks), (first, "Agreed; town heads to act"))

    def test_someone_not_on_the_list_cannot_mark_it_read(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            documents.mark_read(self.document(), by=self.world.medic)
        self.assertEqual(list(refused.exception.message_dict), ["__all__"])


class ArchiveTest(SupervisionTestCase):
    def test_it_waits_for_every_task_then_archives_once(self) -> None:
        w = self.world
        document = self.document()
        lead, assist = documents.route(document, [documents.Routing(w.town_a, days(1)),
                                                  documents.Routing(w.town_b, days(1))],
                                       by=self.guo)
        services.report_done(lead, by=w.alice, report="Done")
        with self.assertRaises(ValidationError) as refused:
            documents.archive(document, by=self.guo)
        self.assertEqual(refused.exception.message_dict["__all__"],
                         ["2 of its tasks are still in hand."])
        services.accept(lead, by=self.guo)
        services.withdraw(assist, by=self.guo, note="Town A did it all")
        documents.archive(document, by=self.guo, note="File 2020-17")
        document.refresh_from_db()
        self.assertEqual((document.status, document.archive_note),
                         (DocumentStatus.ARCHIVED, "File 2020-17"))
        with self.assertRaises(ValidationError):
            documents.archive(document, by=self.guo)
        with self.assertRaises(ValidationError):
            documents.route(document, [documents.Routing(w.town_a, days(1))], by=self.guo)

    def test_a_document_never_routed_is_archived_at_once(self) -> None:
        document = documents.archive(self.document(), by=self.guo, note="For information")
        self.assertEqual((document.status, document.archive_note),
                         (DocumentStatus.ARCHIVED, "For information"))


class SightTest(SupervisionTestCase):
    def test_a_town_reads_what_was_routed_to_it_and_nothing_else(self) -> None:
        w = self.world
        routed, kept = self.document(title="Routed"), self.document(title="Kept")
        documents.route(routed, [documents.Routing(w.town_a, days(2))], by=self.guo)
        self.assertEqual(list(Document.objects.restrict(w.alice)), [routed])
        self.assertEqual(list(Document.objects.restrict(w.bob)), [])
        self.assertEqual(set(Document.objects.restrict(self.guo)), {routed, kept})
        self.assertEqual(list(Document.objects.restrict(w.stranger)), [])

    def test_only_the_receiving_desk_manages_it(self) -> None:
        from epigrid.accounts.services import create_user
        from epigrid.core.access import Role
        w = self.world
        document = self.document()
        documents.route(document, [documents.Routing(w.town_a, days(2))], by=self.guo)
        town_command = create_user(username="a_cmd", password="x", role=Role.COMMAND,
                                   home_area=w.town_a)
        self.assertEqual([access.may_manage_document(u, document)
                          for u in (self.guo, w.command, town_command, w.alice)],
                         [True, True, False, False])
