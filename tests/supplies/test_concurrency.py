"""Two desks issuing from one warehouse at once: the second waits for the first, then finds
what is left (PostgreSQL: the warehouse's row lock)."""

from __future__ import annotations

import threading
import unittest

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Category, Item, Movement
from epigrid.supplies.stock import balance
from tests.base import World
from tests.sessions import other_session


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's row locks")
class IssueAtOnceTests(TransactionTestCase):
    def test_it_waits_for_the_other_desk_and_refuses_the_overdraft(self) -> None:
        w = World()
        n95 = Item.objects.create(code="n95", name="N95 mask", unit="pcs",
                                  category=Category.MASKS)
        services.receive(w.warehouse_a, n95, 100, by=None)
        with other_session() as desk:
            # The other desk's issue of 60, written under the lock and not yet committed.
            desk.execute("BEGIN")
            desk.execute("SELECT id FROM areas_warehouse WHERE id = %s FOR UPDATE",
                         [w.warehouse_a.pk])
            desk.execute(
                "INSERT INTO supplies_movement (warehouse_id, area_path, item_id, kind, quantity,"
                " at, party, note, recorded_at) VALUES (%s, %s, %s, 'issue', -60, %s, 'gate',"
                " '', %s)", [w.warehouse_a.pk, w.town_a.path, n95.pk, timezone.now(),
                             timezone.now()])
            threading.Timer(0.5, lambda: desk.execute("COMMIT")).start()
            with self.assertRaises(ValidationError) as refused:
                services.issue(w.warehouse_a, n95, 60, by=w.command, party="clinic")
        self.assertIn("holds only 40 pcs", str(refused.exception.message_dict))
        self.assertEqual(balance(w.warehouse_a, n95), 40)
        self.assertEqual(Movement.objects.count(), 2)
