"""The arithmetic behind each number, as text for --explain: every figure comes from the model."""

from __future__ import annotations

from lambda_cost.model.priced import LineItem, PricedFunction, Provisioning
from lambda_cost.model.usage import SourceUsage
from lambda_cost.numbers import counted, money, readable


def item_text(item: LineItem) -> str:
    """quantity × unit price = cost, after where the quantity comes from."""
    text = f"{readable(item.quantity)} {item.unit} × {money(item.unit_price, 10)} = {money(item.cost, 6)}"
    return f"{item.why}; {text}" if item.why else text


def usage_text(priced: PricedFunction) -> str:
    """How attempts and durations become GB-s: those provisioned concurrency serves are taken out, INIT added."""
    usage = priced.usage
    parts = [f"{readable(usage.successful_invocations)} successful attempts × {readable(priced.billed_ms)} ms"]
    if usage.failed_invocations:
        parts.append(f"{readable(usage.failed_invocations)} failed attempts × {readable(priced.billed_error_ms)} ms")
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
    if source.shape == "event":
        return (
            f"{readable(source.volume)} {unit} × {series} = {readable(source.invocations)} attempts"
            f"; {readable(source.volume)} × {readable(source.ratio)}^{lost_power} = {lost}"
        )
    if source.shape == "partial":
        return (
            f"{readable(source.volume)} {unit} × {series} receives each"
            f" = {readable(source.receives)} receives; ÷ batch {source.batch_size} = {readable(source.invocations)}"
            f" invocations; {readable(source.volume)} × {readable(source.ratio)}^{lost_power} = {lost}"
        )
    return (
        f"{readable(source.volume)} {unit} ÷ batch {source.batch_size} = {readable(source.batches)} batches"
        f"; q = 1 − (1 − {readable(source.error_rate)})^{source.batch_size} = {readable(source.ratio)}"
        f"; {readable(source.batches)} batches × {series} attempts each"
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
