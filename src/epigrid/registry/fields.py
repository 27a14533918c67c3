"""Protected identity values: ciphertext, keyed hash and masked text, made together.

A model keeps three columns per protected value (`<name>_enc`, `<name>_hash`, `<name>_masked`);
services fill them with `protect()`. Only `registry.services.reveal()` decrypts, and it audits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from epigrid.core import crypto


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
