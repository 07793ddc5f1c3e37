"""What `reconcile` compares and shows: the estimate's line items placed by region, and the bill held against them
row by row, with the likely causes and the --max-gap verdicts (figures computed exactly, whatever the caller's
context, so that a renderer only formats them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.errors import EXIT_BUDGET, EXIT_OK
from lambda_cost.numbers import ARITHMETIC, ZERO, money, readable

TOTAL = "total"
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class EstimatedLine:
    """One line item of the estimate, with where it runs."""

    function: str  # the function's name, as a bill's resource ID ends (a version's row counts for its function)
    region: str
    architecture: str
    component: str  # the estimate's line-item component
    quantity: Decimal
    cost: Decimal


@dataclass(frozen=True)
class EstimateSide:
    """What reconcile needs of an estimate, priced now or read from a saved `estimate --format json`."""

    name: str
    pricing_version: str
    lines: tuple[EstimatedLine, ...]
    related_total: Decimal  # other services' charges (dead letters, logs): not on Lambda's bill


@dataclass(frozen=True, slots=True)
class Side:
    """A quantity and its cost, of the bill or of the estimate."""

    quantity: Decimal = ZERO
    cost: Decimal = ZERO

    def __add__(self, other: Side) -> Side:
        return Side(ARITHMETIC.add(self.quantity, other.quantity), ARITHMETIC.add(self.cost, other.cost))

    @property
    def empty(self) -> bool:
        return self.quantity == 0 and self.cost == 0


def difference(billed: Decimal, estimated: Decimal) -> Decimal:
    """Billed minus estimated, exactly whatever context the caller is in (a renderer reads it)."""
    return ARITHMETIC.subtract(billed, estimated)


def gap_percent(billed: Decimal, estimated: Decimal) -> Decimal | None:
    """The gap relative to the estimate's size; None when nothing was estimated."""
    if estimated == 0:
        return None
    return ARITHMETIC.multiply(ARITHMETIC.divide(difference(billed, estimated), abs(estimated)), HUNDRED)


@dataclass(frozen=True, slots=True)
class Row:
    """One region and component (and function, --by function): billed, estimated, and why they differ."""

    region: str
    component: str  # "" with --by region: every component
    function: str | None
    unit: str  # "" with --by region
    billed: Side
    estimated: Side
    causes: tuple[str, ...] = ()

    @property
    def cost_gap(self) -> Decimal:
        return difference(self.billed.cost, self.estimated.cost)

    @property
    def quantity_gap(self) -> Decimal:
        return difference(self.billed.quantity, self.estimated.quantity)

    @property
    def percent(self) -> Decimal | None:
        return gap_percent(self.billed.cost, self.estimated.cost)

    @property
    def status(self) -> str:
        if self.estimated.empty:
            return "billed only"
        if self.billed.empty:
            return "estimated only"
        return "matched" if self.cost_gap == 0 and self.quantity_gap == 0 else "gap"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Line items that are not usage at a rate (credits, tax, refunds...): shown apart, not compared."""

    kind: str
    cost: Decimal
    line_items: int


@dataclass(frozen=True, slots=True)
class UnknownUsage:
    """A usage type the map does not know: billed, counted, never dropped."""

    usage_type: str
    region: str
    quantity: Decimal
    cost: Decimal
    line_items: int


@dataclass(frozen=True, slots=True)
class MaxGap:
    """One --max-gap: a limit on the gap of the total or of a component, and whether the gap exceeds it."""

    target: str  # total, or a component (duration covers duration_x86_64 and duration_arm64)
    limit: Decimal
    percent: bool
    billed: Decimal = ZERO
    estimated: Decimal = ZERO

    @property
    def gap(self) -> Decimal:
        return difference(self.billed, self.estimated)

    @property
    def exceeded(self) -> bool:
        if not self.percent:
            return abs(self.gap) > self.limit
        share = gap_percent(self.billed, self.estimated)
        return self.gap != 0 if share is None else abs(share) > self.limit

    def describe(self) -> str:
        limit = f"{readable(self.limit)}%" if self.percent else money(self.limit)
        return limit if self.target == TOTAL else f"{self.target}={limit}"


@dataclass(frozen=True)
class Reconciliation:
    """Everything reconcile shows; renderers format it and never compute."""

    estimate: str
    pricing_version: str
    bill_format: str
    bill_files: tuple[str, ...]
    line_items: int
    month: str
    by: str
    rows: tuple[Row, ...]
    billed_total: Decimal
    estimated_total: Decimal
    adjustments: tuple[Adjustment, ...] = ()
    unknown: tuple[UnknownUsage, ...] = ()
    notes: tuple[str, ...] = ()
    gates: tuple[MaxGap, ...] = ()
    components: tuple[tuple[str, Side, Side], ...] = ()  # each component's billed and estimated sides, summed
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the names --max-gap takes, and the components of each

    @property
    def gap(self) -> Decimal:
        return difference(self.billed_total, self.estimated_total)

    @property
    def percent(self) -> Decimal | None:
        return gap_percent(self.billed_total, self.estimated_total)

    @property
    def exit_code(self) -> int:
        return EXIT_BUDGET if any(gate.exceeded for gate in self.gates) else EXIT_OK
