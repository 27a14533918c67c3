"""The keyset lists' pager tag (`{% keyset_pages %}`): its links, their wording, the query kept."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory, SimpleTestCase
from django.utils import translation

PAGER = Template("{% load pages %}{% keyset_pages following key=key dated=dated first=first %}")


def pager(query: str, following: object = None, key: str = "after", dated: bool = False,
          first: bool | None = None) -> str:
    request = RequestFactory().get("/list/" + query)
    context = Context({"following": following, "key": key, "dated": dated, "first": first})
    context.request = request  # as a RequestContext has it
    return PAGER.render(context).strip()


class KeysetPagesTests(SimpleTestCase):
    def test_it_draws_nothing_on_a_first_page_that_is_also_the_last(self) -> None:
        self.assertEqual(pager("?q=Wang"), "")

    def test_it_links_the_next_page_keeping_the_filters(self) -> None:
        html = pager("?q=Wang&area=7", following=120)
        self.assertIn('href="?q=Wang&amp;area=7&amp;after=120" rel="next">Next ›</a>', html)
        self.assertNotIn("First", html)  # on the first page already

    def test_it_links_back_to_the_first_page_without_the_key(self) -> None:
        html = pager("?q=Wang&after=120", following=240)
        self.assertIn('href="?q=Wang">« First</a>', html)
        self.assertIn('href="?q=Wang&amp;after=240"', html)

    def test_it_offers_only_the_way_back_on_the_last_page(self) -> None:
        html = pager("?after=240")
        self.assertIn('<a href="?">« First</a>', html)
        self.assertNotIn('rel="next"', html)

    def test_it_speaks_of_newest_and_older_for_a_list_newest_first(self) -> None:
        html = pager("?before=99", following=42, key="before", dated=True)
        self.assertIn('href="?">« Newest</a>', html)
        self.assertIn('href="?before=42" rel="next">Older ›</a>', html)

    def test_it_keeps_another_list_s_key_on_the_same_page(self) -> None:
        # Two lists on one page (the contacts to act on): paging one keeps the other's place.
        html = pager("?after_quarantine=8", following=30, key="after_identify")
        self.assertIn('href="?after_quarantine=8&amp;after_identify=30"', html)
        self.assertNotIn("First", html)  # this list is on its first page

    def test_it_takes_the_view_s_word_for_the_first_page(self) -> None:
        self.assertIn("Newest", pager("?before=abc", key="before", dated=True, first=False))
        self.assertEqual(pager("?before=abc", key="before", dated=True, first=True), "")

    def test_it_speaks_chinese(self) -> None:
        with translation.override("zh-hans"):
            html = pager("?after=5", following=9)
        self.assertIn("« 首页</a>", html)
        self.assertIn('rel="next">下一页 ›</a>', html)
