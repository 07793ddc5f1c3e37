"""Plain data to a Workload, or a WorkloadError naming every problem with its place and a fix."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import yaml
from pydantic import Field, ValidationError

from lambda_cost.errors import PricingError, Problem, WorkloadError
from lambda_cost.model.budget import BUDGET_COMPONENTS, Budget, FunctionBudget
from lambda_cost.model.modes import mode_problems
from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.model.schema import AWS_EVENT_TYPES, MODEL_EXAMPLES
from lambda_cost.model.value import Value
from lambda_cost.model.words import MISSING, given, has, problem_from_pydantic, suggest
from lambda_cost.model.workload import (
    ALIAS_PC_KEY,
    INVOCATION_TYPES,
    Function,
    Invocation,
    ProvisionedConcurrency,
    Workload,
)
from lambda_cost.numbers import counted
from lambda_cost.stages.load import Source, locate_all, node_tree
from lambda_cost.stages.placeholders import (
    PLACEHOLDER,
    PLACEHOLDER_MESSAGE,
    hints_from_comments,
    is_placeholder,
    unique_placeholders,
)


class Validated(Value):
    """What validation made of a workload: its valid part, to check further, and every problem of the rest.

    A function with a problem of its own fields is left out of `workload`; one whose fields contradict each other
    (a duration over its timeout) stays, so that the later stages can still find theirs. A top-level key with a
    problem is left out too, and its default stands in; `invalid_keys` names it, so that no later check relies
    on the default (the table is not chosen when `pricing` is wrong).
    """

    __slots__ = ("indices", "invalid_keys", "problems", "workload")

    def __init__(
        self,
        workload: Workload,
        indices: tuple[int, ...],
        problems: list[Problem],
        invalid_keys: frozenset[str] = frozenset(),
    ) -> None:
        self.workload = workload
        self.indices = indices  # where each of workload.functions is in the file
        self.problems = problems  # not located yet: the runner locates those of every stage at once
        self.invalid_keys = invalid_keys


@functools.cache
def _partial_workload() -> type[Workload]:
    """The model of the valid part of a workload: the functions that validate, possibly none. Made when first
    needed: creating a pydantic model class costs about 1.5 M instructions, and only a workload with a problem
    needs this one."""

    class _PartialWorkload(Workload):
        functions: list[Function] = Field(default_factory=list)  # a partial workload may have no valid function

    return _PartialWorkload


def validate_workload(data: Any, source: Source) -> Validated:
    """Validate plain data as a workload; every problem of its fields and of their combinations, unlocated.

    Only input that is no workload at all (an empty file, a list, a saved report) is refused at once.
    """
    check = WorkloadCheck(data, source)
    functions: list[Function] = []
    indices: list[int] = []
    for index, function in check.functions():
        functions.append(function)
        indices.append(index)
    return check.finish(functions, indices)


class WorkloadCheck:
    """Validation in two steps, for a caller that uses each function as soon as it is valid: the top-level keys
    when made, then the functions one by one (functions()), then every problem (finish()).

    The runner expands each function as it comes and lets its model go: a large workload's models are never all
    in memory at once.
    """

    def __init__(self, data: Any, source: Source, stream: Iterator[Any] | None = None) -> None:
        """`stream`, when given, yields the items of a non-empty `functions` list that `data` holds empty (a
        file read by another process, stages/readahead.py): they are validated as they come."""
        if not isinstance(data, dict):
            raise WorkloadError(f"{source.name}: not a workload",
                                problems=locate_problems([_not_a_workload(data)], source))
        if "schema_version" in data and "version" not in data and {"total", "kind", "valid",
                                                                      "combinations"} & data.keys():
            # The output of --format json (an estimate, a diff), not one unknown key per field of it.
            problem = Problem(f"a saved lambda-cost report (schema_version {data['schema_version']}), not a workload",
                              hint="give the workload YAML it was made from; `lambda-cost diff` compares saved "
                              "estimates", file=source.name)
            raise WorkloadError(f"{source.name}: not a workload", problems=[problem])
        self._data = data
        self._source = source
        self._raw_functions = data.get("functions")
        self._stream = stream
        self._names: list[tuple[int, str]] = []  # every function's name, valid or not: taken in functions()
        self._function_problems: list[Problem] = []
        # The functions are validated one by one and stand in for the list: the top-level keys are validated
        # without them. Anything else there (a mapping, an empty list) is validated as written.
        self._listed = stream is not None or (isinstance(self._raw_functions, list) and bool(self._raw_functions))
        top: Workload | None = None
        top_problems: list[Problem] = []
        try:
            if self._listed:
                # The Function validator first: pydantic builds it once, and the Workload's reuses it (built the
                # other way round, the Workload's schema would make a Function schema of its own, ~40 M
                # instructions of every run).
                Function.model_rebuild()
                # One unvalidated stand-in keeps the list valid (its items are not validated again): the model of
                # a partial workload would cost a schema of its own on every run.
                stand_in = Function.model_construct(name="", memory_mb=128, duration_ms=Decimal(0), invocations=[])
                top = Workload.model_validate({**data, "functions": [stand_in]})
            else:
                top = Workload.model_validate(data)
        except ValidationError as error:
            top_problems = _problems_from_pydantic(error.errors(), data)
        self._top_problems = top_problems
        self.invalid_keys = frozenset(str(problem.path[0]) for problem in top_problems if problem.path)
        # The valid top-level keys, the defaults standing in for the others; no function yet.
        self.top: Workload = (top.model_copy(update={"functions": []}) if top is not None
                              else _partial(data, [], self.invalid_keys))

    def functions(self) -> Iterator[tuple[int, Function]]:
        """Each function that validates, with its place in the file; the problems of the others are kept.

        Each raw mapping is dropped once its model exists; failing entries stay, to be located.
        """
        raw_functions = self._raw_functions
        if not self._listed:
            return
        assert isinstance(raw_functions, list)
        names = self._names
        # Streamed, each item joins the list as it comes, so that a failing one is there to be located.
        items = raw_functions if self._stream is None else _joining(self._stream, raw_functions)
        for index, raw in enumerate(items):
            if isinstance(raw, dict) and isinstance(raw.get("name"), str):  # a duplicate is a problem either way
                names.append((index, raw["name"]))
            try:
                function = Function.model_validate(raw)
            except ValidationError as error:
                errors = error.errors()
                self._function_problems += _problems_from_pydantic(errors, self._data, ("functions", index))
                self._function_problems += _salvaged_problems(raw, errors, index)
                continue
            raw_functions[index] = None
            # Checks across a function's own fields: a file with several broken functions reports them all.
            self._function_problems += function_problems(function, index)
            yield index, function

    def finish(self, functions: list[Function], indices: list[int]) -> Validated:
        """Every problem found, with the workload made of the top-level keys and the `functions` kept."""
        problems = [*self._function_problems, *self._top_problems, *cross_check(self._names, self.top.budget)]
        readings = yaml_readings(self._source)
        if readings:  # how YAML read a value explains any other problem of it
            wrong = {problem.path for problem in problems}
            # 010 (8) is always a problem; 007 (7) only where a number is wrong (a name), to say how it was read.
            readings = [reading for reading in readings
                        if not reading.message.endswith(_NOT_TEXT) or reading.path in wrong]
            read = {reading.path for reading in readings}
            problems = [*readings, *(problem for problem in problems if problem.path not in read)]
        workload = self.top.model_copy(update={"functions": functions})
        return Validated(workload, tuple(indices), _drop_missing_that_a_typo_explains(problems), self.invalid_keys)


# YAML 1.1 reads a plain 010 as the octal number 8 and 1:30 as the base-60 number 90: numbers no workload means.
# Each pattern starts with text that is rare in a workload, so that looking costs little on a large file.
_MAYBE_READ = (re.compile(r" 0[0-9_]"), re.compile(r"\[0[0-9_]"), re.compile(r",0[0-9_]"),
               re.compile(r": [1-9][0-9_]*:[0-5]"))
# Patterns, not compiled regexes: re compiles them (and caches them) only when a _MAYBE_READ found something.
_OCTAL = r"[-+]?0[0-7_]*[0-7][0-7_]*"
_BASE_60 = r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
_INT_TAG = "tag:yaml.org,2002:int"
_NOT_TEXT = ", not as text"


def yaml_readings(source: Source) -> list[Problem]:
    """Plain numbers that YAML 1.1 reads otherwise than they look: 0512 (octal 330), 1:30 (base 60, 90)."""
    if not any(pattern.search(source.text) for pattern in _MAYBE_READ):
        return []
    found: list[Problem] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node_tree(source), ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [(value, (*path, key.value)) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*path, index)) for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.ScalarNode) and not node.style and node.tag == _INT_TAG:  # plain
            reading = _reading(node.value)
            if reading is not None:
                message, hint = reading
                found.append(Problem(message, path, hint, source.name, node.start_mark.line + 1,
                                     node.start_mark.column + 1))
    return sorted(found, key=lambda problem: (problem.line or 0, problem.column or 0))


def _reading(text: str) -> tuple[str, str] | None:
    """What YAML made of a plain integer that does not mean what it looks like, and what to write instead."""
    value = yaml.constructor.SafeConstructor().construct_yaml_int(yaml.ScalarNode(_INT_TAG, text))
    if re.fullmatch(_OCTAL, text):
        meant = int(text.replace("_", ""), 10)
        if meant == value:  # 007 is 7 either way; as a name, it is still not text
            return f"{text} is read by YAML as the number {value}{_NOT_TEXT}", f"quote it: '{text}'"
        return (f"{text} is read by YAML as the octal number {value}, not {meant}: a leading zero makes a number "
                f"octal", f"write {meant}, or quote it ('{text}') if it is text")
    if re.fullmatch(_BASE_60, text):
        return (f"{text} is read by YAML as the base-60 number {value} (YAML 1.1 writes times so)",
                f"quote it ('{text}') if it is text, or write {value}")
    return None


def build_workload(data: Any, source: Source) -> Workload:
    """The whole workload, or a WorkloadError with every problem of its fields and of their combinations."""
    checked = validate_workload(data, source)
    if checked.problems:
        raise refusal(source, checked.problems, [])
    return checked.workload


def _not_a_workload(data: Any) -> Problem:
    found = "an empty file" if data is None else given(data)
    return Problem(
        f"a workload is a mapping of keys, with at least version and functions; found {found}",
        hint="write one with `lambda-cost init`, or draft one from a template with `lambda-cost init --from "
        "template.yaml`; `lambda-cost schema` lists every key",
    )


def _partial(data: dict[Any, Any], functions: list[Function], invalid_keys: frozenset[str]) -> Workload:
    """The valid functions with the valid top-level keys; the defaults stand in for the others."""
    top = {key: value for key, value in data.items() if key not in invalid_keys and key != "functions"}
    try:
        return _partial_workload().model_validate({**top, "version": 1, "functions": functions})
    except ValidationError:  # a problem with no key of its own (none today): keep the functions only
        return _partial_workload().model_validate({"version": 1, "functions": functions})


def _joining(stream: Iterator[Any], kept: list[Any]) -> Iterator[Any]:
    """Each streamed item, appended to `kept` first."""
    for raw in stream:
        kept.append(raw)
        yield raw


def refusal(source: Source, problems: list[Problem], table_problems: list[Problem]) -> WorkloadError | PricingError:
    """One error with every problem of every stage, located and in file order.

    Only the table's problems (an unknown version, a region or feature it lacks): a PricingError, else a
    WorkloadError; both exit 2.
    """
    found = unique_placeholders([*problems, *dict.fromkeys(table_problems)])
    count = counted(len(found), "problem")
    located = hints_from_comments(locate_problems(found, source), source)
    if problems:
        return WorkloadError(f"{source.name}: {count} in the workload", problems=located)
    return PricingError(f"{source.name}: {count} in the workload", problems=located)


def _drop_missing_that_a_typo_explains(problems: list[Problem]) -> list[Problem]:
    """`memroy_mb: 1024` reports an unknown key suggesting memory_mb; its 'memory_mb missing' is noise."""
    suggested = {
        (*p.path[:-1], p.hint.split("'")[1]) for p in problems if p.hint and p.hint.startswith("did you mean '")
    }
    return [p for p in problems if not (p.message == MISSING and p.path in suggested)]


def function_problems(function: Function, index: int, sources: Sequence[int] | None = None) -> list[Problem]:
    """Checks across one function's fields: durations within the timeout, routing, configuration.

    `sources`: where each of its invocations is in the file, when some were left out (they did not validate).
    """
    return [
        *_timeout_problems(function, index),
        *_routing_problems(function, index, sources),
        *_configuration_problems(function, index),
        *mode_problems(function, index),
    ]


# A function's keys without which nothing of it can be checked (its sources may all be left out).
_REQUIRED = frozenset(name for name, field in Function.model_fields.items() if field.is_required()) - {"invocations"}


@functools.cache
def _partial_function() -> type[Function]:
    """The model of the valid part of a function that did not validate: its sources that do, possibly none. Made
    when first needed, as _partial_workload is."""

    class _PartialFunction(Function):
        invocations: list[Invocation] = Field(default_factory=list)

    return _PartialFunction


def _salvaged_problems(raw: Any, errors: list[Any], index: int) -> list[Problem]:
    """The checks across the fields of a function that did not validate, on what of it did: a duration over its
    timeout is worth knowing while a source's batch_size is being fixed. Its invalid keys and invocation sources
    are left out; if a required key is among them, or a check needs what was left out, nothing is checked."""
    if not isinstance(raw, dict) or not isinstance(raw.get("invocations"), list):
        return []
    bad_keys = {item["loc"][0] for item in errors if item["loc"]}
    bad_sources = {item["loc"][1] for item in errors if len(item["loc"]) > 1 and item["loc"][0] == "invocations"
                   and isinstance(item["loc"][1], int)}
    if any(not item["loc"] for item in errors) or bad_keys & _REQUIRED:
        return []
    kept = [position for position in range(len(raw["invocations"])) if position not in bad_sources]
    partial = {key: value for key, value in raw.items() if key not in bad_keys}
    partial["invocations"] = [raw["invocations"][position] for position in kept]
    try:
        function = _partial_function().model_validate(partial)
    except ValidationError:
        return []
    # A check runs only when none of the keys it reads was left out: else its silence, or its complaint (an
    # init_duration_ms without the cold_starts_per_month that was left out), would be about what is not there.
    checks: tuple[tuple[Callable[[], list[Problem]], set[str]], ...] = (
        (lambda: _timeout_problems(function, index), {"timeout_s", "error_duration_ms", "versions"}),
        (lambda: _routing_problems(function, index, kept), {"versions", "aliases"}),
        (lambda: _configuration_problems(function, index), {
            "init_duration_ms", "cold_start_rate", "cold_starts_per_month", "snapstart", "runtime",
            "snapstart_active_hours", "versions", "aliases", "edge", "provisioned_concurrency"}),
    )
    return [problem for check, reads in checks if not reads & bad_keys for problem in check()]


def cross_check(names: list[tuple[int, str]], budget: Budget | None) -> list[Problem]:
    """Checks across functions: unique names, and budgets that name functions and components that exist."""
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, name in names:
        if name == FREE_TIER_ROW:  # the row of the account's free tier in every report and diff
            problems.append(Problem(f"the name {name!r} is the account's free-tier row in every report",
                                    path=("functions", index, "name"), hint="give the function another name"))
        if name in first_index:
            problems.append(Problem(
                f"the name {name!r} is already used by functions[{first_index[name]}]",
                path=("functions", index, "name"),
                hint="function names must be unique",
            ))
        else:
            first_index[name] = index
    if budget is not None:
        problems.extend(_budget_problems(budget, list(first_index)))
    return problems


def _routing_problems(function: Function, index: int, sources: Sequence[int] | None = None) -> list[Problem]:
    """Aliases name existing versions with weights adding up to 100%; targets name an alias or a version."""
    problems = []
    versions = function.versions or {}
    aliases = function.aliases or {}
    for alias, routes in aliases.items():
        path: tuple[str | int, ...] = ("functions", index, "aliases", alias)
        if alias in versions:
            problems.append(Problem(f"{alias!r} is both an alias and a version", path=path,
                                    hint="give the alias another name"))
        total = Decimal(0)
        for name, value in routes.items():
            if name == ALIAS_PC_KEY:
                if not isinstance(value, ProvisionedConcurrency):
                    problems.append(Problem("provisioned_concurrency needs units and hours_per_month or "
                                            "hours_per_day", path=(*path, name)))
                continue
            if not isinstance(value, Decimal):
                problems.append(_misspelt_alias_key((*path, name)) or Problem(
                    f"the weight of {name!r} must be a percentage such as 90% or 90", path=(*path, name)))
                continue
            total += value
            if name not in versions:
                known = ", ".join(versions) or "none declared"
                problems.append(Problem(f"alias {alias!r} routes to unknown version {name!r}", path=(*path, name),
                                        hint=f"versions: {known}; declare it under versions:"))
        if total != 100:
            problems.append(Problem(f"the weights of alias {alias!r} add up to {total}%, not 100%", path=path,
                                    hint="make the version weights add up to exactly 100%"))
    positions = range(len(function.invocations)) if sources is None else sources
    for source_index, source in zip(positions, function.invocations, strict=True):
        target = source.target
        if target is not None and target not in aliases and target not in versions:
            choices = [*aliases, *versions]
            match = difflib.get_close_matches(target, choices, n=1, cutoff=0.6)
            hint = f"did you mean {match[0]!r}?" if match else (
                f"aliases and versions: {', '.join(choices)}" if choices else "declare it under aliases: or versions:"
            )
            problems.append(Problem(f"unknown target {target!r}", hint=hint,
                                    path=("functions", index, "invocations", source_index, "target")))
    return problems


def _configurations(function: Function, index: int) -> list[tuple[tuple[str | int, ...], Any]]:
    """The function and each of its versions, with the path where each is written."""
    return [(("functions", index), function),
            *((("functions", index, "versions", name), version) for name, version in (function.versions or {}).items())]


def _configuration_problems(function: Function, index: int) -> list[Problem]:
    """Cold starts need a rate with their INIT duration; SnapStart needs a runtime; Lambda@Edge has no versions."""
    problems = []
    for path, config in _configurations(function, index):
        init = config.init_duration_ms if config.init_duration_ms is not None else function.init_duration_ms
        rate_given = (config.cold_start_rate is not None or config.cold_starts_per_month is not None
                      or function.cold_start_rate is not None or function.cold_starts_per_month is not None)
        if config.init_duration_ms is not None and not rate_given:
            problems.append(Problem("init_duration_ms needs cold_start_rate or cold_starts_per_month",
                                    path=(*path, "init_duration_ms"),
                                    hint="add cold_start_rate: 0.01 (a share of attempts) or cold_starts_per_month"))
        snapstart = config.snapstart if config.snapstart is not None else function.snapstart
        if init is None and config.cold_start_rate is not None and not snapstart:
            problems.append(Problem("cold_start_rate needs init_duration_ms", path=(*path, "cold_start_rate"),
                                    hint="add init_duration_ms: the mean INIT phase of a cold start"))
        if config.snapstart and not (config.runtime or function.runtime):
            problems.append(Problem("snapstart needs a runtime", path=(*path, "snapstart"),
                                    hint="add runtime: java21, python3.12 or dotnet8"))
        if config.snapstart_active_hours is not None and not snapstart:
            problems.append(Problem("snapstart_active_hours needs snapstart: true",
                                    path=(*path, "snapstart_active_hours"),
                                    hint="it is the time a SnapStart version's snapshot is cached"))
    if function.edge is not None and (function.versions or function.aliases or function.provisioned_concurrency):
        problems.append(Problem("a Lambda@Edge function cannot have versions, aliases or provisioned concurrency "
                                "here", path=("functions", index, "edge"),
                                hint="price each edge version as its own function"))
    return problems


def _budget_problems(budget: Budget, names: list[str]) -> list[Problem]:
    """Budgets must name functions and components that exist."""
    problems = []
    for name, spec in budget.functions.items():
        if name not in names:
            match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            problems.append(Problem(
                f"no function is named {name!r}",
                path=("budget", "functions", name),
                hint=f"did you mean {match[0]!r}?" if match else f"functions: {', '.join(names[:10])}",
            ))
        components = spec.components if isinstance(spec, FunctionBudget) else {}
        problems += _component_problems(components, ("budget", "functions", name, "components"))
    return problems + _component_problems(budget.components, ("budget", "components"))


def _component_problems(components: dict[str, Decimal], path: tuple[str | int, ...]) -> list[Problem]:
    problems = []
    for component in components:
        if component not in BUDGET_COMPONENTS:
            match = difflib.get_close_matches(component, BUDGET_COMPONENTS, n=1, cutoff=0.6)
            hint = f"did you mean {match[0]!r}? " if match else ""
            problems.append(Problem(
                f"unknown budget component {component!r}",
                path=(*path, component),
                hint=hint + f"components: {', '.join(BUDGET_COMPONENTS)}",
            ))
    return problems


def _timeout_problems(function: Function, index: int) -> list[Problem]:
    """No duration, the function's or a version's (which runs with the function's timeout), exceeds timeout_s."""
    if function.timeout_s is None:
        return []
    limit = Decimal(function.timeout_s) * 1000
    problems = []
    for path, config in _configurations(function, index):
        for key in ("duration_ms", "error_duration_ms"):
            value = getattr(config, key)
            if value is not None and value > limit:
                problems.append(Problem(
                    f"{value} ms is longer than timeout_s {function.timeout_s} ({limit} ms)",
                    path=(*path, key),
                    hint="raise timeout_s or lower the duration: no attempt runs past its timeout",
                ))
    return problems


def _problems_from_pydantic(items: list[Any], data: Any, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Pydantic's errors as problems at paths of the file, keeping only the union branch that fits each value."""
    located = []
    for item in items:
        loc, branched, value = _data_location((*prefix, *item["loc"]), data, keep_last=item["type"] == "missing")
        located.append((item, loc, branched, value))
    problems: list[Problem] = []
    for item, loc, branched, value in located:
        if branched and _wrong_branch(item, loc, value, located):
            continue
        misspelt = _misspelt_alias_key(loc)
        if misspelt is not None:
            if misspelt not in problems:
                problems.append(misspelt)
            continue
        problem = _problem_from_pydantic({**item, "loc": loc}, data)
        if problem not in problems:
            problems.append(problem)
    return problems


def _misspelt_alias_key(loc: tuple[Any, ...]) -> Problem | None:
    """In an alias, a key close to provisioned_concurrency is a typo of it, not a version's name."""
    if len(loc) < 5 or loc[0] != "functions" or loc[2] != "aliases":
        return None
    key = str(loc[4])
    if key == ALIAS_PC_KEY or not difflib.get_close_matches(key, [ALIAS_PC_KEY], n=1, cutoff=0.8):
        return None
    return Problem(f"unknown key {key!r} in alias {loc[3]!r}", path=loc[:5], hint=f"did you mean {ALIAS_PC_KEY!r}?")


def _data_location(loc: tuple[Any, ...], data: Any, *, keep_last: bool) -> tuple[tuple[Any, ...], bool, Any]:
    """The path of an error in the data, without the union branches pydantic names (sqs, FunctionBudget...).

    Returns the path, whether a branch was dropped, and the value at the path.
    """
    loc = _strip_union_tags(loc)
    cleaned: list[Any] = []
    branched = False
    node = data
    for index, part in enumerate(loc):
        if has(node, part):
            node = node[part]
        elif keep_last and index == len(loc) - 1:
            node = None
        else:
            branched = True
            continue
        cleaned.append(part)
    return tuple(cleaned), branched, node


def _wrong_branch(item: Any, loc: tuple[Any, ...], value: Any, located: list[Any]) -> bool:
    """A value that may be a number or a mapping fails both; the type error of the branch it is not is noise."""
    if not str(item["type"]).endswith("_type"):
        return False
    others = [other for other, other_loc, branched, _ in located
              if branched and other_loc[:len(loc)] == loc and other is not item]
    return any(not str(other["type"]).endswith("_type") for other in others) or (
        bool(others) and isinstance(value, dict) != (item["type"] == "model_type")
    )


def _problem_from_pydantic(item: Any, data: Any) -> Problem:
    """One of pydantic's errors in our words (model/words.py), with what is particular to workloads."""
    loc = _strip_union_tags(item["loc"])
    kind = item["type"]
    value = item.get("input")
    if kind == "union_tag_invalid":
        return _unknown_invocation_type(item, loc)
    if kind == "union_tag_not_found":
        return Problem("an invocation source needs a type", path=loc,
                       hint=f"add type: one of {', '.join(INVOCATION_TYPES)}; for example type: sync")
    if kind == "too_short" and loc == ("functions",):
        return Problem("a workload needs at least one function", path=loc,
                       hint=f"add one under functions:, for example {MODEL_EXAMPLES['Function']}")
    if is_placeholder(value):
        return Problem(PLACEHOLDER_MESSAGE, path=loc, hint=f"replace {PLACEHOLDER} with a value")
    if loc == ("version",) and kind != "missing":
        return Problem(f"found {given(value)}; the format version is the number 1", path=loc,
                       hint="write version: 1, without quotes")
    return problem_from_pydantic(item, loc, data, Workload)


def _unknown_invocation_type(item: Any, loc: tuple[Any, ...]) -> Problem:
    """`type: SQS` (another case), `type: Api` (a SAM event type), `type: sqss` (a typo): say which is meant."""
    tag = item["input"].get("type") if isinstance(item.get("input"), dict) else None
    choices = f"types: {', '.join(INVOCATION_TYPES)}"
    path = (*loc, "type")
    if not isinstance(tag, str):
        return Problem(f"an invocation type is a word, not {given(tag)}", path=path, hint=choices)
    aws = AWS_EVENT_TYPES.get(tag)
    if aws is not None and aws != tag:
        return Problem(f"unknown invocation type {tag!r}", path=path,
                       hint=f"did you mean {aws!r}? {tag} is a SAM event type, priced here as {aws}; {choices}")
    match = suggest(tag, list(INVOCATION_TYPES))
    hint = f"did you mean {match!r}? {choices}" if match else choices
    return Problem(f"unknown invocation type {tag!r}", path=path, hint=hint)


def _strip_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic puts the discriminator value in the location (invocations.0.sqs.batch_size)."""
    cleaned: list[Any] = []
    for index, part in enumerate(loc):
        after_invocation = index >= 2 and loc[index - 2] == "invocations" and isinstance(loc[index - 1], int)
        if after_invocation and part in INVOCATION_TYPES:
            continue
        cleaned.append(part)
    return tuple(cleaned)


def locate_problems(problems: list[Problem], source: Source) -> list[Problem]:
    """Add file, line and column: this re-reads the YAML with positions, so only errors pay for it."""
    located = []
    for problem, position in zip(problems, locate_all(source, [p.path for p in problems]), strict=True):
        line, column = position if position else (None, None)
        located.append(Problem(problem.message, problem.path, problem.hint, source.name, line, column))
    return sorted(located, key=lambda p: (p.line or 0, p.column or 0))


class FileCheck(Value):
    """What validation found in one file (filled in as the checks go)."""

    __slots__ = ("functions", "hint", "name", "problems", "summary", "warnings")

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions = 0
        self.problems: list[Problem] = []
        self.summary = ""  # the error's own message when the file is refused
        self.hint: str | None = None  # its hint, when no problem carries one (an unreadable file)
        self.warnings: list[Problem] = []

    @property
    def valid(self) -> bool:
        return not self.problems and not self.summary

    @property
    def reported(self) -> list[Problem]:
        """Its problems; a file refused as a whole (missing, a directory) is one, so that JSON has its message."""
        if self.problems or not self.summary:
            return self.problems
        return [Problem(self.summary.removeprefix(f"{self.name}: "), hint=self.hint, file=self.name)]
