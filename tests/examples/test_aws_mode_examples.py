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
    """Components' cost over the functions and the account's free-tier credit."""
    items = [i for f in estimate.functions for i in f.line_items] + list(estimate.free_tier.items)
    return sum((i.cost for i in items if i.component in components), Decimal(0))


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


def _microvms(*microvms: dict[str, Any]) -> Estimate:
    """MicroVMs beside a function that costs nothing (a workload has at least one function)."""
    idle = function("idle", 128, 1, invocations=[{"type": "sync", "per_month": 1}])
    return estimate_text(workload_yaml(idle, microvms=list(microvms)))


def test_microvms_example_1_sandboxes_for_coding_assistants() -> None:
    """AWS: 100 developers × 20 days launch a 2 GB / 1 vCPU MicroVM (8 GB / 4 vCPU at peak) for 2.5 h of use,
    25% at peak, with 6 suspend/resume cycles and 5.5 h suspended a day; 5 images of 2 GB. Peak 4.5M s × 4 vCPU ×
    $0.0000276944 = $498.50 and × 8 GB × $0.0000036667 = $132.00; baseline 13.5M s × 1 vCPU = $373.87 and × 2 GB =
    $99.00: compute $1,103.38. Snapshots: 12,000 suspends × 2 GB × $0.0038 = $91.20 written; 12,000 resumes × 2 GB ×
    $0.00155 = $37.20 and 2,000 launches × 2 GB × $0.00155 = $6.20 read: $134.60. Storage: 5 × 2 GB × $0.08 = $0.80
    of images, 100 × 2 GB × (5.5 h × 20 / 720 h) × $0.08 = $2.44 suspended: $3.24. Total $1,241.22."""
    estimate = _microvms({
        "name": "sandboxes", "memory_mb": 2048, "peak_memory_mb": 8192, "peak_share": "0.25",
        "launches_per_month": 2000, "running_hours_per_launch": "2.5", "suspends_per_launch": 6,
        "suspended_hours_per_launch": "5.5", "state_gb": 2, "image_gb": 2, "images": 5,
    })
    assert cents(_cost(estimate, "microvm_vcpu", "microvm_memory")) == Decimal("1103.38")  # 1,103.3757
    assert _cost(estimate, "microvm_snapshot_write", "microvm_snapshot_read") == Decimal("134.60000")
    assert cents(_cost(estimate, "microvm_snapshot_storage")) == Decimal("3.24")  # 0.80 + 2.4444...
    assert cents(estimate.total) == Decimal("1241.22")


def test_microvms_example_2_ephemeral_ci_jobs() -> None:
    """AWS: 10,000 jobs a month of 10 minutes on 8 GB / 4 vCPU (32 GB / 16 vCPU for 10% of the time), no suspends,
    one 2 GB image. Peak 600K s × 16 vCPU = $265.87, × 32 GB = $70.40; baseline 5.4M s × 4 vCPU = $598.20, × 8 GB =
    $158.40: $1,092.87. 10,000 launches × 2 GB × $0.00155 = $31 read; 2 GB × $0.08 = $0.16 stored. $1,124.03."""
    estimate = _microvms({
        "name": "ci", "memory_mb": 8192, "peak_memory_mb": 32768, "peak_share": "0.1",
        "launches_per_month": 10_000, "running_hours_per_launch": "0.1666666666666666666666666667", "image_gb": 2,
    })
    # 10 minutes as hours is 1/6, which a decimal cannot hold: the seconds are 600 to within 10^-24.
    assert cents(_cost(estimate, "microvm_vcpu", "microvm_memory")) == Decimal("1092.87")  # 1,092.86712
    assert cents(_cost(estimate, "microvm_snapshot_read")) == Decimal("31.00")
    assert _cost(estimate, "microvm_snapshot_storage") == Decimal("0.16")
    assert cents(estimate.total) == Decimal("1124.03")
