"""The expanded workload: each priced configuration, what its invocation sources make it do, and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from lambda_cost.model.modes import Durable, ManagedInstances, MicroVm, TenantIsolation
from lambda_cost.model.pricing import Architecture
from lambda_cost.model.workload import ProvisionedConcurrency, ProvisionedMode
from lambda_cost.numbers import ZERO

_NOTHING_STATED: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One priced configuration: a function, or one of its versions, with everything billing needs."""

    name: str
    memory_mb: int
    architecture: Architecture
    ephemeral_storage_mb: int
    duration_ms: Decimal
    failed_duration_ms: Decimal
    region: str | None  # the function's own region override, if any
    version: str | None = None  # None: the function itself (unqualified, $LATEST)
    runtime: str | None = None
    package_type: str = "zip"
    init_duration_ms: Decimal | None = None
    cold_start_rate: Decimal | None = None
    cold_starts_per_month: Decimal | None = None
    snapstart: bool = False
    snapstart_active_hours: Decimal | None = None  # None: the whole 730-hour month
    provisioned: tuple[ProvisionedConcurrency, ...] = ()
    edge_trigger: str | None = None
    streaming_bytes: Decimal | None = None
    log_bytes: Decimal | None = None
    reserved_concurrency: int | None = None
    durations_billed: bool = False  # the durations are means of Billed Duration: not rounded up again
    stated: frozenset[str] = _NOTHING_STATED  # the keys a version states itself; the others are the function's
    # The compute and billing modes (model/modes.py): function-wide, every version runs in the function's.
    managed_instances: ManagedInstances | None = None
    durable: Durable | None = None
    tenant_isolation: TenantIsolation | None = None
    microvm: MicroVm | None = None  # not a function: Lambda MicroVMs, priced as a row of their own

    def path(self, index: int, field: str) -> tuple[str | int, ...]:
        """Where a field of this configuration is written: under its version if the version states it."""
        if field in self.stated:
            return ("functions", index, "versions", str(self.version), field)
        return ("functions", index, field)

    @property
    def label(self) -> str:
        """The name a report shows: `api`, or `api:v4` for a version."""
        return self.name if self.version is None else f"{self.name}:{self.version}"


@dataclass(frozen=True, slots=True)
class SourceUsage:
    """What one invocation source makes Lambda do in a month, as expected values."""

    index: int
    type: str
    shape: str  # "event": each event retried alone; "batch": whole batches; "partial": failed items only
    volume: Decimal  # events, messages or records a month
    volume_unit: str
    batch_size: int | None
    error_rate: Decimal  # p, per attempt of one item
    ratio: Decimal  # the failure probability the series runs on: p per event/item, q per whole batch
    last_retry: int | None  # the series runs k = 0..last_retry; None: until success (infinite)
    retry_factor: Decimal  # Σ ratio^k: expected attempts per event, item or batch
    invocations: Decimal  # billed requests: every attempt, failed or not
    failed_invocations: Decimal  # attempts that end in a function error (billed at error_duration_ms)
    lost: Decimal  # items that never succeed: failed for good, or sent to a DLQ / on-failure destination
    lost_label: str
    payload_kb: Decimal | None = None  # async: the event's size, which may count as several requests
    dead_letter: str | None = None  # the service that receives what is lost: sqs, sns, or None (not priced)
    provisioned_mode: ProvisionedMode | None = None
    share: Decimal = Decimal(1)  # the part of the source's traffic that reaches this configuration
    notice_per_batch: bool = False  # the dead-letter service gets one record per failed batch, not each item
    replays: Decimal = Decimal(1)  # a durable function's invocations per attempt (an execution and its replays)

    @property
    def dead_letters(self) -> Decimal:
        """Messages the dead-letter service receives: each lost item, or one per discarded batch (a stream's
        on-failure destination receives the failed invocation's record: the batch's metadata, not its records)."""
        return self.lost / (self.batch_size or 1) if self.notice_per_batch else self.lost

    @property
    def failed_items(self) -> Decimal:
        """Items whose processing failed, each time: attempts that fail, or, with partial batch responses, the
        messages reported as failed (their invocations complete and are billed as successful)."""
        return self.receives * self.error_rate if self.shape == "partial" else self.failed_invocations

    @property
    def successful_invocations(self) -> Decimal:
        return self.invocations - self.failed_invocations

    @property
    def batches(self) -> Decimal:
        """Batches of the volume (one item each for sources without batching)."""
        return self.volume / (self.batch_size or 1)

    @property
    def receives(self) -> Decimal:
        """Each item's expected receives, over the volume (partial batch responses)."""
        return self.volume * self.retry_factor

    def series_terms(self) -> list[Decimal]:
        """ratio^k for k = 0..last_retry: the terms of the retry series (a finite one)."""
        return [self.ratio**k if k else Decimal(1) for k in range((self.last_retry or 0) + 1)]  # 0^0 is 1 here

    def replayed(self, invocations_per_event: Decimal) -> SourceUsage:
        """A durable function's attempts: each starts an execution of several invocations (its replays)."""
        if invocations_per_event == 1:
            return self
        return replace(self, invocations=self.invocations * invocations_per_event,
                       failed_invocations=self.failed_invocations * invocations_per_event,
                       replays=invocations_per_event)

    def split(self, share: Decimal) -> SourceUsage:
        """The part of this source that a weighted alias sends to one version (every figure is linear)."""
        if share == 1:
            return self
        return replace(self, volume=self.volume * share, invocations=self.invocations * share,
                       failed_invocations=self.failed_invocations * share, lost=self.lost * share,
                       share=self.share * share)


@dataclass(frozen=True, slots=True)
class FunctionUsage:
    """All sources of one function, with its effective region."""

    function: FunctionSpec
    index: int
    region: str
    sources: tuple[SourceUsage, ...]
    invocations: Decimal  # Σ over sources
    failed_invocations: Decimal
    peak_concurrency: Decimal = ZERO  # arrival rate × mean duration × the workload's peak-to-average factor

    @property
    def successful_invocations(self) -> Decimal:
        return self.invocations - self.failed_invocations
