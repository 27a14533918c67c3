from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from epigrid.areas.geo import centroid, parse_boundary

SQUARE = {"type": "Polygon",
          "coordinates": [[[114.0, 30.0], [114.2, 30.0], [114.2, 30.2], [114.0, 30.2],
                           [114.0, 30.0]]]}


def test_it_accepts_a_polygon_and_unwraps_a_feature() -> None:
    assert parse_boundary(json.dumps(SQUARE)) == SQUARE
    feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": SQUARE}
    assert parse_boundary(feature) == SQUARE


def test_it_takes_empty_for_no_boundary() -> None:
    assert parse_boundary("  ") is None and parse_boundary(None) is None


@pytest.mark.parametrize(("raw", "code"), [
    ("{not json", "json"),
    ('{"type": "Point", "coordinates": [114, 30]}', "type"),
    ('{"type": "Polygon", "coordinates": []}', "empty"),
    ('{"type": "Polygon", "coordinates": [[[114, 30], [115, 30], [114, 30]]]}', "ring"),
    ('{"type": "Polygon", "coordinates": [[[114, 30], [115, 30], [115, 31], [114, 31]]]}',
     "ring_open"),
    ('{"type": "Polygon", "coordinates": [[[30, 114], [31, 114], [31, 115], [30, 114]]]}',
     "range"),
    ('{"type": "Polygon", "coordinates": [[["a", 1], [1, 1], [1, 2], ["a", 1]]]}', "position"),
])
def test_it_names_what_is_wrong(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_boundary(raw)
    assert caught.value.code == code


def test_it_places_the_centre_inside_the_square() -> None:
    assert centroid(SQUARE) == (30.1, 114.1)


@given(st.text(max_size=200))
def test_it_answers_any_text_with_a_geometry_or_a_validation_error(raw: str) -> None:
    try:
        result = parse_boundary(raw)
    except ValidationError:
        return
    assert result is None or result["type"] in {"Polygon", "MultiPolygon"}


positions = st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
                     min_size=3, max_size=20)


@given(positions)
def test_it_accepts_every_closed_ring_on_earth(ring: list[list[float]]) -> None:
    closed = [*ring, ring[0]]
    assert parse_boundary({"type": "Polygon", "coordinates": [closed]}) is not None
