"""The plain blocks of a CSV file: lines without quotes, split by hand, a megabyte at a time.

csv.reader over lines decoded one by one cost a roster's reading process a fifth of its time
(a million rows, 6 µs each). Most rosters hold no quote at all: a cell is then exactly the text
between two delimiters. `blocks()` reads the file a megabyte at a time, cut after its last line
break, and while a block is plain (no quote, NUL or lone carriage return, no line beyond the csv
module's field limit, text in the file's encoding, no byte order mark after the file's first)
gives its decoded lines. At the first block that is not, it puts the file back at that block's
first line and stops: readers reads the rest with csv.reader, which names what is wrong there and
reads quoted cells. Lines and their numbers are those csv.reader gives
(tests/core/test_imports_plain_csv.py holds the two readings equal).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import IO

CHUNK = 1 << 20
# A file whose first megabytes hold no line break is left to csv.reader.
LONGEST_LINE = 1 << 22


def _text(body: bytes, encoding: str, first: bool) -> str | None:
    """The block's text with "\\n" line ends, or None when it is not plain."""
    if b'"' in body or b"\x00" in body:
        return None
    returns = body.count(b"\r")
    if returns and returns != body.count(b"\r\n"):
        return None
    if encoding == "utf-8-sig":
        if first and body.startswith(codecs.BOM_UTF8):
            body = body[len(codecs.BOM_UTF8):]
        encoding = "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\ufeff" in text:  # a line that starts with a BOM loses it there (readers._Lines)
        return None
    return text.replace("\r\n", "\n") if returns else text


def blocks(source: IO[bytes], encoding: str) -> Iterator[list[str]]:
    """The file's lines from where it stands, a block of them at a time, while they are plain;
    then the file stands at the first line not given. Never an empty block."""
    limit = csv.field_size_limit()
    carry, first = b"", True
    while True:
        start = source.tell() - len(carry)
        data = source.read(CHUNK)
        block = carry + data
        end = block.rfind(b"\n") + 1 if data else len(block)
        if data and not end:  # no line break yet
            if len(block) > LONGEST_LINE:
                source.seek(start)
                return
            carry = block
            continue
        body, carry = block[:end], block[end:]
        text = _text(body, encoding, first) if body else ""
        if text is None:
            source.seek(start)
            return
        first = False
        lines = text.split("\n") if text else []
        if text.endswith("\n"):
            lines.pop()
        if lines and max(map(len, lines)) > limit:
            source.seek(start)
            return
        if lines:
            yield lines
        if not data:
            return
