"""Pricing: tiers shared per region and architecture, the one free tier, granularity, table limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import estimate_text, function, item, workload_yaml

from lambda_cost.errors import PricingError


def gbs_function(name: str, gb_seconds: int, **fields: object) -> dict[str, object]:
    """A 1024 MB function of 1 s attempts: its GB-s equal its requests."""
    return function(name, 1024, 1000, invocations=[{"type": "sync", "per_month": gb_seconds}], **fields)


def test_tiers_crossing_within_one_function() -> None:
    estimate = estimate_text(workload_yaml(gbs_function("big", 10_000_000_000)), free_tier=False)
    tier1 = item(estimate, "big", "duration_tier_1")
    tier2 = item(estimate, "big", "duration_tier_2")
    assert (tier1.quantity, tier1.cost) == (Decimal(6_000_000_000), Decimal("100000.2"))
    assert (tier2.quantity, tier2.cost) == (Decimal(4_000_000_000), Decimal("60000"))
    assert estimate.total == Decimal("162000.2")  # + 10B requests x $0.0000002 = $2,000


def test_tiers_reach_the_third_tier() -> None:
    estimate = estimate_text(workload_yaml(gbs_function("huge", 20_000_000_000)), free_tier=False)
    tier3 = item(estimate, "huge", "duration_tier_3")
    assert tier3.quantity == Decimal(5_000_000_000)
    assert tier3.cost == Decimal("66667")  # 5B x $0.0000133334


def test_tiers_are_shared_by_functions_of_one_region_and_architecture() -> None:
    workload = workload_yaml(gbs_function("a", 4_000_000_000), gbs_function("b", 4_000_000_000))
    estimate = estimate_text(workload, free_tier=False)
    # 8B GB-s together: 6B in tier 1, 2B in tier 2, shared half and half.
    for name in ("a", "b"):
        assert item(estimate, name, "duration_tier_1").quantity == Decimal(3_000_000_000)
        assert item(estimate, name, "duration_tier_2").quantity == Decimal(1_000_000_000)
        assert item(estimate, name, "duration_tier_2").cost == Decimal(15_000)


@pytest.mark.parametrize("other", [{"region": "eu-west-1"}, {"architecture": "arm64"}])
def test_tiers_are_separate_per_region_and_architecture(other: dict[str, str]) -> None:
    workload = workload_yaml(gbs_function("a", 4_000_000_000), gbs_function("b", 4_000_000_000, **other))
    estimate = estimate_text(workload, free_tier=False)
    for name in ("a", "b"):
        components = [i.component for i in estimate.functions[0 if name == "a" else 1].line_items]
        assert "duration_tier_2" not in components
        assert item(estimate, name, "duration_tier_1").quantity == Decimal(4_000_000_000)


def test_free_tier_is_shared_across_architectures() -> None:
    workload = workload_yaml(gbs_function("x86", 300_000), gbs_function("arm", 300_000, architecture="arm64"))
    estimate = estimate_text(workload)
    # 600,000 GB-s against one 400,000 allowance: 200,000 free of each architecture, credited at its own price;
    # the 600,000 requests are all free. Each function is gross.
    x86, arm = estimate.functions
    assert x86.total == Decimal("5.06001")  # 300,000 x $0.0000166667 + 300,000 requests x $0.20/1M
    assert arm.total == Decimal("4.06002")  # 300,000 x $0.0000133334 + $0.06
    credit = {(i.component, i.architecture): (i.quantity, i.cost) for i in estimate.free_tier.items}
    assert credit == {
        ("free_tier_duration", "x86_64"): (Decimal(-200_000), Decimal("-3.33334")),
        ("free_tier_duration", "arm64"): (Decimal(-200_000), Decimal("-2.66668")),
        ("free_tier_requests", "x86_64"): (Decimal(-300_000), Decimal("-0.06")),
        ("free_tier_requests", "arm64"): (Decimal(-300_000), Decimal("-0.06")),
    }
    assert estimate.free_tier.gb_seconds_used == Decimal(400_000)
    assert estimate.total == Decimal("3.00001")


def test_free_tier_is_shared_in_proportion() -> None:
    workload = workload_yaml(gbs_function("a", 600_000), gbs_function("b", 200_000))
    estimate = estimate_text(workload)
    # 800,000 GB-s of one region and architecture: one credit of the 400,000 free, whoever used them; each function
    # keeps its gross figure (the JSON's free_tier_share gives each its part in proportion, 3/4 and 1/4).
    (duration,) = [i for i in estimate.free_tier.items if i.component == "free_tier_duration"]
    assert duration.quantity == Decimal(-400_000)
    a, b = estimate.functions
    assert a.gb_seconds == Decimal(600_000) and b.gb_seconds == Decimal(200_000)


def test_free_tier_larger_than_usage_costs_nothing() -> None:
    estimate = estimate_text(workload_yaml(gbs_function("small", 1000)))
    assert estimate.total == 0
    assert estimate.free_tier.requests_used == Decimal(1000)


def test_free_tier_off_in_the_workload() -> None:
    estimate = estimate_text(workload_yaml(gbs_function("f", 1000), free_tier=False))
    assert estimate.total == Decimal("0.0168667")  # 1,000 x $0.0000002 + 1,000 x $0.0000166667
    assert not any(i.component.startswith("free_tier") for i in estimate.functions[0].line_items)


def test_billing_granularity_comes_from_the_table() -> None:
    fn = function("f", 512, 101, invocations=[{"type": "sync", "per_month": 1000}])
    old = estimate_text(workload_yaml(fn), pricing="2014-11-13", free_tier=False)
    new = estimate_text(workload_yaml(fn), free_tier=False)
    assert old.functions[0].gb_seconds == Decimal(100)  # 101 ms billed as 200 ms
    assert new.functions[0].gb_seconds == Decimal("50.5")  # billed as 101 ms


def test_fractional_durations_round_up_to_the_millisecond() -> None:
    fn = function("f", 1024, "100.2", invocations=[{"type": "sync", "per_month": 1000}])
    assert estimate_text(workload_yaml(fn)).functions[0].gb_seconds == Decimal(101)


def test_region_rates_differ() -> None:
    fn = gbs_function("f", 1_000_000, region="eu-central-2")
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    assert item(estimate, "f", "requests").unit_price == Decimal("0.00000022")
    assert item(estimate, "f", "duration_tier_1").unit_price == Decimal("0.0000183334")


def problem_text(error: pytest.ExceptionInfo[PricingError]) -> str:
    return "\n".join(p.render() for p in error.value.problems)


@pytest.mark.parametrize(
    ("fields", "field", "arrived"),
    [
        ({"architecture": "arm64"}, "architecture", "2021-09-29"),
        ({"ephemeral_storage_mb": 1024, "memory_mb": 512}, "ephemeral_storage_mb", "2022-03-24"),
        ({"memory_mb": 4096}, "memory_mb", "2020-12-01"),
        ({"memory_mb": 1000}, "memory_mb", "2020-12-01"),
    ],
)
def test_features_a_table_predates_are_errors(fields: dict[str, object], field: str, arrived: str) -> None:
    fn = function("f", **fields)  # type: ignore[arg-type]
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(fn), pricing="2014-11-13")
    assert caught.value.problems[0].dotted_path == f"functions[0].{field}"
    assert arrived in problem_text(caught)
    assert caught.value.problems[0].line is not None


def test_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function(), region="mars-north-1"))
    problem = caught.value.problems[0]
    assert "mars-north-1" in problem.message
    assert problem.hint is not None and "us-east-1" in problem.hint and "eu-west-1" in problem.hint


def test_unknown_version_lists_the_known_ones() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(function(), pricing="2019-01-01"))
    (problem,) = caught.value.problems
    assert problem.render().startswith("test.yaml:2:1: pricing: unknown pricing version '2019-01-01'")
    assert problem.hint is not None and "2014-11-13" in problem.hint and "2022-08-01" in problem.hint


def test_quantity_times_unit_price_is_the_cost() -> None:
    estimate = estimate_text(workload_yaml(gbs_function("a", 777_777), gbs_function("b", 333_333)))
    for priced in estimate.functions:
        for line in priced.line_items:
            assert line.quantity * line.unit_price == line.cost


def test_snapstart_on_a_runtime_version_it_does_not_run_on_is_refused() -> None:
    """SnapStart runs on python3.12 and newer (pricing/2024-11-18.yaml): python3.9 is refused, 3.13 priced."""
    old = function(runtime="python3.9", snapstart=True, invocations=[{"type": "sync", "per_month": 1000}])
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(old))
    (problem,) = caught.value.problems
    assert problem.message == "SnapStart does not run on python3.9: it needs python 3.12 or newer"
    assert problem.dotted_path == "functions[0].snapstart"
    for runtime in ("python3.13", "java21", "java11", "dotnet8", "nodejs22.x"):
        newer = function(runtime=runtime, snapstart=runtime != "nodejs22.x",
                         invocations=[{"type": "sync", "per_month": 1000}])
        assert estimate_text(workload_yaml(newer)).functions
