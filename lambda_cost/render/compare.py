"""The `compare` report: combinations cheapest first, as a table with bars or as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lambda_cost.numbers import counted, money, plain
from lambda_cost.render import RenderOptions
from lambda_cost.stages.edit import Assignment, Priced

COMPARE_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Ranking:
    """Every combination priced, cheapest first."""

    workload: str
    headers: list[str]
    order: list[Priced]


def label(combination: tuple[Assignment, ...]) -> str:
    return ", ".join(assignment.text for assignment in combination)


def _value(assignment: Assignment) -> str:
    return assignment.text.partition("=")[2].strip()


def table(ranking: Ranking, options: RenderOptions) -> str:
    """A fixed-width table, cheapest first, with the difference to the cheapest and a bar of each total."""
    path, headers, order, chart, width = ranking.workload, ranking.headers, ranking.order, options.chart, options.width
    from lambda_cost.render.chart import bars

    cheapest = order[0].total
    rows = [[*(_value(a) for a in result.values), money(result.total), "+" + money(result.total - cheapest)
             if result.total != cheapest else "cheapest"] for result in order]
    columns = [*headers, "total", "vs cheapest"]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(columns)]
    right = {len(columns) - 2, len(columns) - 1}

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in
                         enumerate(zip(cells, widths, strict=True))).rstrip()

    lines = [f"lambda-cost compare: {path} ({counted(len(order), 'combination')})", "", line(columns),
             line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    lines += ["", f"Cheapest: {label(order[0].values)} at {money(cheapest)} a month{_tied(order)}"]
    if chart:
        # The values alone, as in the table's rows: labels with paths were cut before the values told rows apart.
        totals = [(", ".join(_value(a) for a in result.values), result.total) for result in order]
        lines += ["", *bars("Total by combination", totals, width)]
    return "\n".join(lines) + "\n"


def _tied(order: list[Priced]) -> str:
    others = sum(1 for result in order[1:] if result.total == order[0].total)
    return f", tied with {others} other combination{'s' if others != 1 else ''}" if others else ""


def json_text(ranking: Ranking, options: RenderOptions) -> str:
    """The JSON report: combinations cheapest first, exact decimal strings."""
    return json.dumps(document(ranking.workload, ranking.headers, ranking.order), ensure_ascii=False, indent=2) + "\n"


def document(path: str, headers: list[str], order: list[Priced]) -> dict[str, Any]:
    cheapest = order[0].total
    return {
        "schema_version": COMPARE_SCHEMA_VERSION,
        "workload": path,
        "vary": headers,
        "combinations": [
            {
                "values": {header: _value(a) for header, a in zip(headers, result.values, strict=True)},
                "total": plain(result.total),
                "cheapest": result.total == cheapest,
                "functions": {name: plain(total) for name, total in result.functions},
            }
            for result in order
        ],
    }
