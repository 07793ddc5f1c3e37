"""`init --from` on templates no one deploys: a draft or a clear refusal (exit 2), never a crash, hang or bad draft."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.stages.load import Source, parse

runner = CliRunner()
FUNCTION = "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"


def init(tmp_path: Path, text: str, name: str = "template.yaml") -> Any:
    template = tmp_path / name
    template.write_text(text)
    result = runner.invoke(app, ["init", "--from", str(template), "-o", "-"])
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr
    if result.exit_code == 0:
        parse(Source("draft.yaml", result.stdout))  # the draft is YAML
    return result


@pytest.mark.parametrize("text", [
    "Parameters: [1]\nResources:\n" + FUNCTION + "      MemorySize: !Ref Mem\n",
    "Parameters: {Mem: [1]}\nResources:\n" + FUNCTION + "      MemorySize: !Ref Mem\n",
    "Globals: {Function: [1]}\nResources:\n" + FUNCTION,
    "Globals: [1]\nResources:\n" + FUNCTION,
    "Mappings: [1]\nResources:\n" + FUNCTION + "      MemorySize: !FindInMap [A, B, C]\n",
    "Resources:\n" + FUNCTION + "      Events:\n        Q:\n          Type: SQS\n          Properties:\n"
    "            Queue: {'Fn::GetAtt': []}\n",
    "Resources:\n" + FUNCTION + "      Events:\n        Q:\n          Type: SQS\n          Properties:\n"
    "            Queue: !GetAtt ''\n",
    "Resources:\n" + FUNCTION + "      Timeout: Infinity\n",
    "Resources:\n" + FUNCTION + "      MemorySize: 'sNaN'\n",
    "Resources:\n" + FUNCTION + "      MemorySize: '-Infinity'\n",
    "Resources:\n" + FUNCTION + "      Timeout: 0x_\n",
    "Resources:\n" + FUNCTION + "      Timeout: !!int x\n",
    "Resources:\n" + FUNCTION + "      Timeout: !!python/object:os.system x\n",
    "Resources:\n" + FUNCTION + "      Timeout: &a [*a]\n",
    "Resources:\n" + FUNCTION + "      Events: {E: {Type: Schedule, Properties: {Schedule: 'rate(" + "9" * 5000
    + " days)'}}}\n",
])
def test_odd_shapes_give_a_draft_or_a_refusal(tmp_path: Path, text: str) -> None:
    init(tmp_path, text)


def test_a_huge_number_is_drafted_as_written_in_no_time(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = init(tmp_path, "Resources:\n" + FUNCTION + "      MemorySize: '1e999999'\n")
    assert time.perf_counter() - started < 5
    assert result.exit_code == 0
    assert 'memory_mb: 1e999999 ' in result.stdout


def test_a_logical_id_with_a_newline_stays_one_name_and_one_comment(tmp_path: Path) -> None:
    result = init(tmp_path, 'Resources:\n  "Fn\\nx: 1":\n    Type: AWS::Serverless::Function\n    Properties: {}\n')
    assert result.exit_code == 0
    data = parse(Source("draft.yaml", result.stdout.replace("FILL-ME", "1")))
    assert data["functions"][0]["name"] == "Fn\nx: 1"
    assert set(data) == {"version", "region", "functions"}


@pytest.mark.parametrize("opening", ["[", "{\"a\": "])
def test_json_nested_500_deep_is_refused_where_it_gets_too_deep(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = '{"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Tags": ' + \
        opening * 500 + "1" + closing * 500 + "}}}}"
    result = init(tmp_path, text, "template.json")
    assert result.exit_code == 2
    assert "template.json:1:" in result.stderr and "nested more than 100 levels deep" in result.stderr


def test_yaml_nested_500_deep_is_refused_where_it_gets_too_deep(tmp_path: Path) -> None:
    text = "Resources:\n" + FUNCTION + "      Tags: " + "[" * 500 + "]" * 500 + "\n"
    result = init(tmp_path, text)
    assert result.exit_code == 2
    assert "template.yaml:6:" in result.stderr and "nested more than 100 levels deep" in result.stderr


def test_a_template_over_the_cap_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lambda_cost.templates.formats.MAX_TEMPLATE_BYTES", 1024 * 1024)
    big = tmp_path / "template.yaml"
    big.write_text("Resources:\n" + FUNCTION + "      Description: '" + "x" * (2 * 1024 * 1024) + "'\n")
    started = time.perf_counter()
    result = runner.invoke(app, ["init", "--from", str(big), "-o", "-"])
    assert time.perf_counter() - started < 5
    assert result.exit_code == 2
    assert "larger than 1 MiB" in result.stderr


def test_the_template_cap_is_64_mib() -> None:
    from lambda_cost.templates.cfn_yaml import MAX_TEMPLATE_BYTES

    assert MAX_TEMPLATE_BYTES == 64 * 1024 * 1024


def test_a_template_of_one_long_string_is_drafted_quickly(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = init(tmp_path, "Resources:\n" + FUNCTION + "      Description: '" + "x" * (5 * 1024 * 1024) + "'\n")
    assert result.exit_code == 0
    assert time.perf_counter() - started < 10


def test_json_numbers_out_of_range_are_refused_where_they_are(tmp_path: Path) -> None:
    text = json.dumps({"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {}}}})
    result = init(tmp_path, text.replace("{}", '{"MemorySize": ' + "9" * 5000 + "}"), "template.json")
    assert result.exit_code == 2
    assert "template.json:1:" in result.stderr and "is too large" in result.stderr
