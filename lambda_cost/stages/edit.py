"""What-if: `--set PATH=VALUE` overrides a value for one run; `compare --vary` prices every combination."""

from __future__ import annotations

import copy
import difflib
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lambda_cost.errors import InputError, Problem

WILDCARD = "*"
# Keys of which a mapping holds only one: setting one drops the others, so that `--set ...invocations.0.rate=50/s`
# replaces the source's per_month instead of contradicting it.
EXCLUSIVE_KEYS = (
    ("per_month", "per_day", "per_hour", "per_second", "rate"),
    ("hours_per_month", "hours_per_day"),
    ("cold_start_rate", "cold_starts_per_month"),
)

Place = tuple[str | int, ...]  # a place in the parsed data: keys, and indices of lists


@dataclass(frozen=True)
class Assignment:
    """One `PATH=VALUE`: path parts (names, indices or *) and the value as YAML would read it."""

    text: str
    path: tuple[str, ...]
    value: Any
    option: str = "--set"  # or --vary: the option to name in messages

    def __str__(self) -> str:
        return f"{self.option} {self.text}"


def _scalar(text: str, where: str) -> Any:
    """The value as if written in the workload: 2048 is a number, 1.5 GB a string for the units to read."""
    from lambda_cost.stages.load import Source, parse

    value = parse(Source(where, text)) if text.strip() else ""
    if isinstance(value, (dict, list)):
        raise InputError(f"{where}: {text!r} is not a single value",
                         hint="give a number, a word or a unit: 2048, arm64, 1.5 GB")
    return value


def parse_assignment(text: str, *, option: str = "--set") -> Assignment:
    """`functions.api.memory_mb=2048`; a bare function key (`memory_mb=2048`) means every function."""
    from lambda_cost.stages.load import is_text

    if not is_text(text):  # bytes that are not UTF-8 reach Python as lone surrogates, which YAML cannot read
        shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise InputError(f"{option} {shown!r}: not UTF-8 text", hint="give the value in UTF-8")
    path_text, equals, value_text = text.partition("=")
    path = tuple(part for part in path_text.strip().replace("[", ".").replace("]", "").split(".") if part)
    if not equals or not path:
        says = "" if not equals or not path_text.strip() else "; the path names nothing"
        raise InputError(f"{option} {text!r}: expected PATH=VALUE{says}",
                         hint="for example functions.api.memory_mb=2048")
    return Assignment(text, _full_path(path, text, option), _scalar(value_text.strip(), f"{option} {path_text}"),
                      option)


def _full_path(path: tuple[str, ...], text: str, option: str) -> tuple[str, ...]:
    from lambda_cost.model.workload import Function, Workload

    if len(path) != 1 or path[0] in Workload.model_fields:
        return path
    if path[0] in Function.model_fields:
        return ("functions", WILDCARD, path[0])
    # A bare key is a top-level key or a function key; anything else is a typo, said here rather than located
    # in the file, where it is not.
    keys = [*Workload.model_fields, *Function.model_fields]
    match = difflib.get_close_matches(path[0], keys, n=1, cutoff=0.6)
    raise InputError(f"{option} {text!r}: {path[0]!r} is neither a top-level key nor a function key",
                     hint=f"did you mean {match[0]!r}?" if match else f"keys: {', '.join(dict.fromkeys(keys))}")


@dataclass
class Edit:
    """Assignments applied to a workload's parsed data, in order (a path set twice keeps the last value).

    It remembers which places of the data each one changed, so that a problem found there names the option
    that made it. `lenient` (several files): an assignment applies to each file that has its path.
    """

    assignments: list[Assignment]
    lenient: bool = False
    applied: set[str] = field(default_factory=set)  # assignments that found their path in some file
    misses: dict[str, InputError] = field(default_factory=dict)  # why the others did not, by assignment text
    changed: dict[Place, Assignment] = field(default_factory=dict)  # in the data edited last

    def __call__(self, data: Any) -> Any:
        self.changed = {}
        if not isinstance(data, dict):
            return data  # not a workload at all: validation says so
        for assignment in self.assignments:
            places = _set(data, assignment.path, assignment.value, ())
            if places:
                self.applied.add(assignment.text)
                self.changed.update(dict.fromkeys(places, assignment))
                continue
            miss = _not_found(data, assignment)
            if not self.lenient:
                raise miss
            known = self.misses.get(assignment.text)
            if known is None or (_suggests(miss) and not _suggests(known)):
                self.misses[assignment.text] = miss  # the first file's reason, or the first did-you-mean
        return data

    def blame(self, problems: list[Problem]) -> list[Problem]:
        """Problems in a changed value say which option set it: the file still holds the old value there."""
        return [_blamed(problem, self.changed) for problem in problems]


def _suggests(error: InputError) -> bool:
    return (error.hint or "").startswith("did you mean")


def _blamed(problem: Problem, changed: dict[Place, Assignment]) -> Problem:
    """A problem at a changed place, inside it, or about the mapping that holds it (an invocation given both
    per_month and rate) comes from the last assignment there."""
    path = problem.path
    cause = next((assignment for place, assignment in reversed(changed.items()) if path and (
        path[:len(place)] == place or place[:len(path)] == path)), None)
    if cause is None:
        return problem
    hint = f"{problem.hint}; from {cause}" if problem.hint else f"from {cause}"
    return Problem(problem.message, problem.path, hint, problem.file, problem.line, problem.column)


def editor(assignments: list[Assignment]) -> Edit | None:
    """The edit the pipeline applies to parsed data, or None when nothing is set."""
    return Edit(assignments) if assignments else None


def _set(node: Any, path: tuple[str, ...], value: Any, at: Place) -> list[Place]:
    """Set the value at every place the path names; returns those places (none: the path is not there)."""
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        places: list[Place] = []
        for index in _indices(node, head):
            if rest:
                node[index] = _own(node[index])
                places += _set(node[index], rest, value, (*at, index))
            else:
                node[index] = value
                places.append((*at, index))
        return places
    if not isinstance(node, dict):
        return []
    if not rest:
        _drop_exclusive(node, head, value)
        node[head] = value
        return [(*at, head)]
    if head not in node:
        return []
    node[head] = _own(node[head])
    return _set(node[head], rest, value, (*at, head))


def _own(node: Any) -> Any:
    """A copy of a mapping or list on the way to a change: a YAML alias (`invocations: *shared`) makes one object
    of several places, and a change to one must not change the others."""
    return copy.copy(node) if isinstance(node, (dict, list)) else node


def _drop_exclusive(node: dict[Any, Any], key: str, value: Any) -> None:
    """Setting per_day removes per_month; setting it to null removes nothing (the other may be set next)."""
    if value is None:
        return
    for keys in EXCLUSIVE_KEYS:
        if key in keys:
            for other in keys:
                if other != key:
                    node.pop(other, None)


def _indices(items: list[Any], key: str) -> list[int]:
    """List items by index, by `name`, or all of them (*)."""
    if key == WILDCARD:
        return list(range(len(items)))
    if key.lstrip("-").isdigit():
        index = int(key)
        return [index % len(items)] if -len(items) <= index < len(items) else []
    return [index for index, item in enumerate(items) if isinstance(item, dict) and item.get("name") == key]


def _not_found(data: Any, assignment: Assignment) -> InputError:
    """Where the path leaves the workload, and what is there instead."""
    node, depth = data, 0
    for part in assignment.path[:-1]:
        inside = _inside(node, part)
        if inside is None:
            break
        node, depth = inside, depth + 1
    where = ".".join(assignment.path[:depth]) or "the top"
    return InputError(f"{assignment.option} {assignment.text!r}: nothing in the workload at "
                      f"{'.'.join(assignment.path[:depth + 1])}", hint=_choices(node, assignment.path[depth], where))


def _inside(node: Any, part: str) -> Any:
    """What one path part selects (the first item, for *), or None."""
    if isinstance(node, list):
        indices = _indices(node, part)
        return node[indices[0]] if indices else None
    return node.get(part) if isinstance(node, dict) else None


def _choices(node: Any, part: str, where: str) -> str:
    """What the path could have named at `where`, with a did-you-mean."""
    if isinstance(node, list):
        names = [str(item["name"]) for item in node if isinstance(item, dict) and "name" in item]
        if not names:
            return _entries(where, len(node))
        listed = f"{where}: {', '.join(names)} (a name, an index, or * for all)"
    elif isinstance(node, dict):
        names = [str(key) for key in node]
        listed = f"keys at {where}: {', '.join(names)}"
    else:
        return f"{where} is a single value, not a mapping or a list: set it as {where}=VALUE"
    match = difflib.get_close_matches(part, names, n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}? {listed}" if match else listed


def _entries(where: str, count: int) -> str:
    if count == 0:
        return f"{where} is empty"
    indices = "index 0" if count == 1 else f"indices 0..{count - 1}"
    return f"{where} has {count} entr{'y' if count == 1 else 'ies'}: {indices}, or * for all"


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


def combinations(variations: list[Variation], limit: int) -> list[tuple[Assignment, ...]]:
    """The cartesian product, in the order given (the first --vary changes slowest), of at most `limit`.

    The count is checked before the product is built: three --vary of 1,000 values would be a billion.
    """
    count = 1
    for variation in variations:
        count *= len(variation.values)
    if count > limit:
        sizes = " × ".join(str(len(variation.values)) for variation in variations)
        raise InputError(f"{sizes} = {count:,} combinations; at most {limit:,}", hint="vary fewer values")
    seen: dict[tuple[str, ...], str] = {}
    for variation in variations:
        path = variation.values[0].path
        if path in seen:
            raise InputError(f"--vary {variation.text!r} varies what --vary {seen[path]!r} already varies",
                             hint="give each path once, with all its values")
        seen[path] = variation.text
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
