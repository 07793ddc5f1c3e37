"""Workload keys of the compute and billing modes: Lambda Managed Instances, durable functions, tenant isolation."""

# Annotations are objects, not strings (no `from __future__ import annotations`), as in workload.py: pydantic
# reads every field's, and a string it must compile and eval.
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lambda_cost.errors import Problem
from lambda_cost.model.units import Count, Kilobytes

if TYPE_CHECKING:
    from lambda_cost.model.workload import Function

# EC2 on-demand prices are hourly; an instance count a month is at most this many instances.
MAX_INSTANCES = 10**6
Hours = Annotated[Decimal, Field(gt=0, le=10**12, allow_inf_nan=False)]
Share = Annotated[Decimal, Field(ge=0, lt=1, allow_inf_nan=False)]
Price = Annotated[Decimal, Field(ge=0, le=10**6, allow_inf_nan=False)]
Days = Annotated[Decimal, Field(ge=0, le=366, allow_inf_nan=False)]


class _Strict(BaseModel):
    # As the workload's models: a validator is built when first used (the Function model's includes these), not
    # when this module is imported.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ManagedInstances(_Strict):
    """Lambda Managed Instances: the function runs on EC2 instances of a capacity provider that Lambda manages."""

    instance_type: str = Field(min_length=1, max_length=30, pattern=r"^[a-z0-9][a-z0-9.\-]*$",
                               description="the capacity provider's EC2 instance type, such as m7g.xlarge")
    instance_hours: Hours | None = Field(
        default=None, description="instance-hours a month (instead of concurrency_per_instance)"
    )
    concurrency_per_instance: Annotated[Decimal, Field(gt=0, le=10**6, allow_inf_nan=False)] | None = Field(
        default=None,
        description="concurrent requests one instance serves: instances = ceil(needed concurrency / this), "
        "at least minimum_instances, all month (instead of instance_hours)",
    )
    minimum_instances: int | None = Field(
        default=None, ge=0, le=MAX_INSTANCES,
        description="the fewest instances kept running (default: the table's, 3 for Availability Zone resiliency)",
    )
    discount: Share | None = Field(
        default=None, description="a Compute Savings Plan's or Reserved Instance's discount on the EC2 price, 0..1"
    )
    hourly_price: Price | None = Field(
        default=None, description="the effective EC2 price of an instance-hour after Savings Plans or RIs (USD)"
    )

    @model_validator(mode="after")
    def _one_each(self) -> "ManagedInstances":
        if (self.instance_hours is None) == (self.concurrency_per_instance is None):
            raise ValueError("give exactly one of instance_hours, concurrency_per_instance")
        if self.discount is not None and self.hourly_price is not None:
            raise ValueError("give discount or hourly_price, not both")
        if self.minimum_instances is not None and self.instance_hours is not None:
            raise ValueError("minimum_instances goes with concurrency_per_instance: instance_hours are stated already")
        return self


class Durable(_Strict):
    """A durable function: each execution checkpoints operations, replays after waits, and keeps its data."""

    invocations_per_execution: Annotated[Decimal, Field(ge=1, le=10**6, allow_inf_nan=False)] = Field(
        default=Decimal(1),
        description="invocations an execution takes: the first, and one more per resume after a wait, "
        "callback or retry (each replays the handler)",
    )
    operations_per_execution: Annotated[Decimal, Field(ge=1, le=10**6, allow_inf_nan=False)] = Field(
        description="durable operations of one execution: its start, each step, wait, callback..."
    )
    data_written_kb_per_execution: Annotated[Kilobytes, Field(le=10**9)] = Field(
        default=Decimal(0), description="KB the operations of one execution write (payloads and results)"
    )
    execution_days: Days = Field(
        default=Decimal(0), description="days an execution runs, its waits included (its data is retained meanwhile)"
    )
    retention_days: int = Field(default=14, ge=1, le=90,
                                description="days the data is kept after the execution completes, 1..90")


class TenantIsolation(_Strict):
    """Tenant isolation mode: each tenant gets execution environments of its own, charged as each is created."""

    environments_per_month: Count | None = Field(
        default=None, description="new tenant-isolated execution environments a month"
    )
    tenants: Count | None = Field(default=None, description="tenants invoking the function a month")
    environments_per_tenant: Count | None = Field(
        default=None, description="new execution environments a tenant needs a month (with tenants)"
    )
    environment_rate: Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)] | None = Field(
        default=None, description="share (0..1) of the attempts that need a new execution environment"
    )

    @model_validator(mode="after")
    def _one_figure(self) -> "TenantIsolation":
        given = [
            self.environments_per_month is not None,
            self.tenants is not None or self.environments_per_tenant is not None,
            self.environment_rate is not None,
        ]
        if sum(given) != 1:
            raise ValueError("give exactly one of environments_per_month, tenants with environments_per_tenant, "
                             "environment_rate")
        if given[1] and (self.tenants is None or self.environments_per_tenant is None):
            raise ValueError("tenants and environments_per_tenant go together")
        return self


class MicroVm(_Strict):
    """Lambda MicroVMs: isolated VMs launched from an image snapshot, run, suspended and resumed, billed per second."""

    name: str = Field(min_length=1, max_length=140, description="a name for these MicroVMs (one row of the estimate)")
    region: str | None = Field(default=None, min_length=1, description="AWS region (default: the workload's)")
    memory_mb: int = Field(default=2048, ge=512, le=8192, description="baseline memory in MB, 512..8192; vCPUs "
                           "are memory / 2 GB (the default 2048 MB has 1 vCPU)")
    peak_memory_mb: int | None = Field(
        default=None, ge=512, le=32768,
        description="memory at peak, up to 4 × memory_mb (the table's limit; vCPUs scale with it); default memory_mb",
    )
    peak_share: Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        default=Decimal(0), description="share (0..1) of the running time spent at peak"
    )
    launches_per_month: Count = Field(description="MicroVMs launched a month (each from the image)")
    running_hours_per_launch: Annotated[Decimal, Field(gt=0, le=8, allow_inf_nan=False)] = Field(
        description="hours each runs, suspended time excluded (a MicroVM lives at most 8 hours)"
    )
    suspends_per_launch: Annotated[Decimal, Field(ge=0, le=10**6, allow_inf_nan=False)] = Field(
        default=Decimal(0), description="suspend and resume cycles of each"
    )
    suspended_hours_per_launch: Annotated[Decimal, Field(ge=0, le=8, allow_inf_nan=False)] = Field(
        default=Decimal(0), description="hours each spends suspended (its state stored)"
    )
    state_gb: Annotated[Decimal, Field(ge=0, le=10**6, allow_inf_nan=False)] = Field(
        default=Decimal(0), description="GB of memory and disk state written at each suspend and read at each resume"
    )
    image_gb: Annotated[Decimal, Field(gt=0, le=10**6, allow_inf_nan=False)] = Field(
        description="GB of the image snapshot read at each launch"
    )
    images: Annotated[Decimal, Field(ge=0, le=10**6, allow_inf_nan=False)] = Field(
        default=Decimal(1), description="images of image_gb stored all month"
    )
    image_days: Annotated[Decimal, Field(gt=0, le=31, allow_inf_nan=False)] | None = Field(
        default=None, description="days a month the images are stored (at least the minimum retention, 7 days); "
        "default: all month"
    )

    @model_validator(mode="after")
    def _peak_above_baseline(self) -> "MicroVm":
        peak = self.peak_memory_mb
        if peak is not None and peak < self.memory_mb:
            raise ValueError(f"peak_memory_mb is at least memory_mb ({self.memory_mb}), not {peak}")
        if self.suspended_hours_per_launch and not self.suspends_per_launch:
            raise ValueError("suspended_hours_per_launch needs suspends_per_launch")
        return self


# What each mode cannot be combined with, as AWS documents it: Managed Instances bill no duration, so the
# on-demand dimensions have no meaning there; tenant isolation supports neither provisioned concurrency nor
# SnapStart; Lambda@Edge is none of these.
_EXCLUDES = {
    "managed_instances": ("edge", "provisioned_concurrency", "snapstart", "tenant_isolation"),
    "tenant_isolation": ("edge", "provisioned_concurrency", "snapstart"),
    "durable": ("edge",),
}


def mode_problems(function: "Function", index: int) -> list[Problem]:
    """A mode with a key it excludes, on the function or one of its versions."""
    problems = []
    for mode, excluded in _EXCLUDES.items():
        if getattr(function, mode) is None:
            continue
        configurations = [function, *(function.versions or {}).values()]
        for key in excluded:
            if any(getattr(config, key, None) for config in configurations) or (
                key == "provisioned_concurrency" and any(
                    "provisioned_concurrency" in routes for routes in (function.aliases or {}).values())
            ):
                problems.append(Problem(
                    f"{mode.replace('_', ' ')} cannot be combined with {key.replace('_', ' ')}",
                    path=("functions", index, mode),
                    hint=f"remove {key} or {mode} (AWS bills or supports them apart)",
                ))
    return problems
