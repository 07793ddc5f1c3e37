"""The compute and billing modes: their workload keys refused where wrong, the tables that predate them, and the
arithmetic that turns them into billing units (hand-computed, us-east-1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, function, item, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import PricingError, WorkloadError

MANAGED = {"instance_type": "m7g.xlarge", "instance_hours": 730}
DURABLE = {"operations_per_execution": 3}
TENANTS = {"environments_per_month": 1000}


def refused(fn: dict[str, Any], *, error: type[Exception] = WorkloadError, **options: Any) -> Any:
    with pytest.raises(error) as caught:
        estimate_text(workload_yaml(fn), **options)
    return caught.value.problems  # type: ignore[attr-defined]


# --- workload keys ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "config", "message"), [
    ("managed_instances", {"instance_type": "m7g.xlarge"}, "exactly one of instance_hours, concurrency_per_instance"),
    ("managed_instances", {**MANAGED, "concurrency_per_instance": 8}, "exactly one of instance_hours"),
    ("managed_instances", {**MANAGED, "discount": "0.5", "hourly_price": "0.1"}, "discount or hourly_price"),
    ("managed_instances", {**MANAGED, "minimum_instances": 2}, "minimum_instances goes with concurrency_per_instance"),
    ("managed_instances", {**MANAGED, "discount": 1}, "1 is too large: discount takes a number from 0, below 1"),
    ("tenant_isolation", {"tenants": 10}, "tenants and environments_per_tenant go together"),
    ("tenant_isolation", {**TENANTS, "environment_rate": "0.1"}, "exactly one of environments_per_month"),
    ("durable", {**DURABLE, "retention_days": 91}, "91 is too large: retention_days takes a whole number from 1 to 90"),
    ("durable", {}, "required key is missing"),
])
def test_a_mode_written_wrong_is_refused_where_it_is_written(mode: str, config: dict[str, Any], message: str) -> None:
    problems = refused(function("fn", **{mode: config}))
    assert any(message in problem.message for problem in problems), problems
    assert all(problem.path[:3] == ("functions", 0, mode) and problem.line for problem in problems)


@pytest.mark.parametrize(("mode", "config", "other"), [
    ("managed_instances", MANAGED, {"provisioned_concurrency": {"units": 1, "hours_per_month": 1}}),
    ("managed_instances", MANAGED, {"snapstart": True, "runtime": "java21"}),
    ("managed_instances", MANAGED, {"tenant_isolation": TENANTS}),
    ("tenant_isolation", TENANTS, {"versions": {"v1": {"provisioned_concurrency": {"units": 1, "hours_per_day": 2}}}}),
    ("durable", DURABLE, {"edge": {"trigger": "origin-request"}}),
])
def test_a_mode_and_what_it_excludes(mode: str, config: dict[str, Any], other: dict[str, Any]) -> None:
    problems = refused(function("fn", **{mode: config}, **other))
    assert any(problem.message.startswith(f"{mode.replace('_', ' ')} cannot be combined") and
               problem.path == ("functions", 0, mode) for problem in problems), problems


def test_a_bad_mode_exits_2_with_file_line_and_field() -> None:
    result = CliRunner().invoke(app, ["estimate", "-"], input=workload_yaml(
        function("fn", managed_instances={"instance_type": "m7g.xlarge", "instance_hours": 0})))
    assert result.exit_code == 2
    assert "<stdin>:" in result.output and "functions[0].managed_instances.instance_hours" in result.output
    assert "Traceback" not in result.output


# --- the tables that predate each mode ---------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "config", "as_of", "arrival"), [
    ("tenant_isolation", TENANTS, "2025-11-18", "2025-11-19"),
    ("managed_instances", MANAGED, "2025-11-29", "2025-11-30"),
    ("durable", DURABLE, "2025-12-01", "2025-12-02"),
])
def test_a_table_before_the_mode_refuses_it_naming_the_version_that_brought_it(
    mode: str, config: dict[str, Any], as_of: str, arrival: str
) -> None:
    import datetime as dt

    problems = refused(function("fn", **{mode: config}), error=PricingError, as_of=dt.date.fromisoformat(as_of))
    problem = next(p for p in problems if p.path[:3] == ("functions", 0, mode))
    assert "predates" in problem.message
    assert problem.hint is not None and f"it arrived with pricing version {arrival}" in problem.hint
    assert problem.line is not None


def test_an_instance_type_the_table_does_not_price_is_refused_with_the_types_it_has() -> None:
    problems = refused(function("fn", managed_instances={**MANAGED, "instance_type": "m7g.large"}), error=PricingError)
    assert "no EC2 price for instance type m7g.large in us-east-1" in problems[0].message
    assert "m7g.xlarge" in problems[0].hint and "pricing import" in problems[0].hint
    problems = refused(function("fn", region="eu-west-1", managed_instances=MANAGED), error=PricingError)
    assert "instance types priced there: none" in problems[0].hint


# --- arithmetic --------------------------------------------------------------------------------------------------


def test_managed_instances_bill_no_duration_no_storage_and_take_no_free_tier() -> None:
    fn = function("lmi", 4096, 100, ephemeral_storage_mb=2048, managed_instances=MANAGED)
    other = function("od", 1024, 100)
    estimate = estimate_text(workload_yaml(fn, other))
    lmi = next(f for f in estimate.functions if f.usage.function.name == "lmi")
    assert [i.component for i in lmi.line_items] == ["requests", "managed_instances_ec2", "managed_instances_fee"]
    # The other function takes the whole free tier: 1M requests, and 100,000 GB-s of its own.
    assert estimate.free_tier.requests_used == 1_000_000
    assert item(estimate, "od", "free_tier_requests").quantity == -1_000_000
    # 730 h × ($0.1632 + 15% of it) = 730 × $0.18768 = $137.0064, and 1M requests × $0.20/M.
    assert lmi.total == Decimal("137.2064")


def test_durable_replays_multiply_invocations_and_their_duration() -> None:
    """500k executions of 3 invocations each at 1 s and 512 MB: 1.5M requests, 750,000 GB-s; 3 operations each."""
    fn = function("flow", 512, 1000, durable={"invocations_per_execution": 3, "operations_per_execution": 3},
                  invocations=[{"type": "sync", "per_month": 500_000}])
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    priced = estimate.functions[0]
    assert priced.requests == 1_500_000
    assert priced.gb_seconds == 750_000
    assert item(estimate, "flow", "durable_operations").quantity == 1_500_000
    assert priced.usage.sources[0].volume == 500_000
    # No data written: no data lines.
    assert {i.component for i in priced.line_items}.isdisjoint({"durable_data_written", "durable_data_retained"})


def test_durable_retention_defaults_to_14_days() -> None:
    """1M executions × 1 MB, kept 0 + 14 days of 30 (10^6 KB a GB, as AWS's example counts)."""
    fn = function("flow", durable={"operations_per_execution": 1, "data_written_kb_per_execution": "1 MB"})
    retained = item(estimate_text(workload_yaml(fn)), "flow", "durable_data_retained")
    # 1 MB is 1,024 KB: 1,024 GB written × 14 / 30 = 477.8666...
    assert retained.quantity.quantize(Decimal("0.0001")) == Decimal("477.8667")


def test_tenant_isolation_is_charged_by_memory_and_architecture() -> None:
    """1,000 environments × 2 GB × $0.0001336 (arm64, derived as x86 × 0.8) = $0.2672."""
    fn = function("t", 2048, 100, architecture="arm64", tenant_isolation=TENANTS)
    line = item(estimate_text(workload_yaml(fn)), "t", "tenant_isolation")
    assert (line.quantity, line.unit_price, line.cost) == (2000, Decimal("0.0001336"), Decimal("0.2672000"))


def test_budgets_know_the_new_components() -> None:
    fn = function("lmi", managed_instances=MANAGED)
    estimate = estimate_text(workload_yaml(fn, budget={"components": {"managed_instances_fee": 10}}))
    assert estimate.budget is not None and estimate.budget.status == "over"


# --- Lambda MicroVMs ---------------------------------------------------------------------------------------------

MICROVM = {"name": "box", "launches_per_month": 10, "running_hours_per_launch": 1, "image_gb": 1}


def test_microvms_are_refused_before_their_table_and_outside_us_east_1() -> None:
    import datetime as dt

    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function("fn"), microvms=[MICROVM]), as_of=dt.date(2026, 6, 1))
    problem = caught.value.problems[0]
    assert problem.path == ("microvms", 0) and "predates Lambda MicroVMs" in problem.message
    assert problem.hint is not None and "2026-06-22" in problem.hint
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function("fn"), microvms=[{**MICROVM, "region": "eu-west-1"}]))
    problem = caught.value.problems[0]
    assert problem.path == ("microvms", 0, "region") and problem.hint == "regions priced: us-east-1"


def test_a_microvm_scales_to_four_times_its_baseline_at_most() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function("fn"), microvms=[{**MICROVM, "peak_memory_mb": 8193}]))
    assert caught.value.problems[0].path == ("microvms", 0, "peak_memory_mb")
    with pytest.raises(WorkloadError) as refused_:
        estimate_text(workload_yaml(function("fn"), microvms=[{**MICROVM, "peak_memory_mb": 1024}]))
    assert "at least memory_mb (2048)" in refused_.value.problems[0].message


def test_a_microvm_image_is_stored_a_week_at_least() -> None:
    """One 7 GB image kept 2 days is billed the 7-day minimum: 7 GB × 168 h / 720 h = 1.6333 GB-months."""
    estimate = estimate_text(workload_yaml(function("fn"), microvms=[{**MICROVM, "image_gb": 7, "image_days": 2}]))
    stored = item(estimate, "box", "microvm_snapshot_storage")
    assert stored.quantity.quantize(Decimal("0.0001")) == Decimal("1.6333")
    # 10 launches × 1 h × 3600 s at 1 vCPU and 2 GB; no peak, no suspends: no data written.
    assert item(estimate, "box", "microvm_vcpu").quantity == 36_000
    assert "microvm_snapshot_write" not in {i.component for f in estimate.functions for i in f.line_items}
