"""YAML text to plain data: safe, exact (decimals, not floats), bounded; positions only on demand."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from lambda_cost.errors import LoadError, Problem
from lambda_cost.model.value import Value
from lambda_cost.numbers import MAX_DIGITS, too_large, too_large_message

MAX_BYTES = 256 * 1024 * 1024
# An alias may share a subtree; past this many expanded nodes a document is an alias bomb.
MAX_EXPANDED_NODES = 5_000_000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
# The tags a plain scalar resolves to, spelt once: the loader compares them for every scalar of a large file.
_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE, _TIMESTAMP, _MAP, _SEQ = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "merge", "timestamp", "map", "seq")
)
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_MERGE_KEY = object()  # the plain key `<<`, which merges mappings
YAML_SYNTAX_HINT = "not valid YAML here: check the indentation, colons, brackets and quotes"
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


class Source(Value):
    """A document's text and the name to report it under."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text


class _YamlProblem(Exception):
    """A problem found while building data from YAML events, with its position."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.mark = mark


def _resolve(value: str) -> str:
    """The implicit tag of a plain scalar, by YAML 1.1's rules (the same table PyYAML uses)."""
    for tag, pattern in _IMPLICIT.get(value[:1], ()):
        if pattern.match(value):
            return str(tag)
    return _STR


def _construct_scalar(value: str, tag: str, mark: Any) -> Any:
    if tag == _STR:
        return value
    if tag == _INT:
        text = value.replace("_", "")
        if len(text) > MAX_DIGITS:
            raise _YamlProblem(too_large_message(value), mark)
        try:
            return int(text, 0) if text.lstrip("+-")[:2].lower() in ("0x", "0o", "0b") else int(text)
        except ValueError:
            # Rare YAML 1.1 forms (sexagesimal, leading-zero octal): PyYAML's own constructor knows them.
            return yaml.constructor.SafeConstructor().construct_yaml_int(yaml.ScalarNode(tag, value))
    if tag == _FLOAT:
        try:
            number = Decimal(value.replace("_", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise _YamlProblem(f"{value!r} is not a finite number", mark)
        if too_large(number):
            raise _YamlProblem(too_large_message(value), mark)
        return number
    if tag == _BOOL:
        return _BOOLEANS[value.lower()]
    if tag == _NULL:
        return None
    if tag == _MERGE:
        return _MERGE_KEY
    if tag == _TIMESTAMP:
        return yaml.constructor.SafeConstructor().construct_yaml_timestamp(yaml.ScalarNode(tag, value))
    raise _YamlProblem(f"the tag {tag!r} is not allowed; only plain YAML is accepted (no !python or other tags)",
                       mark)


def _build(text: str) -> Any:
    """Build plain data straight from libyaml's event stream.

    This skips PyYAML's node graph: it is several times faster than yaml.load with the C loader and holds
    no nodes in memory. Duplicate keys and unknown tags are errors; anchors, aliases and `<<` merge keys work.
    """
    events = _Loader(text)
    next_event: Callable[[], Any] = events.get_event
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    container_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    anchors: dict[str, Any] = {}
    resolved: dict[str, Any] = {}  # plain scalars and the values they resolve to (immutable: str, int, Decimal...)
    inherited: dict[int, set[Any]] = {}  # keys a mapping got from `<<`, which its own keys may override
    stack: list[tuple[Any, Any, Any, bool, Any]] = []
    current: Any = None  # the open mapping or list
    anchor: Any = None  # the anchor of the open container
    key: Any = None
    has_key = False
    key_mark: Any = None
    result: Any = None
    documents = 0
    try:
        while True:
            event = next_event()
            kind = event.__class__
            if kind is scalar_event:
                tag = event.tag
                text = event.value
                plain = tag is None and event.implicit[0]
                if plain and text in resolved:  # the same keys and many of the same values in every function
                    value = resolved[text]
                else:
                    if plain:
                        tag = _resolve(text) if text else _NULL
                    elif tag is None or tag == "!":
                        tag = _STR
                    value = _construct_scalar(text, tag, event.start_mark)
                    if plain:
                        resolved[text] = value
                if event.anchor is not None:
                    anchors[event.anchor] = value
            elif kind is mapping_start or kind is sequence_start:
                tag = event.tag
                allowed = (None, "!", _MAP if kind is mapping_start else _SEQ)
                if tag not in allowed:
                    raise _YamlProblem(
                        f"the tag {tag!r} is not allowed; only plain YAML is accepted (no !python or other tags)",
                        event.start_mark,
                    )
                stack.append((current, anchor, key, has_key, key_mark))
                current = {} if kind is mapping_start else []
                anchor = event.anchor
                has_key = False
                if anchor is not None:
                    anchors[anchor] = current
                continue
            elif kind in container_end:
                value = current
                current, anchor, key, has_key, key_mark = stack.pop()
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise _YamlProblem(f"unknown alias *{event.anchor}", event.start_mark)
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
    except RecursionError:
        raise _YamlProblem("the document is nested too deeply", None) from None


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


def _read_limited(handle: BinaryIO) -> bytes:
    """Read up to one byte past the limit, in chunks (a single read would reserve the whole limit)."""
    chunks = []
    size = 0
    while size <= MAX_BYTES:
        chunk = handle.read(min(1 << 24, MAX_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def refuse_stdin_twice(paths: list[str]) -> None:
    """Standard input can be read once: a second `-` would read nothing and be taken for an empty file."""
    if paths.count("-") > 1:
        raise LoadError("standard input (-) is given more than once; it can be read only once",
                        hint="give - once, and the other workloads as files")


def read_source(path: str) -> Source:
    """Read a workload or table file; '-' reads standard input."""
    if path == "-":
        data = _read_limited(sys.stdin.buffer)
        name = "<stdin>"
    else:
        name = path
        try:
            with Path(path).open("rb") as handle:
                data = _read_limited(handle)
        except FileNotFoundError:
            raise LoadError(f"{path}: no such file", hint="check the path") from None
        except IsADirectoryError:
            raise LoadError(f"{path}: is a directory, not a YAML file", hint="give the workload files in it") from None
        except OSError as error:
            raise LoadError(f"{path}: cannot be read: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise LoadError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; refusing to read it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        problem = Problem(f"byte 0x{data[error.start]:02x} is not UTF-8", file=name,
                          line=data.count(b"\n", 0, error.start) + 1, column=error.start - line_start + 1,
                          hint="save the file as UTF-8")
        raise LoadError(f"{name}: not UTF-8 text", problems=[problem]) from None
    return Source(name, text)


def parse(source: Source) -> Any:
    """Parse YAML text to plain Python data (dict, list, str, int, Decimal, bool, None, date)."""
    try:
        data = _build(source.text)
    except _YamlProblem as error:
        line, column = _position(error.mark)
        problem = Problem(str(error), file=source.name, line=line, column=column)
        raise LoadError(f"{source.name}: invalid YAML", problems=[problem]) from None
    except yaml.MarkedYAMLError as error:
        what = error.problem or "invalid YAML"
        line, column = _position(error.problem_mark or error.context_mark)
        problem = Problem(what, file=source.name, line=line, column=column, hint=YAML_SYNTAX_HINT)
        raise LoadError(f"{source.name}: invalid YAML", problems=[problem]) from None
    except yaml.reader.ReaderError as error:
        # Its own text ends in `in "<unicode string>", position 3`: say the line and column instead.
        before = source.text[:error.position]
        code = error.character if isinstance(error.character, int) else ord(error.character)
        problem = Problem(f"{error.reason}: #x{code:02x}", file=source.name,
                          line=before.count("\n") + 1, column=error.position - before.rfind("\n"),
                          hint="remove it, or write it as an escape in a double-quoted string")
        raise LoadError(f"{source.name}: invalid YAML", problems=[problem]) from None
    except yaml.YAMLError as error:
        raise LoadError(f"{source.name}: invalid YAML: {error}") from None
    if "&" in source.text:  # only documents with anchors can hold aliases
        _refuse_alias_bomb(data, source.name)
    return data


def _position(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _refuse_alias_bomb(data: Any, name: str) -> None:
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle counts once
        children = node.values() if isinstance(node, dict) else node
        total = 1 + sum(size(child) for child in children)
        if total > MAX_EXPANDED_NODES:
            raise LoadError(
                f"{name}: its aliases expand to more than {MAX_EXPANDED_NODES:,} nodes; refusing it",
                hint="write the repeated parts out, or use fewer nested aliases",
            )
        sizes[id(node)] = total
        return total

    size(data)


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


def locate(tree: yaml.Node | None, path: tuple[str | int, ...]) -> tuple[int, int] | None:
    """The 1-based line and column of the deepest node along a field path."""
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
            break
        node = child
    if best is None:
        return None
    return best.start_mark.line + 1, best.start_mark.column + 1
