"""GeoJSON boundaries of areas: a Polygon or MultiPolygon in WGS 84 longitude/latitude."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_POINTS = 50_000  # a village boundary with more vertices is a mistake, not precision
_ACCEPTED = {"Polygon", "MultiPolygon", "Feature"}


def parse_boundary(raw: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """A validated geometry (Polygon or MultiPolygon), or None for an empty value.

    A Feature is unwrapped to its geometry. Every error names what is wrong and where.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ValidationError(_("The boundary is not valid JSON (line %(line)s: %(msg)s).")
                                  % {"line": error.lineno, "msg": error.msg},
                                  code="json") from None
    else:
        value = raw
    if not isinstance(value, dict) or value.get("type") not in _ACCEPTED:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."),
                              code="type")
    if value["type"] == "Feature":
        return parse_boundary(value.get("geometry") if isinstance(value.get("geometry"), dict)
                              else {"type": None})
    polygons = value.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        raise ValidationError(_("The boundary has no coordinates."), code="empty")
    if value["type"] == "Polygon":
        polygons = [polygons]
    points = 0
    for polygon in polygons:
        points += _check_polygon(polygon)
    if points > MAX_POINTS:
        raise ValidationError(_("The boundary has %(n)s points; at most %(max)s are allowed.")
                              % {"n": points, "max": MAX_POINTS}, code="size")
    return {"type": value["type"], "coordinates": value["coordinates"]}


def _check_polygon(polygon: Any) -> int:
    if not isinstance(polygon, list) or not polygon:
        raise ValidationError(_("A polygon must be a list of rings."), code="ring")
    count = 0
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("A ring needs at least four positions."), code="ring")
        for position in ring:
            _check_position(position)
        if ring[0] != ring[-1]:
            raise ValidationError(_("A ring must end where it starts."), code="ring_open")
        count += len(ring)
    return count


def _check_position(position: Any) -> None:
    if (not isinstance(position, list) or len(position) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool)
                       for v in position)):
        raise ValidationError(_("A position is [longitude, latitude] in degrees."),
                              code="position")
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            _("The position [%(lon)s, %(lat)s] lies outside the earth's longitude and latitude "
              "(were they swapped?).") % {"lon": lon, "lat": lat}, code="range")


def centroid(boundary: dict[str, Any]) -> tuple[float, float]:
    """The mean of the outer rings' vertices, (latitude, longitude): a label point, not a
    surveyor's centroid, which is all a map marker needs."""
    polygons = boundary["coordinates"]
    if boundary["type"] == "Polygon":
        polygons = [polygons]
    points = [pos for polygon in polygons for pos in polygon[0][:-1]]
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return round(lat, 6), round(lon, 6)
