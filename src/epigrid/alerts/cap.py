"""The public CAP 1.2 feed 风险等级公告: each change of an area's risk level as a Common Alerting
Protocol message, and an Atom index of the messages in force.

What the public is told, and nothing else: the area (its names up the tree, its statistical
code, its boundary when it has one), its new level and the one before, and the day it takes
effect, in Chinese and in English. The reason the command gave stays inside (it may name cases
or families). A level raised is an `Alert`, or an `Update` referencing the area's message
before; back to low is an all-clear 解除 (`responseType` AllClear, `urgency` Past).

The index lists each area's latest message, newest first: those still above low, and the
all-clears of the last `RISK_WINDOW_DAYS` days (then the area drops out, as from the published
list of medium- and high-risk areas 中高风险地区). Messages: the OASIS CAP 1.2 standard; the
index: RFC 4287 Atom with one link of type application/cap+xml an entry, as CAP feeds do.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from epigrid.areas.models import Area, RiskLevel, RiskLevelChange, ancestor_paths

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
LANGUAGES = (("zh-hans", "zh-CN"), ("en", "en-US"))  # Django's and CAP's (RFC 3066) tags
# The level's response, urgency and severity (CAP 1.2, 3.2.2).
GRAVITY = {RiskLevel.HIGH: ("Avoid", "Immediate", "Severe"),
           RiskLevel.MEDIUM: ("Monitor", "Expected", "Moderate"),
           RiskLevel.LOW: ("AllClear", "Past", "Minor")}


def moment(at: datetime.datetime) -> str:
    """CAP's dateTime: local time with its offset, "-00:00" for UTC ("Z" is not allowed)."""
    text = timezone.localtime(at).isoformat(timespec="seconds")
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def identifier(change: RiskLevelChange) -> str:
    return f"{settings.CAP_SENDER}.risk.{change.pk}"


def in_force() -> QuerySet[RiskLevelChange]:
    """Each area's latest change: above low, or back to low within the window; newest first."""
    latest = (RiskLevelChange.objects.filter(area=OuterRef("area"))
              .order_by("-changed_at", "-id").values("pk")[:1])
    since = timezone.now() - datetime.timedelta(days=settings.RISK_WINDOW_DAYS)
    return (RiskLevelChange.objects.filter(pk=Subquery(latest))
            .filter(~Q(level=RiskLevel.LOW) | Q(changed_at__gte=since))
            .select_related("area").order_by("-changed_at", "-id"))


def places(areas: Iterable[Area]) -> dict[str, str]:
    """Each area's names from the top of the tree down (金河市青山区东城镇), by its path: one
    query for all."""
    paths = {area.path: ancestor_paths(area.path) for area in areas}
    wanted = {path for above in paths.values() for path in above}
    names = dict(Area.objects.filter(path__in=wanted).values_list("path", "name"))
    return {path: _joined([names[step] for step in above if step in names])
            for path, above in paths.items()}


def _cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _joined(names: list[str]) -> str:
    """Chinese names run on (青山区东城镇); others are spaced (Qingshan District Dongcheng Town)."""
    text = ""
    for name in filter(None, names):
        text += name if not text or (_cjk(text[-1]) and _cjk(name[0])) else f" {name}"
    return text


def _words(change: RiskLevelChange, place: str) -> dict[str, str]:
    """The info block's words in the active language."""
    levels = dict(RiskLevel.choices)
    values = {"place": place, "level": levels[change.level],
              "previous": levels[change.previous], "day": change.effective_on.isoformat()}
    if change.level == RiskLevel.LOW:
        headline = _("%(place)s is a low-risk area again") % values
    else:
        headline = _("%(place)s is a %(level)s-risk area") % values
    return {"event": _("Epidemic risk level"), "headline": headline,
            "description": _("From %(day)s %(place)s is a %(level)s-risk area (it was "
                             "%(previous)s).") % values}


def _polygons(boundary: Any) -> list[str]:
    """CAP polygons ("lat,lon lat,lon ...", closed, four points at least) of a GeoJSON Polygon
    or MultiPolygon (or a Feature of one): each outer ring; anything else gives none."""
    if isinstance(boundary, dict) and boundary.get("type") == "Feature":
        boundary = boundary.get("geometry")
    if not isinstance(boundary, dict):
        return []
    kind, coordinates = boundary.get("type"), boundary.get("coordinates") or []
    rings = ([polygon[0] for polygon in coordinates if polygon] if kind == "MultiPolygon"
             else coordinates[:1] if kind == "Polygon" else [])
    found = []
    for ring in rings:
        try:
            points = [(float(point[1]), float(point[0])) for point in ring]
        except (TypeError, ValueError, IndexError):
            continue
        if len(points) >= 4 and points[0] == points[-1]:
            found.append(" ".join(f"{lat:g},{lon:g}" for lat, lon in points))
    return found


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _info(alert: ET.Element, change: RiskLevelChange, place: str, language: str) -> None:
    response, urgency, severity = GRAVITY[RiskLevel(change.level)]
    words = _words(change, place)
    info = ET.SubElement(alert, "info")
    effective = timezone.make_aware(datetime.datetime.combine(change.effective_on,
                                                              datetime.time()))
    for tag, text in (("language", language), ("category", "Health"),
                      ("event", words["event"]), ("responseType", response),
                      ("urgency", urgency), ("severity", severity), ("certainty", "Observed"),
                      ("effective", moment(effective)), ("senderName", settings.CAP_SENDER_NAME),
                      ("headline", words["headline"]), ("description", words["description"])):
        _add(info, tag, text)
    area = ET.SubElement(info, "area")
    _add(area, "areaDesc", place)
    for polygon in _polygons(change.area.boundary):
        _add(area, "polygon", polygon)
    geocode = ET.SubElement(area, "geocode")
    _add(geocode, "valueName", "GB/T 2260")
    _add(geocode, "value", change.area.code)


def _before(change: RiskLevelChange) -> RiskLevelChange | None:
    return (RiskLevelChange.objects.filter(area=change.area_id)
            .filter(Q(changed_at__lt=change.changed_at)
                    | Q(changed_at=change.changed_at, pk__lt=change.pk))
            .order_by("-changed_at", "-id").first())


def alert_xml(change: RiskLevelChange) -> bytes:
    """The CAP 1.2 message of one change, in Chinese and English."""
    alert = ET.Element("alert", {"xmlns": CAP})
    before = _before(change)
    for tag, text in (("identifier", identifier(change)), ("sender", settings.CAP_SENDER),
                      ("sent", moment(change.changed_at)), ("status", "Actual"),
                      ("msgType", "Alert" if before is None else "Update"),
                      ("scope", "Public")):
        _add(alert, tag, text)
    if before is not None:
        _add(alert, "references", ",".join((settings.CAP_SENDER, identifier(before),
                                            moment(before.changed_at))))
    place = places([change.area])[change.area.path]
    for django_language, cap_language in LANGUAGES:
        with translation.override(django_language):
            _info(alert, change, place, cap_language)
    return _document(alert)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def index_xml(changes: Iterable[RiskLevelChange], link: Callable[[RiskLevelChange], str],
              self_link: str) -> bytes:
    """The Atom index: an entry per message, linking to it; headlines in Chinese."""
    changes = list(changes)
    named = places(change.area for change in changes)
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "id", self_link)
    with translation.override("zh-hans"):
        _add(feed, "title", f"{settings.CAP_SENDER_NAME} · {_('Epidemic risk level')}")
        updated = max((change.changed_at for change in changes), default=timezone.now())
        _add(feed, "updated", moment(updated))
        author = ET.SubElement(feed, "author")
        _add(author, "name", settings.CAP_SENDER_NAME)
        ET.SubElement(feed, "link", {"rel": "self", "href": self_link})
        for change in changes:
            words = _words(change, named[change.area.path])
            entry = ET.SubElement(feed, "entry")
            _add(entry, "id", link(change))
            _add(entry, "title", words["headline"])
            _add(entry, "updated", moment(change.changed_at))
            ET.SubElement(entry, "link", {"rel": "alternate", "type": "application/cap+xml",
                                          "href": link(change)})
            _add(entry, "summary", words["description"])
    return _document(feed)
