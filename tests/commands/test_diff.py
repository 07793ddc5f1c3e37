"""lambda-cost diff: changed, added and removed functions, a pricing change, gates, saved estimates, formats."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.numbers import ARITHMETIC
from lambda_cost.stages.diff import compare, load_snapshot
from lambda_cost.tables.catalog import TableCatalog

BASE = "examples/web-api.yaml"
HEAD = "tests/fixtures/web-api-head.yaml"
GOLDEN = ROOT / "tests" / "golden"
runner = CliRunner()


@pytest.fixture(autouse=True)
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def diff(*args: str) -> Any:
    return runner.invoke(app, ["diff", *args])


def test_changed_added_and_removed_functions() -> None:
    catalog = TableCatalog()
    report = compare(load_snapshot(BASE, pricing=None, catalog=catalog),
                     load_snapshot(HEAD, pricing=None, catalog=catalog))
    statuses = {f.total.name: f.status for f in report.functions}
    # orders-worker did not change: the free tier moves as one account row, not through every function
    assert statuses == {"api": "changed", "orders-worker": "unchanged", "nightly-report": "added",
                        "thumbnails": "removed", "(free tier)": "changed"}
    removed = next(f for f in report.functions if f.status == "removed")
    assert removed.total.head == 0 and removed.total.change.copy_negate() == removed.total.base
    added = next(f for f in report.functions if f.status == "added")
    assert added.total.percent is None
    assert report.total.change == ARITHMETIC.subtract(report.head.total, report.base.total)


def classic(write: Any) -> str:
    return write("classic.yaml", workload_yaml({
        "name": "classic", "memory_mb": 512, "duration_ms": 1000,
        "invocations": [{"type": "sync", "per_month": 3_000_000}]}))


def test_a_pricing_change_alone(write: Any) -> None:
    path = classic(write)
    result = diff(path, path, "--base-pricing", "2014-11-13", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    # $18.737 at the 2014 rate, $18.73337 today: 1.1M billable GB-s x ($0.0000166667 - $0.00001667).
    assert document["total"] == {"base": "18.737", "head": "18.73337", "change": "-0.00363",
                                 "percent": document["total"]["percent"]}
    assert Decimal(document["total"]["percent"]).quantize(Decimal("0.0001")) == Decimal("-0.0194")
    latest = TableCatalog().versions[-1]
    assert (document["base"]["pricing_version"], document["head"]["pricing_version"]) == ("2014-11-13", latest)


@pytest.mark.parametrize(("limit", "code"), [("50", 1), ("$200", 0), ("10%", 1), ("2000%", 0)])
def test_max_increase_gates(limit: str, code: int) -> None:
    # From the head fixture back to the example is a rise of $177.34 on $10.99 (+1,614%).
    result = diff(HEAD, BASE, "--max-increase", limit)
    assert result.exit_code == code
    if code:
        shown = "$50.00" if limit == "50" else limit
        assert f"over the gate: the total rises by $177.34, more than --max-increase {shown}" in result.stderr


def test_gate_passes_on_a_fall() -> None:
    result = diff(BASE, HEAD, "--max-increase", "0")
    assert result.exit_code == 0
    assert "pass: within the limit of $0.00" in result.stdout


def test_bad_gate_is_a_usage_error() -> None:
    result = diff(BASE, HEAD, "--max-increase", "a lot")
    assert result.exit_code == 2
    assert "--max-increase takes US dollars (50) or a percentage" in result.stderr


def test_saved_json_estimates(tmp_path: Path) -> None:
    saved = tmp_path / "base.json"
    saved.write_text(runner.invoke(app, ["estimate", BASE, "-f", "json"]).stdout)
    from_json = json.loads(diff(str(saved), HEAD, "-f", "json").stdout)
    from_yaml = json.loads(diff(BASE, HEAD, "-f", "json").stdout)
    assert from_json["total"] == from_yaml["total"]
    assert from_json["functions"] == from_yaml["functions"]
    refused = diff(str(saved), HEAD, "--base-pricing", "2020-12-01")
    assert refused.exit_code == 2 and "cannot be repriced" in refused.stderr


def test_damaged_saved_estimate(tmp_path: Path) -> None:
    saved = tmp_path / "base.json"
    saved.write_text('{"schema_version": 1, "total": "1", "functions": [{"name": "x"}]}')
    result = diff(str(saved), HEAD)
    assert result.exit_code == 2
    assert "not a lambda-cost JSON estimate" in result.stderr


@pytest.mark.parametrize(("fmt", "suffix"), [("table", "txt"), ("markdown", "md"), ("csv", "csv"), ("json", "json")])
def test_golden(fmt: str, suffix: str, golden: Any) -> None:
    result = diff(BASE, HEAD, "--format", fmt, "--max-increase", "10%", "--color", "never")
    assert result.exit_code == 0
    golden(f"diff.{suffix}", result.stdout)


def test_output_file_is_written_and_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "cost.md"
    assert diff(BASE, HEAD, "-f", "markdown", "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("### Lambda cost change:")
    again = diff(BASE, HEAD, "-f", "markdown", "-o", str(target))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert diff(BASE, HEAD, "-f", "markdown", "-o", str(target), "--force").exit_code == 0


def test_internal_error_exits_3_never_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import lambda_cost.stages.gate

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lambda_cost.stages.gate, "increase_gate", broken)
    result = diff(BASE, HEAD, "--max-increase", "1")
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr


def test_an_account_of_several_files_is_compared_through_saved_estimates(tmp_path: Path) -> None:
    # As the README says: estimate the files to JSON on each side, then diff the two saved estimates. The head
    # side is checked out elsewhere under the same file names, as in CI, so the prefixes match.
    head_dir = tmp_path / "head"
    head_dir.mkdir()
    (head_dir / "web-api.yaml").write_text((ROOT / HEAD).read_text())
    (head_dir / "event-pipeline.yaml").write_text((ROOT / "examples/event-pipeline.yaml").read_text())
    base_json, head_json = tmp_path / "base.json", tmp_path / "head.json"
    sides = (([BASE, "examples/event-pipeline.yaml"], base_json, 0),
             ([str(head_dir / "web-api.yaml"), str(head_dir / "event-pipeline.yaml")], head_json, 1))
    for files, out, code in sides:
        result = runner.invoke(app, ["estimate", *files, "-f", "json", "-o", str(out)])
        # The head breaks a per-function budget of web-api's (exit 1); the report is written all the same.
        assert result.exit_code == code, result.stderr
    result = diff(str(base_json), str(head_json), "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    statuses = {f["name"]: f["status"] for f in document["functions"]}
    assert statuses == {
        "web-api/api": "changed", "web-api/orders-worker": "unchanged", "web-api/nightly-report": "added",
        "web-api/thumbnails": "removed",
        # An unchanged file does not move: the account's one free tier is its own row.
        "event-pipeline/clickstream": "unchanged", "event-pipeline/table-sync": "unchanged",
        "event-pipeline/billing-queue": "unchanged", "event-pipeline/ledger-events": "unchanged",
        "(free tier)": "changed",
    }
    base_total = Decimal(json.loads(base_json.read_text())["grand_total"])
    head_total = Decimal(json.loads(head_json.read_text())["grand_total"])
    assert Decimal(document["total"]["change"]) == ARITHMETIC.subtract(head_total, base_total)
