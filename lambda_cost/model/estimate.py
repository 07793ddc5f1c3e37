"""The one Estimate object every renderer reads: priced functions, the table that priced them, warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.errors import Problem
from lambda_cost.model.priced import FreeTierUse, PricedFunction
from lambda_cost.model.verdict import BudgetReport
from lambda_cost.numbers import exact_sum


@dataclass(frozen=True)
class PricingInfo:
    """Which table priced the estimate, so that it can be reproduced."""

    version: str
    effective: dt.date
    sha256: str
    sources: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FileSubtotal:
    """One workload file's part of an estimate of several files priced as one account."""

    workload: str
    prefix: str  # the qualifier of its function names: prefix/name
    functions: int
    total: Decimal  # its part of the Lambda total
    related_total: Decimal = Decimal(0)  # its part of the related charges

    @property
    def grand_total(self) -> Decimal:
        """What the file's functions cost the account, as its budget counts it."""
        return exact_sum([self.total, self.related_total])


@dataclass(frozen=True)
class Estimate:
    """A monthly estimate of one workload, ready to render."""

    workload: str
    default_region: str
    pricing: PricingInfo
    free_tier: FreeTierUse
    functions: tuple[PricedFunction, ...]
    warnings: tuple[Problem, ...]  # located in the workload files where they are small enough
    total: Decimal  # the exact sum of the function totals: the Lambda total
    related_total: Decimal = Decimal(0)  # charges of other services the invocations cause (dead letters, logs)
    savings_discount: Decimal | None = None
    budget: BudgetReport | None = None
    files: tuple[FileSubtotal, ...] = ()  # several files priced as one account; empty for one file
    # Lambda's cost per component (component_group: tiers and free-tier credits joined), in order of appearance.
    by_component: tuple[tuple[str, Decimal], ...] = ()

    @property
    def grand_total(self) -> Decimal:
        """Lambda and related charges together."""
        return exact_sum([self.total, self.related_total])
