"""Find, resolve (`extends`), validate and select the versioned pricing tables shipped as data."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import PricingError, Problem, TableError
from .load import parse, read_source
from .model.pricing import PricingTable

LATEST = "latest"
# Keys that belong to one file alone, and keys whose lists grow along the `extends` chain.
_OWN_KEYS = ("version", "effective", "summary", "extends")
_ACCUMULATED_KEYS = ("sources", "notes")


def bundled_pricing_dir() -> Path:
    """The tables shipped with the package (wheel), or pricing/ beside it in a source checkout."""
    packaged = Path(__file__).parent / "pricing"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "pricing"


@dataclass(frozen=True)
class ResolvedTable:
    """A validated table with its file and the digest of its resolved content."""

    table: PricingTable
    path: Path
    sha256: str

    @property
    def version(self) -> str:
        return self.table.version


class TableCatalog:
    """All table files of a directory, read lazily and resolved on demand."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or bundled_pricing_dir()
        self._raw: dict[str, dict[str, Any]] = {}
        self._resolved: dict[str, ResolvedTable] = {}

    @cached_property
    def files(self) -> dict[str, Path]:
        if not self.directory.is_dir():
            raise TableError(f"pricing directory {self.directory} does not exist")
        return {path.stem: path for path in sorted(self.directory.glob("*.yaml"))}

    @property
    def versions(self) -> list[str]:
        """Version ids, oldest first (ids are effective dates, so they sort as dates)."""
        return sorted(self.files)

    def select(self, wanted: str | None) -> ResolvedTable:
        """The table named by `wanted` ('latest' or None for the newest)."""
        versions = self.versions
        if not versions:
            raise TableError(f"no pricing tables in {self.directory}")
        if wanted in (None, LATEST):
            return self.resolve(versions[-1])
        assert wanted is not None
        if wanted not in self.files:
            raise PricingError(
                f"unknown pricing version {wanted!r}",
                hint=f"known versions: {', '.join(versions)} (or 'latest')",
            )
        return self.resolve(wanted)

    def resolve(self, version: str) -> ResolvedTable:
        """Load a version, apply its `extends` chain and validate the result."""
        cached = self._resolved.get(version)
        if cached is not None:
            return cached
        merged = self._merged(version, ())
        path = self.files[version]
        try:
            table = PricingTable.model_validate(merged)
        except ValidationError as error:
            problems = [
                Problem(item["msg"], path=tuple(item["loc"]), file=str(path)) for item in error.errors()
            ]
            raise TableError(f"pricing table {path} is invalid", problems=problems) from None
        digest = hashlib.sha256(_canonical_json(merged).encode()).hexdigest()
        resolved = ResolvedTable(table, path, digest)
        self._resolved[version] = resolved
        return resolved

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
        self._raw[version] = data
        return data

    def _merged(self, version: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if version in seen:
            raise TableError(f"pricing tables extend each other in a loop: {' -> '.join((*seen, version))}")
        own = self._read(version)
        parent_version = own.get("extends")
        if parent_version is None:
            return {key: value for key, value in own.items() if key != "extends"}
        parent_version = str(parent_version)
        if parent_version not in self.files:
            raise TableError(f"pricing table {self.files[version]} extends unknown version {parent_version!r}")
        if parent_version >= version:
            raise TableError(
                f"pricing table {self.files[version]} extends {parent_version}, which is not older than it"
            )
        parent = self._merged(parent_version, (*seen, version))
        merged = _deep_merge(parent, own)
        for key in _ACCUMULATED_KEYS:
            inherited = list(parent.get(key, []))
            merged[key] = inherited + [item for item in own.get(key, []) if item not in inherited]
        for key in _OWN_KEYS:
            merged.pop(key, None)
            if key in own and key != "extends":
                merged[key] = own[key]
        return merged

    def first_version_with(self, predicate: Any) -> ResolvedTable | None:
        """The oldest table for which predicate(table) holds, to name when a feature arrived."""
        for version in self.versions:
            try:
                resolved = self.resolve(version)
            except TableError:
                continue
            if predicate(resolved.table):
                return resolved
        return None


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
        return format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_json_default)
