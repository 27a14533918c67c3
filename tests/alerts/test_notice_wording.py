"""A notice is read in the reader's language, whoever sent it in whichever language."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from epigrid.alerts.models import Notice, Receipt
from epigrid.alerts.services import notify, notify_users
from epigrid.alerts.wording import in_language, worded
from epigrid.core.access import Role
from tests.base import BaseTestCase


def new_contact() -> tuple[str, str]:
    return (_("New close contact: %(name)s") % {"name": "Wang Jun"},
            _("Arrange quarantine for %(name)s.") % {"name": "Wang Jun"})


class NoticeWordingTests(BaseTestCase):
    def send(self) -> Notice:
        # Sent while an English page was being answered (the officer's request).
        with translation.override("en"):
            return notify([self.world.town_a], [Role.AREA_OFFICER], worded(new_contact),
                          link="/cases/contacts/todo/")

    def inbox(self, language: str) -> str:
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = language
        return client.get(reverse("alerts:inbox")).content.decode()

    def test_it_shows_a_notice_sent_in_english_to_a_chinese_reader_in_chinese(self) -> None:
        self.send()
        page = self.inbox("zh-hans")
        self.assertIn("新增密切接触者：Wang Jun", page)
        self.assertNotIn("New close contact", page)

    def test_it_shows_the_same_notice_to_an_english_reader_in_english(self) -> None:
        self.send()
        page = self.inbox("en")
        self.assertIn("New close contact: Wang Jun", page)
        self.assertIn("Arrange quarantine for Wang Jun.", page)

    def test_it_answers_the_api_in_the_readers_language(self) -> None:
        self.send()
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"  # the language the user chose
        items = client.get("/api/alerts/inbox").json()["items"]
        self.assertEqual(items[0]["title"], "新增密切接触者：Wang Jun")
        client.cookies["django_language"] = "en"
        items = client.get("/api/alerts/inbox").json()["items"]
        self.assertEqual(items[0]["title"], "New close contact: Wang Jun")

    def test_it_keeps_the_deployments_language_in_the_title_column(self) -> None:
        # The tests' deployment speaks English (LANGUAGE_CODE); sent from a Chinese page.
        with translation.override("zh-hans"):
            notice = notify([self.world.town_a], [Role.AREA_OFFICER], worded(new_contact))
        self.assertEqual(notice.title, "New close contact: Wang Jun")
        self.assertEqual(notice.wording["zh-hans"][0], "新增密切接触者：Wang Jun")

    def test_it_shows_a_plain_notice_alike_in_every_language(self) -> None:
        notify([self.world.town_a], [Role.AREA_OFFICER], "东路卡口 38.4", body="王军")
        self.assertIn("东路卡口 38.4", self.inbox("en"))
        self.assertIn("东路卡口 38.4", self.inbox("zh-hans"))

    def test_it_words_a_notice_to_one_person_too(self) -> None:
        with translation.override("en"):
            notice = notify_users([self.world.alice], worded(new_contact))
        self.assertEqual(Receipt.objects.get(notice=notice).user, self.world.alice)
        self.assertIn("新增密切接触者", self.inbox("zh-hans"))

    def test_it_refuses_a_body_beside_a_worded_notice(self) -> None:
        with self.assertRaises(ValueError):
            notify([self.world.town_a], [Role.AREA_OFFICER], worded(new_contact), "a body")
        self.assertFalse(Notice.objects.exists())


class InLanguageTests(SimpleTestCase):
    stored = {"zh-hans": ["标题", "正文"], "en": ["Title", "Text"]}

    def test_it_takes_the_language_asked_whatever_its_case(self) -> None:
        self.assertEqual(in_language(self.stored, ("?", "?"), "zh-Hans"), ("标题", "正文"))

    def test_it_takes_the_base_language_of_a_regional_one(self) -> None:
        self.assertEqual(in_language(self.stored, ("?", "?"), "en-gb"), ("Title", "Text"))

    def test_it_falls_back_to_the_notice_as_written_once(self) -> None:
        self.assertEqual(in_language({}, ("Old", "notice"), "zh-hans"), ("Old", "notice"))
        self.assertEqual(in_language(self.stored, ("Old", "notice"), "fr"), ("Old", "notice"))
        self.assertEqual(in_language(self.stored, ("Old", "notice"), None), ("Old", "notice"))
