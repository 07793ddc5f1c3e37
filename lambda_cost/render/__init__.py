"""Output formats as plug-ins: a registry of renderer modules, imported only when chosen."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from lambda_cost.model.value import Value

if TYPE_CHECKING:
    from lambda_cost.model.estimate import Estimate

# (report, format) -> "module:function"; each function takes the report and the options and returns the text,
# or, for a format that streams, writes it (`write_*` functions take the stream as a third argument).
RENDERERS: dict[tuple[str, str], str] = {
    ("estimate", "table"): "lambda_cost.render.table:render",
    ("estimate", "json"): "lambda_cost.render.json_format:write",
    ("estimate", "markdown"): "lambda_cost.render.markdown:render",
    ("estimate", "csv"): "lambda_cost.render.csv_format:render",
    ("diff", "table"): "lambda_cost.render.diff:table",
    ("diff", "json"): "lambda_cost.render.diff:json_text",
    ("diff", "markdown"): "lambda_cost.render.diff:markdown",
    ("diff", "csv"): "lambda_cost.render.diff:csv_text",
    ("reconcile", "table"): "lambda_cost.render.reconcile:table",
    ("reconcile", "json"): "lambda_cost.render.reconcile:json_text",
    ("reconcile", "markdown"): "lambda_cost.render.reconcile:markdown",
    ("reconcile", "csv"): "lambda_cost.render.reconcile:csv_text",
    ("validate", "text"): "lambda_cost.render.validate:text",
    ("validate", "json"): "lambda_cost.render.validate:json_text",
    ("compare", "table"): "lambda_cost.render.compare:table",
    ("compare", "json"): "lambda_cost.render.compare:json_text",
    ("pricing-list", "table"): "lambda_cost.render.pricing:list_table",
    ("pricing-list", "json"): "lambda_cost.render.pricing:list_json",
    ("pricing-show", "table"): "lambda_cost.render.pricing:show_table",
    ("pricing-show", "json"): "lambda_cost.render.pricing:show_json",
    ("pricing-diff", "table"): "lambda_cost.render.pricing:diff_table",
    ("pricing-diff", "json"): "lambda_cost.render.pricing:diff_json",
}


class RenderOptions(Value):
    """How to render: colour, width, and whether to show the arithmetic."""

    __slots__ = ("chart", "color", "explain", "quiet", "width")

    def __init__(
        self,
        color: bool = False,
        width: int = 100,
        explain: bool = False,
        chart: bool = False,
        quiet: bool = False,
    ) -> None:
        self.color = color
        self.width = width
        self.explain = explain
        self.chart = chart  # bar charts of cost by function and component (table only)
        self.quiet = quiet  # only what is wrong (validate)


def formats(kind: str) -> list[str]:
    """The formats a report can be written in."""
    return [name for report, name in RENDERERS if report == kind]


def _function(kind: str, name: str) -> Any:
    module, _, function = RENDERERS[(kind, name)].partition(":")
    return getattr(importlib.import_module(module), function)


def render(kind: str, name: str, report: Any, options: RenderOptions) -> str:
    """A report as text in a format (the CLI has already checked the name)."""
    function = _function(kind, name)
    if function.__name__.startswith("write"):
        buffer = io.StringIO()
        function(report, options, buffer)
        return buffer.getvalue()
    text: str = function(report, options)
    return text


def write(kind: str, name: str, report: Any, options: RenderOptions, out: TextIO) -> None:
    """Write a report to a stream; formats that can stream (json) never hold the whole text."""
    function = _function(kind, name)
    if function.__name__.startswith("write"):
        function(report, options, out)
    else:
        out.write(function(report, options))


def get_renderer(name: str) -> Callable[[Estimate, RenderOptions], str]:
    """The render function of an estimate's format."""
    return lambda estimate, options: render("estimate", name, estimate, options)
