"""Plate numbers: every well-formed mainland plate is taken (however it is typed), and each kind
of malformed one is refused with its reason. Property tests over generated plates."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epigrid.checkpoints.plates import (
    DIGITS,
    LARGE_ENERGY,
    LETTERS,
    PROVINCES,
    SMALL_ENERGY,
    SUFFIXES,
    parse_plate,
)

province = st.sampled_from(PROVINCES)
letter = st.sampled_from(LETTERS)
letter_or_digit = st.sampled_from(LETTERS + DIGITS)
digits = st.text(DIGITS, min_size=1, max_size=1)


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


ordinary = joined(province, letter, *[letter_or_digit] * 4, st.one_of(
    letter_or_digit, st.sampled_from(SUFFIXES)))
small_new_energy = joined(province, letter, st.sampled_from(SMALL_ENERGY), letter_or_digit,
                          *[digits] * 4)
large_new_energy = joined(province, letter, *[digits] * 5, st.sampled_from(LARGE_ENERGY))
valid = st.one_of(ordinary, small_new_energy, large_new_energy)
# A shared, busy CI machine must not fail a property for being slow to generate plates.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def code_of(raw: str) -> str:
    with pytest.raises(ValidationError) as refused:
        parse_plate(raw)
    return str(refused.value.code)


@relaxed
@given(valid)
def test_it_takes_every_well_formed_plate_as_it_is(plate: str) -> None:
    assert parse_plate(plate) == plate


@relaxed
@given(valid, st.sampled_from([" ", "·", "-", "\u3000"]), st.integers(1, 6))
def test_it_ignores_how_the_plate_was_typed(plate: str, noise: str, at: int) -> None:
    typed = (plate[:at] + noise + plate[at:]).lower()
    typed = typed.replace("0", "\uff10")  # a full-width zero from a Chinese keyboard
    assert parse_plate(f" {typed} ") == plate


@relaxed
@given(valid, st.sampled_from("IO"), st.integers(2, 6))
def test_it_refuses_the_letters_i_and_o(plate: str, bad: str, at: int) -> None:
    assert code_of(plate[:at] + bad + plate[at + 1:]) == "plate_letters"


@relaxed
@given(valid, st.sampled_from("ABCX1"))
def test_it_refuses_a_plate_without_a_province(plate: str, first: str) -> None:
    assert code_of(first + plate[1:]) == "plate_province"


@relaxed
@given(valid, st.integers(1, 3))
def test_it_refuses_too_short_or_too_long_plates(plate: str, extra: int) -> None:
    assert code_of(plate[:4]) == "plate_length"
    assert code_of(plate + "1" * (9 - len(plate) + extra - 1)) == "plate_length"


@relaxed
@given(province, letter)
def test_it_refuses_eight_characters_that_are_not_new_energy(first: str, office: str) -> None:
    assert code_of(first + office + "Z12345") == "plate_format"  # Z is no energy letter
    assert code_of(first + office + "12345Z") == "plate_format"


def test_it_explains_each_refusal() -> None:
    cases = {"": "Give the plate number.", "AA12345": "province's character",
             "鄂A123": "7 characters (8 for a new-energy vehicle); this has 5",
             "鄂AO1234": "never use the letters I and O", "鄂1A2345": "not a mainland plate"}
    for raw, words in cases.items():
        with pytest.raises(ValidationError) as refused:
            parse_plate(raw)
        assert words in refused.value.messages[0], raw


def test_it_knows_the_common_shapes() -> None:
    assert [parse_plate(p) for p in ("鄂A12345", "鄂A·D1234 5", "粤B12345D", "京A1234学")] == [
        "鄂A12345", "鄂AD12345", "粤B12345D", "京A1234学"]
