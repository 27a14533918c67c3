"""The demo's volunteers: projects of the first towns and of the district (two closed, one not
begun), about 400 volunteers of the villages with unique mobiles (thirty left), and about 3,000
days of service, each within every rule of the volunteers' services; what they do themselves
我的志愿服务: the `volunteer` login, about 150 sign-ups 报名 and twenty claims 时长申报 waiting."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from epigrid.accounts.models import User
from epigrid.areas.models import Level
from epigrid.core.access import Role
from epigrid.core.identity import parse_mobile
from epigrid.demo import volunteers_texts as texts
from epigrid.demo.volunteers_data import RecordSheet, write_volunteers
from epigrid.demo.volunteers_self_data import SignupSheet
from epigrid.volunteers import self_service, services
from epigrid.volunteers.access import may_manage
from epigrid.volunteers.models import (
    Certificate,
    ClaimState,
    HoursClaim,
    Project,
    ProjectKind,
    ServiceRecord,
    Signup,
    Volunteer,
)
from tests.base import BaseTestCase
from tests.volunteers.helpers import VolunteersTestCase, days

SEED = 5


class DemoVolunteersTests(BaseTestCase):
    written: dict[str, Any]
    statements: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with CaptureQueriesContext(connection) as captured:
            cls.written = write_volunteers(cls.world.city, SEED)
        cls.statements = len(captured.captured_queries)

    def test_it_opens_the_towns_projects_and_the_districts_two_closed_one_ahead(self) -> None:
        w, today = self.world, timezone.localdate()
        # The world has two towns: three projects each, the first town's door-to-door round,
        # and the district's four.
        assert self.written["projects"] == Project.objects.count() == 2 * 3 + 1 + 4
        town_a = set(Project.objects.filter(area=w.town_a).values_list("name", flat=True))
        assert town_a == {"Dongcheng Town卡口值守志愿服务", "Dongcheng Town隔离户物资代购配送",
                          "Dongcheng Town独居老人关爱", "Dongcheng Town入户排查协助"}
        assert set(Project.objects.filter(area=w.district).values_list("name", flat=True)) == {
            "心理疏导热线", "防疫宣传", "爱心车队接送医护人员", "复工复产志愿服务"}
        assert set(Project.objects.values_list("kind", flat=True)) == set(ProjectKind.values)
        closed = Project.objects.filter(closed_on__isnull=False).order_by("closed_on")
        assert [(p.name, p.closed_on) for p in closed] == [
            ("Dongcheng Town入户排查协助", today - datetime.timedelta(days=12)),
            ("爱心车队接送医护人员", today - datetime.timedelta(days=3))]
        ahead = Project.objects.get(starts_on__gt=today)
        assert ahead.name == "复工复产志愿服务" and not ahead.records.exists()

    def test_it_registers_the_villages_volunteers_with_unique_mobiles_some_left(self) -> None:
        today = timezone.localdate()
        volunteers = Volunteer.objects.all()
        assert self.written["volunteers"] == volunteers.count() == texts.VOLUNTEERS
        assert set(volunteers.values_list("area__level", flat=True)) == {Level.VILLAGE}
        phones = list(volunteers.values_list("phone", flat=True))
        assert len(set(phones)) == len(phones)
        assert all(parse_mobile(phone) == phone for phone in phones)
        left = volunteers.filter(left_on__isnull=False)
        assert left.count() == texts.LEFT == texts.VOLUNTEERS - self.written["serving"]
        for volunteer in left:
            assert volunteer.registered_on + datetime.timedelta(days=5) <= volunteer.left_on
            assert volunteer.left_on < today, volunteer
        registered = [v.registered_on for v in volunteers]
        assert min(registered) >= today - datetime.timedelta(days=texts.REGISTERED_BACK[0])
        assert max(registered) <= today
        assert 0.25 <= volunteers.filter(party_member=True).count() / texts.VOLUNTEERS <= 0.45
        assert volunteers.filter(skills="心理咨询师").exists()

    def test_it_records_about_three_thousand_days_of_service_within_every_rule(self) -> None:
        today = timezone.localdate()
        records = ServiceRecord.objects.select_related("project__area", "volunteer__area")
        assert self.written["records"] == records.count()
        assert 2_500 <= records.count() <= 3_500, records.count()
        a_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        for record in records:
            project, volunteer, day = record.project, record.volunteer, record.served_on
            assert project.is_open(day) and volunteer.is_active(day) and day <= today, record
            assert record.hours % Decimal("0.5") == 0 and 0 < record.hours <= 8, record
            # A town's project is served by its own villages' volunteers.
            assert volunteer.area.path.startswith(project.area.path), record
            a_day[volunteer.pk, day] += record.hours
        assert max(a_day.values()) <= 24
        total = records.aggregate(total=Sum("hours"))["total"]
        assert Decimal(str(self.written["hours"])) == total
        # Served over the last four weeks, by most volunteers, on every open project.
        days = set(records.values_list("served_on", flat=True))
        assert min(days) <= today - datetime.timedelta(days=25)
        assert records.values("volunteer").distinct().count() >= 0.8 * texts.VOLUNTEERS
        begun = Project.objects.filter(starts_on__lte=today)
        assert set(records.values_list("project", flat=True)) == set(
            begun.values_list("pk", flat=True))
        assert records.exclude(note="").count() >= 0.2 * records.count()

    def test_it_has_each_area_keep_its_own(self) -> None:
        w = self.world
        # The towns' officers keep theirs (the demo logins: officer1 in town A, officer2 in
        # town B); the command the district's.
        keepers = set(ServiceRecord.objects.values_list("project__area", "recorded_by__username"))
        assert keepers == {(w.town_a.pk, "officer1"), (w.town_b.pk, "officer2"),
                           (w.district.pk, "command")}
        by_village = set(Volunteer.objects.values_list("area__parent", "created_by__username"))
        assert by_village == {(w.town_a.pk, "officer1"), (w.town_b.pk, "officer2")}

    def test_it_gives_the_volunteer_login_its_record_two_signups_and_a_claim_each_way(
            self) -> None:
        w, today = self.world, timezone.localdate()
        user = User.objects.get(username=texts.LOGIN)
        assert (user.role, user.home_area) == (Role.VOLUNTEER, w.village_a1)
        # Enrolled by the phone on the account: linked to the record the officer registered,
        # with the hours recorded for it before.
        volunteer = self_service.volunteer_of(user)
        assert volunteer is not None and volunteer.created_by is not None
        assert (volunteer.area, volunteer.phone, volunteer.created_by.username) == (
            w.village_a1, user.phone, "officer1")
        assert volunteer.name == user.display_name
        assert volunteer.records.filter(claim__isnull=True).exists()
        signups = Signup.objects.filter(volunteer=volunteer).select_related("project")
        assert signups.count() == signups.filter(withdrawn_at__isnull=True).count() == 2
        for signup in signups:
            assert signup.project.area in (w.town_a, w.district)
            assert signup.project.is_open(today), signup
        claims = {claim.state: claim for claim in volunteer.claims.select_related(
            "record", "decided_by", "project")}
        assert volunteer.claims.count() == 3 and set(claims) == set(ClaimState.values)
        confirmed, declined = claims[ClaimState.CONFIRMED], claims[ClaimState.DECLINED]
        waiting = claims[ClaimState.PENDING]
        keeper = "officer1" if confirmed.project.area == w.town_a else "command"
        assert confirmed.record is not None and confirmed.decided_by is not None
        assert (confirmed.record.served_on, confirmed.record.hours) == (
            confirmed.served_on, confirmed.hours)
        assert confirmed.decided_by.username == keeper
        assert declined.reason in texts.DECLINE_REASONS and declined.record is None
        assert (waiting.decided_by, waiting.reason, waiting.record) == (None, "", None)
        assert waiting.served_on < today
        assert {claim.project for claim in claims.values()} <= {s.project for s in signups}

    def test_it_signs_up_about_150_within_every_rule(self) -> None:
        w, today = self.world, timezone.localdate()
        standing = Signup.objects.filter(withdrawn_at__isnull=True).select_related(
            "project__area", "volunteer__area")
        assert self.written["signups"] == standing.count() == Signup.objects.count()
        assert 130 <= standing.count() <= 170, standing.count()
        for signup in standing:
            project, volunteer = signup.project, signup.volunteer
            assert volunteer.is_active(today), signup
            assert volunteer.area.path.startswith(project.area.path), signup
            assert project.last_day is None or project.last_day >= today, signup
        taken = Counter(standing.values_list("project", flat=True))
        for project in Project.objects.filter(pk__in=taken):
            assert taken[project.pk] <= project.volunteers_needed, project
        # The district's project starting next week recruits; the towns' open ones too.
        ahead = Project.objects.get(starts_on__gt=today)
        assert taken[ahead.pk] == texts.SIGNUPS_AHEAD
        assert {w.town_a.pk, w.town_b.pk, w.district.pk} == set(
            standing.values_list("project__area", flat=True))
        assert len(taken) >= 6

    def test_it_leaves_about_twenty_claims_waiting_for_the_towns_officers(self) -> None:
        waiting = HoursClaim.objects.filter(state=ClaimState.PENDING)
        assert self.written["claims_waiting"] == waiting.count()
        assert 15 <= waiting.count() <= 25, waiting.count()
        assert waiting.values("project").distinct().count() >= 3
        officer1 = User.objects.get(username="officer1")
        theirs = [claim for claim in waiting.select_related("project__area")
                  if may_manage(officer1, claim.project.area.path)]
        assert len(theirs) >= 5, len(theirs)

    def test_it_gives_the_volunteer_login_a_certificate_of_its_hours(self) -> None:
        login = User.objects.get(username="volunteer")
        [certificate] = Certificate.objects.filter(volunteer__account=login)
        recorded = ServiceRecord.objects.filter(volunteer__account=login).aggregate(
            total=Sum("hours"))["total"]
        assert certificate.hours == recorded > 0
        assert certificate.issued_by == login

    def test_it_tells_the_towns_officers_of_their_claims_waiting_in_the_mornings_digest(
            self) -> None:
        officer1 = User.objects.get(username="officer1")
        [notice] = [receipt.notice for receipt in officer1.receipts.select_related("notice")
                    if "/volunteers/projects/" in receipt.notice.link]
        waiting = [claim for claim in HoursClaim.objects.filter(state=ClaimState.PENDING)
                   .select_related("project__area") if claim.project.area == officer1.home_area]
        title, body = notice.wording["en"]
        assert title == f"{len(waiting)} claims of hours waiting", title
        assert {claim.project.name for claim in waiting} == {
            line.split(" (")[0] for line in body.splitlines()}
        assert self.written["claim_digests"] >= 2

    def test_it_claims_by_the_volunteers_own_accounts_on_what_they_signed_up_to(self) -> None:
        today = timezone.localdate()
        for claim in HoursClaim.objects.select_related("project", "volunteer"):
            volunteer, project = claim.volunteer, claim.project
            assert volunteer.account_id is not None, claim
            assert project.signups.filter(volunteer=volunteer, withdrawn_at__isnull=True).exists()
            assert project.is_open(claim.served_on) and volunteer.is_active(claim.served_on)
            assert claim.served_on < today and claim.hours % Decimal("0.5") == 0, claim
        # A day's hours (records and every claim) within 24: so each claim may be confirmed.
        a_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        for volunteer, day, hours in ServiceRecord.objects.filter(claim__isnull=True).values_list(
                "volunteer", "served_on", "hours"):
            a_day[volunteer, day] += hours
        for volunteer, day, hours in HoursClaim.objects.values_list("volunteer", "served_on",
                                                                    "hours"):
            a_day[volunteer, day] += hours
        assert max(a_day.values()) <= 24

    def test_it_records_every_confirmed_claim_and_says_why_each_declined(self) -> None:
        claims = HoursClaim.objects.select_related("record", "decided_by", "project__area")
        confirmed = claims.filter(state=ClaimState.CONFIRMED)
        declined = claims.filter(state=ClaimState.DECLINED)
        # The login's one of each; six claimants answered before, every third declined.
        assert (confirmed.count(), declined.count()) == (1 + 4, 1 + 2)
        for claim in confirmed:
            record = claim.record
            assert record is not None and claim.decided_by is not None, claim
            assert (record.project_id, record.volunteer_id, record.served_on, record.hours,
                    record.note) == (claim.project_id, claim.volunteer_id, claim.served_on,
                                     claim.hours, claim.note)
            assert record.recorded_by == claim.decided_by
            assert may_manage(claim.decided_by, claim.project.area.path)
        for claim in declined:
            assert claim.reason in texts.DECLINE_REASONS and claim.record is None, claim
            assert claim.decided_by is not None and claim.decided_at is not None
        assert ServiceRecord.objects.filter(claim__isnull=False).count() == confirmed.count()

    def test_it_lets_the_keepers_confirm_every_waiting_claim(self) -> None:
        keepers = {user.home_area_id: user for user in User.objects.filter(
            username__in=("command", "officer1", "officer2"))}
        waiting = list(HoursClaim.objects.filter(state=ClaimState.PENDING)
                       .select_related("project__area"))
        for claim in waiting:
            self_service.confirm_claim(claim, by=keepers[claim.project.area_id])
        assert HoursClaim.objects.filter(state=ClaimState.PENDING).count() == 0
        assert ServiceRecord.objects.filter(claim__in=waiting).count() == len(waiting)

    def test_it_gives_the_claimants_accounts_without_a_password_linked_by_phone(self) -> None:
        accounts = User.objects.filter(username__startswith="volunteer-").select_related(
            "home_area")
        assert accounts.count() == texts.CLAIMANTS
        for user in accounts:
            volunteer = self_service.volunteer_of(user)
            assert volunteer is not None and not user.has_usable_password()
            assert (user.role, user.home_area, user.phone) == (
                Role.VOLUNTEER, volunteer.area, volunteer.phone)
            assert volunteer.created_by is not None and volunteer.name == user.display_name
            assert volunteer.claims.filter(state=ClaimState.PENDING).count() == 1

    def test_it_stamps_each_row_on_the_day_it_happened(self) -> None:
        local = timezone.localdate
        assert all(local(v.created_at) == v.registered_on for v in Volunteer.objects.all())
        assert all(local(r.created_at) == r.served_on
                   for r in ServiceRecord.objects.filter(claim__isnull=True))
        # A claim the evening of the day served, answered (and recorded) the next morning.
        for claim in HoursClaim.objects.select_related("record"):
            assert local(claim.created_at) == claim.served_on, claim
            if claim.record is not None:
                assert claim.decided_at is not None
                assert local(claim.decided_at) == local(claim.record.created_at) == (
                    claim.served_on + datetime.timedelta(days=1)), claim
        # Signed up when the project was announced or the volunteer registered: before any
        # day they claimed.
        for signup in Signup.objects.select_related("project", "volunteer"):
            signed = local(signup.created_at)
            assert signed == max(signup.volunteer.registered_on, local(signup.project.created_at))
            assert not signup.volunteer.claims.filter(project=signup.project,
                                                      served_on__lt=signed).exists()
        assert all(local(p.created_at) < p.starts_on for p in Project.objects.filter(
            starts_on__lte=local()))

    def test_it_writes_in_a_few_statements_a_volunteer(self) -> None:
        # The volunteers through the service (a savepoint, the phone's check, the row, its
        # audit entry), the hours in bulk after their rules are checked in memory. Counted, not
        # timed: a clock in a unit test fails on a busy machine (the demo's time is `epigrid
        # demo`'s own to print).
        assert self.statements < 10 * texts.VOLUNTEERS, self.statements


class DemoVolunteersSheetTests(VolunteersTestCase):
    """The demo's bulk path of the hours refuses what services.record_hours refuses."""

    def test_it_refuses_what_the_service_refuses_and_writes_the_rest(self) -> None:
        w, sheet = self.world, RecordSheet(timezone.localdate())
        volunteer, project = self.volunteer(), self.project()
        gone = services.leave(self.volunteer(name="Li Na"), by=w.alice, on=days(-3))
        closed = services.close_project(self.project(name="Publicity"), by=w.alice, on=days(-2))
        sheet.add(project, volunteer, by=w.alice, served_on=days(-1), hours="20")
        refusals = {
            "once a day per project": (project, volunteer, w.alice, days(-1), "1"),
            "at most 24 hours a day": (closed, volunteer, w.alice, days(-1), "4.5"),
            "hours more than 0": (closed, volunteer, w.alice, days(-3), "2.25"),
            "the project open on the day": (closed, volunteer, w.alice, days(-1), "1"),
            "the volunteer registered on the day": (project, gone, w.alice, days(-2), "1"),
            "the day not in the future": (project, volunteer, w.alice, days(1), "1"),
            "the recorder sees the project's area": (project, volunteer, w.bob, days(-2), "1"),
        }
        for rule, (where, who, by, day, hours) in refusals.items():
            with self.assertRaisesRegex(ValueError, rule):
                sheet.add(where, who, by=by, served_on=day, hours=hours)
        sheet.add(closed, volunteer, by=w.alice, served_on=days(-2), hours="4")
        written = sheet.write()
        assert [(r.project, r.served_on, r.hours) for r in written] == [
            (project, days(-1), Decimal(20)), (closed, days(-2), Decimal(4))]
        assert ServiceRecord.objects.count() == 2


class DemoSignupSheetTests(VolunteersTestCase):
    """The demo's bulk path of the sign-ups refuses what self_service.sign_up refuses."""

    def test_it_refuses_what_the_service_refuses_and_writes_the_rest(self) -> None:
        w = self.world
        project, volunteer = self.project(volunteers_needed=1), self.volunteer()
        other, of_b = self.volunteer(name="Zhang Wei"), self.volunteer(w.village_b1, by=w.bob)
        gone = services.leave(self.volunteer(name="Li Na"), by=w.alice, on=days(-3))
        ended = services.close_project(self.project(name="Publicity"), by=w.alice, on=days(-2))
        sheet = SignupSheet(timezone.localdate(), [project, ended])
        sheet.add(project, volunteer, by=w.alice)
        assert [(row.project, row.volunteer) for row in sheet.write()] == [(project, volunteer)]
        refusals = {
            "the volunteer or the project's keeper signs up": (ended, other, w.li),
            "the volunteer serving today": (ended, gone, w.alice),
            "a project of the volunteer's area or one above it": (ended, of_b, w.command),
            "the project not ended": (ended, other, w.alice),
            "once": (project, volunteer, w.alice),
            "not past the volunteers it needs": (project, other, w.alice),
        }
        for rule, (where, who, by) in refusals.items():
            # Counted from the database: a new sheet sees the sign-up written above.
            sheet = SignupSheet(timezone.localdate(), [project, ended])
            assert rule in sheet.refusals(where, who, by=by), rule
            with self.assertRaisesRegex(ValueError, rule):
                sheet.add(where, who, by=by)
            with self.assertRaises(ValidationError):
                self_service.sign_up(where, who, by=by)
        # The volunteer's own account signs them up, as the service lets it.
        open_one = self.project(name="Care for the elderly")
        Volunteer.objects.filter(pk=other.pk).update(account=w.stranger)
        other.refresh_from_db()
        assert sheet.refusals(open_one, other, by=w.stranger) == []
        assert self_service.sign_up(open_one, other, by=w.stranger).volunteer == other


class DemoVolunteersSeedTests(BaseTestCase):
    def test_it_writes_the_same_volunteers_from_the_same_seed(self) -> None:
        def written() -> list[tuple[Any, ...]]:
            with transaction.atomic():
                write_volunteers(self.world.city, SEED)
                rows = list(Volunteer.objects.order_by("pk").values_list(
                    "name", "area__code", "phone", "registered_on", "left_on", "skills"))
                rows += list(ServiceRecord.objects.order_by("pk").values_list(
                    "project__name", "volunteer__phone", "served_on", "hours", "note"))
                rows += list(Signup.objects.order_by("pk").values_list(
                    "project__name", "volunteer__phone"))
                rows += list(HoursClaim.objects.order_by("pk").values_list(
                    "project__name", "volunteer__phone", "served_on", "hours", "note", "state",
                    "reason"))
                transaction.set_rollback(True)
            return rows

        assert written() == written()
