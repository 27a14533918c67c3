"""Simplified Chinese by default, English on request; pages obey the strict CSP."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.test import SimpleTestCase, override_settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.base import BaseTestCase


class LanguageTests(BaseTestCase):
    @override_settings(LANGUAGE_CODE="zh-hans")
    def test_it_speaks_chinese_by_default_and_english_on_request(self) -> None:
        w = self.world
        client = self.client_for(w.alice)
        chinese = client.get(f"/areas/{w.town_a.pk}/")
        self.assertContains(chinese, '<html lang="zh-hans">')
        self.assertContains(chinese, "卡口")
        self.assertContains(chinese, "区域")
        self.assertContains(chinese, "乡镇")
        self.assertNotContains(chinese, ">Checkpoints<")
        switched = client.post("/i18n/setlang/", {"language": "en",
                                                  "next": f"/areas/{w.town_a.pk}/"})
        assert switched.url == f"/areas/{w.town_a.pk}/"
        english = client.get(f"/areas/{w.town_a.pk}/")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, ">Checkpoints<")
        self.assertNotContains(english, "卡口")

    @override_settings(LANGUAGE_CODE="zh-hans")
    def test_it_translates_the_login_page(self) -> None:
        self.assertContains(self.client.get("/accounts/login/"), "登录")


class NavigationTests(BaseTestCase):
    def test_it_shows_each_role_its_entries(self) -> None:
        w = self.world
        admin_nav = [link.label for link in
                     self.client_for(w.admin).get("/areas/checkpoints/").context["nav_entries"]]
        assert {"Audit log", "Imports"} <= {str(label) for label in admin_nav}
        response = self.client_for(w.li).get("/areas/checkpoints/")
        li_nav = response.context["nav_entries"]
        assert [str(link.label) for link in li_nav] == [
            "Areas", "Checkpoints", "Facilities", "Warehouses", "Residents", "Screening",
            "Progress", "Cases", "Quarantine", "Follow-ups today", "Case figures",
            "Dashboard", "Daily figures", "Problems", "Raise a problem", "Risk levels", "Inbox"]
        assert [str(link.label) for link in li_nav if link.active] == ["Checkpoints"]
        groups = response.context["nav_groups"]
        assert [(str(g.label) if g.label else None, len(g.links)) for g in groups] == [
            (None, 1), ("Sites", 3), ("Residents", 3), ("Cases", 4), ("Roll-up", 5), (None, 1)]
        assert [str(g.label) for g in groups if g.active] == ["Sites"]
        # The command sees checkpoint duty and care; a grid worker's phone bar does not.
        command_groups = [str(g.label) for g in
                          self.client_for(w.command).get("/areas/checkpoints/").context["nav_groups"]]
        assert {"Checkpoint duty", "Care"} <= set(command_groups)


class ContentSecurityTests(BaseTestCase):
    def test_it_has_no_inline_style_or_script_on_any_page(self) -> None:
        w = self.world
        client = self.client_for(w.admin)
        urls = ["/areas/", f"/areas/{w.town_a.pk}/", "/areas/tree/", "/areas/search/?q=v",
                "/areas/checkpoints/", f"/areas/checkpoints/{w.checkpoint_a.pk}/",
                "/areas/facilities/new/", "/audit/", "/accounts/password/", "/no/such/page/"]
        for url in urls:
            html = client.get(url, follow=True).content.decode()
            assert " style=" not in html, url
            assert "<style" not in html, url
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url

    def test_it_shows_its_own_404_and_403_pages(self) -> None:
        client = self.client_for(self.world.alice)
        missing = client.get("/areas/999999/")
        assert missing.status_code == 404
        self.assertContains(missing, "lies outside your area", status_code=404)
        forbidden = client.get("/audit/")
        self.assertContains(forbidden, "Your role does not allow this.", status_code=403)


class DateBoxTests(BaseTestCase):
    def test_it_fills_a_date_box_in_iso_form_in_chinese(self) -> None:
        widget = forms.DateInput(attrs={"type": "date"})
        with translation.override("zh-hans"):
            html = widget.render("day", datetime.date(2026, 12, 2))
            parsed = forms.DateField().clean("2026/12/02")
        # A browser's date box takes only YYYY-MM-DD; the Chinese spelling is still read.
        assert 'value="2026-12-02"' in html
        assert parsed == datetime.date(2026, 12, 2)


class SameWordOtherMeaningTests(SimpleTestCase):
    """One English word, two meanings, two Chinese words (pgettext's context): each shared
    msgid had put one meaning's Chinese on the other's pages."""

    def test_each_meaning_reads_its_own_chinese(self) -> None:
        from epigrid.areas.models import RiskLevelChange
        from epigrid.cases.models import Severity, Transition
        from epigrid.problems.models import Urgency

        with translation.override("zh-hans"):
            found = {
                "a problem's urgency": str(Urgency.CRITICAL.label),
                "a patient's severity": str(Severity.CRITICAL.label),
                "a case's state before": str(Transition._meta.get_field("from_state")
                                             .verbose_name),
                "a risk level before": str(RiskLevelChange._meta.get_field("previous")
                                           .verbose_name),
                "a transfer's start": pgettext("transfer", "From"),
                "an audit filter's first day": gettext("From"),
                "who passes a checkpoint": pgettext("passage", "Who"),
                "who changed a record": gettext("Who"),
            }
        assert found == {
            "a problem's urgency": "特急", "a patient's severity": "危重型",
            "a case's state before": "原状态", "a risk level before": "原等级",
            "a transfer's start": "接出地点", "an audit filter's first day": "起始日期",
            "who passes a checkpoint": "通行对象", "who changed a record": "操作人"}
