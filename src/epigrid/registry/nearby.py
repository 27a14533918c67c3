"""Nearest first: households ordered by their distance from where the grid worker stands, and
where a door is, learnt from her phone at its first visit."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from epigrid.registry.models import Household

MICRODEGREE = Decimal("0.000001")  # the stored precision: about 10 cm


def read_position(raw: str) -> tuple[Decimal, Decimal] | None:
    """"30.5928, 114.3055" (a full-width comma too) as (latitude, longitude) to the stored
    precision; None for an empty text; ValidationError saying what is wrong with another."""
    text = raw.replace("，", ",").strip()
    if not text:
        return None
    try:
        latitude, longitude = (Decimal(part.strip()) for part in text.split(","))
    except (ValueError, ArithmeticError):  # not two parts, or not numbers
        latitude = longitude = Decimal("NaN")
    if not (latitude.is_finite() and longitude.is_finite()):
        raise ValidationError(_("Give the latitude and the longitude as two numbers, like "
                                "30.5928, 114.3055."))
    try:
        check_position(float(latitude), float(longitude))
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    return (latitude.quantize(MICRODEGREE, ROUND_HALF_UP),
            longitude.quantize(MICRODEGREE, ROUND_HALF_UP))


def parse_position(raw: str) -> tuple[float, float] | None:
    """"30.59,114.30" as (latitude, longitude); None for anything else (a position the phone
    sends or a link carries: a bad one is ignored, not refused)."""
    try:
        found = read_position(raw)
    except ValidationError:
        return None
    return None if found is None else (float(found[0]), float(found[1]))


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
    the visit's transaction with the household as read under its row lock there; logged as
    its change."""
    check_position(latitude, longitude)
    if household.latitude is not None or household.longitude is not None:
        return False
    household.latitude = Decimal(repr(latitude)).quantize(MICRODEGREE, ROUND_HALF_UP)
    household.longitude = Decimal(repr(longitude)).quantize(MICRODEGREE, ROUND_HALF_UP)
    household.save(update_fields=["latitude", "longitude", "updated_at"])
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
