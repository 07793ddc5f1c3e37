"""What the readers count per function: exact integers from every REPORT line, sums from aggregated sources."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from lambda_cost.errors import Problem

ZERO = Decimal(0)
# How many malformed lines are shown (every one is counted).
SHOWN_MALFORMED = 5


@dataclass(slots=True)
class Invocation:
    """One REPORT line (or platform.report record) read field by field: the slow path's unit."""

    billed_ms: int
    memory_mb: int
    max_used_mb: int | None
    duration_ms: Decimal | None = None
    init_ms: Decimal | None = None
    restore_ms: Decimal | None = None
    billed_restore_ms: int | None = None
    status: str | None = None  # success, error, timeout, failure; None: the line does not say
    timestamp: dt.datetime | None = None
    request_id: str | None = None


@dataclass(slots=True)
class Tally:
    """Everything seen of one function. Log lines add to the integer counters; Logs Insights rows and metrics,
    which arrive aggregated, fill the fields that say so."""

    name: str
    invocations: int = 0
    billed_ms: int | Decimal = 0
    by_memory: dict[int, list[int | Decimal]] = field(default_factory=dict)  # MB -> [invocations, billed ms]
    max_used: Counter[int] = field(default_factory=Counter)  # Max Memory Used (MB) -> invocations
    failed: int = 0  # error or timeout status (or a "Task timed out" line) per invocation
    failed_billed_ms: int = 0
    timeouts: int = 0
    with_status: int = 0  # invocations whose record says its status, success included (JSON records)
    cold_starts: int = 0
    init_ms: Decimal = ZERO
    init_in_billed: int = 0  # cold starts whose Billed Duration covers Duration + Init Duration
    restores: int = 0  # SnapStart restores
    restore_ms: Decimal = ZERO
    billed_restore_ms: int = 0
    days: Counter[str] = field(default_factory=Counter)  # YYYY-MM-DD (UTC) -> invocations
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    sources: list[str] = field(default_factory=list)  # the inputs that told something of it, in order
    kinds: set[str] = field(default_factory=set)  # report-lines, json-records, insights, metrics
    # Aggregated (Logs Insights): percentiles computed by AWS, not from a histogram of lines.
    used_percentiles: tuple[Decimal | None, Decimal | None, Decimal | None] | None = None
    mean_init_ms: Decimal | None = None
    # CloudWatch metrics (sums over the metric window).
    metric_invocations: Decimal | None = None
    metric_errors: Decimal | None = None
    metric_throttles: Decimal | None = None
    metric_duration_ms: Decimal | None = None  # mean Duration (not Billed Duration)
    metric_max_concurrency: Decimal | None = None
    metric_first: dt.datetime | None = None
    metric_last: dt.datetime | None = None
    metric_days: Counter[str] = field(default_factory=Counter)

    def add(self, record: Invocation) -> None:
        """One invocation read by the slow path (a variant line, a JSON record)."""
        self.invocations += 1
        self.billed_ms += record.billed_ms
        self.count_memory(record.memory_mb, 1, record.billed_ms)
        if record.max_used_mb is not None:
            self.max_used[record.max_used_mb] += 1
        self.add_extras(record)
        if record.timestamp is not None:
            self.seen_at(record.timestamp)

    def add_extras(self, record: Invocation) -> None:
        """What a REPORT line says beyond its figures: a cold start, a SnapStart restore, its status."""
        if record.init_ms is not None:
            self.cold_starts += 1
            self.init_ms += record.init_ms
            if record.duration_ms is not None and record.billed_ms >= record.duration_ms + record.init_ms:
                self.init_in_billed += 1
        if record.restore_ms is not None:
            self.restores += 1
            self.restore_ms += record.restore_ms
            self.billed_restore_ms += record.billed_restore_ms or 0
        if record.status is not None:
            self.with_status += 1
            if record.status != "success":
                self.failed += 1
                self.failed_billed_ms += record.billed_ms
                if record.status == "timeout":
                    self.timeouts += 1

    def count_memory(self, memory_mb: int, invocations: int, billed_ms: int | Decimal) -> None:
        entry = self.by_memory.setdefault(memory_mb, [0, 0])
        entry[0] += invocations
        entry[1] += billed_ms

    def seen_at(self, when: dt.datetime, count: int = 1) -> None:
        self.days[when.date().isoformat()] += count
        self.stretch(when, when)

    def stretch(self, first: dt.datetime, last: dt.datetime) -> None:
        if self.first is None or first < self.first:
            self.first = first
        if self.last is None or last > self.last:
            self.last = last

    def note_source(self, name: str, kind: str) -> None:
        if name not in self.sources:
            self.sources.append(name)
        self.kinds.add(kind)


@dataclass
class SourceSummary:
    """What one input held: for the report, and to refuse inputs that held nothing usable."""

    name: str
    kind: str  # report-lines, json-records, insights-csv, insights-json, metric-data, metric-statistics, aws
    lines: int = 0  # lines (or records) read
    reports: int = 0  # invocations counted
    skipped: int = 0  # lines that are not REPORT lines (START, END, the function's own output...)
    malformed: int = 0  # REPORT-looking lines that could not be read: counted, never mixed into the figures
    timeouts_without_report: int = 0
    examples: list[Problem] = field(default_factory=list)  # the first malformed lines, located

    def malformed_line(self, line: int, message: str) -> None:
        self.malformed += 1
        if len(self.examples) < SHOWN_MALFORMED:
            self.examples.append(Problem(message, file=self.name, line=line))


class Tallies(dict[str, Tally]):
    """Every function seen, by name."""

    def of(self, name: str) -> Tally:
        tally = self.get(name)
        if tally is None:
            tally = self[name] = Tally(name)
        return tally
