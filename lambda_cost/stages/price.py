"""Usage × a pricing table: billed duration, the shared free tier, tiers per region and architecture."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from lambda_cost.model.priced import Extras, FreeTierUse, LineItem, ModeUse, PricedFunction, component_group
from lambda_cost.model.pricing import PricingTable, RegionRates, Tier
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.value import Value
from lambda_cost.numbers import ARITHMETIC, ZERO, allocate, exact, exact_sum, quantize, readable
from lambda_cost.stages.meter import measure, round_up
from lambda_cost.stages.modes import measure_modes, mode_items
from lambda_cost.stages.related import related_items
from lambda_cost.tables.catalog import ResolvedTable

MILLION = Decimal(1_000_000)
MB_PER_GB = Decimal(1024)
MS_PER_S = Decimal(1000)


def billed_ms(duration_ms: Decimal, granularity_ms: int) -> Decimal:
    """A duration rounded up to the billing granularity (1 ms today, 100 ms before December 2020)."""
    return round_up(duration_ms, granularity_ms)


class _Metered(Value):
    """One function's usage in billing units, before the free tier and tiers."""

    __slots__ = (
        "billed_error_ms",
        "billed_ms",
        "billed_seconds",
        "edge_gb_seconds",
        "extra_storage_mb",
        "extras",
        "gb_seconds",
        "modes",
        "rates",
        "requests",
        "storage_gb_seconds",
        "usage",
    )

    def __init__(
        self,
        usage: FunctionUsage,
        rates: RegionRates,
        requests: Decimal,
        billed_seconds: Decimal,
        gb_seconds: Decimal,
        storage_gb_seconds: Decimal,
        extra_storage_mb: int,
        billed_ms: Decimal,
        billed_error_ms: Decimal,
        extras: Extras,
        edge_gb_seconds: Decimal,
        modes: ModeUse | None,
    ) -> None:
        self.usage = usage
        self.rates = rates
        self.requests = requests
        self.billed_seconds = billed_seconds
        self.gb_seconds = gb_seconds
        self.storage_gb_seconds = storage_gb_seconds
        self.extra_storage_mb = extra_storage_mb
        self.billed_ms = billed_ms
        self.billed_error_ms = billed_error_ms
        self.extras = extras
        self.edge_gb_seconds = edge_gb_seconds  # Lambda@Edge duration: its own price, no free tier, no tiers
        self.modes = modes  # Managed Instances, durable functions, tenant isolation

    @property
    def own_compute(self) -> bool:
        """Whether its compute is not Lambda's on-demand duration (Lambda@Edge, Managed Instances): such a
        configuration has no tiers and takes no part of the free tier."""
        modes = self.modes
        return self.extras.edge or (modes is not None and (modes.managed is not None or modes.microvm is not None))


def _shared(allowance: Decimal, used: list[Decimal]) -> tuple[Decimal, list[Decimal]]:
    """The part of a free allowance the workload uses, and each function's share of it."""
    total = min(allowance, exact_sum(used))
    return total, allocate(total, used)


@exact
def price(
    usages: list[FunctionUsage], resolved: ResolvedTable, free_tier: bool, savings_discount: Decimal = ZERO
) -> tuple[list[PricedFunction], FreeTierUse]:
    """Price every function; the free tier and the tiers are shared across the whole workload."""
    table = resolved.table
    metered = [_meter(usage, table) for usage in usages]

    allowance = table.free_tier
    streaming_allowance = allowance.response_streaming_gb
    free_streaming_total = ZERO
    free_streaming = [ZERO] * len(metered)
    if free_tier:
        # Lambda@Edge and Managed Instances have no free tier: their requests are not weighed (their gb_seconds
        # are zero already). AWS's Managed Instances example deducts none.
        free_requests_total, free_requests = _shared(
            allowance.requests, [ZERO if m.own_compute else m.requests + m.extras.extra_requests for m in metered]
        )
        free_gbs_total, free_gbs = _shared(allowance.gb_seconds, [m.gb_seconds for m in metered])
        if streaming_allowance is not None:
            free_streaming_total, free_streaming = _shared(
                streaming_allowance, [m.extras.streamed_gb for m in metered]
            )
    else:
        free_requests_total = free_gbs_total = ZERO
        free_requests = free_gbs = [ZERO] * len(metered)
    billable = [m.gb_seconds - free for m, free in zip(metered, free_gbs, strict=False)]

    # Tiers count the billable GB-s of all functions of one region and architecture together.
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, m in enumerate(metered):
        groups[(m.usage.region, m.usage.function.architecture)].append(index)
    tier_shares: list[list[Decimal]] = [[] for _ in metered]
    for members in groups.values():
        first = metered[members[0]]
        tiers = first.rates.duration[first.usage.function.architecture]
        in_tier = split_into_tiers(sum((billable[i] for i in members), ZERO), tiers)
        for i, shares in zip(members, share_tiers([billable[i] for i in members], in_tier), strict=True):
            tier_shares[i] = shares

    del billable
    # Each function's intermediate figures leave their lists (popped from the end, hence the reversal) as its
    # priced result is made: a large workload's would otherwise all be in memory beside all the results.
    metered.reverse()
    tier_shares.reverse()
    priced = []
    for i in range(len(metered)):
        priced.append(_line_items(metered.pop(), table, (free_requests[i], free_gbs[i], free_streaming[i]),
                                  tier_shares.pop(), free_tier, savings_discount))
    use = FreeTierUse(
        enabled=free_tier,
        requests_allowance=allowance.requests,
        requests_used=free_requests_total,
        gb_seconds_allowance=allowance.gb_seconds,
        gb_seconds_used=free_gbs_total,
        streaming_gb_allowance=streaming_allowance,
        streaming_gb_used=free_streaming_total,
    )
    return priced, use


def split_into_tiers(total: Decimal, tiers: tuple[Tier, ...]) -> list[Decimal]:
    """How much of a monthly GB-s total falls in each tier, in order."""
    shares = []
    lower = ZERO
    for tier in tiers:
        upper = tier.up_to
        if upper is None:
            shares.append(max(total - lower, ZERO))
            break
        shares.append(min(max(total - lower, ZERO), upper - lower))
        lower = upper
    return shares


def share_tiers(billable: list[Decimal], in_tier: list[Decimal]) -> list[list[Decimal]]:
    """Each function's GB-s in each tier of its group, in proportion to its billable GB-s, adding up exactly both
    ways: to each function's GB-s and to each tier's GB-s (shared function by function, the tiers' sums drifted by
    quanta). Tier by tier, the tier's GB-s are shared in proportion to what each function has left, which no share
    exceeds (largest remainder); the last tier holds exactly what is left."""
    left = list(billable)
    shares: list[list[Decimal]] = [[] for _ in billable]
    for amount in in_tier:
        for index, share in enumerate(allocate(amount, left)):
            shares[index].append(share)
            left[index] -= share
    return shares


def _meter(usage: FunctionUsage, table: PricingTable) -> _Metered:
    function = usage.function
    billing = table.billing
    edge = function.edge_trigger is not None
    granularity = (billing.edge_duration_granularity_ms or 1) if edge else billing.duration_granularity_ms
    if function.durations_billed:  # means of Billed Duration: each attempt was rounded when it was billed
        ok_ms, error_ms = function.duration_ms, function.failed_duration_ms
    else:
        ok_ms = billed_ms(function.duration_ms, granularity)
        error_ms = billed_ms(function.failed_duration_ms, granularity)
    failed = usage.failed_invocations
    invocations = usage.invocations
    succeeded = invocations - failed
    billed_seconds = ARITHMETIC.divide(succeeded * ok_ms + failed * error_ms, MS_PER_S)
    extras = measure(usage, billing, billed_seconds, granularity)
    rates = table.regions[usage.region]
    modes = measure_modes(usage, billing, rates)
    # On Managed Instances the EC2 instances are the compute: no duration or ephemeral storage is billed.
    managed = modes is not None and modes.managed is not None
    gb = ARITHMETIC.divide(Decimal(function.memory_mb), MB_PER_GB)
    # On-demand duration: what provisioned concurrency does not serve, plus billed INIT phases.
    served = extras.provisioning.served_share if extras.provisioning else ZERO
    gb_seconds = quantize(billed_seconds * (1 - served) * gb) + extras.init_gb_seconds
    extra_storage_mb = max(function.ephemeral_storage_mb - billing.ephemeral_storage_included_mb, 0)
    storage_gb_seconds = ZERO if managed else quantize(billed_seconds * Decimal(extra_storage_mb) / MB_PER_GB)
    return _Metered(
        usage=usage,
        rates=rates,
        requests=quantize(invocations),
        billed_seconds=billed_seconds,
        gb_seconds=ZERO if edge or managed else gb_seconds,
        storage_gb_seconds=storage_gb_seconds,
        extra_storage_mb=extra_storage_mb,
        billed_ms=ok_ms,
        billed_error_ms=error_ms,
        extras=extras,
        edge_gb_seconds=gb_seconds if edge else ZERO,
        modes=modes,
    )


def _line_items(
    m: _Metered,
    table: PricingTable,
    free: tuple[Decimal, Decimal, Decimal],
    tier_shares: list[Decimal],
    free_tier: bool,
    savings_discount: Decimal,
) -> PricedFunction:
    free_requests, free_gbs, free_streaming = free
    function = m.usage.function
    architecture = function.architecture
    rates = m.rates
    extras = m.extras
    request_price = rates.requests_per_million / MILLION
    tiers = rates.duration[architecture]
    items: list[LineItem] = []
    if extras.edge:
        assert rates.edge is not None
        edge_request_price = rates.edge.requests_per_million / MILLION
        items.append(LineItem("edge_requests", "Lambda@Edge requests", m.requests, "requests", edge_request_price,
                              m.requests * edge_request_price, _requests_why(rates.edge.requests_per_million)))
        items.append(LineItem("edge_duration", "Lambda@Edge duration", m.edge_gb_seconds, "GB-s",
                              rates.edge.gb_second, m.edge_gb_seconds * rates.edge.gb_second, _EDGE_WHY))
    elif m.modes is None or m.modes.microvm is None:  # a MicroVM serves no Lambda requests
        items.append(LineItem("requests", "Requests", m.requests, "requests", request_price,
                              m.requests * request_price, _requests_why(rates.requests_per_million)))
    if extras.extra_requests:
        items.append(LineItem("async_payload_requests", "Requests for async payload chunks", extras.extra_requests,
                              "requests", request_price, extras.extra_requests * request_price, _PAYLOAD_WHY))
    for number, (tier, quantity) in enumerate(zip(tiers, tier_shares, strict=True), start=1):
        if m.own_compute:
            break
        # The free GB-s are the first of tier 1, credited back on their own line below.
        if number == 1:
            quantity += free_gbs
        if number == 1 or quantity:
            description, why = _tier_text(tiers, number, architecture, m.usage.region)
            items.append(LineItem(f"duration_tier_{number}", description, quantity, "GB-s", tier.price,
                                  quantity * tier.price, why))
    if m.storage_gb_seconds:
        included = table.billing.ephemeral_storage_included_mb
        assert rates.ephemeral_storage is not None
        description, why = _storage_text(included, function.ephemeral_storage_mb)
        items.append(LineItem(
            "ephemeral_storage",
            description,
            m.storage_gb_seconds,
            "GB-s",
            rates.ephemeral_storage,
            m.storage_gb_seconds * rates.ephemeral_storage,
            why,
        ))
    items.extend(_dimension_items(m))
    if m.modes is not None:
        items.extend(mode_items(m.modes, rates, architecture))
    if free_tier and not m.own_compute:
        items.append(LineItem("free_tier_requests", "Free tier: requests", -free_requests, "requests",
                              request_price, -free_requests * request_price,
                              "this function's share of the account's free requests"))
        items.append(LineItem("free_tier_duration", "Free tier: duration", -free_gbs, "GB-s", tiers[0].price,
                              -free_gbs * tiers[0].price,
                              "this function's share of the account's free GB-s, at the tier-1 price"))
    if free_streaming:
        assert rates.response_streaming_per_gb is not None
        items.append(LineItem("free_tier_response_streaming", "Free tier: response streaming", -free_streaming,
                              "GB", rates.response_streaming_per_gb,
                              -free_streaming * rates.response_streaming_per_gb, _FREE_STREAMING_WHY))
    if savings_discount:
        covers = table.billing.savings_plan_covers or ()
        covered = exact_sum(item.cost for item in items if component_group(item.component) in covers)
        if covered:
            items.append(LineItem("savings_plan", "Compute Savings Plan discount", covered, "USD",
                                  -savings_discount, -savings_discount * covered, _SAVINGS_WHY))
    total = sum((item.cost for item in items), ZERO)
    related = related_items(m.usage, extras, rates)
    granularity = (table.billing.edge_duration_granularity_ms or 1) if extras.edge \
        else table.billing.duration_granularity_ms
    return PricedFunction(
        usage=m.usage,
        requests=m.requests,
        billed_seconds=m.billed_seconds,
        gb_seconds=m.gb_seconds + m.edge_gb_seconds,
        storage_gb_seconds=m.storage_gb_seconds,
        free_requests=free_requests,
        free_gb_seconds=free_gbs,
        line_items=tuple(items),
        total=total,
        billed_ms=m.billed_ms,
        billed_error_ms=m.billed_error_ms,
        granularity_ms=granularity,
        extra_storage_mb=m.extra_storage_mb,
        extras=extras,
        related_items=related,
        related_total=exact_sum(item.cost for item in related),
        billed_init_ms=round_up(function.init_duration_ms, granularity)
        if extras.init_gb_seconds and function.init_duration_ms is not None else ZERO,
        modes=m.modes,
    )


def _dimension_items(m: _Metered) -> list[LineItem]:
    """Provisioned concurrency, SnapStart, response streaming and provisioned event pollers, where used."""
    extras = m.extras
    rates = m.rates
    architecture = m.usage.function.architecture
    items = []
    if extras.provisioning is not None:
        assert rates.provisioned_concurrency is not None and rates.provisioned_duration is not None
        pc_price = rates.provisioned_concurrency[architecture]
        pd_price = rates.provisioned_duration[architecture]
        items.append(LineItem("provisioned_concurrency", "Provisioned concurrency", extras.pc_gb_seconds, "GB-s",
                              pc_price, extras.pc_gb_seconds * pc_price, _PC_WHY))
        items.append(LineItem("provisioned_duration", "Duration served by provisioned concurrency",
                              extras.pc_duration_gb_seconds, "GB-s", pd_price,
                              extras.pc_duration_gb_seconds * pd_price, _PD_WHY))
    if extras.snapstart_cache_gb_seconds:
        assert rates.snapstart is not None
        cache, restore = rates.snapstart.cache_gb_second, rates.snapstart.restore_gb
        items.append(LineItem("snapstart_cache", "SnapStart cache", extras.snapstart_cache_gb_seconds, "GB-s",
                              cache, extras.snapstart_cache_gb_seconds * cache, _CACHE_WHY))
        items.append(LineItem("snapstart_restore", "SnapStart restore", extras.snapstart_restore_gb, "GB",
                              restore, extras.snapstart_restore_gb * restore, _RESTORE_WHY))
    if extras.streamed_gb:
        assert rates.response_streaming_per_gb is not None
        items.append(LineItem("response_streaming", "Response streaming beyond the free bytes per response",
                              extras.streamed_gb, "GB", rates.response_streaming_per_gb,
                              extras.streamed_gb * rates.response_streaming_per_gb, _STREAMING_WHY))
    for kind, hours in extras.esm_epu_hours:
        assert rates.esm_provisioned_epu_hour is not None
        epu_price = rates.esm_provisioned_epu_hour[kind]  # type: ignore[index]
        items.append(LineItem("esm_provisioned", f"Event pollers in provisioned mode ({kind})", hours,
                              "EPU-hours", epu_price, hours * epu_price, _ESM_WHY))
    return items


# Line items the Compute Savings Plan discounts: on-demand duration, provisioned concurrency and its duration.
_SAVINGS_WHY = "the discount rate × the cost of duration, provisioned concurrency and provisioned duration"
_EDGE_WHY = "billed seconds × memory GB at the Lambda@Edge rate (no free tier, no tiers)"
_PAYLOAD_WHY = "async attempts × the 64 KB chunks their payload has beyond the first 256 KB"
_PC_WHY = "units × memory GB × configured seconds (each period rounded up to the table's increment)"
_PD_WHY = "billed seconds of the attempts provisioned concurrency serves × memory GB"
_CACHE_WHY = "memory GB × the hours the version is active (730 unless snapstart_active_hours, at least the table's " \
    "minimum) × 3600"
_RESTORE_WHY = "cold starts × memory GB restored"
_STREAMING_WHY = "responses × bytes beyond the free bytes of each response / 2^30"
_FREE_STREAMING_WHY = "this function's share of the account's free streamed GB"
_ESM_WHY = "EPUs (event pollers / pollers per EPU, rounded up) × hours a month"


# Texts shared by many line items are made once: a large workload holds one copy, not one per function.
@lru_cache(maxsize=64)
def _requests_why(per_million: Decimal) -> str:
    return f"billed invocations at ${per_million} per 1M"


@lru_cache(maxsize=1024)
def _storage_text(included_mb: int, configured_mb: int) -> tuple[str, str]:
    return (
        f"Ephemeral storage above {included_mb} MB",
        f"billed seconds × ({configured_mb} − {included_mb}) MB / 1024",
    )


@lru_cache(maxsize=256)
def _tier_text(tiers: tuple[Tier, ...], number: int, architecture: str, region: str) -> tuple[str, str]:
    """A tier line's description and explanation (the same for every function of a group: cached)."""
    lower = tiers[number - 2].up_to if number > 1 else ZERO
    assert lower is not None
    bounds = _tier_bounds(lower, tiers[number - 1].up_to) if len(tiers) > 1 else "all GB-s"
    return (
        f"Duration, tier {number} ({bounds}, {architecture})",
        f"this function's share of the {region} {architecture} GB-s in tier {number}",
    )


def _tier_bounds(lower: Decimal, upper: Decimal | None) -> str:
    def short(value: Decimal) -> str:
        for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
            if value >= size:
                return readable(value / size, 2) + suffix
        return readable(value)

    if upper is None:
        return f"over {short(lower)} GB-s"
    return f"{short(lower)}–{short(upper)} GB-s"
