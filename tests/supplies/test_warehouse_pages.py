"""A warehouse's page: its stock and its ledger (newest first, keyset pages), the forms that
record a receipt, an issue, a transfer and a count (bad input refused on its field, nothing
written), who may record, and the allocation of an item among the requests waiting for it."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.messages import get_messages
from django.http.response import HttpResponseBase
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from epigrid.areas.models import Warehouse
from epigrid.supplies import services
from epigrid.supplies.models import Item, Kind, Movement, Recipient, RequestStatus
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase


def page_url(warehouse: Warehouse) -> str:
    return reverse("supplies:warehouse", args=[warehouse.pk])


def record_url(warehouse: Warehouse, kind: str) -> str:
    return reverse("supplies:record", args=[warehouse.pk, kind])


def told(response: HttpResponseBase) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def ledger_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="movement-(\d+)">', body)]


class WarehousePageTest(SuppliesTestCase):
    def test_it_shows_the_stock_and_the_ledger_newest_first(self) -> None:
        w = self.world
        self.stock(700)
        services.issue(w.warehouse_a, self.n95, 140, by=self.ma, party="Fever clinic")
        self.stock(300, warehouse=w.warehouse_b)
        self.ask(50)
        response = self.client_for(self.ma).get(page_url(w.warehouse_a))
        assert response.status_code == 200
        rows = {row.item.code: row for row in response.context["rows"]}
        assert (rows["n95"].stock, rows["n95"].used, rows["n95"].waiting) == (560, 140, 50)
        body = response.content.decode()
        lines = list(Movement.objects.filter(warehouse=w.warehouse_a).order_by("-pk"))
        assert ledger_ids(body) == [line.pk for line in lines]
        assert "-140 pcs" in body
        assert "+700 pcs" in body
        assert "Fever clinic" in body
        assert "Xihe Depot" not in body  # town A's desk sees no other town's depot

    def test_it_links_to_the_allocation_where_requests_wait(self) -> None:
        w = self.world
        self.stock(100)
        self.stock(100, item=self.surgical)
        self.ask(30)
        body = self.client_for(self.ma).get(page_url(w.warehouse_a)).content.decode()
        assert reverse("supplies:allocate", args=[w.warehouse_a.pk, self.n95.pk]) in body
        assert reverse("supplies:allocate", args=[w.warehouse_a.pk, self.surgical.pk]) \
            not in body

    @override_settings(PAGE_SIZE=2)
    def test_it_pages_the_ledger_by_key_newest_first(self) -> None:
        w = self.world
        for quantity in (10, 20, 30):
            self.stock(quantity)
        ids = list(Movement.objects.order_by("-pk").values_list("pk", flat=True))
        client = self.client_for(self.ma)
        first = client.get(page_url(w.warehouse_a))
        assert ledger_ids(first.content.decode()) == ids[:2]
        assert first.context["next_before"] == ids[1]
        second = client.get(page_url(w.warehouse_a) + f"?before={ids[1]}")
        assert ledger_ids(second.content.decode()) == ids[2:]
        assert second.context["next_before"] is None

    @override_settings(PAGE_SIZE=2)
    def test_it_lists_a_receipt_entered_late_among_the_lines_of_its_day(self) -> None:
        w = self.world
        now = timezone.now()
        for hours_ago in (1, 30):  # today's receipt, then one of yesterday
            services.receive(w.warehouse_a, self.n95, 10, by=self.ma, party="City reserve",
                             at=now - datetime.timedelta(hours=hours_ago))
        late = services.receive(w.warehouse_a, self.n95, 5, by=self.ma, party="Late sheet",
                                at=now - datetime.timedelta(hours=50))  # entered last
        today, yesterday = Movement.objects.filter(party="City reserve").order_by("-at")
        client = self.client_for(self.ma)
        first = client.get(page_url(w.warehouse_a))
        assert ledger_ids(first.content.decode()) == [today.pk, yesterday.pk]
        second = client.get(page_url(w.warehouse_a) + f"?before={first.context['next_before']}")
        assert ledger_ids(second.content.decode()) == [late.pk]
        api = client.get(f"/api/supplies/warehouses/{w.warehouse_a.pk}/movements?limit=2").json()
        assert [line["id"] for line in api["items"]] == [today.pk, yesterday.pk]

    def test_it_answers_404_for_a_warehouse_of_another_town(self) -> None:
        w = self.world
        self.stock(10)
        assert self.client_for(w.bob).get(page_url(w.warehouse_a)).status_code == 404
        assert self.client_for(self.ma).get(page_url(w.warehouse_b)).status_code == 404
        refused = self.client_for(w.bob).post(record_url(w.warehouse_a, "issue"), {
            "item": self.n95.pk, "quantity": "5", "party": "Bob"})
        assert refused.status_code == 404
        missing = reverse("supplies:warehouse", args=[999_999])
        assert self.client_for(w.admin).get(missing).status_code == 404
        assert Movement.objects.count() == 1

    def test_it_lets_an_officer_look_but_not_record(self) -> None:
        w = self.world
        self.stock(100)
        client = self.client_for(w.alice)
        response = client.get(page_url(w.warehouse_a))
        assert response.status_code == 200
        assert response.context["forms"] == {}
        assert "Record a movement" not in response.content.decode()
        for kind in ("receipt", "issue", "transfer", "adjustment"):
            refused = client.post(record_url(w.warehouse_a, kind), {
                "item": self.n95.pk, "quantity": "5", "counted": "5", "party": "x",
                "note": "x"})
            assert refused.status_code == 403, kind
        assert Movement.objects.count() == 1

    def test_it_refuses_a_get_and_an_unknown_kind(self) -> None:
        client = self.client_for(self.ma)
        assert client.get(record_url(self.world.warehouse_a, "receipt")).status_code == 405
        unknown = client.post(record_url(self.world.warehouse_a, "gift"),
                              {"item": self.n95.pk, "quantity": "5"})
        assert unknown.status_code == 404
        assert not Movement.objects.exists()


class RecordingTest(SuppliesTestCase):
    def post(self, kind: str, data: dict[str, Any], user: Any = None,
             warehouse: Warehouse | None = None) -> HttpResponseBase:
        return self.client_for(user or self.ma).post(
            record_url(warehouse or self.world.warehouse_a, kind), data)

    def errors(self, response: HttpResponseBase, kind: str) -> dict[str, list[str]]:
        assert response.status_code == 400
        assert response.context["refused"] == kind  # type: ignore[attr-defined]
        form = response.context["forms"][kind]  # type: ignore[attr-defined]
        return {name: list(texts) for name, texts in form.errors.items()}

    def test_it_records_a_receipt(self) -> None:
        w = self.world
        response = self.post("receipt", {"item": self.n95.pk, "quantity": "500",
                                         "party": "City reserve", "note": "lot 7"})
        assert response.status_code == 302
        assert response["Location"] == page_url(w.warehouse_a)
        assert told(response) == ["500 pcs of N95 mask received at Dongcheng Depot."]
        line = Movement.objects.get()
        assert (line.kind, line.quantity, line.party, line.note, line.recorded_by) == (
            Kind.RECEIPT, 500, "City reserve", "lot 7", self.ma)

    def test_it_refuses_a_quantity_not_a_whole_number_above_zero(self) -> None:
        for bad, text in (("abc", "Give a whole number, such as 500."),
                          ("1.5", "Give a whole number, such as 500."),
                          ("0", "Give a quantity above zero."),
                          ("-1", "Give a quantity above zero."),
                          ("", "Give the quantity."),
                          ("99999999999", "Give at most 100000000.")):
            for kind in ("receipt", "issue", "transfer"):
                response = self.post(kind, {"item": self.n95.pk, "quantity": bad,
                                            "party": "x", "target": self.world.warehouse_b.pk},
                                     user=self.xu)
                assert self.errors(response, kind) == {"quantity": [text]}, (bad, kind)
        assert not Movement.objects.exists()

    def test_it_keeps_the_refused_form_filled_and_the_others_empty(self) -> None:
        response = self.post("receipt", {"item": self.n95.pk, "quantity": "abc",
                                         "party": "City reserve"})
        body = response.content.decode()  # type: ignore[attr-defined]
        assert 'value="City reserve"' in body
        assert 'id="id_receipt_quantity_error"' in body
        assert not response.context["forms"]["issue"].is_bound  # type: ignore[attr-defined]

    def test_it_refuses_an_unknown_or_missing_item(self) -> None:
        for item in ("", "999999", "n95"):
            response = self.post("receipt", {"item": item, "quantity": "5"})
            assert list(self.errors(response, "receipt")) == ["item"], item
        self.n95.active = False
        self.n95.save(update_fields=["active"])
        response = self.post("receipt", {"item": self.n95.pk, "quantity": "5"})
        assert self.errors(response, "receipt") == {"item": ["No such item in the catalogue."]}
        assert not Movement.objects.exists()

    def test_it_refuses_a_time_in_the_future(self) -> None:
        later = timezone.localtime() + datetime.timedelta(days=1)
        response = self.post("receipt", {"item": self.n95.pk, "quantity": "5",
                                         "at": later.strftime("%Y-%m-%dT%H:%M")})
        assert list(self.errors(response, "receipt")) == ["at"]
        assert not Movement.objects.exists()

    def test_it_backdates_a_receipt_when_told_when(self) -> None:
        earlier = (timezone.localtime() - datetime.timedelta(days=2)).replace(second=0,
                                                                                microsecond=0)
        self.post("receipt", {"item": self.n95.pk, "quantity": "5",
                              "at": earlier.strftime("%Y-%m-%dT%H:%M")})
        assert Movement.objects.get().at == earlier

    def test_it_issues_what_is_held_and_not_one_more(self) -> None:
        w = self.world
        self.stock(50)
        refused = self.post("issue", {"item": self.n95.pk, "quantity": "51",
                                      "party": "Gate volunteers"})
        assert self.errors(refused, "issue") == {
            "quantity": ["Dongcheng Depot holds only 50 pcs of N95 mask."]}
        no_one = self.post("issue", {"item": self.n95.pk, "quantity": "5", "party": " "})
        assert self.errors(no_one, "issue") == {"party": ["Say who receives it."]}
        done = self.post("issue", {"item": self.n95.pk, "quantity": "50",
                                   "party": "Gate volunteers"})
        assert done.status_code == 302
        assert told(done) == ["50 pcs of N95 mask issued to Gate volunteers."]
        assert balance(w.warehouse_a, self.n95) == 0

    def test_it_transfers_to_a_warehouse_in_sight(self) -> None:
        w = self.world
        self.stock(100)
        page = self.client_for(self.xu).get(page_url(w.warehouse_a))
        targets = list(page.context["forms"]["transfer"].fields["target"].queryset)
        assert targets == [w.warehouse_b]  # the user's, but not this one
        done = self.post("transfer", {"item": self.n95.pk, "quantity": "40",
                                      "target": w.warehouse_b.pk}, user=self.xu)
        assert done.status_code == 302
        assert told(done) == ["40 pcs of N95 mask moved to Xihe Depot."]
        assert (balance(w.warehouse_a, self.n95), balance(w.warehouse_b, self.n95)) == (60, 40)

    def test_it_refuses_a_transfer_to_a_warehouse_out_of_sight_or_to_itself(self) -> None:
        w = self.world
        self.stock(100)
        page = self.client_for(self.ma).get(page_url(w.warehouse_a))
        assert list(page.context["forms"]["transfer"].fields["target"].queryset) == []
        for target in (w.warehouse_b.pk, w.warehouse_a.pk, 999_999, "abc"):
            response = self.post("transfer", {"item": self.n95.pk, "quantity": "10",
                                              "target": target})
            assert self.errors(response, "transfer") == {"target": ["No such warehouse."]}
            assert "Xihe Depot" not in response.content.decode()  # type: ignore[attr-defined]
        assert Movement.objects.count() == 1

    def test_it_records_a_count_and_the_ledger_takes_the_difference(self) -> None:
        w = self.world
        self.stock(100)
        done = self.post("adjustment", {"item": self.n95.pk, "counted": "93",
                                        "note": "7 torn"})
        assert done.status_code == 302
        assert told(done) == ["The count of N95 mask is recorded: -7 pcs, 93 now."]
        line = Movement.objects.get(kind=Kind.ADJUSTMENT)
        assert (line.quantity, line.note) == (-7, "7 torn")
        same = self.post("adjustment", {"item": self.n95.pk, "counted": "93", "note": "again"})
        assert told(same) == ["The count of N95 mask agrees with the ledger: nothing to record."]
        assert balance(w.warehouse_a, self.n95) == 93

    def test_it_refuses_a_count_below_zero_or_without_a_reason(self) -> None:
        self.stock(100)
        response = self.post("adjustment", {"item": self.n95.pk, "counted": "-1", "note": ""})
        assert self.errors(response, "adjustment") == {
            "counted": ["Give a number of zero or more."],
            "note": ["Say why the count differs."]}
        blank = self.post("adjustment", {"item": self.n95.pk, "counted": "90", "note": "   "})
        assert list(self.errors(blank, "adjustment")) == ["note"]
        assert Movement.objects.count() == 1

    def test_it_counts_an_item_no_longer_in_use(self) -> None:
        self.stock(10)
        Item.objects.filter(pk=self.n95.pk).update(active=False)
        done = self.post("adjustment", {"item": self.n95.pk, "counted": "0",
                                        "note": "expired, destroyed"})
        assert done.status_code == 302
        assert balance(self.world.warehouse_a, self.n95) == 0


class WarehouseQueriesTest(SuppliesTestCase):
    def test_it_reads_as_many_queries_whatever_the_ledger_and_the_catalogue(self) -> None:
        w = self.world
        self.stock(10)
        client = self.client_for(self.xu)
        url = page_url(w.warehouse_a)
        # Session, user, home area, the warehouse; the rows (5); the ledger's page; the four
        # forms' items and the transfer's warehouses.
        with self.assertNumQueries(15):
            client.get(url)
        for n in range(8):
            item = Item.objects.create(code=f"extra-{n}", name=f"Extra {n}", unit="pcs",
                                       category="other")
            self.stock(20, item=item)
            services.issue(w.warehouse_a, item, 3, by=self.xu, party="Gate")
            self.ask(2, item=item)
        with self.assertNumQueries(15):
            body = client.get(url).content.decode()
        assert "Extra 7" in body


class AllocationPageTest(SuppliesTestCase):
    def setUp(self) -> None:
        self.stock(100)
        self.residents = self.ask(50, recipient=Recipient.RESIDENTS, needed_in=1)
        self.medical = self.ask(80, recipient=Recipient.MEDICAL, needed_in=3)
        self.frontline = self.ask(30, recipient=Recipient.FRONTLINE, area=self.world.village_a2)
        self.url = reverse("supplies:allocate", args=[self.world.warehouse_a.pk, self.n95.pk])

    def test_it_proposes_medical_staff_first_and_lists_who_still_waits(self) -> None:
        response = self.client_for(self.ma).get(self.url)
        assert response.status_code == 200
        given = [(share.request, share.waiting, share.quantity, after)
                 for share, after in response.context["given"]]
        assert given == [(self.medical, 80, 80, 0), (self.frontline, 30, 20, 10)]
        assert [share.request for share in response.context["still_waiting"]] == [
            self.residents]
        body = response.content.decode()
        assert '<dd id="proposed">100 pcs</dd>' in body
        assert '<dd id="left">0 pcs</dd>' in body
        assert "Village A2" in body
        assert "Issue as proposed" in body
        assert not Movement.objects.filter(kind=Kind.ISSUE).exists()  # a proposal writes nothing

    def test_it_issues_the_proposal_and_settles_the_requests(self) -> None:
        w = self.world
        response = self.client_for(self.ma).post(self.url, {"note": "morning round"})
        assert response.status_code == 302
        assert response["Location"] == page_url(w.warehouse_a)
        assert told(response) == ["2 requests got 100 pcs of N95 mask in all."]
        for request, status in ((self.medical, RequestStatus.FILLED),
                                (self.frontline, RequestStatus.PARTLY),
                                (self.residents, RequestStatus.OPEN)):
            request.refresh_from_db()
            assert request.status == status
        assert services.issued_to(self.frontline) == 20
        assert balance(w.warehouse_a, self.n95) == 0
        assert set(Movement.objects.filter(kind=Kind.ISSUE).values_list("note", flat=True)) == {
            "morning round"}

    def test_it_says_so_when_there_is_nothing_to_give(self) -> None:
        w = self.world
        services.issue(w.warehouse_a, self.n95, 100, by=self.ma, party="Fever clinic")
        response = self.client_for(self.ma).post(self.url)
        assert response.status_code == 302
        assert told(response) == [
            "Nothing was issued: no request waits for N95 mask, or Dongcheng Depot holds none."]
        assert Movement.objects.filter(request__isnull=False).count() == 0

    def test_it_shows_the_proposal_to_an_officer_but_refuses_her_post(self) -> None:
        client = self.client_for(self.world.alice)
        shown = client.get(self.url)
        assert shown.status_code == 200
        assert "Issue as proposed" not in shown.content.decode()
        assert client.post(self.url).status_code == 403
        assert not Movement.objects.filter(kind=Kind.ISSUE).exists()

    def test_it_answers_404_out_of_sight_or_for_a_missing_item(self) -> None:
        w = self.world
        assert self.client_for(w.bob).get(self.url).status_code == 404
        assert self.client_for(w.bob).post(self.url).status_code == 404
        missing = reverse("supplies:allocate", args=[w.warehouse_a.pk, 999_999])
        assert self.client_for(self.ma).get(missing).status_code == 404
        assert not Movement.objects.filter(kind=Kind.ISSUE).exists()
