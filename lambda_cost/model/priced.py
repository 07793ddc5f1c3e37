"""Priced usage: line items, a function's bill, the free tier used, and the dimensions beyond duration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.model.usage import FunctionUsage
from lambda_cost.numbers import ZERO, exact_sum

_TIER_SUFFIX = re.compile(r"_tier_\d+$")


def component_group(component: str) -> str:
    """The component a line item counts towards (budgets, charts, Savings Plans): tiers and free-tier credits join
    their dimension, so duration_tier_2 and free_tier_duration are both duration."""
    return _TIER_SUFFIX.sub("", component.removeprefix("free_tier_"))


@dataclass(frozen=True, slots=True)
class LineItem:
    """One priced component of a function: quantity × unit price = cost, exactly."""

    component: str  # stable name: requests, duration_tier_N, ephemeral_storage, free_tier_*, ... (README)
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    cost: Decimal
    why: str = ""  # where the quantity comes from, for --explain

@dataclass(frozen=True, slots=True)
class PricedFunction:
    """A function's usage in billing units and its line items."""

    usage: FunctionUsage
    requests: Decimal
    billed_seconds: Decimal
    gb_seconds: Decimal
    storage_gb_seconds: Decimal
    free_requests: Decimal
    free_gb_seconds: Decimal
    line_items: tuple[LineItem, ...]
    total: Decimal
    billed_ms: Decimal  # a successful attempt's duration, rounded up to the granularity
    billed_error_ms: Decimal
    granularity_ms: int
    extras: Extras | None = None
    related_items: tuple[LineItem, ...] = ()
    related_total: Decimal = ZERO  # charges of other services (dead letters, logs), apart from the Lambda total
    extra_storage_mb: int = 0  # ephemeral storage configured beyond what the price of duration includes
    billed_init_ms: Decimal = ZERO  # one INIT's duration, rounded up to the granularity (when INIT is billed)
    modes: ModeUse | None = None  # Managed Instances, durable functions, tenant isolation, where used

    @property
    def busy_gb_seconds(self) -> Decimal:
        """The GB-s of the attempts' durations, before provisioned concurrency's part is taken out and INIT added."""
        served = self.extras.pc_duration_gb_seconds if self.extras else ZERO
        init = self.extras.init_gb_seconds if self.extras else ZERO
        return exact_sum([self.gb_seconds, -init, served])

@dataclass(frozen=True)
class FreeTierUse:
    """How much of the account's monthly free tier the workload used."""

    enabled: bool
    requests_allowance: Decimal
    requests_used: Decimal
    gb_seconds_allowance: Decimal
    gb_seconds_used: Decimal
    streaming_gb_allowance: Decimal | None = None  # None: the table has no free streaming
    streaming_gb_used: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Provisioning:
    """Provisioned concurrency of one configuration, and how much of its traffic it serves."""

    units: Decimal
    unit_seconds: Decimal  # Σ units × configured seconds (rounded up)
    window_share: Decimal  # the share of the month it is configured
    traffic_share: Decimal  # the share of the attempts that arrive while it is configured
    needed: Decimal  # mean concurrency the traffic needs while it is configured: arrival rate × billed duration
    served_share: Decimal  # the share of all attempts it serves
    served_invocations: Decimal
    spillover_invocations: Decimal  # attempts during its hours beyond its units: on-demand

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

@dataclass(frozen=True, slots=True)
class Extras:
    """A configuration's usage in the units of the dimensions beyond requests and on-demand duration."""

    edge: bool
    extra_requests: Decimal  # asynchronous payload chunks beyond the first
    provisioning: Provisioning | None
    pc_gb_seconds: Decimal
    pc_duration_gb_seconds: Decimal
    cold_starts: Decimal
    init_gb_seconds: Decimal  # included in on-demand duration
    snapstart_cache_gb_seconds: Decimal
    snapstart_restore_gb: Decimal
    streamed_gb: Decimal
    esm_epu_hours: tuple[tuple[str, Decimal], ...]  # (kafka | sqs, EPU-hours) per source in provisioned mode
    dead_letters: tuple[tuple[str, Decimal], ...]  # (sqs | sns, messages)
    log_gb: Decimal
    init_unbilled: str | None = None  # why the INIT phase the workload gives is not billed


@dataclass(frozen=True, slots=True)
class ManagedUse:
    """A configuration on Lambda Managed Instances: the instance-hours it runs and what one costs."""

    instance_type: str
    instance_hours: Decimal
    on_demand_price: Decimal  # EC2 on-demand USD per instance-hour: the management fee's base
    hourly_price: Decimal  # what an instance-hour of EC2 costs after a discount or as stated
    discount: Decimal | None  # the Savings Plan or RI discount, when the price follows from it
    fee_share: Decimal  # the management fee's share of the on-demand price
    # From throughput (absent when the workload states instance_hours):
    needed_concurrency: Decimal | None = None  # busy seconds a month / seconds of the month
    concurrency_per_instance: Decimal | None = None
    minimum_instances: int | None = None
    instances: Decimal | None = None  # max(minimum, ceil(needed / per instance)), all month

    @property
    def fee_per_hour(self) -> Decimal:
        return self.on_demand_price * self.fee_share

    @property
    def fee_percent(self) -> Decimal:
        return self.fee_share * 100


@dataclass(frozen=True, slots=True)
class DurableUse:
    """A durable function's executions, operations and data, in billing units."""

    executions: Decimal
    invocations_per_execution: Decimal
    operations_per_execution: Decimal
    operations: Decimal
    kb_per_execution: Decimal
    kb_per_gb: int
    data_written_gb: Decimal
    retained_days: Decimal  # while the execution runs, and after it completes
    days_per_month: int
    retained_gb_months: Decimal


@dataclass(frozen=True, slots=True)
class TenantUse:
    """New tenant-isolated execution environments, charged by the memory each has."""

    environments: Decimal
    memory_gb: Decimal
    environment_gb: Decimal  # environments × memory GB


@dataclass(frozen=True, slots=True)
class MicroVmUse:
    """Lambda MicroVMs in billing units: seconds at baseline and at peak, snapshot data, snapshots stored."""

    launches: Decimal
    baseline_seconds: Decimal
    peak_seconds: Decimal
    baseline_vcpus: Decimal
    peak_vcpus: Decimal
    baseline_gb: Decimal
    peak_gb: Decimal
    vcpu_seconds: Decimal
    gb_seconds: Decimal
    suspends: Decimal  # suspend and resume cycles
    written_gb: Decimal  # state written at each suspend
    read_gb: Decimal  # state read at each resume, the image at each launch
    image_gb_months: Decimal
    suspended_gb_months: Decimal
    storage_hours_per_month: int

    @property
    def stored_gb_months(self) -> Decimal:
        return self.image_gb_months + self.suspended_gb_months


@dataclass(frozen=True, slots=True)
class ModeUse:
    """The compute and billing modes of one configuration, as metered."""

    managed: ManagedUse | None = None
    durable: DurableUse | None = None
    tenant: TenantUse | None = None
    microvm: MicroVmUse | None = None
