"""`diff` in CI flows: versions, related charges, saved estimates, hostile names in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()


def versioned(v4_memory: int) -> str:
    api = {"name": "api", "memory_mb": 1024, "duration_ms": 1000,
           "versions": {"v3": {}, "v4": {"memory_mb": v4_memory}}, "aliases": {"live": {"v3": "90%", "v4": "10%"}},
           "invocations": [{"type": "sync", "per_month": 1_000_000, "target": "live"}]}
    return workload_yaml(api, free_tier=False)


def run_diff(*args: str) -> Any:
    return runner.invoke(app, ["diff", *args])


def test_versions_are_compared_row_by_row(write: Any) -> None:
    base, head = write("base.yaml", versioned(2048)), write("head.yaml", versioned(4096))
    result = run_diff(base, head, "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {f["name"]: f for f in json.loads(result.stdout)["functions"]}
    assert set(rows) == {"api:v3", "api:v4"}
    assert rows["api:v3"]["status"] == "unchanged"
    assert rows["api:v4"]["status"] == "changed" and rows["api:v4"]["change"] == "3.33334"


def test_a_saved_estimate_with_versions_equals_its_workload(write: Any, tmp_path: Path) -> None:
    base = write("base.yaml", versioned(2048))
    saved = tmp_path / "base.json"
    saved.write_text(runner.invoke(app, ["estimate", base, "-f", "json"]).stdout)
    document = json.loads(run_diff(str(saved), base, "-f", "json").stdout)
    assert {f["name"]: f["status"] for f in document["functions"]} == {"api:v3": "unchanged",
                                                                       "api:v4": "unchanged"}



def with_logs(log_bytes: int | None) -> str:
    worker = {"name": "worker", "memory_mb": 512, "duration_ms": 100,
              "invocations": [{"type": "async", "per_month": 1_000_000, "error_rate": 0.5, "dead_letter": "sqs"}]}
    if log_bytes is not None:
        worker["log_bytes_per_invocation"] = log_bytes
    return workload_yaml(worker)


def test_related_charges_count_in_the_diff_and_its_gate(write: Any, tmp_path: Path) -> None:
    # 1,750,000 invocations x 100 kB of logs = 162.98 GB at $0.50: $81.49 a month more, all of it CloudWatch.
    base, head = write("base.yaml", with_logs(None)), write("head.yaml", with_logs(100_000))
    result = run_diff(base, head, "-f", "json", "--max-increase", "1")
    assert result.exit_code == 1, result.stdout
    document = json.loads(result.stdout)
    (worker,) = [row for row in document["functions"] if row["name"] != "(free tier)"]
    assert worker["status"] == "changed"
    components = {c["component"]: c for c in worker["components"]}
    assert components["cloudwatch_logs_ingestion"]["base"] == "0"
    assert components["dead_letter_sqs_requests"]["change"] == "0"
    assert f"{float(document['total']['change']):.2f}" == "81.49"
    # A saved estimate carries its related charges too.
    saved = tmp_path / "head.json"
    saved.write_text(runner.invoke(app, ["estimate", head, "-f", "json"]).stdout)
    assert json.loads(run_diff(base, str(saved), "-f", "json").stdout)["total"] == document["total"]


def test_standard_input_twice_is_refused_clearly() -> None:
    result = runner.invoke(app, ["diff", "-", "-"], input="version: 1\n")
    assert result.exit_code == 2
    assert "standard input (-) is given more than once" in result.stderr


def test_a_saved_estimate_given_as_a_workload_is_named_as_such(write: Any, tmp_path: Path) -> None:
    base = write("base.yaml", versioned(2048))
    saved = tmp_path / "saved.json"
    saved.write_text(runner.invoke(app, ["estimate", base, "-f", "json"]).stdout)
    for command in ("estimate", "validate"):
        result = runner.invoke(app, [command, str(saved)])
        assert result.exit_code == 2
        assert "a saved lambda-cost report (schema_version 2), not a workload" in result.stderr
        assert len(result.stderr.splitlines()) <= 3, result.stderr  # not one unknown key per field


def test_a_diff_report_given_to_diff_is_named_as_such(write: Any, tmp_path: Path) -> None:
    base = write("base.yaml", versioned(2048))
    report = tmp_path / "diff.json"
    report.write_text(run_diff(base, base, "-f", "json").stdout)
    result = run_diff(str(report), base)
    assert result.exit_code == 2
    assert "is a lambda-cost JSON report but not an estimate" in result.stderr
    assert len(result.stderr.splitlines()) <= 3 and "diff.json:3:3: kind:" in result.stderr, result.stderr
