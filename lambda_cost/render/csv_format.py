"""The CSV format for spreadsheets: one row per line item, exact decimal strings, no total rows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lambda_cost.model.estimate import Estimate
from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.numbers import plain
from lambda_cost.render import RenderOptions

# A cell starting with one of these is a formula to a spreadsheet; user-provided text gets a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Cells quoted: RFC 4180's (a comma, a quote, a line break), and a semicolon, which a spreadsheet in a locale that
# separates by semicolons (Excel in German, French, Dutch...) would otherwise split into a cell of its own, one
# that may start with `=` however the cell began.
_QUOTED = re.compile(r'[,";\r\n]')

HEADER = (
    "function", "region", "architecture", "component", "description", "quantity", "unit", "unit_price", "cost",
    "section",
)


def render(estimate: Estimate, options: RenderOptions) -> str:
    lines = [row(HEADER)]
    for priced in estimate.functions:
        function = priced.usage.function
        sections = [("lambda", item) for item in priced.line_items]
        sections += [("related", item) for item in priced.related_items]
        for section, item in sections:
            lines.append(row((
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
            )))
    for credit in estimate.free_tier.items:  # the account's row: one credit, apart from the functions
        lines.append(row((FREE_TIER_ROW, credit.region, credit.architecture, credit.component, credit.description,
                          plain(credit.quantity), credit.unit, plain(credit.unit_price), plain(credit.cost),
                          "free_tier")))
    return "".join(lines)


def row(cells: Iterable[str]) -> str:
    """One line of CSV, "\n"-terminated as the other formats are; csv.writer cannot be told to quote semicolons."""
    return ",".join('"' + cell.replace('"', '""') + '"' if _QUOTED.search(cell) else cell for cell in cells) + "\n"


def _text(value: str) -> str:
    """User-provided text that a spreadsheet will not evaluate as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value
