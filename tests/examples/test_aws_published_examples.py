"""Every worked example AWS publishes for Lambda pricing, priced end to end and compared to the cent.

AWS rounds each part to cents and sums the rounded parts, so each test compares every component AWS gives
(rounded to cents) and the total AWS states. The expected figures are AWS's own, quoted in each docstring;
where a figure follows from AWS's text by hand, the comment shows the arithmetic. Nothing here is copied
from lambda-cost's output.

Sources:
- PRICING_PAGE: the AWS Lambda pricing page as published today (examples for functions, ephemeral storage,
  provisioned concurrency, SnapStart, response streaming, provisioned mode for event source mappings and
  Lambda@Edge), read in a public copy of https://aws.amazon.com/lambda/pricing/ that names its source.
- The same page before December 2020 (100 ms billing, $0.00001667 per GB-s; Lambda@Edge in 50 ms steps),
  read in public copies of https://aws.amazon.com/lambda/pricing/ from that time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from conftest import cents, estimate_text, function, item, workload_yaml

from lambda_cost.model.estimate import Estimate

PRICING_PAGE = "https://aws.amazon.com/lambda/pricing/"
BEFORE_DECEMBER_2020 = dt.date(2020, 6, 1)  # the old page: 100 ms billing, Lambda@Edge in 50 ms steps


def component(estimate: Estimate, name: str, *components: str) -> Decimal:
    """The exact cost of some components of one configuration (a function, or `fn:version`), summed; free_tier_*
    components are the account's credit (these examples price one function, or credit the account's whole)."""
    priced = next(f for f in estimate.functions if f.usage.function.label == name)
    return sum((i.cost for i in (*priced.line_items, *estimate.free_tier.items) if i.component in components),
               Decimal(0))


def total_of(estimate: Estimate, *components: str) -> Decimal:
    """The exact cost of some components over every configuration of the workload and the free-tier credit."""
    items = [i for f in estimate.functions for i in f.line_items] + list(estimate.free_tier.items)
    return sum((i.cost for i in items if i.component in components), Decimal(0))


DURATION = ("duration_tier_1", "duration_tier_2", "duration_tier_3", "free_tier_duration")
REQUESTS = ("requests", "free_tier_requests")


def sync(per_month: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"type": "sync", "per_month": per_month, **fields}]


# --- Lambda functions (PRICING_PAGE, "Lambda Functions Pricing" and "Lambda Ephemeral Storage Pricing") ---


def test_example_1_mobile_application_backend() -> None:
    """AWS: 3 million requests a month of 120 ms at 1536 MB (x86): 540,000 GB-s - 400,000 free = 140,000 GB-s
    x $0.0000166667 = $2.33; 3M - 1M free requests = 2M x $0.2/M = $0.40; total $2.73 a month.
    https://aws.amazon.com/lambda/pricing/ (Example 1: Mobile application backend)"""
    estimate = estimate_text(workload_yaml(function("f", 1536, 120, invocations=sync(3_000_000))))
    assert cents(component(estimate, "f", *DURATION)) == Decimal("2.33")
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("0.40")
    assert cents(estimate.total) == Decimal("2.73")


def test_example_2_enriching_streaming_telemetry() -> None:
    """AWS: 10,000 vehicles x 24 x 31 = 7,440,000 messages a month, each a 2 s invocation at 1 GB (x86):
    7.44M x $0.20/M = $1.49; 14.88M GB-s x $0.0000166667 = $248.00; total $249.49 (AWS deducts no free tier).
    https://aws.amazon.com/lambda/pricing/ (Example 2: Enriching streaming telemetry with additional metadata)"""
    estimate = estimate_text(workload_yaml(function("f", 1024, 2000, invocations=sync(7_440_000))), free_tier=False)
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("1.49")  # 1.488
    assert cents(component(estimate, "f", *DURATION)) == Decimal("248.00")  # 248.000496
    assert cents(estimate.total) == Decimal("249.49")


def test_example_3_ml_on_support_tickets_with_ephemeral_storage() -> None:
    """AWS: 6M requests of 280 ms at 4096 MB (x86) with 2048 MB of ephemeral storage: 6,720,000 - 400,000 free
    = 6,320,000 GB-s x $0.0000166667 = $105.33; 5M billable requests = $1; (2048 - 512) MB x 1,680,000 s =
    2,520,000 GB-s x $0.0000000309 = $0.08; total $106.41.
    https://aws.amazon.com/lambda/pricing/ (Example 3: Performing ML on customer support tickets)"""
    workload = workload_yaml(function("f", 4096, 280, ephemeral_storage_mb=2048, invocations=sync(6_000_000)))
    estimate = estimate_text(workload)
    assert cents(component(estimate, "f", *DURATION)) == Decimal("105.33")
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("1.00")
    assert item(estimate, "f", "ephemeral_storage").quantity == Decimal(2_520_000)
    assert cents(component(estimate, "f", "ephemeral_storage")) == Decimal("0.08")
    assert cents(estimate.total) == Decimal("106.41")


# --- Provisioned concurrency (PRICING_PAGE, "Provisioned Concurrency Pricing") ---


def test_provisioned_concurrency_example_1_mobile_application_launch() -> None:
    """AWS: 3M requests a month at 1536 MB (x86); on launch day, noon to 8 p.m., Provisioned Concurrency 100
    serves 500,000 requests of 100 ms; the other 2.5M requests of 120 ms run on demand. PC: 150 GB x 28,800 s
    = 4.32M GB-s x $0.0000041667 = $18; requests 3M - 1M free = $0.40; PC duration 75,000 GB-s x $0.0000097222
    = $0.73; on-demand 450,000 - 400,000 free = 50,000 GB-s x $0.0000166667 = $0.83; total $19.96.
    https://aws.amazon.com/lambda/pricing/ (Provisioned Concurrency, Example 1: Mobile application launch)

    The launch traffic all arrives in the 8 PC hours: `traffic_share: 1` says so (by default lambda-cost spreads
    a configuration's traffic evenly over the month, and the 8 hours would see 8/730 of it)."""
    launch = {"duration_ms": 100, "provisioned_concurrency": {"units": 100, "hours_per_month": 8, "traffic_share": 1}}
    workload = workload_yaml(function(
        "app", 1536, 120, versions={"launch": launch},
        invocations=[*sync(2_500_000), *sync(500_000, target="launch")],
    ))
    estimate = estimate_text(workload)
    assert cents(component(estimate, "app:launch", "provisioned_concurrency")) == Decimal("18.00")  # 18.000144
    assert cents(total_of(estimate, *REQUESTS)) == Decimal("0.40")
    assert cents(component(estimate, "app:launch", "provisioned_duration")) == Decimal("0.73")  # 0.729165
    assert cents(total_of(estimate, *DURATION)) == Decimal("0.83")  # 0.833335
    assert cents(estimate.total) == Decimal("19.96")


def test_provisioned_concurrency_example_2_cyber_monday() -> None:
    """AWS: 2M requests of 280 ms at 4096 MB (x86) during a 24-hour sale with Provisioned Concurrency 7:
    28 GB x 86,400 s = 2,419,200 GB-s x $0.0000041667 = $10.08; 2,240,000 GB-s x $0.0000097222 = $21.78;
    2M x $0.2/M = $0.40; total $32.26 (AWS deducts no free tier here).
    https://aws.amazon.com/lambda/pricing/ (Provisioned Concurrency, Example 2: Cyber Monday)"""
    pc = {"units": 7, "hours_per_month": 24, "traffic_share": 1}
    workload = workload_yaml(function("f", 4096, 280, provisioned_concurrency=pc, invocations=sync(2_000_000)))
    estimate = estimate_text(workload, free_tier=False)
    assert cents(component(estimate, "f", "provisioned_concurrency")) == Decimal("10.08")  # 10.08008064
    assert cents(component(estimate, "f", "provisioned_duration")) == Decimal("21.78")  # 21.777728
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("0.40")
    assert component(estimate, "f", *DURATION) == 0  # the 7 units hold all of it: 560,000 s / 86,400 s = 6.48
    assert cents(estimate.total) == Decimal("32.26")


# --- SnapStart (PRICING_PAGE, "SnapStart Pricing") ---


def test_snapstart_enriching_streaming_telemetry() -> None:
    """AWS: the telemetry function (7.44M requests of 2 s at 1 GB, x86) with SnapStart on its one version, 1%
    of requests restoring a snapshot: requests $1.49; compute $248.00; cache 1 GB x 24 h x 31 days x 3600 s =
    2,678,400 GB-s x $0.0000015046 = $4.03; restore 74,400 GB x $0.0001397998 = $10.4; total $263.92.
    https://aws.amazon.com/lambda/pricing/ (SnapStart, Pricing Example: Enriching streaming telemetry)

    AWS's month here has 31 days (744 hours), the version active all of it: `snapstart_active_hours: 744`."""
    workload = workload_yaml(function(
        "f", 1024, 2000, runtime="python3.12", snapstart=True, snapstart_active_hours=744, cold_start_rate="0.01",
        invocations=sync(7_440_000),
    ))
    estimate = estimate_text(workload, free_tier=False)
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("1.49")
    assert cents(component(estimate, "f", *DURATION)) == Decimal("248.00")
    assert item(estimate, "f", "snapstart_cache").quantity == Decimal(2_678_400)
    assert cents(component(estimate, "f", "snapstart_cache")) == Decimal("4.03")  # 4.02992064
    assert item(estimate, "f", "snapstart_restore").quantity == Decimal(74_400)
    assert cents(component(estimate, "f", "snapstart_restore")) == Decimal("10.40")  # 10.40110512
    assert cents(estimate.total) == Decimal("263.92")


def test_snapstart_cache_minimum_of_three_hours() -> None:
    """AWS: "You are charged for caching a snapshot over the period that your function version is active, for a
    minimum of 3 hours and per millisecond thereafter." A version active 1 hour pays 3 hours: by hand,
    2 GB x 3 h x 3600 s = 21,600 GB-s x $0.0000015046 = $0.0324994 (AWS states the rule, not this figure).
    https://aws.amazon.com/lambda/pricing/ (SnapStart Pricing)"""
    workload = workload_yaml(function(
        "f", 2048, 100, runtime="python3.12", snapstart=True, snapstart_active_hours=1, invocations=sync(1000),
    ))
    cache = item(estimate_text(workload), "f", "snapstart_cache")
    assert cache.quantity == Decimal(21_600)
    assert cache.cost == Decimal("0.0324993600")


# --- Response streaming (PRICING_PAGE, "Lambda HTTP Response Stream Pricing") ---


def test_response_streaming_server_side_rendering() -> None:
    """AWS: 3M requests of 500 ms at 1536 MB (x86), the first 2M streaming 100 KB each and the last 1M 7 MB
    each, the 100 GB of free streaming already used: compute 2,250,000 - 400,000 free = 1,850,000 GB-s x
    $0.0000166667 = $30.83; requests 2M billable = $0.40; 1M x (7 MB - 6 MB) = 976.56 GB x $0.008 = $7.81;
    total $39.04. https://aws.amazon.com/lambda/pricing/ (Pricing Example: Streaming Server Side Rendered Web
    Content)

    Two functions carry the two response sizes (the 6 MB are free per response, so a mean size would not do);
    they share the free tier and the tiers as one function would. The workload says what AWS assumes: the
    streaming allowance is used elsewhere, the compute free tier is not."""
    page = {"response_streaming": {"bytes_per_response": 100 * 1024}}
    big = {"response_streaming": {"bytes_per_response": 7 * 1024 * 1024}}
    workload = workload_yaml(
        function("small", 1536, 500, invocations=sync(2_000_000), **page),
        function("large", 1536, 500, invocations=sync(1_000_000), **big),
        free_tier={"used_elsewhere": {"response_streaming_gb": "exhausted"}},
    )
    estimate = estimate_text(workload)
    assert cents(total_of(estimate, *DURATION)) == Decimal("30.83")  # 30.833395
    assert cents(total_of(estimate, *REQUESTS)) == Decimal("0.40")
    assert item(estimate, "large", "response_streaming").quantity == Decimal("976.5625")
    assert cents(total_of(estimate, "response_streaming")) == Decimal("7.81")  # 7.8125
    # No free streaming is credited: the allowance is used elsewhere, as AWS assumes.
    assert not [i for i in estimate.free_tier.items if i.component == "free_tier_response_streaming"]
    assert estimate.free_tier.streaming_gb is not None and estimate.free_tier.streaming_gb.credited == 0
    # AWS adds its rounded parts: 30.83 + 0.40 + 7.81 = 39.04 (the exact sum, 39.045895, rounds to 39.05).
    parts = (total_of(estimate, *DURATION), total_of(estimate, *REQUESTS), total_of(estimate, "response_streaming"))
    assert sum(cents(part) for part in parts) == Decimal("39.04")
    assert estimate.total == sum(parts) == Decimal("39.045895")


def test_response_streaming_example_with_the_whole_free_tier() -> None:
    """The same workload with the whole free tier left to it: the 100 free GB of streaming are credited too,
    100 GB x $0.008 = $0.80, which AWS's example (its allowance used elsewhere) does not."""
    page = {"response_streaming": {"bytes_per_response": 100 * 1024}}
    big = {"response_streaming": {"bytes_per_response": 7 * 1024 * 1024}}
    estimate = estimate_text(workload_yaml(
        function("small", 1536, 500, invocations=sync(2_000_000), **page),
        function("large", 1536, 500, invocations=sync(1_000_000), **big),
    ))
    assert total_of(estimate, "free_tier_response_streaming") == Decimal("-0.800")
    assert estimate.total == Decimal("39.045895") - Decimal("0.8")


# --- Provisioned mode for event source mappings (PRICING_PAGE, "Provisioned Mode for ESM Pricing") ---


def test_esm_provisioned_mode_example_1_kafka() -> None:
    """AWS: an MSK mapping in provisioned mode feeding a 1,024 MB (x86) function of 2 s, 1M invocations a day
    for 30 days: 60,000,000 - 400,000 free = 59,600,000 GB-s x $0.0000166667 = $993.3; 800 EPU-hours x $0.185
    = $148. https://aws.amazon.com/lambda/pricing/ (Provisioned Mode for ESM, Pricing Example 1)

    Not compared: AWS's request line ("60M requests x $0.20 = $12.00") counts 60M requests where its own text
    has 30M invocations (1M a day x 30), and its total ($1,153.3) carries that figure. The 800 EPU-hours come
    from autoscaling, which lambda-cost does not model: 20 pollers (2 EPUs of 10) for 400 hours bill the same."""
    source = {"type": "msk", "per_month": 30_000_000, "batch_size": 1, "max_retry_attempts": 0,
              "provisioned_mode": {"event_pollers": 20, "hours_per_month": 400}}
    estimate = estimate_text(workload_yaml(function("f", 1024, 2000, invocations=[source])))
    assert cents(component(estimate, "f", *DURATION)) == Decimal("993.34")  # 993.33532; AWS writes $993.3
    assert item(estimate, "f", "esm_provisioned").quantity == Decimal(800)
    assert cents(component(estimate, "f", "esm_provisioned")) == Decimal("148.00")


def test_esm_provisioned_mode_example_2_sqs() -> None:
    """AWS: an SQS mapping in provisioned mode (10 minimum pollers, scaling to 8,000 EPU-hours a month) feeding
    a 1,024 MB (x86) function of 1 s, 1M invocations a day for 30 days: 30M GB-s x $0.0000166667 = $500;
    30M requests x $0.20/M = $6; 8000 EPU-hours x $0.00925 = $74; total $580 (no free tier deducted).
    https://aws.amazon.com/lambda/pricing/ (Provisioned Mode for ESM, Pricing Example 2)

    An SQS EPU is one poller; 16 pollers for 500 hours bill AWS's 8,000 EPU-hours."""
    source = {"type": "sqs", "per_month": 30_000_000, "batch_size": 1, "max_receive_count": 3,
              "provisioned_mode": {"event_pollers": 16, "hours_per_month": 500}}
    estimate = estimate_text(workload_yaml(function("f", 1024, 1000, invocations=[source])), free_tier=False)
    assert cents(component(estimate, "f", *DURATION)) == Decimal("500.00")  # 500.001
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("6.00")
    assert item(estimate, "f", "esm_provisioned").quantity == Decimal(8000)
    assert cents(component(estimate, "f", "esm_provisioned")) == Decimal("74.00")
    assert cents(estimate.total) == Decimal("580.00")


def test_esm_provisioned_mode_example_3_kafka_poller_group() -> None:
    """AWS: ten Kafka mappings of 1 poller each, grouped to share EPUs, each feeding 1M invocations a day of
    0.2 s at 1,024 MB (x86) for 30 days: 60,000,000 GB-s x $0.0000166667 = $1,000; 300M requests = $60;
    10 pollers / 10 pollers per EPU = 1 EPU x 720 hours = 720 EPU-hours x $0.185 = $133.2; total $1,193.2.
    https://aws.amazon.com/lambda/pricing/ (Provisioned Mode for ESM, Pricing Example 3)

    lambda-cost has no poller groups: the group is written as one mapping with its 10 pollers and the ten
    mappings' records. AWS deducts no free tier here."""
    source = {"type": "kafka", "per_month": 300_000_000, "batch_size": 1, "max_retry_attempts": 0,
              "provisioned_mode": {"event_pollers": 10, "hours_per_month": 720}}
    estimate = estimate_text(workload_yaml(function("f", 1024, 200, invocations=[source])), free_tier=False)
    assert cents(component(estimate, "f", *DURATION)) == Decimal("1000.00")  # 1,000.002
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("60.00")
    assert item(estimate, "f", "esm_provisioned").quantity == Decimal(720)
    assert cents(component(estimate, "f", "esm_provisioned")) == Decimal("133.20")
    assert cents(estimate.total) == Decimal("1193.20")


# --- Lambda@Edge (PRICING_PAGE, "Lambda@Edge Pricing") ---


def edge_workload(duration_ms: int) -> str:
    return workload_yaml(function(
        "edge", 128, duration_ms, edge={"trigger": "viewer-request"}, invocations=sync(10_000_000),
    ))


def test_lambda_at_edge_today() -> None:
    """AWS: a Lambda@Edge function executed 10 million times in one month for 10 ms each: 100,000 s x
    $0.00000625125 per 128 MB-second = $0.63; 10M x $0.6/M = $6.00; total $6.63.
    https://aws.amazon.com/lambda/pricing/ (Lambda@Edge Pricing Example)"""
    estimate = estimate_text(edge_workload(10))
    assert cents(component(estimate, "edge", "edge_duration")) == Decimal("0.63")  # 0.625125
    assert cents(component(estimate, "edge", "edge_requests")) == Decimal("6.00")
    assert cents(estimate.total) == Decimal("6.63")


def test_lambda_at_edge_before_1_ms_billing() -> None:
    """AWS (the page before April 2021): executed 10 million times in one month for 50 ms each: 500,000 s x
    $0.00000625125 = $3.13; 10M x $0.6/M = $6.00; total $9.13 per month.
    https://aws.amazon.com/lambda/pricing/ (as published before 2021-04-01)"""
    estimate = estimate_text(edge_workload(50), as_of=BEFORE_DECEMBER_2020)
    assert cents(component(estimate, "edge", "edge_duration")) == Decimal("3.13")  # 3.125625
    assert cents(component(estimate, "edge", "edge_requests")) == Decimal("6.00")
    assert cents(estimate.total) == Decimal("9.13")


def test_lambda_at_edge_10_ms_rounded_to_50_ms_before_april_2021() -> None:
    """The same 10 ms function priced by the 50 ms rule in force before 2021-04-01 bills 50 ms: AWS's
    $9.13 figure above, where today's 1 ms rule gives $6.63."""
    assert cents(estimate_text(edge_workload(10), as_of=BEFORE_DECEMBER_2020).total) == Decimal("9.13")


# --- The page before December 2020 (100 ms billing, $0.00001667 per GB-s) ---


def test_classic_example_1() -> None:
    """AWS: 512 MB, executed 3 million times in one month, 1 s each: 1,500,000 - 400,000 free = 1,100,000 GB-s
    x $0.00001667 = $18.34; 2M billable requests x $0.2/M = $0.40; total $18.74 per month.
    https://aws.amazon.com/lambda/pricing/ (Example 1, as published before December 2020)"""
    estimate = estimate_text(workload_yaml(function("f", 512, 1000, invocations=sync(3_000_000))),
                             as_of=BEFORE_DECEMBER_2020)
    assert cents(component(estimate, "f", *DURATION)) == Decimal("18.34")  # 18.337
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("0.40")
    assert cents(estimate.total) == Decimal("18.74")


def test_classic_example_2() -> None:
    """AWS: 128 MB, executed 30 million times in one month, 200 ms each. The stored copy of the old page breaks
    off after this sentence; by AWS's rules: 30M x 0.2 s x 128/1024 = 750,000 - 400,000 free = 350,000 GB-s x
    $0.00001667 = $5.83 (5.8345); 29M billable requests x $0.2/M = $5.80; total $11.63.
    https://aws.amazon.com/lambda/pricing/ (Example 2, as published before December 2020)"""
    estimate = estimate_text(workload_yaml(function("f", 128, 200, invocations=sync(30_000_000))),
                             as_of=BEFORE_DECEMBER_2020)
    assert cents(component(estimate, "f", *DURATION)) == Decimal("5.83")
    assert cents(component(estimate, "f", *REQUESTS)) == Decimal("5.80")
    assert cents(estimate.total) == Decimal("11.63")


def test_the_streaming_example_file_prices_as_aws_does() -> None:
    """examples/streaming-ssr.yaml is AWS's streaming example as a user writes it: $30.83 + $0.40 + $7.81 = $39.04,
    the streaming free tier used elsewhere (no free streaming credited), the compute free tier applied."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "examples" / "streaming-ssr.yaml").read_text()
    estimate = estimate_text(text)
    parts = (total_of(estimate, *DURATION), total_of(estimate, *REQUESTS), total_of(estimate, "response_streaming"))
    assert [cents(part) for part in parts] == [Decimal("30.83"), Decimal("0.40"), Decimal("7.81")]
    assert sum(cents(part) for part in parts) == Decimal("39.04")
    assert estimate.total == Decimal("39.045895")
    free = estimate.free_tier
    assert free.streaming_gb is not None and free.streaming_gb.elsewhere is None and free.streaming_gb.credited == 0
    assert (free.requests.credited, free.gb_seconds.credited) == (Decimal(1_000_000), Decimal(400_000))
