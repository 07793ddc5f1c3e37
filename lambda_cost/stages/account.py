"""Several workload files priced as one AWS account: one free tier, shared tiers, a subtotal per file."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING

from lambda_cost.errors import InputError, PricingError, Problem
from lambda_cost.model.budget import Budget
from lambda_cost.model.estimate import Estimate, FileSubtotal
from lambda_cost.model.usage import FunctionUsage
from lambda_cost.model.verdict import BudgetCheck, BudgetReport
from lambda_cost.model.workload import FREE_TIER_COMPONENTS, FreeTier
from lambda_cost.numbers import exact_sum, percent
from lambda_cost.stages import Expanded, estimate_source, expand_source
from lambda_cost.stages.gate import evaluate, file_checks
from lambda_cost.stages.load import refuse_stdin_twice
from lambda_cost.stages.price import price
from lambda_cost.stages.report import build_estimate
from lambda_cost.tables.catalog import TableCatalog

if TYPE_CHECKING:
    from lambda_cost.stages.edit import Assignment


def prefixes(names: list[str]) -> list[str]:
    """How each file qualifies its function names: its stem, or its path without suffix if stems repeat."""
    stems = [PurePath(name).stem for name in names]
    counts = Counter(stems)
    labels = [stem if counts[stem] == 1 else str(PurePath(name).with_suffix("")) for stem, name in zip(
        stems, names, strict=True)]
    repeated = Counter(labels)  # a.yaml and a.yml: only the suffix tells them apart
    return [label if repeated[label] == 1 else str(PurePath(name)) for label, name in zip(labels, names, strict=True)]


def _refuse_repeated_files(paths: list[str]) -> None:
    """The same file twice (an overlapping glob) would price it twice, under the same names."""
    refuse_stdin_twice(paths)
    seen: dict[str, str] = {}
    for path in paths:
        if path == "-":
            continue
        key = os.path.realpath(path)
        if key in seen:
            raise InputError(f"{path} is the same file as {seen[key]}: each file is one part of the account",
                             hint="give each workload file once")
        seen[key] = path


def estimate_workloads(
    paths: list[str],
    *,
    pricing: str | None = None,
    as_of: dt.date | None = None,
    free_tier: bool | None = None,
    budget: Decimal | None = None,
    catalog: TableCatalog | None = None,
    assignments: list[Assignment] | None = None,
) -> Estimate:
    """One file: the plain estimate. Several: one account, functions named FILE-STEM/NAME.

    `budget` (the command line's) is the monthly limit of the whole account; each file's own budgets apply to
    its functions, and its `total` to its subtotal.
    """
    from lambda_cost.stages.load import read_source

    # The edit stage is loaded only when it has work (--set, or several files): a plain run never needs it.
    assignments = assignments or []
    catalog = catalog or TableCatalog()
    if len(paths) == 1:
        one_edit = None
        if assignments:
            from lambda_cost.stages.edit import Edit

            one_edit = Edit(assignments)
        return estimate_source(read_source(paths[0]), pricing=pricing, as_of=as_of, free_tier=free_tier,
                               budget=budget, catalog=catalog, edit=one_edit)
    from lambda_cost.stages.edit import Edit

    _refuse_repeated_files(paths)
    edit = Edit(assignments, lenient=True)  # with several files an assignment applies where its path exists
    expanded: list[Expanded] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            expanded.append(expand_source(read_source(path), pricing=pricing, as_of=as_of, free_tier=free_tier,
                                          catalog=catalog, edit=edit))
        except InputError as error:
            problems += error.problems or [Problem(error.message, hint=error.hint)]
    if problems:
        raise InputError(f"{len(paths)} workloads: problems in the files", problems=problems)
    missing = next((a for a in assignments if a.text not in edit.applied), None)
    if missing is not None:
        raise InputError(f"{missing.option} {missing.text!r}: no file has that path",
                         hint=edit.misses[missing.text].hint)
    return _one_account(expanded, pricing is not None or as_of is not None, budget)


def _one_account(expanded: list[Expanded], pricing_given: bool, budget: Decimal | None) -> Estimate:
    versions = sorted({e.resolved.version for e in expanded})
    if len(versions) > 1 and not pricing_given:
        named = ", ".join(f"{e.source.name}: {e.resolved.version}" for e in expanded)
        raise PricingError(f"the files are priced with different pricing versions ({named})",
                           hint="one account has one price list: give --pricing VERSION")
    if len({e.free_tier for e in expanded}) > 1:  # after --[no-]free-tier, which sets every file's
        named = ", ".join(f"{e.source.name}: {_free_tier_text(e.free_tier)}" for e in expanded)
        raise InputError(f"the files disagree on free_tier ({named}), and an account has one free tier",
                         hint="give every file the same free_tier, or give --free-tier or --no-free-tier")
    if len({e.savings_discount for e in expanded}) > 1:
        named = ", ".join(f"{e.source.name}: {'none' if e.savings_discount is None else percent(e.savings_discount)}"
                          for e in expanded)
        raise InputError(f"the files disagree on savings_plan ({named}), and an account has one Compute Savings Plan",
                         hint="give every file the same savings_plan, or none")
    labels = prefixes([e.source.name for e in expanded])
    usages: list[FunctionUsage] = []
    for label, item in zip(labels, expanded, strict=True):
        for usage in item.usages:
            usages.append(usage.replace(function=usage.function.replace(name=f"{label}/{usage.function.name}")))
    resolved = expanded[0].resolved
    savings_discount = expanded[0].savings_discount
    priced, free_tier_use = price(usages, resolved, expanded[0].free_tier, savings_discount or Decimal(0))
    subtotals = []
    checks: list[BudgetCheck] = []
    start = 0
    for label, item in zip(labels, expanded, strict=True):
        part = tuple(priced[start:start + len(item.usages)])
        start += len(item.usages)
        subtotal = FileSubtotal(item.source.name, label, len(part), exact_sum(f.total for f in part),
                                exact_sum(f.related_total for f in part))
        subtotals.append(subtotal)
        checks += file_checks(subtotal, part, item.budget)
    regions = sorted({e.default_region for e in expanded})
    estimate = build_estimate(
        workload_name=", ".join(e.source.name for e in expanded),
        default_region=", ".join(regions),
        resolved=resolved,
        free_tier=free_tier_use,
        functions=priced,
        warnings=[p for e in expanded for p in e.warnings],
        savings_discount=savings_discount,
    )
    warn_at = _account_warn_at(expanded)
    if budget is not None:  # --budget: the account's monthly total
        account = evaluate(estimate.functions, estimate.grand_total, Budget(warn_at=warn_at), budget,
                           free_tier_use.items)
        assert account is not None
        checks = [*account.checks, *checks]
    verdict = BudgetReport(warn_at, tuple(checks))
    return estimate.replace(files=tuple(subtotals), budget=verdict if checks else None)


def _free_tier_text(setting: FreeTier | None) -> str:
    if setting is None:
        return "off"
    used = setting.used_elsewhere
    parts = [f"{name} {'exhausted' if used.elsewhere(name) is None else used.elsewhere(name)}"
             for name in FREE_TIER_COMPONENTS if used.elsewhere(name) != 0]
    return f"used elsewhere: {', '.join(parts)}" if parts else "on"


def _account_warn_at(expanded: list[Expanded]) -> Decimal:
    """Where the account's own limit (--budget) warns: at the share the files' budgets agree on, else 80%.

    No file owns the account's limit, so no single file's `warn_at` may decide it.
    """
    shares = {e.budget.warn_at for e in expanded if e.budget is not None}
    return shares.pop() if len(shares) == 1 else Budget().warn_at


