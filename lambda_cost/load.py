"""YAML text to plain data: safe, exact (decimals, not floats), bounded; positions only on demand."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import LoadError, Problem

MAX_BYTES = 256 * 1024 * 1024
# An alias may share a subtree; past this many expanded nodes a document is an alias bomb.
MAX_EXPANDED_NODES = 5_000_000

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Source:
    """A document's text and the name to report it under."""

    name: str
    text: str


class DuplicateKey(yaml.MarkedYAMLError):
    """A mapping names the same key twice."""


class _ExactLoader(_Loader):  # type: ignore[misc,valid-type]
    """libyaml's safe loader, with floats read as Decimal and duplicate keys refused."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a finite number", node.start_mark
        )
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in mapping:
            raise DuplicateKey(
                None, None, f"the key {key!r} appears twice in one mapping; keep one", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ExactLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_source(path: str) -> Source:
    """Read a workload or table file; '-' reads standard input."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "<stdin>"
    else:
        file = Path(path)
        name = path
        try:
            with file.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise LoadError(f"{path}: no such file", hint="check the path") from None
        except IsADirectoryError:
            raise LoadError(f"{path}: is a directory, not a YAML file") from None
        except OSError as error:
            raise LoadError(f"{path}: cannot be read: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise LoadError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB; refusing to read it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LoadError(f"{name}: not UTF-8 text (byte {error.start})") from None
    return Source(name, text)


def parse(source: Source) -> Any:
    """Parse YAML text to plain Python data (dict, list, str, int, Decimal, bool, None, date)."""
    try:
        data = yaml.load(source.text, Loader=_ExactLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = error.problem or "invalid YAML"
        problem = Problem(_describe_yaml_problem(what), file=source.name, line=line, column=column)
        raise LoadError(f"{source.name}: invalid YAML", problems=[problem]) from None
    except yaml.YAMLError as error:
        raise LoadError(f"{source.name}: invalid YAML: {error}") from None
    if "&" in source.text:  # only documents with anchors can hold aliases
        _refuse_alias_bomb(data, source.name)
    return data


def _describe_yaml_problem(problem: str) -> str:
    if "could not determine a constructor" in problem:
        return problem + "; only plain YAML is accepted (no !python or other tags)"
    return problem


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


def node_tree(source: Source) -> yaml.Node | None:
    """The YAML node tree with positions (the slow path, taken only to locate errors)."""
    try:
        return yaml.compose(source.text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def locate(tree: yaml.Node | None, path: tuple[str | int, ...]) -> tuple[int, int] | None:
    """The 1-based line and column of the deepest node along a field path."""
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
