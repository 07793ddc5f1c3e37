"""Invariants, checked on generated workloads (hypothesis)."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from conftest import estimate_text, workload_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_cost.numbers import ARITHMETIC, QUANTUM, ZERO, allocate, held, plain
from lambda_cost.stages import expand_source
from lambda_cost.stages.expand import expand
from lambda_cost.stages.load import Source, parse
from lambda_cost.stages.validate import build_workload

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

volumes = st.integers(min_value=0, max_value=10**10)
error_rates = st.decimals(min_value=0, max_value=Decimal("0.9"), places=3)
memories = st.integers(min_value=128, max_value=10240)
durations = st.integers(min_value=1, max_value=900_000)


@st.composite
def sources(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["sync", "async", "sqs", "kinesis", "mq"]))
    source: dict[str, Any] = {"type": kind, "per_month": draw(volumes), "error_rate": str(draw(error_rates))}
    if kind == "sync":
        source["client_retries"] = draw(st.integers(0, 3))
    elif kind == "sqs":
        source["batch_size"] = draw(st.integers(1, 100))
        source["max_receive_count"] = draw(st.integers(1, 5))
        source["report_batch_item_failures"] = draw(st.booleans())
    elif kind == "kinesis":
        source["batch_size"] = draw(st.integers(1, 100))
        source["max_retry_attempts"] = draw(st.integers(0, 5))
    return source


@st.composite
def functions(draw: Any, name: str) -> dict[str, Any]:
    duration = draw(durations)
    return {
        "name": name,
        "memory_mb": draw(memories),
        "architecture": draw(st.sampled_from(["x86_64", "arm64"])),
        "region": draw(st.sampled_from(["us-east-1", "eu-west-1"])),
        "ephemeral_storage_mb": draw(st.sampled_from([512, 1024, 10240])),
        "duration_ms": duration,
        # Failed attempts no shorter than successful ones: otherwise more errors can rightly cost less.
        "error_duration_ms": min(duration + draw(st.integers(0, 10_000)), 900_000),
        "invocations": draw(st.lists(sources(), min_size=1, max_size=3)),
    }


@st.composite
def workloads(draw: Any) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    return [draw(functions(f"f{i}")) for i in range(count)]


def total(funcs: list[dict[str, Any]], **top: Any) -> Decimal:
    return estimate_text(workload_yaml(*funcs, **top)).total


@PROFILE
@given(workloads(), st.booleans())
def test_totals_add_up_exactly_and_credits_never_overdraw(funcs: list[dict[str, Any]], free_tier: bool) -> None:
    estimate = estimate_text(workload_yaml(*funcs, free_tier=free_tier))
    with localcontext(ARITHMETIC):  # the precision lambda-cost computes in: sums are exact there
        check_sums(estimate)


def check_sums(estimate: Any) -> None:
    free = estimate.free_tier
    # gross functions and the account's one credit add up to the total, exactly
    assert sum((f.total for f in estimate.functions), Decimal(0)) + free.total == estimate.total
    assert sum((i.cost for i in free.items), Decimal(0)) == free.total
    assert free.total <= 0 or free.items  # a credit, never a charge (but the Savings Plan's give-back line)
    # the credit never takes more than the allowance, nor more than was used
    assert 0 <= free.gb_seconds_used <= min(free.gb_seconds_allowance, sum((f.gb_seconds for f in estimate.functions),
                                                                           Decimal(0)))
    assert 0 <= free.requests_used <= min(free.requests_allowance, sum((f.requests for f in estimate.functions),
                                                                       Decimal(0)))
    for line in free.items:
        assert line.quantity * line.unit_price == line.cost
    for priced in estimate.functions:
        assert sum((i.cost for i in priced.line_items), Decimal(0)) == priced.total
        assert priced.total >= 0
        for line in priced.line_items:
            assert line.quantity * line.unit_price == line.cost
            assert line.cost >= 0 and not line.component.startswith("free_tier")
        duration = sum((i.quantity for i in priced.line_items if i.component.startswith("duration")), Decimal(0))
        assert duration == priced.gb_seconds


@PROFILE
@given(workloads(), st.integers(0, 3), st.sampled_from(["per_month", "memory_mb", "duration_ms", "error_rate"]),
       st.integers(1, 10**9))
def test_cost_never_falls_when_usage_rises(funcs: list[dict[str, Any]], index: int, field: str, bump: int) -> None:
    index %= len(funcs)
    before = total(funcs)
    raised = [dict(f) for f in funcs]
    target = raised[index]
    if field == "memory_mb":
        target["memory_mb"] = min(10240, target["memory_mb"] + bump % 1000 + 1)
    elif field == "duration_ms":
        target["duration_ms"] = min(target["error_duration_ms"], target["duration_ms"] + bump % 1000 + 1)
    else:
        source = dict(target["invocations"][0])
        if field == "per_month":
            source["per_month"] += bump
        else:
            source["error_rate"] = str(min(Decimal("0.95"), Decimal(source["error_rate"]) + Decimal("0.01")))
        target["invocations"] = [source, *target["invocations"][1:]]
    assert total(raised) >= before


@PROFILE
@given(st.lists(st.decimals(min_value=0, max_value=10**12, places=6), min_size=1, max_size=20), st.data())
def test_allocation_sums_exactly_and_never_exceeds_a_weight(weights: list[Decimal], data: Any) -> None:
    fraction = data.draw(st.decimals(min_value=0, max_value=1, places=4))
    with localcontext(ARITHMETIC):
        weight_total = sum(weights, Decimal(0))
        amount = (weight_total * fraction).quantize(QUANTUM)
        shares = allocate(amount, weights)
        assert sum(shares, Decimal(0)) == amount
    for share, weight in zip(shares, weights, strict=True):
        assert 0 <= share <= weight


@settings(max_examples=500, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False) | st.decimals(places=40, allow_nan=False,
                                                                        allow_infinity=False))
def test_plain_writes_every_decimal_exactly_without_exponent_or_trailing_zeros(value: Decimal) -> None:
    text = plain(value)
    assert Decimal(text) == value and "E" not in text and "e" not in text
    assert text == "0" if value == 0 else not (("." in text and text.endswith("0")) or text.endswith("."))


def _largest_remainder(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """The reference: exact fractions, floors in quanta, one quantum each to the largest remainders, ties to the
    earlier weight."""
    quanta = Fraction(amount) / Fraction(QUANTUM)
    total = sum((Fraction(w) for w in weights), Fraction(0))
    exact = [quanta * Fraction(w) / total for w in weights]
    floors = [math.floor(x) for x in exact]
    left = int(quanta) - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))[:left]:
        floors[index] += 1
    return [Decimal(f) * QUANTUM for f in floors]


@PROFILE
# Whole quanta take the integer path; a weight finer than the quantum (places=20) takes the decimal one.
@given(st.lists(st.sampled_from([Decimal(0), Decimal(1), Decimal(3), Decimal("0.5")])
                | st.decimals(min_value=0, max_value=10**6, places=3)
                | st.decimals(min_value=0, max_value=10, places=20), min_size=1, max_size=12),
       st.integers(min_value=0, max_value=10**6))
def test_allocation_is_the_largest_remainder_method_ties_to_the_earlier_weight(weights: list[Decimal],
                                                                             quanta: int) -> None:
    if not any(weights):
        weights = [*weights[:-1], Decimal(1)]
    amount = quanta * QUANTUM
    assert allocate(amount, weights) == _largest_remainder(amount, weights)


@settings(max_examples=200, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False), st.lists(st.decimals(allow_nan=False,
                                                                                allow_infinity=False), max_size=3))
def test_held_is_the_value_itself_or_an_equal_object_already_held(value: Decimal, others: list[Decimal]) -> None:
    kept = held(value, *others)
    assert kept == value
    if not value:
        assert kept is ZERO
    else:
        assert kept is value or any(kept is other for other in others)
        assert kept is next((other for other in others if other == value), value)


@PROFILE
@given(workloads())
def test_the_runner_expands_function_by_function_as_the_whole_workload_expands(funcs: list[dict[str, Any]]) -> None:
    source = Source("test.yaml", workload_yaml(*funcs))
    streamed = expand_source(source).usages  # each function expanded as it validates, its model let go
    whole = expand(build_workload(parse(source), source)).usages
    assert streamed and streamed == whole
