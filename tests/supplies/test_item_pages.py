"""The catalogue: everyone signed in reads it; the logistics and command desks add and change
items through items.save_item, a code taken (whatever its case) refused on its field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from epigrid.core.models import AuditEntry
from epigrid.supplies.items import save_item
from epigrid.supplies.models import Category, Item, Priority
from tests.supplies.helpers import SuppliesTestCase

LIST, NEW = reverse("supplies:items"), reverse("supplies:item_new")
GOWN = {"code": "gown-l", "name": "Isolation gown (L)", "unit": "pcs",
        "category": Category.PROTECTIVE, "priority": str(Priority.SCARCE), "alert_days": "4",
        "active": "on"}


def edit_url(item: Item) -> str:
    return reverse("supplies:item_edit", args=[item.pk])


class ItemListTest(SuppliesTestCase):
    def test_it_lists_the_catalogue_to_everyone_signed_in(self) -> None:
        w = self.world
        for user in (w.stranger, w.li, w.alice, self.ma):
            response = self.client_for(user).get(LIST)
            assert response.status_code == 200, user.username
            codes = [item.code for item in response.context["page"].object_list]
            # Scarce first, then by category and code.
            assert codes == ["n95", "surgical-mask", "disinfectant"]
        body = self.client_for(w.alice).get(LIST).content.decode()
        assert "N95 mask" in body
        assert "Disinfectant 500 ml" in body
        assert NEW not in body
        assert edit_url(self.n95) not in body
        managed = self.client_for(self.ma).get(LIST).content.decode()
        assert NEW in managed
        assert edit_url(self.n95) in managed

    def test_it_filters_by_category_and_pages(self) -> None:
        client = self.client_for(self.ma)
        shown = client.get(LIST + "?category=disinfectant").context["page"].object_list
        assert [item.code for item in shown] == ["disinfectant"]
        with override_settings(PAGE_SIZE=2):
            second = client.get(LIST + "?page=2").context["page"].object_list
        assert [item.code for item in second] == ["disinfectant"]

    def test_it_sends_a_visitor_to_log_in(self) -> None:
        assert self.client.get(LIST).status_code == 302

    def test_it_reads_as_many_queries_whatever_the_catalogue(self) -> None:
        client = self.client_for(self.ma)
        with self.assertNumQueries(5):  # session, user, home area, the count, the page
            client.get(LIST)
        for n in range(10):
            Item.objects.create(code=f"extra-{n}", name=f"Extra {n}", unit="pcs",
                                category=Category.OTHER)
        with self.assertNumQueries(5):
            client.get(LIST)


class ItemEditTest(SuppliesTestCase):
    def test_it_adds_an_item(self) -> None:
        response = self.client_for(self.ma).post(NEW, GOWN)
        assert response.status_code == 302
        assert response["Location"] == LIST
        gown = Item.objects.get(code="gown-l")
        assert (gown.name, gown.unit, gown.category, gown.priority, gown.alert_days,
                gown.active) == ("Isolation gown (L)", "pcs", Category.PROTECTIVE,
                                 Priority.SCARCE, 4, True)
        assert AuditEntry.objects.filter(model="supplies.Item", action="create",
                                         object_pk=str(gown.pk)).exists()

    def test_it_changes_an_item_keeping_its_own_code(self) -> None:
        client = self.client_for(self.xu)
        assert client.get(edit_url(self.n95)).status_code == 200
        response = client.post(edit_url(self.n95), {
            **GOWN, "code": "n95", "name": "N95 respirator", "category": Category.MASKS,
            "alert_days": "7", "active": ""})
        assert response.status_code == 302
        self.n95.refresh_from_db()
        assert (self.n95.name, self.n95.alert_days, self.n95.active) == (
            "N95 respirator", 7, False)

    def test_it_refuses_a_code_taken_whatever_its_case(self) -> None:
        client = self.client_for(self.ma)
        for code in ("n95", "N95"):
            response = client.post(NEW, {**GOWN, "code": code})
            assert response.status_code == 400
            assert response.context["form"].errors["code"] == [
                f"The code {code} is taken by N95 mask: choose another."]
        moved = client.post(edit_url(self.surgical), {**GOWN, "code": "n95"})
        assert moved.status_code == 400
        assert list(moved.context["form"].errors) == ["code"]
        assert Item.objects.count() == 3
        self.surgical.refresh_from_db()
        assert self.surgical.code == "surgical-mask"

    def test_it_refuses_bad_input_naming_the_field(self) -> None:
        client = self.client_for(self.ma)
        for field, bad in (("code", "n 95!"), ("code", ""), ("name", ""), ("unit", ""),
                           ("category", "bananas"), ("priority", "9"),
                           ("alert_days", "abc"), ("alert_days", "-1"),
                           ("alert_days", "99999999")):
            response = client.post(NEW, {**GOWN, field: bad})
            assert response.status_code == 400, (field, bad)
            assert list(response.context["form"].errors) == [field], (field, bad)
        errors = client.post(NEW, {**GOWN, "alert_days": "abc"}).context["form"].errors
        assert errors["alert_days"] == ["Give a whole number of days, such as 3."]
        assert Item.objects.count() == 3

    def test_it_refuses_roles_that_do_not_keep_the_warehouses(self) -> None:
        w = self.world
        for user in (w.alice, w.medic, w.li, w.stranger):
            client = self.client_for(user)
            assert client.get(NEW).status_code == 403, user.username
            assert client.post(NEW, GOWN).status_code == 403, user.username
            assert client.post(edit_url(self.n95), {**GOWN, "code": "n95"}).status_code == 403
        assert Item.objects.count() == 3
        self.n95.refresh_from_db()
        assert self.n95.name == "N95 mask"

    def test_it_answers_404_for_a_missing_item(self) -> None:
        missing = reverse("supplies:item_edit", args=[999_999])
        assert self.client_for(self.ma).get(missing).status_code == 404


class SaveItemTest(SuppliesTestCase):
    def test_it_checks_what_a_form_would_not(self) -> None:
        with self.assertRaises(ValidationError) as refused:
            save_item(None, code=" N95 ", name=" ", unit="pcs", category="bananas",
                      priority=7, alert_days=-1)
        assert sorted(refused.exception.message_dict) == [
            "alert_days", "category", "code", "name", "priority"]
        assert Item.objects.count() == 3

    def test_it_strips_what_it_stores(self) -> None:
        item = save_item(None, code=" gown-m ", name=" Gown (M) ", unit=" pcs ",
                         category=Category.PROTECTIVE, priority=Priority.ESSENTIAL,
                         alert_days=3)
        item.refresh_from_db()
        assert (item.code, item.name, item.unit, item.active) == ("gown-m", "Gown (M)", "pcs",
                                                                  True)
