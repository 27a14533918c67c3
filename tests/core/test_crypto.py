from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from django.test import override_settings

from epigrid.core import crypto

OLD = crypto.new_key_spec("old")
NEW = crypto.new_key_spec("new")


def test_it_round_trips_and_names_the_key() -> None:
    with override_settings(EPIGRID_FIELD_KEYS=NEW):
        token = crypto.encrypt("11010519491231002X", "id_number")
        assert token.startswith("new:") and "1101" not in token
        assert crypto.decrypt(token, "id_number") == "11010519491231002X"


def test_it_never_encrypts_a_value_twice_alike() -> None:
    with override_settings(EPIGRID_FIELD_KEYS=NEW):
        assert crypto.encrypt("x", "phone") != crypto.encrypt("x", "phone")


def test_it_refuses_a_ciphertext_moved_to_another_field() -> None:
    with override_settings(EPIGRID_FIELD_KEYS=NEW):
        token = crypto.encrypt("13800138000", "phone")
        with pytest.raises(InvalidTag):
            crypto.decrypt(token, "id_number")


def test_it_reads_old_keys_after_rotation_and_says_what_needs_it() -> None:
    with override_settings(EPIGRID_FIELD_KEYS=OLD):
        token = crypto.encrypt("13800138000", "phone")
    with override_settings(EPIGRID_FIELD_KEYS=f"{NEW},{OLD}"):
        assert crypto.decrypt(token, "phone") == "13800138000"
        assert crypto.needs_rotation(token)
    with override_settings(EPIGRID_FIELD_KEYS=NEW), pytest.raises(crypto.FieldKeyError):
        crypto.decrypt(token, "phone")


def test_it_refuses_a_malformed_key() -> None:
    with override_settings(EPIGRID_FIELD_KEYS="k1:c2hvcnQ"), pytest.raises(crypto.FieldKeyError):
        crypto.encrypt("x", "phone")


def test_it_hashes_alike_per_field_and_differently_per_key() -> None:
    with override_settings(EPIGRID_HASH_KEY="a"):
        first = crypto.keyed_hash("13800138000", "phone")
        assert first == crypto.keyed_hash("13800138000", "phone")
        assert first != crypto.keyed_hash("13800138000", "id_number")
    with override_settings(EPIGRID_HASH_KEY="b"):
        assert crypto.keyed_hash("13800138000", "phone") != first
