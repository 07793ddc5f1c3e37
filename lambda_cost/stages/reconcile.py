"""Reconcile: an estimate held against the month's bill, per region and component, with the likely cause of each
gap. It runs after the report (a saved estimate or one priced now) and before the gate judges --max-gap."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from lambda_cost.bills.model import SAVINGS_PLAN_COVERED, SAVINGS_PLAN_NEGATION, USAGE, USAGE_TYPES, Bill, BillGroup
from lambda_cost.bills.usage_types import UsageTypes
from lambda_cost.errors import InputError, Problem
from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.model.reconcile import (
    HUNDRED,
    Adjustment,
    EstimatedLine,
    EstimateSide,
    Reconciliation,
    Row,
    Side,
    UnknownUsage,
)
from lambda_cost.numbers import ZERO, exact, exact_sum, money, price, readable
from lambda_cost.tables.catalog import TableCatalog

BY = ("component", "function", "region")


UNKNOWN = "unknown"


SAVINGS_PLAN = "savings_plan"


DATA_TRANSFER = "data_transfer"


NO_RESOURCE = "(no resource ID)"


def load_estimate(path: str, *, pricing: str | None, as_of: dt.date | None, catalog: TableCatalog) -> EstimateSide:
    """A workload is priced; a saved JSON estimate is read as it was priced."""
    from lambda_cost.stages.diff import saved_estimate
    from lambda_cost.stages.load import read_source

    source = read_source(path)
    saved = saved_estimate(source, "reconcile")
    if saved is not None:
        if pricing is not None or as_of is not None:
            raise InputError(f"{source.name} is a saved estimate, priced with {saved.pricing.version}; it cannot be "
                             "repriced", hint="give the workload file to price it with another table")
        problems = [Problem("a function without its region", path=("functions", i, "region"), file=source.name)
                    for i, f in enumerate(saved.functions) if not f.region]
        if problems:
            raise InputError(f"{source.name}: a saved estimate that reconcile cannot place", problems=problems,
                             hint="save it again: lambda-cost estimate WORKLOAD --format json -o FILE")
        lines = tuple(
            EstimatedLine(_function_name(f.function or f.name.split(":")[0]), f.region, f.architecture or "x86_64",
                          item.component, item.quantity, item.cost)
            for f in saved.functions for item in f.line_items)
        if saved.schema_version >= 2 and saved.free_tier is not None:
            credit = [(item.component, item.region, item.architecture, item.quantity, item.unit_price, item.cost)
                      for item in saved.free_tier.line_items]
            shares = [(_function_name(f.function or f.name.split(":")[0]), f.region, f.architecture or "x86_64",
                       tuple(f.free_tier_share.get(name, ZERO) for name in _SHARES)) for f in saved.functions]
            lines += _free_lines(credit, shares)
        return EstimateSide(source.name, saved.pricing.version, lines, saved.related_total)
    from lambda_cost.stages import estimate_source

    estimate = estimate_source(source, pricing=pricing, as_of=as_of, catalog=catalog)
    lines = tuple(
        EstimatedLine(_function_name(priced.usage.function.name), priced.usage.region,
                      priced.usage.function.architecture, item.component, item.quantity, item.cost)
        for priced in estimate.functions for item in priced.line_items)
    credit = [(item.component, item.region, item.architecture, item.quantity, item.unit_price, item.cost)
              for item in estimate.free_tier.items]
    shares = [(_function_name(p.usage.function.name), p.usage.region, p.usage.function.architecture, p.free_share)
              for p in estimate.functions]
    lines += _free_lines(credit, shares)
    return EstimateSide(estimate.workload, estimate.pricing.version, lines, estimate.related_total)


_SHARES = ("requests", "gb_seconds", "response_streaming_gb")
_SHARED = ("free_tier_requests", "free_tier_duration", "free_tier_response_streaming")


@exact
def _free_lines(credit: list[tuple[str, str, str, Decimal, Decimal, Decimal]],
                shares: list[tuple[str, str, str, tuple[Decimal, ...]]]) -> tuple[EstimatedLine, ...]:
    """The account's free-tier credit as a bill shows free usage: per function (its share, at the price of the
    credit line that covers it); what is not usage (the Savings Plan discount the free usage does not get) is the
    account's own row."""
    prices = {(component, region, architecture): unit_price
              for component, region, architecture, _, unit_price, _ in credit}
    lines = [EstimatedLine(name, region, architecture, component, -amount, -amount * prices[key])
             for name, region, architecture, share in shares
             for component, amount in zip(_SHARED, share, strict=True)
             if amount and (key := (component, region, architecture)) in prices]
    lines += [EstimatedLine(FREE_TIER_ROW, region, architecture or "x86_64", component, quantity, cost)
              for component, region, architecture, quantity, _, cost in credit if component not in _SHARED]
    return tuple(lines)


def _function_name(name: str) -> str:
    """A function's name as Lambda knows it: without the file prefix of a multi-file estimate (a/api)."""
    return name.rsplit("/", 1)[-1]


def function_of(resource_id: str | None) -> str:
    """The function a bill's resource ID names: arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] gives NAME."""
    if not resource_id:
        return NO_RESOURCE
    parts = resource_id.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[5] == "function":
        return parts[6]
    return resource_id


# Keys of the tallies: (region, component, function); function is None unless --by function.
_Key = tuple[str, str, "str | None"]


@dataclass
class _Tally:
    """The bill's and the estimate's sides, summed by key, and what the bill has beside usage."""

    billed: dict[_Key, Side] = field(default_factory=lambda: defaultdict(Side))
    estimated: dict[_Key, Side] = field(default_factory=lambda: defaultdict(Side))
    unknown: dict[tuple[str, str], tuple[Side, int]] = field(default_factory=dict)  # (usage type, region)
    adjustments: dict[str, tuple[Decimal, int]] = field(default_factory=dict)  # line item type: cost, line items
    negations: int = 0
    moved: set[str] = field(default_factory=set)  # components billed in other regions than compared under


@exact
def reconcile_bill(estimate: EstimateSide, bill: Bill, month: str, groups: Iterable[BillGroup], *, by: str,
                   usage_types: UsageTypes) -> Reconciliation:
    """Hold the estimate against the month's line items of the bill (the gate judges the gaps later)."""
    per_function = by == "function"
    tally = _Tally()
    for group in groups:
        _bill_group(tally, group, bill, usage_types, per_function)
    for line in estimate.lines:
        _estimate_line(tally, line, usage_types, per_function, free_rows=bill.free_tier_apart)
    components = _component_tally(tally)
    order = {name: i for i, name in enumerate([*usage_types.components, UNKNOWN])}
    rows = _rows(tally, by, usage_types, bill, order)
    billed_total = exact_sum(side.cost for side in tally.billed.values())
    estimated_total = exact_sum(side.cost for side in tally.estimated.values())
    return Reconciliation(
        estimate=estimate.name, pricing_version=estimate.pricing_version, bill_format=bill.format,
        bill_files=bill.files, line_items=sum(g.line_items for g in bill.groups if g.month == month), month=month,
        by=by, rows=rows, billed_total=billed_total, estimated_total=estimated_total,
        adjustments=tuple(Adjustment(kind, cost, count) for kind, (cost, count) in sorted(tally.adjustments.items())),
        unknown=tuple(UnknownUsage(usage_type, region, side.quantity, side.cost, count)
                      for (usage_type, region), (side, count) in sorted(tally.unknown.items())),
        notes=tuple(_notes(tally, estimate, bill)),
        components=tuple((name, billed, estimated) for name, (billed, estimated) in components.items()),
        groups=tuple((name, tuple(members)) for name, members in {**usage_types.groups(), UNKNOWN: [UNKNOWN]}.items()),
    )


def _bill_group(tally: _Tally, group: BillGroup, bill: Bill, usage_types: UsageTypes, per_function: bool) -> None:
    kind = group.line_item_type
    if kind == SAVINGS_PLAN_NEGATION:
        # It takes back the on-demand cost of covered usage; the savings_plan row holds that at the effective cost.
        tally.negations += group.line_items
        return
    if kind not in USAGE_TYPES:
        cost, count = tally.adjustments.get(kind, (ZERO, 0))
        tally.adjustments[kind] = (cost + group.cost, count + group.line_items)
        return
    found = (usage_types.classify_description(group.usage_type) if bill.by_description
             else usage_types.classify(group.usage_type))
    region = found.region or group.region or "unknown"
    if found.moved and found.component is not None:
        tally.moved.add(found.component)
    function = function_of(group.resource_id) if per_function else None
    component = found.component
    if component is None:
        key = (group.usage_type, region)
        side, count = tally.unknown.get(key, (Side(), 0))
        tally.unknown[key] = (side + Side(group.usage_amount, group.cost), count + group.line_items)
        component = UNKNOWN
    tally.billed[(region, component, function)] += Side(group.usage_amount, group.cost)
    # Usage at no cost is the free tier (the query marks every line item at no cost; usage is what counts).
    free = (group.free and kind == USAGE) or found.free or (
        bill.by_description and usage_types.is_free_description(group.usage_type))
    free_component = usage_types.free_tier_of(component)
    if free and bill.free_tier_apart and free_component is not None:
        tally.billed[(region, free_component, function)] += Side(group.usage_amount, ZERO)
    if kind == SAVINGS_PLAN_COVERED:
        # Covered usage is billed above at its on-demand cost; the plan's discount is the effective cost minus that.
        tally.billed[(region, SAVINGS_PLAN, function)] += Side(group.cost, group.effective_cost - group.cost)


def _estimate_line(tally: _Tally, line: EstimatedLine, usage_types: UsageTypes, per_function: bool, *,
                   free_rows: bool) -> None:
    function = line.function if per_function else None
    component = usage_types.of_estimate(line.component, line.architecture) or line.component
    region = usage_types.spec.components[component].region if component in usage_types.spec.components else None
    region = region or line.region
    if component.startswith("free_tier_"):
        # Free usage is counted as a quantity of its own; its credit nets the cost of what it covers, as a bill's
        # zero-cost lines do.
        if free_rows:  # a bill that cannot show free usage apart (Cost Explorer) gets no free-tier row
            tally.estimated[(region, component, function)] += Side(-line.quantity, ZERO)
        credited = usage_types.credited(component, line.architecture)
        tally.estimated[(region, credited, function)] += Side(ZERO, line.cost)
        return
    tally.estimated[(region, component, function)] += Side(line.quantity, line.cost)


def _component_tally(tally: _Tally) -> dict[str, tuple[Side, Side]]:
    """Each component's sides over every region and function: what a component's --max-gap checks."""
    totals: dict[str, tuple[Side, Side]] = {}
    for source, index in ((tally.billed, 0), (tally.estimated, 1)):
        for (_, component, _), side in source.items():
            sides = list(totals.get(component, (Side(), Side())))
            sides[index] = sides[index] + side
            totals[component] = (sides[0], sides[1])
    return totals


def _rows(tally: _Tally, by: str, usage_types: UsageTypes, bill: Bill, order: dict[str, int]) -> tuple[Row, ...]:
    units = usage_types.components
    if by == "region":
        regions: dict[str, tuple[Side, Side]] = {}
        for source, index in ((tally.billed, 0), (tally.estimated, 1)):
            for (region, _, _), side in source.items():
                sides = list(regions.get(region, (Side(), Side())))
                sides[index] = sides[index] + Side(ZERO, side.cost)
                regions[region] = (sides[0], sides[1])
        return tuple(Row(region, "", None, "", billed, estimated, _region_causes(billed, estimated))
                     for region, (billed, estimated) in sorted(regions.items())
                     if not (billed.empty and estimated.empty))
    keys = sorted(set(tally.billed) | set(tally.estimated),
                  key=lambda k: (k[0], order.get(k[1], len(order)), k[1], k[2] or ""))
    rows = []
    for key in keys:
        billed, estimated = tally.billed.get(key, Side()), tally.estimated.get(key, Side())
        if billed.empty and estimated.empty:
            continue
        region, component, function = key
        causes = _causes(key, billed, estimated, tally, usage_types, bill)
        rows.append(Row(region, component, function, units.get(component, ""), billed, estimated, causes))
    return tuple(rows)


def _region_causes(billed: Side, estimated: Side) -> tuple[str, ...]:
    if estimated.empty:
        return ("billed, but the workload has nothing in this region",)
    if billed.empty:
        return ("estimated, but the bill has nothing in this region",)
    return ()


def _causes(key: _Key, billed: Side, estimated: Side, tally: _Tally, usage_types: UsageTypes,
            bill: Bill) -> tuple[str, ...]:
    """The likely cause of a row's gap, where the bill itself says it."""
    region, component, function = key
    if component == UNKNOWN:
        names = sorted(u for (u, r) in tally.unknown if r == region)
        return (f"usage types the map does not know: {', '.join(names)} (pricing/bills/usage-types.yaml)",)
    if component == SAVINGS_PLAN:
        return _savings_plan_causes(billed, estimated)
    if component == DATA_TRANSFER and estimated.empty:
        return ("data transfer billed under AWS Lambda; an estimate does not include it",)
    if component.startswith("free_tier_"):
        return _free_tier_causes(billed, estimated, usage_types.components.get(component, ""))
    if component not in usage_types.components:
        return (f"the estimate's {component} is not a Lambda component the map knows",)
    if estimated.empty:
        if function is not None:
            return (f"function {function} is billed but not in the workload",)
        return ("billed, but the workload has none",)
    if billed.empty:
        where = f"function {function}" if function is not None else "it"
        return (f"estimated, but the bill has none: is {where} deployed in {region} under this name?",)
    causes = []
    free_component = usage_types.free_tier_of(component)
    if free_component is not None and bill.free_tier_apart and billed.cost != estimated.cost:
        free_key = (region, free_component, function)
        billed_free = tally.billed.get(free_key, Side()).quantity
        estimated_free = tally.estimated.get(free_key, Side()).quantity
        if billed_free != estimated_free:
            causes.append(f"the free tier covers {readable(billed_free, 2)} here on the bill and "
                          f"{readable(estimated_free, 2)} in the estimate (see {free_component})")
    if not causes and billed.quantity == estimated.quantity and billed.cost != estimated.cost and billed.quantity:
        causes.append(f"same usage, another rate: billed at ${price(billed.cost / billed.quantity)}, estimated at "
                      f"${price(estimated.cost / estimated.quantity)} a unit (the pricing version, a private rate "
                      "or a tier)")
    return tuple(causes)


def _savings_plan_causes(billed: Side, estimated: Side) -> tuple[str, ...]:
    if estimated.empty:
        return (f"a Savings Plan covered {money(billed.quantity)} of on-demand usage and took {money(-billed.cost)} "
                "off it; the workload declares no savings_plan",)
    if billed.empty:
        return ("the workload declares a savings_plan; the bill has no usage a Savings Plan covered",)
    if billed.cost == estimated.cost:
        return ()
    rates = [side.cost / side.quantity * -HUNDRED for side in (billed, estimated) if side.quantity]
    if len(rates) < 2:
        return ()
    return (f"the Savings Plan took {readable(rates[0], 2)}% off the usage it covered; the workload's savings_plan "
            f"takes {readable(rates[1], 2)}%",)


def _free_tier_causes(billed: Side, estimated: Side, unit: str) -> tuple[str, ...]:
    if billed.quantity >= estimated.quantity:
        return ()
    return (f"the bill applies {readable(billed.quantity, 2)} free {unit} here, the estimate "
            f"{readable(estimated.quantity, 2)}: the account's free tier also went to other usage (or other regions)",)


def _notes(tally: _Tally, estimate: EstimateSide, bill: Bill) -> Iterable[str]:
    for kind, (cost, count) in sorted(tally.adjustments.items()):
        yield f"{kind}: {money(cost)} in {_line_items(count)}, shown apart and not compared"
    if tally.negations:
        yield (f"{_line_items(tally.negations)} of type SavingsPlanNegation take back the on-demand cost of covered "
               "usage; the savings_plan rows hold that at the plan's effective cost")
    if not bill.free_tier_apart:
        yield ("Cost Explorer adds free-tier usage into each usage type: requests and duration are compared net of "
               "it, without a free-tier row")
    if bill.by_description:
        yield "a FOCUS export without x_UsageType: each component comes from the charge description"
    if estimate.related_total:
        yield (f"the estimate's related charges ({money(estimate.related_total)}: dead letters, logs) are other "
               "services' and not compared")
    if tally.moved:
        yield (f"{', '.join(sorted(tally.moved))}: usage billed in other regions is compared under the region the "
               "estimate prices it in (Lambda@Edge: us-east-1)")


def _line_items(count: int) -> str:
    return f"{count:,} line item{'' if count == 1 else 's'}"
