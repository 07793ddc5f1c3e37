"""AWS's worked examples of the compute and billing modes, priced end to end: Managed Instances, durable functions,
tenant isolation. Expected figures are AWS's own, quoted in each docstring, or hand arithmetic shown beside them.

Source: the AWS Lambda pricing page (https://aws.amazon.com/lambda/pricing/), sections "Lambda Managed Instances",
"Lambda Durable Functions Pricing" and "Tenant Isolation Pricing", read in a public copy that names its source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conftest import cents, estimate_text, function, item, workload_yaml

from lambda_cost.model.estimate import Estimate


def _cost(estimate: Estimate, *components: str) -> Decimal:
    return sum((i.cost for f in estimate.functions for i in f.line_items if i.component in components), Decimal(0))


def _managed_api(**managed: Any) -> Estimate:
    """AWS's Managed Instances example: 100M requests a month of 200 ms on m7g.xlarge (4 vCPU, 16 GB, Graviton3)."""
    config = {"instance_type": "m7g.xlarge", **managed}
    api = function("api", 2048, 200, architecture="arm64", managed_instances=config,
                   invocations=[{"type": "sync", "per_month": 100_000_000}])
    return estimate_text(workload_yaml(api))


def test_managed_instances_example_at_the_hourly_price_aws_uses() -> None:
    """AWS: requests 100M / 1M × $0.20 = $20; m7g.xlarge $0.1632 an hour on demand, $0.0457 with a 3-year Compute
    Savings Plan (72%), ~2,000 instance-hours: 2,000 × $0.0457 = $91.40; management fee $0.1632 × 0.15 = $0.02448
    an hour × 2,000 = $48.96; total $20 + $91.40 + $48.96 = $160.36. The free tier is not deducted."""
    estimate = _managed_api(instance_hours=2000, hourly_price="0.0457")
    assert _cost(estimate, "requests") == Decimal("20.00")
    assert _cost(estimate, "managed_instances_ec2") == Decimal("91.4000")
    assert _cost(estimate, "managed_instances_fee") == Decimal("48.96000")
    assert estimate.total == Decimal("160.36")  # exactly: every part is whole cents
    assert not _cost(estimate, "free_tier_requests", "free_tier_duration")


def test_managed_instances_example_from_the_discount_differs_by_aws_rounding_of_the_hourly_price() -> None:
    """With the discount itself, 72% off $0.1632 is $0.045696 an hour, not the $0.0457 AWS shows (it rounds the
    rate to four places before multiplying): 2,000 × $0.045696 = $91.392, so the month is $160.352, $160.35.
    The 0.8 cent is AWS's rounding of the rate; stating hourly_price: 0.0457 reproduces AWS's $160.36."""
    estimate = _managed_api(instance_hours=2000, discount="0.72")
    ec2 = item(estimate, "api", "managed_instances_ec2")
    assert ec2.unit_price == Decimal("0.045696")
    assert ec2.cost == Decimal("91.392")
    assert estimate.total == Decimal("160.352")
    assert cents(estimate.total) == Decimal("160.35")


def test_managed_instances_from_throughput_keep_the_three_instances_aws_launches() -> None:
    """The same traffic from its throughput: 100M × 0.2 s = 20,000,000 busy seconds / 2,628,000 s a month = 7.61
    concurrent requests on average; at 64 per instance ⌈7.61 / 64⌉ = 1 instance, but Lambda keeps 3 (one per
    Availability Zone): 3 × 730 = 2,190 instance-hours, 190 more than AWS's "~2,000". EC2 2,190 × $0.045696 =
    $100.07424; fee 2,190 × $0.02448 = $53.6112; total $20 + $100.07424 + $53.6112 = $173.68544."""
    estimate = _managed_api(concurrency_per_instance=64, discount="0.72")
    modes = estimate.functions[0].modes
    assert modes is not None and modes.managed is not None
    assert modes.managed.instances == 3
    assert modes.managed.instance_hours == 2190
    assert estimate.total == Decimal("173.68544")


def test_managed_instances_scale_out_with_the_traffic() -> None:
    """At 2 concurrent requests an instance, 7.61 need ⌈3.81⌉ = 4 instances: 4 × 730 = 2,920 instance-hours."""
    estimate = _managed_api(concurrency_per_instance=2)
    modes = estimate.functions[0].modes
    assert modes is not None and modes.managed is not None
    assert (modes.managed.instances, modes.managed.instance_hours) == (4, 2920)
    # On demand, no discount: 2,920 × ($0.1632 + $0.02448) = 2,920 × $0.18768 = $548.0256, plus $20 of requests.
    assert estimate.total == Decimal("568.0256")


def test_durable_functions_example_to_the_cent() -> None:
    """AWS: 1,000,000 insurance claims a month, each an execution of 2 invocations (initial + after a 7-day wait)
    computing 30 s + 2 s at 1 GB on arm64. Compute: 32,000,000 GB-s - 400,000 free = 31,600,000 × $0.0000133334
    = $421.34; requests: 2,000,000 - 1M free = 1M × $0.20/M = $0.20; operations: 1M × (1 start + 2 steps + 1 wait)
    = 4M × $8.00/M = $32.00; data written: 1M × (8 KB + 3 × 32 KB) = 104 GB × $0.25 = $26.00; retained:
    104 GB × 7/30 = 24.27 GB-month while running, × 14/30 = 48.53 after: 72.80 × $0.15 = $10.92;
    total $490.46."""
    claims = function("claims", 1024, "16s", architecture="arm64",  # (30 s + 2 s) / 2 invocations
                      durable={"invocations_per_execution": 2, "operations_per_execution": 4,
                               "data_written_kb_per_execution": 104, "execution_days": 7, "retention_days": 14},
                      invocations=[{"type": "async", "per_month": 1_000_000}])
    estimate = estimate_text(workload_yaml(claims))
    assert cents(_cost(estimate, "duration_tier_1", "free_tier_duration")) == Decimal("421.34")  # 421.33544
    assert _cost(estimate, "requests", "free_tier_requests") == Decimal("0.20")
    assert _cost(estimate, "durable_operations") == Decimal("32.00")
    assert _cost(estimate, "durable_data_written") == Decimal("26.00")
    assert _cost(estimate, "durable_data_retained") == Decimal("10.92")  # 72.8 GB-months, exactly
    assert estimate.total == Decimal("490.45544")
    assert cents(estimate.total) == Decimal("490.46")


def test_tenant_isolation_example() -> None:
    """AWS: 10M invokes of 2 s at 1024 MB (x86) by 1K tenants, 200 new execution environments each. Requests
    10M × $0.2/M = $2; compute 20M GB-s × $0.0000166667 = $333.334, which AWS shows as $333.34; tenant isolation
    200K × $0.000167 × 1024 MB / 1024 MB = $33.4; AWS's total $2 + $333.34 + $33.4 = $368.74, no free tier.

    The exact total is $368.734, $368.73: AWS rounded the compute line up ($333.334 is $333.33 to the cent), so its
    total is a cent above the sum of the exact parts. Every part lambda-cost shows is AWS's before that rounding."""
    saas = function("saas", 1024, "2s", tenant_isolation={"tenants": 1000, "environments_per_tenant": 200},
                    invocations=[{"type": "sync", "per_month": 10_000_000}])
    estimate = estimate_text(workload_yaml(saas, free_tier=False))
    assert _cost(estimate, "tenant_isolation") == Decimal("33.400")
    assert _cost(estimate, "requests") == Decimal("2.00")
    assert _cost(estimate, "duration_tier_1") == Decimal("333.334")
    assert estimate.total == Decimal("368.734")


def test_tenant_isolation_from_a_share_of_the_attempts() -> None:
    """A 2% new-environment rate of the same 10M invokes is the same 200K environments."""
    saas = function("saas", 1024, "2s", tenant_isolation={"environment_rate": "0.02"},
                    invocations=[{"type": "sync", "per_month": 10_000_000}])
    estimate = estimate_text(workload_yaml(saas, free_tier=False))
    assert _cost(estimate, "tenant_isolation") == Decimal("33.400")
