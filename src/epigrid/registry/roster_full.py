"""The roster 花名册's full cleaning: every cell through its parser, every problem named.

A row the fast path (roster_rows.fast_rows, roster_lean) does not take comes here: a cell not in
its common clean form, an unknown grid, an ID seen before or registered in another household,
a household not found and given no address, a door's location. The importer's state it reads
and changes (IDs seen, households found and pending) is the fast path's, so that the two take
turns within a batch (tests/registry/test_roster_fast.py holds them equal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from epigrid.core.imports import parsers
from epigrid.core.imports.base import INVALID, Cells, CleanRow
from epigrid.core.imports.errors import RowError
from epigrid.core.imports.readers import RawRow
from epigrid.registry import roster_parsing, roster_rows
from epigrid.registry.models import Residency
from epigrid.registry.roster_rows import (
    FAST_RESIDENCY,
    FAST_YES_NO,
    LOCATION,
    TEXT_LIMITS,
    join_tags,
)

if TYPE_CHECKING:
    from epigrid.registry.importers import RosterImporter


def full_clean(importer: RosterImporter, row: RawRow) -> CleanRow | list[RowError]:
    """Every cell through its parser, every problem named (the fast path's fallback)."""
    cells = Cells(row)
    values = row.values
    text = {name: roster_rows.text_cell(cells, name, limit)
            for name, limit in TEXT_LIMITS.items()}
    if not text["name"] and text["name"] is not INVALID:
        cells.error("name", _("This column must not be empty."))
    grid = _grid(importer, cells)
    parsed, id_hash = _id(importer, cells)
    phone = cells.parse("phone", roster_parsing.parse_phone)
    household_phone = cells.parse("household_phone", roster_parsing.parse_phone)
    medical = roster_rows.common_cell(cells, "is_medical_staff", roster_parsing.parse_yes_no,
                                      FAST_YES_NO)
    tags = cells.parse("tags", roster_parsing.parse_tags) if values.get("tags") else []
    residency = roster_rows.common_cell(cells, "residency", roster_parsing.parse_residency,
                                        FAST_RESIDENCY)
    returned_on = cells.parse("returned_on", lambda raw: roster_parsing.parse_date(
        raw, importer.today)) if values.get("returned_on") else None
    id_key = _repeat(importer, cells, parsed)
    household = _household(importer, cells, grid, text, residency)
    location = _location(cells, household, grid)
    if cells.errors:
        return cells.errors
    known = importer.known.get(id_hash) if id_hash else importer.unnamed.get(
        (household[1], text["name"])) if household and household[1] else None
    if known is not None and (known[2] != (household[1] if household else None)
                              or household is None and known[3] != grid[0]):
        cells.error("id_number", _("This ID number is already registered in another "
                                   "household; resolve the duplicate before importing it."))
        return cells.errors
    if id_key:
        importer.ids[id_key] = row.number
    person = (text["name"], phone, text["occupation"], medical, residency, join_tags(tags),
              text["returnee_origin"], returned_on)
    cleaned = roster_rows.clean(row.number, grid, household, parsed, id_hash, person, known,
                                household_phone, text["head_name"])
    if location is not None:  # (most rows give none: no key is made for them)
        cleaned.data["location"] = location
    return cleaned


def _location(cells: Cells, household: Any, grid: Any) -> tuple[str, str] | None:
    """The door's (latitude, longitude) texts (roster_rows.location_texts), both or
    neither; None when not given."""
    latitude, longitude = (cells.row.values.get(name, "").strip() for name in LOCATION)
    if not latitude and not longitude:
        return None
    if not latitude or not longitude:
        cells.error("latitude" if not latitude else "longitude",
                    _("Give the latitude and the longitude together, or neither."))
        return None
    found = (cells.parse("latitude", parsers.parse_latitude),
             cells.parse("longitude", parsers.parse_longitude))
    if household is None and grid is not INVALID and not cells.errors:
        cells.error("latitude", _("A location is a household's door: give the household "
                                  "number or address, or leave the location empty."))
    if any(value is INVALID for value in found):
        return None
    return roster_rows.location_texts(*found)


def _id(importer: RosterImporter, cells: Cells) -> tuple[Any, str]:
    found = importer.parsed.get(cells.row.number)
    if isinstance(found, parsers.CellError):
        cells.error("id_number", found.message)
        return INVALID, ""
    if found is None or isinstance(found, Exception):
        return None, ""
    if isinstance(found[0], int):  # read lean (roster_rows.read_batch): parsed once more
        return roster_parsing.parse_id(cells.row.values["id_number"], importer.today), found[1]
    return found


def _grid(importer: RosterImporter, cells: Cells) -> Any:
    code = cells.parse("grid_code", parsers.parse_code)
    if code is INVALID:
        return INVALID
    found = importer.grid_map().get(code)
    if found is None:
        cells.error("grid_code", _("There is no grid with the code %(code)s in your area.")
                    % {"code": code})
        return INVALID
    return found


def _repeat(importer: RosterImporter, cells: Cells, parsed: Any) -> int | None:
    if not parsed or parsed is INVALID:
        return None
    key = int(parsed[0][:17])
    if key in importer.ids:
        cells.error("id_number", _("This ID number appears twice in the file; row %(row)s "
                                   "has it already.") % {"row": importer.ids[key]})
    return key


def _household(importer: RosterImporter, cells: Cells, grid: Any, text: dict[str, Any],
               residency: Any) -> tuple[str, int | None, str] | None:
    """(key, existing household id or None, address) of the row's household, or None.

    A visitor or worker without number and address is attached to the grid alone."""
    number, address = text["household_number"], text["address"]
    if grid is INVALID or number is INVALID or address is INVALID:
        return None
    if not number and not address:
        if residency in (Residency.VISITOR, Residency.WORKER):
            return None
        cells.error("address", _("Give the household number or the address of the "
                                 "household."))
        return None
    key = f"#{number}" if number else f"@{address}"
    existing = importer.households.get(grid[0], {}).get(key)
    if existing is None and not address and (grid[0], key) not in importer.pending:
        cells.error("address", _("There is no household %(number)s in this grid yet; give "
                                 "its address to register it.") % {"number": number})
        return None
    if existing is None:
        importer.pending.add((grid[0], key))
    return key, existing, address
