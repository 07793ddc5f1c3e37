"""Priced usage: line items, a function's bill, the free tier used, and the dimensions beyond duration."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.value import Value
from lambda_cost.numbers import QUANTUM, ZERO, exact_sum, held

_TIER_SUFFIX = re.compile(r"_tier_\d+$")
# The name of the account's free-tier row wherever functions are listed (validation keeps it from functions).
FREE_TIER_ROW = "(free tier)"


@lru_cache(maxsize=256)  # a few dozen names, asked for each line item of each function
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
    """A function's usage in billing units and its line items, gross: the free tier is the account's credit."""

    __slots__ = (
        "billed_error_ms",
        "billed_init_ms",
        "billed_ms",
        "billed_seconds",
        "extra_storage_mb",
        "extras",
        "free_share",
        "gb_seconds",
        "granularity_ms",
        "line_items",
        "modes",
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
        modes: ModeUse | None = None,
        free_share: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO),
    ) -> None:
        self.usage = usage
        # Equal figures share one object (numbers.held): a large workload holds many priced functions.
        self.requests = held(requests, usage.invocations)
        self.billed_seconds = billed_seconds
        self.gb_seconds = gb_seconds
        self.storage_gb_seconds = storage_gb_seconds
        self.line_items = line_items
        self.total = total
        # a successful attempt's duration, rounded up to the granularity
        self.billed_ms = held(billed_ms, usage.function.duration_ms)
        self.billed_error_ms = held(billed_error_ms, usage.function.failed_duration_ms, self.billed_ms)
        self.granularity_ms = granularity_ms
        self.extras = extras
        self.related_items = related_items
        # charges of other services (dead letters, logs), apart from the Lambda total
        self.related_total = related_total
        # ephemeral storage configured beyond what the price of duration includes
        self.extra_storage_mb = extra_storage_mb
        self.billed_init_ms = billed_init_ms  # one INIT's duration, rounded up to the granularity (when INIT is billed)
        self.modes = modes  # Managed Instances, durable functions, tenant isolation, where used
        # The free requests, GB-s and streamed GB of the account's credit that cover this function's usage (shared
        # in proportion to usage, as a bill attributes free usage to resources): not in its total, which is gross;
        # reconcile --by function compares it with the bill's free usage per function.
        self.free_share = free_share

    @property
    def busy_gb_seconds(self) -> Decimal:
        """The GB-s of the attempts' durations, before provisioned concurrency's part is taken out and INIT added."""
        served = self.extras.pc_duration_gb_seconds if self.extras else ZERO
        init = self.extras.init_gb_seconds if self.extras else ZERO
        return exact_sum([self.gb_seconds, -init, served])


class CreditItem(LineItem):
    """A line of the account's free-tier credit: the free usage of one region and architecture, at its price."""

    __slots__ = ("architecture", "region")

    def __init__(
        self,
        component: str,
        description: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        cost: Decimal,
        why: str,
        region: str,
        architecture: str,
    ) -> None:
        super().__init__(component, description, quantity, unit, unit_price, cost, why)
        self.region = region  # the usage it covers: its region and architecture (reconcile compares by them)
        self.architecture = architecture


class Allowance(Value):
    """One component of the account's monthly free tier, as this estimate sees it."""

    __slots__ = ("allowance", "eligible", "elsewhere")

    def __init__(self, allowance: Decimal, elsewhere: Decimal | None, eligible: Decimal) -> None:
        self.allowance = allowance  # the price table's monthly allowance
        self.elsewhere = elsewhere  # what usage the workload does not describe takes first; None: all of it
        self.eligible = eligible  # the workload's usage the free tier may cover ("used here")

    @property
    def left(self) -> Decimal:
        """What other usage leaves of the allowance (never below zero)."""
        if self.elsewhere is None:
            return ZERO
        return max(self.allowance - self.elsewhere, ZERO).quantize(QUANTUM, rounding=ROUND_DOWN)

    @property
    def credited(self) -> Decimal:
        """The free quantity this workload is credited: what is left, up to what it uses."""
        return min(self.left, self.eligible)

    @property
    def overused(self) -> bool:
        """Other usage is said to take more than the allowance: none is left (not an error)."""
        return self.elsewhere is not None and self.elsewhere > self.allowance


class FreeTierUse(Value):
    """The account's monthly free tier: what is left of it for the workload, and the credit it gives (one
    account-level row: the functions are priced gross)."""

    __slots__ = ("enabled", "gb_seconds", "items", "requests", "streaming_gb")

    def __init__(
        self,
        enabled: bool,
        requests: Allowance,
        gb_seconds: Allowance,
        streaming_gb: Allowance | None = None,
        items: tuple[CreditItem, ...] = (),
    ) -> None:
        self.enabled = enabled
        self.requests = requests
        self.gb_seconds = gb_seconds
        self.streaming_gb = streaming_gb  # None: the table has no free streaming
        self.items = items  # negative but for the Savings Plan discount the free usage does not get

    @property
    def total(self) -> Decimal:
        """The credit: zero or negative."""
        return exact_sum(item.cost for item in self.items)

    # The figures the assumptions print.
    @property
    def requests_allowance(self) -> Decimal:
        return self.requests.allowance

    @property
    def requests_used(self) -> Decimal:
        return self.requests.credited if self.enabled else ZERO

    @property
    def gb_seconds_allowance(self) -> Decimal:
        return self.gb_seconds.allowance

    @property
    def gb_seconds_used(self) -> Decimal:
        return self.gb_seconds.credited if self.enabled else ZERO

    @property
    def streaming_gb_allowance(self) -> Decimal | None:
        return None if self.streaming_gb is None else self.streaming_gb.allowance

    @property
    def streaming_gb_used(self) -> Decimal:
        return self.streaming_gb.credited if self.streaming_gb is not None and self.enabled else ZERO


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
        "init_unbilled",
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
        init_unbilled: str | None = None,
    ) -> None:
        self.edge = edge
        self.extra_requests = extra_requests  # asynchronous payload chunks beyond the first
        self.provisioning = provisioning
        self.pc_gb_seconds = pc_gb_seconds
        self.pc_duration_gb_seconds = pc_duration_gb_seconds
        self.cold_starts = held(cold_starts)  # zero for most functions: the one ZERO
        self.init_gb_seconds = init_gb_seconds  # included in on-demand duration
        self.snapstart_cache_gb_seconds = snapstart_cache_gb_seconds
        self.snapstart_restore_gb = snapstart_restore_gb
        self.streamed_gb = streamed_gb
        self.esm_epu_hours = esm_epu_hours  # (kafka | sqs, EPU-hours) per source in provisioned mode
        self.dead_letters = dead_letters  # (sqs | sns, messages)
        self.log_gb = log_gb
        self.init_unbilled = init_unbilled  # why the INIT phase the workload gives is not billed


class ManagedUse(Value):
    """A configuration on Lambda Managed Instances: the instance-hours it runs and what one costs."""

    __slots__ = (
        "concurrency_per_instance",
        "discount",
        "fee_share",
        "hourly_price",
        "instance_hours",
        "instance_type",
        "instances",
        "minimum_instances",
        "needed_concurrency",
        "on_demand_price",
    )

    def __init__(
        self,
        instance_type: str,
        instance_hours: Decimal,
        on_demand_price: Decimal,
        hourly_price: Decimal,
        discount: Decimal | None,
        fee_share: Decimal,
        needed_concurrency: Decimal | None = None,
        concurrency_per_instance: Decimal | None = None,
        minimum_instances: int | None = None,
        instances: Decimal | None = None,
    ) -> None:
        self.instance_type = instance_type
        self.instance_hours = instance_hours
        self.on_demand_price = on_demand_price  # EC2 on-demand USD per instance-hour: the management fee's base
        self.hourly_price = hourly_price  # what an instance-hour of EC2 costs after a discount or as stated
        self.discount = discount  # the Savings Plan or RI discount, when the price follows from it
        self.fee_share = fee_share  # the management fee's share of the on-demand price
        # From throughput (absent when the workload states instance_hours):
        self.needed_concurrency = needed_concurrency  # busy seconds a month / seconds of the month
        self.concurrency_per_instance = concurrency_per_instance
        self.minimum_instances = minimum_instances
        self.instances = instances  # max(minimum, ceil(needed / per instance)), all month

    @property
    def fee_per_hour(self) -> Decimal:
        return self.on_demand_price * self.fee_share

    @property
    def fee_percent(self) -> Decimal:
        return self.fee_share * 100


class DurableUse(Value):
    """A durable function's executions, operations and data, in billing units."""

    __slots__ = (
        "data_written_gb",
        "days_per_month",
        "executions",
        "invocations_per_execution",
        "kb_per_execution",
        "kb_per_gb",
        "operations",
        "operations_per_execution",
        "retained_days",
        "retained_gb_months",
    )

    def __init__(
        self,
        executions: Decimal,
        invocations_per_execution: Decimal,
        operations_per_execution: Decimal,
        operations: Decimal,
        kb_per_execution: Decimal,
        kb_per_gb: int,
        data_written_gb: Decimal,
        retained_days: Decimal,
        days_per_month: int,
        retained_gb_months: Decimal,
    ) -> None:
        self.executions = executions
        self.invocations_per_execution = invocations_per_execution
        self.operations_per_execution = operations_per_execution
        self.operations = operations
        self.kb_per_execution = kb_per_execution
        self.kb_per_gb = kb_per_gb
        self.data_written_gb = data_written_gb
        self.retained_days = retained_days  # while the execution runs, and after it completes
        self.days_per_month = days_per_month
        self.retained_gb_months = retained_gb_months


class TenantUse(Value):
    """New tenant-isolated execution environments, charged by the memory each has."""

    __slots__ = ("environment_gb", "environments", "memory_gb")

    def __init__(self, environments: Decimal, memory_gb: Decimal, environment_gb: Decimal) -> None:
        self.environments = environments
        self.memory_gb = memory_gb
        self.environment_gb = environment_gb  # environments × memory GB


class MicroVmUse(Value):
    """Lambda MicroVMs in billing units: seconds at baseline and at peak, snapshot data, snapshots stored."""

    __slots__ = (
        "baseline_gb",
        "baseline_seconds",
        "baseline_vcpus",
        "gb_seconds",
        "image_gb_months",
        "launches",
        "peak_gb",
        "peak_seconds",
        "peak_vcpus",
        "read_gb",
        "storage_hours_per_month",
        "suspended_gb_months",
        "suspends",
        "vcpu_seconds",
        "written_gb",
    )

    def __init__(
        self,
        launches: Decimal,
        baseline_seconds: Decimal,
        peak_seconds: Decimal,
        baseline_vcpus: Decimal,
        peak_vcpus: Decimal,
        baseline_gb: Decimal,
        peak_gb: Decimal,
        vcpu_seconds: Decimal,
        gb_seconds: Decimal,
        suspends: Decimal,
        written_gb: Decimal,
        read_gb: Decimal,
        image_gb_months: Decimal,
        suspended_gb_months: Decimal,
        storage_hours_per_month: int,
    ) -> None:
        self.launches = launches
        self.baseline_seconds = baseline_seconds
        self.peak_seconds = peak_seconds
        self.baseline_vcpus = baseline_vcpus
        self.peak_vcpus = peak_vcpus
        self.baseline_gb = baseline_gb
        self.peak_gb = peak_gb
        self.vcpu_seconds = vcpu_seconds
        self.gb_seconds = gb_seconds
        self.suspends = suspends  # suspend and resume cycles
        self.written_gb = written_gb  # state written at each suspend
        self.read_gb = read_gb  # state read at each resume, the image at each launch
        self.image_gb_months = image_gb_months
        self.suspended_gb_months = suspended_gb_months
        self.storage_hours_per_month = storage_hours_per_month

    @property
    def stored_gb_months(self) -> Decimal:
        return self.image_gb_months + self.suspended_gb_months


class ModeUse(Value):
    """The compute and billing modes of one configuration, as metered."""

    __slots__ = ("durable", "managed", "microvm", "tenant")

    def __init__(
        self,
        managed: ManagedUse | None = None,
        durable: DurableUse | None = None,
        tenant: TenantUse | None = None,
        microvm: MicroVmUse | None = None,
    ) -> None:
        self.managed = managed
        self.durable = durable
        self.tenant = tenant
        self.microvm = microvm
