"""The arithmetic behind each number, as text for --explain: every figure comes from the model."""

from __future__ import annotations

from decimal import Decimal

from lambda_cost.model.priced import (
    Allowance,
    DurableUse,
    FreeTierUse,
    LineItem,
    ManagedUse,
    MicroVmUse,
    PricedFunction,
    Provisioning,
    TenantUse,
)
from lambda_cost.model.usage import SourceUsage
from lambda_cost.numbers import counted, money, price, readable


def item_text(item: LineItem) -> str:
    """quantity × unit price = cost, after where the quantity comes from."""
    text = f"{readable(item.quantity)} {item.unit} × {money(item.unit_price, 10)} = {money(item.cost, 6)}"
    return f"{item.why}; {text}" if item.why else text


def allowance_text(name: str, unit: str, allowance: Allowance) -> str:
    """allowance − used elsewhere = left; min(left, used here) = credited."""
    a = allowance
    if a.elsewhere is None:
        left = f"{readable(a.allowance)} {unit} a month, all used elsewhere (exhausted): 0 left"
    elif a.overused:
        left = (f"{readable(a.allowance)} {unit} a month − {readable(a.elsewhere)} used elsewhere, more than the "
                "allowance: none left")
    else:
        left = (f"{readable(a.allowance)} {unit} a month − {readable(a.elsewhere)} used elsewhere = "
                f"{readable(a.left)} left")
    return (f"{name}: {left}; used here {readable(a.eligible, 2)}; credited min({readable(a.left)}, "
            f"{readable(a.eligible, 2)}) = {readable(a.credited, 2)} {unit}")


def free_tier_texts(free: FreeTierUse) -> list[str]:
    """The arithmetic of the account's free-tier credit, one line per component of the allowance."""
    lines = [allowance_text("requests", "requests", free.requests),
             allowance_text("duration", "GB-s", free.gb_seconds)]
    if free.streaming_gb is not None:
        lines.append(allowance_text("response streaming", "GB", free.streaming_gb))
    return lines


def usage_text(priced: PricedFunction) -> str:
    """How attempts and durations become GB-s: those provisioned concurrency serves are taken out, INIT added."""
    usage = priced.usage
    if priced.modes is not None and priced.modes.microvm is not None:
        return microvm_text(priced.modes.microvm)
    parts = [f"{readable(usage.successful_invocations)} successful attempts × {readable(priced.billed_ms)} ms"]
    if usage.failed_invocations:
        parts.append(f"{readable(usage.failed_invocations)} failed attempts × {readable(priced.billed_error_ms)} ms")
    if priced.modes is not None and priced.modes.managed is not None:
        return f"{' + '.join(parts)}, on Managed Instances: no duration is billed"
    memory = f"{usage.function.memory_mb} MB / 1024"
    extras = priced.extras
    served = extras.pc_duration_gb_seconds if extras else None
    init = extras.init_gb_seconds if extras else None
    rounding = ("means of Billed Duration, not rounded again" if usage.function.durations_billed
                else f"durations rounded up to {priced.granularity_ms} ms")
    text = (
        f"{' + '.join(parts)} = {readable(priced.billed_seconds)} s ({rounding}); × {memory} = "
        f"{readable(priced.busy_gb_seconds)} GB-s"
    )
    if served:
        text += f" − {readable(served)} GB-s served by provisioned concurrency"
    if init and extras is not None:
        text += (f" + {readable(init)} GB-s of INIT ({counted(extras.cold_starts, 'cold start', places=10)} × "
                 f"{readable(priced.billed_init_ms)} ms × {memory})")
    text = f"{text} = {readable(priced.gb_seconds)} GB-s on demand" if served or init else text
    if extras is not None and extras.init_unbilled:
        text += (f"; no INIT is added for its {counted(extras.cold_starts, 'cold start', places=10)}: "
                 f"{extras.init_unbilled}")
    return text


def provisioning_text(provisioning: Provisioning) -> str:
    """How the traffic splits between provisioned and on-demand environments."""
    p = provisioning
    return (
        f"{counted(p.units, 'unit', places=10)} configured {readable(p.window_percent, 2)}% of the month, "
        f"when {readable(p.traffic_percent, 2)}% of the attempts arrive; "
        f"needed concurrency {readable(p.needed, 4)} (arrival rate × billed duration); "
        f"utilization {readable(p.utilization_percent, 2)}%; {readable(p.served_invocations, 2)} attempts "
        f"served, {readable(p.spillover_invocations, 2)} spill over to on-demand"
    )


def source_text(source: SourceUsage) -> str:
    """The retry arithmetic of one invocation source."""
    unit = source.volume_unit
    lost_power = "∞" if source.last_retry is None else str(source.last_retry + 1)
    lost = f"{readable(source.lost)} {unit} {source.lost_label}"
    series = _series_text(source)
    replays = "" if source.replays == 1 else f" × {readable(source.replays)} invocations an execution"
    if source.shape == "event":
        return (
            f"{readable(source.volume)} {unit} × {series}{replays} = {readable(source.invocations)} attempts"
            f"; {readable(source.volume)} × {readable(source.ratio)}^{lost_power} = {lost}"
        )
    if source.shape == "partial":
        return (
            f"{readable(source.volume)} {unit} × {series} receives each"
            f" = {readable(source.receives)} receives; ÷ batch {source.batch_size}{replays}"
            f" = {readable(source.invocations)}"
            f" invocations; {readable(source.volume)} × {readable(source.ratio)}^{lost_power} = {lost}"
        )
    return (
        f"{readable(source.volume)} {unit} ÷ batch {source.batch_size} = {readable(source.batches)} batches"
        f"; q = 1 − (1 − {readable(source.error_rate)})^{source.batch_size} = {readable(source.ratio)}"
        f"; {readable(source.batches)} batches × {series} attempts each{replays}"
        f" = {readable(source.invocations)} invocations; {readable(source.volume)} × q^{lost_power} = {lost}"
    )


def _series_text(source: SourceUsage) -> str:
    """Σ ratio^k: written out when short, else the sum, which is the source's retry factor."""
    last_power, ratio = source.last_retry, source.ratio
    if last_power is None:
        return f"1/(1 − {readable(ratio)})"
    if last_power <= 3:
        return "(" + " + ".join(readable(term) if k else "1" for k, term in enumerate(source.series_terms())) + ")"
    return f"Σ_(k=0..{last_power}) {readable(ratio)}^k ({readable(source.retry_factor)})"


def managed_text(managed: ManagedUse) -> str:
    """How instance-hours follow from the traffic (or are stated), and what an instance-hour costs."""
    m = managed
    if m.instances is not None and m.needed_concurrency is not None and m.concurrency_per_instance is not None:
        hours = (f"needed concurrency {readable(m.needed_concurrency, 4)} (busy seconds / seconds of the month); "
                 f"⌈{readable(m.needed_concurrency, 4)} / {readable(m.concurrency_per_instance)} per instance⌉, "
                 f"at least {m.minimum_instances}: {readable(m.instances)} {m.instance_type} instances all month = "
                 f"{readable(m.instance_hours)} instance-hours")
    else:
        hours = f"{readable(m.instance_hours)} {m.instance_type} instance-hours as stated"
    if m.discount is not None:
        ec2 = (f"EC2 ${price(m.on_demand_price)} on demand × (1 − {readable(m.discount)}) = "
               f"${price(m.hourly_price)} an hour")
    elif m.hourly_price != m.on_demand_price:
        ec2 = f"EC2 ${price(m.hourly_price)} an hour as stated (${price(m.on_demand_price)} on demand)"
    else:
        ec2 = f"EC2 ${price(m.on_demand_price)} an hour on demand"
    return (f"{hours}; {ec2}; management fee {readable(m.fee_percent)}% × ${price(m.on_demand_price)} = "
            f"${price(m.fee_per_hour)} an hour")


def durable_text(durable: DurableUse) -> str:
    """Executions, their operations and data, and how long the data is kept."""
    d = durable
    return (f"{readable(d.executions, 2)} executions of {readable(d.invocations_per_execution)} invocations each; "
            f"× {readable(d.operations_per_execution)} operations = {readable(d.operations, 2)} operations; "
            f"× {readable(d.kb_per_execution)} KB / {readable(Decimal(d.kb_per_gb))} KB a GB = "
            f"{readable(d.data_written_gb, 4)} GB written, kept {readable(d.retained_days)} days / "
            f"{d.days_per_month} = {readable(d.retained_gb_months, 4)} GB-months")


def tenant_text(tenant: TenantUse) -> str:
    """New tenant-isolated environments and the memory each is charged for."""
    t = tenant
    return (f"{readable(t.environments, 2)} new environments × {readable(t.memory_gb, 4)} GB = "
            f"{readable(t.environment_gb, 2)} environment-GB")


def microvm_text(microvm: MicroVmUse) -> str:
    """Seconds at baseline and at peak, and the snapshot data and storage they make."""
    m = microvm
    return (f"{readable(m.launches, 2)} launches: {readable(m.baseline_seconds, 2)} s at baseline "
            f"({readable(m.baseline_vcpus)} vCPU, {readable(m.baseline_gb)} GB) and {readable(m.peak_seconds, 2)} s at "
            f"peak ({readable(m.peak_vcpus)} vCPU, {readable(m.peak_gb)} GB) = {readable(m.vcpu_seconds, 2)} vCPU-s "
            f"and {readable(m.gb_seconds, 2)} GB-s; {readable(m.suspends, 2)} suspends write "
            f"{readable(m.written_gb, 2)} GB, resumes and launches read {readable(m.read_gb, 2)} GB; stored "
            f"{readable(m.image_gb_months, 4)} GB-months of images and {readable(m.suspended_gb_months, 4)} of "
            f"suspended state (hours / {m.storage_hours_per_month})")
