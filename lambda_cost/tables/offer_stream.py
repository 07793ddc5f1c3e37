"""Read a JSON document member by member, never holding it whole: AWS's AmazonEC2 offer file is gigabytes.

The reader keeps a window of the file; `members()` walks an object's keys, and the caller takes each member's
value with `value()` (decoded: one product, one SKU's terms) or `members()` (walked further) or `skip()`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO

CHUNK = 1 << 20  # characters read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR_TAIL = re.compile(r"[0-9.eE+\-a-z]*\Z")  # what may still follow a scalar up to the window's end


class OfferSyntaxError(ValueError):
    """The document is not JSON where the reader stands: what it expected, and at which character."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at character {offset:,}")
        self.offset = offset


class JsonStream:
    """A JSON document read from a text file, a window at a time."""

    def __init__(self, handle: TextIO, chunk: int = CHUNK) -> None:
        self._handle = handle
        self._chunk = chunk
        self._buffer = ""
        self._position = 0
        self._consumed = 0  # characters dropped from the front of the window
        self._eof = False
        self._decoder = json.JSONDecoder(parse_float=Decimal)

    @property
    def offset(self) -> int:
        return self._consumed + self._position

    def _more(self) -> bool:
        """Read another chunk into the window, dropping what has been read; False at the end of the file."""
        if self._eof:
            return False
        text = self._handle.read(self._chunk)
        if not text:
            self._eof = True
            return False
        self._consumed += self._position
        self._buffer = self._buffer[self._position:] + text
        self._position = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self._position = _SPACE.match(self._buffer, self._position).end()  # type: ignore[union-attr]
            if self._position < len(self._buffer):
                return self._buffer[self._position]
            if not self._more():
                return ""

    def _expect(self, character: str) -> None:
        found = self._peek()
        if found != character:
            shown = repr(found) if found else "the end of the file"
            raise OfferSyntaxError(f"expected {character!r}, found {shown}", self.offset)
        self._position += 1

    def value(self) -> Any:
        """The next value, decoded (objects and arrays whole: for the small ones)."""
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._position)
            except json.JSONDecodeError:
                if self._more():
                    continue
                raise OfferSyntaxError("not a JSON value", self.offset) from None
            # A number (or true, false, null) the window cuts may go on in the next chunk: "0." of "0.25". Until a
            # character that cannot continue it follows, read on before trusting it.
            cut = not isinstance(value, (dict, list, str)) and _SCALAR_TAIL.match(self._buffer, end) is not None
            if cut and self._more():
                continue
            self._position = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next; take each member's value before asking for the next key."""
        self._expect("{")
        if self._peek() == "}":
            self._position += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise OfferSyntaxError("expected a key (a string)", self.offset)
            self._expect(":")
            yield key
            following = self._peek()
            self._position += 1
            if following == "}":
                return
            if following != ",":
                raise OfferSyntaxError(f"expected ',' or '}}', found {following!r}", self.offset)

    def skip(self, levels: int = 1) -> None:
        """Pass over the next value; an object's members are walked `levels` deep, so that a large object (every
        SKU's reserved terms) is never held, only one of its members at a time."""
        if levels > 0 and self._peek() == "{":
            for _ in self.members():
                self.skip(levels - 1)
        else:
            self.value()
