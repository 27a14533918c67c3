"""The bed figures in the shape of OASIS EDXL-HAVE 2.0 (Hospital AVailability Exchange), and
the same figures as JSON, for other systems of the command (a province's, a hospital group's).

One `Organisation` per facility: its information (id, name, kind), where it is, when its figures
were last updated, and per bed type a `BedCapacity` with `BedType` and `Capacity`
(`CapacityStatus`, `AvailableCount`, `BaselineCount`, `OccupiedCount`, `ReservedCount`). The
bed types are epigrid's own codes (icu, severe, general, isolation, quarantine); HAVE leaves the
bed-type list to the exchanging parties.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from epigrid.care.beds import stale_before
from epigrid.care.models import BedStock

HAVE_NS = "urn:oasis:names:tc:emergency:EDXL:HAVE:2.0"
GML_NS = "http://www.opengis.net/gml/3.2"
ET.register_namespace("have", HAVE_NS)
ET.register_namespace("gml", GML_NS)


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def figures(stocks: Iterable[BedStock], now: datetime.datetime | None = None) -> dict[str, Any]:
    """The facilities of `stocks` (already scoped, with facility and area) and their beds."""
    now = now or timezone.now()
    cutoff = stale_before(now)
    found: dict[int, dict[str, Any]] = {}
    for stock in stocks:
        site = stock.facility
        entry = found.setdefault(site.pk, {
            "id": site.pk, "code": site.code, "name": site.name, "kind": site.kind,
            "area": site.area.name, "area_code": site.area.code,
            "latitude": float(site.latitude) if site.latitude is not None else None,
            "longitude": float(site.longitude) if site.longitude is not None else None,
            "updated_at": stock.updated_at, "stale": False, "beds": []})
        entry["updated_at"] = max(entry["updated_at"], stock.updated_at)
        entry["stale"] = entry["stale"] or stock.updated_at < cutoff
        entry["beds"].append({
            "bed_type": stock.bed_type, "total": stock.total, "occupied": stock.occupied,
            "reserved": stock.reserved, "available": stock.available,
            "updated_at": stock.updated_at, "stale": stock.updated_at < cutoff})
    return {"generated_at": now, "stale_before": cutoff, "facilities": list(found.values())}


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """`figures` with its times as ISO 8601 text (JSON has no time type)."""
    def times(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return _iso(value)
        if isinstance(value, dict):
            return {key: times(item) for key, item in value.items()}
        if isinstance(value, list):
            return [times(item) for item in value]
        return value
    return {"format": "epigrid-beds-1", **times(data)}


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    node = ET.SubElement(parent, f"{{{HAVE_NS}}}{tag}")
    if text is not None:
        node.text = str(text)
    return node


def as_xml(data: dict[str, Any]) -> bytes:
    """`figures` as an EDXL-HAVE 2.0 document (UTF-8, with its XML declaration)."""
    root = ET.Element(f"{{{HAVE_NS}}}HAVE")
    for site in data["facilities"]:
        org = _sub(root, "Organisation")
        info = _sub(org, "OrganisationInformation")
        _sub(info, "OrganisationID", site["code"])
        _sub(info, "OrganisationName", site["name"])
        _sub(info, "OrganisationType", site["kind"])
        _sub(info, "OrganisationArea", site["area"])
        if site["latitude"] is not None and site["longitude"] is not None:
            where = _sub(org, "OrganisationGeoLocation")
            point = ET.SubElement(where, f"{{{GML_NS}}}Point", {"srsName": "EPSG:4326"})
            ET.SubElement(point, f"{{{GML_NS}}}pos").text = \
                f"{site['latitude']} {site['longitude']}"
        for bed in site["beds"]:
            capacity_of = _sub(org, "BedCapacity")
            _sub(capacity_of, "BedType", bed["bed_type"])
            capacity = _sub(capacity_of, "Capacity")
            _sub(capacity, "CapacityStatus", "Vacant" if bed["available"] > 0 else "NotAvailable")
            _sub(capacity, "AvailableCount", bed["available"])
            _sub(capacity, "BaselineCount", bed["total"])
            _sub(capacity, "OccupiedCount", bed["occupied"])
            _sub(capacity, "ReservedCount", bed["reserved"])
            _sub(capacity_of, "LastUpdateTime", _iso(bed["updated_at"]))
        _sub(org, "LastUpdateTime", _iso(site["updated_at"]))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
