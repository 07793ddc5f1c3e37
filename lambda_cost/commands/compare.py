"""`lambda-cost compare`: price every combination of --vary values and mark the cheapest."""

from __future__ import annotations

import sys
from typing import TextIO

from lambda_cost.errors import EXIT_OK, InputError
from lambda_cost.numbers import exact_sum
from lambda_cost.render.compare import label
from lambda_cost.stages.edit import Priced, combinations, editor, parse_assignment, parse_variation, ranked
from lambda_cost.tables.catalog import TableCatalog

MAX_COMBINATIONS = 1000


def run(
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
    from lambda_cost.stages import estimate_source
    from lambda_cost.stages.load import read_source

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
            error.message = f"with {label(combination)}: {error.message}"
            raise
        # What the account pays, as budgets and diff count it: Lambda and the related charges; one row per
        # configuration (api:v4), as the estimate names them.
        functions = tuple((f.usage.function.label, exact_sum([f.total, f.related_total])) for f in estimate.functions)
        results.append(Priced(combination, estimate.grand_total, functions))
    order = ranked(results)
    headers = [variation.text for variation in parsed]
    from lambda_cost.render import RenderOptions, write
    from lambda_cost.render.compare import Ranking

    write("compare", output_format, Ranking(source.name, headers, order), RenderOptions(width=width, chart=chart), out)
    return EXIT_OK
