"""Priced usage: line items, a function's bill, the free tier used, and the dimensions beyond duration."""

from __future__ import annotations

import re
from decimal import Decimal

from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.value import Value
from lambda_cost.numbers import ZERO, exact_sum

_TIER_SUFFIX = re.compile(r"_tier_\d+$")


def component_group(component: str) -> str:
    """The component a line item counts towards (budgets, charts, Savings Plans): tiers and free-tier credits join
    their dimension, so duration_tier_2 and free_tier_duration are both duration."""
    return _TIER_SUFFIX.sub("", component.removeprefix("free_tier_"))


class LineItem(Value):
    """One priced component of a function: quantity × unit price = cost, exactly."""

    __slots__ = ("component", "cost", "description", "quantity", "unit", "unit_price", "why")

    def __init__(
        self,
        component: str,
        description: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        cost: Decimal,
        why: str = "",
    ) -> None:
        # stable name: requests, duration_tier_N, ephemeral_storage, free_tier_*, ... (README)
        self.component = component
        self.description = description
        self.quantity = quantity
        self.unit = unit
        self.unit_price = unit_price
        self.cost = cost
        self.why = why  # where the quantity comes from, for --explain

class PricedFunction(Value):
    """A function's usage in billing units and its line items."""

    __slots__ = (
        "billed_error_ms",
        "billed_init_ms",
        "billed_ms",
        "billed_seconds",
        "extra_storage_mb",
        "extras",
        "free_gb_seconds",
        "free_requests",
        "gb_seconds",
        "granularity_ms",
        "line_items",
        "related_items",
        "related_total",
        "requests",
        "storage_gb_seconds",
        "total",
        "usage",
    )

    def __init__(
        self,
        usage: FunctionUsage,
        requests: Decimal,
        billed_seconds: Decimal,
        gb_seconds: Decimal,
        storage_gb_seconds: Decimal,
        free_requests: Decimal,
        free_gb_seconds: Decimal,
        line_items: tuple[LineItem, ...],
        total: Decimal,
        billed_ms: Decimal,
        billed_error_ms: Decimal,
        granularity_ms: int,
        extras: Extras | None = None,
        related_items: tuple[LineItem, ...] = (),
        related_total: Decimal = ZERO,
        extra_storage_mb: int = 0,
        billed_init_ms: Decimal = ZERO,
    ) -> None:
        self.usage = usage
        self.requests = requests
        self.billed_seconds = billed_seconds
        self.gb_seconds = gb_seconds
        self.storage_gb_seconds = storage_gb_seconds
        self.free_requests = free_requests
        self.free_gb_seconds = free_gb_seconds
        self.line_items = line_items
        self.total = total
        self.billed_ms = billed_ms  # a successful attempt's duration, rounded up to the granularity
        self.billed_error_ms = billed_error_ms
        self.granularity_ms = granularity_ms
        self.extras = extras
        self.related_items = related_items
        # charges of other services (dead letters, logs), apart from the Lambda total
        self.related_total = related_total
        # ephemeral storage configured beyond what the price of duration includes
        self.extra_storage_mb = extra_storage_mb
        self.billed_init_ms = billed_init_ms  # one INIT's duration, rounded up to the granularity (when INIT is billed)

    @property
    def busy_gb_seconds(self) -> Decimal:
        """The GB-s of the attempts' durations, before provisioned concurrency's part is taken out and INIT added."""
        served = self.extras.pc_duration_gb_seconds if self.extras else ZERO
        init = self.extras.init_gb_seconds if self.extras else ZERO
        return exact_sum([self.gb_seconds, -init, served])

class FreeTierUse(Value):
    """How much of the account's monthly free tier the workload used."""

    __slots__ = (
        "enabled",
        "gb_seconds_allowance",
        "gb_seconds_used",
        "requests_allowance",
        "requests_used",
        "streaming_gb_allowance",
        "streaming_gb_used",
    )

    def __init__(
        self,
        enabled: bool,
        requests_allowance: Decimal,
        requests_used: Decimal,
        gb_seconds_allowance: Decimal,
        gb_seconds_used: Decimal,
        streaming_gb_allowance: Decimal | None = None,
        streaming_gb_used: Decimal = ZERO,
    ) -> None:
        self.enabled = enabled
        self.requests_allowance = requests_allowance
        self.requests_used = requests_used
        self.gb_seconds_allowance = gb_seconds_allowance
        self.gb_seconds_used = gb_seconds_used
        self.streaming_gb_allowance = streaming_gb_allowance  # None: the table has no free streaming
        self.streaming_gb_used = streaming_gb_used


class Provisioning(Value):
    """Provisioned concurrency of one configuration, and how much of its traffic it serves."""

    __slots__ = (
        "needed",
        "served_invocations",
        "served_share",
        "spillover_invocations",
        "traffic_share",
        "unit_seconds",
        "units",
        "window_share",
    )

    def __init__(
        self,
        units: Decimal,
        unit_seconds: Decimal,
        window_share: Decimal,
        traffic_share: Decimal,
        needed: Decimal,
        served_share: Decimal,
        served_invocations: Decimal,
        spillover_invocations: Decimal,
    ) -> None:
        self.units = units
        self.unit_seconds = unit_seconds  # Σ units × configured seconds (rounded up)
        self.window_share = window_share  # the share of the month it is configured
        self.traffic_share = traffic_share  # the share of the attempts that arrive while it is configured
        # mean concurrency the traffic needs while it is configured: arrival rate × billed duration
        self.needed = needed
        self.served_share = served_share  # the share of all attempts it serves
        self.served_invocations = served_invocations
        self.spillover_invocations = spillover_invocations  # attempts during its hours beyond its units: on-demand

    @property
    def utilization(self) -> Decimal:
        """The share of the provisioned units busy while configured."""
        return min(self.needed, self.units) / self.units

    @property
    def utilization_percent(self) -> Decimal:
        return self.utilization * 100

    @property
    def window_percent(self) -> Decimal:
        return self.window_share * 100

    @property
    def traffic_percent(self) -> Decimal:
        return self.traffic_share * 100

class Extras(Value):
    """A configuration's usage in the units of the dimensions beyond requests and on-demand duration."""

    __slots__ = (
        "cold_starts",
        "dead_letters",
        "edge",
        "esm_epu_hours",
        "extra_requests",
        "init_gb_seconds",
        "log_gb",
        "pc_duration_gb_seconds",
        "pc_gb_seconds",
        "provisioning",
        "snapstart_cache_gb_seconds",
        "snapstart_restore_gb",
        "streamed_gb",
    )

    def __init__(
        self,
        edge: bool,
        extra_requests: Decimal,
        provisioning: Provisioning | None,
        pc_gb_seconds: Decimal,
        pc_duration_gb_seconds: Decimal,
        cold_starts: Decimal,
        init_gb_seconds: Decimal,
        snapstart_cache_gb_seconds: Decimal,
        snapstart_restore_gb: Decimal,
        streamed_gb: Decimal,
        esm_epu_hours: tuple[tuple[str, Decimal], ...],
        dead_letters: tuple[tuple[str, Decimal], ...],
        log_gb: Decimal,
    ) -> None:
        self.edge = edge
        self.extra_requests = extra_requests  # asynchronous payload chunks beyond the first
        self.provisioning = provisioning
        self.pc_gb_seconds = pc_gb_seconds
        self.pc_duration_gb_seconds = pc_duration_gb_seconds
        self.cold_starts = cold_starts
        self.init_gb_seconds = init_gb_seconds  # included in on-demand duration
        self.snapstart_cache_gb_seconds = snapstart_cache_gb_seconds
        self.snapstart_restore_gb = snapstart_restore_gb
        self.streamed_gb = streamed_gb
        self.esm_epu_hours = esm_epu_hours  # (kafka | sqs, EPU-hours) per source in provisioned mode
        self.dead_letters = dead_letters  # (sqs | sns, messages)
        self.log_gb = log_gb
