"""notify(): a notice reaches the users of the target subtrees with the target roles only."""

from __future__ import annotations

from epigrid.alerts.models import Receipt
from epigrid.alerts.services import notify
from epigrid.core.access import Role
from tests.base import BaseTestCase


class NotifyTests(BaseTestCase):
    def recipients(self, notice_id: int) -> set[str]:
        return set(Receipt.objects.filter(notice_id=notice_id).values_list("user__username",
                                                                           flat=True))

    def test_it_reaches_the_officers_of_the_subtree(self) -> None:
        notice = notify([self.world.town_a], [Role.AREA_OFFICER, Role.GRID_WORKER],
                        "Fever at East Road", link="/cases/1/")
        self.assertEqual(self.recipients(notice.pk), {"alice", "li"})
        self.assertEqual(notice.area_path, self.world.town_a.path)

    def test_it_reaches_no_one_above_the_target(self) -> None:
        notice = notify([self.world.village_a1], [Role.COMMAND, Role.AREA_OFFICER], "x")
        self.assertEqual(self.recipients(notice.pk), set())

    def test_it_takes_several_areas_and_paths(self) -> None:
        notice = notify([self.world.town_a, self.world.town_b.path], [Role.AREA_OFFICER], "x")
        self.assertEqual(self.recipients(notice.pk), {"alice", "bob"})

    def test_it_keeps_to_the_areas_themselves_when_exact(self) -> None:
        notice = notify([self.world.town_a, self.world.grid_a1_1], [Role.AREA_OFFICER,
                                                                   Role.GRID_WORKER], "x",
                        exact=True)
        self.assertEqual(self.recipients(notice.pk), {"alice", "li"})
        notice = notify([self.world.district], [Role.AREA_OFFICER, Role.GRID_WORKER], "x",
                        exact=True)
        self.assertEqual(self.recipients(notice.pk), set())

    def test_it_skips_inactive_users(self) -> None:
        self.world.bob.is_active = False
        self.world.bob.save(update_fields=["is_active"])
        notice = notify([self.world.town_b], [Role.AREA_OFFICER], "x")
        self.assertEqual(self.recipients(notice.pk), set())
