"""The gate: budgets and diff's --max-increase to a verdict, the messages it prints, and its exit code."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from lambda_cost.errors import InputError, Problem
from lambda_cost.model.budget import Budget, FunctionBudget
from lambda_cost.model.estimate import FileSubtotal
from lambda_cost.model.priced import LineItem, PricedFunction, component_group
from lambda_cost.model.verdict import BudgetCheck, BudgetReport, Change, DiffReport, Gate
from lambda_cost.numbers import ZERO, dollars, exact_sum, money, percent, readable, too_large, too_large_message

if TYPE_CHECKING:
    # Loaded where reconcile's gates are judged, not here: its dataclasses would cost every estimate ~40 M
    # instructions at start-up.
    from lambda_cost.model.reconcile import MaxGap, Reconciliation

_DRIVERS_SHOWN = 3


def evaluate(
    functions: tuple[PricedFunction, ...],
    total: Decimal,
    budget: Budget | None,
    total_override: Decimal | None,
    credit: Sequence[LineItem] = (),
) -> BudgetReport | None:
    """Check the workload's budgets (`--budget` replaces its monthly total); None when there are none.

    `total` is the grand total: Lambda and the related charges it causes, what the account pays, net of the
    free-tier `credit`. A function's limits hold its gross figures (the free tier is the account's); a component
    across the workload is net of the credit's part in it, as the total is.
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
    credited = _group_costs_of(credit)
    for group, group_limit in budget.components.items():
        shares = {n: groups.get(group, ZERO) for n, groups in zip(labels, by_group, strict=True)}
        actual = exact_sum([*shares.values(), credited.get(group, ZERO)])
        checks.append(check("component", group, group_limit, actual, shares))
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
    return _group_costs_of((*function.line_items, *function.related_items))


def _group_costs_of(items: Sequence[LineItem]) -> dict[str, Decimal]:
    costs: dict[str, list[Decimal]] = defaultdict(list)
    for item in items:
        costs[component_group(item.component)].append(item.cost)
    return {group: exact_sum(values) for group, values in costs.items()}


def budget_messages(report: BudgetReport) -> list[str]:
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


def file_checks(subtotal: FileSubtotal, part: tuple[PricedFunction, ...], budget: Budget | None) -> list[BudgetCheck]:
    """A file's own budgets, on its own functions: its total is the file's subtotal (with related charges)."""
    if budget is None:
        return []
    label = subtotal.prefix
    qualified = budget.model_copy(update={"functions": {f"{label}/{name}": spec
                                                        for name, spec in budget.functions.items()}})
    report = evaluate(part, subtotal.grand_total, qualified, None)
    assert report is not None
    return [_qualified(check, label) for check in report.checks]


def _qualified(check: BudgetCheck, label: str) -> BudgetCheck:
    """A file's check named for its file: its total is `file LABEL`, a component `LABEL/requests`.

    Its function budgets already name `LABEL/api`; two files limiting one component must not read alike.
    """
    if check.scope == "total":
        return check.replace(scope="file", name=label)
    if check.scope == "component":
        return check.replace(name=f"{label}/{check.name}")
    return check


def increase_gate(total: Change, max_increase: str | None) -> Gate | None:
    """`diff --max-increase`: USD or a percentage of the base total; None without the option."""
    if max_increase is None:
        return None
    text = max_increase.strip()
    percent = text.endswith("%")
    limit = dollars(text.removesuffix("%"))
    if limit is None:
        raise InputError(
            f"--max-increase takes US dollars (50) or a percentage of the base total (10%); not {max_increase!r}"
        )
    if too_large(limit):
        raise InputError(f"--max-increase {too_large_message(max_increase)}")
    if percent:
        # From a base of zero any increase is an infinite percentage.
        exceeded = total.change > 0 if total.percent is None else total.percent > limit
    else:
        exceeded = total.change > limit
    return Gate(limit, percent, exceeded)


def gate_messages(report: DiffReport) -> list[str]:
    """Lines for people (stderr) when a diff is over its --max-increase."""
    if report.gate is None or not report.gate.exceeded:
        return []
    return [f"over the gate: the total rises by {money(report.total.change)}, more than "
            f"--max-increase {report.gate.describe()}"]


def parse_max_gaps(texts: Sequence[str], components: Sequence[str]) -> list[MaxGap]:
    """--max-gap 10% | $50 | COMPONENT=10% | COMPONENT=$5, repeatable; every bad one is a problem."""
    from lambda_cost.model.reconcile import TOTAL, MaxGap

    names = list(components)
    gates: list[MaxGap] = []
    problems: list[Problem] = []
    for text in texts:
        target, equals, limit_text = text.partition("=")
        target = target.strip() if equals else TOTAL
        limit_text = limit_text if equals else text
        if equals and target not in names:
            problems.append(Problem(f"--max-gap {text}: no component {target!r}",
                                    hint=f"components: {', '.join(names)}"))
            continue
        stripped = limit_text.strip()
        percent = stripped.endswith("%")
        limit = dollars(stripped.removesuffix("%"))
        if limit is None:
            problems.append(Problem(f"--max-gap {text}: not US dollars (50, $50) nor a percentage of the estimate "
                                    "(10%)", hint="e.g. --max-gap 10% or --max-gap duration=$5"))
            continue
        if too_large(limit):
            problems.append(Problem(f"--max-gap {too_large_message(text)}"))
            continue
        gates.append(MaxGap(target, limit, percent))
    if problems:
        raise InputError("--max-gap cannot be read", problems=problems)
    return gates


def gap_gates(report: Reconciliation, gates: Sequence[MaxGap]) -> Reconciliation:
    """The reconciliation with each --max-gap judged: the gap of the total, or of a component's members."""
    return dataclasses.replace(report, gates=tuple(_checked(gate, report) for gate in gates))


def _checked(gate: MaxGap, report: Reconciliation) -> MaxGap:
    from lambda_cost.model.reconcile import TOTAL, MaxGap, Side

    if gate.target == TOTAL:
        return MaxGap(gate.target, gate.limit, gate.percent, report.billed_total, report.estimated_total)
    members = dict(report.groups).get(gate.target, (gate.target,))
    sides = {name: (billed, estimated) for name, billed, estimated in report.components}
    chosen = [sides.get(name, (Side(), Side())) for name in members]
    return MaxGap(gate.target, gate.limit, gate.percent, exact_sum(s[0].cost for s in chosen),
                  exact_sum(s[1].cost for s in chosen))


def gap_messages(report: Reconciliation) -> list[str]:
    """Lines for people (stderr): each --max-gap the gap exceeds."""
    from lambda_cost.model.reconcile import TOTAL, gap_percent

    lines = []
    for gate in report.gates:
        if gate.exceeded:
            what = "the total" if gate.target == TOTAL else f"component {gate.target}"
            share = gap_percent(gate.billed, gate.estimated)
            shown = "" if share is None else f" ({readable(share, 1)}%)"
            lines.append(f"over the gate: {what} is billed {money(gate.billed)} against {money(gate.estimated)} "
                         f"estimated, a gap of {money(gate.gap)}{shown}, beyond --max-gap {gate.describe()}")
    return lines
