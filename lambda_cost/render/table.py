"""The table format for people at a terminal: line items per function, assumptions, retries, warnings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lambda_cost.errors import SHOWN_PROBLEMS
from lambda_cost.model.estimate import Estimate
from lambda_cost.model.priced import LineItem, PricedFunction
from lambda_cost.model.units import HOURS_PER_MONTH
from lambda_cost.numbers import counted, money, percent, readable
from lambda_cost.render import RenderOptions
from lambda_cost.render.explain import free_tier_texts, item_text, source_text, usage_text
from lambda_cost.render.layout import Column, Grid, Layout, layout
from lambda_cost.render.lines import counted_items, dimension_notes, free_tier_summary, source_outcome, unit_price


def render(estimate: Estimate, options: RenderOptions) -> str:
    out = layout(options.width, options.color)
    out.line(f"lambda-cost estimate: {estimate.workload}", style="bold")
    out.line()
    for priced in estimate.functions:
        _print_function(out, priced, options)
    _print_free_tier(out, estimate, options)
    out.line(f"Total for the month: {money(estimate.total)}", style="bold")
    if estimate.related_total:
        out.line(f"Related charges (other services): {money(estimate.related_total)}")
        out.line(f"Grand total: {money(estimate.grand_total)}", style="bold")
    out.line()
    if estimate.files:
        _print_files(out, estimate)
    if options.chart:
        _print_charts(out, estimate, options)
    _print_assumptions(out, estimate)
    _print_retries(out, estimate, options)
    _print_budget(out, estimate)
    _print_warnings(out, estimate)
    return out.text()


def _print_function(out: Layout, priced: PricedFunction, options: RenderOptions) -> None:
    function = priced.usage.function
    storage = f", {function.ephemeral_storage_mb} MB ephemeral storage" if priced.extra_storage_mb else ""
    title = (
        f"{function.label}: {priced.usage.region}, {function.architecture}, "
        f"{function.memory_mb} MB{storage}"
    )
    out.grid(_items_table(title, "Function total", priced.line_items, priced.total))
    notes = dimension_notes(priced)
    for line in notes:
        out.hanging("  ", line)
    if notes:
        out.line()
    if priced.related_items:
        out.grid(_items_table(f"{function.label}: related charges", "Related total", priced.related_items,
                              priced.related_total))
    if options.explain:
        out.line("  How these numbers arise:", style="bold")
        out.hanging("  - ", f"usage: {usage_text(priced)}", style="dim")
        for item in (*priced.line_items, *priced.related_items):
            out.hanging("  - ", f"{item.description}: {item_text(item)}", style="dim")
        out.line()


def _print_free_tier(out: Layout, estimate: Estimate, options: RenderOptions) -> None:
    """The account's free tier: one credit for the whole account, apart from the functions (priced gross)."""
    free = estimate.free_tier
    if not free.enabled:
        return
    out.grid(_items_table("Free tier: one credit for the whole account",
                          "Free-tier credit", free.items, free.total))
    if options.explain:
        out.line("  How these numbers arise:", style="bold")
        for line in free_tier_texts(free):
            out.hanging("  - ", line, style="dim")
        for item in free.items:
            out.hanging("  - ", f"{item.description}: {item_text(item)}", style="dim")
        out.line()


def _items_table(title: str, footer: str, items: Sequence[LineItem], total: Decimal) -> Grid:
    """Line items with quantity, unit, unit price and cost, and their total in the footer."""
    # Figures are never cut short: they fold onto a second line before an ellipsis could hide digits.
    grid = Grid(title, [
        Column("Component", footer=footer),
        Column("Quantity", "right", "fold"),
        Column("Unit"),
        Column("Unit price", "right", "fold"),
        Column("Cost", "right", "fold", footer=money(total)),
    ], show_footer=True)
    for item in items:
        grid.add_row(
            [item.description, readable(item.quantity, 2), item.unit, unit_price(item), money(item.cost)],
            style="green" if item.cost < 0 else "",
        )
    return grid


def _print_assumptions(out: Layout, estimate: Estimate) -> None:
    pricing = estimate.pricing
    free = estimate.free_tier
    out.line("Assumptions", style="bold")
    lines = [
        f"default region: {estimate.default_region}",
        f"pricing version: {pricing.version} (effective {pricing.effective}, sha256 {pricing.sha256[:12]})",
        f"a month is {HOURS_PER_MONTH} hours; volumes and durations are monthly means (expected values)",
    ]
    lines.append(f"free tier: {free_tier_summary(free)}")
    if estimate.savings_discount:
        lines.append(f"Compute Savings Plan: {percent(estimate.savings_discount)} off duration and provisioned "
                     "concurrency")
    for line in lines:
        out.hanging("  ", line)
    out.line()


def _print_retries(out: Layout, estimate: Estimate, options: RenderOptions) -> None:
    out.line("Retries and dead letters", style="bold")
    for priced in estimate.functions:
        name = priced.usage.function.label
        for source in priced.usage.sources:
            batch = "" if source.batch_size is None else f", batches of {source.batch_size}"
            out.hanging("  ",
                f"{name}, {source.type}{batch}: {counted_items(source.volume, source.volume_unit)} → "
                f"{source_outcome(source)}",
            )
            if options.explain:
                out.hanging("    ", source_text(source), style="dim")
    out.line()


def _print_budget(out: Layout, estimate: Estimate) -> None:
    report = estimate.budget
    if report is None:
        return
    # A long function name folds rather than end in an ellipsis, which would make its checks read alike.
    grid = Grid(f"Budget: {report.status}", [
        Column("Budget", "left", "fold"),
        Column("Limit", "right", "fold"),
        Column("Actual", "right", "fold"),
        Column("Headroom", "right", "fold"),
        Column("Status", "left", "fold"),
    ])
    style = {"over": "bold red", "warning": "yellow", "ok": "green"}
    for check in report.checks:
        grid.add_row([check.label, money(check.limit), money(check.actual), money(check.headroom), check.status],
                     last_style=style[check.status])
    out.grid(grid)


def _print_warnings(out: Layout, estimate: Estimate) -> None:
    if not estimate.warnings:
        return
    out.line("Warnings", style="bold yellow")
    for warning in estimate.warnings[:SHOWN_PROBLEMS]:
        prefix = f"{warning.where}: " if warning.where else ""
        out.hanging("  ! ", f"{prefix}{warning.message}")
    more = len(estimate.warnings) - SHOWN_PROBLEMS
    if more > 0:  # a generated workload can have thousands: the first ones, then a count
        out.hanging("  ! ", f"... and {counted(more, 'more warning', 'more warnings')} (--format json lists them all)")


def _print_files(out: Layout, estimate: Estimate) -> None:
    out.line("Subtotals by file, gross (priced as one account: one free tier, shared tiers)", style="bold")
    for subtotal in estimate.files:
        count = f"{subtotal.functions} function{'s' if subtotal.functions != 1 else ''}"
        related = f"; with related charges {money(subtotal.grand_total)}" if subtotal.related_total else ""
        out.hanging("  ", f"{subtotal.workload} ({subtotal.prefix}/…, {count}): {money(subtotal.total)}{related}")
    out.line()


def _print_charts(out: Layout, estimate: Estimate, options: RenderOptions) -> None:
    from lambda_cost.render.chart import estimate_charts

    functions = [(priced.usage.function.label, priced.total) for priced in estimate.functions]
    for line in estimate_charts(functions, estimate.by_component, options.width):
        out.line(line, style="cyan" if line.startswith("  ") else "bold")
    out.line()
