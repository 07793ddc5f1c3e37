"""Output formats as plug-ins: a registry of renderer modules, imported only when chosen."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, TextIO

from ..report import Estimate

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
