"""init --from tells its sources apart by content, and refuses what it cannot read: exit 2, located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()


def init(path: Path | str) -> tuple[int, str]:
    result = runner.invoke(app, ["init", "--from", str(path), "-o", "-"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(("name", "text", "says"), [
    ("plan.json", '{"format_version": "1.2", "planned_values": {"root_module": {}}}',
     "no Lambda function in this Terraform plan or state"),
    ("serverless.yml", "service: s\nprovider: {name: aws}\nfunctions: {}\n",
     "no Lambda function in this Serverless Framework service"),
    ("serverless.yml", "service: s\nprovider: {name: google}\n", "provider 'google': init --from reads AWS"),
    ("serverless.yml", "service: s\n", "a serverless.yml without provider:"),
    ("main.tf.json", '{"resource": {"aws_lambda_function": {}}}', "Terraform's JSON syntax (.tf.json) is not read"),
    ("Pulumi.yaml", "name: app\nruntime: python\n", "a Pulumi project"),
    ("cdk.json", '{"app": "npx ts-node bin/app.ts", "context": {}}', "an AWS CDK app: run `cdk synth`"),
    ("notes.yaml", "just: a mapping\n", "not a format init can read"),
    ("list.yaml", "- a\n- b\n", "the document is not a mapping"),
])
def test_sources_init_cannot_read_are_named(tmp_path: Path, name: str, text: str, says: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, stderr = init(path)
    assert code == 2 and says in stderr, stderr


def test_a_saved_binary_plan_says_how_to_turn_it_into_json(tmp_path: Path) -> None:
    path = tmp_path / "tfplan"
    path.write_bytes(b"PK\x03\x04binary plan")
    code, stderr = init(path)
    assert code == 2 and "terraform show -json" in stderr and "a saved Terraform plan" in stderr


@pytest.mark.parametrize(("name", "text", "line"), [
    ("main.tf", 'resource "aws_lambda_function" "f" {\n  memory_size = \n}\n', 2),
    ("plan.json", '{"format_version": "1.2",\n "planned_values": }', 2),
    ("serverless.yml", "service: s\nprovider:\n  name: aws\n   bad: indent\n", 4),
])
def test_bad_syntax_is_located(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, stderr = init(path)
    assert code == 2 and f"{path}:{line}:" in stderr, stderr


def test_directories_are_read_by_what_they_hold(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, stderr = init(tmp_path / "empty")
    assert code == 2 and "no .tf files, serverless.yml or template.yaml" in stderr
    service = tmp_path / "service"
    service.mkdir()
    (service / "serverless.yml").write_text("service: s\nprovider: {name: aws}\nfunctions:\n  f: {handler: h}\n")
    result = runner.invoke(app, ["init", "--from", str(service), "-o", "-"])
    assert result.exit_code == 0 and "- name: f" in result.stdout
    cdk = tmp_path / "cdk"
    cdk.mkdir()
    (cdk / "cdk.json").write_text(json.dumps({"app": "python app.py"}))
    code, stderr = init(cdk)
    assert code == 2 and "cdk synth" in stderr


def test_the_summary_names_the_kind_of_source(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    path = FIXTURES / "templates" / "terraform" / "state-clicks.json"
    result = runner.invoke(app, ["init", "--from", str(path), "-o", str(target)])
    assert result.exit_code == 0
    assert "1 function from" in result.stderr and "(Terraform plan or state (terraform show -json))" in result.stderr


@pytest.mark.parametrize(("name", "text"), [("deep.yaml", "[" * 50_000), ("deep.json", "{" + '"a":{' * 50_000)])
def test_documents_nested_beyond_reason_are_refused_not_crashed_on(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, stderr = init(path)
    assert code == 2 and stderr.startswith("error: "), stderr
