"""The user's exports (/exports/): their own, newest first, with the way to each file."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from tests.base import BaseTestCase
from tests.core.export_helpers import export_run

LIST = reverse("exports:list")


class ExportListTests(BaseTestCase):
    def test_it_lists_the_users_own_exports_newest_first(self) -> None:
        w = self.world
        older = export_run(w.alice, "persons-older.csv")
        newer = export_run(w.alice, "persons-newer.xlsx")
        export_run(w.bob, "persons-of-town-b.csv")
        export_run(w.admin, "persons-of-the-admin.csv")
        body = self.client_for(w.alice).get(LIST).content.decode()
        assert body.index("persons-newer.xlsx") < body.index("persons-older.csv")
        assert "town-b" not in body and "of-the-admin" not in body
        assert reverse("exports:download", args=[newer.pk]) in body
        assert reverse("exports:detail", args=[older.pk]) in body

    def test_it_shows_no_one_elses_even_to_an_admin(self) -> None:
        export_run(self.world.alice, "persons-of-alice.csv")
        body = self.client_for(self.world.admin).get(LIST).content.decode()
        assert "persons-of-alice" not in body and 'id="no-exports"' in body

    def test_it_offers_no_download_for_a_file_not_there(self) -> None:
        w = self.world
        waiting = export_run(w.alice, "waiting.csv", status="queued")
        failed = export_run(w.alice, "failed.csv", status="failed")
        purged = export_run(w.alice, "purged.csv", content=None)
        body = self.client_for(w.alice).get(LIST).content.decode()
        for run in (waiting, failed, purged):
            assert reverse("exports:download", args=[run.pk]) not in body
        assert 'class="status-queued"' in body and 'class="status-failed"' in body

    @override_settings(PAGE_SIZE=2)
    def test_it_pages_by_key(self) -> None:
        w = self.world
        runs = [export_run(w.alice, f"export-{n}.csv", status="failed") for n in range(3)]
        client = self.client_for(w.alice)
        first = client.get(LIST)
        assert [run.pk for run in first.context["runs"]] == [runs[2].pk, runs[1].pk]
        second = client.get(LIST, {"after": first.context["next_after"]})
        assert [run.pk for run in second.context["runs"]] == [runs[0].pk]
        assert second.context["next_after"] is None

    def test_it_lists_in_chinese(self) -> None:
        client = self.client_for(self.world.alice)
        client.cookies["django_language"] = "zh-hans"
        body = client.get(LIST).content.decode()
        assert "我的导出" in body

    def test_the_export_page_leads_back_to_the_list(self) -> None:
        run = export_run(self.world.alice, "persons.csv")
        body = self.client_for(self.world.alice).get(
            reverse("exports:detail", args=[run.pk])).content.decode()
        assert f'href="{LIST}"' in body

    def test_the_account_page_leads_to_it(self) -> None:
        body = self.client_for(self.world.li).get(
            reverse("accounts:password_change")).content.decode()
        assert f'id="my-exports" href="{LIST}"' in body

    def test_it_asks_a_visitor_to_log_in(self) -> None:
        assert self.client.get(LIST).status_code == 302
