"""What the tables say and how they differ: the version list, flattened rates, changes, and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from lambda_cost.errors import InputError, LambdaCostError, LoadError, PricingError, Problem, TableError
from lambda_cost.model.pricing import rate_values
from lambda_cost.numbers import ARITHMETIC, ZERO, exact, plain
from lambda_cost.tables.catalog import ResolvedTable, TableCatalog, shared_rates


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


def flatten(resolved: ResolvedTable, region: str | None = None, *, region_required: bool = True) -> dict[str, Any]:
    """The resolved rates and rules as dotted keys (regions.us-east-1.duration.x86_64.tier_1.price).

    Without `region_required`, a region the version lacks has no keys (a diff shows it added or removed).
    """
    # Provenance (sources, notes, which rates are derived, which regions cannot be priced) is not a rate or a rule.
    data = resolved.table.model_dump(mode="python", exclude={"version", "effective", "summary", "sources", "notes",
                                                             "derived", "unpriced_regions"})
    if region is not None:
        if region not in resolved.table.regions and region_required:
            raise PricingError(f"pricing version {resolved.version} has no region {region!r}",
                               hint=f"regions: {', '.join(sorted(resolved.table.regions))}")
        data["regions"] = {name: rates for name, rates in data["regions"].items() if name == region}
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
    tables = catalog.select(old), catalog.select(new)
    if region is not None and all(region not in resolved.table.regions for resolved in tables):
        known = sorted({name for resolved in tables for name in resolved.table.regions})
        raise PricingError(f"neither {tables[0].version} nor {tables[1].version} has region {region!r}",
                           hint=f"regions: {', '.join(known)}")
    # A region one version lacks is a region added (or removed): its rates are the change.
    before, after = (flatten(resolved, region, region_required=False) for resolved in tables)
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes.append(RateChange(key, before.get(key), after.get(key)))
    return changes


def check(catalog: TableCatalog) -> list[Problem]:
    """Every table: its file, its schema, its place in time, and complete regions."""
    try:
        files = catalog.files
    except TableError as error:
        return [Problem(error.message, hint=error.hint), *error.problems]
    problems: list[Problem] = []
    # File by file rather than in date order: ordering needs every file readable, and one broken file must not
    # hide the problems of the others.
    for version, path in files.items():
        found: list[Problem] = []
        resolved = None
        def resolve_once(version: str) -> ResolvedTable:
            return catalog.resolve(version, keep=False)  # each once: thousands need not all be held

        for step in (catalog.effective, resolve_once):  # each says every problem it finds
            try:
                result = step(version)
            except (LoadError, TableError) as error:  # unreadable YAML, or a table that is wrong
                found += _problems_of(error, path)
                if isinstance(error, LoadError):
                    break
                continue
            if isinstance(result, ResolvedTable):
                resolved = result
        if resolved is not None:
            found += _missing_rates(resolved) + _incomplete_regions(resolved)
            if not _scaled(catalog, version):
                found += _derivations_differ(resolved)
        # The date said once (not also as a missing key); a table that extends a broken one fails with its
        # parent's problem: report that once.
        dated = [problem for problem in found if problem.path == ("effective",)][:1]
        problems += [problem for problem in found if problem not in problems and (
            problem.path != ("effective",) or problem in dated)]
    return problems


def _problems_of(error: LambdaCostError, path: Path) -> list[Problem]:
    """An error's problems; one without any is one, shown after its file's name (which it need not repeat)."""
    message = error.message.removeprefix(f"pricing table {path}: ").removeprefix(f"pricing table {path} ")
    return error.problems or [Problem(message.removeprefix(f"{path}: "), hint=error.hint, file=str(path))]


def _missing_rates(resolved: ResolvedTable) -> list[Problem]:
    """Every rate that a dimension the version bills needs, in every region: one problem per region and rate."""
    table = resolved.table
    needed = table.required_rates()
    problems = []
    for region, rates in table.regions.items():
        have = rate_values(rates)
        for rate, dimension in needed.items():
            if rate not in have:
                problems.append(Problem(
                    f"pricing table {table.version}: region {region} has no rate {rate}, which {dimension} needs",
                    path=("regions", region, *rate.split(".")[:1]),
                    file=str(resolved.path),
                    hint=f"give {region} the rate, or leave it out of the table and list it under unpriced_regions",
                ))
    return problems


def _derivations_differ(resolved: ResolvedTable) -> list[Problem]:
    """A derived rate that its rule does not give: a typo in the rate, or a rule that does not describe it."""
    table = resolved.table
    values = {name: rate_values(rates) for name, rates in table.regions.items()}
    problems = []
    for derivation in table.derived:
        for region in derivation.regions:
            for rate in derivation.rates:
                value = values[region][rate]
                source_region, source_rate = derivation.reference(region, rate)
                # At the places the rate is written with, as the tables round derived figures.
                expected = (values[source_region][source_rate] * derivation.times).quantize(
                    value, rounding=ROUND_HALF_UP, context=ARITHMETIC
                )
                if value != expected:
                    problems.append(Problem(
                        f"pricing table {table.version}: {rate} of region {region} is {plain(value)}, but its "
                        f"derivation makes it {plain(expected)} ({source_rate} of {source_region} x "
                        f"{plain(derivation.times)}: {derivation.why})",
                        path=("derived",),
                        file=str(resolved.path),
                        hint="correct the rate, or the entry under derived: if the rate is sourced, take it out",
                    ))
    return problems


def _scaled(catalog: TableCatalog, version: str) -> bool:
    """Whether a version or one it extends scales its rates (a negotiated discount): derived rates no longer hold
    to the digit after scaling, so they are checked only in unscaled versions."""
    seen: set[str] = set()
    current: str | None = version
    while current is not None and current in catalog.files and current not in seen:
        seen.add(current)
        raw = catalog.raw(current)
        if "scale" in raw:
            return True
        current = None if raw.get("extends") is None else str(raw["extends"])
    return False


def _incomplete_regions(resolved: ResolvedTable) -> list[Problem]:
    """A rate that some regions of a version have and others lack is a gap in the data.

    A rate given for one region only is that service's home region (Lambda@Edge functions are created in
    us-east-1, and their rates are listed there), not a gap.
    """
    # The rates that a billed dimension needs are reported one by one by _missing_rates.
    every = shared_rates(resolved.table.regions) - {key.split(".")[0] for key in resolved.table.required_rates()}
    problems = []
    for region, rates in resolved.table.regions.items():
        missing = sorted(every - {name for name, value in rates if value is not None})
        if missing:
            problems.append(Problem(
                f"region {region} lacks {', '.join(missing)}, which other regions of {resolved.version} have",
                path=("regions", region),
                file=str(resolved.path),
                hint="give it the rates; a rate that one region alone has is read as that service's home region",
            ))
    return problems


def require_version(catalog: TableCatalog, version: str) -> ResolvedTable:
    """A named version (or 'latest'); a clear error otherwise."""
    if not version:
        raise InputError("name a pricing version, or 'latest'")
    return catalog.select(version)
