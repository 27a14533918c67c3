"""Logging in and out, throttling of guessed passwords, and changing one's password."""

from __future__ import annotations

from django.test import Client, TestCase

from epigrid.accounts.models import User
from epigrid.core.access import Role, sees_everything
from tests.base import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_it_logs_in_and_sends_the_user_home(self) -> None:
        client = Client()
        response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD},
                               follow=True)
        assert response.redirect_chain[-1][0] == f"/areas/{self.world.town_a.pk}/"
        self.assertContains(response, "Dongcheng Town")
        self.assertContains(response, "Area officer")

    def test_it_asks_for_a_login_before_any_page(self) -> None:
        response = Client().get("/areas/checkpoints/")
        assert response.url == "/accounts/login/?next=/areas/checkpoints/"

    def test_it_says_when_the_password_is_wrong(self) -> None:
        response = Client().post("/accounts/login/", {"username": "alice", "password": "nope"})
        self.assertContains(response, "Please enter a correct username and password")
        assert "_auth_user_id" not in response.client.session

    def test_it_throttles_the_sixth_login_after_five_failures(self) -> None:
        client = Client()
        for _attempt in range(5):
            client.post("/accounts/login/", {"username": "alice", "password": "guess"})
        response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
        self.assertContains(response, "Too many failed logins.")
        assert "_auth_user_id" not in client.session

    def test_it_logs_out_with_a_post(self) -> None:
        client = self.client_for(self.world.alice)
        response = client.post("/accounts/logout/")
        assert response.url == "/accounts/login/"
        assert client.get("/areas/").status_code == 302


class PasswordChangeTests(BaseTestCase):
    def test_it_changes_the_password(self) -> None:
        client = self.client_for(self.world.bob)
        page = client.get("/accounts/password/")
        self.assertContains(page, "Xihe Town")
        response = client.post("/accounts/password/", {
            "old_password": PASSWORD, "new_password1": "plum-blossom-river-7",
            "new_password2": "plum-blossom-river-7"}, follow=True)
        self.assertContains(response, "Password changed")
        assert User.objects.get(username="bob").check_password("plum-blossom-river-7")

    def test_it_explains_a_refused_new_password(self) -> None:
        client = self.client_for(self.world.bob)
        response = client.post("/accounts/password/", {
            "old_password": "wrong", "new_password1": "short", "new_password2": "other"})
        errors = response.context["form"].errors
        assert set(errors) == {"old_password", "new_password2"}
        assert User.objects.get(username="bob").check_password(PASSWORD)


class CreateSuperuserTests(TestCase):
    def test_it_makes_an_administrator_who_sees_every_area(self) -> None:
        user = User.objects.create_superuser("root", "root@example.invalid", PASSWORD)
        assert user.role == Role.ADMIN and sees_everything(user)
