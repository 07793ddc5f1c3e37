"""Read AWS SAM and CloudFormation templates: JSON, or YAML with the short intrinsic tags (!Ref, !GetAtt...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from lambda_cost.errors import LoadError, Problem
from lambda_cost.stages.load import (
    NotJson,
    Source,
    check_bounds,
    json_key_position,
    locate,
    node_tree,
    parse_json,
    yaml_error,
)

# !Ref X → {"Ref": X}, !Condition X → {"Condition": X}; every other short tag is Fn::<Name>.
SHORT_TAGS = (
    "Ref", "Condition", "GetAtt", "Sub", "If", "Join", "Select", "FindInMap", "Equals", "Not", "And", "Or",
    "Split", "Base64", "Cidr", "ImportValue", "GetAZs", "Transform", "Length", "ToJsonString",
)


# CloudFormation takes a template of at most 1 MB (from S3; 51,200 bytes inline); a Terraform plan of a large
# account runs to tens of MB. What init reads is capped well above both, and refused by its size before reading.
MAX_TEMPLATE_BYTES = 64 * 1024 * 1024

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: a long string in no time
_TAG = "tag:yaml.org,2002:"


class TemplateLoader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader that also knows CloudFormation's short tags; the workload loader keeps refusing tags.

    A plain scalar that YAML 1.1 takes for a number or a boolean by its look but cannot build (0x_) stays text, as
    CloudFormation would pass it on; an explicit tag the value does not fit (!!int x) is an error at its line.
    """

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        return self._or_text(super().construct_yaml_int, node, "an integer")

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        return self._or_text(super().construct_yaml_float, node, "a number")

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> Any:
        return self._or_text(super().construct_yaml_bool, node, "true or false")

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        return self._or_text(super().construct_yaml_timestamp, node, "a date")

    def _or_text(self, construct: Callable[[yaml.ScalarNode], Any], node: yaml.ScalarNode, what: str) -> Any:
        try:
            return construct(node)
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError):
            if self.resolve(yaml.ScalarNode, node.value, (True, False)) == node.tag:  # implicit: keep the text
                return str(node.value)
            raise yaml.constructor.ConstructorError(
                None, None, f"{str(node.value)[:40]!r} is tagged {node.tag.replace(_TAG, '!!')} but is not {what}",
                node.start_mark) from None


for _scalar_tag, _method in (("int", TemplateLoader.construct_yaml_int), ("float", TemplateLoader.construct_yaml_float),
                             ("bool", TemplateLoader.construct_yaml_bool),
                             ("timestamp", TemplateLoader.construct_yaml_timestamp)):
    TemplateLoader.add_constructor(f"{_TAG}{_scalar_tag}", _method)


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
        f"!{_tag}", lambda loader, node, tag=_tag: _construct(loader, tag, node)
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
        # Where: the Resources key when it is there (holding something else), else the document as a whole.
        has_resources = isinstance(data, dict) and "Resources" in data
        is_json = source.text.lstrip().startswith("{")
        tree = node_tree(source) if has_resources and not is_json else None
        line, column = (locate(tree, ("Resources",), whole=True) or (1, 1)) if tree is not None else (
            json_key_position(source, "Resources") if has_resources else (1, 1))
        raise LoadError(
            f"{source.name}: not a CloudFormation or SAM template",
            hint="a template is a mapping with a Resources section",
            problems=[Problem("a template is a mapping with a Resources section, a mapping of resources",
                              path=("Resources",) if has_resources else (), file=source.name, line=line,
                              column=column)],
        )
    return data


def parse_document(source: Source, loader: type[TemplateLoader]) -> Any:
    """JSON, or YAML read with a loader that derives from TemplateLoader; located errors otherwise.

    Bounded as workloads are (depth, values with aliases expanded, numbers' digits), since the readers of a template
    walk it recursively."""
    text = source.text
    try:
        if text.lstrip().startswith("{"):
            return parse_json(source)
        check_bounds(source)
        # TemplateLoader is a SafeLoader: it builds no Python objects.
        return yaml.load(text, Loader=loader)
    except NotJson as error:
        raise LoadError(f"{source.name}: invalid JSON", problems=error.problems) from None
    except yaml.YAMLError as error:
        raise yaml_error(source, error) from None
    except RecursionError:
        raise LoadError(f"{source.name}: nested too deeply to read", hint="a template is a few levels deep") from None
