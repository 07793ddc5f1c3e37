"""The compute and billing modes in billing units, and their line items: Managed Instances, durable, tenant isolation.

Placed after meter and before price: price adds these line items to a configuration's own, and a configuration on
Managed Instances has no duration of its own to price (no tiers, no free tier).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from lambda_cost.model.modes import Durable, ManagedInstances, TenantIsolation
from lambda_cost.model.priced import DurableUse, LineItem, ManagedUse, ModeUse, TenantUse
from lambda_cost.model.pricing import Billing, RegionRates
from lambda_cost.model.units import HOURS_PER_MONTH, SECONDS_PER_MONTH
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.numbers import ZERO, quantize

MILLION = Decimal(1_000_000)
MB_PER_GB = Decimal(1024)
ONE = Decimal(1)

_EC2_WHY = "instance-hours × the EC2 price of an instance-hour (on demand, less a discount, or as stated)"
_FEE_WHY = "instance-hours × the management fee's share of the EC2 on-demand price"
_OPERATIONS_WHY = "executions × durable operations of each (start, steps, waits, callbacks...)"
_WRITTEN_WHY = "executions × KB written by each / KB in a GB"
_RETAINED_WHY = "GB written × (days running + days retained after completion) / days in a month"
_TENANT_WHY = "new tenant-isolated execution environments × memory GB"


def measure_modes(usage: FunctionUsage, billing: Billing, rates: RegionRates) -> ModeUse | None:
    """The modes of one configuration in billing units; None when it uses none of them."""
    spec = usage.function
    if spec.managed_instances is None and spec.durable is None and spec.tenant_isolation is None:
        return None
    return ModeUse(
        managed=None if spec.managed_instances is None else _managed(usage, spec.managed_instances, billing, rates),
        durable=None if spec.durable is None else _durable(usage, spec.durable, billing),
        tenant=None if spec.tenant_isolation is None else _tenant(usage, spec.tenant_isolation),
    )


def needed_concurrency(usage: FunctionUsage) -> Decimal:
    """Mean concurrency over the month: the seconds the attempts run / the seconds of the month (arrival rate ×
    mean duration). Durations are not rounded: Managed Instances bill no duration."""
    spec = usage.function
    busy_ms = usage.successful_invocations * spec.duration_ms + usage.failed_invocations * spec.failed_duration_ms
    return quantize(busy_ms / 1000 / SECONDS_PER_MONTH)


def _managed(usage: FunctionUsage, config: ManagedInstances, billing: Billing, rates: RegionRates) -> ManagedUse:
    rules = billing.managed_instances
    assert rules is not None and rates.managed_instances is not None  # fit refused the workload otherwise
    on_demand = rates.managed_instances[config.instance_type]
    # The EC2 price of an instance-hour: as stated, or on demand less the Savings Plan's or RI's discount.
    discounted = on_demand * (ONE - (config.discount or ZERO))
    hourly = discounted if config.hourly_price is None else config.hourly_price
    if config.instance_hours is not None:
        return ManagedUse(config.instance_type, config.instance_hours, on_demand, hourly, config.discount,
                          rules.management_fee_share)
    assert config.concurrency_per_instance is not None
    needed = needed_concurrency(usage)
    minimum = rules.minimum_instances if config.minimum_instances is None else config.minimum_instances
    # Instances are whole: enough of them for the mean concurrency, never fewer than the minimum Lambda keeps.
    instances = max(Decimal(minimum), (needed / config.concurrency_per_instance).to_integral_value(ROUND_CEILING))
    return ManagedUse(config.instance_type, instances * HOURS_PER_MONTH, on_demand, hourly, config.discount,
                      rules.management_fee_share, needed, config.concurrency_per_instance, minimum, instances)


def _durable(usage: FunctionUsage, config: Durable, billing: Billing) -> DurableUse:
    rules = billing.durable
    assert rules is not None
    # expand counted every invocation of an execution (its replays): the executions are a part of them.
    executions = quantize(usage.invocations / config.invocations_per_execution)
    kb = config.data_written_kb_per_execution
    written = quantize(executions * kb / rules.kb_per_gb)
    days = config.execution_days + config.retention_days
    return DurableUse(
        executions=executions,
        invocations_per_execution=config.invocations_per_execution,
        operations_per_execution=config.operations_per_execution,
        operations=quantize(executions * config.operations_per_execution),
        kb_per_execution=kb,
        kb_per_gb=rules.kb_per_gb,
        data_written_gb=written,
        retained_days=days,
        days_per_month=rules.days_per_month,
        retained_gb_months=quantize(written * days / rules.days_per_month),
    )


def _tenant(usage: FunctionUsage, config: TenantIsolation) -> TenantUse:
    if config.environments_per_month is not None:
        environments = config.environments_per_month
    elif config.environment_rate is not None:
        environments = usage.invocations * config.environment_rate
    else:
        assert config.tenants is not None and config.environments_per_tenant is not None
        environments = config.tenants * config.environments_per_tenant
    memory_gb = Decimal(usage.function.memory_mb) / MB_PER_GB
    return TenantUse(quantize(environments), memory_gb, quantize(environments * memory_gb))


def mode_items(modes: ModeUse, rates: RegionRates, architecture: str) -> list[LineItem]:
    """The line items of a configuration's modes, priced at its region's rates."""
    items = []
    managed = modes.managed
    if managed is not None:
        hours = managed.instance_hours
        items.append(LineItem("managed_instances_ec2", f"EC2 instances ({managed.instance_type})", hours,
                              "instance-hours", managed.hourly_price, hours * managed.hourly_price, _EC2_WHY))
        items.append(LineItem("managed_instances_fee", "Managed Instances management fee", hours, "instance-hours",
                              managed.fee_per_hour, hours * managed.fee_per_hour, _FEE_WHY))
    durable = modes.durable
    if durable is not None:
        assert rates.durable is not None
        durable_rates = rates.durable
        per_operation = durable_rates.operations_per_million / MILLION
        items.append(LineItem("durable_operations", "Durable operations", durable.operations, "operations",
                              per_operation, durable.operations * per_operation, _OPERATIONS_WHY))
        if durable.data_written_gb:
            written_price = durable_rates.data_written_per_gb
            retained_price = durable_rates.data_retained_per_gb_month
            items.append(LineItem("durable_data_written", "Durable data written", durable.data_written_gb, "GB",
                                  written_price, durable.data_written_gb * written_price, _WRITTEN_WHY))
            items.append(LineItem("durable_data_retained", "Durable data retained", durable.retained_gb_months,
                                  "GB-months", retained_price, durable.retained_gb_months * retained_price,
                                  _RETAINED_WHY))
    tenant = modes.tenant
    if tenant is not None:
        assert rates.tenant_isolation is not None
        price = rates.tenant_isolation[architecture]  # type: ignore[index]
        items.append(LineItem("tenant_isolation", "Tenant-isolated execution environments", tenant.environment_gb,
                              "environment-GB", price, tenant.environment_gb * price, _TENANT_WHY))
    return items
