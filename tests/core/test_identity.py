from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core.identity import (
    WEIGHTS,
    check_char,
    clean_text,
    mask_id_number,
    mask_phone,
    parse_id_number,
    parse_mobile,
    upgrade_15,
)

TODAY = datetime.date(2020, 2, 1)
VALID = "11010519491231002X"  # the standard's own example


def test_it_reads_sex_and_birth_date_from_an_18_digit_id() -> None:
    parsed = parse_id_number(VALID, TODAY)
    assert (parsed.value, parsed.birth_date, parsed.sex, parsed.region) == (
        VALID, datetime.date(1949, 12, 31), "female", "110105")


def test_it_upgrades_a_15_digit_id() -> None:
    parsed = parse_id_number("110105491231002", TODAY)
    assert parsed.value == VALID


def test_it_forgives_what_spreadsheets_add() -> None:
    assert parse_id_number("'1101 0519 4912 3100 2x", TODAY).value == VALID
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ", TODAY).value == VALID


@pytest.mark.parametrize(("raw", "code"), [
    ("110105194912310021", "id_check"),
    ("11010519491331002X", "id_birth"),
    ("11010520300101002X", "id_birth"),
    ("1101051949123100", "id_format"),
    ("1.10105E+17", "id_scientific"),
    ("", "id_format"),
    ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "id_format"),  # digits, but not the ones an ID number has
])
def test_it_names_what_is_wrong(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(raw, TODAY)
    assert caught.value.code == code


def test_it_says_which_check_character_was_expected() -> None:
    with pytest.raises(ValidationError, match="ends in 1 but must end in X"):
        parse_id_number("110105194912310021", TODAY)


ids = st.builds(
    lambda region, day, seq: region + day.strftime("%Y%m%d") + f"{seq:03d}",
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    st.dates(datetime.date(1900, 1, 1), TODAY), st.integers(0, 999),
).map(lambda first17: first17 + check_char(first17))


@given(ids)
def test_it_accepts_every_id_with_its_check_character(value: str) -> None:
    parsed = parse_id_number(value, TODAY)
    assert parsed.value == value and parsed.sex == ("male" if int(value[16]) % 2 else "female")


@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_it_catches_every_single_mistyped_digit(value: str, position: int, shift: int) -> None:
    digit = (int(value[position]) + shift) % 10
    typo = value[:position] + str(digit) + value[position + 1:]
    with pytest.raises(ValidationError):
        parse_id_number(typo, TODAY)


@given(st.text(max_size=30))
def test_it_answers_any_text_with_an_id_or_a_validation_error(raw: str) -> None:
    with contextlib.suppress(ValidationError):
        assert len(parse_id_number(raw, TODAY).value) == 18


def test_it_computes_the_standard_s_check_character() -> None:
    assert check_char(VALID[:17]) == "X"


@given(st.text("0123456789", min_size=17, max_size=17))
def test_its_check_character_is_the_weighted_sum_of_the_digits(first17: str) -> None:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    assert check_char(first17) == "10X98765432"[total % 11]


@given(st.one_of(st.text(max_size=20), st.from_regex(r"[0-9A-Za-z]{1,20}", fullmatch=True)))
def test_it_cleans_plain_text_as_it_cleans_noisy_text(raw: str) -> None:
    """The shortcut for plain letters and digits answers what the full cleaning answers."""
    full = raw.translate(str.maketrans("０１２３４５６７８９Ｘｘ＋", "0123456789XX+"))
    full = "".join(c for c in full if not (c.isspace() or c in "-'’‘\u3000")).upper()
    assert clean_text(raw) == full


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)), st.integers(0, 999))
def test_it_upgrades_every_legacy_id_to_a_valid_one(day: datetime.date, seq: int) -> None:
    legacy = "420102" + day.strftime("%y%m%d") + f"{seq:03d}"
    assert parse_id_number(upgrade_15(legacy), TODAY).birth_date.strftime("%y%m%d") == \
        day.strftime("%y%m%d")


def test_it_reads_mainland_mobiles() -> None:
    assert parse_mobile("138 0013 8000") == "13800138000"
    assert parse_mobile("+86 138-0013-8000") == "13800138000"
    for bad in ("12800138000", "1380013800", "027-88886666", "phone",
                "١٣٨٠٠١٣٨٠٠٠"):
        with pytest.raises(ValidationError):
            parse_mobile(bad)


def test_it_masks_ids_and_phones() -> None:
    assert mask_id_number("110105194912310021") == "110105********0021"
    assert mask_phone("13812345678") == "138****5678"
