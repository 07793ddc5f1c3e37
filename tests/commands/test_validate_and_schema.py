"""`lambda-cost validate` and `lambda-cost schema`: every problem of every file, and a schema editors can use."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.model.schema import workload_schema
from lambda_cost.stages.load import Source, parse

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
runner = CliRunner()

BAD_MEMORY = """\
version: 1
functions:
  - name: checkout
    memroy_mb: 1 GB
    duration_ms: 80ms
    invocations:
      - {type: sync, per_month: 3M}
"""
BAD_TIMEOUT_AND_FIFO = """\
version: 1
functions:
  - name: worker
    memory_mb: 512
    duration_ms: 2s
    timeout_s: 1
    invocations:
      - type: sqs
        fifo: true
        batch_size: 50
        per_month: 1M
"""


def test_validate_reports_every_problem_of_every_file(write: Any) -> None:
    first = write("first.yaml", BAD_MEMORY)
    second = write("second.yaml", BAD_TIMEOUT_AND_FIFO)
    result = runner.invoke(app, ["validate", first, str(EXAMPLES[0]), second])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {first}: 1 problem in the workload",
        f"  {first}:4:5: functions[0].memroy_mb: unknown key 'memroy_mb' (did you mean 'memory_mb'?)",
        f"{EXAMPLES[0]}: valid (4 functions)",
        "  warning: " + f"{EXAMPLES[0]}:24:9: functions[1].invocations[0].max_retry_attempts: dynamodb source "
        "retries a failing batch until its records expire (max_retry_attempts -1): a failing record blocks its "
        "shard; the estimate assumes every batch eventually succeeds",
        f"error: {second}: 2 problems in the workload",
        # The source that does not validate does not hide the duration over the timeout of its function.
        f"  {second}:5:5: functions[0].duration_ms: 2000 ms is longer than timeout_s 1 (1000 ms) (raise timeout_s or "
        "lower the duration: no attempt runs past its timeout)",
        f"  {second}:8:9: functions[0].invocations[0]: a FIFO queue takes a batch_size of at most 10, not 50",
    ]


def test_cross_field_checks_run_once_the_schema_is_met(write: Any) -> None:
    text = BAD_TIMEOUT_AND_FIFO.replace("batch_size: 50", "batch_size: 10")
    result = runner.invoke(app, ["validate", write("w.yaml", text)])
    assert result.exit_code == 2
    assert "w.yaml:5:5: functions[0].duration_ms: 2000 ms is longer than timeout_s 1 (1000 ms)" in result.stderr


def test_validate_json_for_machines(write: Any) -> None:
    path = write("bad.yaml", BAD_MEMORY)
    result = runner.invoke(app, ["validate", path, "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "schema_version": 1,
        "valid": False,
        "files": [{
            "file": path,
            "valid": False,
            "functions": 0,
            "error": f"{path}: 1 problem in the workload",
            "problems": [{
                "file": path, "line": 4, "column": 5, "path": "functions[0].memroy_mb",
                "message": "unknown key 'memroy_mb'", "hint": "did you mean 'memory_mb'?",
            }],
            "warnings": [],
        }],
    }


def test_valid_files_exit_0_and_quiet_says_nothing() -> None:
    paths = [str(path) for path in EXAMPLES]
    loud = runner.invoke(app, ["validate", *paths])
    assert loud.exit_code == 0
    web_api = next(e for e in EXAMPLES if str(e).endswith("web-api.yaml"))
    assert f"{web_api}: valid (3 functions)" in loud.stderr
    quiet = runner.invoke(app, ["validate", "-q", *paths])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_validate_checks_against_the_pricing_table(write: Any) -> None:
    text = BAD_MEMORY.replace("memroy_mb: 1 GB", "memory_mb: 1 GB\n    architecture: arm64")
    path = write("old.yaml", text + "pricing: '2014-11-13'\n")
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2
    assert "predates architecture arm64" in result.stderr


def _plain_json(value: Any) -> Any:
    """YAML data as JSON would hold it (the loader reads exact Decimals)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    return value


def _schema_errors(text: str) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(workload_schema())
    return [error.message for error in validator.iter_errors(_plain_json(parse(Source("x.yaml", text))))]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_every_example_meets_the_schema(example: Path) -> None:
    assert _schema_errors(example.read_text()) == []


def test_the_schema_accepts_human_units_and_refuses_what_validate_refuses() -> None:
    human = BAD_TIMEOUT_AND_FIFO.replace("timeout_s: 1", "timeout_s: 2min").replace("batch_size: 50", "batch_size: 5")
    assert _schema_errors(human.replace("per_month: 1M", "rate: 50/s")) == []
    assert any("memroy_mb" in message for message in _schema_errors(BAD_MEMORY))
    assert _schema_errors(human.replace("memory_mb: 512", "memory_mb: 64"))  # below the 128 minimum
    assert _schema_errors(human.replace("duration_ms: 2s", "duration_ms: 3m"))  # ambiguous unit
    assert _schema_errors(human.replace("type: sqs", "type: sqss"))


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node).union(*(_keys(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys(value) for value in node))
    return set()


def test_schema_command_prints_the_schema_with_descriptions_and_ranges() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    memory = schema["$defs"]["Function"]["properties"]["memory_mb"]
    assert memory["anyOf"][0] == {"maximum": 10240, "minimum": 128, "type": "integer"}
    assert "1 GB = 1024 MB" in memory["description"]
    timeout = schema["$defs"]["Function"]["properties"]["timeout_s"]
    assert not {"ge", "le", "gt", "lt"} & _keys(schema)  # pydantic's ge/le, made JSON Schema ranges
    assert {"type": "integer", "minimum": 1, "maximum": 900} in timeout["anyOf"][0]["anyOf"]


def test_every_key_of_the_schema_has_a_description() -> None:
    """The README promises an editor's hover text for every key, so a new key must bring one."""
    schema = workload_schema()
    undescribed = [
        f"{name}.{key}"
        for name, definition in [("Workload", schema), *schema["$defs"].items()]
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []


def test_schema_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    target.write_text("mine")
    refused = runner.invoke(app, ["schema", "-o", str(target)])
    assert refused.exit_code == 2 and target.read_text() == "mine"
    assert runner.invoke(app, ["schema", "-o", str(target), "--force"]).exit_code == 0
    assert json.loads(target.read_text())["title"] == "lambda-cost workload"


def test_readme_shows_the_schema_line() -> None:
    assert "# yaml-language-server: $schema=" in (ROOT / "README.md").read_text()


def test_validate_internal_error_exits_3_never_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import lambda_cost.commands.validate

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lambda_cost.commands.validate, "check_file", broken)
    result = runner.invoke(app, ["validate", str(EXAMPLES[0])])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr
