"""Two desks registering documents at once: the second waits for the first's number, then takes
the next (PostgreSQL: the area's row lock)."""

from __future__ import annotations

import threading
import unittest

from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from epigrid.supervision import documents
from epigrid.supervision.models import Document
from tests.base import World
from tests.sessions import other_session


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's row locks")
class RegisterAtOnceTests(TransactionTestCase):
    def test_it_waits_for_the_other_desk_and_takes_the_next_serial(self) -> None:
        w = World()
        year = timezone.localdate().year
        with other_session() as desk:
            # The other desk's document 0001, written under the lock and not yet committed.
            desk.execute("BEGIN")
            desk.execute("SELECT id FROM areas_area WHERE id = %s FOR UPDATE", [w.district.pk])
            desk.execute(
                "INSERT INTO supervision_document (area_id, serial, reference, title, issuer,"
                " kind, urgency, received_on, summary, attachment, attachment_name, status,"
                " archive_note, created_at, updated_at) VALUES (%s, %s, '', 'First', 'City',"
                " 'notice', 'normal', %s, '', '', '', 'registered', '', %s, %s)",
                [w.district.pk, f"{year}-0001", timezone.localdate(), timezone.now(),
                 timezone.now()])
            threading.Timer(0.5, lambda: desk.execute("COMMIT")).start()
            second = documents.register_document(
                w.district, by=w.command, title="Second", issuer="City",
                kind="notice", received_on=timezone.localdate())
        self.assertEqual(second.serial, f"{year}-0002")
        self.assertEqual(sorted(Document.objects.values_list("serial", flat=True)),
                         [f"{year}-0001", f"{year}-0002"])
