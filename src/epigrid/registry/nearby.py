"""Nearest first: households ordered by their distance from where the grid worker stands, and
where a door is, learnt from her phone at its first visit."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from epigrid.registry.models import Household

MICRODEGREE = Decimal("0.000001")  # the stored precision: about 10 cm


def parse_position(raw: str) -> tuple[float, float] | None:
    """"30.59,114.30" as (latitude, longitude); None for anything else."""
    parts = raw.split(",")
    if len(parts) != 2:  # noqa: PLR2004 - latitude and longitude
        return None
    try:
        latitude, longitude = (float(Decimal(part.strip())) for part in parts)
    except (InvalidOperation, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def check_position(latitude: float, longitude: float) -> None:
    """Refuse a position off the globe, by the field that is wrong."""
    if not -90 <= latitude <= 90:  # noqa: PLR2004 - degrees
        raise ValidationError({"latitude": _(
            "A latitude lies between -90 and 90; were latitude and longitude swapped?")})
    if not -180 <= longitude <= 180:  # noqa: PLR2004 - degrees
        raise ValidationError({"longitude": _("A longitude lies between -180 and 180.")})


def locate(household: Household, latitude: float, longitude: float) -> bool:
    """Keep where the door is as the household's location if it has none yet (the first
    visit with a position tells it; a later one never moves it); True if kept. Called inside
    the visit's transaction, which holds the household's row lock; logged as its change."""
    check_position(latitude, longitude)
    found = Household.objects.select_for_update().get(pk=household.pk)
    if found.latitude is not None or found.longitude is not None:
        return False
    found.latitude = Decimal(repr(latitude)).quantize(MICRODEGREE, ROUND_HALF_UP)
    found.longitude = Decimal(repr(longitude)).quantize(MICRODEGREE, ROUND_HALF_UP)
    found.save(update_fields=["latitude", "longitude", "updated_at"])
    household.latitude, household.longitude = found.latitude, found.longitude
    return True


def nearest_first(households: QuerySet[Household], latitude: float,
                  longitude: float) -> QuerySet[Household]:
    """Ordered by squared distance on a local flat map (exact enough within a grid of a few
    hundred metres); households without a location come last, by number."""
    scale = math.cos(math.radians(latitude))  # a degree of longitude shrinks away from the equator
    north = Cast("latitude", FloatField()) - Value(latitude)
    east = (Cast("longitude", FloatField()) - Value(longitude)) * Value(scale)
    distance = ExpressionWrapper(north * north + east * east, output_field=FloatField())
    return households.annotate(distance=distance).order_by(
        F("distance").asc(nulls_last=True), "number", "id")
