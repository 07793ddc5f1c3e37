"""Text that several estimate formats share: the notes beside a function's line items, and unit prices."""

from __future__ import annotations

from decimal import Decimal

from lambda_cost.model.priced import Allowance, FreeTierUse, LineItem, PricedFunction
from lambda_cost.model.usage import SourceUsage
from lambda_cost.numbers import counted, percent, price, readable
from lambda_cost.render.explain import durable_text, managed_text, microvm_text, provisioning_text, tenant_text


def dimension_notes(priced: PricedFunction) -> list[str]:
    """Facts beside a function's line items: provisioned concurrency use, cold starts, peak concurrency."""
    notes = []
    extras = priced.extras
    if extras is not None and extras.provisioning is not None:
        notes.append("provisioned concurrency: " + provisioning_text(extras.provisioning))
    if extras is not None and extras.cold_starts:
        init = ""
        if extras.init_gb_seconds:
            init = f", INIT billed as duration: {readable(extras.init_gb_seconds, 2)} GB-s"
        elif extras.init_unbilled:
            init = f", INIT not billed: {extras.init_unbilled}"
        notes.append(f"cold starts: {readable(extras.cold_starts, 2)}{init}")
    modes = priced.modes
    if modes is not None and modes.managed is not None:
        notes.append("managed instances: " + managed_text(modes.managed))
    if modes is not None and modes.durable is not None:
        notes.append("durable: " + durable_text(modes.durable))
    if modes is not None and modes.tenant is not None:
        notes.append("tenant isolation: " + tenant_text(modes.tenant))
    if modes is not None and modes.microvm is not None:
        notes.append("microvms: " + microvm_text(modes.microvm))
    if priced.usage.peak_concurrency:
        notes.append(f"peak concurrency: {readable(priced.usage.peak_concurrency, 2)}")
    return notes


def counted_items(count: Decimal, unit: str) -> str:
    """A count of a source's items (requests, events, messages, records: their unit is given in the plural)."""
    return counted(count, unit.removesuffix("s"), unit)


def source_outcome(source: SourceUsage) -> str:
    """What a source's traffic becomes: invocations, what fails, and what is lost (the table and Markdown)."""
    if source.shape == "partial" and source.error_rate:
        # Partial batch responses: messages fail and are received again, yet the invocations that report them
        # complete, so none is billed as failed.
        failed = (f"{counted_items(source.failed_items, source.volume_unit)} failed and reported as batch item "
                  "failures, so no invocation fails")
    else:
        failed = f"{readable(source.failed_invocations, 2)} failed"
    return (f"{counted(source.invocations, 'invocation')} ({failed}); "
            f"{counted_items(source.lost, source.volume_unit)} {source.lost_label}")


def unit_price(item: LineItem) -> str:
    """A line item's unit price as the table and Markdown show it: requests per million, a discount as a share."""
    if item.unit == "USD":
        return percent(item.unit_price)
    if item.unit == "requests":
        # A decimal shift for display, exact: requests are priced per million, in dollars and cents or finer.
        return f"${price(item.unit_price.scaleb(6), min_places=2)} / 1M"
    # Dollars and cents at least, as every price beside it: $0.50 per GB beside $0.40 / 1M, not $0.5.
    return f"${price(item.unit_price, min_places=2)}"


def free_tier_summary(free: FreeTierUse) -> str:
    """The free tier in the assumptions: how much of each allowance the workload is credited, and what other usage
    takes first where the workload says so."""
    if not free.enabled:
        return "off"
    return (f"on, {_used(free.requests)} requests and {_used(free.gb_seconds)} GB-s used"
            + ("" if free.streaming_gb is None or not (free.streaming_gb.credited or free.streaming_gb.elsewhere != 0)
               else f"; {_used(free.streaming_gb)} GB of response streaming"))


def _used(allowance: Allowance) -> str:
    text = f"{readable(allowance.credited, 2)} of {readable(allowance.allowance)}"
    if allowance.elsewhere is None:
        return f"{text} (all used elsewhere)"
    if allowance.elsewhere:
        return f"{text} ({readable(allowance.elsewhere, 2)} used elsewhere)"
    return text
