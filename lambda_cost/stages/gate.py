"""Budgets to a verdict: each limit's actual cost, headroom and status, and the exit code it means."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from lambda_cost.model.budget import Budget, FunctionBudget
from lambda_cost.model.priced import PricedFunction, component_group
from lambda_cost.model.verdict import BudgetCheck, BudgetReport
from lambda_cost.numbers import ZERO, exact_sum, money, percent

_DRIVERS_SHOWN = 3


def evaluate(
    functions: tuple[PricedFunction, ...], total: Decimal, budget: Budget | None, total_override: Decimal | None
) -> BudgetReport | None:
    """Check the workload's budgets (`--budget` replaces its monthly total); None when there are none.

    `total` is the grand total: Lambda and the related charges it causes, what the account pays.
    """
    if budget is None and total_override is None:
        return None
    budget = budget or Budget()
    warn_at = budget.warn_at

    def check(scope: str, name: str, limit: Decimal, actual: Decimal, drivers: dict[str, Decimal]) -> BudgetCheck:
        if limit == 0:
            status = "over" if actual > 0 else "ok"
        else:
            status = "over" if actual > limit else "warning" if actual >= limit * warn_at else "ok"
        largest = sorted(drivers.items(), key=lambda item: (-item[1], item[0]))[:_DRIVERS_SHOWN]
        return BudgetCheck(scope, name, limit, actual, status, tuple(largest), warn_at)

    by_group = [_group_costs(function) for function in functions]
    # Drivers name each row (`api:v4` for a version); a function's budget covers all of its rows.
    labels = [function.usage.function.label for function in functions]
    checks = []
    limit = total_override if total_override is not None else budget.total
    if limit is not None:
        costs = {n: exact_sum([f.total, f.related_total]) for n, f in zip(labels, functions, strict=True)}
        checks.append(check("total", "", limit, total, costs))
    for group, group_limit in budget.components.items():
        shares = {n: groups.get(group, ZERO) for n, groups in zip(labels, by_group, strict=True)}
        checks.append(check("component", group, group_limit, exact_sum(shares.values()), shares))
    rows: dict[str, list[int]] = defaultdict(list)
    for i, function in enumerate(functions):
        rows[function.usage.function.name].append(i)
    for name, spec in budget.functions.items():
        if name not in rows:
            continue  # validation has refused unknown names; a function of another file in a multi-file run
        own = [functions[i] for i in rows[name]]
        groups = _merged([by_group[i] for i in rows[name]])
        spec = spec if isinstance(spec, FunctionBudget) else FunctionBudget(total=spec)
        if spec.total is not None:
            actual = exact_sum([*(f.total for f in own), *(f.related_total for f in own)])
            checks.append(check("function", name, spec.total, actual, groups))
        for group, group_limit in spec.components.items():
            actual = groups.get(group, ZERO)
            checks.append(check("function_component", f"{name}.{group}", group_limit, actual, {name: actual}))
    return BudgetReport(warn_at, tuple(checks))


def _merged(costs: list[dict[str, Decimal]]) -> dict[str, Decimal]:
    """Component costs of several rows (a function's versions) added up per component."""
    if len(costs) == 1:
        return costs[0]
    grouped: dict[str, list[Decimal]] = defaultdict(list)
    for row in costs:
        for group, cost in row.items():
            grouped[group].append(cost)
    return {group: exact_sum(values) for group, values in grouped.items()}


def _group_costs(function: PricedFunction) -> dict[str, Decimal]:
    costs: dict[str, list[Decimal]] = defaultdict(list)
    for item in (*function.line_items, *function.related_items):
        costs[component_group(item.component)].append(item.cost)
    return {group: exact_sum(values) for group, values in costs.items()}


def messages(report: BudgetReport) -> list[str]:
    """Lines for people (stderr): each budget exceeded or near its limit, by how much, and what drove it."""
    lines = []
    for check in report.checks:
        if check.status == "ok":
            continue
        drivers = ", ".join(f"{name} {money(cost)}" for name, cost in check.drivers if cost)
        driven = f"; largest: {drivers}" if drivers and check.scope != "function_component" else ""
        if check.status == "over":
            lines.append(
                f"over budget: {check.label} is {money(check.actual)}, {_excess(-check.headroom)} over its "
                f"limit of {money(check.limit)}{driven}"
            )
        else:
            share = check.actual / check.limit * 100 if check.limit else Decimal(0)
            lines.append(
                f"near budget: {check.label} is {money(check.actual)}, {share:.0f}% of its limit of "
                f"{money(check.limit)} (warning at {percent(check.warn_at)}){driven}"
            )
    return lines


def _excess(amount: Decimal) -> str:
    """How far over a limit: limits compare exact figures, so an excess may be too small to show in cents."""
    shown = money(amount)
    return "less than $0.01" if shown == money(ZERO) else shown
