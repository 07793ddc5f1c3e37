"""Pydantic schema of one resolved pricing table: rates, billing rules, free tier, provenance."""

# Annotations are objects, not strings (no `from __future__ import annotations`): pydantic reads every field's,
# and a string it must compile and eval, which slows every start.
import datetime as dt
import re
from decimal import Context, Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

Architecture = Literal["x86_64", "arm64"]
ARCHITECTURES: tuple[Architecture, ...] = ("x86_64", "arm64")
# How a function is packaged, for the INIT billing rule: a ZIP on a managed runtime, a custom runtime, an image.
PackageKind = Literal["zip_managed", "custom_runtime", "image"]
# Runtime families (the runtime identifier without its version), as SnapStart rules name them.
RuntimeFamily = Literal["java", "python", "dotnet", "nodejs", "ruby", "go", "custom"]
EdgeTriggerKind = Literal["viewer", "origin"]

# A table's amounts are far inside these bounds (its smallest rate is 3.09e-8, its largest allowance 1.9e10); beyond
# them a number is a typo, and 1e999999 would overflow the arithmetic of every estimate and 1e-999999 print a
# million digits.
SMALLEST, LARGEST, MOST_DIGITS = Decimal("1e-18"), Decimal("1e18"), 60


_DIGITS = Context(prec=MOST_DIGITS)


def fits_a_table(value: Decimal) -> bool:
    """Whether an amount is one a price table can hold: 0, or 10^-18 to 10^18 with at most MOST_DIGITS digits."""
    # Rounding to MOST_DIGITS changes only a number with more (and costs less than counting its digits).
    return not value or (SMALLEST <= value < LARGEST and _DIGITS.plus(value) == value)


def _plausible(value: Decimal) -> Decimal:
    if not fits_a_table(value):
        shown = str(value) if len(str(value)) <= 24 else str(value)[:20] + "…"
        raise PydanticCustomError(
            "amount", "{shown} is out of range: a price table's amounts are 0 or between 10^-18 and 10^18, with at "
            "most 60 significant digits", {"shown": shown})
    return value


NonNegativeDecimal = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(_plausible)]
PositiveInt = Annotated[int, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """Where a figure in the table comes from."""

    title: str
    url: str
    accessed: dt.date | None = None


class Range(_Strict):
    """An inclusive range of configurable megabytes, in steps."""

    min: PositiveInt
    max: PositiveInt
    step: PositiveInt = 1

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class EdgeLimit(_Strict):
    """What a Lambda@Edge function of one trigger kind may be configured with."""

    max_memory_mb: PositiveInt
    max_duration_ms: PositiveInt


class AsyncPayload(_Strict):
    """Asynchronous events: the first base_kb are one request, each further chunk_kb one more, up to max_kb."""

    base_kb: PositiveInt
    chunk_kb: PositiveInt
    max_kb: PositiveInt


class ManagedInstancesRules(_Strict):
    """Lambda Managed Instances: the management fee on the EC2 on-demand price, and the instances kept running."""

    management_fee_share: Annotated[Decimal, Field(ge=0, le=10, allow_inf_nan=False)]
    minimum_instances: int = Field(ge=0, description="instances Lambda keeps by default (Availability Zone resiliency)")


class DurableRules(_Strict):
    """Durable functions: how data retained is prorated into GB-months, and how KB make a GB."""

    days_per_month: PositiveInt
    kb_per_gb: PositiveInt


class MicroVmRules(_Strict):
    """Lambda MicroVMs: vCPUs per GB of memory, how far a MicroVM scales up, and how storage is prorated."""

    gb_per_vcpu: PositiveInt
    max_peak_multiple: PositiveInt
    storage_hours_per_month: PositiveInt
    image_minimum_days: PositiveInt


class MicroVmRates(_Strict):
    """Lambda MicroVMs: compute per second, snapshot data written and read, snapshots stored."""

    vcpu_second: NonNegativeDecimal
    gb_second: NonNegativeDecimal
    snapshot_write_per_gb: NonNegativeDecimal
    snapshot_read_per_gb: NonNegativeDecimal
    snapshot_storage_per_gb_month: NonNegativeDecimal


class Billing(_Strict):
    """Billing rules in force for this version: granularity and what can be configured."""

    duration_granularity_ms: PositiveInt
    architectures: tuple[Architecture, ...]
    memory_mb: Range
    ephemeral_storage_mb: Range
    # Ephemeral storage up to this size is included in the price of duration.
    ephemeral_storage_included_mb: PositiveInt = 512
    # Every rule below is optional: None means the version predates the dimension it governs.
    init_billed: tuple[PackageKind, ...] | None = Field(
        default=None, description="package kinds whose on-demand INIT phase is billed as duration"
    )
    provisioned_concurrency_rounding_s: PositiveInt | None = Field(
        default=None, description="provisioned concurrency time is rounded up to this many seconds"
    )
    snapstart_runtimes: tuple[RuntimeFamily, ...] | None = Field(
        default=None, description="runtime families that can use SnapStart"
    )
    snapstart_charged_runtimes: tuple[RuntimeFamily, ...] = Field(
        default=(), description="runtime families that pay SnapStart cache and restore (others: free)"
    )
    snapstart_cache_minimum_hours: PositiveInt | None = None
    snapstart_minimum_versions: dict[RuntimeFamily, str] = Field(
        default_factory=dict, description="the oldest runtime version of each family that SnapStart supports"
    )
    edge_duration_granularity_ms: PositiveInt | None = None
    edge_limits: dict[EdgeTriggerKind, EdgeLimit] | None = Field(
        default=None, description="Lambda@Edge memory and duration limits per trigger kind"
    )
    async_payload: AsyncPayload | None = Field(
        default=None, description="how an asynchronous event's payload size counts in requests"
    )
    streaming_free_bytes_per_response: PositiveInt | None = Field(
        default=None, description="bytes of each streamed response not charged for"
    )
    esm_pollers_per_epu: dict[Literal["kafka", "sqs"], PositiveInt] | None = Field(
        default=None, description="event pollers one event poller unit (EPU) holds, per mapping kind"
    )
    runtime_families: dict[RuntimeFamily, tuple[str, ...]] | None = Field(
        default=None, description="runtime identifier prefixes of each family (java21 is java), for SnapStart and INIT"
    )
    async_payload_max_kb: PositiveInt | None = Field(
        default=None, description="the largest asynchronous event, one request, before async_payload's rule"
    )
    edge_architectures: tuple[Architecture, ...] | None = Field(
        default=None, description="the architectures a Lambda@Edge function may use"
    )
    savings_plan_covers: tuple[str, ...] | None = Field(
        default=None, description="the components (as budgets name them) a Compute Savings Plan discounts"
    )
    managed_instances: ManagedInstancesRules | None = Field(
        default=None, description="Lambda Managed Instances: management fee and default instances"
    )
    durable: DurableRules | None = Field(default=None, description="durable functions: proration of data retained")
    microvms: MicroVmRules | None = Field(default=None, description="Lambda MicroVMs: sizes and storage proration")

    @field_validator("architectures")
    @classmethod
    def _some_architecture(cls, value: tuple[Architecture, ...]) -> tuple[Architecture, ...]:
        if not value:
            raise ValueError("at least one architecture is needed")
        return value


    def package_kind(self, package_type: str, runtime: str | None) -> PackageKind:
        """What the INIT billing rule looks at: an image, a custom runtime, or a ZIP on a managed runtime."""
        if package_type == "image":
            return "image"
        return "custom_runtime" if self.runtime_family(runtime) == "custom" else "zip_managed"

    def runtime_family(self, runtime: str | None) -> str | None:
        """java21 -> java, python3.12 -> python, provided.al2023 -> custom; None when unknown or not given."""
        if runtime is None:
            return None
        families = self.runtime_families or {}
        return next((family for family, prefixes in families.items() if runtime.startswith(prefixes)), None)


    def snapstart_supports(self, runtime: str | None) -> bool:
        """Whether SnapStart runs on this runtime version: python3.9 is older than SnapStart's python3.12."""
        family = self.runtime_family(runtime)
        minimum = self.snapstart_minimum(family)
        if runtime is None or minimum is None:
            return True
        prefixes = next(found for name, found in (self.runtime_families or {}).items() if name == family)
        prefix = next(p for p in prefixes if runtime.startswith(p))
        return _version(runtime.removeprefix(prefix)) >= _version(minimum)

    def snapstart_minimum(self, family: str | None) -> str | None:
        """The oldest version of a runtime family that SnapStart supports, when the table says."""
        return next((version for name, version in self.snapstart_minimum_versions.items() if name == family), None)


def _version(text: str) -> tuple[int, ...]:
    """The leading dotted number of a runtime's version: 3.12 of python3.12, 21 of java21, 8 of java8.al2."""
    digits = re.match(r"[0-9]+(?:\.[0-9]+)*", text)
    return tuple(int(part) for part in digits.group(0).split(".")) if digits else ()


class FreeTier(_Strict):
    """The monthly free allowance, one per account across regions and architectures."""

    requests: NonNegativeDecimal
    gb_seconds: NonNegativeDecimal
    response_streaming_gb: NonNegativeDecimal | None = Field(
        default=None, description="GB of streamed responses (beyond 6 MB each) free a month; absent: none"
    )


class Tier(_Strict):
    """One duration tier: the price per GB-second up to a cumulative monthly volume."""

    up_to: NonNegativeDecimal | None = Field(
        default=None, description="cumulative GB-s a month where this tier ends; absent on the last"
    )
    price: NonNegativeDecimal


class SnapStartRates(_Strict):
    """SnapStart: the cache of each active published version, and each restore."""

    cache_gb_second: NonNegativeDecimal
    restore_gb: NonNegativeDecimal


class EdgeRates(_Strict):
    """Lambda@Edge: its own request and duration prices (x86_64 only)."""

    requests_per_million: NonNegativeDecimal
    gb_second: NonNegativeDecimal


class RelatedRates(_Strict):
    """Charges of other services that the invocation model causes (dead letters, logs)."""

    sqs_requests_per_million: NonNegativeDecimal | None = None
    sns_requests_per_million: NonNegativeDecimal | None = None
    cloudwatch_logs_ingestion_per_gb: NonNegativeDecimal | None = None


class DurableRates(_Strict):
    """Durable functions: operations, the data they write, and the data kept."""

    operations_per_million: NonNegativeDecimal
    data_written_per_gb: NonNegativeDecimal
    data_retained_per_gb_month: NonNegativeDecimal


class RegionRates(_Strict):
    """The rates of one region. Optional rates are absent before the version that introduced them."""

    requests_per_million: NonNegativeDecimal
    duration: dict[Architecture, tuple[Tier, ...]]
    ephemeral_storage: NonNegativeDecimal | None = Field(
        default=None, description="USD per GB-s of ephemeral storage above the included size"
    )
    provisioned_concurrency: dict[Architecture, NonNegativeDecimal] | None = Field(
        default=None, description="USD per GB-s of provisioned concurrency while configured"
    )
    provisioned_duration: dict[Architecture, NonNegativeDecimal] | None = Field(
        default=None, description="USD per GB-s of duration of invocations served by provisioned concurrency"
    )
    snapstart: SnapStartRates | None = None
    response_streaming_per_gb: NonNegativeDecimal | None = Field(
        default=None, description="USD per GB streamed beyond the first 6 MB of each response"
    )
    esm_provisioned_epu_hour: dict[Literal["kafka", "sqs"], NonNegativeDecimal] | None = Field(
        default=None, description="USD per event-poller-unit hour of an event source mapping in provisioned mode"
    )
    edge: EdgeRates | None = None
    related: RelatedRates | None = None
    managed_instances: dict[str, NonNegativeDecimal] | None = Field(
        default=None, description="EC2 on-demand USD per instance-hour (Linux, shared tenancy) of each instance type "
        "Lambda Managed Instances runs on"
    )
    durable: DurableRates | None = None
    microvms: MicroVmRates | None = None
    tenant_isolation: dict[Architecture, NonNegativeDecimal] | None = Field(
        default=None, description="USD per GB of memory of each new tenant-isolated execution environment"
    )

    @field_validator("duration")
    @classmethod
    def _tiers_ordered(cls, value: dict[Architecture, tuple[Tier, ...]]) -> dict[Architecture, tuple[Tier, ...]]:
        for architecture, tiers in value.items():
            if not tiers:
                raise ValueError(f"{architecture}: no tiers")
            if tiers[-1].up_to is not None:
                raise ValueError(f"{architecture}: the last tier must be open-ended (no up_to)")
            bounds = [tier.up_to for tier in tiers[:-1]]
            if any(bound is None for bound in bounds):
                raise ValueError(f"{architecture}: only the last tier may be open-ended")
            previous = Decimal(0)
            for bound in bounds:
                assert bound is not None
                if bound <= previous:
                    raise ValueError(f"{architecture}: tier bounds must increase ({bound} after {previous})")
                previous = bound
        return value


def rate_values(rates: RegionRates) -> dict[str, Decimal]:
    """Every rate of a region by its key, as `pricing show` names it under the region (duration.arm64.tier_2.price)."""
    values: dict[str, Decimal] = {}

    def walk(value: object, key: str) -> None:
        if isinstance(value, Decimal):
            values[key] = value
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(item, f"{key}.{name}" if key else str(name))
        elif isinstance(value, (list, tuple)):
            for number, item in enumerate(value, start=1):
                walk(item, f"{key}.tier_{number}")

    walk(rates.model_dump(mode="python", exclude_none=True), "")
    return values


class Derivation(_Strict):
    """Rates of some regions that are computed from another rate rather than read from a source.

    Each rate of `rates` in each region of `regions` is the reference rate x `times`, rounded half-up to the decimal
    places it is written with; the reference is the same region's `of_rate`, or the same rate of `of_region`.
    """

    rates: tuple[str, ...] = Field(min_length=1, description="rate keys under a region, as `pricing show` names them")
    regions: tuple[str, ...] = Field(min_length=1)
    of_rate: str | None = Field(default=None, description="the same region's rate they are computed from")
    of_region: str | None = Field(default=None, description="the region whose same rate they copy")
    times: Decimal = Field(default=Decimal(1), gt=0, allow_inf_nan=False)
    why: str = Field(min_length=1, description="the rule, and why it is assumed")

    @model_validator(mode="after")
    def _one_reference(self) -> "Derivation":
        if (self.of_rate is None) == (self.of_region is None):
            raise ValueError("give either of_rate (a rate of the same region) or of_region (the same rate there)")
        return self

    def reference(self, region: str, rate: str) -> tuple[str, str]:
        """The region and rate that `rate` of `region` is computed from."""
        return self.of_region or region, self.of_rate or rate


class PricingTable(_Strict):
    """A complete pricing table version, after its `extends` chain is resolved."""

    version: str
    effective: dt.date
    summary: str
    currency: Literal["USD"] = "USD"
    sources: tuple[Source, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()
    billing: Billing
    free_tier: FreeTier
    regions: dict[str, RegionRates] = Field(min_length=1)
    derived: tuple[Derivation, ...] = Field(
        default=(), description="which rates of which regions are computed, not sourced, and by what rule"
    )
    unpriced_regions: dict[str, str] = Field(
        default_factory=dict, description="regions where AWS offers Lambda that this table cannot price, and why"
    )

    def required_rates(self) -> dict[str, str]:
        """The rate keys that every region needs for the dimensions this version bills, with the dimension."""
        billing = self.billing
        needed = {"requests_per_million": "requests"}
        needed |= {f"duration.{a}.tier_1.price": f"{a} duration" for a in billing.architectures}
        if billing.ephemeral_storage_mb.max > billing.ephemeral_storage_included_mb:
            needed["ephemeral_storage"] = "ephemeral storage"
        if billing.provisioned_concurrency_rounding_s is not None:
            for architecture in billing.architectures:
                needed[f"provisioned_concurrency.{architecture}"] = f"{architecture} provisioned concurrency"
                needed[f"provisioned_duration.{architecture}"] = f"{architecture} provisioned concurrency"
        if billing.snapstart_charged_runtimes:
            needed |= {"snapstart.cache_gb_second": "SnapStart", "snapstart.restore_gb": "SnapStart"}
        if billing.streaming_free_bytes_per_response is not None:
            needed["response_streaming_per_gb"] = "response streaming"
        for kind in billing.esm_pollers_per_epu or {}:
            needed[f"esm_provisioned_epu_hour.{kind}"] = f"{kind} event source mappings in provisioned mode"
        if billing.durable is not None:
            needed |= {f"durable.{rate}": "durable functions"
                       for rate in ("operations_per_million", "data_written_per_gb", "data_retained_per_gb_month")}
        return needed

    @model_validator(mode="after")
    def _regions_cover_architectures(self) -> "PricingTable":
        for name, rates in self.regions.items():
            missing = [a for a in self.billing.architectures if a not in rates.duration]
            if missing:
                raise ValueError(f"region {name} has no duration rates for {', '.join(missing)}")
            extra = [a for a in rates.duration if a not in self.billing.architectures]
            if extra:
                raise ValueError(f"region {name} prices {', '.join(extra)}, which billing.architectures lacks")
            storage_billed = self.billing.ephemeral_storage_mb.max > self.billing.ephemeral_storage_included_mb
            if storage_billed and rates.ephemeral_storage is None:
                raise ValueError(f"region {name} has no ephemeral_storage rate")
        return self

    @model_validator(mode="after")
    def _derivations_name_rates(self) -> "PricingTable":
        # Every derived rate and its reference must exist: a typo would otherwise mark nothing, silently.
        values = {name: rate_values(rates) for name, rates in self.regions.items()}
        for derivation in self.derived:
            for region in derivation.regions:
                if region not in values:
                    raise ValueError(f"derived: names region {region}, which the table does not price")
                for rate in derivation.rates:
                    if rate not in values[region]:
                        raise ValueError(f"derived: region {region} has no rate {rate}")
                    source_region, source_rate = derivation.reference(region, rate)
                    if source_rate not in values.get(source_region, {}):
                        raise ValueError(f"derived: {rate} of {region} is computed from {source_rate} of "
                                         f"{source_region}, which the table lacks")
        priced = sorted(set(self.unpriced_regions) & set(self.regions))
        if priced:
            raise ValueError(f"unpriced_regions names {', '.join(priced)}, which the table prices")
        return self
