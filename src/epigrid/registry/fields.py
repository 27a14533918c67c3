"""Protected identity values: ciphertext, keyed hash and masked text, made together.

A model keeps three columns per protected value (`<name>_enc`, `<name>_hash`, `<name>_masked`);
services fill them with `protect()`. Only `registry.services.reveal()` decrypts, and it audits.
An import seals hundreds of thousands of values of one field: `Sealer` makes the same three
forms as `protect()` with the cipher, the hash key and the field's bytes set up once.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from epigrid.core import crypto

# base64.urlsafe_b64encode without its two Python-level calls per value.
_URLSAFE = bytes.maketrans(b"+/", b"-_")
# Nonces a Sealer draws from the system at once (one call instead of one a value): a few at
# first, twice as many each time up to NONCE_POOL, so that a request sealing one value does not
# draw (and slice) thousands.
FIRST_NONCES = 16
NONCE_POOL = 4096
# Processes forked since this one started, as this process counts them: a child forked while a
# Sealer holds unused nonces must never use them too (a nonce used twice with one key breaks
# AES-GCM), so a Sealer drops its pool when this count moved.
_forks = [0]
os.register_at_fork(after_in_child=lambda: _forks.__setitem__(0, _forks[0] + 1))


@dataclass(frozen=True)
class Protected:
    enc: str
    hash: str
    masked: str


def protect(value: str, field: str, mask: Callable[[str], str]) -> Protected:
    """The three stored forms of a normalized value ("" stays "")."""
    if not value:
        return Protected("", "", "")
    return Protected(crypto.encrypt(value, field), crypto.keyed_hash(value, field), mask(value))


class _PrefixedHmac:
    """HMAC-SHA256 (RFC 2104) of `prefix + value` for many values, from two SHA-256 states
    keyed once: the inner one with the key's inner pad and the prefix fed in, the outer one
    with its outer pad. Each value copies both: 0.93 µs a value, where copying an OpenSSL HMAC
    object (hmac.new(...).copy()) took 1.17 and hmac.digest() 2.1 (it pads the key again for
    every value); two million values an import of a million rows."""

    BLOCK = 64  # SHA-256's block size

    def __init__(self, key: bytes, prefix: bytes) -> None:
        if len(key) > self.BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self.BLOCK, b"\x00")
        self.inner = hashlib.sha256(key.translate(hmac.trans_36) + prefix)
        self.outer = hashlib.sha256(key.translate(hmac.trans_5C))

    def hexdigest(self, value: bytes) -> str:
        return self.hexdigests((value,))[0]

    def hexdigests(self, values: Iterable[bytes]) -> list[str]:
        inner, outer = self.inner.copy, self.outer.copy
        out = []
        for value in values:
            keyed = inner()
            keyed.update(value)
            digest = outer()
            digest.update(keyed.digest())
            out.append(digest.hexdigest())
        return out


class Sealer:
    """crypto.encrypt, crypto.keyed_hash and the mask of one field, for many values.

    The output is exactly theirs (same key id, associated data and HMAC input), so a sealed
    value decrypts and is found by its hash like any other. The HMAC is keyed once with the
    "<field>\\x00" prefix already fed in; each value continues a copy of it (`_PrefixedHmac`).
    """

    def __init__(self, field: str, mask: Callable[[str], str]) -> None:
        kid, self._aead = crypto._field_keys()[0]
        self._prefix = f"{kid}:"
        self._field = field.encode()
        self._hmac = _PrefixedHmac(settings.EPIGRID_HASH_KEY.encode(), f"{field}\x00".encode())
        self.mask = mask
        self._nonces: list[bytes] = []
        self._next_pool = FIRST_NONCES
        self._fork = _forks[0]

    def hash(self, value: str) -> str:
        return self._hmac.hexdigest(value.encode())

    def _fill(self) -> None:
        size = crypto.NONCE_BYTES
        pool = os.urandom(size * self._next_pool)
        self._nonces = [pool[at:at + size] for at in range(0, len(pool), size)]
        self._next_pool = min(NONCE_POOL, 2 * self._next_pool)
        self._fork = _forks[0]

    def encrypt(self, value: str) -> str:
        if not self._nonces or self._fork != _forks[0]:
            self._fill()
        nonce = self._nonces.pop()
        sealed = self._aead.encrypt(nonce, value.encode(), self._field)
        return self._prefix + binascii.b2a_base64(nonce + sealed, newline=False).translate(
            _URLSAFE).decode()

    def seal(self, value: str) -> tuple[str, str, str]:
        """(ciphertext, hash, masked) of a value; ("", "", "") for an empty one."""
        if not value:
            return "", "", ""
        return self.encrypt(value), self.hash(value), self.mask(value)

    def encrypt_many(self, values: Sequence[str]) -> list[str]:
        """encrypt() of each value (none empty), with nonces drawn for them at once."""
        size = crypto.NONCE_BYTES
        pool = os.urandom(size * len(values))
        encrypt, field, prefix = self._aead.encrypt, self._field, self._prefix
        b64, urlsafe = binascii.b2a_base64, _URLSAFE
        out = []
        for at, value in zip(range(0, len(pool), size), values, strict=True):
            nonce = pool[at:at + size]
            out.append(prefix + b64(nonce + encrypt(nonce, value.encode(), field),
                                    newline=False).translate(urlsafe).decode())
        return out

    def hash_many(self, values: Sequence[str]) -> list[str]:
        """hash() of each value."""
        return self._hmac.hexdigests([value.encode() for value in values])

    def seal_many(self, values: Sequence[str]) -> list[tuple[str, str, str]]:
        """seal() of each value, "" among them."""
        full = [value for value in values if value]
        sealed = iter(zip(self.encrypt_many(full), self.hash_many(full), map(self.mask, full),
                          strict=True))
        return [next(sealed) if value else ("", "", "") for value in values]

    def seal_hashed(self, value: str, hashed: str) -> tuple[str, str, str]:
        """seal() for a value whose hash is known already."""
        return self.encrypt(value), hashed, self.mask(value)
