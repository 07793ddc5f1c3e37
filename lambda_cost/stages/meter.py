"""The billable dimensions beyond requests and duration: provisioned concurrency, INIT, SnapStart, streaming, more."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Literal

from lambda_cost.model.priced import Extras, Provisioning
from lambda_cost.model.pricing import Billing
from lambda_cost.model.units import HOURS_PER_MONTH, SECONDS_PER_MONTH
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.workload import ProvisionedConcurrency
from lambda_cost.numbers import ONE, ZERO, exact_sum, quantize
from lambda_cost.stages.fit import init_unbilled

# AWS bills data in binary units: 1 GB = 2^30 bytes (a unit, not a price: the tables say how many are free).
BYTES_PER_GB = Decimal(2**30)
KB = Decimal(1024)


def round_up(value: Decimal, step: int) -> Decimal:
    """A value rounded up to a whole number of steps (billing granularity, 5-minute PC increments)."""
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def configured_seconds(config: ProvisionedConcurrency, rounding_s: int) -> Decimal:
    """Seconds a month one unit is configured: each enabled period rounded up to the table's increment."""
    if config.hours_per_month is not None:
        return round_up(config.hours_per_month * 3600, rounding_s)
    assert config.hours_per_day is not None
    # Multiplying before dividing keeps whole-day schedules exact (730/24 days a month).
    return round_up(config.hours_per_day * 3600, rounding_s) * HOURS_PER_MONTH / 24


def window_share(config: ProvisionedConcurrency) -> Decimal:
    """The share of the month the units are configured, before rounding."""
    if config.hours_per_month is not None:
        return config.hours_per_month / HOURS_PER_MONTH
    assert config.hours_per_day is not None
    return config.hours_per_day / 24


def traffic_share(config: ProvisionedConcurrency) -> Decimal:
    """The share of the configuration's attempts that arrive while the units are configured: as stated, or
    the share of the month they are configured (arrivals spread evenly over the month)."""
    return window_share(config) if config.traffic_share is None else config.traffic_share


def provisioning(
    configs: tuple[ProvisionedConcurrency, ...], invocations: Decimal, billed_seconds: Decimal, rounding_s: int
) -> Provisioning | None:
    """Split the traffic: the PC hours see their share of the attempts (by default their share of the month:
    arrivals spread evenly; or `traffic_share`, such as all of it for a launch-day window); of that, the part the
    units can hold (units / needed concurrency during those hours, at most all) is served, the rest spills over.
    Several configurations (a version's own and its share of an alias's) add their units over the longest window."""
    if not configs:
        return None
    units = exact_sum(config.units for config in configs)
    unit_seconds = exact_sum(config.units * configured_seconds(config, rounding_s) for config in configs)
    window = min(ONE, max(window_share(config) for config in configs))
    share = min(ONE, max(traffic_share(config) for config in configs))
    # Mean concurrency while configured: the billed seconds arriving then, over the seconds of the window.
    needed = billed_seconds * share / (window * SECONDS_PER_MONTH)
    covered = min(ONE, units / needed) if needed else ZERO
    in_window = invocations * share
    return Provisioning(units, unit_seconds, window, share, needed, share * covered, in_window * covered,
                        in_window * (ONE - covered))


def measure(usage: FunctionUsage, billing: Billing, billed_seconds: Decimal, granularity: int) -> Extras:
    """Everything but requests and on-demand duration, in billing units; on-demand seconds are billed_seconds
    × (1 − provisioning.served_share)."""
    spec = usage.function
    gb = Decimal(spec.memory_mb) / KB
    invocations = usage.invocations
    rounding = billing.provisioned_concurrency_rounding_s or 1
    pc = provisioning(spec.provisioned, invocations, billed_seconds, rounding)
    served_share = pc.served_share if pc else ZERO
    if spec.cold_starts_per_month is not None:
        cold_starts = spec.cold_starts_per_month
    else:
        # PC environments are initialised in advance: only on-demand attempts start cold.
        cold_starts = invocations * (ONE - served_share) * (spec.cold_start_rate or ZERO)
    init_seconds = ZERO
    unbilled = init_unbilled(spec, billing)
    if spec.init_duration_ms is not None and unbilled is None:
        init_seconds = cold_starts * round_up(spec.init_duration_ms, granularity) / 1000
    charged_snapstart = spec.snapstart and billing.runtime_family(spec.runtime) in billing.snapstart_charged_runtimes
    # The snapshot is cached while the version is active (the whole month unless the workload says otherwise),
    # billed for at least the table's minimum (3 hours) per version.
    active_hours = HOURS_PER_MONTH if spec.snapstart_active_hours is None else spec.snapstart_active_hours
    cache_hours = max(active_hours, Decimal(billing.snapstart_cache_minimum_hours or 0))
    streamed = ZERO
    if spec.streaming_bytes is not None:
        free_bytes = Decimal(billing.streaming_free_bytes_per_response or 0)
        streamed = invocations * max(spec.streaming_bytes - free_bytes, ZERO) / BYTES_PER_GB
    return Extras(
        edge=spec.edge_trigger is not None,
        extra_requests=quantize(exact_sum(
            source.invocations * payload_chunks(source.payload_kb, billing) for source in usage.sources
        )),
        provisioning=pc,
        pc_gb_seconds=quantize(pc.unit_seconds * gb) if pc else ZERO,
        pc_duration_gb_seconds=quantize(billed_seconds * served_share * gb),
        cold_starts=cold_starts,
        init_gb_seconds=quantize(init_seconds * gb),
        init_unbilled=unbilled if spec.init_duration_ms is not None and cold_starts else None,
        snapstart_cache_gb_seconds=quantize(gb * cache_hours * 3600) if charged_snapstart else ZERO,
        snapstart_restore_gb=quantize(cold_starts * gb) if charged_snapstart else ZERO,
        streamed_gb=quantize(streamed),
        esm_epu_hours=tuple(
            (kind, epus(source.provisioned_mode.event_pollers, kind, billing)
             * source.provisioned_mode.hours_per_month * source.share)
            for source in usage.sources if source.provisioned_mode is not None
            for kind in (_esm_kind(source.type),)
        ),
        dead_letters=_dead_letters(usage),
        log_gb=quantize(invocations * (spec.log_bytes or ZERO) / BYTES_PER_GB),
    )


def epus(pollers: int, kind: Literal["kafka", "sqs"], billing: Billing) -> Decimal:
    """Event poller units a mapping's pollers occupy: whole EPUs of the table's pollers-per-EPU (Kafka 10, SQS 1)."""
    per_epu = (billing.esm_pollers_per_epu or {}).get(kind, 1)
    return round_up(Decimal(pollers), per_epu) / per_epu


def _esm_kind(source_type: str) -> Literal["kafka", "sqs"]:
    return "sqs" if source_type == "sqs" else "kafka"


def payload_chunks(payload_kb: Decimal | None, billing: Billing) -> Decimal:
    """Requests an asynchronous event counts beyond its first: one per further chunk above the base size."""
    rule = billing.async_payload
    if payload_kb is None or rule is None or payload_kb <= rule.base_kb:
        return ZERO
    return round_up(min(payload_kb, Decimal(rule.max_kb)) - rule.base_kb, rule.chunk_kb) / rule.chunk_kb


def _dead_letters(usage: FunctionUsage) -> tuple[tuple[str, Decimal], ...]:
    """Messages each dead-letter service receives: one per item lost, or per batch where a stream's on-failure
    destination gets the failed invocation's record (its batch's metadata)."""
    totals: dict[str, Decimal] = {}
    for source in usage.sources:
        if source.dead_letter is not None and source.lost:
            totals[source.dead_letter] = totals.get(source.dead_letter, ZERO) + source.dead_letters
    return tuple((service, quantize(count)) for service, count in sorted(totals.items()))
