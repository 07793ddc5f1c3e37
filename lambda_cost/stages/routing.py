"""Versions and weighted aliases: which configuration each invocation source reaches, and in what share."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from lambda_cost.model.usage import FunctionSpec
from lambda_cost.model.workload import ALIAS_PC_KEY, Function, ProvisionedConcurrency, Version

HUNDRED = Decimal(100)
# One shared empty override: a plain function builds no model of its own (constructed, not validated: it has
# nothing to validate, and Version's own validator is never needed).
_NO_OVERRIDE = Version.model_construct()
_NOTHING_STATED: frozenset[str] = frozenset()
_T = TypeVar("_T")


def _either(own: _T | None, inherited: _T) -> _T:
    """A version's own value of a key, else the function's."""
    return inherited if own is None else own


def spec_of(function: Function, version: str | None = None) -> FunctionSpec:
    """The function's own configuration, or a version's (each key it states overrides the function's)."""
    override = (function.versions or {}).get(version or "") or _NO_OVERRIDE
    duration = _either(override.duration_ms, function.duration_ms)
    error_duration = _either(override.error_duration_ms, function.error_duration_ms) or duration
    own_pc = _either(override.provisioned_concurrency, function.provisioned_concurrency)
    provisioned = (*((own_pc,) if isinstance(own_pc, ProvisionedConcurrency) else ()),
                   *alias_provisioning(function, version))
    return FunctionSpec(
        function.name,
        _either(override.memory_mb, function.memory_mb),
        _either(override.architecture, function.architecture),
        _either(override.ephemeral_storage_mb, function.ephemeral_storage_mb),
        duration,
        error_duration,
        function.region,
        version,
        _either(override.runtime, function.runtime),
        _either(override.package_type, function.package_type) or "zip",
        _either(override.init_duration_ms, function.init_duration_ms),
        _either(override.cold_start_rate, function.cold_start_rate),
        _either(override.cold_starts_per_month, function.cold_starts_per_month),
        bool(_either(override.snapstart, function.snapstart)),
        _either(override.snapstart_active_hours, function.snapstart_active_hours),
        provisioned,
        function.edge.trigger if function.edge else None,
        function.response_streaming.bytes_per_response if function.response_streaming else None,
        function.log_bytes_per_invocation,
        function.reserved_concurrency,
        function.durations_billed,
        frozenset(override.model_fields_set) if version else _NOTHING_STATED,
        managed_instances=function.managed_instances,
        durable=function.durable,
        tenant_isolation=function.tenant_isolation,
    )


def alias_weights(function: Function, alias: str) -> dict[str | None, Decimal]:
    """An alias's versions and their shares (0..1) of its traffic; a version at 0% receives none of it."""
    routes = (function.aliases or {}).get(alias, {})
    return {name: weight / HUNDRED for name, weight in routes.items()
            if name != ALIAS_PC_KEY and isinstance(weight, Decimal) and weight}


def alias_provisioning(function: Function, version: str | None) -> list[ProvisionedConcurrency]:
    """An alias's provisioned concurrency shared to its versions by weight (Lambda splits it that way)."""
    if version is None:
        return []
    shares = []
    for alias, routes in (function.aliases or {}).items():
        config = routes.get(ALIAS_PC_KEY)
        weight = alias_weights(function, alias).get(version)
        if isinstance(config, ProvisionedConcurrency) and weight:
            shares.append(config.model_copy(update={"units": config.units * weight}))
    return shares


def targets(function: Function, target: str | None) -> dict[str | None, Decimal]:
    """Where a source's attempts go: {version or None for the function itself: share}."""
    if target is None:
        return {None: Decimal(1)}
    if function.aliases and target in function.aliases:
        return alias_weights(function, target)
    return {target: Decimal(1)}


def configurations(function: Function) -> list[str | None]:
    """The configurations to price: the function itself, then each version, in the order written."""
    return [None, *(function.versions or {})]
