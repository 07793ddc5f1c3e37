"""Terraform configurations as one list of resources: from `terraform show -json` output or from .tf files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lambda_cost.errors import LoadError, Problem
from lambda_cost.stages.load import read_source
from lambda_cost.templates.common import Unknown
from lambda_cost.templates.sam import Known

_INDEX = re.compile(r"\[[^\]]*\]")
_RESOURCE_REF = re.compile(r"^(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?")
_MODULE_REF = re.compile(r"^module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_-]+)")
# References inside an HCL expression: resources, module outputs, variables and locals.
_HCL_REFS = re.compile(
    r"(?<![\w.])(module\.[\w-]+(?:\[[^\]]*\])?\.[\w-]+|var\.[\w-]+|local\.[\w-]+|aws_[a-z0-9_]+\.[\w-]+(?:\[[^\]]*\])?)"
)
MAX_DEPTH = 32
MAX_MODULES = 200


@dataclass
class Resource:
    """One resource instance: its values (literal, or Unknown) and what each attribute refers to."""

    address: str  # instance address: module.a.aws_sqs_queue.jobs[0]
    config: str  # configuration address: module.a.aws_sqs_queue.jobs
    type: str
    values: dict[str, Any]
    refs: dict[str, list[str]]  # attribute path (blocks indexed: a.0.b) -> configuration addresses it names
    where: str  # the file it comes from
    key: Any = None  # its count index or for_each key
    region: Known | None = None
    notes: list[str] = field(default_factory=list)

    def get(self, path: str) -> Any:
        """A value by path (a.0.b); None when absent; Unknown when only its references are known."""
        value: Any = self.values
        for part in path.split("."):
            if isinstance(value, list) and part.isdigit():
                value = value[int(part)] if int(part) < len(value) else None
            elif isinstance(value, dict):
                value = value.get(part)
            else:
                value = None
        if value is None and path in self.refs:
            return Unknown(f"{path} is known only after apply")
        return value

    def count(self, path: str) -> int:
        """How many blocks of a kind it has."""
        value = self.get(path)
        return len(value) if isinstance(value, list) else 0


@dataclass
class Scope:
    """One module's configuration: what its references mean."""

    prefix: str  # "" or "module.a." ...
    parent: Scope | None = None
    args: dict[str, list[str]] = field(default_factory=dict)  # references of the arguments its call passes
    locals: dict[str, list[str]] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)
    calls: dict[str, Scope] = field(default_factory=dict)

    def resolve(self, refs: list[str], depth: int = 0) -> list[str]:
        """The resources references name, through variables, locals and module outputs; indexed forms first."""
        found: list[str] = []
        if depth > MAX_DEPTH:
            return found
        for ref in refs:
            head, _, rest = ref.partition(".")
            name = re.split(r"[.\[]", rest)[0]
            if head == "var" and self.parent is not None and name in self.args:
                found += self.parent.resolve(self.args[name], depth + 1)
            elif head == "local" and name in self.locals:
                found += self.resolve(self.locals[name], depth + 1)
            elif head == "module" and (match := _MODULE_REF.match(ref)):
                child = self.calls.get(match.group(1))
                if child is not None and match.group(2) in child.outputs:
                    found += child.resolve(child.outputs[match.group(2)], depth + 1)
            elif match := _RESOURCE_REF.match(ref):
                found.append(f"{self.prefix}{match.group(1)}.{match.group(2)}{match.group(3) or ''}")
        indexed = {address.rsplit("[", 1)[0] for address in found if address.endswith("]")}
        return list(dict.fromkeys(a for a in found if a.endswith("]") or a not in indexed))


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object, or nothing: a malformed plan yields fewer resources, never a crash."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def config_address(address: str) -> str:
    return _INDEX.sub("", address)


# `terraform show -json`: a plan (planned_values and configuration) or a state (values only).


def plan_resources(data: dict[str, Any], name: str) -> list[Resource]:
    """Every managed resource of a plan or state, with references from the plan's configuration."""
    variables = {key: value.get("value") for key, value in _mapping(data.get("variables")).items()
                 if isinstance(value, dict)}
    configuration: dict[str, Any] = data["configuration"] if isinstance(data.get("configuration"), dict) else {}
    root = Scope("")
    expressions: dict[str, dict[str, list[str]]] = {}
    provider_keys: dict[str, str] = {}
    _plan_scope(_mapping(configuration.get("root_module")), root, expressions, provider_keys, 0)
    regions = _plan_regions(_mapping(configuration.get("provider_config")), variables)
    values = _mapping(data.get("planned_values")) or _mapping(data.get("values"))
    resources: list[Resource] = []
    _plan_module(_mapping(values.get("root_module")), expressions, provider_keys, regions, name, resources, 0)
    scopes = _scopes(root)
    for resource in resources:
        scope = scopes.get(_module_prefix(resource.config), root)
        resource.refs = {path: scope.resolve(refs) for path, refs in resource.refs.items()}
    return resources


def _scopes(root: Scope) -> dict[str, Scope]:
    found = {root.prefix: root}
    for child in root.calls.values():
        found.update(_scopes(child))
    return found


def _module_prefix(config: str) -> str:
    parts = config.split(".")
    return ".".join(parts[:-2]) + "." if len(parts) > 2 else ""


def _plan_scope(module: dict[str, Any], scope: Scope, expressions: dict[str, dict[str, list[str]]],
                provider_keys: dict[str, str], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for resource in _list(module.get("resources")):
        if isinstance(resource, dict) and resource.get("mode", "managed") == "managed":
            address = f"{scope.prefix}{resource.get('type')}.{resource.get('name')}"
            expressions[address] = _flatten(_mapping(resource.get("expressions")))
            provider_keys[address] = str(resource.get("provider_config_key") or "aws")
    for output, body in _mapping(module.get("outputs")).items():
        if isinstance(body, dict):
            scope.outputs[output] = [str(ref) for ref in _list(_mapping(body.get("expression")).get("references"))]
    for call, body in _mapping(module.get("module_calls")).items():
        if not isinstance(body, dict):
            continue
        child = Scope(f"{scope.prefix}module.{call}.", scope)
        for arg, expression in _mapping(body.get("expressions")).items():
            if isinstance(expression, dict):
                child.args[arg] = [str(ref) for ref in _list(expression.get("references"))]
        scope.calls[call] = child
        _plan_scope(_mapping(body.get("module")), child, expressions, provider_keys, depth + 1)


def _flatten(expressions: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """Expressions' references by attribute path; nested blocks (lists) by index: a.0.b."""
    found: dict[str, list[str]] = {}
    for key, expression in expressions.items():
        path = f"{prefix}{key}"
        if isinstance(expression, list):
            for index, block in enumerate(expression):
                if isinstance(block, dict):
                    found.update(_flatten(block, f"{path}.{index}."))
        elif isinstance(expression, dict) and "references" in expression:
            found[path] = [str(ref) for ref in _list(expression["references"])]
        elif isinstance(expression, dict) and "constant_value" not in expression:
            found.update(_flatten(expression, f"{path}.0."))
    return found


def _plan_regions(providers: dict[str, Any], variables: dict[str, Any]) -> dict[str, Known]:
    regions: dict[str, Known] = {}
    for key, provider in providers.items():
        if not isinstance(provider, dict) or provider.get("name") != "aws":
            continue
        expression = _mapping(_mapping(provider.get("expressions")).get("region"))
        where = f"provider {key.split(':')[-1]} region"
        if "constant_value" in expression:
            regions[key] = Known(expression["constant_value"], where)
        for ref in _list(expression.get("references")):
            variable = str(ref).removeprefix("var.")
            if str(ref).startswith("var.") and variables.get(variable) is not None:
                regions[key] = Known(variables[variable], f"{where}: variable {variable}")
    return regions


def _plan_module(module: dict[str, Any], expressions: dict[str, dict[str, list[str]]], provider_keys: dict[str, str],
                 regions: dict[str, Known], name: str, resources: list[Resource], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for resource in _list(module.get("resources")):
        if not isinstance(resource, dict) or resource.get("mode", "managed") != "managed":
            continue
        address = str(resource.get("address"))
        config = config_address(address)
        values: dict[str, Any] = resource["values"] if isinstance(resource.get("values"), dict) else {}
        found = Resource(address, config, str(resource.get("type")), values, dict(expressions.get(config, {})), name,
                         resource.get("index"))
        found.region = _region(found, provider_keys.get(config, "aws"), regions)
        resources.append(found)
    for child in _list(module.get("child_modules")):
        if isinstance(child, dict):
            _plan_module(child, expressions, provider_keys, regions, name, resources, depth + 1)


def _region(resource: Resource, key: str, regions: dict[str, Known]) -> Known | None:
    """The resource's own region (AWS provider 6), its provider's, or the region in its ARN."""
    own = resource.values.get("region")
    if isinstance(own, str) and own:
        return Known(own, "region")
    provider = regions.get(key) or regions.get(key.split(":")[-1]) or regions.get("aws")
    if provider is not None:
        return provider
    arn = resource.values.get("arn")
    parts = arn.split(":") if isinstance(arn, str) else []
    return Known(parts[3], "the region in its arn") if len(parts) > 3 and parts[3] else None


# A directory of .tf files, read with python-hcl2: literal values, variables' defaults, simple locals.


@dataclass
class _Module:
    scope: Scope
    path: Path
    parent: _Module | None
    variables: dict[str, Any] = field(default_factory=dict)  # raw defaults (or tfvars values)
    args: dict[str, Any] = field(default_factory=dict)  # raw arguments of its call, in the parent's scope
    locals: dict[str, Any] = field(default_factory=dict)


class HclReader:
    """Reads a root module and its local child modules into resources."""

    def __init__(self) -> None:
        self.resources: list[Resource] = []
        self.notes: list[str] = []
        self.modules = 0
        self.regions: dict[str, Known] = {}

    def read(self, root: Path, files: list[Path] | None = None) -> list[Resource]:
        module = _Module(Scope(""), root, None)
        blocks = self._blocks(files if files is not None else sorted(root.glob("*.tf")))
        for tfvars in [root / "terraform.tfvars", *sorted(root.glob("*.auto.tfvars"))]:
            if files is None and tfvars.is_file():
                for key, value in self._parse(tfvars).items():
                    module.variables[key] = value
        self._declarations(module, blocks)
        self._providers(blocks, module)
        self._module(module, blocks, 0)
        # The root module's resources first, then its modules', each in the order written.
        return sorted(self.resources, key=lambda resource: resource.config.startswith("module."))

    def _parse(self, path: Path) -> dict[str, Any]:
        import hcl2
        from hcl2 import SerializationOptions

        source = read_source(str(path))
        options = SerializationOptions(with_comments=False, preserve_heredocs=False)
        try:
            data = hcl2.loads(source.text, serialization_options=options)
        except Exception as error:  # any parser failure is the file's syntax, said in our words
            line, column = getattr(error, "line", None), getattr(error, "column", None)
            located = isinstance(line, int) and line > 0
            problem = Problem("not valid Terraform (HCL) syntax here", file=source.name,
                              line=line if located else None, column=column if located else None,
                              hint="check the brackets, quotes and `=` near this place; `terraform validate` names it")
            raise LoadError(f"{source.name}: invalid HCL", problems=[problem]) from None
        return data if isinstance(data, dict) else {}

    def _blocks(self, files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
        """(file name, parsed body) of each file."""
        return [(path.name, self._parse(path)) for path in files]

    def _providers(self, blocks: list[tuple[str, dict[str, Any]]], module: _Module) -> None:
        for _, data in blocks:
            for entry in data.get("provider") or []:
                for name, body in entry.items():
                    if _unquote(name) != "aws" or not isinstance(body, dict):
                        continue
                    alias = self.evaluate(body.get("alias"), module)
                    key = f"aws.{alias}" if isinstance(alias, str) else "aws"
                    region = self.evaluate(body.get("region"), module)
                    if isinstance(region, str):
                        self.regions[key] = Known(region, f"provider {key} region")
                    elif isinstance(region, Unknown):
                        self.regions[key] = Known(None, f"provider {key} region: {region.why}")

    def _declarations(self, module: _Module, blocks: list[tuple[str, dict[str, Any]]]) -> None:
        """Variables' defaults, locals and outputs: what the module's expressions refer to."""
        for _, data in blocks:
            for entry in data.get("variable") or []:
                for name, body in entry.items():
                    if isinstance(body, dict) and "default" in body:
                        module.variables.setdefault(_unquote(name), body["default"])
            for entry in data.get("locals") or []:
                for name, raw in entry.items():
                    if name != "__is_block__":
                        module.locals[name] = raw
                        module.scope.locals[name] = _refs(raw)
            for entry in data.get("output") or []:
                for name, body in entry.items():
                    if isinstance(body, dict):
                        module.scope.outputs[_unquote(name)] = _refs(body.get("value"))

    def _module(self, module: _Module, blocks: list[tuple[str, dict[str, Any]]], depth: int) -> None:
        self.modules += 1
        if module.parent is not None:
            self._declarations(module, blocks)
        for file, data in blocks:
            for entry in data.get("module") or []:
                for name, body in entry.items():
                    if isinstance(body, dict):
                        self._call(module, _unquote(name), body, file, depth)
        for file, data in blocks:
            for entry in data.get("resource") or []:
                for kind, named in entry.items():
                    for name, body in (named or {}).items():
                        if isinstance(body, dict):
                            self._resource(module, _unquote(kind), _unquote(name), body, file)

    def _call(self, module: _Module, name: str, body: dict[str, Any], file: str, depth: int) -> None:
        source = self.evaluate(body.get("source"), module)
        where = f"module {module.scope.prefix}{name} ({file})"
        local = isinstance(source, str) and source.startswith(("./", "../"))
        path = (module.path / source).resolve() if local and isinstance(source, str) else None
        if path is None or not path.is_dir():
            self.notes.append(f"{where}: its source {source if isinstance(source, str) else '?'} is not a local "
                              "directory, so its functions are not read; draft from `terraform show -json` of a plan "
                              "to include them")
            return
        if depth >= MAX_DEPTH or self.modules >= MAX_MODULES:
            self.notes.append(f"{where}: modules nested too deep or too many; not read")
            return
        child = _Module(Scope(f"{module.scope.prefix}module.{name}.", module.scope), path, module)
        reserved = ("source", "version", "providers", "count", "for_each", "depends_on", "__is_block__")
        for arg, raw in body.items():
            if arg not in reserved:
                child.args[arg] = raw
                child.scope.args[arg] = _refs(raw)
        module.scope.calls[name] = child.scope
        self._module(child, self._blocks(sorted(path.glob("*.tf"))), depth + 1)

    def _resource(self, module: _Module, kind: str, name: str, body: dict[str, Any], file: str) -> None:
        config = f"{module.scope.prefix}{kind}.{name}"
        where = f"{file}" if not module.scope.prefix else f"{module.path.name}/{file}"
        values = {key: self.evaluate(raw, module) for key, raw in body.items()
                  if key not in ("__is_block__", "dynamic", "count", "for_each", "provider", "lifecycle")}
        refs = {path: module.scope.resolve(found) for path, found in _flat_refs(body).items()}
        resource = Resource(config, config, kind, values, refs, where)
        provider = body.get("provider")
        key = provider[2:-1] if isinstance(provider, str) and provider.startswith("${") else "aws"
        resource.region = self.regions.get(key) or self.regions.get("aws")
        for dynamic in body.get("dynamic") or []:
            for block in dynamic:
                values[_unquote(block)] = Unknown(f"a dynamic {_unquote(block)} block: its for_each decides")
        if not self._counted(module, resource, body):
            return
        self.resources.append(resource)

    def _counted(self, module: _Module, resource: Resource, body: dict[str, Any]) -> bool:
        """count = 0 creates nothing (said in a note); any other count or for_each is drafted once."""
        for meta in ("count", "for_each"):
            if meta not in body:
                continue
            value = self.evaluate(body[meta], module)
            if meta == "count" and value == 0:
                self.notes.append(f"{resource.address} ({resource.where}) has count = 0: not created, not drafted")
                return False
            if meta == "count" and value == 1:
                continue
            size = len(value) if isinstance(value, (list, dict)) else value if isinstance(value, int) else None
            what = f"{size} instances" if size is not None else "instances known only at apply"
            resource.notes.append(f"{meta} in {resource.where}: {what}, drafted once; copy it for each instance")
        return True

    # Expressions: literals, "${var.x}", "${local.y}", interpolated strings, `cond ? a : b` on a known condition.

    def evaluate(self, raw: Any, module: _Module, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            return Unknown("an expression too deeply nested")
        if isinstance(raw, bool) or raw is None or isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            return Decimal(str(raw))
        if isinstance(raw, list):
            return [self.evaluate(item, module, depth + 1) for item in raw]
        if isinstance(raw, dict):
            return {_unquote(key): self.evaluate(value, module, depth + 1) for key, value in raw.items()
                    if key != "__is_block__"}
        text = str(raw)
        if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
            return self._template(text[1:-1], module, depth)
        if text.startswith("${") and text.endswith("}"):
            return self._expression(text[2:-1].strip(), module, depth)
        return text

    def _template(self, text: str, module: _Module, depth: int) -> Any:
        """A quoted string, its ${...} parts substituted when they are known."""
        unknown = False

        def part(match: re.Match[str]) -> str:
            nonlocal unknown
            value = self._expression(match.group(1).strip(), module, depth + 1)
            if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
                return str(value)
            unknown = True
            return "*"

        substituted = re.sub(r"\$\{([^{}]*)\}", part, text)
        return Unknown(f'"{text}"', substituted) if unknown else substituted

    def _expression(self, expression: str, module: _Module, depth: int) -> Any:
        if match := re.fullmatch(r"var\.([\w-]+)", expression):
            return self._variable(match.group(1), module, depth)
        if match := re.fullmatch(r"local\.([\w-]+)", expression):
            if match.group(1) in module.locals:
                return self.evaluate(module.locals[match.group(1)], module, depth + 1)
            return Unknown(f"{expression} is not defined")
        if match := re.fullmatch(r"([\w.-]+)\s*\?\s*(.+?)\s*:\s*(.+)", expression, re.DOTALL):
            condition = self._expression(match.group(1), module, depth + 1)
            if isinstance(condition, bool):
                return self._literal(match.group(2) if condition else match.group(3), module, depth)
        literal = self._literal(expression, module, depth)
        return literal if not isinstance(literal, Unknown) else Unknown(expression)

    def _literal(self, text: str, module: _Module, depth: int) -> Any:
        """A branch or an element written as HCL literal: a number, true/false, a string, a list of them."""
        text = text.strip()
        if re.fullmatch(r"(var|local)\.[\w-]+", text):
            return self._expression(text, module, depth + 1)
        try:
            value = json.loads(text, parse_float=Decimal)
        except ValueError:
            return Unknown(text)
        return value

    def _variable(self, name: str, module: _Module, depth: int) -> Any:
        if name in module.args and module.parent is not None:
            return self.evaluate(module.args[name], module.parent, depth + 1)
        if name in module.variables:
            return self.evaluate(module.variables[name], module, depth + 1)
        return Unknown(f"var.{name} has no default")


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text.startswith('"') and text.endswith('"') else text


def _refs(raw: Any) -> list[str]:
    """The references an HCL value's expressions make."""
    found: list[str] = []
    if isinstance(raw, str):
        for expression in re.findall(r"\$\{(.*)\}", raw, re.DOTALL):
            found += _HCL_REFS.findall(expression)
    elif isinstance(raw, list):
        for item in raw:
            found += _refs(item)
    elif isinstance(raw, dict):
        for item in raw.values():
            found += _refs(item)
    return found


def _flat_refs(body: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """References by attribute path, blocks indexed as in plans: a.0.b."""
    found: dict[str, list[str]] = {}
    for key, raw in body.items():
        path = f"{prefix}{_unquote(key)}"
        if isinstance(raw, list) and raw and all(isinstance(item, dict) and item.get("__is_block__") for item in raw):
            for index, block in enumerate(raw):
                found.update(_flat_refs(block, f"{path}.{index}."))
        elif refs := _refs(raw):
            found[path] = refs
    return found
