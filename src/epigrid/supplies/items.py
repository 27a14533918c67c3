"""The catalogue's writes: an item created or changed. A refusal is a ValidationError naming
the field, as in services.py.

Rules: a code is the item's alone (whatever its case: "N95" and "n95" are one code); a name and
a unit are given; the category and the priority class are the catalogue's own. An item is never
deleted (the ledger names it): one no longer stocked is marked not in use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from epigrid.supplies.models import Category, Item, Priority

Errors = dict[str, list[str]]
# A warning a year ahead is the most that means anything (and fits the small integer column).
ALERT_DAYS_MOST = 365


def _taken(code: str, item: Item | None) -> Item | None:
    others = Item.objects.filter(code__iexact=code)
    if item is not None and item.pk is not None:
        others = others.exclude(pk=item.pk)
    return others.first()


def _code_taken(errors: Errors, code: str, holder: Item) -> None:
    errors.setdefault("code", []).append(
        _("The code %(code)s is taken by %(item)s: choose another.")
        % {"code": code, "item": holder.name})


@transaction.atomic
def save_item(item: Item | None, *, code: str, name: str, unit: str, category: str,
              priority: int, alert_days: int, active: bool = True) -> Item:
    """Create an item (`item` None) or change one; answers the item saved."""
    code, name, unit = code.strip(), name.strip(), unit.strip()
    errors: Errors = {}
    if not code:
        errors.setdefault("code", []).append(_("Give the item a code."))
    elif (holder := _taken(code, item)) is not None:
        _code_taken(errors, code, holder)
    if not name:
        errors.setdefault("name", []).append(_("Name the item."))
    if not unit:
        errors.setdefault("unit", []).append(_("Say what one counts: pcs, boxes, bottles."))
    if category not in Category.values:
        errors.setdefault("category", []).append(
            _("Unknown category %(value)s.") % {"value": category})
    if priority not in Priority.values:
        errors.setdefault("priority", []).append(
            _("Unknown priority class %(value)s.") % {"value": priority})
    if not 0 <= alert_days <= ALERT_DAYS_MOST:
        errors.setdefault("alert_days", []).append(
            _("Give a number of days from 0 to %(most)d.") % {"most": ALERT_DAYS_MOST})
    if errors:
        raise ValidationError(errors)
    item = item if item is not None else Item()
    item.code, item.name, item.unit, item.category = code, name, unit, category
    item.priority, item.alert_days, item.active = priority, alert_days, active
    try:
        with transaction.atomic():  # a savepoint: a code taken at the same moment is refused
            item.save()
    except IntegrityError:
        holder = _taken(code, item)
        if holder is None:
            raise
        _code_taken(errors, code, holder)
        raise ValidationError(errors) from None
    return item
