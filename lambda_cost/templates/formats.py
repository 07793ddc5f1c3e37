"""Which source `init --from` was given, told by its content, and the drafts its reader makes of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambda_cost.errors import LoadError, Problem
from lambda_cost.stages.load import Source, read_source
from lambda_cost.templates.cfn_yaml import MAX_TEMPLATE_BYTES
from lambda_cost.templates.sam import FunctionDraft

SAM = "SAM or CloudFormation template"
PLAN = "Terraform plan or state (terraform show -json)"
HCL = "Terraform configuration (.tf files)"
SERVERLESS = "Serverless Framework service"
READS = ("init --from reads SAM/CloudFormation templates, `terraform show -json` output, directories of .tf files "
         "and serverless.yml")
# Files that name a format init does not read, and what to give it instead.
FOREIGN = {
    "cdk.json": "an AWS CDK app: run `cdk synth` and give a template from cdk.out",
    "Pulumi.yaml": "a Pulumi project: init does not read Pulumi programs",
    "serverless.ts": "a serverless.ts is a program: run `serverless print > serverless.yml` and give that",
    "serverless.js": "a serverless.js is a program: run `serverless print > serverless.yml` and give that",
}


@dataclass
class Drafted:
    """The functions a source describes, notes for the whole draft, and what kind of source it was."""

    drafts: list[FunctionDraft]
    kind: str
    notes: list[str] = field(default_factory=list)


def read_any(path: str) -> Drafted:
    """Drafts from a template file, a plan, a serverless.yml or a directory holding one of them."""
    if path != "-" and Path(path).is_dir():
        return _directory(Path(path))
    if path != "-" and Path(path).name in FOREIGN:
        raise LoadError(f"{path}: {FOREIGN[Path(path).name]}", hint=READS)
    if path.endswith(".tf"):
        from lambda_cost.templates.terraform import read_directory

        drafts, notes = read_directory(Path(path).parent, [Path(path)])
        return Drafted(drafts, HCL, notes)
    _refuse_binary_plan(path)
    source = read_source(path, MAX_TEMPLATE_BYTES)
    data = load_document(source)
    return _by_content(data, source)


def _directory(path: Path) -> Drafted:
    if sorted(path.glob("*.tf")):
        from lambda_cost.templates.terraform import read_directory

        drafts, notes = read_directory(path)
        return Drafted(drafts, HCL, notes)
    for name in ("serverless.yml", "serverless.yaml", "serverless.json", "template.yaml", "template.yml",
                 "template.json"):
        if (path / name).is_file():
            return read_any(str(path / name))
    for name, what in FOREIGN.items():
        if (path / name).is_file():
            raise LoadError(f"{path}: {what}", hint=READS)
    if sorted(path.glob("*.tf.json")):
        raise LoadError(f"{path}: Terraform's JSON syntax (.tf.json) is not read",
                        hint="run `terraform plan -out plan` and give `terraform show -json plan`")
    raise LoadError(f"{path}: no .tf files, serverless.yml or template.yaml in this directory", hint=READS)


# Nested stacks inside nested stacks: deeper than any real application, and it stops a template that nests itself.
MAX_NESTING = 5


def _template(source: Source, depth: int) -> Drafted:
    """A SAM or CloudFormation template's functions, and those of its nested stacks whose templates are local."""
    from lambda_cost.templates.cfn_yaml import load_template
    from lambda_cost.templates.sam import nested_stacks, read_template

    data = load_template(source)
    drafts, notes = read_template(data)
    for stack, location in nested_stacks(data):
        path = None if location is None or source.name == "<stdin>" else Path(source.name).parent / location
        if path is None or not path.is_file() or depth >= MAX_NESTING:
            why = "its template is not a local file" if path is None or not path.is_file() else "nested too deep"
            notes.append(f"nested stack {stack}: its functions are not drafted ({why}); give its template to "
                         "`lambda-cost init --from` and add them")
            continue
        nested = _template(read_source(str(path), MAX_TEMPLATE_BYTES), depth + 1)
        for draft in nested.drafts:
            draft.name = f"{stack}-{draft.name}"
        drafts += nested.drafts
        notes += [f"nested stack {stack} ({location}): {note}" for note in nested.notes]
        notes.append(f"nested stack {stack}: its functions read from {location}, named {stack}-<function>")
    return Drafted(drafts, SAM, notes)


def _refuse_binary_plan(path: str) -> None:
    """A saved plan (`terraform plan -out`) is a zip archive: Terraform itself turns it into JSON."""
    if path == "-":
        return
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return  # read_source says why, in its own words
    if head == b"PK\x03\x04":
        raise LoadError(f"{path}: a saved Terraform plan (binary), which only Terraform can read",
                        hint=f"run `terraform show -json {path} > plan.json` and give plan.json")


def load_document(source: Source) -> Any:
    """JSON, or YAML read safely with CloudFormation's tags (any other tag an opaque value); located errors."""
    from lambda_cost.templates.cfn_yaml import parse_document
    from lambda_cost.templates.serverless import ServerlessLoader

    return parse_document(source, ServerlessLoader)


def _by_content(data: Any, source: Source) -> Drafted:
    name = source.name
    if not isinstance(data, dict):
        raise LoadError(f"{name}: not a template, plan or serverless.yml", hint=READS,
                        problems=[_whole(name, "the document is not a mapping")])
    if "format_version" in data and ("planned_values" in data or "values" in data or "terraform_version" in data):
        from lambda_cost.templates.terraform import read_plan

        drafts, notes = read_plan(data, name)
        return Drafted(drafts, PLAN, notes)
    if "Resources" in data or "AWSTemplateFormatVersion" in data:
        return _template(source, depth=0)
    if "service" in data and "provider" in data:
        from lambda_cost.templates.serverless import read_serverless

        drafts, notes = read_serverless(data, name)
        return Drafted(drafts, SERVERLESS, notes)
    if "service" in data:
        raise LoadError(f"{name}: a serverless.yml without provider:", hint="the Serverless Framework needs "
                        "provider: {name: aws}; init --from reads its functions with it")
    if {"resource", "terraform", "module"} & set(data):
        raise LoadError(f"{name}: Terraform's JSON syntax (.tf.json) is not read",
                        hint="run `terraform plan -out plan` and give `terraform show -json plan`")
    if {"name", "runtime"} <= set(data):
        raise LoadError(f"{name}: {FOREIGN['Pulumi.yaml']}", hint=READS)
    if ("app" in data and isinstance(data.get("app"), str) and "context" in data) or ("app" in data and len(data) <= 3):
        raise LoadError(f"{name}: {FOREIGN['cdk.json']}", hint=READS)
    raise LoadError(f"{name}: not a format init can read", hint=READS, problems=[
        _whole(name, "no Resources, format_version, or service and provider at the top of the document")])


def _whole(name: str, message: str) -> Problem:
    """A problem of the document as a whole, at its start."""
    return Problem(message, file=name, line=1, column=1)
