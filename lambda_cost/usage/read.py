"""Every usage input into per-function tallies: each input's kind is told from its first characters."""

from __future__ import annotations

from dataclasses import dataclass, field

from lambda_cost.errors import LoadError, Problem
from lambda_cost.usage.inputs import (
    HEAD_CHARS,
    READ_ERRORS,
    Input,
    UsageInputError,
    collect,
    detect,
    open_text,
    read_failure,
)
from lambda_cost.usage.insights import add_rows, read_csv, rows_of
from lambda_cost.usage.json_logs import read_events, read_json_lines
from lambda_cost.usage.metrics import is_metrics, read_metrics
from lambda_cost.usage.report_lines import TextReader
from lambda_cost.usage.tally import SourceSummary, Tallies

ANONYMOUS = ""  # the function of lines that name no log group, until --function names it


@dataclass
class Reading:
    """What the inputs held."""

    tallies: Tallies
    summaries: list[SourceSummary]
    notes: list[str] = field(default_factory=list)  # for people: ignored metrics, and the like


def read_inputs(paths: list[str], function: str | None = None) -> Reading:
    """Read every input; an input that holds nothing usable is an error, and all such errors come at once."""
    tallies = Tallies()
    reading = Reading(tallies, [])
    inputs, problems = collect(paths)
    errors: list[UsageInputError] = []
    for item in inputs:
        try:
            summary = _read(item, function, tallies, reading.notes)
        except UsageInputError as error:
            errors.append(error)
            continue
        reading.summaries.append(summary)
        if summary.reports == 0 and summary.kind in ("report-lines", "json-records"):
            what = "REPORT line" if summary.kind == "report-lines" else "platform.report record"
            problems.append(Problem(
                f"no {what} among its {summary.lines:,} line{'s' if summary.lines != 1 else ''}"
                + (f" ({summary.malformed:,} malformed)" if summary.malformed else ""),
                hint="give the function's CloudWatch Logs (REPORT lines), a Logs Insights result or metrics",
                file=item.name,
            ))
    for failure in errors:
        problems.extend(failure.problems or [Problem(failure.message, hint=failure.hint)])
    if problems:
        raise UsageInputError(f"{len(problems)} usage input{'s' if len(problems) > 1 else ''} cannot be used",
                              problems=problems)
    return reading


def _read(item: Input, function: str | None, tallies: Tallies, notes: list[str]) -> SourceSummary:
    default = item.function or function or ANONYMOUS
    with open_text(item) as handle:
        try:
            head = handle.read(HEAD_CHARS)
        except READ_ERRORS as error:
            raise read_failure(item.name, 1, error) from None
        kind = detect(head)
        if kind == "text":
            summary = SourceSummary(item.name, "report-lines")
            TextReader(item.name, default, tallies, summary).read(head, handle)
            return summary
        if kind == "json-lines":
            summary = SourceSummary(item.name, "json-records")
            read_json_lines(handle, head, default, tallies, summary)
            return summary
        try:
            text = head + handle.read()
        except READ_ERRORS as error:
            raise read_failure(item.name, head.count("\n") + 1, error) from None
    if kind == "insights-csv":
        summary = SourceSummary(item.name, "insights")
        read_csv(text, item.name, tallies, summary)
        return summary
    from lambda_cost.stages.load import NotJson, Source, parse_json

    try:  # the workload's JSON reader: exact numbers, and bounded digits and depth, each problem located
        document = parse_json(Source(item.name, text))
    except NotJson as error:
        raise UsageInputError(error.message, hint="export the data again", problems=error.problems) from None
    except LoadError as error:  # a number or a nesting out of range
        raise UsageInputError(error.message, hint=error.hint, problems=error.problems) from None
    return _document(document, item, default, tallies, notes)


def _document(document: object, item: Input, default: str, tallies: Tallies, notes: list[str]) -> SourceSummary:
    if is_metrics(document):
        summary = SourceSummary(item.name, "metrics")
        ignored = read_metrics(document, item.name, default, tallies, summary)  # type: ignore[arg-type]
        if ignored:
            notes.append(f"{item.name}: metrics not used: {', '.join(sorted(set(ignored)))}")
        return summary
    rows = rows_of(document)
    if rows is not None:
        summary = SourceSummary(item.name, "insights")
        add_rows(rows, item.name, tallies, summary)
        return summary
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        summary = SourceSummary(item.name, "report-lines")
        read_events(document, default, tallies, summary)
        return summary
    events = document if isinstance(document, list) else [document]
    if events and all(isinstance(e, dict) and str(e.get("type", "")).startswith("platform.") for e in events):
        from lambda_cost.usage.json_logs import add_event

        summary = SourceSummary(item.name, "json-records")
        for number, event in enumerate(events, 1):
            add_event(event, default, number, tallies, summary)
        return summary
    raise UsageInputError(
        f"{item.name}: a JSON document calibrate does not read",
        hint="give REPORT log lines, platform.report records, a Logs Insights result (JSON or CSV), or "
             "get-metric-data / get-metric-statistics output",
        problems=[Problem("expected MetricDataResults, Datapoints, Logs Insights rows, log events or "
                          "platform.report records", file=item.name, line=1)],
    )
