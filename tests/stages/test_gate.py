"""Budgets: each kind over and under, the warning threshold, --budget, validation, exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import WorkloadError
from lambda_cost.model.priced import component_group

runner = CliRunner()


def fn(name: str, gb_seconds: int) -> dict[str, Any]:
    """A 1024 MB function of 1 s attempts: with the free tier off it costs gb_seconds × $0.0000168667."""
    return {"name": name, "memory_mb": 1024, "duration_ms": 1000,
            "invocations": [{"type": "sync", "per_month": gb_seconds}]}


# a: 1,000,000 GB-s and requests = $16.6667 + $0.20 = $16.8667; b: 100,000 = $1.68667. Total $18.55337.
FUNCTIONS = (fn("a", 1_000_000), fn("b", 100_000))


def checks(limits: dict[str, Any], **options: Any) -> dict[str, tuple[str, Decimal, Decimal]]:
    estimate = estimate_text(workload_yaml(*FUNCTIONS, free_tier=False, budget=limits), **options)
    assert estimate.total == Decimal("18.55337")
    assert estimate.budget is not None
    return {f"{c.scope}:{c.name}": (c.status, c.actual, c.headroom) for c in estimate.budget.checks}


def test_total_under_over_and_near() -> None:
    assert checks({"total": 100})["total:"] == ("ok", Decimal("18.55337"), Decimal("81.44663"))
    assert checks({"total": 18})["total:"][0] == "over"
    assert checks({"total": 20})["total:"][0] == "warning"  # 92.8% of 20 is past the default 80%
    assert checks({"total": 20, "warn_at": "95%"})["total:"][0] == "ok"
    assert checks({"total": 20, "warn_at": 0.9})["total:"][0] == "warning"


def test_function_budgets() -> None:
    result = checks({"functions": {"a": 16, "b": {"total": 5}}})
    assert result["function:a"] == ("over", Decimal("16.8667"), Decimal("-0.8667"))
    assert result["function:b"][0] == "ok"


def test_component_budgets_net_of_the_free_tier() -> None:
    result = checks({"components": {"requests": "0.2", "duration": 20}})
    assert result["component:requests"] == ("over", Decimal("0.22"), Decimal("-0.02"))
    assert result["component:duration"][1] == Decimal("18.33337")
    result = checks({"functions": {"a": {"components": {"duration": "16.6667"}}}})
    assert result["function_component:a.duration"][0] == "warning"  # exactly at its limit is not over


def test_command_line_budget_replaces_the_total() -> None:
    result = checks({"total": 100}, budget=Decimal(10))
    assert result["total:"][0] == "over"


def test_component_groups() -> None:
    assert component_group("duration_tier_2") == "duration"
    assert component_group("free_tier_duration") == "duration"
    assert component_group("free_tier_requests") == "requests"
    assert component_group("ephemeral_storage") == "ephemeral_storage"


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({"functions": {"aa": 5}}, "did you mean 'a'?"),
        ({"components": {"duraton": 5}}, "did you mean 'duration'?"),
        ({"total": -1}, "-1 is too small: total takes a number of at least 0"),
        ({"warn_at": "120%"}, "'120%' is too large: warn_at takes a number above 0, at most 1"),
    ],
)
def test_bad_budgets_are_located_errors(budget: dict[str, Any], message: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(*FUNCTIONS, budget=budget))
    rendered = [p.render() for p in caught.value.problems]
    assert any(message in line and line.startswith("test.yaml:") for line in rendered), rendered


def cli(write: Any, budget: dict[str, Any], *args: str) -> Any:
    path = write("w.yaml", workload_yaml(*FUNCTIONS, free_tier=False, budget=budget))
    return runner.invoke(app, ["estimate", path, *args])


def test_exit_1_over_budget_names_the_budget_and_drivers(write: Any) -> None:
    result = cli(write, {"total": 10}, "--format", "json")
    assert result.exit_code == 1
    assert "over budget: monthly total is $18.55, $8.55 over its limit of $10.00; largest: a $16.87, b $1.69" \
        in result.stderr
    document = json.loads(result.stdout)
    assert document["budget"]["status"] == "over"
    assert document["budget"]["checks"][0]["headroom"] == "-8.55337"


def test_exit_0_with_a_warning_near_budget(write: Any) -> None:
    result = cli(write, {"total": 20})
    assert result.exit_code == 0
    assert "near budget: monthly total is $18.55, 93% of its limit of $20.00" in result.stderr


def test_budget_flag(write: Any) -> None:
    assert cli(write, {"total": 100}, "--budget", "5").exit_code == 1
    assert cli(write, {"total": 1}, "--budget", "$1,000").exit_code == 0
    bad = cli(write, {}, "--budget", "lots")
    assert bad.exit_code == 2 and "--budget takes US dollars" in bad.stderr


def test_no_budget_no_section(write: Any) -> None:
    path = write("w.yaml", workload_yaml(*FUNCTIONS))
    document = json.loads(runner.invoke(app, ["estimate", path, "-f", "json"]).stdout)
    assert document["budget"] is None


def versioned(**top: Any) -> str:
    """`api` with two versions behind a 90/10 alias: rows api:v3 ($15.18) and api:v4 ($3.35), free tier off."""
    api = {"name": "api", "memory_mb": 1024, "duration_ms": 1000,
           "versions": {"v3": {}, "v4": {"memory_mb": 2048}}, "aliases": {"live": {"v3": "90%", "v4": "10%"}},
           "invocations": [{"type": "sync", "per_month": 1_000_000, "target": "live"}]}
    return workload_yaml(api, fn("b", 100_000), free_tier=False, **top)


def test_a_function_budget_covers_every_version_of_the_function() -> None:
    estimate = estimate_text(versioned(budget={"total": 100, "functions": {"api": {
        "total": 18, "components": {"requests": 1}}}, "components": {"duration": 100}}))
    rows = {f.usage.function.label: f.total for f in estimate.functions}
    assert set(rows) == {"api:v3", "api:v4", "b"}
    api = rows["api:v3"] + rows["api:v4"]
    assert estimate.budget is not None
    found = {f"{c.scope}:{c.name}": c for c in estimate.budget.checks}
    assert found["function:api"].actual == api and found["function:api"].status == "over"
    assert found["function_component:api.requests"].actual == Decimal("0.2")
    assert found["component:duration"].actual == estimate.total - Decimal("0.22")  # every row's duration
    # The total's drivers name each row, none lost to another of the same function.
    assert dict(found["total:"].drivers) == {"api:v3": rows["api:v3"], "api:v4": rows["api:v4"], "b": rows["b"]}


def test_a_function_budget_over_by_its_versions_exits_1(write: Any) -> None:
    path = write("w.yaml", versioned(budget={"functions": {"api": 18}}))
    result = runner.invoke(app, ["estimate", path, "-f", "json"])
    assert result.exit_code == 1
    assert "over budget: function api is $18.5" in result.stderr


def test_each_file_warns_at_its_own_share(write: Any) -> None:
    # a.yaml warns at 99%, b.yaml at the default 80%: b's function at 91% of its limit is near it, said so.
    a = write("a.yaml", workload_yaml(fn("a", 1000), free_tier=False, budget={"warn_at": "99%", "total": 1000}))
    b = write("b.yaml", workload_yaml(*FUNCTIONS, free_tier=False, budget={"functions": {"b": "1.85"}}))
    result = runner.invoke(app, ["estimate", a, b, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "near budget: function b/b is $1.69, 91% of its limit of $1.85 (warning at 80%)" in result.stderr
