"""AWS's worked examples from the Lambda pricing page, end to end, to the cent (fact sheet §6)."""

from __future__ import annotations

from decimal import Decimal

from conftest import cents, estimate_text, function, item, workload_yaml


def sync_workload(requests: int, duration_ms: int, memory_mb: int, **fields: object) -> str:
    invocations = [{"type": "sync", "per_month": requests}]
    return workload_yaml(function("f", memory_mb, duration_ms, invocations=invocations, **fields))


def test_mobile_backend() -> None:
    # 3M requests, 120 ms, 1536 MB: 540,000 GB-s - 400,000 free = 140,000 x $0.0000166667 = $2.33;
    # 3M - 1M free requests = 2M x $0.20/M = $0.40; total $2.73.
    estimate = estimate_text(sync_workload(3_000_000, 120, 1536))
    assert estimate.total == Decimal("2.733338")
    assert cents(estimate.total) == Decimal("2.73")
    priced = estimate.functions[0]
    assert priced.gb_seconds == Decimal(540_000)
    assert priced.free_share[1] == Decimal(400_000)
    assert estimate.free_tier.gb_seconds.credited == Decimal(400_000)
    duration = item(estimate, "f", "duration_tier_1").cost + item(estimate, "f", "free_tier_duration").cost
    assert cents(duration) == Decimal("2.33")
    requests = item(estimate, "f", "requests").cost + item(estimate, "f", "free_tier_requests").cost
    assert requests == Decimal("0.4")


def test_streaming_telemetry_without_free_tier() -> None:
    # 7.44M requests, 2 s, 1024 MB, no free tier: requests $1.49, 14.88M GB-s x $0.0000166667 = $248.00.
    estimate = estimate_text(sync_workload(7_440_000, 2000, 1024), free_tier=False)
    assert cents(item(estimate, "f", "requests").cost) == Decimal("1.49")
    assert item(estimate, "f", "duration_tier_1").quantity == Decimal(14_880_000)
    assert cents(item(estimate, "f", "duration_tier_1").cost) == Decimal("248.00")
    assert cents(estimate.total) == Decimal("249.49")


def test_ml_inference_with_ephemeral_storage() -> None:
    # 6M requests, 280 ms, 4096 MB, 2048 MB storage: 6.32M GB-s -> $105.33; 5M requests -> $1.00;
    # (2048 - 512) MB x 1.68M s = 2.52M GB-s x $0.0000000309 = $0.08; total $106.41.
    estimate = estimate_text(sync_workload(6_000_000, 280, 4096, ephemeral_storage_mb=2048))
    storage = item(estimate, "f", "ephemeral_storage")
    assert storage.quantity == Decimal(2_520_000)
    assert cents(storage.cost) == Decimal("0.08")
    duration = item(estimate, "f", "duration_tier_1").cost + item(estimate, "f", "free_tier_duration").cost
    assert cents(duration) == Decimal("105.33")
    assert cents(estimate.total) == Decimal("106.41")


def test_classic_example_before_december_2020() -> None:
    # 3M executions of 1 s at 512 MB, rate $0.00001667: 1.1M GB-s -> $18.34, requests $0.40: $18.74.
    estimate = estimate_text(sync_workload(3_000_000, 1000, 512), pricing="2014-11-13")
    assert estimate.total == Decimal("18.737")
    assert cents(estimate.total) == Decimal("18.74")


def test_classic_example_at_todays_rate() -> None:
    estimate = estimate_text(sync_workload(3_000_000, 1000, 512))
    assert estimate.total == Decimal("18.73337")
    assert cents(estimate.total) == Decimal("18.73")
