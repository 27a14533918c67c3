"""Donation pages: the list (scope, search, filters, keyset pages, a flat query count),
recording a donation through its form (the stock it raises, a bad line named and nothing
written), a donation's page."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from epigrid.supplies import services
from epigrid.supplies.models import Donation, Donor, Item, Movement
from epigrid.supplies.stock import balance
from tests.supplies.helpers import SuppliesTestCase

LIST = reverse("supplies:donations")
NEW = reverse("supplies:donation_new")


def donors(body: str) -> list[str]:
    return re.findall(r'<a href="/supplies/donations/\d+/">([^<]+)</a>', body)


class DonationPagesTestCase(SuppliesTestCase):
    def give(self, donor: str, *lines: tuple[Item, int], warehouse: Any = None,
             kind: str = Donor.ENTERPRISE, days_ago: int = 0) -> Donation:
        return services.record_donation(
            warehouse or self.world.warehouse_a, by=self.xu, donor=donor, donor_kind=kind,
            lines=list(lines) or [(self.n95, 100)],
            received_at=timezone.now() - datetime.timedelta(days=days_ago))

    def form(self, **fields: Any) -> dict[str, Any]:
        data = {"donor": "Jinhe Textile Co.", "donor_kind": Donor.ENTERPRISE,
                "contact": "Mr Guo 027-8888", "warehouse": self.world.warehouse_a.pk,
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": ""}
        return data | fields


class RecordDonationTests(DonationPagesTestCase):
    def test_it_books_a_donation_into_the_warehouses_stock(self) -> None:
        w = self.world
        self.stock(50)
        client = self.client_for(self.ma)
        response = client.post(NEW, self.form(item_1=self.n95.pk, quantity_1="2000",
                                              item_3=self.disinfectant.pk, quantity_3="300"),
                               follow=True)
        donation = Donation.objects.get()
        self.assertRedirects(response, reverse("supplies:donation", args=[donation.pk]))
        self.assertEqual(balance(w.warehouse_a, self.n95), 2050)
        self.assertEqual(balance(w.warehouse_a, self.disinfectant), 300)
        self.assertEqual((donation.recorded_by, donation.contact), (self.ma, "Mr Guo 027-8888"))
        body = response.content.decode()
        self.assertIn("The donation of Jinhe Textile Co. is booked into Dongcheng Depot.", body)
        self.assertIn("Mr Guo 027-8888", body)
        self.assertEqual(re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)',
                                    body),
                         [("N95 mask", "2000"), ("Disinfectant 500 ml", "300")])

    def test_it_names_the_bad_line_and_writes_nothing(self) -> None:
        client = self.client_for(self.ma)
        cases = {
            "not a number": ({"quantity_3": "abc"}, "Give a whole number of units"),
            "zero": ({"quantity_3": "0"}, "Give a quantity above zero."),
            "an item twice": ({"item_3": self.n95.pk},
                              "N95 mask is listed twice: give its total once."),
        }
        for case, (change, message) in cases.items():
            with self.subTest(case):
                # Line 2 is blank: the service's second line is the form's third.
                response = client.post(NEW, self.form(**{
                    "item_1": self.n95.pk, "quantity_1": "10",
                    "item_3": self.surgical.pk, "quantity_3": "5"} | change))
                self.assertEqual(response.status_code, 400)
                form = response.context["form"]
                self.assertEqual([error[:len(message)] for error in form.line_errors(3)],
                                 [message])
                self.assertEqual(form.line_errors(1), [])
                row = re.search(r'<tr class="line-errors" id="line-3-errors">.*?</tr>',
                                response.content.decode(), re.S)
                assert row is not None
                self.assertIn(message, row.group().replace("&#x27;", "'"))
        self.assertFalse(Donation.objects.exists())
        self.assertFalse(Movement.objects.exists())

    def test_it_wants_an_item_and_its_quantity_on_a_line(self) -> None:
        response = self.client_for(self.ma).post(NEW, self.form(
            item_1=self.n95.pk, quantity_2="30"))
        form = response.context["form"]
        self.assertEqual(form.line_errors(1), ["Give the quantity given."])
        self.assertEqual(form.line_errors(2), ["Choose the item given."])
        empty = self.client_for(self.ma).post(NEW, self.form())
        self.assertEqual(empty.context["form"].non_field_errors(),
                         ["List at least one item given."])
        self.assertFalse(Movement.objects.exists())

    def test_it_refuses_a_time_to_come_and_an_empty_donor(self) -> None:
        later = timezone.localtime() + datetime.timedelta(days=1)
        client = self.client_for(self.ma)
        response = client.post(NEW, self.form(received_at=later.strftime("%Y-%m-%dT%H:%M"),
                                              item_1=self.n95.pk, quantity_1="1"))
        errors = response.context["form"].errors
        self.assertEqual(list(errors), ["received_at"])
        self.assertIn("is in the future", errors["received_at"][0])
        nameless = client.post(NEW, self.form(donor=" ", item_1=self.n95.pk, quantity_1="1"))
        self.assertEqual(list(nameless.context["form"].errors), ["donor"])
        self.assertFalse(Donation.objects.exists())

    def test_it_offers_only_the_warehouses_the_desk_sees(self) -> None:
        w = self.world
        client = self.client_for(self.ma)
        body = client.get(NEW).content.decode()
        self.assertIn("Dongcheng Depot", body)
        self.assertNotIn("Xihe Depot", body)
        response = client.post(NEW, self.form(warehouse=w.warehouse_b.pk, item_1=self.n95.pk,
                                              quantity_1="5"))
        self.assertEqual(response.context["form"].errors["warehouse"],
                         ["No such warehouse among yours."])
        self.assertFalse(Movement.objects.exists())

    def test_it_lets_only_the_logistics_desks_record(self) -> None:
        w = self.world
        alice = self.client_for(w.alice)
        self.assertEqual(alice.get(NEW).status_code, 403)
        self.assertEqual(alice.post(NEW, self.form(item_1=self.n95.pk, quantity_1="5"))
                         .status_code, 403)
        self.assertEqual(self.client_for(w.command).get(NEW).status_code, 200)
        self.assertFalse(Donation.objects.exists())


class DonationListTests(DonationPagesTestCase):
    def test_it_lists_the_donations_of_the_users_area_newest_first(self) -> None:
        w = self.world
        self.give("Old Friend", days_ago=3)
        self.give("Jinhe Textile Co.", (self.n95, 2000), (self.disinfectant, 300))
        self.give("Xihe Farmers", warehouse=w.warehouse_b)
        body = self.client_for(w.alice).get(LIST).content.decode()
        self.assertEqual(donors(body), ["Jinhe Textile Co.", "Old Friend"])
        self.assertIn("N95 mask × 2000 pcs", body)
        self.assertIn("Disinfectant 500 ml × 300 bottles", body)
        self.assertEqual(donors(self.client_for(self.xu).get(LIST).content.decode()),
                         ["Xihe Farmers", "Jinhe Textile Co.", "Old Friend"])
        self.assertEqual(donors(self.client_for(w.bob).get(LIST).content.decode()),
                         ["Xihe Farmers"])

    def test_it_searches_the_donor_and_filters_by_kind_and_area(self) -> None:
        w = self.world
        self.give("Jinhe Textile Co.")
        self.give("Wang Fang", kind=Donor.INDIVIDUAL)
        self.give("Xihe Textile Union", warehouse=w.warehouse_b, kind=Donor.ORGANIZATION)
        client = self.client_for(self.xu)

        def listed(query: str) -> list[str]:
            return donors(client.get(LIST + query).content.decode())

        self.assertEqual(listed("?q=textile"), ["Xihe Textile Union", "Jinhe Textile Co."])
        self.assertEqual(listed("?donor_kind=individual"), ["Wang Fang"])
        self.assertEqual(listed(f"?area={w.town_b.pk}"), ["Xihe Textile Union"])
        self.assertEqual(listed(f"?q=textile&area={w.town_a.pk}"), ["Jinhe Textile Co."])
        # Another town's area is no filter of Ma's: refused on its field, not applied.
        refused = self.client_for(self.ma).get(LIST + f"?area={w.town_b.pk}")
        self.assertIn("area", refused.context["form"].errors)
        self.assertEqual(donors(refused.content.decode()), ["Wang Fang", "Jinhe Textile Co."])

    @override_settings(PAGE_SIZE=2)
    def test_it_pages_by_key(self) -> None:
        for number in range(5):
            self.give(f"Donor {number}")
        client = self.client_for(self.ma)
        first = client.get(LIST)
        self.assertEqual(donors(first.content.decode()), ["Donor 4", "Donor 3"])
        following = first.context["next_before"]
        second = client.get(LIST + f"?before={following}")
        self.assertEqual(donors(second.content.decode()), ["Donor 2", "Donor 1"])
        last = client.get(LIST + f"?before={second.context['next_before']}")
        self.assertEqual(donors(last.content.decode()), ["Donor 0"])
        self.assertIsNone(last.context["next_before"])

    def test_it_keeps_its_queries_flat_however_many_donations(self) -> None:
        client = self.client_for(self.xu)
        self.give("First", (self.n95, 1))
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as few:
            client.get(LIST)
        for number in range(6):
            self.give(f"Donor {number}", (self.n95, 10), (self.surgical, 20),
                      (self.disinfectant, 5))
        # Session, user, home area, the area menu, the donations, their lines with items.
        self.assertLessEqual(len(few), 6, [query["sql"] for query in few])
        with self.assertNumQueries(len(few)):
            many = client.get(LIST)
        self.assertEqual(len(many.context["donations"]), 7)


class DonationDetailTests(DonationPagesTestCase):
    def test_it_shows_the_donation_to_those_who_see_its_warehouse(self) -> None:
        w = self.world
        donation = self.give("Jinhe Textile Co.", (self.n95, 2000))
        url = reverse("supplies:donation", args=[donation.pk])
        body = self.client_for(w.alice).get(url).content.decode()
        self.assertIn("Dongcheng Depot", body)
        self.assertIn('<dd id="recorded-by">xu</dd>', body)
        self.assertIn('<dd id="donor">Jinhe Textile Co.</dd>', body)
        self.assertEqual(self.client_for(w.bob).get(url).status_code, 404)
        missing = reverse("supplies:donation", args=[donation.pk + 100])
        self.assertEqual(self.client_for(w.alice).get(missing).status_code, 404)
