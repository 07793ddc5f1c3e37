"""QA of the invocation model and the pricing arithmetic: each case priced by hand, the arithmetic in a comment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, function, workload_yaml

from lambda_cost.errors import WorkloadError


def one_source(source: dict[str, Any], **fields: Any) -> Any:
    """The expanded usage of a single source on a 1 GB, 100 ms function."""
    estimate = estimate_text(workload_yaml(function(invocations=[source], **fields)))
    return estimate.functions[0].usage.sources[0]


def refused(source: dict[str, Any]) -> str:
    with pytest.raises(WorkloadError) as caught:
        one_source(source)
    (problem,) = caught.value.problems
    return problem.render()


# --- Retries until expiry that a batch almost surely never gets through -----------------------------------------


@pytest.mark.parametrize(
    ("source", "key"),
    [
        # q = 1 − 0.99^10000 = 1 − 2.2·10^−44: 4.4·10^43 attempts per batch; this was an internal error (exit 3).
        ({"type": "kinesis", "per_month": 1_000_000, "error_rate": "0.01", "batch_size": 10_000}, "max_retry_attempts"),
        ({"type": "sqs", "per_month": 1_000_000, "error_rate": "0.01", "batch_size": 10_000}, "max_receive_count"),
        # q = 1 − 0.5^200 rounds to 1 at 60 digits: also an internal error, not "lower error_rate below 1".
        ({"type": "kafka", "per_month": 1_000_000, "error_rate": "0.5", "batch_size": 200}, "max_retry_attempts"),
        # Each message received 1/(1 − 0.999999) = 1,000,000 times: 10^11 invocations were priced silently.
        ({"type": "sqs", "per_month": 1_000_000, "error_rate": "0.999999", "report_batch_item_failures": True},
         "max_receive_count"),
    ],
)
def test_retries_until_expiry_that_almost_never_succeed_are_refused(source: dict[str, Any], key: str) -> None:
    problem = refused(source)
    assert "invocations[0].error_rate" in problem
    assert "more than a retry limit allows" in problem and key in problem


def test_the_most_attempts_a_retry_limit_allows_is_still_priced() -> None:
    # SQS: 1/(1 − 0.999) = 1,000 receives of each message, as many as max_receive_count 1,000 allows:
    # 1,000 messages × 1,000 / batch 10 = 100,000 invocations.
    partial = {"type": "sqs", "per_month": 1000, "error_rate": "0.999", "report_batch_item_failures": True}
    assert one_source(partial).invocations == Decimal(100_000)
    assert "more than a retry limit allows (1,000)" in refused({**partial, "error_rate": "0.9991"})
    # Streams: 1/(1 − 0.9999) = 10,000 attempts of each batch of 1, within the 10,001 of max_retry_attempts 10,000.
    stream = {"type": "kinesis", "per_month": 1000, "error_rate": "0.9999", "batch_size": 1}
    assert one_source(stream).invocations == Decimal(10_000_000)
    # 1/(1 − 0.99991) = 11,111.1 attempts: refused.
    assert "11,111 times" in refused({**stream, "error_rate": "0.99991"})


def test_an_error_rate_of_1_retried_until_expiry_keeps_its_own_message() -> None:
    problem = refused({"type": "sqs", "per_month": 1000, "error_rate": 1})
    assert "every attempt fails and retries never stop" in problem
