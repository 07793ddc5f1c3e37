"""Several workload files priced as one AWS account: one free tier, shared tiers, a subtotal per file."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import PurePath

from .errors import InputError, PricingError, Problem
from .expand import FunctionUsage
from .numbers import exact_sum
from .pipeline import Expanded, estimate_source, expand_source, where
from .price import price
from .report import Estimate, EstimateWarning, FileSubtotal, build_estimate
from .tables import TableCatalog
from .whatif import Assignment, apply, editor


def prefixes(names: list[str]) -> list[str]:
    """How each file qualifies its function names: its stem, or its path without suffix if stems repeat."""
    stems = [PurePath(name).stem for name in names]
    counts = Counter(stems)
    return [stem if counts[stem] == 1 else str(PurePath(name).with_suffix("")) for stem, name in zip(
        stems, names, strict=True)]


def estimate_workloads(
    paths: list[str],
    *,
    pricing: str | None = None,
    free_tier: bool | None = None,
    assignments: list[Assignment] | None = None,
) -> Estimate:
    """One file: the plain estimate. Several: one account, functions named FILE-STEM/NAME."""
    from .load import read_source

    assignments = assignments or []
    if len(paths) == 1:
        return estimate_source(read_source(paths[0]), pricing=pricing, free_tier=free_tier, edit=editor(assignments))
    catalog = TableCatalog()
    applied: set[str] = set()

    def edit(data: object) -> object:
        # With several files an assignment applies to every file where its path exists.
        for assignment in assignments:
            try:
                apply(data, [assignment])
                applied.add(assignment.text)
            except InputError:
                pass
        return data

    expanded: list[Expanded] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            expanded.append(expand_source(read_source(path), pricing=pricing, free_tier=free_tier,
                                          catalog=catalog, edit=edit))
        except InputError as error:
            problems += error.problems or [Problem(error.message, hint=error.hint)]
    if problems:
        raise InputError(f"{len(paths)} workloads: problems in the files", problems=problems)
    missing = [a.text for a in assignments if a.text not in applied]
    if missing:
        raise InputError(f"--set {missing[0]!r}: no file has that path", hint="check the function name")
    return _one_account(expanded, pricing is not None, free_tier is not None)


def _one_account(expanded: list[Expanded], pricing_given: bool, free_tier_given: bool) -> Estimate:
    versions = sorted({e.resolved.version for e in expanded})
    if len(versions) > 1 and not pricing_given:
        named = ", ".join(f"{e.source.name}: {e.resolved.version}" for e in expanded)
        raise PricingError(f"the files are priced with different pricing versions ({named})",
                           hint="one account has one price list: give --pricing VERSION")
    if len({e.free_tier for e in expanded}) > 1 and not free_tier_given:
        raise InputError("the files disagree on free_tier, and an account has one free tier",
                         hint="give --free-tier or --no-free-tier")
    labels = prefixes([e.source.name for e in expanded])
    usages: list[FunctionUsage] = []
    for label, item in zip(labels, expanded, strict=True):
        for usage in item.usages:
            usages.append(dataclasses.replace(
                usage, function=dataclasses.replace(usage.function, name=f"{label}/{usage.function.name}")))
    resolved = expanded[0].resolved
    priced, free_tier_use = price(usages, resolved, expanded[0].free_tier)
    subtotals = []
    start = 0
    for label, item in zip(labels, expanded, strict=True):
        part = priced[start:start + len(item.usages)]
        start += len(item.usages)
        subtotals.append(FileSubtotal(item.source.name, label, len(part), exact_sum(f.total for f in part)))
    regions = sorted({e.default_region for e in expanded})
    estimate = build_estimate(
        workload_name=", ".join(e.source.name for e in expanded),
        default_region=", ".join(regions),
        resolved=resolved,
        free_tier=free_tier_use,
        functions=priced,
        warnings=[EstimateWarning(p.message, where(p)) for e in expanded for p in e.warnings],
    )
    return dataclasses.replace(estimate, files=tuple(subtotals))
