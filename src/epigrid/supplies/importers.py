"""Imports of supplies, registered with the core import framework in SuppliesConfig.ready().

`supply_items`: the catalogue 物资目录, an item a row (code, name, unit, category, priority class,
days of supply it warns below, in use). A code already in the catalogue, whatever its case,
updates that item (its code is kept as stored: a file does not rename an item); every write goes
through items.save_item, so the catalogue's rules hold. An empty priority, warning or "in use"
cell keeps the item's value (a new item takes the defaults: general, 3 days, in use).

`supply_receipts`: a logistics desk's receipts 入库单 (or the opening stock), a receipt a row
(warehouse code, item code, quantity, from whom, when, note), each received through
services.receive into a warehouse the importing user sees. A row is refused, naming its column,
for a warehouse unknown or out of sight (the same words for both), an item unknown or no longer
in use, a quantity that is not a whole number above zero, or a time in the future; the other
rows go in. A row without a time is received at the moment of the run. A row with its time that
the ledger already holds (the same warehouse, item, quantity, source, time and note, recorded
before the run) is not received again, so a file imported twice adds its stock once.

Both need MANAGE_SUPPLIES. Files are small (hundreds of rows): rows go through the services one
by one; a refusal the services raise while writing names the row and its column, and its batch is
written again without it (the runner's savepoints: nothing of the refused row is kept).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from epigrid.areas.models import Warehouse
from epigrid.core.access import Capability
from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow, Importer, WriteResult
from epigrid.core.imports.cells import raw_cells, service_refusal
from epigrid.core.imports.errors import CellError, RowError
from epigrid.core.imports.readers import ImportColumn, RawRow
from epigrid.core.imports.times import parse_time
from epigrid.supplies import services
from epigrid.supplies.items import ALERT_DAYS_MOST, save_item
from epigrid.supplies.models import Category, Item, Kind, Movement, Priority

CODE_MAX_LENGTH = 40  # Item.code
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_NEGATIVE = re.compile(r"-[\d\s,.]*")

# Words people write for a category or a priority class, beyond its value and its labels.
CATEGORY_WORDS: dict[str, str] = {
    "口罩": Category.MASKS, "防护服": Category.PROTECTIVE, "护目镜": Category.PROTECTIVE,
    "防护用品": Category.PROTECTIVE, "防护物资": Category.PROTECTIVE,
    "消杀用品": Category.DISINFECTANT, "消毒用品": Category.DISINFECTANT,
    "消杀": Category.DISINFECTANT, "消毒液": Category.DISINFECTANT,
    "测温": Category.TESTING, "检测": Category.TESTING, "检测试剂": Category.TESTING,
    "药品": Category.MEDICINE, "药物": Category.MEDICINE,
    "生活物资": Category.LIVING, "生活用品": Category.LIVING, "食品": Category.LIVING,
    "其他": Category.OTHER, "其它": Category.OTHER,
}
PRIORITY_WORDS: dict[str, int] = {
    "紧缺": Priority.SCARCE, "重要": Priority.ESSENTIAL, "一般": Priority.GENERAL,
}
YES_WORDS = {"是", "在用", "启用", "y", "yes", "true", "1", "√", "✓"}
NO_WORDS = {"否", "停用", "不再使用", "n", "no", "false", "0", "×"}


@functools.lru_cache(maxsize=1)
def _category_words() -> dict[str, Any]:
    return parsers.choice_words(Category.choices, CATEGORY_WORDS)


@functools.lru_cache(maxsize=1)
def _priority_words() -> dict[str, Any]:
    return parsers.choice_words(Priority.choices, PRIORITY_WORDS)


def parse_item_code(raw: str) -> str:
    """An item's code as its slug takes it: letters, digits, hyphens and underscores."""
    text = parsers.normalize(raw).lstrip("'")
    if not text:
        raise CellError(_("A code is required."))
    if len(text) > CODE_MAX_LENGTH:
        raise CellError(_("At most %(max)s characters are allowed; this has %(count)s.")
                        % {"max": CODE_MAX_LENGTH, "count": len(text)})
    if not _SLUG.fullmatch(text):
        raise CellError(_("Use letters, digits, hyphens and underscores only."))
    return text


def parse_category(raw: str) -> str:
    return str(parsers.parse_choice(raw, _category_words(),
                                    [str(label) for _value, label in Category.choices]))


def parse_priority(raw: str) -> int | None:
    """A priority class by value (1 to 3), label or word (紧缺, 重要, 一般); empty: not given."""
    if not parsers.normalize(raw):
        return None
    return int(parsers.parse_choice(raw, _priority_words(),
                                    [str(label) for _value, label in Priority.choices]))


def parse_alert_days(raw: str) -> int | None:
    days = parsers.parse_count(raw)
    if days is not None and days > ALERT_DAYS_MOST:
        raise CellError(_("Give a number of days from 0 to %(most)d.") % {"most": ALERT_DAYS_MOST})
    return days


def parse_in_use(raw: str) -> bool | None:
    text = parsers.fold(raw)
    if not text:
        return None
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise CellError(_("Write 是 or 否 (yes or no, 1 or 0)."))


def parse_quantity(raw: str) -> int:
    """A whole number above zero (1,200 and 12.0 are read; 0, -5 and 2.5 are refused)."""
    text = parsers.normalize(raw)
    if not text:
        raise CellError(_("This column must not be empty."))
    if _NEGATIVE.fullmatch(text):
        raise CellError(_("Give a quantity above zero."))
    quantity = parsers.parse_count(text)  # a whole number, not too large, or why not
    if not quantity:
        raise CellError(_("Give a quantity above zero."))
    return quantity


def parse_when(raw: str) -> datetime.datetime | None:
    """A local time as every import reads one (core.imports.times: 2020-02-01 08:30, 2020/2/1
    8:30, 2020年2月1日8时30分, a day alone, a serial day); empty: not given (the run's moment)."""
    return parse_time(raw, required=False)


def _well_formed(rows: Sequence[RawRow], column: str,
                 parse: Callable[[str], str] = parse_item_code) -> set[str]:
    """The codes of a column of a batch that parse, to fetch what they name in one query."""
    codes = set()
    for row in rows:
        try:
            codes.add(parse(row.values.get(column, "")))
        except CellError:
            continue
    return codes


# --- the catalogue -----------------------------------------------------------------------------

ITEM_COLUMNS = (
    ImportColumn("code", gettext_lazy("code"),
                 ("物资编码", "物资代码", "编码", "代码", "item code"), required=True),
    ImportColumn("name", gettext_lazy("name"), ("物资名称", "名称", "品名", "item"),
                 required=True),
    ImportColumn("unit", gettext_lazy("unit"), ("单位", "计量单位"), required=True),
    ImportColumn("category", gettext_lazy("category"), ("类别", "物资类别", "分类"),
                 required=True),
    ImportColumn("priority", gettext_lazy("priority class"), ("优先级", "紧缺程度", "priority")),
    ImportColumn("alert_days", gettext_lazy("warn below days of supply"),
                 ("预警天数", "保障天数预警", "alert days", "warn below")),
    ImportColumn("active", gettext_lazy("in use"), ("是否在用", "是否启用", "启用", "active")),
)
ITEM_FIELDS = ("name", "unit", "category", "priority", "alert_days", "active")
# What a new item takes for an empty cell: the model's defaults.
ITEM_DEFAULTS: dict[str, Any] = {
    name: Item._meta.get_field(name).default  # type: ignore[union-attr]
    for name in ("priority", "alert_days", "active")}


class ItemImporter(Importer):
    name = "supply_items"
    label = gettext_lazy("Supplies: items of the catalogue")
    model = Item
    columns = ITEM_COLUMNS
    capability = Capability.MANAGE_SUPPLIES

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._seen: dict[str, int] = {}  # each code of the file, folded -> its first row
        self._items: dict[str, Item] = {}  # the batch's items in the catalogue, by folded code

    def prepare(self, rows: Sequence[RawRow]) -> None:
        codes = {code.lower() for code in _well_formed(rows, "code")}
        self._items = {item.code.lower(): item for item in Item.objects.annotate(
            folded=Lower("code")).filter(folded__in=codes)}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        code = cells.parse("code", parse_item_code)
        if code is not INVALID:
            first = self._seen.setdefault(code.lower(), row.number)
            if first != row.number:
                cells.error("code", _("The code %(code)s appears twice in the file; row %(row)s "
                                      "has it already.") % {"code": code, "row": first})
        data: dict[str, Any] = {
            "name": cells.parse("name", lambda raw: parsers.parse_text(raw, max_length=100,
                                                                       required=True)),
            "unit": cells.parse("unit", lambda raw: parsers.parse_text(raw, max_length=20,
                                                                       required=True)),
            "category": cells.parse("category", parse_category),
            "priority": cells.parse("priority", parse_priority),
            "alert_days": cells.parse("alert_days", parse_alert_days),
            "active": cells.parse("active", parse_in_use),
        }
        if cells.errors:
            return cells.errors
        existing = self._items.get(code.lower())
        for field in ITEM_FIELDS:  # an empty cell keeps the item's value, or takes the default
            if data[field] is None:
                data[field] = (getattr(existing, field) if existing is not None
                               else ITEM_DEFAULTS[field])
        # Asked now: a write refused later leaves the fetched item changed in memory only.
        changed = existing is None or any(getattr(existing, field) != data[field]
                                          for field in ITEM_FIELDS)
        data.update(code=existing.code if existing is not None else code, existing=existing,
                    changed=changed, raw=raw_cells(row, self.columns))
        return CleanRow(row.number, data)

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        for row in rows:
            data, existing = row.data, row.data["existing"]
            if not data["changed"]:
                result.unchanged += 1
                continue
            try:
                save_item(existing, code=data["code"],
                          **{field: data[field] for field in ITEM_FIELDS})
            except ValidationError as error:
                raise service_refusal(row, error, {}) from None
            if existing is None:
                result.created += 1
            else:
                result.updated += 1
        return result


# --- receipts ----------------------------------------------------------------------------------

RECEIPT_COLUMNS = (
    ImportColumn("warehouse_code", gettext_lazy("warehouse code"),
                 ("仓库编码", "仓库代码", "入库仓库", "仓库", "warehouse"), required=True),
    ImportColumn("item_code", gettext_lazy("item code"), ("物资编码", "物资代码", "item"),
                 required=True),
    ImportColumn("quantity", gettext_lazy("quantity"), ("数量", "入库数量", "qty"),
                 required=True),
    ImportColumn("party", pgettext_lazy("receipt", "from"),
                 ("来源", "来源单位", "供货方", "供货单位", "供应商", "supplier", "party")),
    ImportColumn("at", gettext_lazy("when"),
                 ("入库时间", "入库日期", "时间", "日期", "date", "at")),
    ImportColumn("note", gettext_lazy("note"), ("备注", "说明")),
)
# A service's field -> the column that gave it.
RECEIPT_FIELDS = {"item": "item_code", "quantity": "quantity", "at": "at", "party": "party",
                  "note": "note"}
# What makes two receipts the same one: warehouse, item, quantity, time, source, note.
ReceiptKey = tuple[int, int, int, datetime.datetime, str, str]


class ReceiptImporter(Importer):
    name = "supply_receipts"
    label = gettext_lazy("Supplies: receipts into warehouses (opening stock)")
    model = Movement
    columns = RECEIPT_COLUMNS
    capability = Capability.MANAGE_SUPPLIES

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self._started = timezone.now()
        self._warehouses: dict[str, Warehouse] = {}  # the batch's, in the user's sight
        self._items: dict[str, Item] = {}  # the batch's, by folded code
        self._in_ledger: dict[ReceiptKey, int] = {}  # dated receipts recorded before the run
        self._written: dict[ReceiptKey, int] = {}  # dated rows of this file received or kept

    def prepare(self, rows: Sequence[RawRow]) -> None:
        sight = (Warehouse.objects.all() if self.user is None
                 else Warehouse.objects.restrict(self.user))
        codes = _well_formed(rows, "warehouse_code", parsers.parse_code)
        self._warehouses = {warehouse.code: warehouse for warehouse in sight.filter(
            code__in=codes).select_related("area")}
        folded = {code.lower() for code in _well_formed(rows, "item_code", parsers.parse_code)}
        self._items = {item.code.lower(): item for item in Item.objects.annotate(
            folded=Lower("code")).filter(folded__in=folded)}

    def clean_row(self, row: RawRow) -> CleanRow | list[RowError]:
        cells = Cells(row)
        warehouse_code = cells.parse("warehouse_code", parsers.parse_code)
        warehouse = None
        if warehouse_code is not INVALID:
            warehouse = self._warehouses.get(warehouse_code)
            if warehouse is None:  # unknown and out of sight alike
                cells.error("warehouse_code", _("There is no warehouse with the code %(code)s "
                                                "in your area.") % {"code": warehouse_code})
        item = self._item(cells)
        data: dict[str, Any] = {
            "quantity": cells.parse("quantity", parse_quantity),
            "party": cells.parse("party", lambda raw: parsers.parse_text(raw, max_length=200)),
            "at": cells.parse("at", parse_when),
            "note": cells.parse("note", lambda raw: parsers.parse_text(raw, max_length=300)),
        }
        at = data["at"]
        if at not in (None, INVALID) and at > timezone.now() + services.CLOCK_SLACK:
            cells.error("at", _("%(at)s is in the future.")
                        % {"at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")})
        if cells.errors:
            return cells.errors
        data.update(warehouse=warehouse, item=item, raw=raw_cells(row, self.columns))
        return CleanRow(row.number, data)

    def _item(self, cells: Cells) -> Item | None:
        code = cells.parse("item_code", parsers.parse_code)
        if code is INVALID:
            return None
        item = self._items.get(code.lower())
        if item is None:
            cells.error("item_code", _("There is no item with the code %(code)s in the "
                                       "catalogue.") % {"code": code})
        elif not item.active:
            cells.error("item_code", _("%(item)s is no longer in use.") % {"item": item.name})
        return item

    def write_batch(self, rows: Sequence[CleanRow]) -> WriteResult:
        result = WriteResult()
        counted: dict[ReceiptKey, int] = {}  # kept apart until the whole batch is written
        for row in rows:
            data = row.data
            if data["at"] is not None:
                key = (data["warehouse"].pk, data["item"].pk, data["quantity"], data["at"],
                       data["party"], data["note"])
                counted[key] = counted.get(key, 0) + 1
                if self._written.get(key, 0) + counted[key] <= self._received_before(key):
                    result.unchanged += 1
                    continue
            try:
                services.receive(data["warehouse"], data["item"], data["quantity"],
                                 by=self.user, party=data["party"], note=data["note"],
                                 at=data["at"])
            except ValidationError as error:
                raise service_refusal(row, error, RECEIPT_FIELDS) from None
            result.created += 1
        for key, count in counted.items():
            self._written[key] = self._written.get(key, 0) + count
        return result

    def _received_before(self, key: ReceiptKey) -> int:
        """How many receipts like this the ledger held when the run began."""
        if key not in self._in_ledger:
            warehouse, item, quantity, at, party, note = key
            self._in_ledger[key] = Movement.objects.filter(
                kind=Kind.RECEIPT, warehouse_id=warehouse, item_id=item, quantity=quantity,
                at=at, party=party, note=note, recorded_at__lt=self._started).count()
        return self._in_ledger[key]


IMPORTERS: tuple[type[Importer], ...] = (ItemImporter, ReceiptImporter)
