"""Sending a notice by hand: the command or an officer writes to the users of some areas with
some roles; every rule of the service, whoever calls it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from epigrid.accounts.services import create_user
from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.sending import common_path, delivery_by_area, send_notice, sent_notices
from epigrid.areas.models import path_segment
from epigrid.core.access import Role
from epigrid.core.models import AuditEntry
from tests.alerts.helpers import inbox_of
from tests.base import PASSWORD, BaseTestCase


class SendNoticeTests(BaseTestCase):
    def test_it_reaches_the_users_of_the_areas_with_the_roles_only(self) -> None:
        w = self.world
        notice = send_notice(w.command, [w.town_a], [Role.GRID_WORKER, Role.AREA_OFFICER],
                             "Second round at 08:00", "Start at the east lanes.")
        self.assertEqual(set(Receipt.objects.filter(notice=notice).values_list(
            "user__username", flat=True)), {"li", "alice"})
        self.assertEqual(inbox_of(w.li), [("Second round at 08:00", "Start at the east lanes.",
                                           "")])
        self.assertEqual(inbox_of(w.bob), [])
        self.assertEqual(inbox_of(w.medic), [])
        self.assertEqual((notice.sent_by, notice.area_path), (w.command, w.town_a.path))

    def test_it_scopes_a_notice_to_two_towns_to_their_common_area(self) -> None:
        w = self.world
        notice = send_notice(w.command, [w.town_a, w.town_b], [Role.AREA_OFFICER], "Masks")
        self.assertEqual(notice.area_path, w.district.path)
        self.assertEqual(set(Receipt.objects.filter(notice=notice).values_list(
            "user__username", flat=True)), {"alice", "bob"})
        # Alice reads it, but may not see who else has: it reached town B too.
        self.assertFalse(sent_notices(w.alice).filter(pk=notice.pk).exists())
        self.assertTrue(sent_notices(w.command).filter(pk=notice.pk).exists())

    def test_it_lets_an_officer_write_to_her_town_only(self) -> None:
        w = self.world
        notice = send_notice(w.alice, [w.village_a1], [Role.GRID_WORKER], "Check the lanes")
        self.assertEqual(inbox_of(w.li)[0][0], "Check the lanes")
        self.assertTrue(sent_notices(w.alice).filter(pk=notice.pk).exists())
        self.assertFalse(sent_notices(w.bob).filter(pk=notice.pk).exists())
        with self.assertRaises(ValidationError) as refused:
            send_notice(w.alice, [w.town_b], [Role.AREA_OFFICER], "Hello Xihe")
        self.assertEqual(refused.exception.message_dict["areas"],
                         ["No such area among the areas you may see."])
        self.assertEqual(inbox_of(w.bob), [])

    def test_it_refuses_a_role_that_may_not_send(self) -> None:
        w = self.world
        for user in (w.li, w.medic, w.stranger):
            with self.assertRaises(PermissionDenied):
                send_notice(user, [w.grid_a1_1], [Role.GRID_WORKER], "Hi")
        self.assertFalse(Notice.objects.exists())

    def test_it_names_each_wrong_field(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as refused:
            send_notice(w.command, [], [], "  ", "x" * 4001)
        self.assertEqual(refused.exception.message_dict, {
            "title": ["Give the notice a title."],
            "body": ["The text holds at most 4000 characters (this one 4001)."],
            "areas": ["Choose the areas whose users the notice is for."],
            "roles": ["Choose the roles the notice is for."]})
        with self.assertRaises(ValidationError) as refused:
            send_notice(w.command, [w.town_a], ["mayor"], "t" * 201)
        self.assertEqual(refused.exception.message_dict, {
            "title": ["A title holds at most 200 characters (this one 201)."],
            "roles": ["No such role: mayor."]})
        self.assertFalse(Notice.objects.exists())

    def test_it_keeps_the_edge_lengths(self) -> None:
        w = self.world
        notice = send_notice(w.command, [w.town_a], [Role.AREA_OFFICER], "t" * 200, "b" * 4000)
        self.assertEqual((len(notice.title), len(notice.body)), (200, 4000))

    def test_it_refuses_a_notice_that_would_reach_nobody_and_keeps_nothing(self) -> None:
        w = self.world
        with self.assertRaises(ValidationError) as refused:
            send_notice(w.command, [w.town_b], [Role.GRID_WORKER], "Nobody here")
        self.assertIn("would reach nobody", refused.exception.message_dict["roles"][0])
        self.assertFalse(Notice.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(model="alerts.notice").exists())

    def test_it_leaves_out_inactive_users_and_logs_who_sent_what(self) -> None:
        w = self.world
        create_user(username="gone", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_a1_2, is_active=False)
        notice = send_notice(w.command, [w.village_a1], [Role.GRID_WORKER], "Round two")
        self.assertEqual(notice.receipts.count(), 1)
        entry = AuditEntry.objects.get(model="alerts.notice", object_pk=str(notice.pk))
        self.assertEqual((entry.action, entry.object_repr, entry.changes),
                         ("create", "Round two", {"areas": ["Village A1"],
                                                  "roles": ["grid_worker"], "by_sms": False,
                                                  "by_email": False}))

    def test_it_counts_a_district_notices_readers_by_town_with_the_districts_own(self) -> None:
        w = self.world
        notice = send_notice(w.command, [w.district], [Role.COMMAND, Role.AREA_OFFICER,
                                                       Role.GRID_WORKER], "All hands")
        Receipt.objects.filter(notice=notice, user=w.bob).update(read_at=notice.created_at)
        rows = [(row.area, row.recipients, row.read) for row in delivery_by_area(notice)]
        self.assertEqual(rows, [("Qingshan District", 1, 0), ("Dongcheng Town", 2, 0),
                                ("Xihe Town", 1, 1)])

    def test_it_counts_the_readers_by_area_those_waiting_first(self) -> None:
        w = self.world
        create_user(username="wu", password=PASSWORD, role=Role.GRID_WORKER,
                    home_area=w.grid_a2_1)
        notice = send_notice(w.command, [w.town_a], [Role.GRID_WORKER], "Round two")
        Receipt.objects.filter(notice=notice, user=w.li).update(read_at=notice.created_at)
        rows = [(row.area, row.recipients, row.read, row.waiting)
                for row in delivery_by_area(notice)]
        self.assertEqual(rows, [("Village A2", 1, 0, 1), ("Village A1", 1, 1, 0)])  # by village
        counted = sent_notices(w.command).get(pk=notice.pk)
        self.assertEqual((counted.recipients, counted.read), (2, 1))


class CommonPathTests(BaseTestCase):
    def test_it_finds_the_nearest_area_holding_all(self) -> None:
        w = self.world
        self.assertEqual(common_path([w.village_a1.path]), w.village_a1.path)
        self.assertEqual(common_path([w.village_a1.path, w.village_a2.path]), w.town_a.path)
        self.assertEqual(common_path([w.grid_a1_1.path, w.village_b1.path]), w.district.path)
        self.assertEqual(common_path([w.town_a.path, w.grid_a1_1.path]), w.town_a.path)
        self.assertEqual(common_path([]), "")


SEGMENTS = st.lists(st.integers(1, 12), min_size=1, max_size=5)


@given(st.lists(SEGMENTS, min_size=1, max_size=6))
def test_the_common_path_is_the_deepest_area_above_every_one(trees: list[list[int]]) -> None:
    """Areas as their ancestors' ids (ids 1 to 12 on few levels: paths share much)."""
    shared: list[int] = []
    for level in zip(*trees, strict=False):  # as deep as the shallowest: one is above itself
        if len(set(level)) > 1:
            break
        shared.append(level[0])
    paths = ["".join(path_segment(pk) for pk in ids) for ids in trees]
    assert common_path(paths) == "".join(path_segment(pk) for pk in shared)
