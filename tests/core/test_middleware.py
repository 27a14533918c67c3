from __future__ import annotations

from django.conf import settings
from django.test import Client

from epigrid.config import settings as production_settings
from tests.base import BaseTestCase


class SecurityHeaderTests(BaseTestCase):
    def test_it_allows_scripts_and_styles_from_this_origin_only(self) -> None:
        response = Client().get("/healthz")
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_it_keeps_the_session_cookie_from_scripts_and_other_sites(self) -> None:
        assert settings.SESSION_COOKIE_HTTPONLY is True
        assert settings.SESSION_COOKIE_SAMESITE == "Lax"
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
        # The settings module's own list: the suite hashes with a cheaper argon2 (tests/hashers.py).
        assert production_settings.PASSWORD_HASHERS[0].endswith(".Argon2PasswordHasher")

    def test_it_stores_passwords_with_argon2(self) -> None:
        self.world.alice.refresh_from_db()
        assert self.world.alice.password.startswith("argon2$")

    def test_it_answers_health_checks_with_the_database(self) -> None:
        assert Client().get("/healthz").json() == {"status": "ok"}


class LanguageTests(BaseTestCase):
    def test_it_speaks_chinese_to_an_english_browser_until_switched(self) -> None:
        with self.settings(LANGUAGE_CODE="zh-hans"):
            client = self.client_for(self.world.alice)
            page = client.get(f"/areas/{self.world.town_a.pk}/", HTTP_ACCEPT_LANGUAGE="en-US")
            assert page.headers["Content-Language"] == "zh-hans"
            client.post("/i18n/setlang/", {"language": "en", "next": "/areas/"})
            page = client.get(f"/areas/{self.world.town_a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
            assert page.headers["Content-Language"] == "en"
