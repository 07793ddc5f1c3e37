"""The one Estimate object every renderer reads: priced functions, assumptions, retries, warnings."""

from __future__ import annotations

from decimal import Decimal

from lambda_cost.errors import Problem
from lambda_cost.model.estimate import Estimate, PricingInfo
from lambda_cost.model.priced import FreeTierUse, PricedFunction, component_group
from lambda_cost.numbers import exact_sum
from lambda_cost.tables.catalog import ResolvedTable

# 2: functions are gross and the free tier is one account-level credit (`free_tier.line_items`); 1 spread the
# credit over the functions as free_tier_* line items (diff and reconcile still read it).
SCHEMA_VERSION = 2


def build_estimate(
    workload_name: str,
    default_region: str,
    resolved: ResolvedTable,
    free_tier: FreeTierUse,
    functions: list[PricedFunction],
    warnings: list[Problem],
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
        total=exact_sum([*(function.total for function in functions), free_tier.total]),
        related_total=exact_sum([function.related_total for function in functions]),
        savings_discount=savings_discount,
        by_component=_by_component(functions, free_tier),
    )


def _by_component(functions: list[PricedFunction], free_tier: FreeTierUse) -> tuple[tuple[str, Decimal], ...]:
    """Lambda's line items added up per component (net of the free-tier credit), in the order components first
    appear."""
    grouped: dict[str, list[Decimal]] = {}
    for priced in functions:
        for item in priced.line_items:
            grouped.setdefault(component_group(item.component), []).append(item.cost)
    for credit in free_tier.items:
        grouped.setdefault(component_group(credit.component), []).append(credit.cost)
    return tuple((component, exact_sum(costs)) for component, costs in grouped.items())
