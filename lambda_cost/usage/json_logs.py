"""JSON log format and Telemetry API records: `platform.report` events, one per invocation."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from lambda_cost.usage.fields import Malformed, epoch_ms, parse_time
from lambda_cost.usage.tally import Invocation, SourceSummary, Tallies

# record.metrics key -> the REPORT line's field name
_METRICS = {
    "durationMs": "Duration", "billedDurationMs": "Billed Duration", "memorySizeMB": "Memory Size",
    "maxMemoryUsedMB": "Max Memory Used", "initDurationMs": "Init Duration", "restoreDurationMs": "Restore Duration",
    "billedRestoreDurationMs": "Billed Restore Duration",
}


def loads(text: str) -> Any:
    """JSON with exact numbers: a float in a record is a Decimal here, never a binary float. A line nested too
    deeply for json is a ValueError, as any other line that is not a record (its callers skip it)."""
    try:
        return json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _number(metrics: dict[str, Any], key: str, whole: bool) -> Any:
    value = metrics.get(key)
    if value is None:
        return None
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise Malformed(f"record.metrics.{key} {value!r} is not a number")
    if whole:
        if number != number.to_integral_value():
            raise Malformed(f"record.metrics.{key} {value!r} is not a whole number")
        return int(number)
    return number


def report_invocation(event: dict[str, Any]) -> Invocation:
    """One invocation from a platform.report event."""
    record = event.get("record")
    metrics = record.get("metrics") if isinstance(record, dict) else None
    if not isinstance(metrics, dict):
        raise Malformed("a platform.report event without record.metrics")
    billed = _number(metrics, "billedDurationMs", True)
    memory = _number(metrics, "memorySizeMB", True)
    if billed is None or not memory:
        raise Malformed("record.metrics has no billedDurationMs or memorySizeMB")
    if not billed:  # Lambda bills every invocation at least 1 ms
        raise Malformed("billedDurationMs 0 (Lambda bills at least 1 ms)")
    status = record.get("status") if isinstance(record, dict) else None
    when = event.get("time")
    return Invocation(
        billed_ms=billed,
        memory_mb=memory,
        max_used_mb=_number(metrics, "maxMemoryUsedMB", True),
        duration_ms=_number(metrics, "durationMs", False),
        init_ms=_number(metrics, "initDurationMs", False),
        restore_ms=_number(metrics, "restoreDurationMs", False),
        billed_restore_ms=_number(metrics, "billedRestoreDurationMs", True),
        status=str(status).lower() if status else None,
        timestamp=parse_time(when) if isinstance(when, str) else None,
        request_id=record.get("requestId") if isinstance(record, dict) else None,
    )


def add_event(event: Any, function: str, line: int, tallies: Tallies, summary: SourceSummary) -> None:
    """Count one event of any type: platform.report is an invocation, anything else is skipped."""
    summary.lines += 1
    if not isinstance(event, dict) or event.get("type") != "platform.report":
        summary.skipped += 1
        return
    try:
        invocation = report_invocation(event)
    except Malformed as problem:
        summary.malformed_line(line, str(problem))
        return
    tally = tallies.of(function)
    tally.add(invocation)
    tally.note_source(summary.name, "json-records")
    summary.reports += 1


def read_json_lines(handle: TextIO, head: str, default: str, tallies: Tallies, summary: SourceSummary) -> None:
    """A file of JSON records, one a line (the JSON log format as exported, or a Telemetry API subscriber's
    output; a line may also hold a batch, a JSON array of events)."""
    from lambda_cost.usage.report_lines import lines_of

    for number, line in enumerate(lines_of(head, handle, summary.name), 1):
        text = line.strip()
        if not text:
            continue
        try:
            value = loads(text)
        except ValueError:
            summary.lines += 1
            summary.skipped += 1  # a plain-text line among JSON ones (a runtime's own output)
            continue
        for event in value if isinstance(value, list) else [value]:
            add_event(event, default, number, tallies, summary)


def read_events(document: dict[str, Any], default: str, tallies: Tallies, summary: SourceSummary) -> None:
    """`aws logs filter-log-events` / `get-log-events` JSON output: each event's message is a log line."""
    from lambda_cost.usage.report_lines import TextReader

    reader = TextReader(summary.name, default, tallies, summary)
    events = document.get("events")
    assert isinstance(events, list)
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict) or not isinstance(event.get("message"), str):
            summary.malformed_line(number, "an event without a message (expected {\"timestamp\", \"message\"})")
            continue
        message = event["message"].rstrip("\n")
        stamp = event.get("timestamp")
        when = epoch_ms(stamp) if isinstance(stamp, (int, Decimal)) else None
        reader.event(message, number, when, event.get("logGroupName") or None)
    reader.finish()
