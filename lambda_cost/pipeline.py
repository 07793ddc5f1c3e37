"""The stages in order: load → model → expand → price → report, for one workload source."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from .errors import InputError, PricingError, Problem
from .expand import expand
from .gate import evaluate
from .load import Source, parse
from .price import check_compatible, price
from .report import Estimate, EstimateWarning, build_estimate
from .tables import TableCatalog
from .validate import build_workload, locate_problems

LOCATE_WARNINGS_UP_TO = 1024 * 1024  # characters of YAML


def estimate_source(
    source: Source,
    *,
    pricing: str | None = None,
    as_of: dt.date | None = None,
    free_tier: bool | None = None,
    budget: Decimal | None = None,
    catalog: TableCatalog | None = None,
) -> Estimate:
    """Price one workload.

    `pricing` or `as_of` (the command line's) replace the workload's choice of table; `free_tier` and `budget`
    (the monthly total) replace the workload's too.
    """
    catalog = catalog or TableCatalog()
    workload = build_workload(parse(source), source)
    if pricing is not None or as_of is not None:
        resolved = catalog.select(pricing, as_of)
    else:
        try:
            resolved = catalog.select(workload.pricing, workload.as_of)
        except PricingError as error:
            field = "pricing" if workload.pricing is not None else "as_of"
            error.problems = locate_problems([Problem(error.message, (field,), error.hint)], source)
            error.message, error.hint = f"{source.name}: no pricing table fits", None
            raise
    use_free_tier = workload.free_tier if free_tier is None else free_tier
    default_region = workload.region
    budgets = workload.budget
    savings_discount = workload.savings_plan.discount if workload.savings_plan else None
    try:
        usages, warnings = expand(workload)
        del workload  # the usages carry what is needed; a large workload's models can go
        check_compatible(usages, resolved, catalog)
    except InputError as error:
        error.problems = locate_problems(error.problems, source)
        raise
    priced, free_tier_use = price(usages, resolved, use_free_tier, savings_discount or Decimal(0))
    problems = [Problem(w.message, w.path, file=source.name) for w in warnings]
    # Lines and columns need a second, slower read of the YAML; a generated workload of many megabytes is
    # told its warnings by field path only, so that the happy path stays fast.
    located = locate_problems(problems, source) if problems and len(source.text) <= LOCATE_WARNINGS_UP_TO else problems
    estimate = build_estimate(
        workload_name=source.name,
        default_region=default_region,
        resolved=resolved,
        free_tier=free_tier_use,
        functions=priced,
        warnings=[EstimateWarning(p.message, _where(p)) for p in located],
        savings_discount=savings_discount,
    )
    verdict = evaluate(estimate.functions, estimate.grand_total, budgets, budget)
    return replace(estimate, budget=verdict) if verdict else estimate


def _where(problem: Problem) -> str:
    text = problem.file or ""
    if problem.line is not None:
        text += f":{problem.line}:{problem.column}"
    if problem.path:
        text += f" {problem.dotted_path}"
    return text.strip()
