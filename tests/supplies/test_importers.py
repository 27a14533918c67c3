"""Imports of supplies: the catalogue (`supply_items`) and a desk's receipts (`supply_receipts`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.days import local_moment
from epigrid.core.imports.errors import CellError
from epigrid.core.imports.parsers import MAX_COUNT
from epigrid.core.models import ImportRun
from epigrid.supplies import importers, services
from epigrid.supplies.importers import parse_quantity, parse_when
from epigrid.supplies.models import Category, Item, Kind, Movement, Priority
from epigrid.supplies.stock import balance
from tests.core.test_imports_support import csv_bytes, errors_of, import_bytes, xlsx_bytes
from tests.supplies.helpers import SuppliesTestCase

ITEMS = "supply_items"
RECEIPTS = "supply_receipts"
ITEM_HEADER = ["code", "name", "unit", "category", "priority", "alert_days", "active"]
RECEIPT_HEADER = ["warehouse_code", "item_code", "quantity", "party", "at", "note"]
ALL_OR_NOTHING = ImportRun.Mode.ALL_OR_NOTHING


def counts(run: ImportRun) -> tuple[str, int, int, int, int]:
    return (run.status, run.rows_created, run.rows_updated, run.rows_unchanged,
            run.rows_failed)


class ItemImportTests(SuppliesTestCase):
    def test_it_adds_items_with_categories_and_priorities_by_value_label_or_word(self) -> None:
        content = csv_bytes([
            ITEM_HEADER,
            ["suit-l", "Protective suit L", "pcs", "protective", "1", "5", "yes"],
            ["goggles", "Goggles", "pairs", "Protective clothing and goggles", "scarce", "", ""],
            ["rice-5kg", "Rice 5 kg", "bags", "生活物资", "一般", "", "否"],
            ["thermo_gun", "Infrared thermometer", "pcs", "测温", "", "0", "1"],
        ])
        run = import_bytes(ITEMS, content, self.xu)
        assert counts(run) == ("done", 4, 0, 0, 0), run.errors
        got = {item.code: (item.category, item.priority, item.alert_days, item.active)
               for item in Item.objects.filter(code__in=["suit-l", "goggles", "rice-5kg",
                                                          "thermo_gun"])}
        assert got == {
            "suit-l": (Category.PROTECTIVE, Priority.SCARCE, 5, True),
            "goggles": (Category.PROTECTIVE, Priority.SCARCE, 3, True),  # defaults: 3, in use
            "rice-5kg": (Category.LIVING, Priority.GENERAL, 3, False),
            "thermo_gun": (Category.TESTING, Priority.GENERAL, 0, True),
        }

    def test_it_reads_a_chinese_sheet_with_chinese_headers_and_labels(self) -> None:
        content = csv_bytes([["物资编码", "物资名称", "单位", "类别", "优先级", "预警天数",
                              "是否在用"],
                             ["kn95", "KN95口罩", "只", "口罩", "紧缺", "4", "是"],
                             ["84-disinfectant", "84消毒液", "瓶", "消杀用品", "重要", "", ""]],
                            encoding="gb18030")
        run = import_bytes(ITEMS, content, self.xu)
        assert counts(run) == ("done", 2, 0, 0, 0), run.errors
        kn95 = Item.objects.get(code="kn95")
        assert (kn95.name, kn95.unit, kn95.category, kn95.priority, kn95.alert_days) == (
            "KN95口罩", "只", Category.MASKS, Priority.SCARCE, 4)
        assert Item.objects.get(code="84-disinfectant").priority == Priority.ESSENTIAL

    def test_it_updates_an_item_by_its_code_whatever_its_case_and_keeps_empty_cells(
            self) -> None:
        content = csv_bytes([ITEM_HEADER,
                             ["N95", "N95 respirator", "pcs", "masks", "", "7", ""],
                             ["disinfectant", "Disinfectant 500 ml", "bottles", "disinfectant",
                              "", "", "no"]])
        first = import_bytes(ITEMS, content, self.xu)
        assert counts(first) == ("done", 0, 2, 0, 0), first.errors
        self.n95.refresh_from_db()
        # The code stays as stored (a file does not rename an item); empty cells keep values.
        assert (self.n95.code, self.n95.name, self.n95.priority, self.n95.alert_days,
                self.n95.active) == ("n95", "N95 respirator", Priority.SCARCE, 7, True)
        self.disinfectant.refresh_from_db()
        assert (self.disinfectant.active, self.disinfectant.alert_days) == (False, 5)
        second = import_bytes(ITEMS, content, self.xu)
        assert counts(second) == ("done", 0, 0, 2, 0)
        assert Item.objects.count() == 3

    def test_it_names_each_wrong_cell_and_keeps_the_good_rows(self) -> None:
        content = csv_bytes([
            ITEM_HEADER,
            ["gloves", "Gloves", "pairs", "protective", "essential", "3", "yes"],
            ["n95 mask", "Bad code", "pcs", "masks", "", "", ""],
            ["x" * 41, "Long code", "pcs", "masks", "", "", ""],
            ["", "No code", "pcs", "masks", "", "", ""],
            ["soap", "", "", "living", "", "", ""],
            ["tents", "Tents", "pcs", "shelter", "urgent", "", ""],
            ["vitamin", "Vitamin C", "boxes", "medicine", "", "400", "maybe"],
            ["iodine", "Iodine", "bottles", "medicine", "", "-2", ""],
            ["GLOVES", "Gloves again", "pairs", "protective", "", "", ""],
        ])
        run = import_bytes(ITEMS, content, self.xu)
        categories = ("Unknown value; use one of: Masks, Protective clothing and goggles, "
                      "Disinfectant, Thermometers and test kits, Medicines, "
                      "Food and daily necessities, Other.")
        assert errors_of(run) == [
            (3, "code", "Use letters, digits, hyphens and underscores only."),
            (4, "code", "At most 40 characters are allowed; this has 41."),
            (5, "code", "A code is required."),
            (6, "name", "This column must not be empty."),
            (6, "unit", "This column must not be empty."),
            (7, "category", categories),
            (7, "priority", "Unknown value; use one of: scarce, essential, general."),
            (8, "alert_days", "Give a number of days from 0 to 365."),
            (8, "active", "Write 是 or 否 (yes or no, 1 or 0)."),
            (9, "alert_days", "A count cannot be negative."),
            (10, "code", "The code GLOVES appears twice in the file; row 2 has it already."),
        ]
        assert counts(run) == ("partial", 1, 0, 0, 8)
        assert set(Item.objects.values_list("code", flat=True)) == {
            "n95", "surgical-mask", "disinfectant", "gloves"}

    def test_a_code_taken_while_the_file_is_written_is_refused_on_its_row_alone(self) -> None:
        real = importers.save_item

        def save_item(item: Any, **fields: Any) -> Item:
            if fields["code"] == "gown":  # another desk took it a moment ago
                raise ValidationError({"code": ["The code gown is taken by Gown: choose "
                                                 "another."]})
            return real(item, **fields)

        content = csv_bytes([ITEM_HEADER, ["cap", "Cap", "pcs", "protective", "", "", ""],
                             ["n95", "N95 respirator", "pcs", "masks", "", "", ""],
                             ["gown", "Gown", "pcs", "protective", "", "", ""],
                             ["boots", "Boots", "pairs", "protective", "", "", ""]])
        with mock.patch.object(importers, "save_item", save_item):
            run = import_bytes(ITEMS, content, self.xu)
        assert errors_of(run) == [(4, "code", "The code gown is taken by Gown: choose another.")]
        assert run.errors[0]["value"] == "gown"
        # The batch was rolled back and written again without row 4: the change to N95 too.
        assert counts(run) == ("partial", 2, 1, 0, 1)
        assert Item.objects.get(code="n95").name == "N95 respirator"
        assert set(Item.objects.filter(category=Category.PROTECTIVE)
                   .values_list("code", flat=True)) == {"cap", "boots"}

    def test_only_those_who_keep_the_warehouses_import_the_catalogue(self) -> None:
        content = csv_bytes([ITEM_HEADER, ["cap", "Cap", "pcs", "protective", "", "", ""]])
        for user in (self.world.alice, self.world.medic):
            with self.assertRaises(PermissionDenied):
                import_bytes(ITEMS, content, user)
        assert import_bytes(ITEMS, content, self.world.command).rows_created == 1
        assert not ImportRun.objects.filter(user=self.world.alice).exists()


class ReceiptImportTests(SuppliesTestCase):
    def test_it_receives_each_row_into_the_warehouse_with_its_source_time_and_note(
            self) -> None:
        w = self.world
        content = csv_bytes([
            RECEIPT_HEADER,
            ["WH-A-001", "n95", "1,200", "City reserve", "2020-02-01 08:30", "opening stock"],
            ["WH-A-001", "SURGICAL-MASK", "5000", "Red Cross", "2020/2/1", ""],
            ["WH-A-001", "n95", "300.0", "", "", ""],
        ])
        before = timezone.now()
        run = import_bytes(RECEIPTS, content, self.ma)
        assert counts(run) == ("done", 3, 0, 0, 0), run.errors
        assert (balance(w.warehouse_a, self.n95), balance(w.warehouse_a, self.surgical)) == (
            1500, 5000)
        lines = list(Movement.objects.order_by("id"))
        assert [(m.kind, m.quantity, m.party, m.note, m.recorded_by) for m in lines] == [
            (Kind.RECEIPT, 1200, "City reserve", "opening stock", self.ma),
            (Kind.RECEIPT, 5000, "Red Cross", "", self.ma),
            (Kind.RECEIPT, 300, "", "", self.ma)]
        assert lines[0].at == local_moment(datetime.date(2020, 2, 1), datetime.time(8, 30))
        assert lines[1].at == local_moment(datetime.date(2020, 2, 1))  # a day: its start
        assert before <= lines[2].at <= timezone.now()  # no time: the run's

    def test_it_refuses_a_warehouse_of_town_b_to_ma_as_unknown(self) -> None:
        content = csv_bytes([RECEIPT_HEADER, ["WH-B-001", "n95", "10", "", "", ""],
                             ["WH-Z-999", "n95", "10", "", "", ""],
                             ["WH-A-001", "n95", "10", "", "", ""]])
        run = import_bytes(RECEIPTS, content, self.ma)
        assert errors_of(run) == [
            (2, "warehouse_code", "There is no warehouse with the code WH-B-001 in your area."),
            (3, "warehouse_code", "There is no warehouse with the code WH-Z-999 in your area."),
        ]
        assert counts(run) == ("partial", 1, 0, 0, 2)
        assert balance(self.world.warehouse_b, self.n95) == 0
        # The district's desk sees town B's depot.
        assert import_bytes(RECEIPTS, content, self.xu).rows_created == 2
        assert balance(self.world.warehouse_b, self.n95) == 10

    def test_it_names_each_wrong_cell_and_keeps_the_valid_rows(self) -> None:
        self.disinfectant.active = False
        self.disinfectant.save(update_fields=["active"])
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        content = csv_bytes([
            RECEIPT_HEADER,
            ["WH-A-001", "n95", "100", "City reserve", "", ""],
            ["WH-A-001", "gloves", "10", "", "", ""],
            ["WH-A-001", "disinfectant", "10", "", "", ""],
            ["WH-A-001", "n95", "0", "", "", ""],
            ["WH-A-001", "n95", "-5", "", "", ""],
            ["WH-A-001", "n95", "2.5", "", "", ""],
            ["WH-A-001", "n95", "many", "", "", ""],
            ["WH-A-001", "n95", "", "", "", ""],
            ["WH-A-001", "n95", "10", "", tomorrow.strftime("%Y-%m-%d %H:%M"), ""],
            ["WH-A-001", "n95", "10", "", "2020-02-30", ""],
            ["", "n95", "10", "", "", "x" * 301],
            ["WH-A-001", "surgical-mask", "40", "Red Cross", "", ""],
        ])
        run = import_bytes(RECEIPTS, content, self.ma)
        bad_time = ("Write the time as 2020-02-01 08:30, 2020/2/1 8:30 or 2020年2月1日 8时30分; "
                    "this date or time does not exist.")
        assert errors_of(run) == [
            (3, "item_code", "There is no item with the code gloves in the catalogue."),
            (4, "item_code", "Disinfectant 500 ml is no longer in use."),
            (5, "quantity", "Give a quantity above zero."),
            (6, "quantity", "Give a quantity above zero."),
            (7, "quantity", "Enter a whole number, like 1200."),
            (8, "quantity", "Enter a whole number, like 1200."),
            (9, "quantity", "This column must not be empty."),
            (10, "at", f"{tomorrow:%Y-%m-%d %H:%M} is in the future."),
            (11, "at", bad_time),
            (12, "warehouse_code", "A code is required."),
            (12, "note", "At most 300 characters are allowed; this has 301."),
        ]
        assert counts(run) == ("partial", 2, 0, 0, 10)
        assert list(Movement.objects.order_by("id").values_list("item__code", "quantity")) == [
            ("n95", 100), ("surgical-mask", 40)]

    def test_all_or_nothing_keeps_nothing_when_a_row_is_wrong(self) -> None:
        content = csv_bytes([RECEIPT_HEADER, ["WH-A-001", "n95", "100", "", "", ""],
                             ["WH-A-001", "n95", "-1", "", "", ""]])
        run = import_bytes(RECEIPTS, content, self.ma, mode=ALL_OR_NOTHING)
        assert (run.status, run.rows_failed) == ("rolled_back", 1)
        assert not Movement.objects.exists()

    def test_a_refusal_of_the_service_names_its_row_and_the_others_go_in_once(self) -> None:
        real = services.receive

        def receive(warehouse: Any, item: Any, quantity: int, **fields: Any) -> Movement:
            if quantity == 13:  # the item went out of use while the file was read
                raise ValidationError({"item": ["N95 mask is no longer in use."]})
            return real(warehouse, item, quantity, **fields)

        content = csv_bytes([RECEIPT_HEADER, ["WH-A-001", "n95", "10", "", "", ""],
                             ["WH-A-001", "n95", "13", "", "", ""],
                             ["WH-A-001", "n95", "20", "", "", ""]])
        with mock.patch.object(services, "receive", receive):
            run = import_bytes(RECEIPTS, content, self.ma)
        assert errors_of(run) == [(3, "item_code", "N95 mask is no longer in use.")]
        assert run.errors[0]["value"] == "n95"
        assert counts(run) == ("partial", 2, 0, 0, 1)
        # The batch was rolled back and written again without row 3: nothing doubled.
        assert sorted(Movement.objects.values_list("quantity", flat=True)) == [10, 20]

    def test_a_dated_file_imported_twice_adds_its_stock_once(self) -> None:
        content = csv_bytes([RECEIPT_HEADER,
                             ["WH-A-001", "n95", "100", "City reserve", "2020-02-01 08:30", ""],
                             ["WH-A-001", "n95", "100", "City reserve", "2020-02-01 08:30", ""],
                             ["WH-A-001", "n95", "7", "", "", ""]])
        first = import_bytes(RECEIPTS, content, self.ma)
        assert counts(first) == ("done", 3, 0, 0, 0)  # two alike in one file: two receipts
        second = import_bytes(RECEIPTS, content, self.ma)
        assert counts(second) == ("done", 1, 0, 2, 0)  # the undated row: received again
        assert balance(self.world.warehouse_a, self.n95) == 214
        three = csv_bytes([RECEIPT_HEADER] + [["WH-A-001", "n95", "100", "City reserve",
                                               "2020-02-01 08:30", ""]] * 3)
        assert counts(import_bytes(RECEIPTS, three, self.ma)) == ("done", 1, 0, 2, 0)

    def test_it_reads_a_chinese_sheet_and_an_xlsx_of_numbers_and_dates(self) -> None:
        w = self.world
        chinese = csv_bytes([["仓库编码", "物资编码", "物资名称", "数量", "来源", "入库时间",
                              "备注"],
                             ["WH-A-001", "n95", "N95口罩", "２００", "市应急物资储备库",
                              "2020年2月1日 8时30分", "期初库存"]], encoding="gb18030")
        run = import_bytes(RECEIPTS, chinese, self.ma)
        assert counts(run) == ("done", 1, 0, 0, 0), run.errors
        line = Movement.objects.get()
        assert (line.quantity, line.party, line.note, line.at) == (
            200, "市应急物资储备库", "期初库存",
            local_moment(datetime.date(2020, 2, 1), datetime.time(8, 30)))
        book = xlsx_bytes({"入库单": [RECEIPT_HEADER,
                                     ["WH-A-001", "surgical-mask", 500.0, "Red Cross",
                                      datetime.datetime(2020, 2, 2, 9, 15),  # noqa: DTZ001
                                      None]]})
        run = import_bytes(RECEIPTS, book, self.ma, name="receipts.xlsx")
        assert counts(run) == ("done", 1, 0, 0, 0), run.errors
        assert balance(w.warehouse_a, self.surgical) == 500
        assert Movement.objects.get(item=self.surgical).at == local_moment(
            datetime.date(2020, 2, 2), datetime.time(9, 15))

    def test_only_those_who_keep_the_warehouses_import_receipts(self) -> None:
        content = csv_bytes([RECEIPT_HEADER, ["WH-A-001", "n95", "10", "", "", ""]])
        with self.assertRaises(PermissionDenied):
            import_bytes(RECEIPTS, content, self.world.alice)
        assert not Movement.objects.exists()
        client = self.client_for(self.ma)
        page = client.get(reverse("imports:new") + f"?importer={RECEIPTS}")
        assert page.status_code == 200
        assert [name for name, _label in page.context["form"].fields["importer"].choices] == [
            ITEMS, RECEIPTS]
        choices = self.client_for(self.world.alice).get(reverse("imports:new")).context[
            "form"].fields["importer"].choices
        assert not {ITEMS, RECEIPTS} & {name for name, _label in choices}


@given(st.integers(min_value=1, max_value=MAX_COUNT))
def test_a_whole_number_above_zero_is_read_in_every_spelling(number: int) -> None:
    full_width = str(number).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    for text in (str(number), f"{number:,}", f" {number}.0 ", f"+{number}", full_width):
        assert parse_quantity(text) == number


@given(st.integers(max_value=0))
def test_zero_and_below_are_refused(number: int) -> None:
    with pytest.raises(CellError):
        parse_quantity(str(number))


@given(st.decimals(min_value=-10**6, max_value=10**6, places=2).filter(
    lambda value: value != value.to_integral_value()))
def test_a_fraction_is_refused(value: Decimal) -> None:
    with pytest.raises(CellError):
        parse_quantity(str(value))


@given(st.text(max_size=20))
def test_any_text_is_a_quantity_above_zero_or_a_cell_error(text: str) -> None:
    try:
        quantity = parse_quantity(text)
    except CellError:
        return
    assert 0 < quantity <= MAX_COUNT


def test_a_time_is_read_in_the_common_spellings() -> None:
    expected = local_moment(datetime.date(2020, 2, 1), datetime.time(8, 30))
    for text in ("2020-02-01 08:30", "2020/2/1 8:30", "2020年2月1日8时30分",
                 "2020-02-01T08:30:00", "43862.3541666667", "2020.2.1 08:30"):
        assert parse_when(text) == expected, text
    assert parse_when("  ") is None
