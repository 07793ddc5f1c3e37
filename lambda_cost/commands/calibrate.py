"""`lambda-cost calibrate`: a workload from real usage (REPORT logs, Logs Insights, metrics), or the measured
values written into an existing workload, with what that does to the estimate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from lambda_cost.errors import EXIT_OK, InputError, LambdaCostError, Problem
from lambda_cost.usage.calibration import Calibration, estimate_text
from lambda_cost.usage.measure import Measurement, Window, measure, parse_window, span_window
from lambda_cost.usage.read import ANONYMOUS, Reading, read_inputs
from lambda_cost.usage.tally import Tallies

FORMATS = ("yaml", "json", "table")


def run(
    sources: list[str],
    *,
    window: str | None = None,
    function: str | None = None,
    into: str | None = None,
    output: str | None = None,
    force: bool = False,
    output_format: str | None = None,
    print_query: bool = False,
    aws: bool = False,
    region: str | None = None,
    quiet: bool = False,
    stdout: TextIO | None = None,
    aws_clients: Any = None,
) -> int:
    """Read the usage, measure each function, and write the workload (or edit --into's) and the report."""
    out = stdout or sys.stdout
    if print_query:
        from lambda_cost.usage.insights import QUERY

        out.write(QUERY)
        return EXIT_OK
    chosen = output_format or ("table" if into is not None else "yaml")
    if chosen not in FORMATS:
        raise InputError(f"--format takes yaml, json or table; not {chosen!r}")
    if not sources and not aws:
        raise InputError("no usage to read", hint="give log files, a Logs Insights result or metrics (or --aws); "
                         "`lambda-cost calibrate --print-query` prints the Logs Insights query")
    fixed = parse_window(window) if window is not None else None
    reading = read_inputs(sources, function) if sources else Reading(Tallies(), [])
    if aws:
        from lambda_cost.usage.aws import read_aws

        fixed = read_aws(reading, function=function, window=fixed, region=region, clients=aws_clients)
    calibration = _calibration(reading, fixed, function)
    destination = output
    if into is not None:
        from lambda_cost.usage.into import calibrate_into

        text = calibrate_into(calibration, into)
        if destination is None and force:
            destination = into
        elif destination is None and chosen != "yaml":
            raise InputError(f"--into {into}: say where the calibrated workload goes",
                             hint=f"-o calibrated.yaml, or --force to replace {into}, or --format yaml to print it")
    else:
        from lambda_cost.render.calibrate import workload_yaml

        _price(calibration)
        text = workload_yaml(calibration)
    _emit(calibration, text, chosen, destination, force, out, quiet)
    return EXIT_OK


def _calibration(reading: Reading, fixed: Window | None, function: str | None) -> Calibration:
    tallies = reading.tallies
    if ANONYMOUS in tallies:
        anonymous = tallies.pop(ANONYMOUS)
        if function is None:
            raise InputError(
                f"{anonymous.invocations:,} invocations in {', '.join(anonymous.sources)} do not name their "
                "function (no /aws/lambda/NAME log group on the lines or in the path)",
                hint="give --function NAME",
            )
        anonymous.name = function
        if function in tallies:
            raise InputError(f"--function {function} names lines whose log group is also {function}: "
                             "the same invocations would be counted twice", hint="give one of them")
        tallies[function] = anonymous
    if not tallies:
        raise InputError("the usage names no function", hint="give REPORT lines, a Logs Insights result or metrics")
    log_window = fixed or span_window(
        min((t.first for t in tallies.values() if t.first), default=None),
        max((t.last for t in tallies.values() if t.last), default=None), "timestamps")
    metric_window = fixed or span_window(
        min((t.metric_first for t in tallies.values() if t.metric_first), default=None),
        max((t.metric_last for t in tallies.values() if t.metric_last), default=None), "metric timestamps")
    problems: list[LambdaCostError] = []
    measurements = []
    for name in sorted(tallies):
        try:
            measurements.append(measure(tallies[name], log_window, metric_window))
        except InputError as error:
            problems.append(error)
    if problems:
        raise InputError(f"{len(problems)} function{'s' if len(problems) > 1 else ''} cannot be calibrated",
                         problems=[Problem(p.message, hint=p.hint) for p in problems])
    uses_logs = any(m.invocations_source.endswith(("lines", "(Logs Insights)")) for m in measurements)
    uses_metrics = any(m.invocations_source.endswith("metric)") or t.metric_invocations is not None
                       for m, t in zip(measurements, (tallies[m.name] for m in measurements), strict=True))
    return Calibration(
        measurements=measurements,
        summaries=reading.summaries,
        log_window=log_window if uses_logs else None,
        metric_window=metric_window if uses_metrics and metric_window != log_window else None,
        notes=list(reading.notes),
        malformed=[problem for summary in reading.summaries for problem in summary.examples],
    )


def _priced(calibration: Calibration, text: str) -> Any:
    """The estimate of the workload the measurements make; figures no workload takes (a mean Billed Duration beyond
    the 15-minute timeout, damage in an export) are refused as problems of the inputs, by function and key."""
    from lambda_cost.errors import WorkloadError

    try:
        return estimate_text(text, "calibrated")
    except WorkloadError as error:
        names = [m.name for m in calibration.measurements]
        sources = ", ".join(dict.fromkeys(summary.name for summary in calibration.summaries)) or "the inputs"
        problems = [Problem(problem.message, (names[problem.path[1]], *problem.path[2:])
                            if len(problem.path) > 1 and isinstance(problem.path[1], int) else problem.path,
                            problem.hint, file=sources) for problem in error.problems]
        raise InputError(f"{sources}: what was measured does not make a workload lambda-cost can price",
                         problems=problems, hint="check the inputs for damaged figures") from None


def _price(calibration: Calibration) -> None:
    """The calibrated workload's estimate, and each right-sizing's saving at the same duration (one more estimate
    with every suggested memory at once: per-function differences share one free tier and one set of tiers)."""
    from lambda_cost.render.calibrate import workload_yaml

    priced = [m for m in calibration.measurements if m.memory_mb is not None and m.duration_ms is not None]
    if len(priced) != len(calibration.measurements):
        return  # a placeholder is left (memory or duration from metrics alone): nothing to price yet
    estimate = _priced(calibration, workload_yaml(calibration))
    calibration.total = estimate.grand_total
    calibration.pricing = f"price table {estimate.pricing.version}"
    calibration.function_totals = {f.usage.function.name: f.total for f in estimate.functions}
    resized = [m for m in priced if m.right_size_mb is not None]
    if not resized:
        return
    smaller = Calibration(
        [_with_memory(m) for m in calibration.measurements], calibration.summaries, calibration.log_window,
        calibration.metric_window,
    )
    after = {f.usage.function.name: f.total for f in _priced(smaller, workload_yaml(smaller)).functions}
    calibration.savings = {m.name: calibration.function_totals[m.name] - after[m.name] for m in resized}


def _with_memory(m: Measurement) -> Measurement:
    from dataclasses import replace

    return m if m.right_size_mb is None else replace(m, memory_mb=m.right_size_mb, memory_sizes={}, right_size_mb=None)


def _emit(calibration: Calibration, text: str, chosen: str, destination: str | None, force: bool, out: TextIO,
          quiet: bool) -> None:
    from lambda_cost.render.calibrate import changes_table, measurements_json, measurements_table

    if destination is not None:
        from lambda_cost.atomic import write_atomically

        write_atomically(Path(destination), text, force=force)
    if chosen == "yaml":
        if destination is None:
            out.write(text)
    elif chosen == "json":
        out.write(measurements_json(calibration))
    elif calibration.changes is not None:
        out.write(changes_table(calibration))
    else:
        out.write(measurements_table(calibration))
    if quiet:
        return
    if destination is not None:
        print(f"wrote {destination}: {len(calibration.measurements)} function"
              f"{'s' if len(calibration.measurements) != 1 else ''} calibrated", file=sys.stderr)
    for summary in calibration.summaries:
        if summary.malformed:
            print(f"warning: {summary.name}: {summary.malformed:,} malformed REPORT line"
                  f"{'s' if summary.malformed != 1 else ''} not counted", file=sys.stderr)
        if summary.timeouts_without_report:
            print(f"warning: {summary.name}: {summary.timeouts_without_report:,} timed-out invocation"
                  f"{'s' if summary.timeouts_without_report != 1 else ''} without a REPORT line in it",
                  file=sys.stderr)
    for problem in calibration.malformed:
        print(f"  {problem.render()}", file=sys.stderr)
    for note in calibration.notes:
        print(f"note: {note}", file=sys.stderr)
