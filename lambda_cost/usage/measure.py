"""From tallies to measurements: monthly volumes over a window, exact mean Billed Duration, error and cold-start
rates, memory percentiles and the daily spread, each with the evidence it rests on."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext

from lambda_cost.errors import InputError
from lambda_cost.numbers import ARITHMETIC, readable
from lambda_cost.usage.tally import Tally

HOURS_PER_MONTH = Decimal(730)
MS_PER_S = Decimal(1000)
MB_PER_GB = Decimal(1024)
HEADROOM = Decimal("0.2")  # right-sizing leaves 20% above the 99th percentile of Max Memory Used
SMALLEST_MEMORY_MB = 128
_WINDOW = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(w|d|h|min)\s*$")
_WINDOW_HOURS = {"w": Decimal(168), "d": Decimal(24), "h": Decimal(1), "min": Decimal(1) / 60}


@dataclass(frozen=True)
class Window:
    """The period the usage covers: `--window`, or the span of the timestamps seen."""

    hours: Decimal
    source: str  # "--window 14d", or "timestamps 2025-…Z to 2025-…Z"

    @property
    def to_month(self) -> Decimal:
        """Multiply a count over the window by this for a 730-hour month."""
        return ARITHMETIC.divide(HOURS_PER_MONTH, self.hours)


def parse_window(text: str) -> Window:
    """`14d`, `36h`, `2w`, `90min`: a positive period (m alone would be minutes or months: refused)."""
    match = _WINDOW.match(text)
    if not match or Decimal(match.group(1)) <= 0:
        raise InputError(f"--window takes a period such as 14d, 36h, 2w or 90min; not {text!r}")
    return Window(Decimal(match.group(1)) * _WINDOW_HOURS[match.group(2)], f"--window {text.strip()}")


def span_window(first: dt.datetime | None, last: dt.datetime | None, what: str) -> Window | None:
    if first is None or last is None or last <= first:
        return None
    seconds = Decimal((last - first) // dt.timedelta(microseconds=1)) / 1_000_000
    return Window(seconds / 3600, f"{what} {_stamp(first)} to {_stamp(last)}")


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Daily:
    """Invocations per UTC day over the whole days seen, and the month each would make."""

    days: int
    low: Decimal
    median: Decimal
    high: Decimal
    partial_ends_dropped: bool

    def per_month(self, count: Decimal) -> Decimal:
        return count * HOURS_PER_MONTH / 24


@dataclass
class Measurement:
    """One function as the usage shows it; every figure exact, None where the usage does not tell."""

    name: str
    invocations: Decimal  # over the window
    invocations_source: str
    window: Window
    per_month: Decimal
    billed_ms: Decimal  # Σ Billed Duration over the window
    duration_ms: Decimal | None  # Σ Billed Duration / invocations: the mean of what was billed
    success_duration_ms: Decimal | None  # split by status, when failures are counted line by line
    failed_duration_ms: Decimal | None
    duration_source: str
    memory_mb: int | None
    memory_sizes: dict[int, Decimal]  # MB -> invocations, when the setting changed
    errors: Decimal | None
    error_rate: Decimal | None  # None: unknown
    error_source: str
    timeouts: int
    cold_starts: int
    cold_start_rate: Decimal | None
    mean_init_ms: Decimal | None
    init_in_billed: str | None  # all, none, some: whether Billed Duration covered INIT; None: no cold start seen
    restores: int
    mean_restore_ms: Decimal | None
    billed_restore_ms: int
    max_used: tuple[Decimal | None, Decimal | None, Decimal | None] | None  # p50, p99, max (MB)
    right_size_mb: int | None  # memory leaving 20% above p99, when below the configured memory
    daily: Daily | None
    throttles: Decimal | None
    max_concurrency: Decimal | None
    sources: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def gb_seconds(self) -> Decimal:
        """GB-s billed over the window: Σ Billed Duration × memory (exact when the memory did not change)."""
        if self.memory_mb is None:
            return Decimal(0)
        return self.billed_ms / MS_PER_S * self.memory_mb / MB_PER_GB


def percentile(histogram: Counter[int], share: Decimal) -> Decimal | None:
    """Nearest-rank percentile of a histogram: the smallest value at or below which `share` of the counts lie."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, int((share * total).to_integral_value(rounding=ROUND_CEILING)))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return Decimal(value)
    return Decimal(max(histogram))


def _daily(days: Counter[str]) -> Daily | None:
    """Whole days only: with three days or more, the first and last (which the logs cover in part) are left out,
    and days without an invocation between them count as zero."""
    if not days:
        return None
    ordered = sorted(days)
    first, last = dt.date.fromisoformat(ordered[0]), dt.date.fromisoformat(ordered[-1])
    every = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    dropped = len(every) >= 3
    counts = sorted(Decimal(days.get(day, 0)) for day in (every[1:-1] if dropped else every))
    middle = len(counts) // 2
    median = counts[middle] if len(counts) % 2 else (counts[middle - 1] + counts[middle]) / 2
    return Daily(len(counts), counts[0], median, counts[-1], dropped)


def _right_size(memory_mb: int | None, p99: Decimal | None) -> int | None:
    if memory_mb is None or p99 is None:
        return None
    needed = int((p99 / (1 - HEADROOM)).to_integral_value(rounding=ROUND_CEILING))
    suggested = max(SMALLEST_MEMORY_MB, needed)
    return suggested if suggested < memory_mb else None


def measure(tally: Tally, log_window: Window | None, metric_window: Window | None) -> Measurement:
    """The measurements of one function. Volumes and durations come from REPORT lines (or Logs Insights) when
    there are any, else from metrics; the error rate from the Errors metric when there is one."""
    with localcontext(ARITHMETIC):
        return _measure(tally, log_window, metric_window)


def _measure(tally: Tally, log_window: Window | None, metric_window: Window | None) -> Measurement:
    notes: list[str] = []
    from_logs = tally.invocations > 0
    if from_logs:
        invocations = Decimal(tally.invocations)
        kind = "Logs Insights" if "insights" in tally.kinds and len(tally.kinds) == 1 else "REPORT lines"
        source = f"{tally.invocations:,} {kind[:-1] if tally.invocations == 1 else kind}" if kind == "REPORT lines" \
            else f"{tally.invocations:,} invocations (Logs Insights)"
        window = log_window
    elif tally.metric_invocations is not None:
        invocations = tally.metric_invocations
        source = f"{readable(invocations)} invocations (Invocations metric)"
        window = metric_window
    else:
        raise InputError(f"{tally.name}: the usage holds no invocation count (REPORT lines, a Logs Insights row or "
                         "the Invocations metric)", hint="add the function's REPORT lines or its Invocations metric")
    if window is None:
        raise InputError(
            f"{tally.name}: cannot tell the period the usage covers: its {'lines' if from_logs else 'metrics'} "
            "carry no timestamps (or a single one)", hint="give --window, such as 14d or 36h",
        )
    billed = Decimal(tally.billed_ms)
    count = Decimal(tally.invocations) if from_logs else invocations
    duration: Decimal | None = billed / count if from_logs and count else None
    duration_source = f"mean Billed Duration of {_count(tally.invocations, 'invocation')}" if from_logs else ""
    if duration is None and tally.metric_duration_ms is not None:
        duration = tally.metric_duration_ms
        duration_source = ("mean of the Duration metric: not Billed Duration, so it leaves out rounding and "
                           "INIT; REPORT lines give the billed figure")
    errors, rate, error_source = _errors(tally, invocations)
    success = failed_ms = None
    # Split by status only when the error rate is the lines' own: another rate with these means would not bill
    # the same total.
    by_lines = tally.metric_errors is None or not tally.metric_invocations
    if from_logs and by_lines and tally.failed and tally.failed < tally.invocations and "insights" not in tally.kinds:
        success = (billed - tally.failed_billed_ms) / (count - tally.failed)
        failed_ms = Decimal(tally.failed_billed_ms) / tally.failed
    memory_mb = None
    sizes: dict[int, Decimal] = {}
    if tally.by_memory:
        # The most used setting; when it changed, the duration is the one that bills the same GB-s at it.
        memory_mb = max(tally.by_memory, key=lambda mb: (tally.by_memory[mb][0], mb))
        if len(tally.by_memory) > 1:
            sizes = {mb: Decimal(entry[0]) for mb, entry in sorted(tally.by_memory.items())}
            mb_ms = sum((Decimal(mb) * Decimal(entry[1]) for mb, entry in tally.by_memory.items()), Decimal(0))
            duration = mb_ms / memory_mb / count
            success = failed_ms = None
            notes.append(f"memory changed during the window ({', '.join(f'{mb} MB' for mb in sizes)}): "
                         f"duration_ms is the mean that bills the same GB-s at {memory_mb} MB")
    cold_rate = Decimal(tally.cold_starts) / count if from_logs and count else None
    mean_init = tally.mean_init_ms if tally.mean_init_ms is not None else (
        tally.init_ms / tally.cold_starts if tally.cold_starts and tally.init_ms else None)
    init_in_billed = None
    if tally.cold_starts and "insights" not in tally.kinds:
        init_in_billed = ("all" if tally.init_in_billed == tally.cold_starts
                          else "none" if tally.init_in_billed == 0 else "some")
    if tally.used_percentiles is not None:
        used = tally.used_percentiles
    elif tally.max_used:
        used = (percentile(tally.max_used, Decimal("0.5")), percentile(tally.max_used, Decimal("0.99")),
                Decimal(max(tally.max_used)))
    else:
        used = None
    days = tally.days if from_logs else tally.metric_days
    return Measurement(
        name=tally.name,
        invocations=invocations,
        invocations_source=source,
        window=window,
        per_month=invocations * window.to_month,
        billed_ms=billed,
        duration_ms=duration,
        success_duration_ms=success,
        failed_duration_ms=failed_ms,
        duration_source=duration_source,
        memory_mb=memory_mb,
        memory_sizes=sizes,
        errors=errors,
        error_rate=rate,
        error_source=error_source,
        timeouts=tally.timeouts,
        cold_starts=tally.cold_starts,
        cold_start_rate=cold_rate,
        mean_init_ms=mean_init,
        init_in_billed=init_in_billed,
        restores=tally.restores,
        mean_restore_ms=tally.restore_ms / tally.restores if tally.restores and tally.restore_ms else None,
        billed_restore_ms=tally.billed_restore_ms,
        max_used=used,
        right_size_mb=_right_size(memory_mb, used[1] if used else None),
        daily=_daily(days),
        throttles=tally.metric_throttles,
        max_concurrency=tally.metric_max_concurrency,
        sources=list(tally.sources),
        notes=notes,
    )


def _errors(tally: Tally, invocations: Decimal) -> tuple[Decimal | None, Decimal | None, str]:
    """The error rate and where it comes from; None when the usage cannot tell."""
    if tally.metric_errors is not None and tally.metric_invocations:
        return (tally.metric_errors, tally.metric_errors / tally.metric_invocations,
                f"Errors metric: {readable(tally.metric_errors)} of {readable(tally.metric_invocations)} invocations")
    if tally.invocations and (tally.failed or tally.with_status):
        failed = Decimal(tally.failed)
        timeouts = f", {tally.timeouts:,} of them timeouts" if tally.timeouts else ""
        return failed, failed / tally.invocations, \
            f"{_count(tally.failed, 'error or timeout status')} in {_count(tally.invocations, 'invocation')}{timeouts}"
    return None, None, "unknown: no error or timeout status in the logs (the Errors metric tells)"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 'es' if noun.endswith('s') else 's'}"
