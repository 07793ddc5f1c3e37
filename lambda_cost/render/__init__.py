"""Output formats as plug-ins: a registry of renderer modules, imported only when chosen."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, TextIO

from lambda_cost.numbers import percent, price, readable
from lambda_cost.stages.price import LineItem, PricedFunction
from lambda_cost.stages.report import Estimate

# format name -> module; each module has `render(estimate, options) -> str`.
RENDERERS: dict[str, str] = {
    "table": "lambda_cost.render.table",
    "json": "lambda_cost.render.json_format",
    "markdown": "lambda_cost.render.markdown",
    "csv": "lambda_cost.render.csv_format",
}


@dataclass(frozen=True)
class RenderOptions:
    """How to render: colour, width, and whether to show the arithmetic."""

    color: bool = False
    width: int = 100
    explain: bool = False
    chart: bool = False  # bar charts of cost by function and component (table only)


class Renderer(Protocol):
    def __call__(self, estimate: Estimate, options: RenderOptions) -> str: ...


def write_report(name: str, estimate: Estimate, options: RenderOptions, out: TextIO) -> None:
    """Write a report to a stream; formats that can stream (json) never hold the whole text."""
    module = importlib.import_module(RENDERERS[name])
    writer = getattr(module, "write", None)
    if writer is not None:
        writer(estimate, options, out)
    else:
        out.write(module.render(estimate, options))


def get_renderer(name: str) -> Renderer:
    """The render function of a format (the CLI has already checked the name)."""
    module = importlib.import_module(RENDERERS[name])
    renderer: Renderer = module.render
    return renderer


def dimension_notes(priced: PricedFunction) -> list[str]:
    """Facts beside a function's line items: provisioned concurrency use, cold starts, peak concurrency."""
    notes = []
    extras = priced.extras
    if extras is not None and extras.provisioning is not None:
        notes.append("provisioned concurrency: " + extras.provisioning.explain())
    if extras is not None and extras.cold_starts:
        init = ""
        if extras.init_gb_seconds:
            init = f", INIT billed as duration: {readable(extras.init_gb_seconds, 2)} GB-s"
        notes.append(f"cold starts: {readable(extras.cold_starts, 2)}{init}")
    if priced.usage.peak_concurrency:
        notes.append(f"peak concurrency: {readable(priced.usage.peak_concurrency, 2)}")
    return notes


def unit_price(item: LineItem) -> str:
    """A line item's unit price as the table and Markdown show it: requests per million, a discount as a share."""
    if item.unit == "USD":
        return percent(item.unit_price)
    if item.unit == "requests":
        # A decimal shift for display, exact: requests are priced per million, in dollars and cents or finer.
        return f"${price(item.unit_price.scaleb(6), min_places=2)} / 1M"
    return f"${price(item.unit_price)}"
