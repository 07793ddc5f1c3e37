"""CloudWatch metrics of AWS/Lambda (Invocations, Errors, Throttles, Duration, ConcurrentExecutions) as exported by
`aws cloudwatch get-metric-data` and `get-metric-statistics`."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from lambda_cost.errors import Problem
from lambda_cost.usage.fields import parse_time
from lambda_cost.usage.inputs import UsageInputError
from lambda_cost.usage.tally import SourceSummary, Tallies, Tally

NAMES = ("Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions")
_NAME = re.compile(r"(?<![A-Za-z])(" + "|".join(NAMES) + r")(?![A-Za-z])", re.I)
_STATISTICS = ("Sum", "Average", "Maximum", "Minimum", "SampleCount")
EXPECTED = ('get-metric-data JSON {"MetricDataResults": [{"Id", "Label", "Timestamps", "Values"}]} or '
            'get-metric-statistics JSON {"Label", "Datapoints": [{"Timestamp", "Sum"|"Average"|"Maximum"}]}')


@dataclass
class Series:
    """One metric of one function: (time, value) points, and the statistic they are when the export says."""

    metric: str
    function: str
    points: list[tuple[dt.datetime, Decimal]]


def is_metrics(document: Any) -> bool:
    return isinstance(document, dict) and ("MetricDataResults" in document or "Datapoints" in document)


def _metric_and_function(label: str, default: str) -> tuple[str | None, str]:
    """`Invocations`, `api Invocations`, `invocations_api`: the metric, and the function when the text names one."""
    match = _NAME.search(label)
    if match is None:
        return None, default
    metric = next(name for name in NAMES if name.lower() == match.group(1).lower())
    rest = (label[:match.start()] + " " + label[match.end():]).strip(" _-:/")
    return metric, rest or default


def _is_label(label: Any) -> bool:
    """A label is text, or absent (the metric is then read from the query's Id)."""
    return label is None or isinstance(label, str)


def _not_a_label(where: str, label: Any) -> str:
    # Said rather than read from the Id: a function named after a query Id (m0) would be calibrated from nothing.
    shown = "a list" if isinstance(label, list) else "a mapping" if isinstance(label, dict) else repr(label)
    return f"{where}: {shown} is not a label (text that names the metric, such as \"api Invocations\")"


def _value(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(f"{where}: {value!r} is not a number")
    return number


def _time(value: Any, where: str) -> dt.datetime:
    stamp = parse_time(str(value)) if value is not None else None
    if stamp is None:
        raise ValueError(f"{where}: {value!r} is not a timestamp")
    return stamp


def series_of(document: dict[str, Any], default: str) -> tuple[list[Series], list[str]]:
    """Every series in an export, and the labels of metrics calibrate does not use."""
    problems: list[str] = []
    found: list[Series] = []
    ignored: list[str] = []
    if "MetricDataResults" in document:
        results = document["MetricDataResults"]
        if not isinstance(results, list):
            raise ValueError("MetricDataResults is not a list")
        for index, result in enumerate(results):
            where = f"MetricDataResults[{index}]"
            if not isinstance(result, dict) or not isinstance(result.get("Timestamps"), list) \
                    or not isinstance(result.get("Values"), list):
                problems.append(f"{where}: expected Timestamps and Values lists")
                continue
            if len(result["Timestamps"]) != len(result["Values"]):
                problems.append(f"{where}: {len(result['Timestamps'])} Timestamps but {len(result['Values'])} Values")
                continue
            if not _is_label(result.get("Label")):
                problems.append(_not_a_label(f"{where}.Label", result["Label"]))
                continue
            label = str(result.get("Label") or "")
            metric, function = _metric_and_function(label, default)
            if metric is None:
                metric, function = _metric_and_function(str(result.get("Id") or ""), default)
            if metric is None:
                ignored.append(label or str(result.get("Id")))
                continue
            try:
                points = [(_time(t, f"{where}.Timestamps[{i}]"), _value(v, f"{where}.Values[{i}]"))
                          for i, (t, v) in enumerate(zip(result["Timestamps"], result["Values"], strict=True))]
            except ValueError as error:
                problems.append(str(error))
                continue
            found.append(Series(metric, function, points))
    else:
        datapoints = document["Datapoints"]
        if not _is_label(document.get("Label")):
            raise ValueError(_not_a_label("Label", document["Label"]))
        label = str(document.get("Label") or "")
        metric, function = _metric_and_function(label, default)
        if not isinstance(datapoints, list):
            raise ValueError("Datapoints is not a list")
        if metric is None:
            return [], [label]
        points = []
        for index, point in enumerate(datapoints):
            where = f"Datapoints[{index}]"
            statistic = next((s for s in _STATISTICS if isinstance(point, dict) and s in point), None)
            if statistic is None or "Timestamp" not in point:
                problems.append(f"{where}: expected Timestamp and one of {', '.join(_STATISTICS)}")
                continue
            try:
                points.append((_time(point["Timestamp"], where), _value(point[statistic], where)))
            except ValueError as error:
                problems.append(str(error))
        found.append(Series(metric, function, points))
    if problems:
        raise ValueError("; ".join(problems))
    return found, ignored


def read_metrics(document: dict[str, Any], name: str, default: str, tallies: Tallies,
                 summary: SourceSummary) -> list[str]:
    """Add an export's series to the tallies; returns the metrics it held that calibrate does not use."""
    try:
        found, ignored = series_of(document, default)
    except ValueError as error:
        raise UsageInputError(f"{name}: metrics of a shape calibrate does not read", hint=f"expected {EXPECTED}",
                              problems=[Problem(str(error), file=name)]) from None
    if not found:  # nothing to calibrate from: said of this file, not later as "the usage names no function"
        held = [label for label in ignored if label]
        field = "MetricDataResults" if "MetricDataResults" in document else "Label"
        raise UsageInputError(f"{name}: no metric calibrate reads", hint=f"expected {EXPECTED}", problems=[Problem(
            f"no metric calibrate reads ({', '.join(NAMES)}, named by a Label or Id such as \"api Invocations\")"
            + (f"; it holds {', '.join(repr(label[:40]) for label in held[:5])}" if held else ""),
            path=(field,), file=name)])
    by_function: dict[str, dict[str, list[tuple[dt.datetime, Decimal]]]] = defaultdict(lambda: defaultdict(list))
    for series in found:
        by_function[series.function][series.metric].extend(series.points)
    for function, metrics in by_function.items():
        _add(tallies.of(function), metrics, name)
        summary.lines += sum(len(points) for points in metrics.values())
    summary.reports += sum(len(points) for s in found for points in [s.points])
    return ignored


def _add(tally: Tally, metrics: dict[str, list[tuple[dt.datetime, Decimal]]], name: str) -> None:
    tally.note_source(name, "metrics")
    invocations = metrics.get("Invocations", [])

    def total(metric: str) -> Decimal | None:
        points = metrics.get(metric)
        return None if points is None else sum((value for _, value in points), Decimal(0))

    if invocations:
        tally.metric_invocations = (tally.metric_invocations or Decimal(0)) + sum(v for _, v in invocations)
        for when, value in invocations:
            tally.metric_days[when.date().isoformat()] += int(value)
    errors, throttles = total("Errors"), total("Throttles")
    if errors is not None:
        tally.metric_errors = (tally.metric_errors or Decimal(0)) + errors
    if throttles is not None:
        tally.metric_throttles = (tally.metric_throttles or Decimal(0)) + throttles
    if metrics.get("ConcurrentExecutions"):
        tally.metric_max_concurrency = max(value for _, value in metrics["ConcurrentExecutions"])
    durations = metrics.get("Duration")
    if durations:
        # Average Duration per period: weighted by each period's invocations when they are known.
        weights = dict(invocations)
        weighted = [(value, weights.get(when, Decimal(1))) for when, value in durations]
        count = sum((w for _, w in weighted), Decimal(0))
        if count:
            tally.metric_duration_ms = sum((v * w for v, w in weighted), Decimal(0)) / count
    times = sorted({when for points in metrics.values() for when, _ in points})
    if times:
        # Timestamps are the starts of periods: the last period runs one period past its timestamp.
        period = min((b - a for a, b in pairwise(times)), default=None)
        end = times[-1] + period if period else times[-1]
        if tally.metric_first is None or times[0] < tally.metric_first:
            tally.metric_first = times[0]
        if tally.metric_last is None or end > tally.metric_last:
            tally.metric_last = end
