"""What a bill reader returns: Lambda's line items of a bill, summed by month, usage type, region and resource."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Line item types (lineItem/LineItemType; FOCUS charge categories are read as these).
USAGE = "Usage"
SAVINGS_PLAN_COVERED = "SavingsPlanCoveredUsage"
SAVINGS_PLAN_NEGATION = "SavingsPlanNegation"
# Usage at a rate: compared component by component. Anything else (Credit, Tax, Refund, fees, discounts) is an
# adjustment, shown apart.
USAGE_TYPES = frozenset({USAGE, "DiscountedUsage", SAVINGS_PLAN_COVERED})


@dataclass(frozen=True, slots=True)
class BillGroup:
    """Line items alike in everything the comparison looks at, with their sums."""

    month: str  # YYYY-MM of the billing period
    currency: str  # "" when the bill does not say
    usage_type: str  # or a FOCUS charge description, when the export has no usage type
    line_item_type: str
    region: str | None  # the bill's region column, when it has one
    resource_id: str | None
    free: bool  # at no cost: for usage, the free tier
    usage_amount: Decimal
    cost: Decimal  # unblended: for usage a Savings Plan covers, what it would cost on demand
    effective_cost: Decimal  # what a Savings Plan made of it (SavingsPlanCoveredUsage only)
    line_items: int


@dataclass(frozen=True)
class Bill:
    """One bill, read from one or more files of one format."""

    format: str  # for people: "CUR 2.0 (Parquet)"
    files: tuple[str, ...]
    groups: tuple[BillGroup, ...]
    by_description: bool = False  # FOCUS without x_UsageType: usage_type holds the charge description
    free_tier_apart: bool = True  # Cost Explorer sums free-tier usage into its usage type: no free lines

    @property
    def line_items(self) -> int:
        return sum(group.line_items for group in self.groups)

    @property
    def has_resource_ids(self) -> bool:
        return any(group.resource_id for group in self.groups)
