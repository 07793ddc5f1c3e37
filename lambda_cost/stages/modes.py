"""The compute and billing modes in billing units, and their line items: Managed Instances, durable, tenant isolation.

Placed after meter and before price: price adds these line items to a configuration's own, and a configuration on
Managed Instances has no duration of its own to price (no tiers, no free tier).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from lambda_cost.model.modes import Durable, ManagedInstances, MicroVm, TenantIsolation
from lambda_cost.model.priced import DurableUse, LineItem, ManagedUse, MicroVmUse, ModeUse, TenantUse
from lambda_cost.model.pricing import Billing, MicroVmRates, RegionRates
from lambda_cost.model.units import HOURS_PER_MONTH, SECONDS_PER_MONTH
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.numbers import ONE, ZERO, per_one, quantize

MB_PER_GB = Decimal(1024)

_EC2_WHY = "instance-hours × the EC2 price of an instance-hour (on demand, less a discount, or as stated)"
_FEE_WHY = "instance-hours × the management fee's share of the EC2 on-demand price"
_OPERATIONS_WHY = "executions × durable operations of each (start, steps, waits, callbacks...)"
_WRITTEN_WHY = "executions × KB written by each / KB in a GB"
_RETAINED_WHY = "GB written × (days running + days retained after completion) / days in a month"
_TENANT_WHY = "new tenant-isolated execution environments × memory GB"


def measure_modes(usage: FunctionUsage, billing: Billing, rates: RegionRates) -> ModeUse | None:
    """The modes of one configuration in billing units; None when it uses none of them."""
    spec = usage.function
    if spec.microvm is not None:
        return ModeUse(microvm=_microvm(spec.microvm, billing))
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


def _microvm(microvm: MicroVm, billing: Billing) -> MicroVmUse:
    rules = billing.microvms
    assert rules is not None
    launches = microvm.launches_per_month
    running = launches * microvm.running_hours_per_launch * 3600
    peak_seconds = running * microvm.peak_share
    baseline_seconds = running - peak_seconds
    baseline_gb = Decimal(microvm.memory_mb) / MB_PER_GB
    peak_gb = Decimal(microvm.peak_memory_mb or microvm.memory_mb) / MB_PER_GB
    # vCPUs follow memory (1 vCPU for each 2 GB), at baseline and at peak alike.
    baseline_vcpus, peak_vcpus = baseline_gb / rules.gb_per_vcpu, peak_gb / rules.gb_per_vcpu
    suspends = launches * microvm.suspends_per_launch
    hours = Decimal(rules.storage_hours_per_month)
    # Images are billed for at least the minimum retention; all month unless image_days says less.
    minimum_days = Decimal(rules.image_minimum_days)
    image_hours = hours if microvm.image_days is None else max(microvm.image_days, minimum_days) * 24
    return MicroVmUse(
        launches=launches,
        baseline_seconds=quantize(baseline_seconds),
        peak_seconds=quantize(peak_seconds),
        baseline_vcpus=baseline_vcpus,
        peak_vcpus=peak_vcpus,
        baseline_gb=baseline_gb,
        peak_gb=peak_gb,
        vcpu_seconds=quantize(baseline_seconds * baseline_vcpus + peak_seconds * peak_vcpus),
        gb_seconds=quantize(baseline_seconds * baseline_gb + peak_seconds * peak_gb),
        suspends=suspends,
        written_gb=quantize(suspends * microvm.state_gb),
        read_gb=quantize(suspends * microvm.state_gb + launches * microvm.image_gb),
        image_gb_months=quantize(microvm.images * microvm.image_gb * image_hours / hours),
        suspended_gb_months=quantize(launches * microvm.state_gb * microvm.suspended_hours_per_launch / hours),
        storage_hours_per_month=rules.storage_hours_per_month,
    )


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
        per_operation = per_one(durable_rates.operations_per_million)
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
    if modes.microvm is not None:
        assert rates.microvms is not None
        items += _microvm_items(modes.microvm, rates.microvms)
    tenant = modes.tenant
    if tenant is not None:
        assert rates.tenant_isolation is not None
        price = rates.tenant_isolation[architecture]  # type: ignore[index]
        items.append(LineItem("tenant_isolation", "Tenant-isolated execution environments", tenant.environment_gb,
                              "environment-GB", price, tenant.environment_gb * price, _TENANT_WHY))
    return items


def _microvm_items(use: MicroVmUse, rates: MicroVmRates) -> list[LineItem]:
    """Compute (vCPU and memory), snapshot data written and read, and snapshots stored."""
    lines = [
        ("microvm_vcpu", "MicroVM vCPU", use.vcpu_seconds, "vCPU-s", rates.vcpu_second, _VCPU_WHY),
        ("microvm_memory", "MicroVM memory", use.gb_seconds, "GB-s", rates.gb_second, _MEMORY_WHY),
        ("microvm_snapshot_write", "Snapshot data written", use.written_gb, "GB", rates.snapshot_write_per_gb,
         _WRITE_WHY),
        ("microvm_snapshot_read", "Snapshot data read", use.read_gb, "GB", rates.snapshot_read_per_gb, _READ_WHY),
        ("microvm_snapshot_storage", "Snapshot storage", use.stored_gb_months, "GB-months",
         rates.snapshot_storage_per_gb_month, _STORAGE_WHY),
    ]
    return [LineItem(component, description, quantity, unit, price, quantity * price, why)
            for component, description, quantity, unit, price, why in lines if quantity]


_VCPU_WHY = "seconds at baseline × baseline vCPUs + seconds at peak × peak vCPUs"
_MEMORY_WHY = "seconds at baseline × baseline GB + seconds at peak × peak GB"
_WRITE_WHY = "suspends × GB of state"
_READ_WHY = "resumes × GB of state + launches × GB of the image"
_STORAGE_WHY = "images × GB (all month, or their days, at least the minimum) + GB of state × hours suspended / " \
    "hours in a month"
