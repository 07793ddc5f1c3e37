"""Every billable dimension beyond requests and duration, hand-computed (us-east-1, x86_64 unless said)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import estimate_text, function, item, workload_yaml

from lambda_cost.errors import PricingError, WorkloadError
from lambda_cost.model.estimate import Estimate


def components(estimate: Estimate, label: str) -> list[str]:
    priced = next(f for f in estimate.functions if f.usage.function.label == label)
    return [i.component for i in priced.line_items]


def priced_one(**fields: Any) -> Any:
    return function("fn", fields.pop("memory_mb", 1024), fields.pop("duration_ms", 100), **fields)


def predates(fn: dict[str, Any], pricing: str, arrival: str, **top: Any) -> None:
    """The workload is refused by `pricing`, and the message names the version that brought the dimension."""
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(fn, **top), pricing=pricing)
    problem = caught.value.problems[0]
    assert "predates" in problem.message
    assert problem.hint is not None and f"pricing version {arrival}" in problem.hint
    assert problem.line is not None


# --- 1. Versions and weighted aliases ---------------------------------------------------------------------------

ALIASED = function(
    "api", 1024, 100,
    versions={"v1": {}, "v2": {"memory_mb": 2048}},
    aliases={"live": {"v1": "90%", "v2": 10}},
    invocations=[{"type": "sync", "per_month": 1_000_000, "target": "live"}],
)


def test_alias_splits_attempts_by_weight_into_version_rows() -> None:
    estimate = estimate_text(workload_yaml(ALIASED), free_tier=False)
    assert [f.usage.function.label for f in estimate.functions] == ["api:v1", "api:v2"]
    # v1: 900,000 × 0.1 s × 1 GB = 90,000 GB-s; v2: 100,000 × 0.1 s × 2 GB = 20,000 GB-s.
    assert item(estimate, "api", "requests").quantity == Decimal(900_000)
    v1, v2 = estimate.functions
    assert (v1.gb_seconds, v2.gb_seconds) == (Decimal(90_000), Decimal(20_000))
    # 1M requests × $0.0000002 + 110,000 GB-s × $0.0000166667 = $0.20 + $1.833337
    assert estimate.total == Decimal("2.033337")


def test_a_source_may_target_a_version() -> None:
    fn = {**ALIASED, "invocations": [{"type": "sync", "per_month": 1000, "target": "v2"}]}
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    assert [f.usage.function.label for f in estimate.functions] == ["api:v2"]


def test_weights_not_adding_up_to_100_are_an_error_with_line_and_column() -> None:
    fn = {**ALIASED, "aliases": {"live": {"v1": "90%", "v2": "20%"}}}
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(fn))
    problem = caught.value.problems[0]
    assert "add up to 110%" in problem.message
    assert problem.dotted_path == "functions[0].aliases.live"
    assert problem.line is not None and problem.column is not None


def test_unknown_target_and_unknown_version_are_errors() -> None:
    fn = {**ALIASED, "aliases": {"live": {"v1": 50, "v9": 50}},
          "invocations": [{"type": "sync", "per_month": 1, "target": "liev"}]}
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(fn))
    messages = [p.message for p in caught.value.problems]
    assert "alias 'live' routes to unknown version 'v9'" in messages
    assert "unknown target 'liev'" in messages


# --- 2. Provisioned concurrency ---------------------------------------------------------------------------------

def pc_function(units: int, schedule: dict[str, Any], per_month: int, **fields: Any) -> dict[str, Any]:
    return function("fn", 1024, 1000, provisioned_concurrency={"units": units, **schedule},
                    invocations=[{"type": "sync", "per_month": per_month}], **fields)


def test_provisioned_concurrency_all_month_serves_all_traffic() -> None:
    # 2,628,000 one-second attempts a month need a mean concurrency of 2,628,000 s / 2,628,000 s = 1 (< 10 units).
    estimate = estimate_text(workload_yaml(pc_function(10, {"hours_per_month": 730}, 2_628_000)), free_tier=False)
    pc = item(estimate, "fn", "provisioned_concurrency")
    # 10 units × 1 GB × 730 h × 3600 s = 26,280,000 GB-s × $0.0000041667 = $109.500876
    assert (pc.quantity, pc.cost) == (Decimal(26_280_000), Decimal("109.500876"))
    served = item(estimate, "fn", "provisioned_duration")
    # 2,628,000 s × 1 GB × $0.0000097222 = $25.5499416
    assert (served.quantity, served.cost) == (Decimal(2_628_000), Decimal("25.5499416"))
    assert item(estimate, "fn", "duration_tier_1").quantity == 0
    provisioning = estimate.functions[0].extras.provisioning
    assert provisioning.utilization == Decimal("0.1")
    assert provisioning.spillover_invocations == 0
    # + 2,628,000 requests × $0.0000002 = $0.5256
    assert estimate.total == Decimal("135.5764176")


def test_provisioned_concurrency_schedule_spills_over_to_on_demand() -> None:
    # 10,512,000 one-second attempts need a mean concurrency of 4; 1 unit for 12 h a day covers half the month.
    estimate = estimate_text(workload_yaml(pc_function(1, {"hours_per_day": 12}, 10_512_000)), free_tier=False)
    provisioning = estimate.functions[0].extras.provisioning
    assert provisioning.window_share == Decimal("0.5")
    assert provisioning.utilization == 1
    # In the window: 5,256,000 attempts, a quarter served (1 of 4 needed) and three quarters spill over.
    assert provisioning.served_invocations == Decimal(1_314_000)
    assert provisioning.spillover_invocations == Decimal(3_942_000)
    # 1 unit × 1 GB × 43,200 s a day × 730/24 days = 1,314,000 GB-s
    assert item(estimate, "fn", "provisioned_concurrency").quantity == Decimal(1_314_000)
    assert item(estimate, "fn", "provisioned_duration").quantity == Decimal(1_314_000)
    # On-demand: 10,512,000 − 1,314,000 = 9,198,000 GB-s
    assert item(estimate, "fn", "duration_tier_1").quantity == Decimal(9_198_000)


def test_provisioned_time_is_rounded_up_to_five_minutes() -> None:
    # 0.1 h = 360 s a day, billed as 600 s; × 730/24 days = 18,250 s; × 2 units × 1 GB = 36,500 GB-s.
    estimate = estimate_text(workload_yaml(pc_function(2, {"hours_per_day": "0.1"}, 1000)), free_tier=False)
    assert item(estimate, "fn", "provisioned_concurrency").quantity == Decimal(36_500)


def test_free_tier_does_not_cover_provisioned_concurrency() -> None:
    estimate = estimate_text(workload_yaml(pc_function(10, {"hours_per_month": 730}, 2_628_000)))
    assert item(estimate, "fn", "provisioned_concurrency").cost == Decimal("109.500876")
    assert estimate.free_tier.gb_seconds_used == 0  # nothing ran on demand


def test_alias_provisioned_concurrency_is_shared_by_weight() -> None:
    fn = {**ALIASED, "aliases": {"live": {"v1": 90, "v2": 10,
                                          "provisioned_concurrency": {"units": 10, "hours_per_month": 730}}}}
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    # v1 gets 9 units of 1 GB, v2 1 unit of 2 GB: 9 × 2,628,000 and 2 × 2,628,000 GB-s.
    quantities = [next(i.quantity for i in f.line_items if i.component == "provisioned_concurrency")
                  for f in estimate.functions]
    assert quantities == [Decimal(23_652_000), Decimal(5_256_000)]


def test_provisioned_concurrency_predates_2019_12_03_and_arm64_2021_09_29() -> None:
    predates(pc_function(1, {"hours_per_month": 1}, 1), "2017-07-17", "2019-12-03")
    arm = pc_function(1, {"hours_per_month": 730}, 1, architecture="arm64")
    estimate = estimate_text(workload_yaml(arm), pricing="2021-09-29", free_tier=False)
    assert item(estimate, "fn", "provisioned_concurrency").unit_price == Decimal("0.0000033334")


# --- 3. Cold starts and INIT billing ----------------------------------------------------------------------------

def init_function(**fields: Any) -> dict[str, Any]:
    return priced_one(**{"runtime": "python3.12", "init_duration_ms": 500, "cold_start_rate": "0.01", **fields})


@pytest.mark.parametrize(("pricing", "fields", "gb_seconds"), [
    # 1M × 0.1 s × 1 GB = 100,000 GB-s; 10,000 cold starts × 0.5 s × 1 GB = 5,000 GB-s of INIT.
    ("2025-08-01", {}, 105_000),
    ("2024-11-22", {}, 100_000),  # ZIP on a managed runtime: INIT not billed before 2025-08-01
    ("2024-11-22", {"package_type": "image"}, 105_000),
    ("2024-11-22", {"runtime": "provided.al2023"}, 105_000),
])
def test_init_is_billed_by_the_table_rule(pricing: str, fields: dict[str, Any], gb_seconds: int) -> None:
    estimate = estimate_text(workload_yaml(init_function(**fields)), pricing=pricing, free_tier=False)
    assert estimate.functions[0].gb_seconds == Decimal(gb_seconds)
    assert estimate.functions[0].extras.cold_starts == Decimal(10_000)


def test_init_duration_needs_a_cold_start_figure() -> None:
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(priced_one(init_duration_ms=500)))
    assert "cold_start_rate or cold_starts_per_month" in caught.value.problems[0].message


# --- 4. SnapStart -----------------------------------------------------------------------------------------------

def test_snapstart_python_pays_cache_and_restore() -> None:
    fn = priced_one(runtime="python3.12", snapstart=True, cold_starts_per_month=1000,
                    init_duration_ms=500)
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    # 1 GB × 730 h × 3600 s = 2,628,000 GB-s × $0.0000015046 = $3.9540888
    assert item(estimate, "fn", "snapstart_cache").cost == Decimal("3.9540888")
    # 1000 restores × 1 GB × $0.0001397998 = $0.1397998
    assert item(estimate, "fn", "snapstart_restore").cost == Decimal("0.1397998")
    assert estimate.functions[0].gb_seconds == Decimal(100_000)  # restores replace INIT


def test_snapstart_java_is_free() -> None:
    fn = priced_one(runtime="java21", snapstart=True, cold_starts_per_month=1000)
    assert "snapstart_cache" not in components(estimate_text(workload_yaml(fn)), "fn")


def test_snapstart_predates() -> None:
    predates(priced_one(runtime="java21", snapstart=True), "2022-08-01", "2022-11-28")
    predates(priced_one(runtime="python3.12", snapstart=True), "2023-04-06", "2024-11-18")


def test_snapstart_on_a_runtime_no_table_supports_does_not_say_predates() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(priced_one(runtime="nodejs20.x", snapstart=True)))
    problem = caught.value.problems[0]
    assert problem.message == "no pricing version prices SnapStart for runtime nodejs20.x"
    assert problem.hint is not None and "newer" not in problem.hint


# --- 5. Lambda@Edge ---------------------------------------------------------------------------------------------

EDGE = function("edge", 128, 3, edge={"trigger": "viewer-request"},
                invocations=[{"type": "sync", "per_month": 10_000_000}])


def test_edge_has_its_own_prices_and_no_free_tier() -> None:
    estimate = estimate_text(workload_yaml(EDGE))  # free tier on: it does not apply
    # 10M × $0.60/1M = $6; 10M × 0.003 s × 0.125 GB = 3,750 GB-s × $0.00005001 = $0.1875375
    assert item(estimate, "edge", "edge_requests").cost == Decimal(6)
    assert item(estimate, "edge", "edge_duration").quantity == Decimal(3750)
    assert estimate.total == Decimal("6.1875375")
    assert estimate.free_tier.requests_used == 0


def test_edge_rounds_to_50_ms_before_2021_04_01() -> None:
    estimate = estimate_text(workload_yaml(EDGE), pricing="2020-12-01")
    # 10M × 0.05 s × 0.125 GB = 62,500 GB-s
    assert item(estimate, "edge", "edge_duration").quantity == Decimal(62_500)


def test_edge_viewer_limits_and_arrival() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml({**EDGE, "memory_mb": 256, "architecture": "arm64"}))
    messages = " ".join(p.message for p in caught.value.problems)
    assert "at most 128 MB" in messages and "x86_64 only" in messages
    predates(EDGE, "2014-11-13", "2017-07-17")


def test_edge_origin_limits_are_reported_once_and_in_plain_english() -> None:
    origin = {**EDGE, "edge": {"trigger": "origin-request"}, "memory_mb": 10_240, "duration_ms": 31_000}
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(origin), pricing="2019-12-03")  # origin triggers: 3,008 MB then
    problems = {p.message: p for p in caught.value.problems if "trigger" in p.message}
    assert sorted(problems) == [
        "an origin trigger allows at most 3008 MB, not 10240",
        "an origin trigger runs at most 30000 ms, not 31000",  # error_duration_ms not given: not twice
    ]
    assert sum("trigger" in p.message for p in caught.value.problems) == 2
    assert problems["an origin trigger allows at most 3008 MB, not 10240"].hint == "lower memory_mb"


# --- 6. Response streaming --------------------------------------------------------------------------------------

STREAMING = priced_one(response_streaming={"bytes_per_response": 7 * 2**20},
                       invocations=[{"type": "sync", "per_month": 10_000}])


def test_streaming_bills_bytes_beyond_6_mb_with_a_free_allowance() -> None:
    estimate = estimate_text(workload_yaml(STREAMING), free_tier=False)
    # 10,000 × 1 MiB = 10,000/1024 GB = 9.765625 GB × $0.008 = $0.078125
    assert item(estimate, "fn", "response_streaming").cost == Decimal("0.078125")
    with_free = estimate_text(workload_yaml(STREAMING))
    assert item(with_free, "fn", "free_tier_response_streaming").cost == Decimal("-0.078125")
    predates(STREAMING, "2022-11-28", "2023-04-06")


# --- 7. Async payload size --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("payload_kb", "extra"), [(256, 0), (300, 1), (320, 1), (321, 2), (1000, 12)])
def test_async_payload_counts_a_request_per_64_kb_chunk(payload_kb: int, extra: int) -> None:
    fn = priced_one(invocations=[{"type": "async", "per_month": 1_000_000, "payload_kb": payload_kb}])
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    lines = [i for i in estimate.functions[0].line_items if i.component == "async_payload_requests"]
    assert (lines[0].quantity if lines else 0) == Decimal(1_000_000 * extra)


def test_async_payload_limit_and_arrival() -> None:
    fn = priced_one(invocations=[{"type": "async", "per_month": 1, "payload_kb": 2000}])
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(fn))
    assert "at most 1024 KB" in caught.value.problems[0].message
    predates(priced_one(invocations=[{"type": "async", "per_month": 1, "payload_kb": 300}]), "2025-08-01",
             "2025-10-26")


@pytest.mark.parametrize("payload_kb", [100, 256])
def test_a_payload_within_the_old_256_kb_limit_prices_with_any_version(payload_kb: int) -> None:
    """Before 2025-10-26 an async event could be 256 KB: one request, nothing that version cannot price."""
    fn = priced_one(invocations=[{"type": "async", "per_month": 1_000_000, "payload_kb": payload_kb}])
    estimate = estimate_text(workload_yaml(fn), pricing="2025-08-01", free_tier=False)
    assert components(estimate, "fn") == ["requests", "duration_tier_1"]


# --- 8. Event source mappings in provisioned mode ---------------------------------------------------------------

def test_esm_provisioned_mode_is_priced_per_epu_hour() -> None:
    fn = priced_one(invocations=[
        {"type": "kafka", "per_month": 1000, "max_retry_attempts": 0, "provisioned_mode": {"event_pollers": 2}},
        {"type": "sqs", "per_month": 1000, "max_receive_count": 1,
         "provisioned_mode": {"event_pollers": 2, "hours_per_month": 100}},
    ])
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    lines = [i for i in estimate.functions[0].line_items if i.component == "esm_provisioned"]
    # Kafka: 2 pollers fit one EPU of 10 (AWS's example: 10 pollers / 10 per EPU = 1 EPU): 1 × 730 h × $0.185 =
    # $135.05; SQS: one poller per EPU, 2 × 100 h × $0.00925 = $1.85
    assert [line.cost for line in lines] == [Decimal("135.05"), Decimal("1.85")]
    eleven = priced_one(invocations=[{"type": "msk", "per_month": 1000, "max_retry_attempts": 0,
                                      "provisioned_mode": {"event_pollers": 11, "hours_per_month": 10}}])
    # 11 Kafka pollers need 2 EPUs: 2 × 10 h = 20 EPU-hours × $0.185 = $3.70
    assert item(estimate_text(workload_yaml(eleven)), "fn", "esm_provisioned").cost == Decimal("3.700")
    sqs_only = priced_one(invocations=[{"type": "sqs", "per_month": 1, "provisioned_mode": {"event_pollers": 2}}])
    predates(sqs_only, "2025-10-26", "2025-11-14")


# --- 9. Concurrency ---------------------------------------------------------------------------------------------

def test_peak_concurrency_warns_above_reserved_and_account_limit() -> None:
    # 2,628,000 one-second attempts: mean concurrency 1, × peak-to-average 3 = 3.
    fn = function("fn", 1024, 1000, reserved_concurrency=2, invocations=[{"type": "sync", "per_month": 2_628_000}])
    estimate = estimate_text(workload_yaml(fn, concurrency={"account_limit": 2, "peak_to_average": 3}))
    assert estimate.functions[0].usage.peak_concurrency == 3
    messages = [w.message for w in estimate.warnings]
    assert any("exceeds reserved_concurrency 2" in m for m in messages)
    assert any("above the account limit 2" in m for m in messages)
    assert all("throttled" in m for m in messages)


@pytest.mark.parametrize(("per_month", "warned"), [(1000 * 2_628_000, False), (1001 * 2_628_000, True)])
def test_account_limit_defaults_to_1000_and_peak_to_average_to_1(per_month: int, warned: bool) -> None:
    # One-second attempts: per_month / 2,628,000 s is the mean concurrency, and the peak at the default ratio 1.
    fn = function("fn", 1024, 1000, invocations=[{"type": "sync", "per_month": per_month}])
    estimate = estimate_text(workload_yaml(fn))
    assert estimate.functions[0].usage.peak_concurrency == per_month // 2_628_000
    assert any("above the account limit 1000" in w.message for w in estimate.warnings) is warned


# --- 10. Compute Savings Plans ----------------------------------------------------------------------------------

def test_savings_plan_discounts_duration_and_provisioned_concurrency() -> None:
    fn = pc_function(10, {"hours_per_month": 730}, 2_628_000)
    estimate = estimate_text(workload_yaml(fn, savings_plan={"discount": "0.17"}), free_tier=False)
    line = item(estimate, "fn", "savings_plan")
    # 0.17 × ($109.500876 + $25.5499416 + $0 on-demand duration) = $22.958638992
    assert line.cost == Decimal("-22.958638992")
    assert estimate.total == Decimal("135.5764176") - Decimal("22.958638992")


# --- 11. Related charges ----------------------------------------------------------------------------------------

def test_dead_letters_and_logs_are_related_charges_beside_the_lambda_total() -> None:
    fn = priced_one(log_bytes_per_invocation=1024, invocations=[
        {"type": "async", "per_month": 1_000_000, "error_rate": "0.5", "dead_letter": "sns"}])
    estimate = estimate_text(workload_yaml(fn), free_tier=False)
    related = {i.component: i for i in estimate.functions[0].related_items}
    # 1M × 0.5^3 = 125,000 events lost, one SNS publish each: × $0.0000005 = $0.0625
    assert related["dead_letter_sns_requests"].cost == Decimal("0.0625")
    # 1M × (1 + 0.5 + 0.25) = 1,750,000 invocations × 1024 B = 1,792,000,000 B / 2^30 = 1.6689300537109375 GB × $0.50
    assert related["cloudwatch_logs_ingestion"].cost == Decimal("0.83446502685546875")
    assert estimate.related_total == Decimal("0.89696502685546875")
    assert estimate.grand_total == estimate.total + estimate.related_total
    assert "dead_letter_sns_requests" not in components(estimate, "fn")


def test_sqs_provisioned_mode_needs_two_pollers() -> None:
    fn = priced_one(invocations=[{"type": "sqs", "per_month": 1, "provisioned_mode": {"event_pollers": 1}}])
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(fn))
    assert "at least 2 event pollers" in caught.value.problems[0].message


def test_snapstart_active_hours_needs_snapstart_and_snapstart_needs_no_init_duration() -> None:
    lone = priced_one(runtime="python3.12", snapstart_active_hours=5)
    with pytest.raises(WorkloadError) as raised:
        estimate_text(workload_yaml(lone))
    assert "snapstart_active_hours needs snapstart: true" in str(raised.value.problems)
    # Restores need cold starts, not an INIT duration: 1,000 × 1% = 10 cold starts × 1 GB = 10 GB restored.
    restoring = priced_one(runtime="python3.12", snapstart=True, cold_start_rate="0.01",
                           invocations=[{"type": "sync", "per_month": 1000}])
    assert item(estimate_text(workload_yaml(restoring)), "fn", "snapstart_restore").quantity == 10


def test_traffic_share_concentrates_attempts_in_the_provisioned_hours() -> None:
    # 730,000 attempts of 1 s at 1 GB; 1 unit for 73 h (10% of the month).
    pc = {"units": 1, "hours_per_month": 73}
    month = [{"type": "sync", "per_month": 730_000}]
    spread = priced_one(duration_ms=1000, provisioned_concurrency=pc, invocations=month)
    # Evenly spread: the window sees 73,000 attempts = 73,000 s over 262,800 s: needed 0.2778 < 1, all served.
    provisioning = estimate_text(workload_yaml(spread)).functions[0].extras.provisioning
    assert provisioning.served_invocations == 73_000
    # All in the window: 730,000 s over 262,800 s = needed 2.7778; 1 unit holds 1/2.7778 = 36%: 262,800 served.
    burst = priced_one(duration_ms=1000, provisioned_concurrency={**pc, "traffic_share": 1}, invocations=month)
    provisioning = estimate_text(workload_yaml(burst)).functions[0].extras.provisioning
    assert round(provisioning.needed, 10) == Decimal("2.7777777778")
    assert provisioning.served_invocations == 262_800
    assert provisioning.spillover_invocations == 730_000 - 262_800
