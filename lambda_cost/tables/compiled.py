"""The shipped price tables compiled when the wheel is built: resolved and validated once, read in milliseconds.

Reading the tables at start-up means parsing the YAML of a version's whole `extends` chain, merging it and
validating it with pydantic: about 70 M instructions a run, the same every run. `hatch_build.py` runs that once,
when the wheel is built, and stores each resolved version pickled (the validated PricingTable, its digest and
effective date) beside this module; the wheel is then as read-only as its code.

A compiled file is used only when it is exactly what the YAML on disk would give: its key is the sha256 of every
table file's name and bytes, with the pydantic and format versions that pickled it, and its payload carries its
own sha256. A stale, foreign or damaged file is ignored (the tables are then read from YAML as before), so it can
make a run slower but never change a result. It is read only from inside the installed package, never from a
place other users or programs write to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:  # the C unpickler, which pickle.py re-exports: importing pickle.py (its pure-Python pickler, and a lookup of
    # Jython's org.python.core along sys.path) costs about 4 M instructions a run, and a run only reads.
    from _pickle import loads as _unpickle
except ImportError:  # an interpreter without the accelerator module
    from pickle import loads as _unpickle

if TYPE_CHECKING:
    from lambda_cost.model.pricing import PricingTable
    from lambda_cost.tables.catalog import TableCatalog

FORMAT = 1
# Where the wheel carries the compiled tables (hatch_build.py writes it there); absent in a source checkout.
SHIPPED = Path(__file__).with_name("compiled.pickle")


def source_key(files: Mapping[str, Path]) -> str:
    """The digest of the table files as they are on disk, and of what reads the pickle back."""
    import pydantic

    digest = hashlib.sha256(f"lambda-cost compiled tables {FORMAT}; pydantic {pydantic.VERSION}\n".encode())
    for version in sorted(files):
        data = files[version].read_bytes()
        digest.update(f"{files[version].name} {len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


class CompiledTables:
    """Each version's effective date, and its resolved table, checked and unpickled when it is first asked for."""

    def __init__(self, effective: dict[str, dt.date], tables: dict[str, tuple[str, str]],
                 pickled: dict[str, bytes]) -> None:
        self.effective = effective
        self._tables = tables  # version -> (sha256 of its pickle, digest of its resolved content)
        self._pickled = pickled

    def table(self, version: str) -> tuple[PricingTable, str] | None:
        """The validated table of a version and the digest of its content; None if its pickle is damaged."""
        checksum, digest = self._tables[version]
        pickled = self._pickled.get(version, b"")
        if hashlib.sha256(pickled).hexdigest() != checksum:
            return None
        try:
            table: PricingTable = _unpickle(pickled)
        except Exception:  # damaged in a way its checksum cannot tell: the YAML is read instead
            return None
        return table, digest


def compile_tables(catalog: TableCatalog) -> bytes:
    """Every version of `catalog`, resolved and validated from YAML, as the bytes of a compiled file.

    The file holds a header (the key and the index's checksum), the index (effective dates; each table's
    checksum and digest) and each table pickled apart, so that a run checks and unpickles only the one it uses.
    """
    import pickle  # only the build writes the file

    effective = {version: catalog.effective(version) for version in catalog.versions}
    tables, pickled = {}, {}
    for version in catalog.versions:
        resolved = catalog.resolve(version)
        pickled[version] = pickle.dumps(resolved.table, protocol=pickle.HIGHEST_PROTOCOL)
        tables[version] = (hashlib.sha256(pickled[version]).hexdigest(), resolved.sha256)
    index = pickle.dumps({"effective": effective, "tables": tables}, protocol=pickle.HIGHEST_PROTOCOL)
    header = {"key": source_key(catalog.files), "index": hashlib.sha256(index).hexdigest()}
    return pickle.dumps((header, index, pickled), protocol=pickle.HIGHEST_PROTOCOL)


def read_compiled(path: Path, files: Mapping[str, Path]) -> CompiledTables | None:
    """The compiled tables at `path` if they are those of `files` exactly; None if absent, stale or damaged."""
    try:
        header, index, pickled = _unpickle(path.read_bytes())
        if header["key"] != source_key(files) or header["index"] != hashlib.sha256(index).hexdigest():
            return None
        content: dict[str, Any] = _unpickle(index)
        compiled = CompiledTables(content["effective"], content["tables"], pickled)
    except Exception:  # absent or damaged, whatever the damage: the tables are read from YAML instead
        return None
    return compiled if set(compiled.effective) == set(files) == set(compiled._tables) else None


def differences(catalog: TableCatalog, compiled: CompiledTables) -> list[str]:
    """The versions whose compiled table differs from what `catalog` reads from YAML (the build wants none)."""
    found = []
    for version in catalog.versions:
        resolved = catalog.resolve(version)
        expected = ((resolved.table, resolved.sha256), catalog.effective(version))
        if (compiled.table(version), compiled.effective.get(version)) != expected:
            found.append(version)
    return found
