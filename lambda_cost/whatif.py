"""What-if: `--set PATH=VALUE` overrides a value for one run; `compare --vary` prices every combination."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import InputError

WILDCARD = "*"


@dataclass(frozen=True)
class Assignment:
    """One `PATH=VALUE`: path parts (names, indices or *) and the value as YAML would read it."""

    text: str
    path: tuple[str, ...]
    value: Any


def _scalar(text: str, where: str) -> Any:
    """The value as if written in the workload: 2048 is a number, 1.5 GB a string for the units to read."""
    from .load import Source, parse

    value = parse(Source(where, text)) if text.strip() else ""
    if isinstance(value, (dict, list)):
        raise InputError(f"{where}: {text!r} is not a single value",
                         hint="give a number, a word or a unit: 2048, arm64, 1.5 GB")
    return value


def parse_assignment(text: str, *, option: str = "--set") -> Assignment:
    """`functions.api.memory_mb=2048`; a bare function key (`memory_mb=2048`) means every function."""
    path_text, equals, value_text = text.partition("=")
    if not equals or not path_text.strip():
        raise InputError(f"{option} {text!r}: expected PATH=VALUE", hint="for example functions.api.memory_mb=2048")
    path = tuple(part for part in path_text.strip().replace("[", ".").replace("]", "").split(".") if part)
    return Assignment(text, _full_path(path), _scalar(value_text.strip(), f"{option} {path_text}"))


def _full_path(path: tuple[str, ...]) -> tuple[str, ...]:
    from .model.workload import Function, Workload

    if len(path) == 1 and path[0] not in Workload.model_fields and path[0] in Function.model_fields:
        return ("functions", WILDCARD, path[0])
    return path


def apply(data: Any, assignments: list[Assignment]) -> Any:
    """Set each value in the parsed workload; a path that names no function is an error with a did-you-mean."""
    for assignment in assignments:
        if not _set(data, assignment.path, assignment.value):
            raise InputError(_not_found(data, assignment), hint=_names_hint(data, assignment))
    return data


def editor(assignments: list[Assignment]) -> Callable[[Any], Any] | None:
    """The edit function the pipeline applies to parsed data, or None when nothing is set."""
    if not assignments:
        return None
    return lambda data: apply(data, assignments)


def _set(node: Any, path: tuple[str, ...], value: Any) -> bool:
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        targets = _items(node, head)
        return any([_set(item, rest, value) if rest else _replace(node, item, value) for item in targets])
    if not isinstance(node, dict):
        return False
    if not rest:
        node[head] = value
        return True
    return head in node and _set(node[head], rest, value)


def _replace(container: list[Any], item: Any, value: Any) -> bool:
    container[container.index(item)] = value
    return True


def _items(items: list[Any], key: str) -> list[Any]:
    """List items by index, by `name`, or all of them (*)."""
    if key == WILDCARD:
        return list(items)
    if key.lstrip("-").isdigit():
        index = int(key)
        return [items[index]] if -len(items) <= index < len(items) else []
    return [item for item in items if isinstance(item, dict) and item.get("name") == key]


def _not_found(data: Any, assignment: Assignment) -> str:
    return f"--set {assignment.text!r}: nothing in the workload at {'.'.join(assignment.path[:-1]) or 'the top'}"


def _names_hint(data: Any, assignment: Assignment) -> str:
    functions = data.get("functions") if isinstance(data, dict) else None
    names = [str(f.get("name")) for f in functions or [] if isinstance(f, dict)]
    if len(assignment.path) >= 2 and assignment.path[0] == "functions" and names:
        match = difflib.get_close_matches(assignment.path[1], names, n=1, cutoff=0.6)
        if match:
            return f"did you mean {match[0]!r}? functions: {', '.join(names)}"
        return f"functions: {', '.join(names)} (or an index, or * for all)"
    return "paths look like functions.NAME.memory_mb, functions.*.architecture or region"


@dataclass(frozen=True)
class Variation:
    """One `--vary PATH=V1,V2,...`."""

    text: str
    values: tuple[Assignment, ...]


def parse_variation(text: str) -> Variation:
    """Values are separated by commas; write large counts as 3M or 3_000_000, not 3,000,000."""
    path_text, equals, values_text = text.partition("=")
    values = [value.strip() for value in values_text.split(",") if value.strip()]
    if not equals or not values:
        raise InputError(f"--vary {text!r}: expected PATH=VALUE,VALUE,...", hint="for example memory_mb=512,1024,2048")
    repeated = next((value for index, value in enumerate(values) if value in values[:index]), None)
    if repeated is not None:
        raise InputError(f"--vary {text!r}: the value {repeated!r} is given twice",
                         hint="give each value once; values are separated by commas, so write 3M, not 3,000,000")
    return Variation(path_text.strip(), tuple(parse_assignment(f"{path_text}={v}", option="--vary") for v in values))


def combinations(variations: list[Variation]) -> list[tuple[Assignment, ...]]:
    """The cartesian product, in the order given (the first --vary changes slowest)."""
    return list(itertools.product(*(variation.values for variation in variations)))


@dataclass(frozen=True)
class Priced:
    """One combination and what it costs."""

    values: tuple[Assignment, ...]
    total: Decimal
    functions: tuple[tuple[str, Decimal], ...]


def ranked(results: list[Priced]) -> list[Priced]:
    """Cheapest first; ties keep the order of the combinations."""
    return sorted(results, key=lambda result: result.total)
