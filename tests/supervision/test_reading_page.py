"""The reading page 待阅: the documents passed to the user, the unread first, those read in the
last 30 days after, the count unread in its heading; nobody else's; a flat query count."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.supervision import documents
from epigrid.supervision.models import Circulation, Document, Urgency
from tests.supervision.helpers import SupervisionTestCase

READING = reverse("supervision:reading")


def listed(body: str) -> list[int]:
    """The ids of the documents the page links to, in its order (each row links twice)."""
    found = re.findall(r'<tr id="circulation-\d+"[^>]*>\s*<td[^>]*><a href="/supervision/'
                       r'documents/(\d+)/">', body)
    return [int(pk) for pk in found]


class ReadingPageTests(SupervisionTestCase):
    def passed(self, title: str, reader: object, **fields: object) -> Document:
        document = self.document(title, area=self.world.town_a, **fields)
        documents.circulate(document, [reader], by=self.guo)
        return document

    def test_it_lists_the_unread_first_then_those_read_lately(self) -> None:
        w = self.world
        read = self.passed("Notice on markets", w.alice)
        documents.mark_read(read, by=w.alice)
        unread = self.passed("Notice on schools", w.alice, urgency=Urgency.URGENT)
        old = self.passed("Notice on buses", w.alice)
        documents.mark_read(old, by=w.alice)
        Circulation.objects.filter(document=old).update(
            read_at=timezone.now() - datetime.timedelta(days=31))
        self.passed("Notice on the hotel", w.command)  # Zhou's, not Alice's
        response = self.client_for(w.alice).get(READING)
        body = response.content.decode()
        self.assertEqual(listed(body), [unread.pk, read.pk])
        self.assertEqual(response.context["unread"], 1)
        self.assertIn('id="unread">1 unread</span>', body)
        self.assertIn('<span class="badge risk-medium">urgent</span>', body)
        self.assertIn(unread.serial, body)
        self.assertIn("City Command", body)
        self.assertNotIn("Notice on the hotel", body)
        self.assertNotIn("Notice on buses", body)

    def test_it_shows_nothing_to_one_passed_nothing(self) -> None:
        self.passed("Notice on markets", self.world.alice)
        for user in (self.world.bob, self.world.stranger):
            response = self.client_for(user).get(READING)
            self.assertEqual((response.status_code, response.context["unread"]), (200, 0))
            self.assertIn("Nothing to read.", response.content.decode())

    def test_it_keeps_its_queries_flat_however_many_documents(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        for number in range(2):
            self.passed(f"Notice {number}", w.alice)
        client.get(READING)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(READING)
        for number in range(8):
            document = self.passed(f"More {number}", w.alice)
            if number % 2:
                documents.mark_read(document, by=w.alice, remarks="Seen")
        # Session, user, home area, the count, the page, the count unread.
        self.assertLessEqual(len(few), 7, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(READING)
        self.assertEqual((len(many.context["circulations"]), many.context["unread"]), (10, 6))
