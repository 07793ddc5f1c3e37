"""`lambda-cost reconcile`: an estimate held against the month's bill, per region and component, with the likely
cause of each gap, and a gate on the gap (--max-gap) that exits 1 like a budget."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from lambda_cost.commands.common import catalog, emit, parse_date, render_options, without_gc
from lambda_cost.errors import EXIT_OK, InputError


def run(
    estimate_path: str | None,
    bills: Sequence[str],
    *,
    month: str | None = None,
    by: str = "component",
    max_gap: Sequence[str] = (),
    output_format: str = "table",
    output: str | None = None,
    force: bool = False,
    print_query: str | None = None,
    pricing: str | None = None,
    as_of: str | None = None,
    pricing_dirs: Sequence[str] = (),
    color: str = "auto",
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost reconcile`: compare, print in the chosen format, exit 1 past a --max-gap."""
    from lambda_cost.bills import parse_month, read_bill, select_month
    from lambda_cost.bills.usage_types import load_usage_types
    from lambda_cost.render import write
    from lambda_cost.stages.gate import gap_gates, gap_messages, parse_max_gaps
    from lambda_cost.stages.reconcile import BY, UNKNOWN, load_estimate, reconcile_bill

    out = stdout or sys.stdout
    chosen_month = None if month is None else parse_month(month)
    if print_query is not None:
        return _print_query(print_query, chosen_month, output, force, out)
    if estimate_path is None:
        raise InputError("reconcile needs a workload or a saved estimate, and --bill",
                         hint="lambda-cost reconcile workload.yaml --bill cur/ (or --print-query athena)")
    if not bills:
        raise InputError("reconcile needs the bill: --bill FILE, DIRECTORY or GLOB (repeatable)",
                         hint="a CUR or CUR 2.0 export, a FOCUS export, Cost Explorer JSON or the Athena "
                              "query's CSV result (lambda-cost reconcile --print-query athena)")
    if by not in BY:
        raise InputError(f"--by takes {', '.join(BY)}; not {by!r}")
    usage_types = load_usage_types()
    gates = parse_max_gaps(max_gap, [*usage_types.groups(), UNKNOWN])
    date = None if as_of is None else parse_date(as_of, "--as-of")
    # as estimate: a short-lived command allocates much and frees little
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with without_gc():
            # DuckDB reads and sums the bill on its own threads, without the GIL: the workload is priced meanwhile.
            # An error of the estimate is still the one reported first, as when the two ran one after the other.
            reading = pool.submit(read_bill, bills)
            estimate = load_estimate(estimate_path, pricing=pricing, as_of=date, catalog=catalog(pricing_dirs))
            bill = reading.result()
    finally:
        pool.shutdown(wait=False)  # after an error of the estimate, say it now rather than after the bill is read
    if by == "function" and not bill.has_resource_ids:
        raise InputError(f"--by function needs resource IDs, and {bill.files[0]} has none",
                         hint="a CUR with resource IDs included, or Cost Explorer grouped by RESOURCE_ID too")
    the_month, groups = select_month(bill, chosen_month)
    report = gap_gates(reconcile_bill(estimate, bill, the_month, groups, by=by, usage_types=usage_types), gates)
    options = render_options(output_format, color, output, out)
    emit(lambda stream: write("reconcile", output_format, report, options, stream), output, force, out)
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)
    for line in gap_messages(report):
        print(line, file=sys.stderr)
    return report.exit_code


def _print_query(engine: str, month: str | None, output: str | None, force: bool, out: TextIO) -> int:
    from lambda_cost.bills.formats import athena_query

    if engine != "athena":
        raise InputError(f"--print-query takes athena; not {engine!r}")
    emit(lambda stream: stream.write(athena_query(month)), output, force, out)
    return EXIT_OK

