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

from lambda_cost.numbers import MAX_DIGITS, too_large_message

CHUNK = 1 << 20  # characters read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR_TAIL = re.compile(r"[0-9.eE+\-a-z]*\Z")  # what may still follow a scalar up to the window's end


class OfferSyntaxError(ValueError):
    """The document is not JSON where the reader stands: what it expected, and at which line and column."""

    def __init__(self, message: str, offset: int, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.offset, self.line, self.column = message, offset, line, column


class _LongNumber(ValueError):
    """An integer of more digits than any price has: int() of it would be slow, then refused by Python."""


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _LongNumber(text)
    return int(text)


class JsonStream:
    """A JSON document read from a text file, a window at a time."""

    def __init__(self, handle: TextIO, chunk: int = CHUNK) -> None:
        self._handle = handle
        self._chunk = chunk
        self._buffer = ""
        self._position = 0
        self._consumed = 0  # characters dropped from the front of the window
        self._lines = 0  # line breaks among them
        self._line_start = 0  # the offset where the line of the window's start begins
        self._eof = False
        self._decoder = json.JSONDecoder(parse_float=Decimal, parse_int=_integer)

    @property
    def offset(self) -> int:
        return self._consumed + self._position

    def _error(self, message: str) -> OfferSyntaxError:
        """A syntax error where the reader stands, with its line and column (counted only now, on this rare path)."""
        before = self._buffer[:self._position]
        breaks = before.count("\n")
        line_start = self._consumed + before.rfind("\n") + 1 if breaks else self._line_start
        return OfferSyntaxError(message, self.offset, self._lines + breaks + 1, self.offset - line_start + 1)

    def _more(self) -> bool:
        """Read another chunk into the window, dropping what has been read; False at the end of the file."""
        if self._eof:
            return False
        text = self._handle.read(self._chunk)
        if not text:
            self._eof = True
            return False
        dropped = self._buffer[:self._position]
        breaks = dropped.count("\n")
        if breaks:
            self._lines += breaks
            self._line_start = self._consumed + dropped.rfind("\n") + 1
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
            raise self._error(f"expected {character!r}, found {shown}")
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
                raise self._error("not a JSON value") from None
            except _LongNumber as error:
                raise self._error(too_large_message(str(error))) from None
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
                raise self._error("expected a key (a string)")
            self._expect(":")
            yield key
            following = self._peek()
            if following not in ("}", ","):
                shown = repr(following) if following else "the end of the file"
                raise self._error(f"expected ',' or '}}', found {shown}")
            self._position += 1
            if following == "}":
                return

    def skip(self, levels: int = 1) -> None:
        """Pass over the next value; an object's members are walked `levels` deep, so that a large object (every
        SKU's reserved terms) is never held, only one of its members at a time."""
        if levels > 0 and self._peek() == "{":
            for _ in self.members():
                self.skip(levels - 1)
        else:
            self.value()
