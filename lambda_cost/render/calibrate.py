"""Outputs of `lambda-cost calibrate`: the workload written from usage, the measurements (JSON, table), and the
table of what `--into` changed. Renderers format; the command computes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Context, Decimal
from typing import TYPE_CHECKING, Any

from lambda_cost.model.units import PLACEHOLDER
from lambda_cost.numbers import money, plain, readable

if TYPE_CHECKING:
    from lambda_cost.usage.calibration import Calibration
    from lambda_cost.usage.measure import Measurement

COMMENT_COLUMN = 36
# Values are written exactly when they end within 28 significant digits, else to 28: far below a GB-s.
_WRITTEN = Context(prec=28)


def exact_text(value: Decimal) -> str:
    """A value as the workload holds it: plain digits, at most 28 significant ones."""
    return plain(_WRITTEN.plus(value))


def _line(indent: int, text: str, comment: str = "") -> str:
    line = " " * indent + text
    return f"{line.ljust(COMMENT_COLUMN - 1)} # {comment}" if comment else line


def _percent(value: Decimal) -> str:
    return readable(value * 100, 2) + "%"


def _ms(value: Decimal | None) -> str:
    return "—" if value is None else f"{readable(value, 2)} ms"


def header(calibration: Calibration) -> list[str]:
    """What every calibrated workload says first: the evidence and the rules it was written by."""
    inputs = calibration.summaries
    named = ", ".join(s.name for s in inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
    lines = [f"# Calibrated by `lambda-cost calibrate` from {named or 'AWS'}."]
    for window in (calibration.log_window, calibration.metric_window):
        if window is not None:
            lines.append(f"# Window: {readable(window.hours, 4)} h ({window.source}); volumes are scaled to the "
                         f"730-hour month (× 730/{readable(window.hours, 4)}).")
    lines += [
        "# duration_ms is the mean Billed Duration: it already holds every INIT phase and SnapStart restore that was",
        "# billed, so INIT is not added again (durations_billed: true; init_duration_ms stays a comment).",
        "# The usage does not say: the region, the architecture, the runtime, or what invokes each function. Each",
        f"# `sync` source counts the attempts as logged (retries included): {PLACEHOLDER} marks what to check.",
    ]
    return lines


def workload_yaml(calibration: Calibration) -> str:
    """A new workload that `validate` accepts, each measured value commented with its evidence."""
    lines = [*header(calibration), "version: 1",
             _line(0, "region: us-east-1", f"{PLACEHOLDER} if not: the usage does not say the region"), "functions:"]
    for measurement in calibration.measurements:
        lines += function_lines(measurement, calibration)
    return "\n".join(lines) + "\n"


def function_lines(m: Measurement, calibration: Calibration) -> list[str]:
    name = m.name if m.name.replace("-", "").replace("_", "").replace(".", "").isalnum() else json.dumps(m.name)
    lines = [_line(2, f"- name: {name}", f"log group /aws/lambda/{m.name}")]
    if m.memory_mb is None:
        lines.append(_line(4, f"memory_mb: {PLACEHOLDER}", "Memory Size: metrics do not say it; REPORT lines do"))
    else:
        lines.append(_line(4, f"memory_mb: {m.memory_mb}", memory_evidence(m)))
    lines.append(_line(4, f"# architecture: {PLACEHOLDER}",
                       "x86_64 or arm64: the usage does not say; x86_64 is priced"))
    if m.duration_ms is None:
        lines.append(_line(4, f"duration_ms: {PLACEHOLDER}", "the usage holds no duration: mean Billed Duration, ms"))
    else:
        ok, failed = (m.success_duration_ms, m.failed_duration_ms) if m.success_duration_ms is not None \
            else (m.duration_ms, None)
        what = "of the successful invocations" if failed is not None else m.duration_source
        lines.append(_line(4, f"duration_ms: {exact_text(ok)}", f"{_ms(ok)}: {what}" if failed is not None
                           else f"{m.duration_source}"))
        if failed is not None:
            lines.append(_line(4, f"error_duration_ms: {exact_text(failed)}",
                               f"{_ms(failed)}: mean Billed Duration of the failed invocations"))
        if not m.billed_ms:
            lines.append(_line(4, "# durations_billed: true", "not set: the Duration metric is not Billed Duration"))
        else:
            lines.append(_line(4, "durations_billed: true", "means of Billed Duration: not rounded up again"))
    lines += [_line(4, f"# {note}") for note in evidence_notes(m, calibration)]
    lines.append("    invocations:")
    lines.append(_line(6, "- type: sync", f"{PLACEHOLDER}: the usage does not say what invokes it: set the type"))
    lines.append(_line(8, f"per_month: {exact_text(m.per_month)}", volume_evidence(m)))
    rate = m.error_rate if m.error_rate is not None else Decimal(0)
    lines.append(_line(8, f"error_rate: {exact_text(rate)}", error_evidence(m)))
    return lines


def memory_evidence(m: Measurement) -> str:
    if m.memory_sizes:
        sizes = ", ".join(f"{mb} MB ({readable(n)})" for mb, n in m.memory_sizes.items())
        return f"the most used Memory Size of {sizes}"
    return f"Memory Size of {m.invocations_source}"


def volume_evidence(m: Measurement) -> str:
    return f"{m.invocations_source} in {readable(m.window.hours, 4)} h × 730/{readable(m.window.hours, 4)}"


def error_evidence(m: Measurement) -> str:
    if m.error_rate is None:
        return m.error_source
    return f"{_percent(m.error_rate)}: {m.error_source}"


def evidence_notes(m: Measurement, calibration: Calibration) -> list[str]:
    """Comment lines under a function: cold starts, memory used, right-sizing, the daily spread."""
    notes = list(m.notes)
    if m.cold_starts:
        rate = f" ({_percent(m.cold_start_rate)})" if m.cold_start_rate is not None else ""
        billed = {"all": "inside Billed Duration (billed)", "none": "not in Billed Duration (not billed then)",
                  "some": "inside Billed Duration for some"}.get(m.init_in_billed or "", "")
        notes.append(f"cold starts: {m.cold_starts:,}{rate}, mean Init Duration {_ms(m.mean_init_ms)}"
                     + (f", {billed}" if billed else ""))
        if m.mean_init_ms is not None and m.cold_start_rate is not None:
            notes.append(f"cold_start_rate: {exact_text(m.cold_start_rate)}, init_duration_ms: "
                         f"{exact_text(m.mean_init_ms)}: not keys, which would bill INIT twice")
    if m.restores:
        notes.append(f"SnapStart restores: {m.restores:,}, mean Restore Duration {_ms(m.mean_restore_ms)}, "
                     f"{m.billed_restore_ms:,} ms billed (inside Billed Duration)")
    if m.max_used is not None:
        p50, p99, top = m.max_used
        notes.append(f"max memory used: p50 {_mb(p50)}, p99 {_mb(p99)}, max {_mb(top)} of {m.memory_mb} MB")
    if m.right_size_mb is not None:
        saving = calibration.savings.get(m.name)
        notes.append(f"right-sizing: {m.right_size_mb} MB leaves 20% above p99"
                     + (f"; at the same duration it saves {money(saving)} a month" if saving is not None else "")
                     + " (duration may change with memory)")
    if m.daily is not None:
        d = m.daily
        notes.append(f"daily spread over {d.days} whole day{'s' if d.days != 1 else ''}: low {readable(d.low)}, "
                     f"expected {readable(d.median)}, high {readable(d.high)} a day")
        notes.append(f"scenarios per_month: low {readable(d.per_month(d.low), 0)}, expected "
                     f"{readable(d.per_month(d.median), 0)}, high {readable(d.per_month(d.high), 0)}")
    if m.throttles:
        notes.append(f"throttles: {readable(m.throttles)} (Throttles metric): not billed, not in per_month")
    if m.max_concurrency is not None:
        notes.append(f"peak concurrency: {readable(m.max_concurrency)} (ConcurrentExecutions metric)")
    return notes


def _mb(value: Decimal | None) -> str:
    return "—" if value is None else f"{readable(value, 2)} MB"


def _number(value: Decimal | int | None) -> str | None:
    return None if value is None else plain(Decimal(value))


def measurements_json(calibration: Calibration) -> str:
    """The measurements as one JSON document (schema_version 1): exact decimal strings, stable key order."""
    document: dict[str, Any] = {
        "schema_version": 1,
        "window": _window(calibration.log_window),
        "metric_window": _window(calibration.metric_window),
        "inputs": [{"file": s.name, "kind": s.kind, "lines": s.lines, "invocations": s.reports,
                    "skipped_lines": s.skipped, "malformed_lines": s.malformed} for s in calibration.summaries],
        "functions": [_function_json(m, calibration) for m in calibration.measurements],
        "estimate": None if calibration.total is None else {
            "total": plain(calibration.total), "pricing": calibration.pricing},
        "malformed": [{"file": p.file, "line": p.line, "message": p.message} for p in calibration.malformed],
        "notes": calibration.notes,
    }
    if calibration.changes is not None:
        document["into"] = {
            "workload": calibration.into,
            "changes": [{"function": c.function, "key": c.key, "old": c.old, "new": c.new, "why": c.why}
                        for c in calibration.changes],
            "old_total": None if calibration.old_total is None else plain(calibration.old_total),
            "new_total": None if calibration.new_total is None else plain(calibration.new_total),
            "not_in_workload": calibration.not_in_workload,
            "not_in_usage": calibration.not_in_usage,
        }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _window(window: Any) -> dict[str, str] | None:
    return None if window is None else {"hours": plain(window.hours), "source": window.source}


def _function_json(m: Measurement, calibration: Calibration) -> dict[str, Any]:
    used = None if m.max_used is None else dict(zip(("p50", "p99", "max"), map(_number, m.max_used), strict=True))
    daily = None if m.daily is None else {
        "days": m.daily.days,
        "per_day": {"low": plain(m.daily.low), "expected": plain(m.daily.median), "high": plain(m.daily.high)},
        "per_month": {"low": plain(m.daily.per_month(m.daily.low)),
                      "expected": plain(m.daily.per_month(m.daily.median)),
                      "high": plain(m.daily.per_month(m.daily.high))},
    }
    saving = calibration.savings.get(m.name)
    return {
        "name": m.name,
        "invocations": plain(m.invocations),
        "invocations_source": m.invocations_source,
        "window_hours": plain(m.window.hours),
        "per_month": plain(m.per_month),
        "billed_ms": plain(m.billed_ms),
        "duration_ms": _number(m.duration_ms),
        "success_duration_ms": _number(m.success_duration_ms),
        "failed_duration_ms": _number(m.failed_duration_ms),
        "duration_source": m.duration_source,
        "memory_mb": m.memory_mb,
        "memory_sizes": {str(mb): plain(n) for mb, n in m.memory_sizes.items()},
        "gb_seconds": plain(m.gb_seconds),
        "gb_seconds_per_month": plain(m.gb_seconds * m.window.to_month),
        "errors": _number(m.errors),
        "error_rate": _number(m.error_rate),
        "error_source": m.error_source,
        "timeouts": m.timeouts,
        "cold_starts": m.cold_starts,
        "cold_start_rate": _number(m.cold_start_rate),
        "mean_init_ms": _number(m.mean_init_ms),
        "init_in_billed_duration": m.init_in_billed,
        "snapstart_restores": m.restores,
        "mean_restore_ms": _number(m.mean_restore_ms),
        "billed_restore_ms": m.billed_restore_ms,
        "max_memory_used_mb": used,
        "right_sizing": None if m.right_size_mb is None else {
            "memory_mb": m.right_size_mb, "monthly_saving": _number(saving),
            "note": "at the same duration; duration may change with memory"},
        "scenarios": daily,
        "throttles": _number(m.throttles),
        "max_concurrency": _number(m.max_concurrency),
        "monthly_total": _number(calibration.function_totals.get(m.name)),
        "sources": m.sources,
        "notes": m.notes,
    }


def measurements_table(calibration: Calibration) -> str:
    """The measurements for people: one row a function, then its notes."""
    headers = ("function", "per month", "duration_ms", "memory", "errors", "cold starts", "p99 used", "$ a month")
    rows = []
    for m in calibration.measurements:
        p99 = m.max_used[1] if m.max_used else None
        total = calibration.function_totals.get(m.name)
        rows.append((m.name, readable(m.per_month, 0), readable(m.duration_ms, 3) if m.duration_ms else "—",
                     f"{m.memory_mb} MB" if m.memory_mb else "—",
                     _percent(m.error_rate) if m.error_rate is not None else "unknown",
                     _percent(m.cold_start_rate) if m.cold_start_rate is not None else "—",
                     _mb(p99), money(total) if total is not None else "—"))
    out = [_grid(headers, rows, right=range(1, 8))]
    for window in (calibration.log_window, calibration.metric_window):
        if window is not None:
            out.append(f"window: {readable(window.hours, 4)} h ({window.source})")
    if calibration.total is not None:
        out.append(f"estimate of the calibrated workload: {money(calibration.total)} a month ({calibration.pricing})")
    for m in calibration.measurements:
        notes = evidence_notes(m, calibration)
        if notes:
            out.append(f"\n{m.name}:")
            out += [f"  {note}" for note in notes]
    return "\n".join(out) + "\n"


def changes_table(calibration: Calibration) -> str:
    """What --into changed, and what it does to the monthly estimate."""
    assert calibration.changes is not None
    rows = [(c.function, c.key, c.old if c.old is not None else "—", c.new if c.new is not None else "(removed)")
            for c in calibration.changes]
    out = [f"lambda-cost calibrate --into {calibration.into}: {len(rows)} change{'s' if len(rows) != 1 else ''}", ""]
    out.append(_grid(("function", "key", "old", "new"), rows) if rows else "nothing to change")
    whys = sorted({c.why for c in calibration.changes if c.why})
    out += [f"  {why}" for why in whys]
    old, new = calibration.old_total, calibration.new_total
    out.append("")
    out.append(f"monthly estimate: {money(old) if old is not None else calibration.old_unpriced or '—'} → "
               f"{money(new) if new is not None else calibration.new_unpriced or '—'}"
               + (f" ({'+' if new >= old else '−'}{money(abs(new - old))})" if old is not None and new is not None
                  else ""))
    if calibration.not_in_workload:
        out.append(f"in the usage, not in {calibration.into} (not added): {', '.join(calibration.not_in_workload)}")
    if calibration.not_in_usage:
        out.append(f"in {calibration.into}, not in the usage (left as written): {', '.join(calibration.not_in_usage)}")
    return "\n".join(out) + "\n"


def _grid(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: range | tuple[int, ...] = ()) -> str:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def fmt(row: tuple[str, ...]) -> str:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in pairs]
        return "  ".join(cells).rstrip()

    return "\n".join([fmt(headers), fmt(tuple("-" * w for w in widths)), *map(fmt, rows)])
