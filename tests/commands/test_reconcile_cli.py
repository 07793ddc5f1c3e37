"""reconcile on the command line: formats, streams, files, exit codes, the Athena query, lazy DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ONE_FUNCTION, bill_lines, estimate_text, write_cur_csv
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.tables.catalog import TableCatalog

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    workload = tmp_path / "w.yaml"
    workload.write_text(ONE_FUNCTION)
    bill = write_cur_csv(tmp_path / "cur.csv", bill_lines(estimate_text(ONE_FUNCTION)))
    return str(workload), str(bill)


def test_the_table(files: tuple[str, str]) -> None:
    workload, bill = files
    result = runner.invoke(app, ["reconcile", workload, "--bill", bill, "--max-gap", "1%"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    newest = TableCatalog().versions[-1]
    assert lines[0] == (f"lambda-cost reconcile: {workload} (pricing {newest}) against the bill of 2026-10: Cost "
                        "and Usage Report (legacy CUR), CSV, 1 file, 6 line items")
    assert lines[1] == "Cost"
    assert "  us-east-1   requests           $0.20       $0.20   $0.00    0.0%" in lines
    assert "  us-east-1   duration_x86_64    $1.67       $1.67   $0.00    0.0%" in lines
    assert "  Total                          $1.87       $1.87   $0.00    0.0%" in lines
    assert "Usage" in lines
    assert "  us-east-1   duration_x86_64     100,000     100,000     0   GB-s" in lines
    assert lines[-1] == "pass: the gap of the total, $0.00, is within --max-gap 1%"


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_machine_formats_are_deterministic_and_alone_on_stdout(files: tuple[str, str], fmt: str) -> None:
    workload, bill = files
    first = subprocess.run([sys.executable, "-m", "lambda_cost", "reconcile", workload, "--bill", bill, "-f", fmt],
                           capture_output=True, text=True, timeout=60)
    second = subprocess.run([sys.executable, "-m", "lambda_cost", "reconcile", workload, "--bill", bill, "-f", fmt],
                            capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout
    if fmt == "json":
        document = json.loads(first.stdout)
        assert (document["schema_version"], document["kind"], document["total"]["gap"]) == (1, "reconcile", "0")
    elif fmt == "csv":
        assert first.stdout.startswith("region,function,component,unit,billed_quantity,billed_cost,")
    else:
        assert first.stdout.startswith("### Lambda bill of 2026-10 against the estimate: $0.00 (0.0%)\n")


def test_over_the_gate_exits_1(files: tuple[str, str], tmp_path: Path) -> None:
    _, bill = files
    doubled = tmp_path / "doubled.yaml"
    doubled.write_text(ONE_FUNCTION.replace("1M", "2M"))  # the estimate says twice what was billed
    result = runner.invoke(app, ["reconcile", str(doubled), "--bill", bill, "--max-gap", "requests=$0.10"])
    assert result.exit_code == 1
    assert result.stderr == ("over the gate: component requests is billed $0.20 against $0.40 estimated, a gap of "
                             "-$0.20 (-50%), beyond --max-gap requests=$0.10\n")
    assert "FAIL: the gap of requests, -$0.20, exceeds --max-gap requests=$0.10" in result.stdout


def test_output_file(files: tuple[str, str], tmp_path: Path) -> None:
    workload, bill = files
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["reconcile", workload, "--bill", bill, "-f", "json", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr == f"wrote {out}\n"
    assert json.loads(out.read_text())["kind"] == "reconcile"
    again = runner.invoke(app, ["reconcile", workload, "--bill", bill, "-f", "json", "-o", str(out)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert runner.invoke(app, ["reconcile", workload, "--bill", bill, "-o", str(out), "--force"]).exit_code == 0


def test_print_query_athena(tmp_path: Path) -> None:
    result = runner.invoke(app, ["reconcile", "--print-query", "athena", "--month", "2026-10"])
    assert result.exit_code == 0
    assert result.stdout.startswith("-- lambda-cost reconcile: AWS Lambda's line items of a CUR 2.0 table")
    assert "= '2026-10'" in result.stdout
    assert runner.invoke(app, ["reconcile", "--print-query", "bigquery"]).exit_code == 2


@pytest.mark.parametrize(("args", "message"), [
    (["reconcile"], "error: reconcile needs a workload or a saved estimate, and --bill\n"),
    (["reconcile", "w.yaml"], "error: reconcile needs the bill: --bill FILE, DIRECTORY or GLOB (repeatable)\n"),
])
def test_what_is_missing_is_said(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_duckdb_is_imported_by_reconcile_alone(files: tuple[str, str]) -> None:
    workload, bill = files
    probe = ("import sys; from typer.testing import CliRunner; from lambda_cost.cli import app; "
             "r = CliRunner().invoke(app, sys.argv[1:]); print(r.exit_code, 'duckdb' in sys.modules)")
    estimate = subprocess.run([sys.executable, "-c", probe, "estimate", workload], capture_output=True, text=True,
                              timeout=60)
    assert estimate.stdout.split() == ["0", "False"]
    reconcile = subprocess.run([sys.executable, "-c", probe, "reconcile", workload, "--bill", bill],
                               capture_output=True, text=True, timeout=60)
    assert reconcile.stdout.split()[-2:] == ["0", "True"]
