"""Versions and weighted aliases: which configuration each invocation source reaches, and in what share."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lambda_cost.model.pricing import Architecture
from lambda_cost.model.workload import ALIAS_PC_KEY, Function, ProvisionedConcurrency, Version

HUNDRED = Decimal(100)
_NO_OVERRIDE = Version()  # one shared empty override: a plain function builds no model of its own
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
    stated: frozenset[str] = _NOTHING_STATED  # the keys a version states itself; the others are the function's

    @classmethod
    def of(cls, function: Function, version: str | None = None) -> FunctionSpec:
        """The function's own configuration, or a version's (each key it states overrides the function's)."""
        override = (function.versions or {}).get(version or "") or _NO_OVERRIDE

        def pick(field: str) -> object:
            value = getattr(override, field)
            return getattr(function, field) if value is None else value

        duration = pick("duration_ms")
        error_duration = pick("error_duration_ms") or duration
        own_pc = pick("provisioned_concurrency")
        provisioned = (*((own_pc,) if isinstance(own_pc, ProvisionedConcurrency) else ()),
                       *alias_provisioning(function, version))
        return cls(
            function.name,
            pick("memory_mb"),  # type: ignore[arg-type]
            pick("architecture"),  # type: ignore[arg-type]
            pick("ephemeral_storage_mb"),  # type: ignore[arg-type]
            duration,  # type: ignore[arg-type]
            error_duration,  # type: ignore[arg-type]
            function.region,
            version,
            pick("runtime"),  # type: ignore[arg-type]
            pick("package_type") or "zip",  # type: ignore[arg-type]
            pick("init_duration_ms"),  # type: ignore[arg-type]
            pick("cold_start_rate"),  # type: ignore[arg-type]
            pick("cold_starts_per_month"),  # type: ignore[arg-type]
            bool(pick("snapstart")),
            pick("snapstart_active_hours"),  # type: ignore[arg-type]
            provisioned,
            function.edge.trigger if function.edge else None,
            function.response_streaming.bytes_per_response if function.response_streaming else None,
            function.log_bytes_per_invocation,
            function.reserved_concurrency,
            frozenset(override.model_fields_set) if version else _NOTHING_STATED,
        )

    def path(self, index: int, field: str) -> tuple[str | int, ...]:
        """Where a field of this configuration is written: under its version if the version states it."""
        if field in self.stated:
            return ("functions", index, "versions", str(self.version), field)
        return ("functions", index, field)

    @property
    def label(self) -> str:
        """The name a report shows: `api`, or `api:v4` for a version."""
        return self.name if self.version is None else f"{self.name}:{self.version}"


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
