"""Verdicts: budgets checked against an estimate, and the changes a diff finds with its --max-increase gate."""

from __future__ import annotations

from decimal import Decimal

from lambda_cost.errors import EXIT_BUDGET, EXIT_OK
from lambda_cost.model.value import Value
from lambda_cost.numbers import money


class BudgetCheck(Value):
    """One limit against the estimate."""

    __slots__ = ("actual", "drivers", "limit", "name", "scope", "status", "warn_at")

    def __init__(
        self,
        scope: str,
        name: str,
        limit: Decimal,
        actual: Decimal,
        status: str,
        drivers: tuple[tuple[str, Decimal], ...],
        warn_at: Decimal = Decimal("0.8"),
    ) -> None:
        self.scope = scope  # total | file | function | component | function_component
        self.name = name  # "" for the total; a function, a component, or function.component
        self.limit = limit
        self.actual = actual
        self.status = status  # ok | warning | over
        self.drivers = drivers  # what the actual is made of, largest first
        self.warn_at = warn_at  # the share of the limit that warns: its own workload's `warn_at`

    @property
    def headroom(self) -> Decimal:
        return self.limit - self.actual

    @property
    def label(self) -> str:
        return {"total": "monthly total", "file": f"file {self.name}", "function": f"function {self.name}",
                "component": f"component {self.name}", "function_component": f"{self.name}"}[self.scope]


class BudgetReport(Value):
    """Every budget of the workload, checked."""

    __slots__ = ("checks", "warn_at")

    def __init__(self, warn_at: Decimal, checks: tuple[BudgetCheck, ...]) -> None:
        self.warn_at = warn_at
        self.checks = checks

    @property
    def status(self) -> str:
        statuses = {check.status for check in self.checks}
        return "over" if "over" in statuses else "warning" if "warning" in statuses else "ok"

    @property
    def exit_code(self) -> int:
        return EXIT_BUDGET if self.status == "over" else EXIT_OK


class Snapshot(Value):
    """What a diff compares: per function, the cost of each component.

    Totals are what the account pays, as budgets count it: Lambda and the related charges (dead letters, logs)
    its invocations cause; related components (cloudwatch_logs_ingestion, ...) sit beside Lambda's.
    """

    __slots__ = ("components", "function_totals", "name", "pricing_version", "total")

    def __init__(
        self,
        name: str,
        pricing_version: str,
        total: Decimal,
        function_totals: dict[str, Decimal],
        components: dict[str, dict[str, Decimal]],
    ) -> None:
        self.name = name
        self.pricing_version = pricing_version
        self.total = total
        self.function_totals = function_totals
        self.components = components  # function -> component -> cost


class Change(Value):
    """A figure before and after; `percent` is None when there was nothing before."""

    __slots__ = ("base", "change", "head", "name", "percent")

    def __init__(self, name: str, base: Decimal, head: Decimal, change: Decimal, percent: Decimal | None) -> None:
        self.name = name
        self.base = base
        self.head = head
        self.change = change
        self.percent = percent


class FunctionChange(Value):
    """A function's change: its total and each component."""

    __slots__ = ("components", "status", "total")

    def __init__(self, status: str, total: Change, components: tuple[Change, ...]) -> None:
        self.status = status  # added | removed | changed | unchanged
        self.total = total
        self.components = components


class Gate(Value):
    """--max-increase: the limit and whether the change exceeds it."""

    __slots__ = ("exceeded", "limit", "percent")

    def __init__(self, limit: Decimal, percent: bool, exceeded: bool) -> None:
        self.limit = limit
        self.percent = percent
        self.exceeded = exceeded

    def describe(self) -> str:
        return f"{self.limit}%" if self.percent else money(self.limit)


class DiffReport(Value):
    """Everything a diff shows."""

    __slots__ = ("base", "functions", "gate", "head", "total")

    def __init__(
        self,
        base: Snapshot,
        head: Snapshot,
        total: Change,
        functions: tuple[FunctionChange, ...],
        gate: Gate | None,
    ) -> None:
        self.base = base
        self.head = head
        self.total = total
        self.functions = functions
        self.gate = gate

    @property
    def exit_code(self) -> int:
        return EXIT_BUDGET if self.gate is not None and self.gate.exceeded else EXIT_OK
