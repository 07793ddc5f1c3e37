"""The CSV format for spreadsheets: one row per line item, exact decimal strings, no total rows."""

from __future__ import annotations

import csv
import io

from ..numbers import plain
from ..report import Estimate
from . import RenderOptions

# A cell starting with one of these is a formula to a spreadsheet; user-provided text gets a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HEADER = (
    "function", "region", "architecture", "component", "description", "quantity", "unit", "unit_price", "cost",
    "section",
)


def render(estimate: Estimate, options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for priced in estimate.functions:
        function = priced.usage.function
        sections = [("lambda", item) for item in priced.line_items]
        sections += [("related", item) for item in priced.related_items]
        for section, item in sections:
            writer.writerow((
                _text(function.label),
                priced.usage.region,
                function.architecture,
                item.component,
                item.description,
                plain(item.quantity),
                item.unit,
                plain(item.unit_price),
                plain(item.cost),
                section,
            ))
    return buffer.getvalue()


def _text(value: str) -> str:
    """User-provided text that a spreadsheet will not evaluate as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value
