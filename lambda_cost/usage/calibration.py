"""What `calibrate` found and computed, handed from the command to its renderers; and the estimate of a
workload given as text, through the same stages as `estimate`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lambda_cost.errors import Problem
from lambda_cost.model.estimate import Estimate
from lambda_cost.usage.measure import Measurement, Window
from lambda_cost.usage.tally import SourceSummary


@dataclass(frozen=True)
class Change:
    """One value `--into` replaced, added or removed."""

    function: str
    key: str  # a path under the function: duration_ms, invocations[0].per_month
    old: str | None
    new: str | None  # None: removed
    why: str = ""


@dataclass
class Calibration:
    """Everything calibrate found and computed, for the renderers."""

    measurements: list[Measurement]
    summaries: list[SourceSummary]
    log_window: Window | None
    metric_window: Window | None
    notes: list[str] = field(default_factory=list)
    malformed: list[Problem] = field(default_factory=list)
    total: Decimal | None = None  # the estimate of the calibrated workload (without --into)
    pricing: str = ""
    function_totals: dict[str, Decimal] = field(default_factory=dict)
    savings: dict[str, Decimal] = field(default_factory=dict)  # right-sizing, at the same duration
    into: str | None = None
    changes: list[Change] | None = None
    old_total: Decimal | None = None
    new_total: Decimal | None = None
    old_unpriced: str | None = None
    new_unpriced: str | None = None
    not_in_workload: list[str] = field(default_factory=list)
    not_in_usage: list[str] = field(default_factory=list)


def estimate_text(text: str, name: str) -> Estimate:
    """The estimate of a workload given as text, through the same stages as `estimate`."""
    from lambda_cost.stages import estimate_source
    from lambda_cost.stages.load import Source

    return estimate_source(Source(name, text))
