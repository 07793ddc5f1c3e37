"""Small things people notice: plurals, prices in dollars and cents, sensible digits, where a file was written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import ROOT, estimate_text, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.numbers import counted, significant
from lambda_cost.render import RenderOptions, render

runner = CliRunner()


def test_counted_nouns_are_singular_for_one() -> None:
    assert [counted(1, "combination"), counted(2, "combination"), counted(Decimal("1.5"), "batch", "batches"),
            counted(1, "batch", "batches")] == ["1 combination", "2 combinations", "1.5 batches", "1 batch"]


def test_compare_of_one_combination_says_one(write: Any) -> None:
    path = write("w.yaml", workload_yaml(function()))
    result = runner.invoke(app, ["compare", path, "--vary", "memory_mb=2048", "--no-chart"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"lambda-cost compare: {path} (1 combination)"


def test_pricing_diff_of_one_change_says_one(tmp_path: Path) -> None:
    (tmp_path / "half.yaml").write_text("version: half\neffective: 2023-01-01\nextends: '2022-08-01'\nsummary: half\n"
                                        "sources: []\nscale: {requests: 0.5}\n")
    result = runner.invoke(app, ["pricing", "diff", "2022-08-01", "half", "--region", "us-east-1",
                                 "--pricing-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert "2022-08-01 → half: 1 change\n" in result.stdout


def test_explain_says_one_unit_and_one_cold_start() -> None:
    fn = function(runtime="python3.12", init_duration_ms=100, cold_starts_per_month=1,
                  provisioned_concurrency={"units": 1, "hours_per_month": 730})
    text = render("estimate", "table", estimate_text(workload_yaml(fn)), RenderOptions(explain=True))
    flat = " ".join(text.split())
    assert "1 unit configured 100% of the month" in flat and "(1 cold start ×" in flat


def test_every_unit_price_shows_at_least_cents() -> None:
    fn = function(log_bytes_per_invocation=1000)
    text = render("estimate", "table", estimate_text(workload_yaml(fn, free_tier=False)), RenderOptions())
    logs = next(line for line in text.splitlines() if "CloudWatch Logs ingestion" in line)
    assert "$0.50 " in logs and "$0.5 " not in logs


def test_diff_csv_percentages_have_ten_significant_digits(monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["diff", "examples/web-api.yaml", "tests/fixtures/web-api-head.yaml", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    percents = [row["percent"] for row in csv.DictReader(io.StringIO(result.stdout)) if row["percent"]]
    assert percents and all(len(p.lstrip("-").replace(".", "").lstrip("0")) <= 10 for p in percents), percents
    assert significant(Decimal("-0.915406988340378305412124993168")) == "-0.9154069883"
    assert significant(Decimal(50)) == "50"


def test_schema_to_a_file_says_where_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", f"wrote {out}\n")
    assert out.read_text().startswith("{")
