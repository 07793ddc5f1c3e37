"""Fit: whether the chosen table can price the usage — its regions, limits, and the dimensions it predates."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import partial

from lambda_cost.errors import Problem
from lambda_cost.model.pricing import Billing, PricingTable
from lambda_cost.model.usage import FunctionSpec, FunctionUsage
from lambda_cost.tables.catalog import ResolvedTable, TableCatalog, region_hint

Predicate = Callable[[PricingTable], bool]
Arrived = Callable[[Predicate], str]
Predates = Callable[[str, tuple[str | int, ...], Predicate], None]
# What `arrived` says when no pricing table has a dimension.
NO_TABLE_HAS_IT = "no pricing table has it"


def dimension_problems(usage: FunctionUsage, table: PricingTable, arrived: Arrived) -> list[Problem]:
    """Every problem of one configuration with the dimensions that arrived after launch."""
    spec = usage.function
    rates = table.regions.get(usage.region)
    if rates is None:
        return []  # the unknown region is reported already
    base: tuple[str | int, ...] = ("functions", usage.index)
    path = base if spec.version is None else (*base, "versions", spec.version)
    billing = table.billing
    problems = []

    def predates(what: str, field_path: tuple[str | int, ...], predicate: Predicate) -> None:
        since = arrived(predicate)
        if since == NO_TABLE_HAS_IT:  # not a matter of the version: no newer one helps
            hint = "SnapStart supports Java, Python and .NET" if "SnapStart" in what else since
            problems.append(Problem(f"no pricing version prices {what}", path=field_path, hint=hint))
            return
        problems.append(Problem(f"pricing version {table.version} predates {what}", path=field_path,
                                hint=since + "; choose a newer pricing version"))

    if spec.provisioned:
        pc_rates = rates.provisioned_concurrency or {}
        if billing.provisioned_concurrency_rounding_s is None or spec.architecture not in pc_rates:
            what = f"provisioned concurrency ({spec.architecture}, {usage.region})"
            predates(what, (*path, "provisioned_concurrency"),
                     partial(_has_pc, region=usage.region, architecture=spec.architecture))
    if spec.snapstart and spec.runtime is not None:  # without a runtime, validation has said so
        family = billing.runtime_family(spec.runtime)
        has_snapstart = partial(_has_snapstart, runtime=spec.runtime)
        if family not in (billing.snapstart_runtimes or ()):
            predates(f"SnapStart for runtime {spec.runtime}", (*path, "snapstart"), has_snapstart)
        elif not billing.snapstart_supports(spec.runtime):
            oldest = billing.snapstart_minimum(family)
            problems.append(Problem(f"SnapStart does not run on {spec.runtime}: it needs {family} {oldest} or newer",
                                    path=(*path, "snapstart"),
                                    hint="choose a newer runtime, or remove snapstart"))
        elif family in billing.snapstart_charged_runtimes and rates.snapstart is None:
            predates(f"SnapStart rates in {usage.region}", (*path, "snapstart"), has_snapstart)
    if spec.streaming_bytes is not None and rates.response_streaming_per_gb is None:
        predates("response streaming", (*base, "response_streaming"), partial(_has_streaming, region=usage.region))
    if spec.edge_trigger is not None:
        problems.extend(_edge_problems(usage, table, base, predates))
    if spec.log_bytes is not None and (rates.related is None or rates.related.cloudwatch_logs_ingestion_per_gb is None):
        predates("CloudWatch Logs rates", (*base, "log_bytes_per_invocation"), _has_logs)
    problems.extend(_mode_problems(usage, table, base, predates))
    for source in usage.sources:
        source_path = (*base, "invocations", source.index)
        if source.payload_kb is not None:
            rule = billing.async_payload
            classic = billing.async_payload_max_kb
            if rule is None and (classic is None or source.payload_kb > classic):
                above = "" if classic is None else f" above {classic} KB"
                predates(f"asynchronous payloads{above} (payload_kb)", (*source_path, "payload_kb"), _has_payload)
            elif rule is not None and source.payload_kb > rule.max_kb:
                problems.append(Problem(f"an asynchronous payload is at most {rule.max_kb} KB, not {source.payload_kb}",
                                        path=(*source_path, "payload_kb"), hint="lower payload_kb"))
        if source.provisioned_mode is not None:
            kind = "sqs" if source.type == "sqs" else "kafka"
            if kind not in (rates.esm_provisioned_epu_hour or {}):
                predates(f"provisioned mode for {kind} event source mappings", (*source_path, "provisioned_mode"),
                         partial(_has_esm, kind=kind))
    return problems


def _edge_problems(
    usage: FunctionUsage, table: PricingTable, path: tuple[str | int, ...], predates: Predates
) -> list[Problem]:
    spec = usage.function
    rates = table.regions[usage.region]
    limits = table.billing.edge_limits
    if rates.edge is None or limits is None:
        if table.billing.edge_limits is None:
            predates("Lambda@Edge", (*path, "edge"), _has_edge)
            return []
        return [Problem(f"Lambda@Edge functions are created in us-east-1, not {usage.region}", path=(*path, "edge"),
                        hint="set region: us-east-1 on the function")]
    problems = []
    allowed = table.billing.edge_architectures or ()
    if spec.architecture not in allowed:
        named = " or ".join(allowed) or "no architecture this table names"
        problems.append(Problem(f"Lambda@Edge runs {named} only", path=(*path, "architecture"),
                                hint=f"set architecture: {allowed[0]}" if allowed else None))
    assert spec.edge_trigger is not None
    kind = "viewer" if spec.edge_trigger.startswith("viewer") else "origin"
    limit = limits[kind]  # type: ignore[index]
    article = "a viewer" if kind == "viewer" else "an origin"
    if spec.memory_mb > limit.max_memory_mb:
        hint = "lower memory_mb or use an origin trigger" if kind == "viewer" else "lower memory_mb"
        problems.append(Problem(f"{article} trigger allows at most {limit.max_memory_mb} MB, not {spec.memory_mb}",
                                path=(*path, "memory_mb"), hint=hint))
    durations = [("duration_ms", spec.duration_ms)]
    if spec.failed_duration_ms != spec.duration_ms:  # else error_duration_ms is not given: one problem is enough
        durations.append(("error_duration_ms", spec.failed_duration_ms))
    for field, value in durations:
        if value > limit.max_duration_ms:
            problems.append(Problem(f"{article} trigger runs at most {limit.max_duration_ms} ms, not {value}",
                                    path=(*path, field), hint="a longer attempt is stopped at the limit"))
    return problems


def _mode_problems(
    usage: FunctionUsage, table: PricingTable, path: tuple[str | int, ...], predates: Predates
) -> list[Problem]:
    """Managed Instances need the rule and the instance type's EC2 price in the region; durable functions and
    tenant isolation their rates."""
    spec = usage.function
    rates = table.regions[usage.region]
    problems = []
    managed = spec.managed_instances
    if managed is not None:
        if table.billing.managed_instances is None:
            predates("Lambda Managed Instances", (*path, "managed_instances"), _has_managed)
        elif managed.instance_type not in (rates.managed_instances or {}):
            priced = ", ".join(sorted(rates.managed_instances or {})) or "none"
            problems.append(Problem(
                f"pricing version {table.version} has no EC2 price for instance type {managed.instance_type} in "
                f"{usage.region}",
                path=(*path, "managed_instances", "instance_type"),
                hint=f"instance types priced there: {priced}; `lambda-cost pricing import` reads more from AWS's "
                "AmazonEC2 offer file",
            ))
    if spec.durable is not None and (table.billing.durable is None or rates.durable is None):
        predates(f"durable functions ({usage.region})", (*path, "durable"), partial(_has_durable, region=usage.region))
    if spec.tenant_isolation is not None and spec.architecture not in (rates.tenant_isolation or {}):
        predates(f"tenant isolation ({spec.architecture}, {usage.region})", (*path, "tenant_isolation"),
                 partial(_has_tenant_isolation, region=usage.region, architecture=spec.architecture))
    return problems


def _microvm_problems(usage: FunctionUsage, table: PricingTable, arrived: Arrived) -> list[Problem]:
    """Lambda MicroVMs need the table's rules and the region's rates."""
    path: tuple[str | int, ...] = ("microvms", usage.index)
    rules = table.billing.microvms
    if rules is None:
        return [Problem(f"pricing version {table.version} predates Lambda MicroVMs", path=path,
                        hint=arrived(_has_microvms) + "; choose a newer pricing version")]
    rates = table.regions.get(usage.region)
    if rates is None or rates.microvms is None:
        priced = ", ".join(sorted(name for name, r in table.regions.items() if r.microvms)) or "none"
        field = "region" if usage.function.region else None
        return [Problem(f"pricing version {table.version} has no Lambda MicroVMs rates for {usage.region}",
                        path=(*path, field) if field else path, hint=f"regions priced: {priced}")]
    microvm = usage.function.microvm
    assert microvm is not None
    most = microvm.memory_mb * rules.max_peak_multiple
    if microvm.peak_memory_mb is not None and microvm.peak_memory_mb > most:
        return [Problem(f"a MicroVM scales to at most {rules.max_peak_multiple} × memory_mb ({most} MB), not "
                        f"{microvm.peak_memory_mb}", path=(*path, "peak_memory_mb"),
                        hint="raise memory_mb or lower peak_memory_mb")]
    return []


def _has_microvms(table: PricingTable) -> bool:
    return table.billing.microvms is not None


def _has_managed(table: PricingTable) -> bool:
    return table.billing.managed_instances is not None


def _has_durable(table: PricingTable, region: str) -> bool:
    rates = table.regions.get(region)
    return table.billing.durable is not None and bool(rates and rates.durable)


def _has_tenant_isolation(table: PricingTable, region: str, architecture: str) -> bool:
    rates = table.regions.get(region)
    return bool(rates and rates.tenant_isolation and architecture in rates.tenant_isolation)


def _has_pc(table: PricingTable, region: str, architecture: str) -> bool:
    rates = table.regions.get(region)
    return bool(rates and rates.provisioned_concurrency and architecture in rates.provisioned_concurrency)


def _has_snapstart(table: PricingTable, runtime: str | None) -> bool:
    return table.billing.runtime_family(runtime) in (table.billing.snapstart_runtimes or ())


def _has_streaming(table: PricingTable, region: str) -> bool:
    rates = table.regions.get(region)
    return bool(rates and rates.response_streaming_per_gb is not None)


def _has_edge(table: PricingTable) -> bool:
    return table.billing.edge_limits is not None


def _has_logs(table: PricingTable) -> bool:
    return any(r.related and r.related.cloudwatch_logs_ingestion_per_gb is not None for r in table.regions.values())


def _has_payload(table: PricingTable) -> bool:
    return table.billing.async_payload is not None


def _has_esm(table: PricingTable, kind: str) -> bool:
    return any(kind in (r.esm_provisioned_epu_hour or {}) for r in table.regions.values())


# The package kinds the INIT billing rule names, as a sentence says them.
_PACKAGE_KINDS = {"zip_managed": "ZIP functions on managed runtimes", "custom_runtime": "functions on custom runtimes",
                  "image": "container images"}


def init_unbilled(spec: FunctionSpec, billing: Billing) -> str | None:
    """Why this configuration's INIT phase is not billed as duration; None when it is."""
    if spec.snapstart:
        if billing.runtime_family(spec.runtime) in billing.snapstart_charged_runtimes:
            return "SnapStart restores a snapshot instead of running INIT, and bills the restore (snapstart_restore)"
        return f"SnapStart restores a snapshot instead of running INIT, free for {billing.runtime_family(spec.runtime)}"
    kind = billing.package_kind(spec.package_type, spec.runtime)
    if kind in (billing.init_billed or ()):
        return None
    return f"this pricing version does not bill the INIT phase of {_PACKAGE_KINDS[kind]}"


def settings_without_effect(usages: list[FunctionUsage], resolved: ResolvedTable, catalog: TableCatalog
                            ) -> list[Problem]:
    """Settings the workload gives that cannot change what the chosen table bills, and why: INIT that is not billed
    (SnapStart, or a package kind the table does not bill it for), cold starts of a free SnapStart runtime."""
    table = resolved.table
    billing = table.billing
    warnings = []
    for usage in usages:
        spec = usage.function
        family = billing.runtime_family(spec.runtime)
        given = [key for key in ("init_duration_ms", "cold_start_rate", "cold_starts_per_month",
                                 "snapstart_active_hours") if getattr(spec, key) is not None]
        if spec.snapstart and family in (billing.snapstart_runtimes or ()) and (
                family not in billing.snapstart_charged_runtimes):
            reason = f"SnapStart on {family} is free: no INIT, snapshot cache or restore is billed"
        elif spec.snapstart:
            given = [key for key in given if key == "init_duration_ms"]
            reason = str(init_unbilled(spec, billing))
        elif spec.init_duration_ms is not None and init_unbilled(spec, billing) is not None:
            given = [key for key in given if key != "snapstart_active_hours"]
            kind = billing.package_kind(spec.package_type, spec.runtime)
            reason = f"pricing version {table.version} does not bill the INIT phase of {_PACKAGE_KINDS[kind]}"
            first = catalog.first_version_with(partial(_bills_init, kind=kind))
            reason += f"; from pricing version {first.version} it does" if first else ""
        else:
            continue
        if given:
            keys = " and ".join([", ".join(given[:-1]), given[-1]] if len(given) > 1 else given)
            verb = "has" if len(given) == 1 else "have"
            warnings.append(Problem(f"{keys} {verb} no effect on the price: {reason}",
                                    path=spec.path(usage.index, given[0])))
    return list(dict.fromkeys(warnings))  # a function's setting, inherited by several versions, is said once


def _bills_init(table: PricingTable, kind: str) -> bool:
    return kind in (table.billing.init_billed or ())


def check_compatible(usages: list[FunctionUsage], resolved: ResolvedTable, catalog: TableCatalog) -> list[Problem]:
    """What the chosen table cannot price: an unknown region, or a feature it predates."""
    table = resolved.table
    billing = table.billing
    problems: list[Problem] = []

    def arrived(predicate: Callable[[PricingTable], bool]) -> str:
        first = catalog.first_version_with(predicate)
        if first is None:
            return NO_TABLE_HAS_IT
        return f"it arrived with pricing version {first.version} (effective {first.table.effective})"

    for usage in usages:
        function = usage.function
        if function.microvm is not None:
            problems.extend(_microvm_problems(usage, table, arrived))
            continue
        path: tuple[str | int, ...] = ("functions", usage.index)
        if usage.region not in table.regions:
            field = "region" if function.region else None
            problems.append(Problem(
                f"pricing version {table.version} has no rates for region {usage.region!r}",
                path=(*path, field) if field else ("region",),
                hint=_region_hint(usage.region, table, catalog),
            ))
        if function.architecture not in billing.architectures:
            architecture = function.architecture
            problems.append(Problem(
                f"pricing version {table.version} predates architecture {architecture}",
                path=function.path(usage.index, "architecture"),
                hint=arrived(partial(_architecture_allowed, architecture=architecture))
                + "; choose a newer pricing version or another architecture",
            ))
        memory = billing.memory_mb
        if not memory.min <= function.memory_mb <= memory.max or (function.memory_mb - memory.min) % memory.step:
            mb = function.memory_mb
            problems.append(Problem(
                f"pricing version {table.version} allows memory_mb {memory.min}..{memory.max} "
                f"in steps of {memory.step}, not {mb}",
                path=function.path(usage.index, "memory_mb"),
                hint=arrived(partial(_memory_allowed, mb=mb)),
            ))
        storage = billing.ephemeral_storage_mb
        if not storage.min <= function.ephemeral_storage_mb <= storage.max:
            mb = function.ephemeral_storage_mb
            problems.append(Problem(
                f"pricing version {table.version} allows ephemeral_storage_mb {storage.min}..{storage.max}, "
                f"not {mb}",
                path=function.path(usage.index, "ephemeral_storage_mb"),
                hint=arrived(partial(_storage_allowed, mb=mb)),
            ))
        problems.extend(dimension_problems(usage, resolved.table, arrived))
    # The workload's region, or a function's field, is one problem however many rows (versions) share it.
    return list(dict.fromkeys(problems))


def _region_hint(region: str, table: PricingTable, catalog: TableCatalog) -> str:
    """Which version prices the region; a region no table knows is likely a typo: the nearest one is suggested."""
    hint = region_hint(region, table, catalog)
    match = difflib.get_close_matches(region, list(table.regions), n=1, cutoff=0.8)
    if match and hint.startswith("regions in "):  # no version prices it at all
        return f"did you mean {match[0]!r}? {hint}"
    return hint


def _architecture_allowed(table: PricingTable, architecture: str) -> bool:
    return architecture in table.billing.architectures


def _storage_allowed(table: PricingTable, mb: int) -> bool:
    storage = table.billing.ephemeral_storage_mb
    return storage.min <= mb <= storage.max


def _memory_allowed(table: PricingTable, mb: int) -> bool:
    memory = table.billing.memory_mb
    return memory.min <= mb <= memory.max and (mb - memory.min) % memory.step == 0
