"""Forms of the stock pages: a warehouse's four movements, the stock filter, the allocation's
note, and the catalogue's item.

The forms check shapes (a quantity is a whole number above zero, an item is in the catalogue,
a target warehouse is one the user sees); the rules (nothing leaves that is not held, no time in
the future, a reason for a count) live in services.py, whose refusals the views put back on
these forms' fields, which carry the services' names.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from epigrid.areas.models import Warehouse
from epigrid.supplies.items import ALERT_DAYS_MOST
from epigrid.supplies.models import Category, Item

# Far above any stock a warehouse holds, far below what the ledger's integer column takes.
MOST = 100_000_000
NUMBER = {"inputmode": "numeric", "class": "count"}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
ANY: list[tuple[str, Any]] = [("", _("Any"))]


def quantity_field(label: Any, *, least: int = 1, help_text: Any = "") -> forms.IntegerField:
    """A whole number from `least` up, each refusal saying what to type instead."""
    above = (_("Give a quantity above zero.") if least > 0
             else _("Give a number of zero or more."))
    return forms.IntegerField(
        label=label, min_value=least, max_value=MOST, help_text=help_text,
        widget=forms.NumberInput(attrs={**NUMBER, "min": str(least)}),
        error_messages={"required": _("Give the quantity."),
                        "invalid": _("Give a whole number, such as 500."),
                        "min_value": above,
                        "max_value": _("Give at most %(limit_value)s.")})


class ItemChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset: QuerySet[Item], **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Item"))
        super().__init__(queryset=queryset, **kwargs)
        self.error_messages["required"] = _("Choose an item.")
        self.error_messages["invalid_choice"] = _("No such item in the catalogue.")

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit})"


class MovementForm(forms.Form):
    """What every movement names: the item, how many, when (now unless said), a note."""

    item = ItemChoiceField(Item.objects.filter(active=True))
    quantity = quantity_field(_("Quantity"))
    at = forms.DateTimeField(
        label=_("When"), required=False, help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        error_messages={"invalid": _("Give a date and time, such as 2020-02-01 08:30.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    kind = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Four forms share the warehouse page: their inputs' ids must differ, their names not.
        kwargs.setdefault("auto_id", f"id_{self.kind}_%s")
        super().__init__(*args, **kwargs)


class ReceiptForm(MovementForm):
    kind = "receipt"
    party = forms.CharField(label=_("Received from"), max_length=200, required=False,
                            help_text=_("A supplier, the city's reserve, a depot above."))
    field_order = ["item", "quantity", "party", "at", "note"]


class IssueForm(MovementForm):
    kind = "issue"
    party = forms.CharField(label=_("Issued to"), max_length=200,
                            help_text=_("Who receives it: a clinic, a checkpoint, a village."),
                            error_messages={"required": _("Say who receives it.")})
    field_order = ["item", "quantity", "party", "at", "note"]


class WarehouseChoiceField(forms.ModelChoiceField):
    """A warehouse among those the form is given (the user's, this one left out)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Warehouse.objects.none(), **kwargs)
        self.error_messages["required"] = _("Choose the warehouse to move it to.")
        self.error_messages["invalid_choice"] = _("No such warehouse.")

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.area.name}"


class TransferForm(MovementForm):
    kind = "transfer"
    target = WarehouseChoiceField(label=_("To warehouse"))
    field_order = ["item", "quantity", "target", "at", "note"]

    def __init__(self, *args: Any, targets: QuerySet[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(WarehouseChoiceField, self.fields["target"]).queryset = targets


class AdjustmentForm(MovementForm):
    """A stock count 盘点: what is on the shelves; the ledger takes the difference."""

    kind = "adjustment"
    # A count may touch an item no longer in use (the last boxes of it found or written off).
    item = ItemChoiceField(Item.objects.all())
    quantity = None  # type: ignore[assignment]
    counted = quantity_field(_("Counted"), least=0,
                             help_text=_("What is on the shelves now."))
    note = forms.CharField(label=_("Why it differs"), max_length=300,
                           help_text=_("Breakage, expiry, a miscount..."),
                           error_messages={"required": _("Say why the count differs.")})
    field_order = ["item", "counted", "at", "note"]


MOVEMENT_FORMS: dict[str, type[MovementForm]] = {
    form.kind: form for form in (ReceiptForm, IssueForm, TransferForm, AdjustmentForm)}


class StockFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=ANY + list(Category.choices))

    def category_chosen(self) -> str:
        return str(self.cleaned_data.get("category") or "") if self.is_valid() else ""


class AllocateForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Written on every issue of this allocation."))


class ItemForm(forms.ModelForm):
    alert_days = forms.IntegerField(
        label=_("Warn below days of supply"), min_value=0, max_value=ALERT_DAYS_MOST, initial=3,
        help_text=_("A stock lasting fewer days than this at the last week's use is marked "
                    "short."),
        widget=forms.NumberInput(attrs={**NUMBER, "min": "0"}),
        error_messages={"required": _("Give a number of days."),
                        "invalid": _("Give a whole number of days, such as 3."),
                        "min_value": _("Give a number of days of zero or more."),
                        "max_value": _("Give at most %(limit_value)s days.")})

    class Meta:
        model = Item
        fields = ["code", "name", "unit", "category", "priority", "alert_days", "active"]
        help_texts = {
            "code": _("Letters, digits and hyphens, such as n95 or suit-l."),
            "unit": _("What one counts: pcs, boxes, bottles."),
        }
        error_messages = {
            "code": {"invalid": _("Use letters, digits, hyphens and underscores only.")},
        }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        taken = Item.objects.filter(code__iexact=code).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(
                _("The code %(code)s is taken by %(item)s: choose another."),
                params={"code": code, "item": taken.name}, code="unique")
        return code
