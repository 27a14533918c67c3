"""`epigrid demo --no-serve`: the first run sets everything up, the second reuses it."""

from __future__ import annotations

import os
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from epigrid.accounts.models import User
from epigrid.areas.models import Area, Checkpoint, Level
from epigrid.core.access import Role
from epigrid.demo.personas import DEFAULT_PASSWORD, PERSONAS
from tests.base import PASSWORD, BaseTestCase

USERNAMES = [persona.username for persona in PERSONAS]


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--no-residents", stdout=out)
    return out.getvalue()


class DemoCommandTests(TestCase):
    first_run: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.first_run = run_demo()

    def test_it_generates_the_district_once_and_reuses_it(self) -> None:
        areas, users = Area.objects.count(), User.objects.count()
        second = run_demo()
        assert "Generated the demo district" in self.first_run
        assert "Reusing the demo data" in second
        assert (Area.objects.count(), User.objects.count()) == (areas, users)
        assert Area.objects.filter(level=Level.TOWN).count() == 17
        assert sorted(User.objects.values_list("username", flat=True)) == sorted(USERNAMES)

    def test_it_prints_the_url_the_password_and_every_login(self) -> None:
        out = self.first_run
        assert "http://127.0.0.1:8000/" in out
        assert f"password: {DEFAULT_PASSWORD}" in out
        for username in USERNAMES:
            assert f"\n  {username} " in out

    def test_it_lets_the_admin_sign_in_with_the_documented_password(self) -> None:
        response = self.client.post(reverse("accounts:login"),
                                    {"username": "admin", "password": DEFAULT_PASSWORD})
        assert response.status_code == 302
        admin = User.objects.get(username="admin")
        assert self.client.session["_auth_user_id"] == str(admin.pk)
        assert admin.is_superuser and admin.role == Role.ADMIN and admin.home_area is None

    def test_it_gives_each_persona_a_home_area_of_the_right_level(self) -> None:
        users = {user.username: user for user in User.objects.select_related("home_area")}

        def level(name: str) -> int:
            home = users[name].home_area
            assert home is not None
            return home.level

        assert level("command") == level("medical") == level("logistics") == Level.DISTRICT
        assert level("officer1") == level("officer2") == Level.TOWN
        assert users["officer1"].home_area != users["officer2"].home_area
        assert level("gridworker") == Level.GRID
        assert level("volunteer") == Level.VILLAGE
        assert Checkpoint.objects.filter(area=users["checkpoint"].home_area).exists()
        assert {user.role for user in users.values()} >= set(Role)
        officer = users["officer1"]
        assert officer.home_area is not None
        assert Area.objects.restrict(officer).count() == Area.objects.within(  # type: ignore[arg-type]
            officer.home_area.path).count() < Area.objects.count()

    def test_it_puts_changed_logins_back_and_honours_the_password_variable(self) -> None:
        User.objects.filter(username="officer1").update(role=Role.VOLUNTEER, is_active=False)
        with mock.patch.dict(os.environ, {"EPIGRID_DEMO_PASSWORD": "another-demo-secret"}):
            out = run_demo()
        officer = User.objects.get(username="officer1")
        assert (officer.role, officer.is_active) == (Role.AREA_OFFICER, True)
        assert officer.check_password("another-demo-secret")
        assert "another-demo-secret" in out


class DemoOnForeignDataTests(BaseTestCase):
    def test_it_refuses_to_add_demo_logins_to_areas_it_did_not_generate(self) -> None:
        users = User.objects.count()
        with self.assertRaisesMessage(CommandError, "did not generate"):
            run_demo()
        assert User.objects.count() == users
        self.world.admin.refresh_from_db()
        assert self.world.admin.check_password(PASSWORD)


class DemoStatisticsTests(TransactionTestCase):
    def test_it_leaves_the_planner_statistics_of_what_it_generated(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL's planner statistics (SQLite plans without them)")
        run_demo()
        with connection.cursor() as cursor:  # -1 until a VACUUM or ANALYZE has counted it
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'areas_checkpoint'")
            assert cursor.fetchone()[0] == Checkpoint.objects.count() > 1000
