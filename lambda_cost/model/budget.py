"""Pydantic schema of a workload's `budget:`: monthly limits in USD for the total, functions, components."""

# Annotations are objects, not strings (no `from __future__ import annotations`): pydantic reads every field's,
# and a string it must compile and eval, which slows every start.
from decimal import Decimal
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from lambda_cost.model.units import PositiveShare
from lambda_cost.numbers import too_large, too_large_message

# Budget components group line items: a group's cost is its line items net of their free-tier credit
# (duration covers every tier). The last three are related charges of other services.
BUDGET_COMPONENTS = (
    "requests", "async_payload_requests", "duration", "ephemeral_storage", "provisioned_concurrency",
    "provisioned_duration", "snapstart_cache", "snapstart_restore", "response_streaming", "esm_provisioned",
    "edge_requests", "edge_duration", "savings_plan", "managed_instances_ec2", "managed_instances_fee",
    "durable_operations", "durable_data_written", "durable_data_retained", "tenant_isolation",
    "microvm_vcpu", "microvm_memory", "microvm_snapshot_write", "microvm_snapshot_read", "microvm_snapshot_storage",
    "dead_letter_sqs_requests", "dead_letter_sns_requests", "cloudwatch_logs_ingestion",
)


def _within_digits(value: Decimal) -> Decimal:
    """No limit comes near MAX_DIGITS digits; 1e99999999 would overflow the gate's arithmetic."""
    if too_large(value):
        raise PydanticCustomError("number", too_large_message(str(value)))
    return value


Usd = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, description="US dollars a month"),
                AfterValidator(_within_digits)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FunctionBudget(_Strict):
    """A function's own limits: its total, and optionally its components."""

    total: Usd | None = None
    components: dict[str, Usd] = Field(default_factory=dict)


class Budget(_Strict):
    """Monthly limits. Over a limit: exit code 1. At `warn_at` of a limit: a warning, exit code 0."""

    total: Usd | None = Field(default=None, description="the workload's monthly total")
    warn_at: PositiveShare = Field(default=Decimal("0.8"), description="warn at this share of a limit (0.8 or 80%)")
    functions: dict[str, Union[Usd, FunctionBudget]] = Field(
        default_factory=dict, description="per function: a total in USD, or {total, components}"
    )
    components: dict[str, Usd] = Field(
        default_factory=dict, description=f"per component across the workload: {', '.join(BUDGET_COMPONENTS)}"
    )
