"""The expanded workload: each priced configuration, what its invocation sources make it do, and why."""

from __future__ import annotations

from decimal import Decimal

from lambda_cost.model.modes import Durable, ManagedInstances, MicroVm, TenantIsolation
from lambda_cost.model.pricing import Architecture
from lambda_cost.model.value import Value
from lambda_cost.model.workload import ProvisionedConcurrency, ProvisionedMode
from lambda_cost.numbers import ONE, ZERO, held

_NOTHING_STATED: frozenset[str] = frozenset()


class FunctionSpec(Value):
    """One priced configuration: a function, or one of its versions, with everything billing needs."""

    __slots__ = (
        "architecture",
        "cold_start_rate",
        "cold_starts_per_month",
        "durable",
        "duration_ms",
        "durations_billed",
        "edge_trigger",
        "ephemeral_storage_mb",
        "failed_duration_ms",
        "init_duration_ms",
        "log_bytes",
        "managed_instances",
        "memory_mb",
        "microvm",
        "name",
        "package_type",
        "provisioned",
        "region",
        "reserved_concurrency",
        "runtime",
        "snapstart",
        "snapstart_active_hours",
        "stated",
        "streaming_bytes",
        "tenant_isolation",
        "version",
    )

    def __init__(
        self,
        name: str,
        memory_mb: int,
        architecture: Architecture,
        ephemeral_storage_mb: int,
        duration_ms: Decimal,
        failed_duration_ms: Decimal,
        region: str | None,
        version: str | None = None,
        runtime: str | None = None,
        package_type: str = "zip",
        init_duration_ms: Decimal | None = None,
        cold_start_rate: Decimal | None = None,
        cold_starts_per_month: Decimal | None = None,
        snapstart: bool = False,
        snapstart_active_hours: Decimal | None = None,
        provisioned: tuple[ProvisionedConcurrency, ...] = (),
        edge_trigger: str | None = None,
        streaming_bytes: Decimal | None = None,
        log_bytes: Decimal | None = None,
        reserved_concurrency: int | None = None,
        durations_billed: bool = False,
        stated: frozenset[str] = _NOTHING_STATED,
        managed_instances: ManagedInstances | None = None,
        durable: Durable | None = None,
        tenant_isolation: TenantIsolation | None = None,
        microvm: MicroVm | None = None,
    ) -> None:
        self.name = name
        self.memory_mb = memory_mb
        self.architecture = architecture
        self.ephemeral_storage_mb = ephemeral_storage_mb
        self.duration_ms = duration_ms
        self.failed_duration_ms = held(failed_duration_ms, duration_ms)  # one object when they are equal
        self.region = region  # the function's own region override, if any
        self.version = version  # None: the function itself (unqualified, $LATEST)
        self.runtime = runtime
        self.package_type = package_type
        self.init_duration_ms = init_duration_ms
        self.cold_start_rate = cold_start_rate
        self.cold_starts_per_month = cold_starts_per_month
        self.snapstart = snapstart
        self.snapstart_active_hours = snapstart_active_hours  # None: the whole 730-hour month
        self.provisioned = provisioned
        self.edge_trigger = edge_trigger
        self.streaming_bytes = streaming_bytes
        self.log_bytes = log_bytes
        self.reserved_concurrency = reserved_concurrency
        self.durations_billed = durations_billed  # the durations are means of Billed Duration: not rounded up again
        self.stated = stated  # the keys a version states itself; the others are the function's
        # The compute and billing modes (model/modes.py): function-wide, every version runs in the function's.
        self.managed_instances = managed_instances
        self.durable = durable
        self.tenant_isolation = tenant_isolation
        self.microvm = microvm  # not a function: Lambda MicroVMs, priced as a row of their own

    def path(self, index: int, field: str) -> tuple[str | int, ...]:
        """Where a field of this configuration is written: under its version if the version states it."""
        if field in self.stated:
            return ("functions", index, "versions", str(self.version), field)
        return ("functions", index, field)

    @property
    def label(self) -> str:
        """The name a report shows: `api`, or `api:v4` for a version."""
        return self.name if self.version is None else f"{self.name}:{self.version}"


class SourceUsage(Value):
    """What one invocation source makes Lambda do in a month, as expected values."""

    __slots__ = (
        "batch_size",
        "dead_letter",
        "error_rate",
        "failed_invocations",
        "index",
        "invocations",
        "last_retry",
        "lost",
        "lost_label",
        "notice_per_batch",
        "payload_kb",
        "provisioned_mode",
        "ratio",
        "replays",
        "retry_factor",
        "shape",
        "share",
        "type",
        "volume",
        "volume_unit",
    )

    def __init__(
        self,
        index: int,
        type: str,
        shape: str,
        volume: Decimal,
        volume_unit: str,
        batch_size: int | None,
        error_rate: Decimal,
        ratio: Decimal,
        last_retry: int | None,
        retry_factor: Decimal,
        invocations: Decimal,
        failed_invocations: Decimal,
        lost: Decimal,
        lost_label: str,
        payload_kb: Decimal | None = None,
        dead_letter: str | None = None,
        provisioned_mode: ProvisionedMode | None = None,
        share: Decimal = Decimal(1),
        notice_per_batch: bool = False,
        replays: Decimal = Decimal(1),
    ) -> None:
        self.index = index
        self.type = type
        self.shape = shape  # "event": each event retried alone; "batch": whole batches; "partial": failed items only
        self.volume = volume  # events, messages or records a month
        self.volume_unit = volume_unit
        self.batch_size = batch_size
        # Equal figures share one object (numbers.held): a large workload holds many sources.
        self.error_rate = held(error_rate)  # p, per attempt of one item
        # the failure probability the series runs on: p per event/item, q per whole batch
        self.ratio = held(ratio, self.error_rate)
        self.last_retry = last_retry  # the series runs k = 0..last_retry; None: until success (infinite)
        self.retry_factor = held(retry_factor, ONE)  # Σ ratio^k: expected attempts per event, item or batch
        self.invocations = held(invocations, volume)  # billed requests: every attempt, failed or not
        # attempts that end in a function error (billed at error_duration_ms)
        self.failed_invocations = held(failed_invocations)
        # items that never succeed: failed for good, or sent to a DLQ / on-failure destination
        self.lost = held(lost, self.failed_invocations)
        self.lost_label = lost_label
        self.payload_kb = payload_kb  # async: the event's size, which may count as several requests
        self.dead_letter = dead_letter  # the service that receives what is lost: sqs, sns, or None (not priced)
        self.provisioned_mode = provisioned_mode
        self.share = share  # the part of the source's traffic that reaches this configuration
        # the dead-letter service gets one record per failed batch, not each item
        self.notice_per_batch = notice_per_batch
        self.replays = replays  # a durable function's invocations per attempt (an execution and its replays)

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
        return self.replace(invocations=self.invocations * invocations_per_event,
                            failed_invocations=self.failed_invocations * invocations_per_event,
                            replays=invocations_per_event)

    def split(self, share: Decimal) -> SourceUsage:
        """The part of this source that a weighted alias sends to one version (every figure is linear)."""
        if share == 1:
            return self
        return self.replace(volume=self.volume * share, invocations=self.invocations * share,
                            failed_invocations=self.failed_invocations * share, lost=self.lost * share,
                            share=self.share * share)


class FunctionUsage(Value):
    """All sources of one function, with its effective region."""

    __slots__ = ("failed_invocations", "function", "index", "invocations", "peak_concurrency", "region", "sources")

    def __init__(
        self,
        function: FunctionSpec,
        index: int,
        region: str,
        sources: tuple[SourceUsage, ...],
        invocations: Decimal,
        failed_invocations: Decimal,
        peak_concurrency: Decimal = ZERO,
    ) -> None:
        self.function = function
        self.index = index
        self.region = region
        self.sources = sources
        # Σ over sources; with one source, its own objects (numbers.held)
        self.invocations = held(invocations, *(source.invocations for source in sources[:1]))
        self.failed_invocations = held(failed_invocations, *(source.failed_invocations for source in sources[:1]))
        self.peak_concurrency = peak_concurrency  # arrival rate × mean duration × the workload's peak-to-average factor

    @property
    def successful_invocations(self) -> Decimal:
        return self.invocations - self.failed_invocations
