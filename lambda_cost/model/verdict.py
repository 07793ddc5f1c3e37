"""Verdicts: budgets checked against an estimate, and the changes a diff finds with its --max-increase gate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.errors import EXIT_BUDGET, EXIT_OK
from lambda_cost.numbers import money


@dataclass(frozen=True, slots=True)
class BudgetCheck:
    """One limit against the estimate."""

    scope: str  # total | file | function | component | function_component
    name: str  # "" for the total; a function, a component, or function.component
    limit: Decimal
    actual: Decimal
    status: str  # ok | warning | over
    drivers: tuple[tuple[str, Decimal], ...]  # what the actual is made of, largest first
    warn_at: Decimal = Decimal("0.8")  # the share of the limit that warns: its own workload's `warn_at`

    @property
    def headroom(self) -> Decimal:
        return self.limit - self.actual

    @property
    def label(self) -> str:
        return {"total": "monthly total", "file": f"file {self.name}", "function": f"function {self.name}",
                "component": f"component {self.name}", "function_component": f"{self.name}"}[self.scope]


@dataclass(frozen=True, slots=True)
class BudgetReport:
    """Every budget of the workload, checked."""

    warn_at: Decimal
    checks: tuple[BudgetCheck, ...]

    @property
    def status(self) -> str:
        statuses = {check.status for check in self.checks}
        return "over" if "over" in statuses else "warning" if "warning" in statuses else "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_BUDGET if self.status == "over" else EXIT_OK


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a diff compares: per function, the cost of each component.

    Totals are what the account pays, as budgets count it: Lambda and the related charges (dead letters, logs)
    its invocations cause; related components (cloudwatch_logs_ingestion, ...) sit beside Lambda's.
    """

    name: str
    pricing_version: str
    total: Decimal
    function_totals: dict[str, Decimal]
    components: dict[str, dict[str, Decimal]]  # function -> component -> cost


@dataclass(frozen=True, slots=True)
class Change:
    """A figure before and after; `percent` is None when there was nothing before."""

    name: str
    base: Decimal
    head: Decimal
    change: Decimal
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class FunctionChange:
    """A function's change: its total and each component."""

    status: str  # added | removed | changed | unchanged
    total: Change
    components: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Gate:
    """--max-increase: the limit and whether the change exceeds it."""

    limit: Decimal
    percent: bool
    exceeded: bool

    def describe(self) -> str:
        return f"{self.limit}%" if self.percent else money(self.limit)


@dataclass(frozen=True, slots=True)
class DiffReport:
    """Everything a diff shows."""

    base: Snapshot
    head: Snapshot
    total: Change
    functions: tuple[FunctionChange, ...]
    gate: Gate | None

    @property
    def exit_code(self) -> int:
        return EXIT_BUDGET if self.gate is not None and self.gate.exceeded else EXIT_OK
