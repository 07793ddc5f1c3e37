"""`diff` of saved estimates no lambda-cost wrote: refused where the problem is, never an overflow or a crash."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "web-api.yaml")


@pytest.fixture(scope="module")
def estimate_json() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(runner.invoke(app, ["estimate", EXAMPLE, "-f", "json"]).stdout)
    return document


@pytest.fixture
def saved(estimate_json: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(estimate_json)


def diffed(tmp_path: Path, text: str, *options: str) -> Any:
    path = tmp_path / "base.json"
    path.write_text(text)
    result = runner.invoke(app, ["diff", str(path), EXAMPLE, *options])
    assert "internal error" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("amount", ["1e999999", "-1e999999", "1e-999999", "1e30", "NaN", "Infinity", "sNaN"])
@pytest.mark.parametrize("where", ["total", "cost", "related_total"])
def test_an_amount_out_of_range_is_refused_at_its_field(tmp_path: Path, saved: dict[str, Any], amount: str,
                                                        where: str) -> None:
    if where == "cost":
        saved["functions"][0]["line_items"][0]["cost"] = amount
        field = "functions[0].line_items[0].cost"
    else:
        saved[where] = amount
        field = where
    result = diffed(tmp_path, json.dumps(saved), "--max-increase", "10%")
    assert result.exit_code == 2, result.stderr
    assert f"base.json: {field}: " in result.stderr
    assert "out of range" in result.stderr or "not a finite" in result.stderr


def test_5000_digit_integers_are_refused_where_they_are(tmp_path: Path, saved: dict[str, Any]) -> None:
    text = json.dumps(saved).replace('"schema_version": 2', '"schema_version": 2, "n": ' + "7" * 5000, 1)
    result = diffed(tmp_path, text)
    assert result.exit_code == 2
    assert "base.json:1:" in result.stderr and "is too large" in result.stderr


def test_deep_json_is_refused_where_it_gets_too_deep(tmp_path: Path) -> None:
    result = diffed(tmp_path, '{"schema_version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert result.exit_code == 2
    assert "base.json:1:" in result.stderr and "nested more than 100 levels deep" in result.stderr


def test_a_diff_of_20000_functions_renders_as_a_table_in_seconds(tmp_path: Path, saved: dict[str, Any]) -> None:
    template = saved["functions"][0]
    saved["functions"] = [{**template, "name": f"fn{index}"} for index in range(20_000)]
    base = tmp_path / "base.json"
    base.write_text(json.dumps(saved))
    for function in saved["functions"][::2]:
        function["total"] = "1"
    head = tmp_path / "head.json"
    head.write_text(json.dumps(saved))
    started = time.perf_counter()
    result = runner.invoke(app, ["diff", str(base), str(head), "-f", "table"])
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started < 10
