"""Pydantic's errors in the tool's own words: what the key means, what was given, what is accepted, an example.

Pydantic words an error for a programmer ("Decimal input should be an integer, float, string or Decimal object");
a user needs to know what the key is for, what the file gave, what it takes, and how to write it. This module
reads that from the models themselves (types, ranges, the human spellings of model/units.py) and from the
descriptions and examples in model/schema.py, so that every key is described once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
from decimal import Decimal
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from lambda_cost.errors import Problem
from lambda_cost.model.schema import AWS_KEYS, DESCRIPTIONS, EXAMPLES, MODEL_EXAMPLES, MODEL_NOUNS
from lambda_cost.model.units import SHARE_SPELLINGS, HumanSpelling, RateValue
from lambda_cost.model.value import Value

MISSING = "required key is missing"
_WORKLOAD_MODULES = ("lambda_cost.model.workload", "lambda_cost.model.budget")
NOT_YAML = "not valid YAML here: check the indentation, colons, brackets and quotes"
# The longest given text a message repeats; a value of many kilobytes is cut short.
_SHOWN_CHARACTERS = 40
# Pydantic's types of error for a value of the wrong kind; each is said as "expected ..., found ...". A pattern:
# re compiles it when a problem is first worded, so that a valid input does not pay for it.
_WRONG_KIND = (r"_type$|_parsing$|^int_from_float$|^finite_number$|^date_from_datetime|^decimal_max|"
               r"^decimal_whole|^model_attributes_type$|^literal_error$|^enum$|^bool_parsing$")
_BELOW = {"greater_than", "greater_than_equal"}
_ABOVE = {"less_than", "less_than_equal"}


class Key(Value):
    """A key of a schema where an error is: its name, the models it may belong to, and its field there."""

    __slots__ = ("annotation", "field", "item_of", "models", "name")

    def __init__(
        self,
        name: str,
        models: tuple[type[BaseModel], ...],
        annotation: Any,
        field: FieldInfo | None,
        item_of: str | None = None,
    ) -> None:
        self.name = name  # as the path names it: memory_mb, or functions[0] for an item
        self.models = models  # the models whose field it is (an invocation: several until its type)
        self.annotation = annotation  # the type it takes; None when the path leaves the schema
        self.field = field
        self.item_of = item_of  # for an item of a list or a mapping: Model.key of the list or mapping

    @property
    def meaning(self) -> str | None:
        """What the key is for, as `lambda-cost schema` describes it."""
        if self.field is not None and self.field.description:
            return self.field.description
        for model in self.models:
            text = DESCRIPTIONS.get(model.__name__, {}).get(self.name)
            if text:
                return text
        return None

    @property
    def example(self) -> str | None:
        """A value of the key as one would write it in YAML."""
        for model in self.models:
            # A bare key name is a workload's key (version: 1); another schema's keys are named with their model.
            workload = model.__module__ in _WORKLOAD_MODULES
            text = EXAMPLES.get(f"{model.__name__}.{self.name}") or (
                EXAMPLES.get(self.name) if self.field is not None and workload else None)
            if text:
                return text
        if self.field is not None:
            return None
        if self.item_of is not None and f"{self.item_of}.*" in EXAMPLES:
            return EXAMPLES[f"{self.item_of}.*"]
        item_models = _models(self.annotation)  # a list item or a mapping's value: an example of the whole
        return MODEL_EXAMPLES.get(item_models[0].__name__) if item_models else None


def key_at(loc: tuple[Any, ...], data: Any, root: type[BaseModel]) -> Key:
    """The key at a path of the data, as the schema rooted at `root` sees it."""
    annotations: list[Any] = [root]
    node = data
    parents: list[type[BaseModel]] = []
    grandparents: list[type[BaseModel]] = []
    for part in loc:
        grandparents, parents = parents, _models_of(annotations, node)
        node = node[part] if has(node, part) else None
        annotations = [inner for annotation in annotations for inner in _inside(annotation, part)]
    field = None
    if loc and isinstance(loc[-1], str):
        field = next((model.model_fields[loc[-1]] for model in parents if loc[-1] in model.model_fields), None)
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else _item_name(loc)
    owners = tuple(model for model in parents if field is None or loc[-1] in model.model_fields)
    item_of = None
    if field is None and len(loc) >= 2:  # an item: of which model's key
        item_of = next((f"{model.__name__}.{loc[-2]}" for model in grandparents if loc[-2] in model.model_fields),
                       None)
    return Key(name, owners, annotations[0] if annotations else None, field, item_of)


def _item_name(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "the file"
    parent = next((str(part) for part in reversed(loc[:-1]) if isinstance(part, str)), "")
    return f"{parent}[{loc[-1]}]" if isinstance(loc[-1], int) else str(loc[-1])


def known_keys(loc: tuple[Any, ...], data: Any, root: type[BaseModel]) -> list[str]:
    """The keys allowed in the mapping at loc."""
    annotations: list[Any] = [root]
    node = data
    for part in loc:
        node = node[part] if has(node, part) else None
        annotations = [inner for annotation in annotations for inner in _inside(annotation, part)]
    return sorted({name for model in _models_of(annotations, node) for name in model.model_fields})


def _models_of(annotations: list[Any], node: Any) -> list[type[BaseModel]]:
    """The models a mapping may be; an invocation's `type` picks its model."""
    models = [model for annotation in annotations for model in _models(annotation)]
    if len(models) > 1 and isinstance(node, dict):
        tag = str(node.get("type"))
        typed = [model for model in models
                 if "type" in model.model_fields and tag in get_args(model.model_fields["type"].annotation)]
        models = typed or models
    return models


def _models(annotation: Any) -> list[type[BaseModel]]:
    return [alternative for alternative in alternatives(annotation)
            if isinstance(alternative, type) and issubclass(alternative, BaseModel)]


def has(node: Any, part: Any) -> bool:
    """Whether a mapping has the key, or a list the index."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def alternatives(annotation: Any) -> list[Any]:
    """The types an annotation allows, without Optional, Union and Annotated."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return alternatives(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [alternative for arg in get_args(annotation) for alternative in alternatives(arg)
                if alternative is not type(None)]
    return [annotation]


def _inside(annotation: Any, part: Any) -> list[Any]:
    """The annotations of what `part` selects in a value of this annotation (a field, a list item, a value)."""
    found = []
    for alternative in alternatives(annotation):
        if isinstance(alternative, type) and issubclass(alternative, BaseModel):
            field = alternative.model_fields.get(part) if isinstance(part, str) else None
            if field is not None:
                found.append(_with_metadata(field))
        elif get_origin(alternative) in (list, tuple) and isinstance(part, int):
            found.append(get_args(alternative)[0])
        elif get_origin(alternative) is dict:
            found.append(get_args(alternative)[1])
    return found


def _with_metadata(field: FieldInfo) -> Any:
    """A field's annotation with the constraints pydantic moved onto the field (ge=128 of memory_mb)."""
    parts = (field.annotation, *field.metadata)
    return Annotated[parts] if field.metadata else field.annotation


# --- what a value is ---------------------------------------------------------------------------------------


def given(value: Any) -> str:
    """What the file gave, in a few words: the text 'abc', the number 5, a list of 2 items, nothing."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()}{_boolean_reading(value)}"
    if isinstance(value, (int, Decimal)):
        return f"the number {value}"
    if isinstance(value, RateValue):
        return f"the rate {value.text}"
    if isinstance(value, str):
        return f"the text {_short(value)!r}" if value else "empty text"
    if isinstance(value, dt.datetime):
        return f"the timestamp {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}" if value else "an empty list"
    if isinstance(value, dict):
        shown = ", ".join(_short(str(key)) for key in list(value)[:4]) + (", ..." if len(value) > 4 else "")
        return f"a mapping ({shown})" if value else "an empty mapping"
    return f"a {type(value).__name__}"


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARACTERS else text[:_SHOWN_CHARACTERS - 3] + "..."


def _boolean_reading(value: bool) -> str:
    """YAML 1.1 reads unquoted yes/no/on/off as booleans: `region: no` is a surprise worth naming."""
    words = "yes, on or true" if value else "no, off or false"
    return f" (YAML reads an unquoted {words} as the boolean {str(value).lower()}; quote it if you mean text)"


# --- what a key accepts ------------------------------------------------------------------------------------


def accepted(annotation: Any, *, spellings: bool = True) -> str:
    """What a key takes, from its type, constraints and human spellings: 'a whole number from 128 to 10240'."""
    if annotation is None:
        return "a value the schema knows"
    metadata = _metadata(annotation)
    text = " or ".join(dict.fromkeys(_kind_text(alternative, metadata) for alternative in alternatives(annotation)))
    spelled = [item.description for item in metadata if isinstance(item, HumanSpelling)]
    if spelled and (spellings or spelled[0] == SHARE_SPELLINGS):  # a share's range reads as a percentage too
        text += f", written as {spelled[0]}"
    return text


def _kind_text(alternative: Any, metadata: list[Any]) -> str:
    if get_origin(alternative) is Literal:
        return "one of " + ", ".join(str(value) for value in get_args(alternative))
    if alternative is bool:
        return "true or false"
    if alternative is int:
        return "a whole number" + _range(metadata)
    if alternative in (Decimal, float):
        return "a number" + _range(metadata)
    if alternative is str:
        return "text" + _length(metadata)
    if alternative is dt.date:
        return "a date, YYYY-MM-DD"
    if alternative is RateValue:
        return "a rate, COUNT/PERIOD (50/s, 200k/day, 3M/month)"
    if isinstance(alternative, type) and issubclass(alternative, BaseModel):
        return _mapping_text(alternative)
    if get_origin(alternative) in (list, tuple):
        return "a list" + _length(metadata, "item")
    if get_origin(alternative) is dict:
        return "a mapping" + _length(metadata, "entry")
    return "a value of another kind"


def _mapping_text(model: type[BaseModel]) -> str:
    """'a function (a mapping with name, memory_mb, duration_ms and invocations)': what it needs, or may hold."""
    noun = MODEL_NOUNS.get(model.__name__, "a mapping")
    required = [name for name, field in model.model_fields.items() if field.is_required() and name != "type"]
    if required:
        keys = ", ".join(required[:-1]) + f" and {required[-1]}" if len(required) > 1 else required[0]
        return f"{noun} (a mapping with {keys})"
    names = list(model.model_fields)
    return f"{noun} (a mapping of {', '.join(names[:6])}{', ...' if len(names) > 6 else ''})"


def _metadata(annotation: Any) -> list[Any]:
    """Every constraint and marker on an annotation, through Optional and nested Annotated."""
    found: list[Any] = []
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extras = get_args(annotation)
        for extra in extras:
            found += extra.metadata if isinstance(extra, FieldInfo) else [extra]
        found += _metadata(inner)
    elif origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            found += _metadata(arg)
    return found


def _bound(metadata: list[Any], name: str) -> Any:
    return next((getattr(item, name) for item in metadata if getattr(item, name, None) is not None), None)


def _range(metadata: list[Any]) -> str:
    """' from 128 to 10240', ' above 0, at most 900000', ' at least 0'."""
    low, above, high, below = (_shown_bound(_bound(metadata, name)) for name in ("ge", "gt", "le", "lt"))
    text = ""
    if low is not None and high is not None:
        text = f" from {low} to {high}"
    elif above is not None and high is not None:
        text = f" above {above}, at most {high}"
    elif low is not None and below is not None:
        text = f" from {low}, below {below}"
    elif above is not None and below is not None:
        text = f" above {above}, below {below}"
    elif low is not None:
        text = f" of at least {low}"
    elif above is not None:
        text = f" above {above}"
    elif high is not None:
        text = f" of at most {high}"
    return text


def _shown_bound(bound: Any) -> str | None:
    """10^18 rather than 1000000000000000000; other bounds as they are."""
    if bound is None:
        return None
    if isinstance(bound, int) and bound >= 10**6 and str(bound).rstrip("0") == "1":
        return f"10^{len(str(bound)) - 1}"
    return str(bound)


def _length(metadata: list[Any], unit: str = "character") -> str:
    shortest = _bound(metadata, "min_length")
    longest = _bound(metadata, "max_length")
    plural = "entries" if unit == "entry" else f"{unit}s"
    if unit == "character" and shortest == 1:  # "text" says it is not empty
        shortest = None
    if shortest and longest:
        return f" of {shortest} to {longest} {plural}"
    if shortest:
        return f" of at least {shortest} {unit if shortest == 1 else plural}"
    if longest:
        return f" of at most {longest} {plural}"
    return ""


# --- the problem -------------------------------------------------------------------------------------------


def problem_from_pydantic(item: Any, loc: tuple[Any, ...], data: Any, root: type[BaseModel]) -> Problem:
    """One pydantic error at `loc` of the data as a problem in our words; never pydantic's own message."""
    kind = str(item["type"])
    value = item.get("input")
    key = key_at(loc, data, root)
    example = key.example
    how = f"for example {key.name}: {example}" if example and not key.name.endswith("]") else (
        f"for example {example}" if example else None)
    hint = "; ".join(part for part in (key.meaning, how) if part) or None
    if kind == "missing":
        add = f"add {key.name}: {example}" if example else f"add {key.name}:"
        return Problem(MISSING, loc, "; ".join(part for part in (add, key.meaning) if part))
    if kind == "extra_forbidden":
        return unknown_key(loc, known_keys(loc[:-1], data, root))
    if kind in _BELOW or kind in _ABOVE:
        where = "too small" if kind in _BELOW else "too large"
        written = _value_at(loc, data)  # as written: 150%, not the 1.50 it was read as
        shown = repr(written) if isinstance(written, str) else _number(value)
        return Problem(f"{shown} is {where}: {key.name} takes {accepted(key.annotation, spellings=False)}", loc, hint)
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        return Problem(f"found {given(value)}; {key.name} takes {accepted(key.annotation)}", loc, hint)
    if kind == "literal_error":
        return Problem(f"found {given(value)}; {key.name} takes {accepted(key.annotation)}", loc,
                       _choice_hint(value, key) or hint)
    if kind in ("value_error", "assertion_error"):
        # Our own validators' text (model/workload.py), which says what to write; pydantic prefixes "Value error, ".
        return Problem(str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, "), loc)
    if kind.startswith("union_tag"):
        return Problem(f"found {given(value)}; expected {accepted(key.annotation)}", loc, hint)
    if re.search(_WRONG_KIND, kind):
        return Problem(f"found {given(value)}; expected {accepted(key.annotation)}", loc, hint)
    if kind in ("unit", "number", "placeholder", "share", "amount", "rate"):  # raised by our validators: ours
        return Problem(str(item["msg"]), loc, hint)
    return Problem(f"{given(value)} is not accepted here; {key.name} takes {accepted(key.annotation)}", loc, hint)


def _value_at(loc: tuple[Any, ...], data: Any) -> Any:
    node = data
    for part in loc:
        if not has(node, part):
            return None
        node = node[part]
    return node


def _number(value: Any) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return _short(str(value))
    return given(value)


def _choice_hint(value: Any, key: Key) -> str | None:
    """Did-you-mean for a value of a fixed set: the same word in another case (ARM64), or a near spelling."""
    choices = [str(choice) for alternative in alternatives(key.annotation) if get_origin(alternative) is Literal
               for choice in get_args(alternative)]
    match = suggest(str(value), choices) if isinstance(value, str) else None
    return f"did you mean {match!r}?" if match else None


def suggest(word: str, choices: list[str]) -> str | None:
    """The choice meant by a word: the same in another case or spelling (ARM64, arm-64), else a near one."""
    folded = {_fold(choice): choice for choice in choices}
    if _fold(word) in folded:
        return folded[_fold(word)]
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def _fold(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def _snake(word: str) -> str:
    """MemorySize -> memory_size, batchSize -> batch_size."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", word).lower()


def unknown_key(loc: tuple[Any, ...], known: list[str]) -> Problem:
    """An unknown key, with the key meant: a typo, another case, or the name AWS gives it in a template."""
    key = str(loc[-1])
    aws = AWS_KEYS.get(key)
    if aws is not None and (aws[0] in known or aws[0] == ""):
        ours, note = aws
        if not ours:
            return Problem(f"unknown key {key!r}", loc, f"{key} is a SAM/CloudFormation property that an estimate "
                           f"does not need{': ' + note if note else ''}; remove it")
        return Problem(f"unknown key {key!r}", loc,
                       f"did you mean {ours!r}? {key} is the SAM/CloudFormation name{'; ' + note if note else ''}")
    match = suggest(key, known) or suggest(_snake(key), known)
    hint = f"did you mean {match!r}?" if match else f"known keys: {', '.join(known)}"
    return Problem(f"unknown key {key!r}", loc, hint)


# --- syntax: what the YAML and JSON readers say, in our words --------------------------------------------------

# Phrases of libyaml's (and PyYAML's) syntax errors, and what each means for someone writing a workload.
_YAML_SYNTAX = (
    ("mapping values are not allowed", "a colon where none can be: a value with ': ' in it needs quotes, or a key "
     "is indented wrongly"),
    ("could not find expected ':'", "a key without a colon after it (key: value), or an unclosed quote above"),
    ("did not find expected key", "the indentation does not line up with the keys above it"),
    ("did not find expected '-'", "a list item must start with '- ' at the indentation of the items above"),
    ("block sequence entries are not allowed", "a '- ' list item where a value is expected: check its indentation"),
    ("tab", "a tab: YAML indents with spaces"),
    ("end of stream", "the file ends inside a quoted string or a bracket: close it"),
    ("',' or ']'", "a [...] list that is not closed, or lacks a comma between its items"),
    ("',' or '}'", "a {...} mapping that is not closed, or lacks a comma between its entries"),
    ("escape", "an unknown escape (a backslash) in a double-quoted string: use single quotes, or \\\\"),
    ("cannot start any token", "a value that starts with a character YAML reserves (@, `, %, |, >): quote it"),
    ("expected node content", "a value is missing here"),
    ("alias", "an alias (*name) of an anchor (&name) that is not defined above it"),
    ("anchor", "an anchor (&name) with a name YAML cannot read"),
    ("tag", "a tag (!name) YAML does not know: only plain YAML is accepted"),
)


def yaml_syntax(problem: str | None, character: str = "") -> str:
    """A YAML syntax error said for people (the reader's own phrase is for its authors); `character`: the one
    where the reader stopped."""
    if character == "\t":
        return "a tab: YAML indents with spaces"
    text = (problem or "").lower()
    return next((meaning for phrase, meaning in _YAML_SYNTAX if phrase in text), NOT_YAML)


# The JSON reader's messages, by their start.
_JSON_SYNTAX = (
    ("Expecting value", "a value is missing, or is not JSON (text in double quotes, no trailing comma)"),
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    ("Expecting ':' delimiter", "a colon is missing after a key"),
    ("Expecting property name", "a key must be text in double quotes (or a comma is one too many)"),
    ("Unterminated string", "a string is not closed"),
    ("Extra data", "more text after the end of the JSON document"),
    ("Invalid control character", "a control character (a line break, a tab) inside a string: escape it"),
    ("Invalid \\escape", "an unknown escape (a backslash) in a string"),
    ("Invalid \\u", "an escape \\u needs four hexadecimal digits"),
    ("Illegal trailing comma", "a comma before the end of an object or array"),
)


def json_syntax(message: str) -> str:
    """A JSON syntax error said for people."""
    return next((meaning for start, meaning in _JSON_SYNTAX if message.startswith(start)), "not valid JSON here")
