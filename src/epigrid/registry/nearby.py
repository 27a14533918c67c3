"""Nearest first: households ordered by their distance from where the grid worker stands."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import Cast

from epigrid.registry.models import Household


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
