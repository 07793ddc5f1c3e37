"""The one Estimate object every renderer reads: priced functions, assumptions, retries, warnings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.numbers import exact_sum
from lambda_cost.stages.gate import BudgetReport
from lambda_cost.stages.price import FreeTierUse, PricedFunction
from lambda_cost.tables.catalog import ResolvedTable

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PricingInfo:
    """Which table priced the estimate, so that it can be reproduced."""

    version: str
    effective: dt.date
    sha256: str
    sources: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class EstimateWarning:
    """A warning located in the workload file."""

    message: str
    where: str  # file:line:column field.path, or empty


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
    warnings: tuple[EstimateWarning, ...]
    total: Decimal  # the exact sum of the function totals: the Lambda total
    related_total: Decimal = Decimal(0)  # charges of other services the invocations cause (dead letters, logs)
    savings_discount: Decimal | None = None
    budget: BudgetReport | None = None
    files: tuple[FileSubtotal, ...] = ()  # several files priced as one account; empty for one file

    @property
    def grand_total(self) -> Decimal:
        """Lambda and related charges together."""
        return exact_sum([self.total, self.related_total])


def build_estimate(
    workload_name: str,
    default_region: str,
    resolved: ResolvedTable,
    free_tier: FreeTierUse,
    functions: list[PricedFunction],
    warnings: list[EstimateWarning],
    savings_discount: Decimal | None = None,
) -> Estimate:
    """Assemble the estimate from the priced functions and the table that priced them."""
    table = resolved.table
    info = PricingInfo(
        version=table.version,
        effective=table.effective,
        sha256=resolved.sha256,
        sources=tuple(source.url for source in table.sources),
        notes=table.notes,
    )
    return Estimate(
        workload=workload_name,
        default_region=default_region,
        pricing=info,
        free_tier=free_tier,
        functions=tuple(functions),
        warnings=tuple(warnings),
        total=exact_sum([function.total for function in functions]),
        related_total=exact_sum([function.related_total for function in functions]),
        savings_discount=savings_discount,
    )
