"""The table format for people at a terminal: line items per function, assumptions, retries, warnings."""

from __future__ import annotations

import io
from decimal import Decimal

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from lambda_cost.model.estimate import Estimate
from lambda_cost.model.priced import LineItem, PricedFunction
from lambda_cost.model.units import HOURS_PER_MONTH
from lambda_cost.numbers import money, percent, readable
from lambda_cost.render import RenderOptions
from lambda_cost.render.explain import item_text, source_text, usage_text
from lambda_cost.render.lines import dimension_notes, unit_price


def render(estimate: Estimate, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
        markup=False,  # names and paths come from the workload: `[bold]` or `x[/]` is text, not markup
    )
    console.print(Text(f"lambda-cost estimate: {estimate.workload}", style="bold"))
    console.print()
    for priced in estimate.functions:
        _print_function(console, priced, options)
    console.print(Text(f"Total for the month: {money(estimate.total)}", style="bold"))
    if estimate.related_total:
        console.print(f"Related charges (other services): {money(estimate.related_total)}")
        console.print(Text(f"Grand total: {money(estimate.grand_total)}", style="bold"))
    console.print()
    if estimate.files:
        _print_files(console, estimate)
    if options.chart:
        _print_charts(console, estimate, options)
    _print_assumptions(console, estimate)
    _print_retries(console, estimate, options)
    _print_budget(console, estimate)
    _print_warnings(console, estimate)
    # Rich pads every line to the console width; trailing blanks only get in the way of diffs and pipes.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _print_function(console: Console, priced: PricedFunction, options: RenderOptions) -> None:
    function = priced.usage.function
    storage = f", {function.ephemeral_storage_mb} MB ephemeral storage" if priced.extra_storage_mb else ""
    title = (
        f"{function.label}: {priced.usage.region}, {function.architecture}, "
        f"{function.memory_mb} MB{storage}"
    )
    console.print(_items_table(title, "Function total", priced.line_items, priced.total))
    notes = dimension_notes(priced)
    for line in notes:
        _hanging(console, "  ", line)
    if notes:
        console.print()
    if priced.related_items:
        console.print(_items_table(f"{function.label}: related charges", "Related total", priced.related_items,
                                   priced.related_total))
    if options.explain:
        console.print(Text("  How these numbers arise:", style="bold"))
        _hanging(console, "  - ", f"usage: {usage_text(priced)}", style="dim")
        for item in (*priced.line_items, *priced.related_items):
            _hanging(console, "  - ", f"{item.description}: {item_text(item)}", style="dim")
        console.print()


def _items_table(title: str, footer: str, items: tuple[LineItem, ...], total: Decimal) -> Table:
    """Line items with quantity, unit, unit price and cost, and their total in the footer."""
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, show_footer=True)
    table.add_column("Component", footer=footer)
    # Figures are never cut short: they fold onto a second line before an ellipsis could hide digits.
    table.add_column("Quantity", justify="right", overflow="fold")
    table.add_column("Unit")
    table.add_column("Unit price", justify="right", overflow="fold")
    table.add_column("Cost", justify="right", footer=money(total), overflow="fold")
    for item in items:
        table.add_row(
            item.description,
            readable(item.quantity, 2),
            item.unit,
            unit_price(item),
            money(item.cost),
            style="green" if item.cost < 0 else None,
        )
    return table


def _print_assumptions(console: Console, estimate: Estimate) -> None:
    pricing = estimate.pricing
    free = estimate.free_tier
    console.print(Text("Assumptions", style="bold"))
    lines = [
        f"default region: {estimate.default_region}",
        f"pricing version: {pricing.version} (effective {pricing.effective}, sha256 {pricing.sha256[:12]})",
        f"a month is {HOURS_PER_MONTH} hours; volumes and durations are monthly means (expected values)",
    ]
    if free.enabled:
        lines.append(
            f"free tier: on, {readable(free.requests_used, 2)} of {readable(free.requests_allowance)} requests "
            f"and {readable(free.gb_seconds_used, 2)} of {readable(free.gb_seconds_allowance)} GB-s used"
        )
    else:
        lines.append("free tier: off")
    if free.enabled and free.streaming_gb_allowance is not None and free.streaming_gb_used:
        lines.append(f"free response streaming: {readable(free.streaming_gb_used, 2)} of "
                     f"{readable(free.streaming_gb_allowance)} GB used")
    if estimate.savings_discount:
        lines.append(f"Compute Savings Plan: {percent(estimate.savings_discount)} off duration and provisioned "
                     "concurrency")
    for line in lines:
        _hanging(console, "  ", line)
    console.print()


def _print_retries(console: Console, estimate: Estimate, options: RenderOptions) -> None:
    console.print(Text("Retries and dead letters", style="bold"))
    for priced in estimate.functions:
        name = priced.usage.function.label
        for source in priced.usage.sources:
            batch = "" if source.batch_size is None else f", batches of {source.batch_size}"
            _hanging(
                console, "  ",
                f"{name}, {source.type}{batch}: {readable(source.volume, 2)} {source.volume_unit} → "
                f"{readable(source.invocations, 2)} invocations ({readable(source.failed_invocations, 2)} failed); "
                f"{readable(source.lost, 2)} {source.volume_unit} {source.lost_label}",
            )
            if options.explain:
                _hanging(console, "    ", source_text(source), style="dim")
    console.print()


def _print_budget(console: Console, estimate: Estimate) -> None:
    report = estimate.budget
    if report is None:
        return
    table = Table(title=f"Budget: {report.status}", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    for column, justify in (("Budget", "left"), ("Limit", "right"), ("Actual", "right"), ("Headroom", "right"),
                            ("Status", "left")):
        # A long function name folds rather than end in an ellipsis, which would make its checks read alike.
        table.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    style = {"over": "bold red", "warning": "yellow", "ok": "green"}
    for check in report.checks:
        table.add_row(check.label, money(check.limit), money(check.actual), money(check.headroom),
                      Text(check.status, style=style[check.status]))
    console.print(table)


def _print_warnings(console: Console, estimate: Estimate) -> None:
    if not estimate.warnings:
        return
    console.print(Text("Warnings", style="bold yellow"))
    for warning in estimate.warnings:
        prefix = f"{warning.where}: " if warning.where else ""
        _hanging(console, "  ! ", f"{prefix}{warning.message}")


def _print_files(console: Console, estimate: Estimate) -> None:
    console.print(Text("Subtotals by file (priced as one account: one free tier, shared tiers)", style="bold"))
    for subtotal in estimate.files:
        count = f"{subtotal.functions} function{'s' if subtotal.functions != 1 else ''}"
        related = f"; with related charges {money(subtotal.grand_total)}" if subtotal.related_total else ""
        _hanging(console, "  ", f"{subtotal.workload} ({subtotal.prefix}/…, {count}): {money(subtotal.total)}{related}")
    console.print()


def _print_charts(console: Console, estimate: Estimate, options: RenderOptions) -> None:
    from lambda_cost.render.chart import estimate_charts

    functions = [(priced.usage.function.label, priced.total) for priced in estimate.functions]
    for line in estimate_charts(functions, estimate.by_component, options.width):
        console.print(Text(line, style="cyan" if line.startswith("  ") else "bold"))
    console.print()


def _hanging(console: Console, marker: str, text: str, style: str = "") -> None:
    """One line of a list: a line too long for the width wraps under its text, not under the marker.

    The text is wrapped as a two-column grid (marker | text) would wrap it, without building the grid: a grid is
    measured and laid out like any table, several times the cost of the line itself.
    """
    body = Text(text, style=style)
    # The grid's text column is as wide as the text, or as the rest of the line when the text is longer; a long
    # word with no space to break at (a path) folds, never truncates.
    width = max(min(Measurement.get(console, console.options, body).maximum, console.width - len(marker)), 1)
    indent = " " * len(marker)
    for number, line in enumerate(body.wrap(console, width, justify="left", overflow="fold")):
        console.print(Text(marker if number == 0 else indent) + line, soft_wrap=True)
