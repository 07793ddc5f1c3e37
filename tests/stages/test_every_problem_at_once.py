"""Every problem of a file in one run: each stage checks what the stages before it could make of the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_text, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import SHOWN_PROBLEMS, InputError, PricingError, WorkloadError

runner = CliRunner()

# The file: a duration over its timeout, a duplicate name, error_rate 1 on SQS, and an unknown region.
# Each is in a different layer (cross-field, names, expansion, the table); main reported only the first.
FOUR_LAYERS = """\
version: 1
region: us-east-9
functions:
  - name: api
    memory_mb: 512
    duration_ms: 5000
    timeout_s: 3
    invocations:
      - type: sync
        per_month: 1M
  - name: api
    memory_mb: 512
    duration_ms: 100
    invocations:
      - type: sqs
        per_month: 1M
        error_rate: 1
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        estimate_text(text)
    return [problem.render() for problem in caught.value.problems]


def test_four_problems_of_four_layers_are_reported_at_once_in_file_order() -> None:
    lines = problems_of(FOUR_LAYERS)
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["test.yaml:2:1", "region"],
        ["test.yaml:6:5", "functions[0].duration_ms"],
        ["test.yaml:11:5", "functions[1].name"],
        ["test.yaml:17:9", "functions[1].invocations[0].error_rate"],
    ]
    assert "no rates for region 'us-east-9'" in lines[0] and "(did you mean 'us-east-" in lines[0]
    assert "5000 ms is longer than timeout_s 3" in lines[1]
    assert "the name 'api' is already used by functions[0]" in lines[2]
    assert "every attempt fails" in lines[3] and "one percent is 1% or 0.01" in lines[3]


def test_the_command_line_says_them_all_once_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "four.yaml"
    path.write_text(FOUR_LAYERS)
    for command in ("estimate", "validate"):
        result = runner.invoke(app, [command, str(path)])
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == f"error: {path}: 4 problems in the workload"
        assert len(result.stderr.splitlines()) == 5


def test_an_invalid_function_does_not_hide_the_problems_of_the_others() -> None:
    text = workload_yaml(
        function("a", memory_mb=64),  # a field: this function is left out of what follows
        function("a", invocations=[{"type": "sqs", "per_month": 1000, "error_rate": 1}]),  # its name is still taken
        function("c", architecture="arm64"),
        pricing="2019-12-03",  # no arm64: the table's problem of a valid function
    )
    lines = problems_of(text)
    assert len(lines) == 4, lines
    assert "functions[0].memory_mb: 64 is too small" in lines[0]
    assert "functions[1].name: the name 'a' is already used by functions[0]" in lines[1]
    assert "functions[1].invocations[0].error_rate" in lines[2]
    assert "functions[2].architecture: pricing version 2019-12-03 predates architecture arm64" in lines[3]


def test_a_bad_pricing_key_is_reported_without_a_guess_at_the_table() -> None:
    # pricing: [1] cannot choose a table: the table's checks are skipped rather than run against the newest.
    text = workload_yaml(function("a", memory_mb=64), function("b", architecture="arm64"), pricing=[1])
    lines = problems_of(text)
    assert [line.split(": ")[1] for line in lines] == ["pricing", "functions[0].memory_mb"]


def test_an_unknown_pricing_version_is_one_problem_among_the_others() -> None:
    text = workload_yaml(function("a", memory_mb=64), pricing="2099-01-01")
    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    assert [problem.dotted_path for problem in caught.value.problems] == ["pricing", "functions[0].memory_mb"]
    assert caught.value.problems[0].message == "unknown pricing version '2099-01-01'"


def test_problems_of_the_table_alone_are_a_pricing_error() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function(), region="us-east-9"))
    assert caught.value.message == "test.yaml: 1 problem in the workload"


def test_a_huge_file_lists_the_first_problems_and_says_how_many_more(tmp_path: Path) -> None:
    count = SHOWN_PROBLEMS + 12
    path = tmp_path / "many.yaml"
    path.write_text(workload_yaml(*(function(f"f{index}", memory_mb=64) for index in range(count))))
    result = runner.invoke(app, ["validate", str(path)])
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: {count} problems in the workload"
    assert len(lines) == 1 + SHOWN_PROBLEMS + 1
    assert lines[-1] == "  ... and 12 more problems"
    document: Any = runner.invoke(app, ["validate", str(path), "-f", "json"]).stdout
    assert document.count('"message"') == count  # machines get them all


def test_pricing_check_lists_every_problem_of_every_table(tmp_path: Path) -> None:
    directory = tmp_path / "tables"
    directory.mkdir()
    (directory / "acme.yaml").write_text(
        "version: acme-x\nextends: '2022-08-01'\nsummary: test\nscale:\n  duraton: 0.9\n  requests: -1\n"
        "regions:\n  us-east-1:\n    requests_per_million: abc\n"
    )
    (directory / "other.yaml").write_text("version: other\neffective: 2030-01-01\nextends: '2099-01-01'\n")
    result = runner.invoke(app, ["pricing", "check", "--pricing-dir", str(directory)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 6 problems in the price tables"
    acme, other = directory / "acme.yaml", directory / "other.yaml"
    assert lines[-1].startswith(f"  {other}:3:1: extends: extends unknown version '2099-01-01' (versions: 2014-11-13, ")
    assert lines[-1].endswith(", acme, other)")
    assert lines[1:-1] == [
        f"  {acme}:1:1: effective: required key is missing (add effective: YYYY-MM-DD, the day the table takes "
        "effect)",
        f"  {acme}:1:1: version: says version 'acme-x', not its file's name (a table's version is its file name: "
        "version: 'acme')",
        f"  {acme}:5:3: scale.duraton: cannot scale 'duraton' (did you mean 'duration'? scalable: requests, "
        "duration, ephemeral_storage, provisioned_concurrency, provisioned_duration)",
        f"  {acme}:6:3: scale.requests: a factor is a number from 0 to 1,000 with at most 60 significant digits, "
        "not -1 (for example duration: 0.92 for 8% off)",
        f"  {acme}:9:5: regions.us-east-1.requests_per_million: found the text 'abc'; expected a number of at least "
        "0 (for example requests_per_million: '0.20')",
    ]


def test_functions_that_are_not_a_list_are_said_so_beside_the_other_problems() -> None:
    lines = problems_of("version: 2\npricing: 2099-01-01\nfunctions: {a: 1}\n")
    assert [line.split(": ", 2)[1] for line in lines] == ["version", "pricing", "functions"]
    assert "found a mapping (a); expected a list of at least 1 item" in lines[2]
