"""`lambda-cost compare`: price every combination of --vary values and mark the cheapest."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from lambda_cost.errors import EXIT_OK, InputError
from lambda_cost.numbers import exact_sum, money, plain
from lambda_cost.stages.edit import Assignment, Priced, combinations, editor, parse_assignment, parse_variation, ranked
from lambda_cost.tables.catalog import TableCatalog

COMPARE_SCHEMA_VERSION = 1
MAX_COMBINATIONS = 1000


def compare(
    path: str,
    variations: list[str],
    *,
    assignments: list[str] | None = None,
    output_format: str = "table",
    pricing: str | None = None,
    free_tier: bool | None = None,
    catalog: TableCatalog | None = None,
    chart: bool = True,
    width: int = 100,
    stdout: TextIO | None = None,
) -> int:
    """Price the workload once per combination; print them cheapest first."""
    from lambda_cost.stages.load import read_source
    from lambda_cost.stages.pipeline import estimate_source

    out = stdout or sys.stdout
    if not variations:
        raise InputError("compare needs at least one --vary", hint="for example --vary memory_mb=512,1024,2048")
    parsed = [parse_variation(text) for text in variations]
    fixed = [parse_assignment(text) for text in assignments or []]
    grid = combinations(parsed, MAX_COMBINATIONS)
    source = read_source(path)
    catalog = catalog or TableCatalog()
    results = []
    for combination in grid:
        try:
            estimate = estimate_source(source, pricing=pricing, free_tier=free_tier, catalog=catalog,
                                       edit=editor([*fixed, *combination]))
        except InputError as error:
            error.message = f"with {_label(combination)}: {error.message}"
            raise
        # What the account pays, as budgets and diff count it: Lambda and the related charges; one row per
        # configuration (api:v4), as the estimate names them.
        functions = tuple((f.usage.function.label, exact_sum([f.total, f.related_total])) for f in estimate.functions)
        results.append(Priced(combination, estimate.grand_total, functions))
    order = ranked(results)
    headers = [variation.text for variation in parsed]
    if output_format == "json":
        out.write(json.dumps(document(source.name, headers, order), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write("\n".join(table_lines(source.name, headers, order, chart, width)) + "\n")
    return EXIT_OK


def _label(combination: tuple[Assignment, ...]) -> str:
    return ", ".join(assignment.text for assignment in combination)


def _value(assignment: Assignment) -> str:
    return assignment.text.partition("=")[2].strip()


def table_lines(path: str, headers: list[str], order: list[Priced], chart: bool, width: int) -> list[str]:
    """A fixed-width table, cheapest first, with the difference to the cheapest and a bar of each total."""
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

    lines = [f"lambda-cost compare: {path} ({len(order)} combinations)", "", line(columns),
             line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    lines += ["", f"Cheapest: {_label(order[0].values)} at {money(cheapest)} a month{_tied(order)}"]
    if chart:
        # The values alone, as in the table's rows: labels with paths were cut before the values told rows apart.
        totals = [(", ".join(_value(a) for a in result.values), result.total) for result in order]
        lines += ["", *bars("Total by combination", totals, width)]
    return lines


def _tied(order: list[Priced]) -> str:
    others = sum(1 for result in order[1:] if result.total == order[0].total)
    return f", tied with {others} other combination{'s' if others != 1 else ''}" if others else ""


def document(path: str, headers: list[str], order: list[Priced]) -> dict[str, Any]:
    """The JSON report: combinations cheapest first, exact decimal strings."""
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
