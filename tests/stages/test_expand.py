"""Invocation types and retries to expected attempts: hand-computed cases for every type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, function, workload_yaml

from lambda_cost.errors import WorkloadError
from lambda_cost.model.usage import SourceUsage
from lambda_cost.numbers import ARITHMETIC
from lambda_cost.stages.expand import batch_failure_rate, geometric_sum


def expand_one(source: dict[str, Any], **fields: Any) -> tuple[SourceUsage, list[str]]:
    estimate = estimate_text(workload_yaml(function(invocations=[source], **fields)))
    return estimate.functions[0].usage.sources[0], [w.message for w in estimate.warnings]


def test_sync_client_retries() -> None:
    usage, warnings = expand_one({"type": "sync", "per_month": 1_000_000, "error_rate": 0.1, "client_retries": 2})
    assert usage.invocations == Decimal(1_110_000)  # 1M x (1 + 0.1 + 0.01)
    assert usage.failed_invocations == Decimal(111_000)
    assert usage.lost == Decimal(1000)  # 1M x 0.1^3 fail for good
    assert warnings == []


def test_sync_without_retries_is_the_volume() -> None:
    usage, _ = expand_one({"type": "sync", "per_month": 5000, "error_rate": 0.2})
    assert usage.invocations == 5000
    assert usage.lost == 1000


def test_async_retries_and_dead_letters() -> None:
    usage, _ = expand_one({"type": "async", "per_hour": 100, "error_rate": 0.5})  # max_retries defaults to 2
    assert usage.volume == Decimal(73_000)  # 100 an hour x 730 hours
    assert usage.invocations == Decimal(127_750)  # 73,000 x (1 + 0.5 + 0.25)
    assert usage.failed_invocations == Decimal("63875")
    assert usage.lost == Decimal(9125)  # 73,000 x 0.5^3 to the DLQ


def test_async_without_retries() -> None:
    usage, _ = expand_one({"type": "async", "per_month": 1000, "error_rate": 0.1, "max_retries": 0})
    assert usage.invocations == 1000
    assert usage.lost == 100


def test_sqs_whole_batch_redelivered() -> None:
    source = {"type": "sqs", "per_month": 1000, "batch_size": 2, "error_rate": 0.5, "max_receive_count": 2}
    usage, warnings = expand_one(source)
    # q = 1 - 0.5^2 = 0.75; 500 batches x (1 + 0.75) = 875 invocations; 1000 x 0.75^2 = 562.5 to the DLQ.
    assert usage.invocations == Decimal(875)
    assert usage.failed_invocations == Decimal("656.25")
    assert usage.lost == Decimal("562.5")
    assert warnings == []


def test_sqs_partial_batch_responses() -> None:
    source = {"type": "sqs", "per_month": 1000, "batch_size": 10, "error_rate": 0.2,
              "max_receive_count": 3, "report_batch_item_failures": True}
    usage, _ = expand_one(source)
    # each message received 1 + 0.2 + 0.04 = 1.24 times: 1,240 receives / 10 = 124 invocations.
    assert usage.invocations == Decimal(124)
    assert usage.failed_invocations == 0
    assert usage.lost == Decimal(8)  # 1000 x 0.2^3


def test_sqs_without_redrive_policy_warns() -> None:
    usage, warnings = expand_one({"type": "sqs", "per_month": 1000, "batch_size": 1, "error_rate": 0.5})
    assert usage.invocations == Decimal(2000)  # 1000 x 1/(1 - 0.5)
    assert usage.lost == 0
    assert any("max_receive_count" in w for w in warnings)


@pytest.mark.parametrize("kind", ["kinesis", "dynamodb", "msk", "kafka", "documentdb"])
def test_streams_bounded_retries(kind: str) -> None:
    source = {"type": kind, "per_month": 10_000, "batch_size": 2, "error_rate": 0.1, "max_retry_attempts": 1}
    usage, warnings = expand_one(source)
    # q = 1 - 0.9^2 = 0.19; 5,000 batches x (1 + 0.19) = 5,950; 10,000 x 0.19^2 = 361 records discarded.
    assert usage.invocations == Decimal(5950)
    assert usage.lost == Decimal(361)
    assert warnings == []


def test_stream_retries_until_expiry_warns_and_sums_the_series() -> None:
    usage, warnings = expand_one({"type": "kinesis", "per_month": 10_000, "batch_size": 2, "error_rate": 0.1})
    # 5,000 batches x 1/(1 - 0.19), to 50 significant digits
    assert abs(usage.invocations - ARITHMETIC.divide(Decimal(5000), Decimal("0.81"))) < Decimal("1E-50")
    assert usage.lost == 0
    assert any("blocks its shard" in w for w in warnings)


def test_stream_default_batch_size_is_100() -> None:
    usage, _ = expand_one({"type": "dynamodb", "per_month": 10_000, "max_retry_attempts": 0})
    assert usage.batch_size == 100
    assert usage.invocations == 100


def test_mq_redelivers_six_times() -> None:
    usage, _ = expand_one({"type": "mq", "per_month": 1000, "batch_size": 1, "error_rate": 0.5})
    assert usage.invocations == Decimal("1984.375")  # sum of 0.5^k for k = 0..6
    assert usage.lost == Decimal("7.8125")  # 1000 x 0.5^7


def test_rates_convert_with_a_730_hour_month() -> None:
    usage, _ = expand_one({"type": "sync", "per_second": 1})
    assert usage.volume == Decimal(2_628_000)
    usage, _ = expand_one({"type": "sync", "per_day": 24})
    assert usage.volume == Decimal(730)


def test_failures_that_never_end_are_an_error() -> None:
    with pytest.raises(WorkloadError) as caught:
        expand_one({"type": "kinesis", "per_month": 10, "error_rate": 1})
    assert caught.value.problems[0].dotted_path == "functions[0].invocations[0].error_rate"


def test_failed_attempts_bill_error_duration() -> None:
    source = {"type": "sync", "per_month": 1000, "error_rate": 0.5}
    estimate = estimate_text(workload_yaml(function(duration_ms=100, error_duration_ms=1000, invocations=[source])))
    # 500 successes x 0.1 s + 500 failures x 1 s = 550 s at 1 GB.
    assert estimate.functions[0].gb_seconds == Decimal(550)


def test_several_sources_add_up() -> None:
    sources = [{"type": "sync", "per_month": 1000}, {"type": "async", "per_month": 500}]
    estimate = estimate_text(workload_yaml(function(invocations=sources)))
    assert estimate.functions[0].requests == Decimal(1500)


def test_geometric_sum_edges() -> None:
    assert geometric_sum(Decimal(1), 3) == 4
    assert geometric_sum(Decimal(0), 5) == 1
    assert geometric_sum(Decimal("0.5"), None) == 2
    assert batch_failure_rate(Decimal("0.5"), 1) == Decimal("0.5")
    assert batch_failure_rate(Decimal(0), 10_000) == 0


def test_documented_defaults_of_a_minimal_workload() -> None:
    """The README's default column: what a workload that states nothing optional is priced with."""
    sources = [
        {"type": "sync", "per_month": 1000},
        {"type": "async", "per_month": 1000},
        {"type": "sqs", "per_month": 1000},
        {"type": "kinesis", "per_month": 1000},
        {"type": "mq", "per_month": 1000},
    ]
    estimate = estimate_text(workload_yaml(function(invocations=sources)))
    assert estimate.default_region == "us-east-1"
    assert estimate.free_tier.enabled is True
    (priced,) = estimate.functions
    spec = priced.usage.function
    assert (spec.architecture, spec.ephemeral_storage_mb, spec.package_type) == ("x86_64", 512, "zip")
    assert spec.failed_duration_ms == spec.duration_ms  # error_duration_ms defaults to duration_ms
    assert spec.snapstart is False and spec.provisioned == ()
    by_type = {source.type: source for source in priced.usage.sources}
    assert all(source.error_rate == 0 for source in by_type.values())
    assert by_type["sync"].last_retry == 0  # client_retries 0
    assert by_type["async"].last_retry == 2  # max_retries 2
    assert (by_type["sqs"].batch_size, by_type["sqs"].shape, by_type["sqs"].last_retry) == (10, "batch", None)
    assert (by_type["kinesis"].batch_size, by_type["kinesis"].last_retry) == (100, None)  # -1: until expiry
    assert (by_type["mq"].batch_size, by_type["mq"].last_retry) == (100, 6)
