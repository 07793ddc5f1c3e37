"""Invocation sources and retries to expected attempts, keeping the reason for every number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from lambda_cost.errors import Problem
from lambda_cost.model.units import SECONDS_PER_MONTH
from lambda_cost.model.usage import FunctionSpec, FunctionUsage, SourceUsage
from lambda_cost.model.value import Value
from lambda_cost.model.workload import (
    MAX_RECEIVE_COUNT,
    MAX_RETRY_ATTEMPTS,
    AsyncSource,
    Function,
    MqSource,
    ProvisionedMode,
    SqsSource,
    StreamSource,
    SyncSource,
    Workload,
)
from lambda_cost.numbers import ARITHMETIC, ONE, ZERO, exact, exact_sum, quantize, readable
from lambda_cost.stages.routing import configurations, spec_of, targets

# Amazon MQ redelivers a failed batch up to 6 times before the broker's dead-letter queue takes it.
MQ_REDELIVERIES = 6
# Expected attempts above this are shown in scientific notation: 1/(1 − q) of a large batch can have 60 digits.
_SHOWN_IN_FULL_BELOW = Decimal(10) ** 15


class Expansion(Value):
    """The usages of every function that could be expanded, what to warn about, and what could not be expanded."""

    __slots__ = ("problems", "usages", "warnings")

    def __init__(self, usages: list[FunctionUsage], warnings: list[Problem], problems: list[Problem]) -> None:
        self.usages = usages
        self.warnings = warnings
        self.problems = problems


def expand(workload: Workload, indices: Sequence[int] | None = None) -> Expansion:
    """Expected billable attempts for every function (and version) of a workload.

    `indices`: where each of workload.functions is in the file, when some were left out (they did not validate).
    """
    expander = Expander(workload)
    positions = range(len(workload.functions)) if indices is None else indices
    for function, index in zip(workload.functions, positions, strict=True):
        expander.add(function, index)
    return expander.finish()


class Expander:
    """Expansion function by function, for a caller that lets each function's model go once it is expanded (the
    runner: a large workload's models and usages are never all in memory at once).

    `workload` gives the settings of the whole file (region, concurrency, MicroVMs); its functions are not read.
    """

    def __init__(self, workload: Workload) -> None:
        self.workload = workload
        self.warnings: list[Problem] = []
        self.problems: list[Problem] = []
        self.usages: list[FunctionUsage] = []

    @exact
    def add(self, function: Function, index: int) -> None:
        """Expand one function, `index` its place in the file."""
        warnings = self.warnings
        routed: dict[str | None, list[SourceUsage]] = defaultdict(list)
        for source_index, source in enumerate(function.invocations):
            path = ("functions", index, "invocations", source_index)
            try:
                usage = _expand_source(source, source_index, path, warnings)
            except _NeverEnds as error:
                self.problems.append(Problem(str(error), path=(*path, "error_rate"), hint=error.hint))
                continue
            warnings.extend(_unreached_dead_letter(usage, path))
            # A durable function's attempt starts an execution of several invocations: each one is billed.
            replays = function.durable.invocations_per_execution if function.durable else ONE
            for version, share in targets(function, source.target).items():
                routed[version].append(usage.split(share).replayed(replays))
        rows = _configurations(function, index, self.workload, routed)
        self.usages.extend(rows)
        warnings.extend(_unused_error_duration(function, index, rows))
        if function.versions:
            warnings.extend(_inherited_counts(function, index, rows))

    @exact
    def finish(self) -> Expansion:
        """The usages of every function added, then the workload's MicroVMs; the warnings across functions."""
        self.warnings.extend(_concurrency_warnings(self.usages, self.workload))
        self.usages.extend(_microvms(self.workload))
        return Expansion(self.usages, self.warnings, self.problems)


def _microvms(workload: Workload) -> list[FunctionUsage]:
    """Lambda MicroVMs as rows of their own: no invocation sources, and billed by what they run and store."""
    rows = []
    for index, microvm in enumerate(workload.microvms or ()):
        spec = FunctionSpec(microvm.name, microvm.memory_mb, "arm64", 512, ZERO, ZERO, microvm.region,
                            microvm=microvm)
        rows.append(FunctionUsage(spec, index, microvm.region or workload.region, (), ZERO, ZERO))
    return rows


def _configurations(
    function: Function, index: int, workload: Workload, routed: dict[str | None, list[SourceUsage]]
) -> list[FunctionUsage]:
    """One usage per configuration that costs something: traffic, provisioned concurrency or a SnapStart cache.
    A function with versions has a row of its own only when a source targets it: its provisioned concurrency and
    SnapStart are its versions' (they inherit them), not a configuration no source reaches."""
    usages = []
    peak_factor = workload.concurrency.peak_to_average
    for version in configurations(function):
        spec = spec_of(function, version)
        sources = routed.get(version, [])
        idle = not spec.provisioned and not spec.snapstart if version else bool(function.versions)
        if not sources and idle:
            continue
        invocations = exact_sum(source.invocations for source in sources)
        failed = exact_sum(source.failed_invocations for source in sources)
        busy_ms = (invocations - failed) * spec.duration_ms + failed * spec.failed_duration_ms
        usages.append(FunctionUsage(
            spec, index, workload.region_of(function), tuple(sources), invocations, failed,
            quantize(busy_ms / 1000 / SECONDS_PER_MONTH * peak_factor),
        ))
    return usages


# Function-level keys that are amounts, not settings: every version that inherits one is billed for it again.
_INHERITED_AMOUNTS = ("provisioned_concurrency", "cold_starts_per_month")


def _inherited_counts(function: Function, index: int, rows: list[FunctionUsage]) -> list[Problem]:
    """A function's own provisioned concurrency or cold starts, inherited by several priced versions (its `rows`),
    is billed once per version: that is the README's rule, and rarely what was meant."""
    priced = [row.function.version for row in rows if row.function.version is not None]
    warnings = []
    for field in _INHERITED_AMOUNTS:
        if getattr(function, field) is None:
            continue
        heirs = [version for version in priced if getattr((function.versions or {})[version], field) is None]
        if len(heirs) > 1:
            warnings.append(Problem(
                f"{field} is written on the function, so each of its versions ({', '.join(heirs)}) inherits it and "
                "is billed for it; if only one version or alias has it, write it there",
                path=("functions", index, field),
            ))
    return warnings


def _unreached_dead_letter(usage: SourceUsage, path: tuple[str | int, ...]) -> list[Problem]:
    """A dead_letter that nothing reaches cannot cost anything: say why, so that its absent charge is not a
    surprise."""
    if usage.dead_letter is None or usage.lost:
        return []
    if not usage.error_rate:
        why = f"no {usage.volume_unit[:-1]} fails (error_rate is 0)"
    else:  # retried until it succeeds: an SQS queue without max_receive_count, a stream with max_retry_attempts -1
        limit = "max_receive_count" if usage.type == "sqs" else "max_retry_attempts"
        why = f"a failing {usage.volume_unit[:-1]} is retried until it succeeds or expires (no {limit} sends it there)"
    return [Problem(f"dead_letter has no effect on the price: {why}", path=(*path, "dead_letter"))]


def _unused_error_duration(function: Function, index: int, rows: list[FunctionUsage]) -> list[Problem]:
    """error_duration_ms bills failed attempts; a configuration none of whose attempts fails never uses it. With
    partial batch responses an SQS source's failed messages are reported by an invocation that completes."""
    warnings = []
    for row in rows:
        spec = row.function
        stated = function.error_duration_ms is not None or "error_duration_ms" in spec.stated
        if not stated or row.failed_invocations:
            continue
        if any(source.shape == "partial" and source.error_rate for source in row.sources):
            why = ("with report_batch_item_failures, the invocation that reports an SQS batch's failed messages "
                   "completes normally and is billed at duration_ms")
        else:
            why = "no attempt fails (every source's error_rate is 0)"
        warnings.append(Problem(f"error_duration_ms has no effect on the price: {why}",
                                path=spec.path(index, "error_duration_ms")))
    return list(dict.fromkeys(warnings))


def _concurrency_warnings(usages: list[FunctionUsage], workload: Workload) -> list[Problem]:
    """Throttles the estimate cannot bill: peaks above reserved concurrency or the account's regional limit."""
    warnings = []
    per_function: dict[int, Decimal] = defaultdict(Decimal)
    per_region: dict[str, Decimal] = defaultdict(Decimal)
    for usage in usages:
        per_function[usage.index] += usage.peak_concurrency
        per_region[usage.region] += usage.peak_concurrency
    # The function's own reserved concurrency (its versions share it), from its usages: the models may be gone.
    reserved_of = {usage.index: usage.function.reserved_concurrency for usage in usages}
    peak_note = f"peak-to-average {readable(workload.concurrency.peak_to_average)}"
    for index, peak in per_function.items():
        reserved = reserved_of[index]
        if reserved is not None and peak > reserved:
            warnings.append(Problem(
                f"peak concurrency {readable(peak, 2)} ({peak_note}) exceeds reserved_concurrency {reserved}: "
                "attempts above it are throttled, which the estimate does not bill and does not model",
                path=("functions", index, "reserved_concurrency"),
            ))
    limit = workload.concurrency.account_limit
    for region, peak in per_region.items():
        if peak > limit:
            warnings.append(Problem(
                f"peak concurrency in {region} is {readable(peak, 2)} ({peak_note}), above the account limit "
                f"{limit}: attempts above it are throttled, which the estimate does not bill and does not model",
                path=("concurrency", "account_limit") if "concurrency" in workload.model_fields_set else (),
            ))
    return warnings


class _NeverEnds(ValueError):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def geometric_sum(ratio: Decimal, last_power: int | None) -> Decimal:
    """Σ ratio^k for k = 0..last_power; None means the infinite series 1/(1 − ratio)."""
    if last_power is None:
        if ratio >= ONE:
            raise _NeverEnds(
                "every attempt fails and retries never stop, so the cost has no bound",
                hint="error_rate is a share of attempts, and 1 is all of them (one percent is 1% or 0.01): lower it, "
                "or set a retry limit",
            )
        return ONE / (ONE - ratio)
    if last_power < 0:
        return Decimal(0)
    if ratio == ONE:
        return Decimal(last_power + 1)
    return (ONE - ratio ** (last_power + 1)) / (ONE - ratio)


def _expires_first(success: Decimal, most: int, what: str, limit_key: str) -> None:
    """Refuse a series retried until expiry whose item or batch, succeeding with probability `success` an attempt,
    expects more attempts (1/success) than the largest retry limit allows (`most`). It would expire long before:
    the series assumes that it eventually succeeds, and its sum has no useful bound (q = 1 − 0.99^10000 gives
    4.4·10^43 attempts a batch, beyond the arithmetic). `success` is given exactly, as (1 − p)^n for a batch,
    which 1 − q would round to 0. An error rate of 1 (success 0) keeps geometric_sum's own message."""
    if success == 0 or success * most >= 1:
        return
    expected = ONE / success
    shown = readable(expected.to_integral_value()) if expected < _SHOWN_IN_FULL_BELOW else f"{expected:.1E}"
    raise _NeverEnds(
        f"retried until it succeeds, each {what} would be attempted {shown} times on average, more than a retry "
        f"limit allows ({most:,}): it would expire first, so the cost has no useful bound",
        hint=f"set {limit_key}, or lower error_rate or batch_size",
    )


def batch_failure_rate(error_rate: Decimal, batch_size: int) -> Decimal:
    """q = 1 − (1 − p)^n: the chance that at least one record of a full batch fails it."""
    return ONE - all_succeed(error_rate, batch_size)


@lru_cache(maxsize=4096)
def all_succeed(error_rate: Decimal, batch_size: int) -> Decimal:
    """(1 − p)^n: the chance that every record of a full batch succeeds. Made once per pair: at 60 digits a large
    power is costly, and the functions of a workload share a few error rates and batch sizes."""
    return ARITHMETIC.power(ARITHMETIC.subtract(ONE, error_rate), batch_size)


def _expand_source(
    source: SyncSource | AsyncSource | SqsSource | StreamSource | MqSource,
    index: int,
    path: tuple[str | int, ...],
    warnings: list[Problem],
) -> SourceUsage:
    volume = source.monthly_volume  # worked out once: it is a few lookups and a division
    if isinstance(source, SyncSource):
        return _per_event(source, volume, index, source.client_retries, "requests", "failed for good")
    if isinstance(source, AsyncSource):
        return _per_event(source, volume, index, source.max_retries, "events",
                          "to the DLQ or on-failure destination", source.payload_kb, source.dead_letter)
    warnings.extend(_batches_cannot_be_full(source, volume, path))
    if isinstance(source, SqsSource):
        return _sqs(source, volume, index, path, warnings)
    if isinstance(source, MqSource):
        return _batched(source, volume, index, MQ_REDELIVERIES, "messages", "to the broker's DLQ")
    retries: int | None = source.max_retry_attempts
    if retries == -1:
        retries = None
        warnings.append(Problem(
            f"{source.type} source retries a failing batch until its records expire "
            "(max_retry_attempts -1): a failing record blocks its shard; the estimate assumes every "
            "batch eventually succeeds",
            path=(*path, "max_retry_attempts"),
        ))
        _expires_first(all_succeed(source.error_rate, source.batch_size), MAX_RETRY_ATTEMPTS + 1, "batch",
                       f"max_retry_attempts up to {MAX_RETRY_ATTEMPTS:,}")
    # A discarded batch's on-failure destination gets one record: the failed invocation's, with the batch's metadata.
    label = "discarded, one record per batch to the on-failure destination" if source.dead_letter else "discarded"
    return _batched(source, volume, index, retries, "records", label, source.dead_letter, source.provisioned_mode,
                    notice_per_batch=True)


def _batches_cannot_be_full(
    source: SqsSource | StreamSource | MqSource, volume: Decimal, path: tuple[str | int, ...]
) -> list[Problem]:
    """The estimate takes batches to be full (V / n invocations): not even one can be when n is above the volume."""
    if not 0 < volume < source.batch_size:
        return []
    return [Problem(
        f"batch_size {source.batch_size} is larger than the {readable(volume)} items a month: the estimate's full "
        f"batches make {readable(volume / source.batch_size)} invocations, fewer than Lambda makes (at least one for "
        "each batch it delivers)",
        path=(*path, "batch_size"),
    )]


def _per_event(
    source: SyncSource | AsyncSource,
    volume: Decimal,
    index: int,
    retries: int,
    unit: str,
    lost_label: str,
    payload_kb: Decimal | None = None,
    dead_letter: str | None = None,
) -> SourceUsage:
    """Each event is retried on its own: attempts = V · Σ_{k=0..R} p^k. (The fields only an asynchronous source has
    are passed in: asking a model for a field it lacks raises and catches an error inside pydantic.)"""
    p = source.error_rate
    factor = geometric_sum(p, retries)
    invocations = volume * factor
    return SourceUsage(
        index=index,
        type=source.type,
        shape="event",
        volume=volume,
        volume_unit=unit,
        batch_size=None,
        error_rate=p,
        ratio=p,
        last_retry=retries,
        retry_factor=factor,
        invocations=invocations,
        failed_invocations=invocations * p,
        lost=volume * p ** (retries + 1),
        lost_label=lost_label,
        payload_kb=payload_kb,
        dead_letter=dead_letter,
    )


def _sqs(
    source: SqsSource, volume: Decimal, index: int, path: tuple[str | int, ...], warnings: list[Problem]
) -> SourceUsage:
    receives = None if source.max_receive_count is None else source.max_receive_count - 1
    if receives is None and source.error_rate:  # a queue whose messages never fail has no message to redrive
        warnings.append(Problem(
            "the SQS queue has no max_receive_count (redrive policy): a failing message is received "
            "again until it expires, and no dead-letter queue catches it",
            path=(*path, "max_receive_count"),
        ))
        # With partial batch responses each message returns alone; otherwise the whole batch does.
        partial = source.report_batch_item_failures
        success = all_succeed(source.error_rate, 1 if partial else source.batch_size)
        _expires_first(success, MAX_RECEIVE_COUNT, "message" if partial else "batch",
                       f"max_receive_count up to {MAX_RECEIVE_COUNT:,}")
    if not source.report_batch_item_failures:
        return _batched(source, volume, index, receives, "messages", "to the queue's DLQ", source.dead_letter,
                        source.provisioned_mode)
    # With partial batch responses only the failed messages return to the queue; the invocation that
    # reports them completes normally, so every invocation is billed at duration_ms.
    p = source.error_rate
    factor = geometric_sum(p, receives)
    return SourceUsage(
        index=index,
        type=source.type,
        shape="partial",
        volume=volume,
        volume_unit="messages",
        batch_size=source.batch_size,
        error_rate=p,
        ratio=p,
        last_retry=receives,
        retry_factor=factor,
        invocations=volume * factor / source.batch_size,
        failed_invocations=ZERO,
        lost=ZERO if receives is None else volume * p ** (receives + 1),
        lost_label="to the queue's DLQ",
        dead_letter=source.dead_letter,
        provisioned_mode=source.provisioned_mode,
    )


def _batched(
    source: SqsSource | StreamSource | MqSource,
    volume: Decimal,
    index: int,
    retries: int | None,
    unit: str,
    lost_label: str,
    dead_letter: str | None = None,
    provisioned_mode: ProvisionedMode | None = None,
    notice_per_batch: bool = False,
) -> SourceUsage:
    """Whole batches retried together: invocations = V / n × Σ q^k, q = 1 − (1 − p)^n. (An MQ source has no
    dead_letter or provisioned_mode: they are passed in, as to _per_event.)"""
    n = source.batch_size
    q = batch_failure_rate(source.error_rate, n)
    factor = geometric_sum(q, retries)
    invocations = volume / n * factor
    # The whole batch fails on each of its attempts; all its items then go to the destination.
    return SourceUsage(
        index=index,
        type=source.type,
        shape="batch",
        volume=volume,
        volume_unit=unit,
        batch_size=n,
        error_rate=source.error_rate,
        ratio=q,
        last_retry=retries,
        retry_factor=factor,
        invocations=invocations,
        failed_invocations=invocations * q,
        lost=ZERO if retries is None else volume * q ** (retries + 1),
        lost_label=lost_label,
        dead_letter=dead_letter,
        provisioned_mode=provisioned_mode,
        notice_per_batch=notice_per_batch,
    )


