"""YAML text to plain data: safe, exact (decimals, not floats), bounded; positions only on demand."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import yaml

from lambda_cost.errors import LoadError, Problem
from lambda_cost.model.value import Value
from lambda_cost.numbers import MAX_DIGITS, too_large, too_large_message

MAX_BYTES = 256 * 1024 * 1024
# Every value a document builds counts, aliases at the size of what they repeat and `<<` merges included: past this
# many a document is refused while it is built (a list of 50 million items, an alias or merge-key bomb), before it
# takes minutes and gigabytes. A workload of 100,000 functions holds about 3 million.
MAX_NODES = 5_000_000
# No workload, price table or template comes near this depth; the later stages walk the data recursively.
MAX_DEPTH = 100

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
# The tags a plain scalar resolves to, spelt once: the loader compares them for every scalar of a large file.
_STR, _NULL, _MAP, _SEQ = (_TAG + name for name in ("str", "null", "map", "seq"))
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_MERGE_KEY = object()  # the plain key `<<`, which merges mappings
YAML_SYNTAX_HINT = "where the YAML reader stopped: the mistake is here or just above"
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
_NULLS = ("", "~", "null", "Null", "NULL")
_TIMESTAMP = yaml.constructor.SafeConstructor.timestamp_regexp
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_QUOTE_HINT = "quote it to keep it as text"
_TOO_DEEP_HINT = "no workload, price table or template needs that many"


class Source(Value):
    """A document's text and the name to report it under."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text


class _YamlProblem(Exception):
    """A problem found while building data from YAML events, with its position."""

    def __init__(self, message: str, mark: Any, hint: str | None = None, title: str = "invalid YAML") -> None:
        super().__init__(message)
        self.mark = mark
        self.hint = hint
        self.title = title  # what the file's error says as a whole


def _resolve(value: str) -> str:
    """The implicit tag of a plain scalar, by YAML 1.1's rules (the same table PyYAML uses)."""
    for tag, pattern in _IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR


def reads_as_text(value: str) -> bool:
    """Whether YAML reads this, written plain, as the same text (not 0x1F, 1:30, yes or 2024-01-01)."""
    return bool(value) and _resolve(value) is _STR


def _construct_scalar(value: str, tag: str, mark: Any, explicit: bool) -> Any:
    """The value of a scalar of a known tag; what its tag promises and its text does not give is a located problem.

    YAML 1.1 resolves plain scalars by their look (`0x_` is an int, `2024-02-30` a date) before anything checks that
    they are one: said here, where the scalar is, rather than failing inside a constructor.
    """
    if tag == _STR:
        return value
    if tag == f"{_TAG}int":
        if len(value) > MAX_DIGITS:
            raise _YamlProblem(too_large_message(value), mark)
        number = _integer(value.replace("_", ""))
        if number is None:
            raise _YamlProblem(_not_a(value, "an integer", "!!int", explicit), mark, _hint(explicit))
        return number
    if tag == f"{_TAG}float":
        decimal = _decimal(value.replace("_", ""))
        if decimal is None:
            raise _YamlProblem(_not_a(value, "a number", "!!float", explicit), mark, _hint(explicit))
        if not decimal.is_finite():
            raise _YamlProblem(f"{value!r} is not a finite number", mark)
        if too_large(decimal):
            raise _YamlProblem(too_large_message(value), mark)
        return decimal
    if tag == f"{_TAG}bool":
        boolean = _BOOLEANS.get(value.lower())
        if boolean is None:
            raise _YamlProblem(_not_a(value, "true or false", "!!bool", explicit), mark, _hint(explicit))
        return boolean
    if tag == f"{_TAG}null":
        if value not in _NULLS:
            raise _YamlProblem(_not_a(value, "empty (null)", "!!null", explicit), mark, _hint(explicit))
        return None
    if tag == f"{_TAG}merge":
        if value != "<<":
            raise _YamlProblem(_not_a(value, "the merge key <<", "!!merge", explicit), mark, _hint(explicit))
        return _MERGE_KEY
    if tag == f"{_TAG}timestamp":
        return _timestamp(value, mark, explicit)
    raise _YamlProblem(_tag_refused(tag), mark)


def _tag_refused(tag: str) -> str:
    """A tag as it was written (!!binary, not tag:yaml.org,2002:binary), refused."""
    shown = tag.replace(_TAG, "!!") if tag.startswith(_TAG) else tag
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"the tag {shown!r} is not allowed; only plain YAML is accepted (no !python or other tags)"


def _hint(explicit: bool) -> str | None:
    return None if explicit else _QUOTE_HINT


def _not_a(value: str, what: str, tag: str, explicit: bool) -> str:
    shown = value if len(value) <= 40 else value[:37] + "..."
    if explicit:
        return f"{shown!r} is tagged {tag} but is not {what}"
    return f"{shown!r} is not {what}" if what != "an integer" else f"{shown!r} is not a number"


def _integer(text: str) -> int | None:
    """YAML 1.1's integers: 0b binary, 0x hex, 0 octal, 1:30 base 60, decimal; None for anything else."""
    sign = -1 if text.startswith("-") else 1
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits.isascii() or digits.strip() != digits:
        return None  # int() would take Arabic-Indic digits and spaces; YAML does not
    try:
        prefix = digits[:2].lower()
        if prefix in ("0b", "0x"):
            return sign * int(digits[2:], 2 if prefix == "0b" else 16)
        if ":" in digits:
            number = 0
            for part in digits.split(":"):
                number = number * 60 + int(part)
            return sign * number
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits)
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    """A YAML 1.1 float as an exact Decimal (1:30.5 is base 60); None when the text is not a number."""
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal(lowered.replace(".", ""))
    try:
        if ":" in text and text.isascii():
            sign = -1 if text.startswith("-") else 1
            *whole, last = text.lstrip("+-").split(":")
            number = Decimal(0)
            for part in whole:
                number = number * 60 + int(part)
            return sign * (number * 60 + Decimal(last))
        return Decimal(text) if text.isascii() else None
    except (InvalidOperation, ValueError):
        return None


def _timestamp(value: str, mark: Any, explicit: bool) -> dt.date:
    """A date, or a date and time, with each field checked: say which one is out of range."""
    match = _TIMESTAMP.match(value)
    if match is None:
        raise _YamlProblem(_not_a(value, "a date (YYYY-MM-DD)", "!!timestamp", explicit), mark, _hint(explicit))
    fields = match.groupdict()
    year, month, day = int(fields["year"]), int(fields["month"]), int(fields["day"])
    what = "a date" if fields["hour"] is None else "a date and time"
    reason = None
    if year < 1:
        reason = "years start at 1"
    elif not 1 <= month <= 12:
        reason = "a month is 1 to 12"
    elif not 1 <= day <= calendar.monthrange(year, month)[1]:
        reason = f"{_MONTHS[month - 1]} {year} has {calendar.monthrange(year, month)[1]} days"
    elif fields["hour"] is not None:
        clock = (int(fields["hour"]), int(fields["minute"]), int(fields["second"]))
        tz_hour = int(fields["tz_hour"] or 0)
        tz_minute = int(fields["tz_minute"] or 0)
        if clock[0] > 23:
            reason = "an hour is 0 to 23"
        elif clock[1] > 59 or clock[2] > 59:
            reason = "minutes and seconds are 0 to 59"
        elif tz_hour > 23 or tz_minute > 59:
            reason = "a time zone is at most 23:59 from UTC"
    if reason is None:
        try:
            built: dt.date = yaml.constructor.SafeConstructor().construct_yaml_timestamp(
                yaml.ScalarNode(f"{_TAG}timestamp", value))
            return built
        except (ValueError, OverflowError):
            reason = "it is out of range"
    raise _YamlProblem(f"{value!r} is not {what}: {reason}", mark, _hint(explicit))


class Streamer(Protocol):
    """Takes the items of the top-level `functions` list as they are built, instead of the list keeping them."""

    def start(self, top: dict[Any, Any]) -> None:
        """The list begins: `top` holds the top-level keys written before it."""

    def item(self, value: Any) -> None:
        """One item, complete."""


def _build(text: str, streamer: Streamer | None = None) -> Any:
    """Build plain data straight from libyaml's event stream.

    This skips PyYAML's node graph: it is several times faster than yaml.load with the C loader and holds
    no nodes in memory. Duplicate keys and unknown tags are errors; anchors, aliases and `<<` merge keys work.
    Every value is counted as it is built, an alias as the size of what it repeats, so that a document over
    MAX_NODES (a huge list, an alias or merge-key bomb) or deeper than MAX_DEPTH is refused where it crosses the cap.
    With a `streamer`, the items of a top-level `functions` list (one without an anchor) go to it as they are
    made, and that list stays empty.
    """
    events = _Loader(text)
    next_event: Callable[[], Any] = events.get_event
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    container_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    anchors: dict[str, Any] = {}
    sizes: dict[str, int] = {}  # values each anchor holds, aliases expanded; absent while it is still open
    resolved: dict[str, Any] = {}  # plain scalars and the values they resolve to (immutable: str, int, Decimal...)
    inherited: dict[int, set[Any]] = {}  # keys a mapping got from `<<`, which its own keys may override
    stack: list[tuple[Any, Any, Any, bool, Any, int]] = []
    current: Any = None  # the open mapping or list
    anchor: Any = None  # the anchor of the open container
    opened = 0  # the count when the open container started
    key: Any = None
    has_key = False
    key_mark: Any = None
    result: Any = None
    streamed: Any = None  # the list whose items go to the streamer
    documents = 0
    count = 0  # values built so far, each alias counted as what it repeats
    repeated = 0  # how many of them aliases added
    try:
        while True:
            event = next_event()
            kind = event.__class__
            if kind is scalar_event:
                count += 1
                if count > MAX_NODES:
                    raise _too_many(repeated, event.start_mark)
                tag = event.tag
                text = event.value
                plain = tag is None and event.implicit[0]
                if plain and text in resolved:  # the same keys and many of the same values in every function
                    value = resolved[text]
                elif plain:  # its tag is resolved from its look
                    tag = _resolve(text) if text else _NULL
                    value = text if tag is _STR else _construct_scalar(text, tag, event.start_mark, False)
                    resolved[text] = value  # immutable (str, int, Decimal, date...): equal scalars share one object
                else:  # quoted, or tagged
                    value = _construct_scalar(text, _STR if tag is None or tag == "!" else tag, event.start_mark,
                                              True)
                if value is _MERGE_KEY and (current.__class__ is not dict or has_key):
                    value = event.value  # `<<` merges only as a key; elsewhere it is the text <<
                if event.anchor is not None:
                    anchors[event.anchor] = value
                    sizes[event.anchor] = 1
            elif kind is mapping_start or kind is sequence_start:
                count += 1
                if len(stack) >= MAX_DEPTH:
                    raise _YamlProblem(f"the document is nested more than {MAX_DEPTH} levels deep",
                                       event.start_mark, _TOO_DEEP_HINT, "nested too deeply")
                tag = event.tag
                allowed = (None, "!", _MAP if kind is mapping_start else _SEQ)
                if tag not in allowed:
                    raise _YamlProblem(_tag_refused(tag), event.start_mark)
                at_functions = (streamer is not None and streamed is None and kind is sequence_start
                                and len(stack) == 1 and has_key and key == "functions" and event.anchor is None)
                stack.append((current, anchor, key, has_key, key_mark, opened))
                current = {} if kind is mapping_start else []
                if at_functions:
                    assert streamer is not None
                    streamed = current
                    streamer.start(dict(stack[-1][0]))
                anchor = event.anchor
                opened = count
                has_key = False
                if anchor is not None:
                    anchors[anchor] = current
                    sizes.pop(anchor, None)  # open: an alias to it now would repeat it inside itself
                continue
            elif kind in container_end:
                value = current
                if anchor is not None and anchors.get(anchor) is value:
                    sizes[anchor] = count - opened + 1
                current, anchor, key, has_key, key_mark, opened = stack.pop()
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise _YamlProblem(f"unknown alias *{event.anchor}", event.start_mark)
                size = sizes.get(event.anchor)
                if size is None:
                    raise _YamlProblem(f"the alias *{event.anchor} is inside its own anchor &{event.anchor}: it "
                                       "would repeat without end", event.start_mark)
                count += size
                repeated += size
                if count > MAX_NODES:
                    raise _too_many(repeated, event.start_mark)
                value = anchors[event.anchor]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _YamlProblem("a file holds one YAML document; found a second '---'", event.start_mark)
                continue
            elif kind is yaml.StreamEndEvent:
                return result
            else:  # stream start, document end
                continue
            if current is None:
                result = value
            elif current.__class__ is list:
                if current is streamed:
                    streamer.item(value)  # type: ignore[union-attr]  # streamed is set only with a streamer
                else:
                    current.append(value)
            elif not has_key:
                if isinstance(value, (dict, list)):
                    raise _YamlProblem("a mapping key must be a plain value", event.start_mark)
                key, has_key, key_mark = value, True, event.start_mark
            else:
                has_key = False
                if key is _MERGE_KEY:
                    inherited.setdefault(id(current), set()).update(_merge(current, value, key_mark))
                elif key in current and key in inherited.get(id(current), ()):
                    inherited[id(current)].discard(key)
                    current[key] = value
                elif key in current:
                    raise _YamlProblem(f"the key {key!r} appears twice in one mapping; keep one", key_mark)
                else:
                    current[key] = value
    except RecursionError:  # pragma: no cover - MAX_DEPTH comes first
        raise _YamlProblem("the document is nested too deeply", None, _TOO_DEEP_HINT, "nested too deeply") from None


def _too_many(repeated: int, mark: Any) -> _YamlProblem:
    if repeated > MAX_NODES // 2:
        return _YamlProblem(f"its aliases expand to more than {MAX_NODES:,} values; refusing it", mark,
                            "write the repeated parts out, or use fewer nested aliases and merge keys",
                            "its aliases expand too far")
    return _YamlProblem(f"the document holds more than {MAX_NODES:,} values; refusing it", mark,
                        "split it into several files (several files are priced as one account)", "too large to read")


def _merge(mapping: dict[Any, Any], merged: Any, mark: Any) -> set[Any]:
    """YAML's `<<` merge key: keys the mapping already has, or gets later, win. Returns the keys added."""
    added = set()
    for source in merged if isinstance(merged, list) else [merged]:
        if not isinstance(source, dict):
            raise _YamlProblem("`<<` merges mappings only", mark)
        for key, value in source.items():
            if key not in mapping:
                mapping[key] = value
                added.add(key)
    return added


def _read_limited(handle: BinaryIO, limit: int) -> bytearray:
    """Read up to one byte past the limit, in chunks (a single read would reserve the whole limit), into one buffer
    (joining chunks would hold the text twice)."""
    data = bytearray()
    while len(data) <= limit:
        chunk = handle.read(min(1 << 24, limit + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def display_name(path: str) -> str:
    """A path as text that can be printed and written anywhere: bytes of a non-UTF-8 name as \\xff escapes.

    Python hands such bytes over as lone surrogates, which no UTF-8 output (a JSON report, a file) can hold.
    """
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _too_large(name: str, limit: int) -> LoadError:
    return LoadError(f"{name}: larger than {limit // (1024 * 1024)} MiB; refusing to read it",
                     hint="split it into several files" if limit == MAX_BYTES else None)


def refuse_stdin_twice(paths: list[str]) -> None:
    """Standard input can be read once: a second `-` would read nothing and be taken for an empty file."""
    if paths.count("-") > 1:
        raise LoadError("standard input (-) is given more than once; it can be read only once",
                        hint="give - once, and the other workloads as files")


def read_source(path: str, limit: int | None = None) -> Source:
    """Read a workload or table file; '-' reads standard input. Over `limit` bytes (default MAX_BYTES), refused:
    a file by its size before a byte is read, standard input or a pipe as soon as it passes the limit."""
    limit = MAX_BYTES if limit is None else limit
    if path == "-":
        name = "<stdin>"
        data = _read_limited(sys.stdin.buffer, limit)
    else:
        name = display_name(path)
        try:
            with Path(path).open("rb") as handle:
                status = os.fstat(handle.fileno())
                if stat.S_ISREG(status.st_mode) and status.st_size > limit:
                    raise _too_large(name, limit)
                data = _read_limited(handle, limit)
        except FileNotFoundError:
            raise LoadError(f"{name}: no such file", hint="check the path") from None
        except IsADirectoryError:
            raise LoadError(f"{name}: is a directory, not a YAML file", hint="give the workload files in it") from None
        except OSError as error:
            raise LoadError(f"{name}: cannot be read: {error.strerror or error}") from None
    if len(data) > limit:
        raise _too_large(name, limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        problem = Problem(f"byte 0x{data[error.start]:02x} is not UTF-8", file=name,
                          line=data.count(b"\n", 0, error.start) + 1, column=error.start - line_start + 1,
                          hint="save the file as UTF-8")
        raise LoadError(f"{name}: not UTF-8 text", problems=[problem]) from None
    return Source(name, text)


def parse(source: Source, streamer: Streamer | None = None) -> Any:
    """Parse YAML text to plain Python data (dict, list, str, int, Decimal, bool, None, date).

    With a `streamer`, the top-level `functions` list's items go to it instead (see _build).
    """
    try:
        data = _build(source.text, streamer)
    except _YamlProblem as error:
        line, column = _position(error.mark)
        problem = Problem(str(error), file=source.name, line=line, column=column, hint=error.hint)
        raise LoadError(f"{source.name}: {error.title}", problems=[problem]) from None
    except yaml.YAMLError as error:
        raise yaml_error(source, error) from None
    return data


def yaml_error(source: Source, error: yaml.YAMLError) -> LoadError:
    """A YAML syntax error of libyaml or PyYAML, at its line and column and in our words as far as they go."""
    from lambda_cost.model.words import yaml_syntax  # only on this path: the words module is not small

    if isinstance(error, yaml.MarkedYAMLError):
        what, title = error.problem or "", "invalid YAML"
        hint: str | None = YAML_SYNTAX_HINT
        if "nesting depth" in what:  # libyaml's own cap, which its scanner can reach before MAX_DEPTH is counted
            what, hint = f"the document is nested more than {MAX_DEPTH} levels deep", _TOO_DEEP_HINT
            title = "nested too deeply"
        unknown = re.match(r"could not determine a constructor for the tag '(.*)'", what)
        if unknown:  # the template loader names a tag it does not know by its URI (tag:yaml.org,2002:python/...)
            what = _tag_refused(unknown.group(1))
            hint = "a template's tags are CloudFormation's short forms (!Ref, !GetAtt, !Sub, ...)"
        mark = error.problem_mark or error.context_mark
        if not unknown and title == "invalid YAML":  # the reader's own phrase is for its authors: say it for people
            index = getattr(mark, "index", None)
            what = yaml_syntax(what, source.text[index:index + 1] if isinstance(index, int) else "")
        line, column = _position(mark)
        problem = Problem(what, file=source.name, line=line, column=column, hint=hint)
        return LoadError(f"{source.name}: {title}", problems=[problem])
    if isinstance(error, yaml.reader.ReaderError):
        # Its own text ends in `in "<unicode string>", position 3`: say the line and column instead.
        before = source.text[:error.position]
        code = error.character if isinstance(error.character, int) else ord(error.character)
        problem = Problem(f"a control character (#x{code:02x}) that YAML does not allow", file=source.name,
                          line=before.count("\n") + 1, column=error.position - before.rfind("\n"),
                          hint="remove it, or write it as an escape in a double-quoted string")
        return LoadError(f"{source.name}: invalid YAML", problems=[problem])
    return LoadError(f"{source.name}: invalid YAML", problems=[Problem("not valid YAML", file=source.name, line=1,
                                                                       column=1, hint=YAML_SYNTAX_HINT)])


def check_bounds(source: Source) -> None:
    """The caps of `parse` (MAX_DEPTH, MAX_NODES with aliases expanded, no alias inside its own anchor) for YAML that
    another loader builds (templates, with their !Ref tags): checked on the event stream, before anything is built
    or walked, each refusal at its line. YAML errors are left to that loader to report."""
    depth = count = repeated = 0
    opened: list[tuple[str | None, int]] = []  # the open containers' anchors, and the count when each started
    sizes: dict[str, int] = {}
    try:
        for parsed in yaml.parse(source.text, Loader=_Loader):
            event: Any = parsed  # every kind handled below has an anchor
            kind = event.__class__
            problem = None
            if kind is yaml.ScalarEvent:
                count += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                count += 1
                depth += 1
                if depth > MAX_DEPTH:
                    problem = _YamlProblem(f"the document is nested more than {MAX_DEPTH} levels deep",
                                           event.start_mark, _TOO_DEEP_HINT, "nested too deeply")
                if event.anchor is not None:
                    sizes.pop(event.anchor, None)
                opened.append((event.anchor, count))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
                anchor, started = opened.pop()
                if anchor is not None:
                    sizes[anchor] = count - started + 1
            elif kind is yaml.AliasEvent:
                size = sizes.get(event.anchor)
                if size is None and any(anchor == event.anchor for anchor, _ in opened):
                    problem = _YamlProblem(f"the alias *{event.anchor} is inside its own anchor &{event.anchor}: it "
                                           "would repeat without end", event.start_mark)
                count += size or 1
                repeated += size or 1
            if problem is None and count > MAX_NODES:
                problem = _too_many(repeated, event.start_mark)
            if problem is not None:
                line, column = _position(problem.mark)
                raise LoadError(f"{source.name}: {problem.title}", problems=[Problem(
                    str(problem), file=source.name, line=line, column=column, hint=problem.hint)])
    except yaml.YAMLError:
        return


class NotJson(LoadError):
    """The text is not JSON at all: a caller that also takes YAML may read it as YAML instead."""


class _JsonNumber(Exception):
    """A number JSON allows but no input of lambda-cost comes near, with its literal to find it by."""

    def __init__(self, message: str, literal: str) -> None:
        super().__init__(message)
        self.literal = literal


def _json_int(text: str) -> int:
    if len(text) > MAX_DIGITS:  # int() of 4,300 digits or more fails, and a long one takes quadratic time
        raise _JsonNumber(too_large_message(text), text)
    return int(text)


def _json_float(text: str) -> Decimal:
    number = Decimal(text)
    if too_large(number):
        raise _JsonNumber(too_large_message(text), text)
    return number


def _json_constant(text: str) -> Any:
    raise _JsonNumber(f"{text} is not a number; a JSON number is finite", text)


# Patterns of the JSON reader, not compiled regexes: a YAML workload never needs them, and re compiles each when
# first used (and caches it).
_JSON_NESTING = r'"(?:[^"\\]|\\.)*"|[\[\]{}]'


def parse_json(source: Source) -> Any:
    """JSON text to plain data: exact (decimals, not floats) and bounded (digits, depth), every problem located.

    Text that is not JSON at all raises NotJson, so that a caller that also reads YAML can tell it apart from
    JSON with a number or a nesting out of range.
    """
    text = source.text
    try:
        data = json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
        if _deeper_than(data, MAX_DEPTH):  # json's own limit is near 1,000 levels; the readers recurse
            raise RecursionError
        half = re.search(_HALF_PAIR, text)
        if half is not None and _has_lone_surrogate(data):
            # JSON lets "\ud800" through, a half of a UTF-16 pair that is no character: no output could hold it.
            line, column = _text_position(text, half.start())
            raise LoadError(f"{source.name}: a string that is not text", problems=[Problem(
                f"{half.group()} is half of a UTF-16 surrogate pair, not a character", file=source.name, line=line,
                column=column, hint="write the character itself, or both halves of its pair")])
        return data
    except json.JSONDecodeError as error:
        from lambda_cost.model.words import json_syntax

        said = json_syntax(error.msg)
        problem = Problem(said, file=source.name, line=error.lineno, column=error.colno,
                          hint="check the commas, brackets and quotes")
        raise NotJson(f"{source.name}: not valid JSON", problems=[problem]) from None
    except _JsonNumber as error:
        line, column = _text_position(text, max(text.find(error.literal), 0))
        problem = Problem(str(error), file=source.name, line=line, column=column)
        raise LoadError(f"{source.name}: a number out of range", problems=[problem]) from None
    except RecursionError:
        deepest = 0
        depth = 0
        for match in re.finditer(_JSON_NESTING, text):  # only on this rare path: where the nesting gets too deep
            if match.group() in ("[", "{"):
                depth += 1
                if depth > MAX_DEPTH:
                    deepest = match.start()
                    break
            elif match.group() in ("]", "}"):
                depth -= 1
        line, column = _text_position(text, deepest)
        problem = Problem(f"the document is nested more than {MAX_DEPTH} levels deep", file=source.name, line=line,
                          column=column, hint=_TOO_DEEP_HINT)
        raise LoadError(f"{source.name}: nested too deeply", problems=[problem]) from None


_HALF_PAIR = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"


def _has_lone_surrogate(data: Any) -> bool:
    """Whether a key or a string of the document holds a lone surrogate (walked without recursion)."""
    stack = [data]
    while stack:
        node = stack.pop()
        items = [*node.keys(), *node.values()] if isinstance(node, dict) else node if isinstance(node, list) else [node]
        for item in items:
            if isinstance(item, str):
                if not is_text(item):
                    return True
            elif isinstance(item, (dict, list)):
                stack.append(item)
    return False


def is_text(text: str) -> bool:
    """Whether a string can be written as UTF-8: no lone surrogate (from a \\ud800 escape, or bytes of a command
    line that are not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and mappings nest more than `limit` deep (walked level by level, without recursion)."""
    if not isinstance(data, (dict, list)):
        return False
    level, depth = [data], 1
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:  # json.loads makes plain dicts and lists: `type(...) is` is the cheap test
            below += [child for child in (node.values() if type(node) is dict else node)
                      if type(child) is dict or type(child) is list]
        level, depth = below, depth + 1
    return False


def json_key_position(source: Source, key: str) -> tuple[int, int]:
    """Where a JSON document first writes a key ("offerCode": ...), to locate a problem with its value; the start of
    the document when it does not."""
    match = re.search(re.escape(json.dumps(key)) + r"\s*:", source.text)
    return _text_position(source.text, match.start()) if match else (1, 1)


def _text_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _position(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


FieldPath = tuple[str | int, ...]


def locate_all(source: Source, paths: Sequence[FieldPath]) -> list[tuple[int, int] | None]:
    """locate() for each of several field paths, at once.

    One pass over libyaml's events, keeping only the positions of the paths asked for: the node tree of a large
    file takes gigabytes. A document with anchors is located on the node tree, where an alias is the very node of
    its anchor (a node can then be at several paths).
    """
    if "&" in source.text:
        tree = node_tree(source)
        return [locate(tree, path) for path in paths]
    wanted = {path[:length] for path in paths for length in range(len(path) + 1)}
    try:
        found = _positions(source.text, wanted)
    except (yaml.YAMLError, _NotOneTree):
        found = {}
    if () not in found:  # no document, or not one tree: as locate() without a tree
        return [(1, 1) if not path else None for path in paths]
    located: list[tuple[int, int] | None] = []
    for path in paths:  # the deepest node along the path, as locate() finds it
        depth = len(path)
        while path[:depth] not in found:
            depth -= 1
        located.append(found[path[:depth]])
    return located


class _NotOneTree(Exception):
    """A second document, or an alias without its anchor: PyYAML's composer refuses both."""


class _Frame:
    """An open mapping or sequence while _positions() walks the events."""

    __slots__ = ("items", "key_next", "keys", "path", "value_path")

    def __init__(self, path: FieldPath | None, mapping: bool) -> None:
        self.path = path  # None: no wanted path goes through it, nor through anything inside it
        self.items = 0  # a sequence's items so far
        self.keys: set[str] | None = set() if mapping else None  # a mapping's keys so far
        self.key_next = True  # a mapping's next node is a key (else the value of `value_path`)
        self.value_path: FieldPath | None = None


def _positions(text: str, wanted: set[FieldPath]) -> dict[FieldPath, tuple[int, int]]:
    """The 1-based position of each wanted path's node: the key's for a mapping's entry, the item's for a list's.

    As in locate(), the first of two equal keys is followed, and a key that is not a plain scalar is no path.
    """
    events = _Loader(text)
    next_event: Callable[[], Any] = events.get_event
    nodes = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
    found: dict[FieldPath, tuple[int, int]] = {}
    frames: list[_Frame] = []
    documents = 0
    while True:
        event = next_event()
        kind = event.__class__
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frames.pop()
            continue
        if kind not in nodes:
            if kind is yaml.StreamEndEvent:
                return found
            if kind is yaml.DocumentStartEvent:
                documents += 1
            if kind is yaml.AliasEvent or documents > 1:
                raise _NotOneTree
            continue
        path: FieldPath | None = None  # this node's, when a wanted path goes through it
        place: FieldPath | None = None  # the path this node's position answers
        if not frames:
            path = place = ()
        elif frames[-1].path is not None:
            frame = frames[-1]
            parent = frames[-1].path
            if frame.keys is None:  # an item of a sequence
                path = place = (*parent, frame.items)
                frame.items += 1
            elif frame.key_next:
                key = event.value if kind is yaml.ScalarEvent else None
                if key is not None and key not in frame.keys:
                    frame.keys.add(key)
                    place = (*parent, key)
                frame.key_next, frame.value_path = False, place
            else:
                path, frame.key_next = frame.value_path, True
        if place is not None and place in wanted and place not in found:
            found[place] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if kind is not yaml.ScalarEvent:
            frames.append(_Frame(path if path in wanted else None, kind is yaml.MappingStartEvent))


def node_tree(source: Source) -> yaml.Node | None:
    """The YAML node tree with positions (the slow path, taken only to locate errors)."""
    try:
        return yaml.compose(source.text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def locate(tree: yaml.Node | None, path: tuple[str | int, ...], *, whole: bool = False) -> tuple[int, int] | None:
    """The 1-based line and column of the deepest node along a field path (with `whole`, only of the path's end)."""
    if tree is None:  # an empty document, or only comments: the workload as a whole is at its start
        return (1, 1) if not path else None
    node = best = tree
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    best, child = key_node, value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            best = child = node.value[part]
        if child is None:
            if whole:
                return None
            break
        node = child
    if best is None:
        return None
    return best.start_mark.line + 1, best.start_mark.column + 1
