"""`lambda-cost estimate`: price one workload, or several files as one account, in the chosen format."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from lambda_cost.commands.common import catalog, emit, parse_date, parse_usd, render_options, tell, without_gc
from lambda_cost.errors import EXIT_OK


def run(
    workloads: list[str],
    *,
    output_format: str = "table",
    pricing: str | None = None,
    as_of: str | None = None,
    pricing_dirs: Sequence[str] = (),
    free_tier: bool | None = None,
    budget: str | None = None,
    explain: bool = False,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
    assignments: list[str] | None = None,
    chart: bool = False,
    quiet: bool = False,
) -> int:
    """`lambda-cost estimate`: price a workload (several: one account) and print it in the chosen format."""
    from lambda_cost.render import write
    from lambda_cost.stages.account import estimate_workloads

    out = stdout or sys.stdout
    with without_gc():
        overrides = []
        if assignments:  # the edit stage is loaded only for --set
            from lambda_cost.stages.edit import parse_assignment

            overrides = [parse_assignment(text) for text in assignments]
        limit = None if budget is None else parse_usd(budget, "--budget")
        result = estimate_workloads(
            workloads,
            pricing=pricing,
            as_of=None if as_of is None else parse_date(as_of, "--as-of"),
            free_tier=free_tier,
            budget=limit,
            catalog=catalog(pricing_dirs),
            assignments=overrides,
        )
        options = render_options(output_format, color, output, out, explain, chart)
        emit(lambda stream: write("estimate", output_format, result, options, stream), output, force, out)
    if not quiet:
        tell(result.warnings, output, output_format)
    if result.budget is None:
        return EXIT_OK
    from lambda_cost.stages.gate import budget_messages

    for line in budget_messages(result.budget):
        if not quiet or line.startswith("over budget"):
            print(line, file=sys.stderr)
    return result.budget.exit_code
