"""`lambda-cost diff`: what changes from BASE to HEAD, per function and component, gated by --max-increase."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from lambda_cost.commands.common import catalog, emit, render_options, without_gc
from lambda_cost.errors import InputError


def run(
    base: str,
    head: str,
    *,
    output_format: str = "table",
    pricing: str | None = None,
    base_pricing: str | None = None,
    pricing_dirs: Sequence[str] = (),
    max_increase: str | None = None,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost diff`: what changes from BASE to HEAD, gated by --max-increase."""
    from lambda_cost.render import write
    from lambda_cost.stages.diff import compare, load_snapshot
    from lambda_cost.stages.gate import gate_messages, increase_gate

    out = stdout or sys.stdout
    if base == head == "-":
        raise InputError("standard input (-) is given more than once; it can be read only once",
                         hint="give - for one of BASE and HEAD, and the other as a file")
    tables = catalog(pricing_dirs)
    with without_gc():
        report = compare(
            load_snapshot(base, pricing=base_pricing, catalog=tables),
            load_snapshot(head, pricing=pricing, catalog=tables),
        )
    report = report.replace(gate=increase_gate(report.total, max_increase))
    options = render_options(output_format, color, output, out)
    emit(lambda stream: write("diff", output_format, report, options, stream), output, force, out)
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)  # as estimate says: the report is not on the screen
    for line in gate_messages(report):
        print(line, file=sys.stderr)
    return report.exit_code
