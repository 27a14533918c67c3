"""Forms of the donation and request pages. They read the input; the rules live in services.py,
whose refusals the pages put back onto these forms' fields (a donation's "lines.N" onto its
N-th line)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from epigrid.areas.forms import AreaChoice, AreaFilterField, offer_areas, offer_own_areas
from epigrid.areas.models import Area, Warehouse
from epigrid.core.access import ScopedUser, subtree_q
from epigrid.core.forms import apply_errors
from epigrid.supplies.models import (
    OUTSTANDING,
    Donation,
    Donor,
    Item,
    Recipient,
    RequestStatus,
    SupplyRequest,
)

DATE = {"type": "date"}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
LINES = 8  # the lines of a donation's form
QUANTITY_MAX = 2_147_483_647  # the ledger's column
WAITING = "waiting"  # the request list's default: open or partly issued
ANY = "any"


class QuantityField(forms.IntegerField):
    """A whole number of units above zero, refused in words a desk understands."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Quantity"))
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", QUANTITY_MAX)
        super().__init__(**kwargs)
        # The bounds' validators take these words too (Field.run_validators, by code).
        self.error_messages.update({
            "invalid": _("Give a whole number of units, such as 200."),
            "min_value": _("Give a quantity above zero."),
            "max_value": _("Give at most %(limit_value)s."),
        })


def item_label(item: Item) -> str:
    return f"{item.name} ({item.unit})"


class ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return item_label(obj)


class WarehouseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.area.name})"


class StockedWarehouseChoice(forms.ModelChoiceField):
    """A warehouse named with what it holds of the item in question."""

    held: dict[int, int]
    unit = ""

    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(warehouse)s (holds %(held)d %(unit)s)")
                   % {"warehouse": obj.name, "held": self.held.get(obj.pk, 0),
                      "unit": self.unit})


def visible_warehouses(user: ScopedUser) -> QuerySet[Warehouse]:
    return (Warehouse.objects.restrict(user).filter(active=True).select_related("area")
            .order_by("area__path", "code"))


# --- donations ---------------------------------------------------------------------------


class DonationFilterForm(forms.Form):
    q = forms.CharField(label=_("Donor"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Part of the name")}))
    donor_kind = forms.ChoiceField(label=_("Donor kind"), required=False,
                                   choices=[("", _("All kinds")), *Donor.choices])
    area = AreaFilterField(empty_label=_("All my areas"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, donations: QuerySet[Donation]) -> QuerySet[Donation]:
        """The donations matching the valid filters; an invalid one is shown, not applied."""
        self.is_valid()
        data = self.cleaned_data
        if query := (data.get("q") or "").strip():
            donations = donations.filter(donor__icontains=query)
        if data.get("donor_kind"):
            donations = donations.filter(donor_kind=data["donor_kind"])
        if area := data.get("area"):
            donations = donations.filter(subtree_q("area_path", area.path))
        return donations


class DonationForm(forms.Form):
    """A donation with up to LINES lines (an item and its quantity); blank lines are ignored."""

    donor = forms.CharField(label=_("Donor"), max_length=200)
    donor_kind = forms.ChoiceField(label=_("Donor kind"), choices=Donor.choices)
    contact = forms.CharField(label=pgettext_lazy("donor", "Contact"), max_length=200,
                              required=False, help_text=_("A person and a phone, to thank them."))
    warehouse = WarehouseChoice(label=_("Received at warehouse"),
                                queryset=Warehouse.objects.none())
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouse = cast(WarehouseChoice, self.fields["warehouse"])
        warehouse.queryset = visible_warehouses(user)
        warehouse.error_messages["invalid_choice"] = _("No such warehouse among yours.")
        self.fields["received_at"].initial = timezone.localtime().replace(second=0,
                                                                           microsecond=0)
        # The items are read once for the eight menus, not once per menu.
        self.items = {item.pk: item for item in Item.objects.filter(active=True)}
        choices = [("", "—"), *((pk, item_label(item)) for pk, item in self.items.items())]
        for number in range(1, LINES + 1):
            item_field = forms.TypedChoiceField(
                label=_("Item"), required=False, choices=choices, coerce=int, empty_value=None)
            item_field.widget.attrs["aria-label"] = _("Item of line %(number)d") % {
                "number": number}
            item_field.error_messages["invalid_choice"] = _("No such item in use.")
            self.fields[f"item_{number}"] = item_field
            quantity_field = QuantityField(required=False)
            quantity_field.widget.attrs.update({"aria-label": _("Quantity of line %(number)d")
                                                % {"number": number}})
            self.fields[f"quantity_{number}"] = quantity_field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, LINES + 1):
            item, quantity = f"item_{number}", f"quantity_{number}"
            if self.has_error(item) or self.has_error(quantity):
                continue
            if data.get(item) is not None and data.get(quantity) is None:
                self.add_error(quantity, _("Give the quantity given."))
            elif data.get(item) is None and data.get(quantity) is not None:
                self.add_error(item, _("Choose the item given."))
        return data

    def numbered_lines(self) -> list[tuple[int, Item, int]]:
        """The filled lines: (the form's line number, the item, the quantity)."""
        data = self.cleaned_data
        return [(number, self.items[data[f"item_{number}"]], data[f"quantity_{number}"])
                for number in range(1, LINES + 1)
                if data.get(f"item_{number}") is not None
                and data.get(f"quantity_{number}") is not None]

    def lines(self) -> list[tuple[Item, int]]:
        return [(item, quantity) for _number, item, quantity in self.numbered_lines()]

    def refused(self, error: ValidationError) -> None:
        """The service's refusal on the fields it names; its "lines.N" (the N-th line it was
        given, blank lines left out) on the form's line it came from."""
        numbers = [number for number, _item, _quantity in self.numbered_lines()]
        renames = {f"lines.{given}": f"item_{number}"
                   for given, number in enumerate(numbers, start=1)}
        apply_errors(self, error, renames)

    def head_fields(self) -> list[forms.BoundField]:
        """The donation's own fields, drawn above its lines."""
        return [self[name] for name in ("donor", "donor_kind", "contact", "warehouse",
                                        "received_at", "note")]

    def line_rows(self) -> list[dict[str, Any]]:
        """What the template draws per line: its number, its two inputs, their errors."""
        rows = []
        for number in range(1, LINES + 1):
            item, quantity = self[f"item_{number}"], self[f"quantity_{number}"]
            rows.append({"number": number, "item": item, "quantity": quantity,
                         "errors": [*item.errors, *quantity.errors]})
        return rows

    def line_errors(self, number: int) -> list[str]:
        return [str(text) for name in (f"item_{number}", f"quantity_{number}")
                for text in self.errors.get(name, [])]


# --- requests ----------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    STATUSES = ((WAITING, _("waiting (open or partly issued)")), *RequestStatus.choices,
                (ANY, _("any status")))

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUSES)
    item = ItemChoice(label=_("Item"), required=False, queryset=Item.objects.all(),
                      empty_label=_("All items"))
    recipient = forms.ChoiceField(label=_("For"), required=False,
                                  choices=[("", _("Anyone")), *Recipient.choices])
    area = AreaFilterField(empty_label=_("All my areas"))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_areas(self, user)

    def apply(self, requests: QuerySet[SupplyRequest]) -> QuerySet[SupplyRequest]:
        """The requests matching the valid filters (waiting ones unless a status is chosen)."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or WAITING
        if status == WAITING:
            requests = requests.filter(status__in=OUTSTANDING)
        elif status != ANY:
            requests = requests.filter(status=status)
        if data.get("item"):
            requests = requests.filter(item=data["item"])
        if data.get("recipient"):
            requests = requests.filter(recipient=data["recipient"])
        if area := data.get("area"):
            requests = requests.filter(subtree_q("area_path", area.path))
        return requests


class RequestForm(forms.Form):
    area = AreaChoice(label=_("Area"), queryset=Area.objects.none(),
                      help_text=_("The area the supplies are for: a village, a town."))
    item = ItemChoice(label=_("Item"), queryset=Item.objects.none())
    quantity = QuantityField()
    recipient = forms.ChoiceField(label=_("For"), choices=Recipient.choices,
                                  help_text=_("Medical staff are served first, then quarantine "
                                              "sites, front-line workers, residents."))
    needed_by = forms.DateField(label=_("Needed by"), widget=forms.DateInput(DATE))
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: ScopedUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_own_areas(self, user)
        item = cast(ItemChoice, self.fields["item"])
        item.queryset = Item.objects.filter(active=True)
        item.error_messages["invalid_choice"] = _("No such item in use.")
        self.fields["needed_by"].initial = timezone.localdate() + datetime.timedelta(days=1)


class IssueForm(forms.Form):
    """Issue against a request from a warehouse that serves it (its area or one above)."""

    warehouse = StockedWarehouseChoice(label=_("From warehouse"),
                                       queryset=Warehouse.objects.none())
    quantity = QuantityField()
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, warehouses: QuerySet[Warehouse], held: dict[int, int],
                 unit: str, serves: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "issue-%s")
        super().__init__(*args, **kwargs)
        self.serves = serves  # whether any warehouse of the user's serves the request
        field = cast(StockedWarehouseChoice, self.fields["warehouse"])
        field.queryset = warehouses
        field.held, field.unit = held, unit
        field.error_messages["invalid_choice"] = _("Choose one of your warehouses that serve "
                                                   "the area.")


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why cancel"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cancel-%s")
        super().__init__(*args, **kwargs)


def serving(warehouses: QuerySet[Warehouse], area_paths: Iterable[str]) -> QuerySet[Warehouse]:
    """The warehouses among `warehouses` at one of `area_paths` (a request's area and those
    above it), the nearest first."""
    return warehouses.filter(area__path__in=list(area_paths)).order_by("-area__path", "code")
