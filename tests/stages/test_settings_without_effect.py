"""Settings that cannot change the price are said to have no effect, and why; counts that were wrong are right."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, function, item, workload_yaml

from lambda_cost.render import RenderOptions, render


def warnings_of(text: str) -> list[str]:
    return [f"{warning.dotted_path}: {warning.message}" for warning in estimate_text(text).warnings]


def related(estimate: Any, component: str) -> Any:
    return next(i for i in estimate.functions[0].related_items if i.component == component)


def table(text: str, explain: bool = False) -> str:
    return render("estimate", "table", estimate_text(text), RenderOptions(explain=explain))


JAVA = function("java", runtime="java21", snapstart=True, init_duration_ms=2000, cold_start_rate="5%")


def test_java_snapstart_bills_no_init_and_says_why() -> None:
    text = workload_yaml(JAVA, free_tier=False)
    estimate = estimate_text(text)
    assert estimate.functions[0].extras is not None and estimate.functions[0].extras.init_gb_seconds == 0
    assert warnings_of(text) == [
        "functions[0].init_duration_ms: init_duration_ms and cold_start_rate have no effect on the price: SnapStart "
        "on java is free: no INIT, snapshot cache or restore is billed"]
    assert ("cold starts: 50,000, INIT not billed: SnapStart restores a snapshot instead of running INIT, free for "
            "java") in " ".join(table(text).split())
    assert "no INIT is added for its 50,000 cold starts: SnapStart restores a snapshot" in " ".join(
        table(text, explain=True).split())


def test_python_snapstart_bills_the_restore_instead_of_init() -> None:
    python = function("py", runtime="python3.12", snapstart=True, init_duration_ms=800, cold_starts_per_month=1000)
    text = workload_yaml(python, free_tier=False)
    assert item(estimate_text(text), "py", "snapstart_restore").quantity == 1000  # 1,000 cold starts × 1 GB
    assert warnings_of(text) == [
        "functions[0].init_duration_ms: init_duration_ms has no effect on the price: SnapStart restores a snapshot "
        "instead of running INIT, and bills the restore (snapstart_restore)"]


def test_a_table_that_does_not_bill_init_says_which_version_does() -> None:
    text = workload_yaml(function(runtime="python3.12", init_duration_ms=300, cold_start_rate=0.1),
                         pricing="2024-11-22")
    assert warnings_of(text) == [
        "functions[0].init_duration_ms: init_duration_ms and cold_start_rate have no effect on the price: pricing "
        "version 2024-11-22 does not bill the INIT phase of ZIP functions on managed runtimes; from pricing version "
        "2025-08-01 it does"]
    assert warnings_of(text.replace("2024-11-22", "2025-08-01")) == []  # billed there: no warning


SQS_PARTIAL = {"type": "sqs", "per_month": 1_000_000, "error_rate": "1%", "report_batch_item_failures": True,
               "max_receive_count": 3, "dead_letter": "sqs"}


def test_partial_batch_responses_count_failed_messages_and_leave_error_duration_unused() -> None:
    text = workload_yaml(function("worker", 512, 200, error_duration_ms=500, invocations=[SQS_PARTIAL]),
                         free_tier=False)
    assert warnings_of(text) == [
        "functions[0].error_duration_ms: error_duration_ms has no effect on the price: with "
        "report_batch_item_failures, the invocation that reports an SQS batch's failed messages completes normally "
        "and is billed at duration_ms"]
    # 1M messages × (1 + 0.01 + 0.0001) receives × 1% = 10,101 failed messages; 1M × 0.01^3 = 1 to the DLQ.
    lines = " ".join(table(text).split())
    assert ("1,000,000 messages → 101,010 invocations (10,101 messages failed and reported as batch item failures, "
            "so no invocation fails); 1 message to the queue's DLQ") in lines


@pytest.mark.parametrize("source", [
    {"type": "sqs", "per_month": 1000},  # no max_receive_count, and nothing fails: nothing to redrive
    {"type": "sqs", "per_month": 1000, "error_rate": "1%", "max_receive_count": 3, "dead_letter": "sqs"},
    {"type": "kinesis", "per_month": 1000, "error_rate": "1%", "max_retry_attempts": 2, "dead_letter": "sns"},
])
def test_nothing_is_said_of_settings_that_take_effect(source: dict[str, Any]) -> None:
    assert warnings_of(workload_yaml(function(invocations=[source]))) == []


def test_an_sqs_source_that_fails_without_redrive_is_still_warned() -> None:
    source = {"type": "sqs", "per_month": 1000, "error_rate": "1%"}
    (warning,) = warnings_of(workload_yaml(function(invocations=[source])))
    assert "received again until it expires" in warning


@pytest.mark.parametrize(("source", "why"), [
    ({"type": "async", "per_month": 1000, "dead_letter": "sqs"}, "no event fails (error_rate is 0)"),
    ({"type": "kinesis", "per_month": 1000, "error_rate": "1%", "dead_letter": "sqs"},
     "a failing record is retried until it succeeds or expires (no max_retry_attempts sends it there)"),
])
def test_a_dead_letter_nothing_reaches_has_no_effect(source: dict[str, Any], why: str) -> None:
    assert f"functions[0].invocations[0].dead_letter: dead_letter has no effect on the price: {why}" in warnings_of(
        workload_yaml(function(invocations=[source])))


def test_error_duration_without_any_failure_has_no_effect() -> None:
    assert warnings_of(workload_yaml(function(error_duration_ms=900))) == [
        "functions[0].error_duration_ms: error_duration_ms has no effect on the price: no attempt fails (every "
        "source's error_rate is 0)"]


@pytest.mark.parametrize("kind", ["kinesis", "dynamodb", "msk", "kafka"])
def test_a_stream_sends_one_dead_letter_per_discarded_batch(kind: str) -> None:
    # 1,000,000 records in batches of 2 = 500,000 batches. A record fails with p = 0.5, so a batch fails with
    # q = 1 − 0.5² = 0.75 and, with no retry, 375,000 batches (750,000 records) are discarded. The on-failure
    # destination gets one record per discarded batch: 375,000 SQS requests × $0.40 / 1M = $0.15.
    source = {"type": kind, "per_month": 1_000_000, "batch_size": 2, "error_rate": "50%", "max_retry_attempts": 0,
              "dead_letter": "sqs"}
    estimate = estimate_text(workload_yaml(function(invocations=[source]), free_tier=False))
    (usage,) = estimate.functions[0].usage.sources
    assert (usage.invocations, usage.lost, usage.dead_letters) == (500_000, 750_000, 375_000)
    dead = related(estimate, "dead_letter_sqs_requests")
    assert (dead.quantity, dead.cost) == (375_000, Decimal("0.15"))


def test_async_and_sqs_send_one_dead_letter_per_item() -> None:
    # 1,000 events fail with p = 0.5 and no retry: 500 to the DLQ, one request each: 500 × $0.50 / 1M (SNS).
    events = {"type": "async", "per_month": 1000, "error_rate": "50%", "max_retries": 0, "dead_letter": "sns"}
    # 1,000 messages in batches of 2 with q = 0.75 and one receive: 750 messages to the DLQ, each its request.
    messages = {"type": "sqs", "per_month": 1000, "batch_size": 2, "error_rate": "50%", "max_receive_count": 1,
                "dead_letter": "sqs"}
    estimate = estimate_text(workload_yaml(function(invocations=[events, messages]), free_tier=False))
    assert related(estimate, "dead_letter_sns_requests").cost == Decimal("0.00025")
    assert related(estimate, "dead_letter_sqs_requests").quantity == 750
