"""Usage × a pricing table: billed duration, tiers per region and architecture, the account's free-tier credit."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from lambda_cost.model.priced import (
    Allowance,
    CreditItem,
    Extras,
    FreeTierUse,
    LineItem,
    ModeUse,
    PricedFunction,
    component_group,
)
from lambda_cost.model.pricing import PricingTable, RegionRates, Tier
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.value import Value
from lambda_cost.model.workload import FreeTier
from lambda_cost.numbers import ARITHMETIC, ZERO, allocate, exact, exact_sum, per_one, quantize, readable
from lambda_cost.stages.meter import measure, round_up
from lambda_cost.stages.modes import measure_modes, mode_items
from lambda_cost.stages.related import related_items
from lambda_cost.tables.catalog import ResolvedTable

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


def _shared(allowance: Allowance, used: list[Decimal]) -> list[Decimal]:
    """Each function's part of the free quantity the workload is credited, in proportion to its usage: the credit
    is priced at the price of the usage it covers (the tier-1 price of its region and architecture)."""
    return allocate(allowance.credited, used)


@exact
def price(
    usages: list[FunctionUsage],
    resolved: ResolvedTable,
    free_tier: FreeTier | None,
    savings_discount: Decimal = ZERO,
) -> tuple[list[PricedFunction], FreeTierUse]:
    """Price every function gross; the free tier is the account's one credit, and tiers are shared across the
    workload. `free_tier` None: no free tier; else what other usage of the account takes of it."""
    table = resolved.table
    metered = [_meter(usage, table) for usage in usages]

    allowance = table.free_tier
    used = free_tier.used_elsewhere if free_tier is not None else None

    def component(amount: Decimal, name: str, eligible: list[Decimal]) -> Allowance:
        return Allowance(amount, ZERO if used is None else used.elsewhere(name), exact_sum(eligible))

    # Lambda@Edge and Managed Instances have no free tier: their requests are not weighed (their gb_seconds are
    # zero already). AWS's Managed Instances example deducts none.
    eligible_requests = [ZERO if m.own_compute else m.requests + m.extras.extra_requests for m in metered]
    eligible_gbs = [m.gb_seconds for m in metered]
    eligible_streaming = [m.extras.streamed_gb for m in metered]
    requests = component(allowance.requests, "requests", eligible_requests)
    gb_seconds = component(allowance.gb_seconds, "gb_seconds", eligible_gbs)
    streaming = None if allowance.response_streaming_gb is None else component(
        allowance.response_streaming_gb, "response_streaming_gb", eligible_streaming)
    none = [ZERO] * len(metered)
    on = free_tier is not None
    free_requests = _shared(requests, eligible_requests) if on else none
    free_gbs = _shared(gb_seconds, eligible_gbs) if on else list(none)
    free_streaming = _shared(streaming, eligible_streaming) if on and streaming is not None else none
    del eligible_requests, eligible_streaming
    billable = [m.gb_seconds - free for m, free in zip(metered, free_gbs, strict=False)]
    del eligible_gbs

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
    credit = _Credit()
    if on:
        for i, m in enumerate(metered):
            credit.add(m, free_requests[i], free_gbs[i], free_streaming[i])
    # Each function's intermediate figures leave their lists (popped from the end, hence the reversal) as its
    # priced result is made: a large workload's would otherwise all be in memory beside all the results.
    metered.reverse()
    tier_shares.reverse()
    free = list(zip(free_requests, free_gbs, free_streaming, strict=True))
    free.reverse()
    del free_requests, free_gbs, free_streaming
    priced = []
    for _ in range(len(metered)):
        priced.append(_line_items(metered.pop(), table, free.pop(), tier_shares.pop(), savings_discount))
    use = FreeTierUse(
        enabled=on,
        requests=requests,
        gb_seconds=gb_seconds,
        streaming_gb=streaming,
        items=credit.items(savings_discount, table.billing.savings_plan_covers or ()),
    )
    return priced, use


class _Credit:
    """The account's free-tier credit, added up per component, region and architecture (the price it is at)."""

    def __init__(self) -> None:
        # (component, region, architecture) -> (unit, unit price, free quantities)
        self.lines: dict[tuple[str, str, str], tuple[str, Decimal, list[Decimal]]] = {}

    def add(self, m: _Metered, requests: Decimal, gb_seconds: Decimal, streaming_gb: Decimal) -> None:
        rates, region, architecture = m.rates, m.usage.region, m.usage.function.architecture
        if not m.own_compute:
            self._add("free_tier_requests", region, architecture, "requests",
                      per_one(rates.requests_per_million), requests)
            self._add("free_tier_duration", region, architecture, "GB-s",
                      rates.duration[architecture][0].price, gb_seconds)
        if streaming_gb:
            assert rates.response_streaming_per_gb is not None
            self._add("free_tier_response_streaming", region, architecture, "GB", rates.response_streaming_per_gb,
                      streaming_gb)

    def _add(self, component: str, region: str, architecture: str, unit: str, unit_price: Decimal,
             quantity: Decimal) -> None:
        line = self.lines.setdefault((component, region, architecture), (unit, unit_price, []))
        line[2].append(quantity)

    def items(self, savings_discount: Decimal, covers: tuple[str, ...]) -> tuple[CreditItem, ...]:
        """The credit's lines in a fixed order (component, region, architecture); where a Compute Savings Plan
        discounts what the free usage covers, the discount the free usage does not get is added back."""
        order = {name: i for i, name in enumerate(_CREDIT_TEXT)}
        keys = sorted(self.lines, key=lambda key: (order[key[0]], key[1], key[2]))
        places = {component: sorted({(k[1], k[2]) for k in keys if k[0] == component}) for component in order}
        items: list[CreditItem] = []
        for key in keys:
            component, region, architecture = key
            unit, unit_price, quantities = self.lines[key]
            quantity = -exact_sum(quantities)
            description, why = _CREDIT_TEXT[component]
            where = _where(places[component], region, architecture)
            items.append(CreditItem(component, description + where, quantity, unit, unit_price,
                                    quantity * unit_price, why.format(where=f"{region} {architecture}"), region,
                                    architecture))
        covered = [item for item in items if component_group(item.component) in covers]
        regions = sorted({item.region for item in covered}) if savings_discount else []
        for region in regions:
            amount = exact_sum(item.cost for item in covered if item.region == region)
            where = f" ({region})" if len(regions) > 1 else ""
            items.append(CreditItem("savings_plan", f"Compute Savings Plan discount the free usage does not get{where}",
                                    amount, "USD", -savings_discount, -savings_discount * amount, _FREE_SAVINGS_WHY,
                                    region, ""))
        return tuple(items)


def _where(places: list[tuple[str, str]], region: str, architecture: str) -> str:
    """What tells a credit line from the other lines of its component: its region, its architecture, or both."""
    if len(places) <= 1:
        return ""
    parts = [region] if len({r for r, _ in places}) > 1 else []
    if len({a for _, a in places}) > 1:
        parts.append(architecture)
    return f" ({', '.join(parts)})"


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
    savings_discount: Decimal,
) -> PricedFunction:
    free_gbs = free[1]
    function = m.usage.function
    architecture = function.architecture
    rates = m.rates
    extras = m.extras
    request_price = per_one(rates.requests_per_million)
    tiers = rates.duration[architecture]
    items: list[LineItem] = []
    if extras.edge:
        assert rates.edge is not None
        edge_request_price = per_one(rates.edge.requests_per_million)
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
        # The free GB-s are the first of tier 1, credited back on the account's free-tier row.
        if number == 1:
            quantity += free_gbs
        if number == 1 or quantity:
            name, description, why = _tier_text(tiers, number, architecture, m.usage.region)
            items.append(LineItem(name, description, quantity, "GB-s", tier.price,
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
        free_share=free,
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
_ESM_WHY = "EPUs (event pollers / pollers per EPU, rounded up) × hours a month"
_FREE_SAVINGS_WHY = "the discount rate × the free duration's credit: the free usage is not discounted twice"
# Each credit line's description and why (of the region and architecture it covers), in the order the row shows them.
_CREDIT_TEXT = {
    "free_tier_requests": ("Free tier: requests", "the free requests that cover {where}'s requests (the allowance "
                           "shared in proportion to the requests), at their price"),
    "free_tier_duration": ("Free tier: duration", "the free GB-s that cover {where}'s duration (the allowance shared "
                           "in proportion to the GB-s), at its tier-1 price"),
    "free_tier_response_streaming": ("Free tier: response streaming", "the free GB that cover {where}'s streamed GB "
                                     "(the allowance shared in proportion to the GB), at their price"),
}


# Texts shared by many line items are made once: a large workload holds one copy, not one per function.
@lru_cache(maxsize=256)
def _requests_why(per_million: Decimal) -> str:
    return f"billed invocations at ${per_million} per 1M"



@lru_cache(maxsize=1024)
def _storage_text(included_mb: int, configured_mb: int) -> tuple[str, str]:
    return (
        f"Ephemeral storage above {included_mb} MB",
        f"billed seconds × ({configured_mb} − {included_mb}) MB / 1024",
    )


@lru_cache(maxsize=256)
def _tier_text(tiers: tuple[Tier, ...], number: int, architecture: str, region: str) -> tuple[str, str, str]:
    """A tier line's component, description and explanation (the same for every function of a group: cached)."""
    lower = tiers[number - 2].up_to if number > 1 else ZERO
    assert lower is not None
    bounds = _tier_bounds(lower, tiers[number - 1].up_to) if len(tiers) > 1 else "all GB-s"
    return (
        f"duration_tier_{number}",
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
