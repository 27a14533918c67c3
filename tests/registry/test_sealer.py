"""The import's Sealer: the same three stored forms as protect(), a fresh nonce for every value."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epigrid.core import crypto
from epigrid.core.identity import mask_phone
from epigrid.registry import fields
from epigrid.registry.fields import FIRST_NONCES, NONCE_POOL, Sealer, _PrefixedHmac, protect


def nonce_of(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.split(":", 1)[1])[:crypto.NONCE_BYTES]


def test_it_seals_as_protect_does() -> None:
    sealer = Sealer("phone", mask_phone)
    enc, hashed, masked = sealer.seal("13900000001")
    expected = protect("13900000001", "phone", mask_phone)
    assert (hashed, masked) == (expected.hash, expected.masked)
    assert crypto.decrypt(enc, "phone") == "13900000001"
    assert sealer.seal("") == ("", "", "")


def test_it_never_uses_a_nonce_twice_across_its_pools() -> None:
    sealer = Sealer("phone", mask_phone)
    nonces = {nonce_of(sealer.encrypt("13900000001")) for _ in range(2 * NONCE_POOL + 5)}
    assert len(nonces) == 2 * NONCE_POOL + 5


def test_it_draws_few_nonces_for_one_value_and_more_as_it_seals_more(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A passage API request seals one ID number: it must not draw (and slice) a whole pool."""
    drawn: list[int] = []
    real = os.urandom
    monkeypatch.setattr(fields.os, "urandom", lambda size: drawn.append(size) or real(size))
    sealer = Sealer("phone", mask_phone)
    sealer.encrypt("13900000001")
    assert drawn == [FIRST_NONCES * crypto.NONCE_BYTES]
    for _ in range(4 * NONCE_POOL):
        sealer.encrypt("13900000001")
    pools = [size // crypto.NONCE_BYTES for size in drawn]
    assert pools[:3] == [FIRST_NONCES, 2 * FIRST_NONCES, 4 * FIRST_NONCES]
    assert max(pools) == NONCE_POOL == pools[-1]


def test_a_forked_child_does_not_use_the_parents_nonces() -> None:
    """The import's reading process is forked from the run's: a pool both held would give
    both the same nonces."""
    sealer = Sealer("phone", mask_phone)
    sealer.encrypt("13900000001")  # the pool is filled before the fork
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.write(writable, nonce_of(sealer.encrypt("13900000002")))
        os._exit(0)
    os.close(writable)
    child = os.read(readable, crypto.NONCE_BYTES)
    os.close(readable)
    os.waitpid(pid, 0)
    assert len(child) == crypto.NONCE_BYTES
    assert child != nonce_of(sealer.encrypt("13900000002"))


@given(key=st.binary(max_size=200), prefix=st.binary(max_size=80), value=st.binary(max_size=200))
def test_its_hmac_is_rfc_2104s_for_any_key_prefix_and_value(key: bytes, prefix: bytes,
                                                            value: bytes) -> None:
    """Keys longer than SHA-256's block are hashed first, shorter ones padded: as hmac does."""
    expected = hmac.new(key, prefix + value, hashlib.sha256).hexdigest()
    assert _PrefixedHmac(key, prefix).hexdigest(value) == expected


@given(st.lists(st.text(min_size=1, max_size=40), max_size=20))
def test_its_hashes_are_keyed_hashs_one_value_or_many(values: list[str]) -> None:
    sealer = Sealer("id_number", mask_phone)
    expected = [crypto.keyed_hash(value, "id_number") for value in values]
    assert sealer.hash_many(values) == expected
    assert [sealer.hash(value) for value in values] == expected
