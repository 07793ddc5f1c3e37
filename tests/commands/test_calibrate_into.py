"""`calibrate --into`: measured values replace guessed ones, comments, order and layout stay, INIT is not billed
twice, retries and batches give back the logged attempts, and nothing is overwritten without --force."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from conftest import estimate_text
from typer.testing import CliRunner

from lambda_cost.cli import app

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"
runner = CliRunner()

WORKLOAD = """\
# Our guesses, before we had logs.
version: 1
region: eu-west-1          # where we deploy
functions:
  - name: api              # the public API
    memory_mb: 1024        # we think
    architecture: arm64
    duration_ms: FILL-ME   # mean duration of a successful invocation, e.g. 120ms
    init_duration_ms: 300
    cold_start_rate: 0.02
    invocations:
      - type: sync         # API Gateway
        rate: 50/s         # a guess
        error_rate: 0.01
  # the queue consumer
  - name: worker
    memory_mb: 512
    duration_ms: 200
    invocations:
      - type: sqs
        per_day: 10k
        batch_size: 10
        max_receive_count: 3
"""


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["calibrate", *args], env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_round_trip_keeps_comments_order_and_layout(tmp_path: Path) -> None:
    workload = tmp_path / "workload.yaml"
    workload.write_text(WORKLOAD)
    out = tmp_path / "calibrated.yaml"
    result = run(str(FIXTURES / "errors.log"), "--function", "api", "--window", "730h", "--into", str(workload),
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    assert workload.read_text() == WORKLOAD  # never touched without --force
    before, after = WORKLOAD.splitlines(), out.read_text().splitlines()
    # Untouched lines are byte for byte the same, in the same order.
    kept = [line for line in before if line in after]
    assert kept == [line for line in after if line in before]
    for line in ("# Our guesses, before we had logs.", "region: eu-west-1          # where we deploy",
                 "  - name: api              # the public API", "    memory_mb: 128         # we think",
                 "    architecture: arm64", "      - type: sync         # API Gateway", "  # the queue consumer",
                 "        per_day: 10k"):
        assert line in after, line
    text = out.read_text()
    assert "duration_ms: 50        # calibrated: mean Billed Duration of the successful invocations" in text
    assert "error_duration_ms: 2006.666666666666666666666667" in text
    assert "durations_billed: true" in text
    assert "init_duration_ms" not in text and "cold_start_rate" not in text  # INIT is inside Billed Duration
    assert "rate: 50/s" not in text and "per_month: 4 " in text and "error_rate: 0.75 " in text
    table = result.stdout
    assert "api       invocations[0].rate" in table and "(removed)" in table
    assert "monthly estimate: not priced: " in table and "placeholder not filled" in table  # FILL-ME before
    assert "in " in table and "not in the usage (left as written): worker" in table
    [priced, _] = estimate_text(text).functions
    assert priced.requests == 4 and priced.gb_seconds == Decimal(6070) / 1000 * 128 / 1024


def test_batch_sources_give_back_the_logged_attempts(tmp_path: Path) -> None:
    """An SQS source's per_month is messages: the volume that, in full batches of 10 retried up to 3 receives at
    the measured error rate, makes the invocations the logs show."""
    workload = tmp_path / "workload.yaml"
    workload.write_text(WORKLOAD.replace("FILL-ME", "100"))
    logs = tmp_path / "worker.log"
    logs.write_text((FIXTURES / "errors.log").read_text())
    result = run(str(logs), "--function", "worker", "--window", "73h", "--into", str(workload), "--force")
    assert result.exit_code == 0, result.output
    [_, worker] = estimate_text(workload.read_text()).functions
    assert abs(worker.requests - 40) < Decimal("1e-15")  # 4 invocations in 73 h: 40 a month
    assert abs(worker.gb_seconds - Decimal(60700) / 1000 * 128 / 1024) < Decimal("1e-15")
    assert "per_day: 10k" not in workload.read_text()


def test_a_function_absent_from_the_workload_is_reported_not_added(tmp_path: Path) -> None:
    workload = tmp_path / "workload.yaml"
    workload.write_text(WORKLOAD)
    result = run(str(FIXTURES / "insights.csv"), "--window", "14d", "--into", str(workload), "-f", "json",
                 "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 0, result.output
    into = json.loads(result.stdout)["into"]
    assert into["not_in_workload"] == [] and into["not_in_usage"] == []
    assert [c["key"] for c in into["changes"] if c["function"] == "worker"][:2] == ["memory_mb", "duration_ms"]
    result = run(str(FIXTURES / "tabs.log"), "--function", "orders", "--window", "1d", "--into", str(workload),
                 "-f", "json", "-o", str(tmp_path / "out2.yaml"))
    into = json.loads(result.stdout)["into"]
    assert into["not_in_workload"] == ["orders"] and into["changes"] == []
    assert "orders" not in (tmp_path / "out2.yaml").read_text()


def test_into_needs_somewhere_to_write(tmp_path: Path) -> None:
    workload = tmp_path / "workload.yaml"
    workload.write_text(WORKLOAD)
    result = run(str(FIXTURES / "tabs.log"), "--function", "api", "--into", str(workload))
    assert result.exit_code == 2 and "-o calibrated.yaml, or --force" in result.stderr
    printed = run(str(FIXTURES / "tabs.log"), "--function", "api", "--into", str(workload), "-f", "yaml")
    assert printed.exit_code == 0 and "# we think" in printed.stdout
    assert workload.read_text() == WORKLOAD


def test_into_a_file_that_is_not_yaml_is_exit_2(tmp_path: Path) -> None:
    workload = tmp_path / "workload.yaml"
    workload.write_text("functions: [\n")
    result = run(str(FIXTURES / "tabs.log"), "--function", "api", "--into", str(workload), "-f", "yaml")
    assert result.exit_code == 2 and "workload.yaml:" in result.stderr and "Traceback" not in result.output
