"""`lambda-cost calibrate` from the command line: the workload it writes validates and estimates, the formats,
standard input, folders, and exit code 2 for bad input or usage."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.usage.insights import QUERY

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"
runner = CliRunner()


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["calibrate", *args], input=stdin, env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_the_workload_written_validates_and_estimates(tmp_path: Path) -> None:
    out = tmp_path / "workload.yaml"
    result = run(str(FIXTURES / "errors.log"), str(FIXTURES / "cold-2025.log"), "--function", "api", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "wrote" in result.stderr
    assert "error_rate: 0.5 " in text
    assert "# 50%: 3 error or timeout statuses in 6 invocations, 2 of them timeouts" in text
    assert "# architecture: FILL-ME" in text and "- type: sync" in text
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    assert runner.invoke(app, ["estimate", str(out)]).exit_code == 0


def test_window_from_the_timestamps_is_said(tmp_path: Path) -> None:
    text = run(str(FIXTURES / "tabs.log"), "--function", "api").stdout
    assert "# Window: 72 h (timestamps 2025-09-01T12:00:00Z to 2025-09-04T12:00:03Z)" in text.replace(
        "72.0008", "72")


def test_json_measurements(tmp_path: Path) -> None:
    result = run(str(FIXTURES / "insights.csv"), "--window", "14d", "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["window"] == {"hours": "336", "source": "--window 14d"}
    api = document["functions"][0]
    assert (api["name"], api["invocations"], api["duration_ms"], api["memory_mb"]) == ("api", "1000000", "27.5", 128)
    assert api["max_memory_used_mb"] == {"p50": "70", "p99": "90", "max": "120"}
    assert api["right_sizing"] is None  # 90 MB / 0.8 = 112.5 MB: below Lambda's 128 MB, which it has already
    worker = document["functions"][1]
    assert worker["right_sizing"]["memory_mb"] == 500 and worker["right_sizing"]["monthly_saving"] is not None
    assert worker["error_rate"] is None and worker["error_source"].startswith("unknown")


def test_table_for_people() -> None:
    result = run(str(FIXTURES / "metric-data.json"), str(FIXTURES / "tabs.log"), "--function", "web", "-f", "table")
    assert result.exit_code == 0, result.output
    assert "function" in result.stdout and "api" in result.stdout and "web" in result.stdout


def test_metrics_alone_leave_memory_to_fill_in(tmp_path: Path) -> None:
    out = tmp_path / "w.yaml"
    assert run(str(FIXTURES / "metric-data.json"), "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert "memory_mb: FILL-ME" in text and "\n    durations_billed: true" not in text  # Duration is not billed
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 2 and "memory_mb: placeholder not filled" in checked.output


def test_print_query() -> None:
    result = run("--print-query")
    assert result.exit_code == 0 and result.stdout == QUERY


def test_standard_input_and_folders(tmp_path: Path) -> None:
    piped = run("-", "--function", "api", "--window", "1d", stdin=(FIXTURES / "tabs.log").read_text())
    assert piped.exit_code == 0 and "per_month: 121.6666666666666666666666667" in piped.stdout
    folder = tmp_path / "logs" / "aws" / "lambda" / "api" / "2025"
    folder.mkdir(parents=True)
    (folder / "a.gz").write_bytes(gzip.compress((FIXTURES / "tabs.log").read_bytes()))
    (folder / "b").write_bytes((FIXTURES / "spaces.log").read_bytes())
    result = run(str(tmp_path / "logs"), "--window", "1d", "-f", "json")
    assert result.exit_code == 0, result.output
    [api] = json.loads(result.stdout)["functions"]
    assert (api["name"], api["invocations"]) == ("api", "6")


def test_bad_input_and_usage_exit_2() -> None:
    anonymous = run(str(FIXTURES / "tabs.log"))
    assert anonymous.exit_code == 2 and "give --function NAME" in anonymous.stderr
    nothing = run()
    assert nothing.exit_code == 2 and "--print-query" in nothing.stderr
    no_window = run(str(FIXTURES / "metric-statistics.json"), "--function", "api", "-f", "json")
    assert no_window.exit_code == 0  # seven daily datapoints: the window is their span
    single = run("-", "--function", "api", stdin=(FIXTURES / "tabs.log").read_text().splitlines()[3] + "\n")
    assert single.exit_code == 2 and "give --window" in single.stderr
    missing = run(str(FIXTURES / "insights-missing.csv"))
    assert missing.exit_code == 2 and "insights-missing.csv:1: missing column" in missing.stderr
    assert "Traceback" not in missing.output


def test_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "w.yaml"
    out.write_text("mine")
    result = run(str(FIXTURES / "tabs.log"), "--function", "api", "-o", str(out))
    assert result.exit_code == 2 and out.read_text() == "mine"
    assert run(str(FIXTURES / "tabs.log"), "--function", "api", "-o", str(out), "--force").exit_code == 0


def test_figures_no_workload_takes_are_refused_as_problems_of_the_input(tmp_path: Path) -> None:
    """A damaged export (a Billed Duration of 10^18 ms) made a draft that failed to validate under the name
    `calibrated`, which is no file of the user's: the refusal names the input, the function and the key."""
    events = tmp_path / "telemetry.json"
    events.write_text('[{"time": "2025-09-01T00:00:00.200Z", "type": "platform.report", "record": {"metrics": '
                      '{"durationMs": 26.73, "billedDurationMs": 1000000000000000000, "memorySizeMB": 128}, '
                      '"status": "success"}}]')
    result = run(str(events), "--function", "fn", "--window", "14d", "-f", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[:2] == [
        f"error: {events}: what was measured does not make a workload lambda-cost can price",
        f"  {events}: fn.duration_ms: 1000000000000000000 is too large: duration_ms takes a number above 0, at "
        "most 900000 (mean duration of a successful attempt; for example duration_ms: 120)",
    ]
