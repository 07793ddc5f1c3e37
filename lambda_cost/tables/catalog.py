"""Find, resolve (`extends`, `scale`), validate and select the versioned pricing tables: shipped and private."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lambda_cost.errors import PricingError, Problem, TableError
from lambda_cost.model.pricing import PricingTable, RegionRates
from lambda_cost.model.value import Value
from lambda_cost.numbers import ARITHMETIC
from lambda_cost.stages.load import parse, read_source
from lambda_cost.tables.compiled import SHIPPED, CompiledTables, read_compiled

LATEST = "latest"
PRICING_DIR_VARIABLE = "LAMBDA_COST_PRICING_DIR"
# Keys that belong to one file alone, and keys whose lists grow along the `extends` chain.
_OWN_KEYS = ("version", "effective", "summary", "extends", "scale")
_ACCUMULATED_KEYS = ("sources", "notes")
# `scale:` multiplies rates of every region: a negotiated discount as an overlay on a public version.
_SCALABLE = ("requests", "duration", "ephemeral_storage", "provisioned_concurrency", "provisioned_duration")


def bundled_pricing_dir() -> Path:
    """The tables shipped with the package (wheel), or pricing/ beside it in a source checkout."""
    packaged = Path(__file__).parent.parent / "pricing"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent.parent / "pricing"


def private_pricing_dirs(given: Sequence[str] = ()) -> list[Path]:
    """Directories of the user's own tables: --pricing-dir, then $LAMBDA_COST_PRICING_DIR (os.pathsep-separated)."""
    from_environment = [part for part in os.environ.get(PRICING_DIR_VARIABLE, "").split(os.pathsep) if part]
    return [Path(directory) for directory in (*given, *from_environment)]


class ResolvedTable(Value):
    """A validated table with its file and the digest of its resolved content."""

    __slots__ = ("path", "sha256", "table")

    def __init__(self, table: PricingTable, path: Path, sha256: str) -> None:
        self.table = table
        self.path = path
        self.sha256 = sha256

    @property
    def version(self) -> str:
        return self.table.version


class TableCatalog:
    """The table files of the shipped directory and any private ones, read lazily and resolved on demand.

    The shipped tables alone are read from their compiled form when the wheel carries it (tables/compiled.py);
    private tables may extend a shipped one's raw YAML, so with any of them every table is read from YAML.
    """

    def __init__(self, directory: Path | None = None, private: Sequence[Path] = (),
                 compiled: Path | None = None) -> None:
        self.directory = directory or bundled_pricing_dir()
        self.private = list(private)
        self._raw: dict[str, dict[str, Any]] = {}
        self._resolved: dict[str, ResolvedTable] = {}
        self._compiled_path = compiled or (SHIPPED if directory is None else None)

    @cached_property
    def _compiled(self) -> CompiledTables | None:
        if self._compiled_path is None or self.private:
            return None
        return read_compiled(self._compiled_path, self.files)

    @cached_property
    def files(self) -> dict[str, Path]:
        """Version id (the file name without .yaml) to file, across all directories."""
        files: dict[str, Path] = {}
        read: set[Path] = set()
        for directory in (self.directory, *self.private):
            if not directory.is_dir():
                problem = "is not a directory" if directory.exists() else "does not exist"
                raise TableError(f"pricing directory {directory} {problem}",
                                 hint=f"check --pricing-dir and ${PRICING_DIR_VARIABLE}")
            # --pricing-dir and the variable may name one directory twice, or name pricing/ of a checkout, which
            # is the shipped one: its tables are the same files, not a second definition of their versions.
            if directory.resolve() in read:
                continue
            read.add(directory.resolve())
            # .yml is as common a spelling as .yaml: a table saved under it is a table, not silently skipped.
            for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
                if path.stem == LATEST:
                    raise TableError(f"{path}: {LATEST!r} names the newest version and cannot be a table's id",
                                     hint="give the table (its file name and version) another id")
                if path.stem in files:
                    raise TableError(f"pricing version {path.stem!r} is defined twice: {files[path.stem]} and {path}",
                                     hint="give a private table a version id of its own")
                files[path.stem] = path
        return files

    @cached_property
    def versions(self) -> list[str]:
        """Version ids, oldest first by effective date; on the same date a private table comes last."""
        shipped = self.directory

        def order(version: str) -> tuple[dt.date, bool, str]:
            return self.effective(version), self.files[version].parent != shipped, version

        return sorted(self.files, key=order)

    def effective(self, version: str) -> dt.date:
        """A version's effective date, from its file (quoted or not, as a version id may be)."""
        if self._compiled is not None:
            return self._compiled.effective[version]
        value = self._read(version).get("effective")
        if value is None:
            raise TableError(f"pricing table {self.files[version]} has no effective date (effective: YYYY-MM-DD)")
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        # A YAML timestamp is a datetime, which cannot be compared with the other tables' dates.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise TableError(f"pricing table {self.files[version]}: effective {value} is not a date (YYYY-MM-DD)")
        return value

    def select(self, wanted: str | None = None, as_of: dt.date | None = None) -> ResolvedTable:
        """The table named by `wanted` ('latest' or None: the newest), or the newest in force on `as_of`."""
        versions = self.versions
        if not versions:
            raise TableError(f"no pricing tables in {self.directory}")
        # `latest` and a date contradict each other as much as any version and a date do.
        if wanted is not None and as_of is not None:
            raise PricingError(f"both a pricing version ({wanted}) and a date ({as_of}) were given",
                               hint="give one: pricing picks a version, as_of the version in force on a date")
        if as_of is not None:
            in_force = self._in_force(as_of)
            if not in_force:
                first = versions[0]
                raise PricingError(f"no pricing table was in force on {as_of}",
                                   hint=f"the oldest, {first}, takes effect on {self.effective(first)}")
            return self.resolve(in_force[-1])
        if wanted in (None, LATEST):
            return self.resolve(versions[-1])
        assert wanted is not None
        if wanted not in self.files:
            hint = f"known versions: {', '.join(versions)} (or 'latest')"
            # Reproducing an old estimate, one names its date: say which version that date means.
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(wanted)
                in_force = self._in_force(day)
                if in_force:
                    hint += f"; on {day} the version in force was {in_force[-1]} (as_of: or --as-of pick one by date)"
            raise PricingError(f"unknown pricing version {wanted!r}", hint=hint)
        return self.resolve(wanted)

    def _in_force(self, day: dt.date) -> list[str]:
        """The versions that had taken effect on `day`, oldest first."""
        return [version for version in self.versions if self.effective(version) <= day]

    def resolve(self, version: str) -> ResolvedTable:
        """Load a version, apply its `extends` chain and `scale`, and validate the result."""
        cached = self._resolved.get(version)
        if cached is not None:
            return cached
        compiled = self._compiled.table(version) if self._compiled is not None else None
        table, digest = compiled if compiled is not None else self._validated(version)
        resolved = ResolvedTable(table, self.files[version], digest)
        self._resolved[version] = resolved
        return resolved

    def _validated(self, version: str) -> tuple[PricingTable, str]:
        """A version read from YAML, resolved and validated, and the digest of its content."""
        path = self.files[version]
        try:
            table = PricingTable.model_validate(self._merged(version, ()))
        except ValidationError as error:
            problems = [
                Problem(item["msg"], path=tuple(item["loc"]), file=str(path)) for item in error.errors()
            ]
            raise TableError(f"pricing table {path} is invalid", problems=problems) from None
        # The digest of the validated values, not of the YAML: key order, quotes and how a number is written
        # ("0.20", 0.2) leave the table, and so its digest, the same; any changed rate changes it.
        return table, hashlib.sha256(_canonical_json(table.model_dump(mode="python")).encode()).hexdigest()

    def raw(self, version: str) -> dict[str, Any]:
        """A version's file as written, before `extends` is applied."""
        return self._read(version)

    def _read(self, version: str) -> dict[str, Any]:
        raw = self._raw.get(version)
        if raw is not None:
            return raw
        path = self.files[version]
        data = parse(read_source(str(path)))
        if not isinstance(data, dict):
            raise TableError(f"pricing table {path} is not a mapping")
        if str(data.get("version")) != version:
            raise TableError(
                f"pricing table {path} says version {data.get('version')!r}",
                hint=f"a table's version must be its file name: {version!r}",
            )
        # An unquoted `version: 2030-01-01` is a YAML date; the id is its text, as `pricing:` in a workload reads it.
        data["version"] = version
        self._raw[version] = data
        return data

    def _merged(self, version: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if version in seen:
            raise TableError(f"pricing tables extend each other in a loop: {' -> '.join((*seen, version))}")
        own = self._read(version)
        path = self.files[version]
        parent_version = own.get("extends")
        if parent_version is None:
            merged = {key: value for key, value in own.items() if key not in ("extends", "scale")}
        else:
            parent_version = str(parent_version)
            if parent_version not in self.files:
                raise TableError(f"pricing table {path} extends unknown version {parent_version!r}")
            if self.effective(parent_version) > self.effective(version):
                raise TableError(
                    f"pricing table {path} (effective {self.effective(version)}) extends {parent_version}, "
                    f"which takes effect later ({self.effective(parent_version)})"
                )
            parent = self._merged(parent_version, (*seen, version))
            merged = _deep_merge(parent, own)
            for key in _ACCUMULATED_KEYS:
                inherited = _listed(parent, key, self.files[parent_version])
                merged[key] = inherited + [item for item in _listed(own, key, path) if item not in inherited]
            if "derived" in parent or "derived" in own:
                merged["derived"] = _still_derived(_listed(parent, "derived", self.files[parent_version]), own) + (
                    _listed(own, "derived", path)
                )
            for key in _OWN_KEYS:
                merged.pop(key, None)
                if key in own and key not in ("extends", "scale"):
                    merged[key] = own[key]
        if "scale" in own:
            _apply_scale(merged, own["scale"], path)
        unpriced, regions = merged.get("unpriced_regions"), merged.get("regions")
        if isinstance(unpriced, dict) and isinstance(regions, dict):
            # A version that prices a region an older one could not is no longer without it.
            merged["unpriced_regions"] = {name: why for name, why in unpriced.items() if name not in regions}
        return merged

    def first_version_with(self, predicate: Callable[[PricingTable], bool]) -> ResolvedTable | None:
        """The oldest table for which predicate(table) holds, to name when a feature arrived."""
        for version in self.versions:
            try:
                resolved = self.resolve(version)
            except TableError:
                continue
            if predicate(resolved.table):
                return resolved
        return None


def region_hint(region: str, table: PricingTable, catalog: TableCatalog) -> str:
    """What would price a region that `table` lacks: a version from when it opened, or why none can."""
    first = catalog.first_version_with(lambda later: region in later.regions)
    if first is not None and first.table.effective > table.effective:
        return (f"{region} is priced from pricing version {first.version} (effective {first.table.effective}), "
                "when it opened; choose that date or later")
    if first is not None:  # a private table that extends a version older than the region
        return (f"{region} is priced from pricing version {first.version} on, which {table.version} does not "
                "extend; extend that version or a later one")
    with contextlib.suppress(TableError):
        why = catalog.select(LATEST).table.unpriced_regions.get(region)
        if why is not None:
            return f"{region} is not priced: {why}"
    return f"regions in {table.version}: {', '.join(sorted(table.regions))}"


def shared_rates(regions: Mapping[str, RegionRates]) -> set[str]:
    """The rates that more than one region has, which `pricing check` asks of every region.

    A rate that one region alone has is that service's home region (Lambda@Edge in us-east-1), not a gap.
    """
    counts = Counter(name for rates in regions.values() for name, value in rates if value is not None)
    return {name for name, count in counts.items() if count > 1}


def _still_derived(inherited: list[Any], own: dict[str, Any]) -> list[Any]:
    """The inherited `derived` entries without the rates that this version's file states itself.

    A rate a version writes comes from that version's sources (an imported offer, a correction): its provenance is
    the file that writes it, so an older entry saying it is computed no longer holds for it.
    """
    written, replaced = _written(own.get("regions"))
    kept: list[Any] = []
    for entry in inherited:
        rates, regions = (entry.get("rates"), entry.get("regions")) if isinstance(entry, dict) else (None, None)
        if not isinstance(rates, list) or not isinstance(regions, list):
            kept.append(entry)  # not shaped like an entry: validation names the problem
            continue
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for region in regions:
            left = tuple(rate for rate in rates if not _is_written(region, rate, written, replaced))
            if left:
                groups.setdefault(left, []).append(region)
        kept += [{**entry, "rates": list(left), "regions": names} for left, names in groups.items()]
    return kept


def _written(regions: Any) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The (region, rate key) pairs a file states, and the lists (duration tiers) it replaces whole."""
    written: set[tuple[str, str]] = set()
    replaced: set[tuple[str, str]] = set()

    def walk(region: str, value: Any, key: str) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(region, item, f"{key}.{name}" if key else str(name))
        elif isinstance(value, list):
            replaced.add((region, key))  # a list is not merged: every tier of it comes from this file
        else:
            written.add((region, key))

    for region, rates in (regions.items() if isinstance(regions, dict) else ()):
        walk(str(region), rates, "")
    return written, replaced


def _is_written(region: Any, rate: Any, written: set[tuple[str, str]], replaced: set[tuple[str, str]]) -> bool:
    key = str(rate)
    return (str(region), key) in written or any(
        (str(region), key[:end]) in replaced for end in range(len(key)) if key[end] == "."
    )


def _apply_scale(merged: dict[str, Any], scale: Any, path: Path) -> None:
    """Multiply the rates `scale` names in every region (e.g. duration: 0.92 for 8% off)."""
    if not isinstance(scale, dict) or not scale:
        raise TableError(f"pricing table {path}: scale is a mapping such as {{duration: 0.92}}")
    factors = {}
    for key, value in scale.items():
        if key not in _SCALABLE:
            raise TableError(f"pricing table {path}: cannot scale {key!r}", hint=f"scalable: {', '.join(_SCALABLE)}")
        try:
            factor = Decimal(str(value))
        except InvalidOperation:
            factor = Decimal("NaN")
        # Checked here: a negative factor would otherwise be one schema error for every rate it scales.
        if not factor.is_finite() or factor < 0:
            raise TableError(f"pricing table {path}: scale.{key} must be a number of 0 or more, not {value}")
        factors[key] = factor
    regions = merged.get("regions", {})
    if not isinstance(regions, dict):
        return  # validation names the problem, with the file and the field
    # The regions may be shared with the parent's cached data: scale a copy. Whatever is not shaped like a rate
    # is left as written, so that validation reports it at its path instead of failing here.
    merged["regions"] = copy.deepcopy(regions)
    for rates in merged["regions"].values():
        if not isinstance(rates, dict):
            continue
        if "requests" in factors and "requests_per_million" in rates:
            rates["requests_per_million"] = _times(rates["requests_per_million"], factors["requests"])
        duration = rates.get("duration")
        if "duration" in factors and isinstance(duration, dict):
            for architecture, tiers in duration.items():
                if isinstance(tiers, list):
                    duration[architecture] = [
                        {**tier, "price": _times(tier["price"], factors["duration"])}
                        if isinstance(tier, dict) and "price" in tier else tier
                        for tier in tiers
                    ]
        if "ephemeral_storage" in factors and rates.get("ephemeral_storage") is not None:
            rates["ephemeral_storage"] = _times(rates["ephemeral_storage"], factors["ephemeral_storage"])
        for key in ("provisioned_concurrency", "provisioned_duration"):
            if key in factors and isinstance(rates.get(key), dict):
                rates[key] = {arch: _times(price, factors[key]) for arch, price in rates[key].items()}


def _times(price: Any, factor: Decimal) -> Any:
    """price × factor; a price that is not a number stays as written, for validation to report.

    At the working precision, not the caller's: the rate, and so the table's digest, are the same in any context.
    """
    try:
        return ARITHMETIC.multiply(Decimal(str(price)), factor)
    except InvalidOperation:
        return price


def _listed(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    """The items of `sources` or `notes`, to add to the inherited ones; an empty key (`notes:`) has none."""
    items = data.get(key) or []
    if not isinstance(items, list):
        raise TableError(f"pricing table {path}: {key} must be a list, one '- ' item a line")
    return list(items)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(ARITHMETIC), "f")  # not the caller's precision: a digest is one value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_json_default)
