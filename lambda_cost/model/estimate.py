"""The one Estimate object every renderer reads: priced functions, the table that priced them, warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lambda_cost.errors import Problem
from lambda_cost.model.priced import FreeTierUse, PricedFunction
from lambda_cost.model.value import Value
from lambda_cost.model.verdict import BudgetReport
from lambda_cost.numbers import exact_sum


class PricingInfo(Value):
    """Which table priced the estimate, so that it can be reproduced."""

    __slots__ = ("effective", "notes", "sha256", "sources", "version")

    def __init__(
        self,
        version: str,
        effective: dt.date,
        sha256: str,
        sources: tuple[str, ...],
        notes: tuple[str, ...],
    ) -> None:
        self.version = version
        self.effective = effective
        self.sha256 = sha256
        self.sources = sources
        self.notes = notes


class FileSubtotal(Value):
    """One workload file's part of an estimate of several files priced as one account."""

    __slots__ = ("functions", "prefix", "related_total", "total", "workload")

    def __init__(
        self,
        workload: str,
        prefix: str,
        functions: int,
        total: Decimal,
        related_total: Decimal = Decimal(0),
    ) -> None:
        self.workload = workload
        self.prefix = prefix  # the qualifier of its function names: prefix/name
        self.functions = functions
        self.total = total  # its functions' gross total (the account's free-tier credit is apart)
        self.related_total = related_total  # its part of the related charges

    @property
    def grand_total(self) -> Decimal:
        """What the file's functions cost the account, as its budget counts it."""
        return exact_sum([self.total, self.related_total])


class Estimate(Value):
    """A monthly estimate of one workload, ready to render."""

    __slots__ = (
        "budget",
        "by_component",
        "default_region",
        "files",
        "free_tier",
        "functions",
        "pricing",
        "related_total",
        "savings_discount",
        "total",
        "warnings",
        "workload",
    )

    def __init__(
        self,
        workload: str,
        default_region: str,
        pricing: PricingInfo,
        free_tier: FreeTierUse,
        functions: tuple[PricedFunction, ...],
        warnings: tuple[Problem, ...],
        total: Decimal,
        related_total: Decimal = Decimal(0),
        savings_discount: Decimal | None = None,
        budget: BudgetReport | None = None,
        files: tuple[FileSubtotal, ...] = (),
        by_component: tuple[tuple[str, Decimal], ...] = (),
    ) -> None:
        self.workload = workload
        self.default_region = default_region
        self.pricing = pricing
        self.free_tier = free_tier
        self.functions = functions
        self.warnings = warnings  # located in the workload files where they are small enough
        # the Lambda total: the exact sum of the functions' gross totals and the free tier's credit
        self.total = total
        self.related_total = related_total  # charges of other services the invocations cause (dead letters, logs)
        self.savings_discount = savings_discount
        self.budget = budget
        self.files = files  # several files priced as one account; empty for one file
        self.by_component = by_component

    @property
    def grand_total(self) -> Decimal:
        """Lambda and related charges together."""
        return exact_sum([self.total, self.related_total])
