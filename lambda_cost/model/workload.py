"""Pydantic schema of a workload file (format version 1): functions and how each is invoked."""

# Annotations are objects, not strings (no `from __future__ import annotations`): pydantic reads every field's,
# and a string it must compile and eval, which slows every start.
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from lambda_cost.model.budget import Budget
from lambda_cost.model.modes import Durable, ManagedInstances, MicroVm, TenantIsolation
from lambda_cost.model.pricing import Architecture
from lambda_cost.model.units import (
    EXHAUSTED,
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    Count,
    Discount,
    DurationMs,
    Kilobytes,
    Megabytes,
    Probability,
    Rate,
    Seconds,
    UsedAmount,
    meant_exhausted,
)

# The largest retry limits an event source mapping accepts: an SQS queue's maxReceiveCount, a stream's
# MaximumRetryAttempts.
MAX_RECEIVE_COUNT = 1000
MAX_RETRY_ATTEMPTS = 10_000
RATE_FIELDS = ("per_month", "per_day", "per_hour", "per_second", "rate")
# per month = value × numerator / denominator; multiplying first keeps whole-day volumes exact.
_PER_MONTH_RATIO = {
    "per_month": (Decimal(1), Decimal(1)),
    "per_day": (HOURS_PER_MONTH, Decimal(24)),
    "per_hour": (HOURS_PER_MONTH, Decimal(1)),
    "per_second": (SECONDS_PER_MONTH, Decimal(1)),
}

Volume = Count  # a number, or 3M, 200k, 1.5B (model/units.py)
Milliseconds = DurationMs  # 0 < ms <= 900,000; or 120ms, 1.2s (model/units.py)


# A terabyte per response or per invocation: far beyond Lambda's limits, and within exact arithmetic.
Bytes = Annotated[Decimal, Field(ge=0, le=10**12, allow_inf_nan=False)]


def _version_text(value: Any) -> Any:
    """`pricing: 2022-08-01` unquoted is a YAML date; a version id is its text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _percent(value: Any) -> Any:
    """A weight written "90%" or 90: both mean ninety percent."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return value.strip()[:-1].strip()
    return value


Percent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=100, allow_inf_nan=False)]
# The key of an alias mapping that configures its provisioned concurrency rather than naming a version.
ALIAS_PC_KEY = "provisioned_concurrency"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ProvisionedConcurrency(_Strict):
    """Provisioned concurrency: units kept initialised, for hours a month or a daily schedule."""

    units: Annotated[Decimal, Field(gt=0, le=10**9, allow_inf_nan=False)]
    hours_per_month: Annotated[Decimal, Field(gt=0, le=HOURS_PER_MONTH, allow_inf_nan=False)] | None = None
    hours_per_day: Annotated[Decimal, Field(gt=0, le=24, allow_inf_nan=False)] | None = None
    traffic_share: Probability | None = Field(
        default=None,
        description="share (0..1) of the configuration's attempts that arrive while it is configured; "
        "default: the share of the month it is configured (traffic spread evenly)",
    )

    @model_validator(mode="after")
    def _one_schedule(self) -> "ProvisionedConcurrency":
        if (self.hours_per_month is None) == (self.hours_per_day is None):
            found = "both" if self.hours_per_month is not None else "neither"
            raise ValueError(f"give exactly one of hours_per_month, hours_per_day (found {found}), for example "
                             "hours_per_day: 12")
        return self


class ProvisionedMode(_Strict):
    """An event source mapping in provisioned mode: event pollers reserved for some hours a month."""

    event_pollers: int = Field(ge=1, le=2000)
    hours_per_month: Annotated[Decimal, Field(gt=0, le=HOURS_PER_MONTH, allow_inf_nan=False)] = HOURS_PER_MONTH


class Edge(_Strict):
    """A Lambda@Edge function and the CloudFront event that triggers it."""

    trigger: Literal["viewer-request", "viewer-response", "origin-request", "origin-response"]

    @property
    def kind(self) -> Literal["viewer", "origin"]:
        return "viewer" if self.trigger.startswith("viewer") else "origin"


class ResponseStreaming(_Strict):
    """A function that streams its responses, and their mean size."""

    bytes_per_response: Bytes


class Concurrency(_Strict):
    """How concurrency is checked: the account's limit per region and the peak-to-average ratio of traffic."""

    account_limit: int = Field(default=1000, ge=1)
    peak_to_average: Annotated[Decimal, Field(ge=1, le=10**6, allow_inf_nan=False)] = Decimal(1)


FREE_TIER_COMPONENTS = ("requests", "gb_seconds", "response_streaming_gb")


class UsedElsewhere(_Strict):
    """How much of each component of the account's monthly free tier other usage takes first."""

    requests: UsedAmount = Field(default=Decimal(0), description="requests, or exhausted")
    gb_seconds: UsedAmount = Field(default=Decimal(0), description="GB-s of duration, or exhausted")
    response_streaming_gb: UsedAmount = Field(default=Decimal(0), description="GB of response streaming, or exhausted")

    def elsewhere(self, component: str) -> Decimal | None:
        """What other usage takes of a component; None when it takes all of it."""
        amount = getattr(self, component)
        return None if amount == EXHAUSTED else Decimal(amount)


def _all_used(value: Any) -> Any:
    """`used_elsewhere: exhausted` is every component exhausted; a mapping is read as it is."""
    if isinstance(value, str) and value.strip() == EXHAUSTED:
        return dict.fromkeys(FREE_TIER_COMPONENTS, EXHAUSTED)
    if value is None or isinstance(value, (str, int, Decimal, list)):
        meant = meant_exhausted(value) if isinstance(value, str) else ""
        raise PydanticCustomError("unit", "found {shown}" + meant + "; used_elsewhere is exhausted, or a mapping of "
                                  f"{', '.join(FREE_TIER_COMPONENTS)}", {"shown": _shown(value)})
    return value


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 24 else repr(value[:20] + "…")
    return "a list" if isinstance(value, list) else "nothing" if value is None else str(value)


class FreeTier(_Strict):
    """The account's free tier as this workload sees it: what other usage of the account already takes."""

    used_elsewhere: Annotated[
        UsedElsewhere,
        BeforeValidator(_all_used, json_schema_input_type=Union[Literal["exhausted"], UsedElsewhere]),
    ] = Field(default=UsedElsewhere(), description="per component (requests, gb_seconds, response_streaming_gb): "
              "a number or exhausted; or exhausted for all of them")


class SavingsPlan(_Strict):
    """A Compute Savings Plan: its discount on duration, provisioned concurrency and provisioned duration."""

    discount: Discount


class _Source(_Strict):
    """Fields every invocation source has: a volume and an error rate."""

    per_month: Volume | None = Field(default=None, description="events, messages or records a month")
    per_day: Volume | None = Field(default=None, description="a day (a month is 730/24 days)")
    per_hour: Volume | None = Field(default=None, description="an hour (a month is 730 hours)")
    per_second: Volume | None = Field(default=None, description="a second, sustained all month")
    rate: Rate | None = Field(default=None, description="the volume as COUNT/PERIOD: 50/s, 200k/day, 3M/month")
    error_rate: Probability = Field(default=Decimal(0), description="probability that one attempt fails")
    target: str | None = Field(default=None, min_length=1, description="an alias or version (default: the function)")

    @model_validator(mode="after")
    def _one_rate(self) -> "_Source":
        given = [name for name in RATE_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of per_month, per_day, per_hour, per_second, rate (found {found}), "
                             "for example per_month: 3M or rate: 50/s")
        return self

    @property
    def rate_field(self) -> str:
        for name in RATE_FIELDS:  # a loop, not next() over a generator: asked for every source of every function
            if getattr(self, name) is not None:
                return name
        raise AssertionError("a validated source has one rate field")

    @property
    def monthly_volume(self) -> Decimal:
        """The volume per month, converting a daily, hourly or per-second rate with a 730-hour month."""
        name = self.rate_field
        if self.rate is not None:
            return self.rate.per_month
        value: Decimal = getattr(self, name)
        numerator, denominator = _PER_MONTH_RATIO[name]
        return value * numerator / denominator


class SyncSource(_Source):
    """Synchronous invocation (API Gateway, function URLs, SDK calls): Lambda never retries."""

    type: Literal["sync"]
    client_retries: int = Field(default=0, ge=0, le=100, description="retries the caller makes on error")


class AsyncSource(_Source):
    """Asynchronous invocation (S3, SNS, EventBridge...): Lambda retries, then a DLQ or destination."""

    type: Literal["async"]
    max_retries: int = Field(default=2, ge=0, le=2, description="MaximumRetryAttempts, 0..2")
    payload_kb: Kilobytes | None = None
    dead_letter: Literal["sqs", "sns"] | None = None


class SqsSource(_Source):
    """An SQS event source mapping: batches of messages, redelivered until the queue's redrive limit."""

    type: Literal["sqs"]
    batch_size: int = Field(default=10, ge=1, le=10_000)
    fifo: bool = Field(default=False, description="a FIFO queue (batch size at most 10)")
    max_receive_count: int | None = Field(
        default=None, ge=1, le=MAX_RECEIVE_COUNT,
        description="the queue's redrive policy; absent: no DLQ, retried forever",
    )
    report_batch_item_failures: bool = False
    dead_letter: Literal["sqs", "sns"] | None = None
    provisioned_mode: ProvisionedMode | None = None

    @model_validator(mode="after")
    def _fifo_batch(self) -> "SqsSource":
        if self.fifo and self.batch_size > 10:
            raise ValueError(f"a FIFO queue takes a batch_size of at most 10, not {self.batch_size}")
        if self.provisioned_mode is not None and self.provisioned_mode.event_pollers < 2:
            raise ValueError("an SQS event source mapping in provisioned mode has at least 2 event pollers")
        return self


class StreamSource(_Source):
    """A stream or log event source mapping (Kinesis, DynamoDB, MSK, Kafka, DocumentDB)."""

    type: Literal["kinesis", "dynamodb", "msk", "kafka", "documentdb"]
    batch_size: int = Field(default=100, ge=1, le=10_000)
    max_retry_attempts: int = Field(
        default=-1, ge=-1, le=MAX_RETRY_ATTEMPTS, description="-1: retried until the record expires"
    )
    dead_letter: Literal["sqs", "sns"] | None = None
    provisioned_mode: ProvisionedMode | None = None

    @model_validator(mode="after")
    def _provisioned_kafka(self) -> "StreamSource":
        if self.provisioned_mode is not None and self.type not in ("msk", "kafka"):
            raise ValueError(f"provisioned_mode is for msk, kafka and sqs sources, not {self.type}")
        return self


class MqSource(_Source):
    """An Amazon MQ event source mapping: batches redelivered up to 6 times, then the broker's DLQ."""

    type: Literal["mq"]
    batch_size: int = Field(default=100, ge=1, le=10_000)


Invocation = Annotated[
    Union[SyncSource, AsyncSource, SqsSource, StreamSource, MqSource], Field(discriminator="type")
]
INVOCATION_TYPES = ("sync", "async", "sqs", "kinesis", "dynamodb", "msk", "kafka", "mq", "documentdb")


class _Configuration(_Strict):
    """What a function and each of its versions configure; a version overrides what it states."""

    runtime: str | None = Field(default=None, min_length=1, description="python3.12, java21, provided.al2023...")
    package_type: Literal["zip", "image"] | None = None
    init_duration_ms: Milliseconds | None = Field(default=None, description="mean INIT phase of a cold start")
    cold_start_rate: Probability | None = Field(default=None, description="share of on-demand attempts that start cold")
    cold_starts_per_month: Volume | None = None
    snapstart: bool | None = None
    snapstart_active_hours: Annotated[Decimal, Field(gt=0, le=744, allow_inf_nan=False)] | None = Field(
        default=None,
        description="hours a month the SnapStart version is active (its snapshot cached); default 730, "
        "billed at least the table's minimum (3 h)",
    )
    provisioned_concurrency: ProvisionedConcurrency | None = None

    @model_validator(mode="after")
    def _one_cold_start_figure(self) -> "_Configuration":
        if self.cold_start_rate is not None and self.cold_starts_per_month is not None:
            raise ValueError("give cold_start_rate or cold_starts_per_month, not both")
        return self


class Version(_Configuration):
    """A published version: its own memory, architecture, durations, storage and runtime."""

    memory_mb: Megabytes | None = Field(default=None, ge=128, le=10_240)
    architecture: Architecture | None = None
    ephemeral_storage_mb: Megabytes | None = Field(default=None, ge=512, le=10_240)
    duration_ms: Milliseconds | None = None
    error_duration_ms: Milliseconds | None = None


class Function(_Configuration):
    """One Lambda function and its invocation sources."""

    name: str = Field(min_length=1, max_length=140)
    memory_mb: Megabytes = Field(ge=128, le=10_240)
    architecture: Architecture = "x86_64"
    ephemeral_storage_mb: Megabytes = Field(default=512, ge=512, le=10_240)
    duration_ms: Milliseconds = Field(description="mean duration of a successful attempt")
    error_duration_ms: Milliseconds | None = Field(
        default=None, description="mean duration of a failed attempt (default: duration_ms)"
    )
    durations_billed: bool = Field(
        default=False,
        description="true: duration_ms and error_duration_ms are means of logged Billed Duration (each attempt "
        "already rounded up, INIT included where it was billed), priced as written, not rounded up again",
    )
    versions: dict[str, Version] | None = None
    aliases: dict[str, dict[str, Percent | ProvisionedConcurrency]] | None = Field(
        default=None, description="alias -> {version: weight}, and optionally provisioned_concurrency"
    )
    edge: Edge | None = None
    response_streaming: ResponseStreaming | None = None
    log_bytes_per_invocation: Bytes | None = None
    reserved_concurrency: int | None = Field(default=None, ge=0)
    timeout_s: Seconds | None = Field(default=None, ge=1, le=900)
    region: str | None = Field(default=None, min_length=1)
    managed_instances: ManagedInstances | None = None
    durable: Durable | None = None
    tenant_isolation: TenantIsolation | None = None
    invocations: list[Invocation] = Field(min_length=1)

    @property
    def failed_duration_ms(self) -> Decimal:
        return self.duration_ms if self.error_duration_ms is None else self.error_duration_ms


class Workload(_Strict):
    """A workload file: defaults, pricing choice, and the functions to price."""

    version: Literal[1]
    region: str = Field(default="us-east-1", min_length=1)
    free_tier: Union[bool, FreeTier] = Field(
        default=True, description="true, false, or {used_elsewhere: ...}: the part of the account's monthly free "
        "tier other usage takes"
    )
    pricing: Annotated[str | None, BeforeValidator(_version_text)] = Field(
        default=None, description="a pricing table version, or 'latest'"
    )
    as_of: dt.date | None = Field(default=None, description="price with the table in force on this date")
    concurrency: Concurrency = Concurrency()
    savings_plan: SavingsPlan | None = None
    functions: list[Function] = Field(min_length=1)
    budget: Budget | None = Field(default=None, description="monthly limits that gate CI (exit code 1)")
    microvms: list[MicroVm] | None = Field(default=None, description="Lambda MicroVMs to price beside the functions")

    def free_tier_setting(self, override: bool | None = None) -> FreeTier | None:
        """The account's free tier as priced: None when off; `override` is the command line's --[no-]free-tier,
        which switches it on or off and keeps what the file says other usage takes."""
        on = self.free_tier is not False if override is None else override
        if not on:
            return None
        if isinstance(self.free_tier, FreeTier):
            return self.free_tier
        # `free_tier: true`: the defaults, which have nothing to validate. Constructed, FreeTier() would build
        # the model's validator on every run (a few M instructions) just to fill them in.
        return FreeTier.model_construct()

    def region_of(self, function: Function) -> str:
        return function.region or self.region
