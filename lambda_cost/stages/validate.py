"""Plain data to a Workload, or a WorkloadError naming every problem with its place and a fix."""

from __future__ import annotations

import difflib
import types
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from lambda_cost.errors import Problem, WorkloadError
from lambda_cost.model.budget import BUDGET_COMPONENTS, Budget, FunctionBudget
from lambda_cost.model.workload import ALIAS_PC_KEY, INVOCATION_TYPES, Function, ProvisionedConcurrency, Workload
from lambda_cost.stages.load import Source, locate_all
from lambda_cost.stages.placeholders import (
    PLACEHOLDER,
    PLACEHOLDER_MESSAGE,
    hints_from_comments,
    is_placeholder,
    unique_placeholders,
)

_INVOCATION_MODELS: dict[str, type[BaseModel]] = {}


def _invocation_models() -> dict[str, type[BaseModel]]:
    if not _INVOCATION_MODELS:
        from lambda_cost.model import workload

        for model in (workload.SyncSource, workload.AsyncSource, workload.SqsSource,
                      workload.StreamSource, workload.MqSource):
            for tag in model.model_fields["type"].annotation.__args__:  # type: ignore[union-attr]
                _INVOCATION_MODELS[tag] = model
    return _INVOCATION_MODELS


def build_workload(data: Any, source: Source) -> Workload:
    """Validate plain data as a workload; raise WorkloadError with every problem located."""
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        problem = Problem(
            f"a workload is a mapping with version, region and functions; found {found}",
            hint="see examples/web-api.yaml",
        )
        raise WorkloadError(f"{source.name}: not a workload", problems=locate_problems([problem], source))
    if "schema_version" in data and "version" not in data and {"total", "kind", "valid", "combinations"} & data.keys():
        # The output of --format json (an estimate, a diff), not one unknown key per field of it.
        problem = Problem(f"a saved lambda-cost report (schema_version {data['schema_version']}), not a workload",
                          hint="give the workload YAML it was made from; `lambda-cost diff` compares saved estimates",
                          file=source.name)
        raise WorkloadError(f"{source.name}: not a workload", problems=[problem])
    problems: list[Problem] = []
    top = data
    raw_functions = data.get("functions")
    if isinstance(raw_functions, list) and raw_functions:
        # Function by function, dropping each raw mapping once its model exists: the raw data and the
        # models of a large workload are never all in memory at once. Failing entries stay, to be located.
        functions = []
        for index, raw in enumerate(raw_functions):
            try:
                function = Function.model_validate(raw)
            except ValidationError as error:
                prefix = ("functions", index)
                problems += _problems_from_pydantic(error.errors(), data, prefix)
                continue
            functions.append(function)
            raw_functions[index] = None
            # Checks across a function's own fields run as soon as it is valid, so that a file with several
            # broken functions reports all of their problems at once.
            problems += function_problems(function, index)
        top = {**data, "functions": functions}
    try:
        workload = Workload.model_validate(top)
    except ValidationError as error:
        skip_functions = bool(problems)  # their problems are known; an emptied list is not one of them
        problems += _problems_from_pydantic(
            [item for item in error.errors() if not (skip_functions and item["loc"][:1] == ("functions",))], data
        )
    if problems:
        _refuse(source, _drop_missing_that_a_typo_explains(problems))
    problems = cross_check(workload)
    if problems:
        _refuse(source, problems)
    return workload


def _refuse(source: Source, problems: list[Problem]) -> NoReturn:
    problems = unique_placeholders(problems)
    raise WorkloadError(
        f"{source.name}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the workload",
        problems=hints_from_comments(locate_problems(problems, source), source),
    )


def _drop_missing_that_a_typo_explains(problems: list[Problem]) -> list[Problem]:
    """`memroy_mb: 1024` reports an unknown key suggesting memory_mb; its 'memory_mb missing' is noise."""
    suggested = {
        (*p.path[:-1], p.hint.split("'")[1]) for p in problems if p.hint and p.hint.startswith("did you mean '")
    }
    return [p for p in problems if not (p.message == "required key is missing" and p.path in suggested)]


def function_problems(function: Function, index: int) -> list[Problem]:
    """Checks across one function's fields: durations within the timeout, routing, configuration."""
    return [
        *_timeout_problems(function, index),
        *_routing_problems(function, index),
        *_configuration_problems(function, index),
    ]


def cross_check(workload: Workload) -> list[Problem]:
    """Checks across functions: unique names, and budgets that name functions and components that exist."""
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, function in enumerate(workload.functions):
        if function.name in first_index:
            problems.append(Problem(
                f"the name {function.name!r} is already used by functions[{first_index[function.name]}]",
                path=("functions", index, "name"),
                hint="function names must be unique",
            ))
        else:
            first_index[function.name] = index
    if workload.budget is not None:
        problems.extend(_budget_problems(workload.budget, list(first_index)))
    return problems


def _routing_problems(function: Function, index: int) -> list[Problem]:
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
    for source_index, source in enumerate(function.invocations):
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
        rate_given = any(getattr(c, field) is not None for c in (config, function)
                         for field in ("cold_start_rate", "cold_starts_per_month"))
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
        if _has(node, part):
            node = node[part]
        elif keep_last and index == len(loc) - 1:
            node = None
        else:
            branched = True
            continue
        cleaned.append(part)
    return tuple(cleaned), branched, node


def _has(node: Any, part: Any) -> bool:
    """Whether a mapping has the key, or a list the index."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _wrong_branch(item: Any, loc: tuple[Any, ...], value: Any, located: list[Any]) -> bool:
    """A value that may be a number or a mapping fails both; the type error of the branch it is not is noise."""
    if not str(item["type"]).endswith("_type"):
        return False
    others = [other for other, other_loc, branched, _ in located
              if branched and other_loc[:len(loc)] == loc and other is not item]
    return any(not str(other["type"]).endswith("_type") for other in others) or (
        bool(others) and isinstance(value, dict) != (item["type"] == "model_type")
    )


def _problem_from_pydantic(item: Any, data: Any, prefix: tuple[str | int, ...] = ()) -> Problem:
    loc = _strip_union_tags((*prefix, *item["loc"]))
    kind = item["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _known_fields(loc[:-1], data)
        match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {match[0]!r}?" if match else f"known keys: {', '.join(sorted(known))}"
        return Problem(f"unknown key {key!r}", path=loc, hint=hint)
    if kind == "union_tag_invalid":
        tag = str(item["input"].get("type")) if isinstance(item.get("input"), dict) else "?"
        match = difflib.get_close_matches(tag, INVOCATION_TYPES, n=1, cutoff=0.5)
        hint = f"did you mean {match[0]!r}? " if match else ""
        return Problem(
            f"unknown invocation type {tag!r}",
            path=(*loc, "type"),
            hint=hint + f"types: {', '.join(INVOCATION_TYPES)}",
        )
    if kind == "union_tag_not_found":
        return Problem(
            "an invocation needs a type", path=loc, hint=f"add type: one of {', '.join(INVOCATION_TYPES)}"
        )
    if kind == "too_short" and loc == ("functions",):
        return Problem("a workload needs at least one function", path=loc, hint="add a function under functions:")
    if kind == "missing":
        return Problem("required key is missing", path=loc, hint=f"add {loc[-1]}:")
    if is_placeholder(item.get("input")):
        return Problem(PLACEHOLDER_MESSAGE, path=loc, hint=f"replace {PLACEHOLDER} with a value")
    if kind == "literal_error" and loc == ("version",):
        return Problem(f"unsupported format version {item['input']!r}", path=loc, hint="write version: 1")
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return Problem(message, path=loc, hint=_description(loc, data))


def _strip_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Pydantic puts the discriminator value in the location (invocations.0.sqs.batch_size)."""
    cleaned: list[Any] = []
    for index, part in enumerate(loc):
        after_invocation = index >= 2 and loc[index - 2] == "invocations" and isinstance(loc[index - 1], int)
        if after_invocation and part in INVOCATION_TYPES:
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _alternatives(annotation: Any) -> list[Any]:
    """The types an annotation allows, without Optional, Union and Annotated."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [alternative for arg in get_args(annotation) for alternative in _alternatives(arg)]
    return [annotation]


def _inside(annotation: Any, part: Any) -> list[Any]:
    """The annotations of what `part` selects in a value of this annotation (a field, a list item, a value)."""
    found = []
    for alternative in _alternatives(annotation):
        if isinstance(alternative, type) and issubclass(alternative, BaseModel):
            field = alternative.model_fields.get(part) if isinstance(part, str) else None
            if field is not None:
                found.append(field.annotation)
        elif get_origin(alternative) is list and isinstance(part, int):
            found.append(get_args(alternative)[0])
        elif get_origin(alternative) is dict:
            found.append(get_args(alternative)[1])
    return found


def _known_fields(loc: tuple[Any, ...], data: Any) -> list[str]:
    """The keys allowed in the mapping at loc, where an unknown key was found."""
    return sorted({name for model in _models_at(loc, data) for name in model.model_fields})


def _models_at(loc: tuple[Any, ...], data: Any) -> list[type[BaseModel]]:
    """The models the mapping at loc may be."""
    annotations: list[Any] = [Workload]
    node = data
    for part in loc:
        node = node[part] if _has(node, part) else None
        annotations = [inner for annotation in annotations for inner in _inside(annotation, part)]
    models = [alternative for annotation in annotations for alternative in _alternatives(annotation)
              if isinstance(alternative, type) and issubclass(alternative, BaseModel)]
    if len(models) > 1 and isinstance(node, dict):  # an invocation: its type picks the model
        tag = str(node.get("type"))
        typed = [model for model in models
                 if "type" in model.model_fields and tag in get_args(model.model_fields["type"].annotation)]
        models = typed or models
    return models


def _description(loc: tuple[Any, ...], data: Any) -> str | None:
    """What the key at loc is, as `lambda-cost schema` describes it: the hint of a problem pydantic words alone
    ("Input should be greater than or equal to 512" says nothing of what the key holds)."""
    from lambda_cost.model.schema import DESCRIPTIONS

    if not loc or not isinstance(loc[-1], str):
        return None
    for model in _models_at(loc[:-1], data):
        field = model.model_fields.get(loc[-1])
        if field is not None:
            return field.description or DESCRIPTIONS.get(model.__name__, {}).get(loc[-1])
    return None


def locate_problems(problems: list[Problem], source: Source) -> list[Problem]:
    """Add file, line and column: this re-reads the YAML with positions, so only errors pay for it."""
    located = []
    for problem, position in zip(problems, locate_all(source, [p.path for p in problems]), strict=True):
        line, column = position if position else (None, None)
        located.append(Problem(problem.message, problem.path, problem.hint, source.name, line, column))
    return sorted(located, key=lambda p: (p.line or 0, p.column or 0))


@dataclass
class FileCheck:
    """What validation found in one file."""

    name: str
    functions: int = 0
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""  # the error's own message when the file is refused
    hint: str | None = None  # its hint, when no problem carries one (an unreadable file)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.summary

    @property
    def reported(self) -> list[Problem]:
        """Its problems; a file refused as a whole (missing, a directory) is one, so that JSON has its message."""
        if self.problems or not self.summary:
            return self.problems
        return [Problem(self.summary.removeprefix(f"{self.name}: "), hint=self.hint, file=self.name)]
