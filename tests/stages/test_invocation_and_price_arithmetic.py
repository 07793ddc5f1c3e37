"""the invocation model and the pricing arithmetic: each case priced by hand, the arithmetic in a comment."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import pytest
from conftest import estimate_text, function, workload_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import functions as generated_functions
from test_properties import workloads

from lambda_cost.errors import PricingError, WorkloadError
from lambda_cost.numbers import ARITHMETIC, readable
from lambda_cost.render.explain import usage_text
from lambda_cost.stages.price import split_into_tiers
from lambda_cost.tables.catalog import TableCatalog

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


def test_the_refusal_says_how_many_attempts_and_what_to_set() -> None:
    # 1/0.5^200 = 2^200 = 1.6·10^60 attempts of each batch.
    problem = refused({"type": "kafka", "per_month": 1_000_000, "error_rate": "0.5", "batch_size": 200})
    assert problem == (
        "test.yaml:9:5: functions[0].invocations[0].error_rate: retried until it succeeds, each batch would be "
        "attempted 1.6E+60 times on average, more than a retry limit allows (10,001): it would expire first, so the "
        "cost has no useful bound (set max_retry_attempts up to 10,000, or lower error_rate or batch_size)"
    )


def test_an_error_rate_of_1_retried_until_expiry_keeps_its_own_message() -> None:
    problem = refused({"type": "sqs", "per_month": 1000, "error_rate": 1})
    assert "every attempt fails and retries never stop" in problem


# --- Tiers shared by several functions of one region and architecture -------------------------------------------


def test_tier_shares_add_up_exactly_to_each_tier_of_the_group() -> None:
    # Three x86 functions of 1 s at 1 GB in us-east-1: 7B, 1B and 3B GB-s, 11B GB-s and 11B requests in all.
    # Free tier: 400,000 GB-s and 1M requests. Billable 10,999,600,000 GB-s: tier 1 6B × $0.0000166667 = $100,000.2,
    # tier 2 4,999,600,000 × $0.000015 = $74,994; requests (11B − 1M) × $0.20/1M = $2,199.8. Total $177,194 exactly.
    # Each function took the tiers in proportion on its own (largest remainder per function), so that tier 1 held
    # 6B − 10^−18 GB-s and tier 2 one quantum more: the total was 10^−18 × (0.0000166667 − 0.000015) short.
    funcs = [function(name, 1024, 1000, invocations=[{"type": "sync", "per_month": volume}])
             for name, volume in (("a", 7_000_000_000), ("b", 1_000_000_000), ("c", 3_000_000_000))]
    estimate = estimate_text(workload_yaml(*funcs))
    tier = {component: sum((i.quantity for f in estimate.functions for i in f.line_items if i.component == component),
                           Decimal(0)) for component in ("duration_tier_1", "duration_tier_2")}
    free = sum((i.quantity for i in estimate.free_tier.items if i.component == "free_tier_duration"), Decimal(0))
    # Functions are gross: tier 1 holds the free GB-s too, and the account's credit takes them back at its price.
    assert free == Decimal(-400_000)
    assert tier["duration_tier_1"] + free == Decimal(6_000_000_000)
    assert tier["duration_tier_2"] == Decimal(4_999_600_000)
    assert estimate.total == Decimal(177_194)



@PROFILE
@given(workloads())
def test_each_tier_of_a_region_and_architecture_is_shared_out_exactly(funcs: list[dict[str, Any]]) -> None:
    estimate = estimate_text(workload_yaml(*funcs))
    table = TableCatalog().select(estimate.pricing.version, None).table
    groups: dict[tuple[str, str], list[Any]] = {}
    for priced in estimate.functions:
        groups.setdefault((priced.usage.region, priced.usage.function.architecture), []).append(priced)
    with localcontext(ARITHMETIC):
        for (region, architecture), members in groups.items():
            # the account's credit of this region and architecture's free GB-s (a negative quantity)
            free = -sum((i.quantity for i in estimate.free_tier.items if i.component == "free_tier_duration"
                         and i.region == region and i.architecture == architecture), Decimal(0))
            billable = sum((f.gb_seconds for f in members), Decimal(0)) - free
            in_tier = split_into_tiers(billable, table.regions[region].duration[architecture])
            for number, expected in enumerate(in_tier, start=1):
                shared = sum((i.quantity for f in members for i in f.line_items
                              if i.component == f"duration_tier_{number}"), Decimal(0))
                if number == 1:  # tier 1's line holds the free GB-s too, credited on the account's row
                    shared -= free
                assert shared == expected


# --- --explain: the arithmetic it prints ------------------------------------------------------------------------


def test_explained_usage_takes_out_provisioned_duration_and_adds_init() -> None:
    # 1M attempts of 100 ms at 1 GB: 100,000 s, 100,000 GB-s. One unit 12 hours a day sees half the attempts
    # (needed concurrency 50,000 s / 1,314,000 s = 0.038, all held): 50,000 GB-s at the provisioned-duration rate.
    # The other 500,000 attempts start cold 1% of the time: 5,000 × 200 ms × 1 GB = 1,000 GB-s of INIT (python3.12,
    # ZIP, billed from 2025-08-01). On demand: 100,000 − 50,000 + 1,000 = 51,000 GB-s. The explanation said
    # "× 1024 MB / 1024 = 51,000 GB-s" of 100,000 s.
    fields = {"runtime": "python3.12", "init_duration_ms": 200, "cold_start_rate": "0.01",
              "provisioned_concurrency": {"units": 1, "hours_per_day": 12}}
    (priced,) = estimate_text(workload_yaml(function(**fields))).functions
    assert priced.gb_seconds == Decimal(51_000)
    assert usage_text(priced) == (
        "1,000,000 successful attempts × 100 ms = 100,000 s (durations rounded up to 1 ms); × 1024 MB / 1024 = "
        "100,000 GB-s − 50,000 GB-s served by provisioned concurrency + 1,000 GB-s of INIT (5,000 cold starts × "
        "200 ms × 1024 MB / 1024) = 51,000 GB-s on demand"
    )


def test_explained_usage_of_a_plain_function_is_unchanged() -> None:
    (priced,) = estimate_text(workload_yaml(function())).functions
    assert usage_text(priced) == (
        "1,000,000 successful attempts × 100 ms = 100,000 s (durations rounded up to 1 ms); × 1024 MB / 1024 = "
        "100,000 GB-s"
    )


# --- Versions, aliases and provisioned concurrency --------------------------------------------------------------


def test_a_function_with_versions_that_no_source_targets_has_no_row_even_with_provisioned_concurrency() -> None:
    # The function's provisioned concurrency (1 unit, 730 h, 1 GB) is inherited by v1 and v2, each priced:
    # 1 × 1 GB × 2,628,000 s = 2,628,000 GB-s × $0.0000041667 = $10.9500876 each. v1 also serves its 1,000 attempts
    # of 100 ms: 100 GB-s × $0.0000097222 = $0.00097222, and 1,000 × $0.20/1M = $0.0002. Total $21.90134742.
    # The unqualified function, which no source targets, was priced a third time with the same units: $32.85143502.
    pc = {"units": 1, "hours_per_month": 730}
    workload = workload_yaml(function(
        "f", versions={"v1": {}, "v2": {}}, provisioned_concurrency=pc,
        invocations=[{"type": "sync", "per_month": 1000, "target": "v1"}],
    ))
    estimate = estimate_text(workload, free_tier=False)
    assert [f.usage.function.label for f in estimate.functions] == ["f:v1", "f:v2"]
    assert estimate.total == Decimal("21.90134742")


# --- Batches larger than the month's volume ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqs", "kinesis", "mq"])
def test_a_batch_size_above_the_monthly_volume_is_warned_about(kind: str) -> None:
    # 5 items a month in batches of 100: the estimate's full batches make 5 / 100 = 0.05 invocations, which cannot
    # be (any item that arrives is delivered in an invocation of its own batch); it was said without a word.
    source = {"type": kind, "per_month": 5, "batch_size": 100, "max_retry_attempts": 0} if kind == "kinesis" else {
        "type": kind, "per_month": 5, "batch_size": 100}
    estimate = estimate_text(workload_yaml(function(invocations=[source])))
    assert estimate.functions[0].usage.invocations == Decimal("0.05")
    (warning,) = [w for w in estimate.warnings if "batch_size" in w.where]
    assert warning.where.endswith("functions[0].invocations[0].batch_size")
    assert warning.message.startswith("batch_size 100 is larger than the 5 ")
    assert "0.05 invocations" in warning.message


def test_a_batch_size_within_the_monthly_volume_is_not_warned_about() -> None:
    source = {"type": "sqs", "per_month": 100, "batch_size": 100, "max_receive_count": 3}
    assert estimate_text(workload_yaml(function(invocations=[source]))).warnings == ()


# --- What a table predates, located where it is written ---------------------------------------------------------


def test_a_version_field_an_old_table_cannot_price_is_located_at_the_version() -> None:
    # v4 states memory_mb 4096 (above 3,008 before 2020-12-01) and arm64 (from 2021-09-29): the problems named
    # functions[0].memory_mb, the function's 1024 on line 5, and functions[0].architecture, which is not written.
    workload = workload_yaml(function(
        "f", memory_mb=1024, versions={"v4": {"memory_mb": 4096, "architecture": "arm64"}, "v5": {}},
        invocations=[{"type": "sync", "per_month": 1000, "target": "v4"},
                     {"type": "sync", "per_month": 1000, "target": "v5"}],
    ))
    with pytest.raises(PricingError) as caught:
        estimate_text(workload, pricing="2019-12-03")
    paths = {p.dotted_path: p.line for p in caught.value.problems}
    assert set(paths) == {"functions[0].versions.v4.memory_mb", "functions[0].versions.v4.architecture"}
    assert all(line is not None and line > 5 for line in paths.values())


def test_a_field_versions_inherit_is_one_problem_at_the_function() -> None:
    workload = workload_yaml(function(
        "f", memory_mb=4096, versions={"v1": {}, "v2": {}},
        invocations=[{"type": "sync", "per_month": 1000, "target": "v1"},
                     {"type": "sync", "per_month": 1000, "target": "v2"}],
    ))
    with pytest.raises(PricingError) as caught:
        estimate_text(workload, pricing="2019-12-03")
    assert [p.dotted_path for p in caught.value.problems] == ["functions[0].memory_mb"]


def test_a_version_duration_above_the_function_timeout_is_an_error() -> None:
    # timeout_s 1 is 1,000 ms; v1's duration_ms 5000 ran past it and was priced (5,000 GB-s for 1,000 attempts).
    workload = workload_yaml(function(
        "f", timeout_s=1, versions={"v1": {"duration_ms": 5000}, "v2": {"error_duration_ms": 900}},
        invocations=[{"type": "sync", "per_month": 1000, "target": "v1"},
                     {"type": "sync", "per_month": 1000, "target": "v2"}],
    ))
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload)
    (problem,) = caught.value.problems
    assert problem.dotted_path == "functions[0].versions.v1.duration_ms"
    assert problem.message == "5000 ms is longer than timeout_s 1 (1000 ms)"


def test_an_alias_version_at_weight_0_gets_no_row() -> None:
    # live sends 100% to v1 and 0% to v2: v2 has no traffic, no provisioned concurrency and no SnapStart, so no row
    # (it had one of zeros). The alias's provisioned concurrency gives v2 no units either.
    workload = workload_yaml(function(
        "f", versions={"v1": {}, "v2": {}},
        aliases={"live": {"v1": "100%", "v2": "0%", "provisioned_concurrency": {"units": 2, "hours_per_month": 730}}},
        invocations=[{"type": "sync", "per_month": 1000, "target": "live"}],
    ))
    estimate = estimate_text(workload)
    assert [f.usage.function.label for f in estimate.functions] == ["f:v1"]
    assert estimate.functions[0].extras is not None and estimate.functions[0].extras.provisioning is not None
    assert estimate.functions[0].extras.provisioning.units == 2


# --- Invariants --------------------------------------------------------------------------------------------------


@st.composite
def small_functions(draw: Any, name: str) -> dict[str, Any]:
    """A function far inside the free tier: at most 1,000 events a month of at most 1 s at 1 GB, retried at most 3
    times (≤ 12,000 attempts and ≤ 12,000 GB-s over three sources)."""
    kind = draw(st.sampled_from(["sync", "async", "sqs"]))
    source: dict[str, Any] = {"type": kind, "per_month": draw(st.integers(0, 1000)),
                              "error_rate": str(draw(st.decimals(0, 1, places=2)))}
    if kind == "sync":
        source["client_retries"] = draw(st.integers(0, 3))
    elif kind == "sqs":
        source.update(batch_size=draw(st.integers(1, 10)), max_receive_count=draw(st.integers(1, 4)))
    return function(name, draw(st.integers(128, 1024)), draw(st.integers(1, 1000)),
                    architecture=draw(st.sampled_from(["x86_64", "arm64"])),
                    region=draw(st.sampled_from(["us-east-1", "eu-central-2", "ap-east-1"])),
                    invocations=[source])


@PROFILE
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*(small_functions(f"f{i}") for i in range(n)))))
def test_a_workload_far_inside_the_free_tier_costs_exactly_nothing(funcs: tuple[dict[str, Any], ...]) -> None:
    # Whatever the regions (request prices $0.20, $0.22, $0.28) and architectures, every function's requests and
    # GB-s are its share of the one allowance: each line is credited back at its own price, to exactly zero.
    estimate = estimate_text(workload_yaml(*funcs))
    assert estimate.total == 0 and not estimate.total.is_signed()
    # Functions are gross; the account's credit takes every request and GB-s back, line by line.
    assert estimate.free_tier.total == -sum((priced.total for priced in estimate.functions), Decimal(0))
    assert estimate.free_tier.requests_used == sum((priced.requests for priced in estimate.functions), Decimal(0))
    assert estimate.free_tier.gb_seconds_used == sum((priced.gb_seconds for priced in estimate.functions), Decimal(0))


@st.composite
def configured_functions(draw: Any) -> dict[str, Any]:
    """test_properties' functions, with provisioned concurrency by day, billed INIT or SnapStart, and sources
    retried until expiry."""
    fn = draw(generated_functions("f"))
    extra = draw(st.sampled_from(["none", "pc", "init", "snapstart"]))
    if extra == "pc":
        fn["provisioned_concurrency"] = {"units": draw(st.integers(1, 100)), "hours_per_day": draw(st.integers(1, 24))}
    elif extra == "init":
        fn.update(runtime="python3.12", init_duration_ms=draw(st.integers(1, 10_000)),
                  cold_start_rate=str(draw(st.decimals(0, 1, places=2))))
    elif extra == "snapstart":
        fn.update(runtime="python3.12", snapstart=True, cold_start_rate=str(draw(st.decimals(0, 1, places=2))))
    if draw(st.booleans()):
        fn["invocations"] = [*fn["invocations"], {"type": "kinesis", "per_month": draw(st.integers(0, 10**9)),
                                                  "batch_size": draw(st.integers(1, 10)), "error_rate": "0.01"}]
    return fn


@PROFILE
@given(configured_functions(), st.sampled_from(["per_month", "memory_mb", "duration_ms", "error_rate"]),
       st.integers(1, 10**9))
def test_cost_never_falls_when_usage_rises_with_every_dimension(fn: dict[str, Any], field: str, bump: int) -> None:
    before = estimate_text(workload_yaml(fn)).total
    raised = {**fn, "invocations": [dict(source) for source in fn["invocations"]]}
    first = raised["invocations"][0]
    if field == "memory_mb":
        raised["memory_mb"] = min(10240, fn["memory_mb"] + bump % 1000 + 1)
    elif field == "duration_ms":
        raised["duration_ms"] = min(fn["error_duration_ms"], fn["duration_ms"] + bump % 1000 + 1)
    elif field == "per_month":
        first["per_month"] += bump
    else:
        first["error_rate"] = str(min(Decimal("0.95"), Decimal(first["error_rate"]) + Decimal("0.01")))
    assert estimate_text(workload_yaml(raised)).total >= before


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Decimal("10.4"), 0, "10"), (Decimal("100.5"), 0, "100"), (Decimal("1234.5678"), 2, "1,234.57"),
    (Decimal("2.50"), 2, "2.5"), (Decimal("10"), 0, "10"), (Decimal("-0.0001"), 2, "0"),
])
def test_readable_keeps_the_zeros_of_whole_numbers(value: Decimal, places: int, shown: str) -> None:
    # With no decimal places, 10.4 was shown as "1": the trailing zero of the whole part was stripped.
    assert readable(value, places) == shown


INHERITED_PC = """\
version: 1
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    provisioned_concurrency: {units: 2, hours_per_month: 730}
    versions:
      v1: {}
      v2: {memory_mb: 2048}
    aliases:
      live: {v1: 50%, v2: 50%}
    invocations:
      - type: sync
        per_month: 1M
        target: live
"""


def test_provisioned_concurrency_inherited_by_several_versions_is_warned_of() -> None:
    # The README's rule bills the function's units once per version; two versions paid for 2 units each silently.
    estimate = estimate_text(INHERITED_PC)
    assert [f.usage.function.label for f in estimate.functions] == ["api:v1", "api:v2"]  # no `api` row
    assert [w.message for w in estimate.warnings] == [
        "provisioned_concurrency is written on the function, so each of its versions (v1, v2) inherits it and is "
        "billed for it; if only one version or alias has it, write it there"]
    assert estimate.warnings[0].where == "test.yaml:6:5 functions[0].provisioned_concurrency"
    # One version with units of its own: only one inherits the function's, which is then no surprise.
    own = estimate_text(INHERITED_PC.replace("v1: {}", "v1: {provisioned_concurrency: {units: 1, hours_per_month: 1}}"))
    assert own.warnings == ()
