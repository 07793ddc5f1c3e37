"""CloudWatch Logs Insights: the query `calibrate --print-query` prints, and its result (CSV or JSON), one row per
log group, aggregated by AWS over any number of REPORT lines."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from lambda_cost.errors import Problem
from lambda_cost.usage.fields import LOG_GROUP, parse_time
from lambda_cost.usage.inputs import UsageInputError
from lambda_cost.usage.tally import SourceSummary, Tallies

# @memorySize and @maxMemoryUsed are in bytes. AWS's own example queries divide them by 1000 × 1000 to get the
# MB that the REPORT line prints; the factor is taken from the data (a memory setting is a whole number of MB
# either way), decimal first.
_BYTES_PER_MB = (Decimal(1_000_000), Decimal(1 << 20))

QUERY = """\
filter @type = "REPORT"
| stats count(*) as invocations,
        sum(@billedDuration) as billed_ms,
        sum(@billedDuration * @memorySize) as billed_ms_bytes,
        sum(strcontains(@message, "Init Duration")) as cold_starts,
        avg(@initDuration) as mean_init_ms,
        sum(strcontains(@message, "Restore Duration")) as restores,
        sum(strcontains(@message, "Status: error")) as errors,
        sum(strcontains(@message, "Status: timeout")) as timeouts,
        max(@memorySize) as memory_size_bytes,
        min(@memorySize) as min_memory_size_bytes,
        pct(@maxMemoryUsed, 50) as p50_memory_bytes,
        pct(@maxMemoryUsed, 99) as p99_memory_bytes,
        max(@maxMemoryUsed) as max_memory_bytes,
        min(@timestamp) as first,
        max(@timestamp) as last
  by @log
"""
REQUIRED = ("@log", "invocations", "billed_ms", "memory_size_bytes")
COLUMNS = ("@log", "invocations", "billed_ms", "billed_ms_bytes", "cold_starts", "mean_init_ms",
           "restores", "errors", "timeouts", "memory_size_bytes", "min_memory_size_bytes", "p50_memory_bytes",
           "p99_memory_bytes", "max_memory_bytes", "first", "last")


def rows_of(document: Any) -> list[dict[str, Any]] | None:
    """The rows of a JSON result: the console's export (a list of objects) or `aws logs get-query-results`
    ({"results": [[{"field", "value"}, ...], ...]}); None when it is neither."""
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        rows = []
        for row in document["results"]:
            if not isinstance(row, list):
                return None
            rows.append({str(cell.get("field")): cell.get("value") for cell in row if isinstance(cell, dict)})
        return rows
    if isinstance(document, list) and document and all(isinstance(row, dict) for row in document) \
            and any("@log" in row or "invocations" in row for row in document):
        return document
    return None


def read_csv(text: str, name: str, tallies: Tallies, summary: SourceSummary) -> None:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    add_rows(list(reader), name, tallies, summary, first_line=2)


def add_rows(rows: list[dict[str, Any]], name: str, tallies: Tallies, summary: SourceSummary,
             first_line: int | None = None) -> None:
    """Every row (one log group) into the tallies; rows lacking a needed column are all reported at once."""
    columns = set().union(*(row.keys() for row in rows)) if rows else set()
    missing = [column for column in REQUIRED if column not in columns]
    if missing or not rows:
        raise UsageInputError(
            f"{name}: not the result of the Logs Insights query calibrate prints",
            hint="run the query that `lambda-cost calibrate --print-query` prints, and export its result",
            problems=[Problem(
                f"{'no rows' if not rows else 'missing column ' + ', '.join(missing)} (expected columns: "
                f"{', '.join(REQUIRED)}; found: {', '.join(sorted(c for c in columns if c)) or 'none'})",
                file=name, line=1 if first_line else None,
            )],
        )
    problems: list[Problem] = []
    for index, row in enumerate(rows):
        try:
            _add_row(row, name, tallies, summary)
        except ValueError as error:
            if first_line:
                problems.append(Problem(str(error), file=name, line=first_line + index))
            else:
                problems.append(Problem(f"row {index + 1}: {error}", file=name))
    if problems:
        raise UsageInputError(f"{name}: {len(problems)} row{'s' if len(problems) > 1 else ''} cannot be read",
                              hint="export the query's result unchanged", problems=problems)


def _number(row: dict[str, Any], column: str) -> Decimal | None:
    value = row.get(column)
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{column} {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{column} {value!r} is not a count, duration or size")
    return number


def _bytes_per_mb(memory_bytes: Decimal) -> Decimal:
    for factor in _BYTES_PER_MB:
        if memory_bytes % factor == 0:
            return factor
    raise ValueError(f"memory_size_bytes {memory_bytes} is not a whole number of MB")


def _add_row(row: dict[str, Any], name: str, tallies: Tallies, summary: SourceSummary) -> None:
    group = LOG_GROUP.search(str(row.get("@log") or ""))
    if group is None:
        raise ValueError(f"@log {row.get('@log')!r} is not a Lambda log group (/aws/lambda/NAME)")
    invocations, billed, memory = (_number(row, c) for c in ("invocations", "billed_ms", "memory_size_bytes"))
    if invocations is None or billed is None or memory is None:
        raise ValueError("invocations, billed_ms and memory_size_bytes need a value")
    if invocations != invocations.to_integral_value():
        raise ValueError(f"invocations {invocations} is not a whole number")
    factor = _bytes_per_mb(memory)
    memory_mb = int(memory / factor)
    lowest = _number(row, "min_memory_size_bytes")
    product = _number(row, "billed_ms_bytes")
    if lowest is not None and lowest != memory and product is not None:
        # The setting changed in the window: Σ billed × memory keeps the GB-s exact at the largest size.
        billed = product / memory
    tally = tallies.of(group.group(1))
    tally.note_source(name, "insights")
    count = int(invocations)
    tally.invocations += count
    tally.billed_ms += billed
    tally.count_memory(memory_mb, count, billed)
    for column, attribute in (("cold_starts", "cold_starts"), ("restores", "restores")):
        value = _number(row, column)
        if value is not None:
            setattr(tally, attribute, getattr(tally, attribute) + int(value))
    tally.mean_init_ms = _number(row, "mean_init_ms")
    errors, timeouts = _number(row, "errors"), _number(row, "timeouts")
    if errors is not None or timeouts is not None:
        failed = int((errors or 0) + (timeouts or 0))
        tally.failed += failed
        tally.timeouts += int(timeouts or 0)
        tally.with_status += failed
    used = tuple(None if (v := _number(row, c)) is None else v / factor
                 for c in ("p50_memory_bytes", "p99_memory_bytes", "max_memory_bytes"))
    tally.used_percentiles = used  # type: ignore[assignment]
    first, last = (parse_time(str(row.get(c) or "")) for c in ("first", "last"))
    if first is not None and last is not None:
        tally.stretch(first, last)
    summary.lines += 1
    summary.reports += count
