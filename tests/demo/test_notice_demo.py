"""The demo's morning notice: sent once by the command to the district's officers, two in three
of whom have read it."""

from __future__ import annotations

from epigrid.alerts.models import Notice, Receipt
from epigrid.demo.notice_data import TITLE, send_morning_notice
from tests.base import BaseTestCase


class NoticeDemoTests(BaseTestCase):
    def test_it_sends_the_notice_once_with_two_in_three_read(self) -> None:
        w = self.world
        self.assertEqual(send_morning_notice(w.command), 1)  # of alice and bob
        notice = Notice.objects.get()
        self.assertEqual((notice.title, notice.sent_by, notice.area_path),
                         (TITLE, w.command, w.district.path))
        self.assertEqual(Receipt.objects.filter(notice=notice).count(), 2)
        self.assertEqual(Receipt.objects.filter(read_at__isnull=False).count(), 1)
        self.assertEqual(send_morning_notice(w.command), 0)
        self.assertEqual(Notice.objects.count(), 1)

    def test_it_sends_nothing_where_no_officer_would_read_it(self) -> None:
        w = self.world
        w.alice.is_active = w.bob.is_active = False
        w.alice.save(update_fields=["is_active"])
        w.bob.save(update_fields=["is_active"])
        self.assertEqual(send_morning_notice(w.command), 0)
        self.assertFalse(Notice.objects.exists())
