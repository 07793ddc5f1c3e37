"""`lambda-cost pricing list|show|diff|check`: inspect and verify the price tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import InputError, PricingError, Problem, TableError
from .numbers import ZERO, exact, plain
from .tables import ResolvedTable, TableCatalog


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One line of `pricing list`."""

    version: str
    effective: str
    extends: str | None
    summary: str
    private: bool
    path: str


def list_versions(catalog: TableCatalog) -> list[VersionRow]:
    """Every version, oldest first."""
    rows = []
    for version in catalog.versions:
        raw = catalog.raw(version)
        path = catalog.files[version]
        rows.append(VersionRow(version, str(catalog.effective(version)),
                               None if raw.get("extends") is None else str(raw["extends"]),
                               str(raw.get("summary", "")), path.parent != catalog.directory, str(path)))
    return rows


def flatten(resolved: ResolvedTable, region: str | None = None) -> dict[str, Any]:
    """The resolved rates and rules as dotted keys (regions.us-east-1.duration.x86_64.tier_1.price)."""
    data = resolved.table.model_dump(mode="python", exclude={"version", "effective", "summary", "sources", "notes"})
    if region is not None:
        if region not in resolved.table.regions:
            raise PricingError(f"pricing version {resolved.version} has no region {region!r}",
                               hint=f"regions: {', '.join(sorted(resolved.table.regions))}")
        data["regions"] = {region: data["regions"][region]}
    flat: dict[str, Any] = {}
    _flatten(data, "", flat)
    return flat


def _flatten(value: Any, prefix: str, into: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(value, (list, tuple)) and value and all(isinstance(item, dict) for item in value):
        for number, item in enumerate(value, start=1):
            _flatten(item, f"{prefix}.tier_{number}", into)
    elif value is not None:
        into[prefix] = value


@dataclass(frozen=True, slots=True)
class RateChange:
    """A rate or rule that differs between two versions."""

    key: str
    old: Any
    new: Any

    @property
    def change(self) -> Decimal | None:
        if isinstance(self.old, Decimal) and isinstance(self.new, Decimal):
            difference: Decimal = self.new - self.old
            return difference
        return None

    @property
    def percent(self) -> Decimal | None:
        change = self.change
        if change is None or self.old == ZERO:
            return None
        percent: Decimal = change / abs(self.old) * 100
        return percent


@exact
def diff_versions(catalog: TableCatalog, old: str, new: str, region: str | None = None) -> list[RateChange]:
    """What changed from one version to another: rates, rules and regions."""
    before = flatten(catalog.select(old), region)
    after = flatten(catalog.select(new), region)
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes.append(RateChange(key, before.get(key), after.get(key)))
    return changes


def check(catalog: TableCatalog) -> list[Problem]:
    """Every table: its file, its schema, its place in time, and complete regions."""
    problems: list[Problem] = []
    try:
        versions = catalog.versions
    except TableError as error:
        return [Problem(error.message, hint=error.hint), *error.problems]
    for version in versions:
        try:
            resolved = catalog.resolve(version)
        except TableError as error:
            problems += error.problems or [Problem(error.message, hint=error.hint, file=str(catalog.files[version]))]
            continue
        problems += _incomplete_regions(resolved)
    return problems


def _incomplete_regions(resolved: ResolvedTable) -> list[Problem]:
    """A rate that some regions of a version have and others lack is a gap in the data.

    A rate given for one region only is that service's home region (Lambda@Edge functions are created in
    us-east-1, and their rates are listed there), not a gap.
    """
    have: dict[str, set[str]] = {}
    for region, rates in resolved.table.regions.items():
        have[region] = {name for name, value in rates if value is not None}
    counts: dict[str, int] = {}
    for names in have.values():
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    every = {name for name, count in counts.items() if count > 1}
    problems = []
    for region, names in have.items():
        missing = sorted(every - names)
        if missing:
            problems.append(Problem(
                f"region {region} lacks {', '.join(missing)}, which other regions of {resolved.version} have",
                path=("regions", region),
                file=str(resolved.path),
                hint="add the rates, or state in notes why the region has none",
            ))
    return problems


def to_json(value: Any) -> str:
    """Plain data with exact decimals, as indented JSON."""
    def default(item: Any) -> str:
        if isinstance(item, Decimal):
            return plain(item)
        return str(item)

    return json.dumps(value, indent=2, ensure_ascii=False, default=default) + "\n"


def require_version(catalog: TableCatalog, version: str) -> ResolvedTable:
    """A named version (or 'latest'); a clear error otherwise."""
    if not version:
        raise InputError("name a pricing version, or 'latest'")
    return catalog.select(version)
