"""The stages, in the order data flows through them; this module runs them for one workload source.

    load      YAML text to plain data (positions only when an error must be located)      stages/load.py
              a large file read by a second process while this one goes on                stages/readahead.py
    edit      --set and compare's --vary change the plain data                              stages/edit.py
    validate  plain data to the pydantic Workload, every problem located                   stages/validate.py
    expand    invocation types and retries to billable attempts (routing: versions, aliases) stages/expand.py
    fit       whether the chosen price table can price that usage                          stages/fit.py
    meter     the dimensions beyond requests and duration, in billing units                stages/meter.py
    modes     Managed Instances, durable functions, tenant isolation: units and line items stages/modes.py
    price     usage × table: tiers, the free tier, related charges, Decimal                 stages/price.py
    report    one Estimate object                                                           stages/report.py
    gate      budgets (and diff's --max-increase) to a verdict and an exit code             stages/gate.py

A stage imports only earlier stages, the model (lambda_cost.model) and the tables (lambda_cost.tables); the
renderers (lambda_cost.render) come after every stage and never compute. Several files priced as one account run
the same stages (stages/account.py), and diff compares two estimates (stages/diff.py). The stages are imported
when first used, so that a command pays only for the stages it runs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from lambda_cost.errors import InputError, PricingError, Problem
from lambda_cost.model.value import Value

if TYPE_CHECKING:
    from lambda_cost.model.budget import Budget
    from lambda_cost.model.estimate import Estimate
    from lambda_cost.model.usage import FunctionUsage
    from lambda_cost.model.workload import FreeTier
    from lambda_cost.stages.edit import Edit
    from lambda_cost.stages.load import Source
    from lambda_cost.stages.readahead import ReadAhead
    from lambda_cost.tables.catalog import ResolvedTable, TableCatalog

LOCATE_WARNINGS_UP_TO = 1024 * 1024  # characters of YAML


class Expanded(Value):
    """One workload checked against its pricing table and expanded to usages, ready to price."""

    __slots__ = (
        "budget",
        "default_region",
        "free_tier",
        "resolved",
        "savings_discount",
        "source",
        "usages",
        "warnings",
    )

    def __init__(
        self,
        source: Source,
        usages: list[FunctionUsage],
        resolved: ResolvedTable,
        free_tier: FreeTier | None,
        default_region: str,
        warnings: list[Problem],
        budget: Budget | None,
        savings_discount: Decimal | None,
    ) -> None:
        self.source = source
        self.usages = usages
        self.resolved = resolved
        self.free_tier = free_tier  # None: off
        self.default_region = default_region
        self.warnings = warnings  # located where the file is small enough
        self.budget = budget
        self.savings_discount = savings_discount


def expand_source(
    source: Source,
    *,
    pricing: str | None = None,
    as_of: dt.date | None = None,
    free_tier: bool | None = None,
    catalog: TableCatalog | None = None,
    edit: Edit | None = None,
) -> Expanded:
    """Every check short of pricing: schema, cross-field, the choice of table, expansion, the table's limits.

    `pricing` or `as_of` (the command line's) replace the workload's choice of table, `free_tier` its free
    tier; `edit` changes the parsed data before validation (the command line's --set), and a problem in what
    it changed names the option that changed it.
    """
    from lambda_cost.stages.readahead import ReadAgain, read_ahead
    from lambda_cost.tables.catalog import TableCatalog

    catalog = catalog or TableCatalog()
    try:
        # A large file is read by a second process while this one validates and expands it (not with --set,
        # which changes the whole document first).
        reader = read_ahead(source) if edit is None else None
        if reader is not None:
            with reader:
                try:
                    return _expand(source, pricing, as_of, free_tier, catalog, edit, reader)
                except ReadAgain:
                    pass  # read again, below, in this process
        return _expand(source, pricing, as_of, free_tier, catalog, edit, None)
    except InputError as error:
        if edit is not None:
            error.problems = edit.blame(error.problems)
        raise


def _expand(source: Source, pricing: str | None, as_of: dt.date | None, free_tier: bool | None,
            catalog: TableCatalog, edit: Edit | None, reader: ReadAhead | None) -> Expanded:
    """Every stage up to pricing, each on what the stages before it could make of the file: a problem found in
    one stage does not hide those of the next. The file is refused once, with all of them, in file order.

    `reader`, when given, is reading the file in another process (stages/readahead.py).
    """
    from lambda_cost.stages.expand import Expander
    from lambda_cost.stages.fit import check_compatible, settings_without_effect
    from lambda_cost.stages.load import parse
    from lambda_cost.stages.validate import WorkloadCheck, locate_problems, refusal

    # YAML that cannot be read has no later stage: a streamed file's error stops the validation wherever it is.
    if reader is not None and reader.whole is None:
        check = WorkloadCheck({**reader.top, "functions": []}, source, reader.functions())
    else:
        data = reader.whole if reader is not None else parse(source)
        check = WorkloadCheck(edit(data) if edit else data, source)
    # Each function is expanded as soon as it is valid and its model let go: a large workload's models are never
    # all in memory at once.
    expander = Expander(check.top)
    for index, function in check.functions():
        expander.add(function, index)
    checked = check.finish([], [])
    workload = checked.workload
    table_problems: list[Problem] = []
    resolved = None
    if pricing is not None or as_of is not None:
        resolved = catalog.select(pricing, as_of)  # the command line's choice: its problem is not the file's
    elif not {"pricing", "as_of"} & checked.invalid_keys:
        try:
            resolved = catalog.select(workload.pricing, workload.as_of)
        except PricingError as error:
            field = "pricing" if workload.pricing is not None else "as_of"
            table_problems.append(Problem(error.message, (field,), error.hint))
    use_free_tier = workload.free_tier_setting(free_tier)
    default_region, budget = workload.region, workload.budget
    savings_discount = workload.savings_plan.discount if workload.savings_plan else None
    expansion = expander.finish()
    if resolved is not None:
        table_problems += check_compatible(expansion.usages, resolved, catalog)
    problems = [*checked.problems, *expansion.problems]
    if problems or table_problems:
        raise refusal(source, problems, table_problems)
    assert resolved is not None  # no table problem: the table was chosen
    said = [*expansion.warnings, *settings_without_effect(expansion.usages, resolved, catalog)]
    warnings = [Problem(w.message, w.path, w.hint, file=source.name) for w in said]
    # Lines and columns need a second, slower read of the YAML; a generated workload of many megabytes is
    # told its warnings by field path only, so that the happy path stays fast.
    if warnings and len(source.text) <= LOCATE_WARNINGS_UP_TO:
        warnings = locate_problems(warnings, source)
    return Expanded(source, expansion.usages, resolved, use_free_tier, default_region, warnings, budget,
                    savings_discount)


def estimate_source(
    source: Source,
    *,
    pricing: str | None = None,
    as_of: dt.date | None = None,
    free_tier: bool | None = None,
    budget: Decimal | None = None,
    catalog: TableCatalog | None = None,
    edit: Edit | None = None,
) -> Estimate:
    """Price one workload. The options replace the workload's own choices; `budget` its monthly total."""
    from lambda_cost.stages.gate import evaluate
    from lambda_cost.stages.price import price
    from lambda_cost.stages.report import build_estimate

    expanded = expand_source(source, pricing=pricing, as_of=as_of, free_tier=free_tier, catalog=catalog, edit=edit)
    priced, free_tier_use = price(
        expanded.usages, expanded.resolved, expanded.free_tier, expanded.savings_discount or Decimal(0)
    )
    estimate = build_estimate(
        workload_name=source.name,
        default_region=expanded.default_region,
        resolved=expanded.resolved,
        free_tier=free_tier_use,
        functions=priced,
        warnings=list(expanded.warnings),
        savings_discount=expanded.savings_discount,
    )
    verdict = evaluate(estimate.functions, estimate.grand_total, expanded.budget, budget, free_tier_use.items)
    return estimate.replace(budget=verdict) if verdict else estimate
