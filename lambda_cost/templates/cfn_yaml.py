"""Read AWS SAM and CloudFormation templates: JSON, or YAML with the short intrinsic tags (!Ref, !GetAtt...)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from lambda_cost.errors import LoadError, Problem
from lambda_cost.model.words import json_syntax, yaml_syntax
from lambda_cost.stages.load import Source

# !Ref X → {"Ref": X}, !Condition X → {"Condition": X}; every other short tag is Fn::<Name>.
SHORT_TAGS = (
    "Ref", "Condition", "GetAtt", "Sub", "If", "Join", "Select", "FindInMap", "Equals", "Not", "And", "Or",
    "Split", "Base64", "Cidr", "ImportValue", "GetAZs", "Transform", "Length", "ToJsonString",
)


class TemplateLoader(yaml.SafeLoader):
    """A safe loader that also knows CloudFormation's short tags; the workload loader keeps refusing tags."""


def _long_name(tag: str) -> str:
    return tag if tag in ("Ref", "Condition") else f"Fn::{tag}"


def _construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = _long_name(suffix)
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":  # !GetAtt Queue.Arn is the short form of ["Queue", "Arn"]
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


def _opaque(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    """A tag outside CloudFormation (!Rain::Embed, another tool's): an opaque value init cannot evaluate, so that
    the rest of the template is still read."""
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"Fn::{suffix}": value}


TemplateLoader.add_multi_constructor("!", _opaque)
for _tag in SHORT_TAGS:
    TemplateLoader.add_constructor(
        f"!{_tag}", lambda loader, node, tag=_tag: _construct(loader, tag, node)  # type: ignore[misc]
    )
# Timestamps stay strings ("2010-09-09" is a version, not a date), as CloudFormation reads them.
TemplateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_template(source: Source) -> dict[str, Any]:
    """A template as plain data with long-form intrinsics; JSON or YAML, located errors otherwise."""
    data = parse_document(source, TemplateLoader)
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise LoadError(
            f"{source.name}: not a CloudFormation or SAM template",
            hint="a template is a mapping with a Resources section",
        )
    return data


def parse_document(source: Source, loader: type[TemplateLoader]) -> Any:
    """JSON, or YAML read with a loader that derives from TemplateLoader; located errors otherwise."""
    text = source.text
    try:
        # TemplateLoader is a SafeLoader: it builds no Python objects.
        is_json = text.lstrip().startswith("{")
        return json.loads(text) if is_json else yaml.load(text, Loader=loader)
    except json.JSONDecodeError as error:
        problem = Problem(json_syntax(error.msg), file=source.name, line=error.lineno, column=error.colno)
        raise LoadError(f"{source.name}: invalid JSON", problems=[problem]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = Problem(yaml_syntax(error.problem), file=source.name, line=line, column=column)
        raise LoadError(f"{source.name}: invalid YAML", problems=[problem]) from None
    except yaml.YAMLError:
        raise LoadError(f"{source.name}: invalid YAML") from None
    except RecursionError:
        raise LoadError(f"{source.name}: nested too deeply to read", hint="a template is a few levels deep") from None
