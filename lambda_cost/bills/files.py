"""The files of a bill: --bill arguments (files, directories, globs) to files, each told apart by its content."""

from __future__ import annotations

import csv
import glob
import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from lambda_cost.errors import InputError, Problem

PARQUET = "parquet"
CSV = "csv"
JSON = "json"
_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_HEADER_BYTES = 4 * 1024 * 1024  # a CSV header longer than this is no bill's (CUR 2.0 has about 130 columns)
_GLOB_CHARACTERS = frozenset("*?[")
# Exports put these beside the data: a legacy CUR's manifest, Data Exports' metadata.
_NOT_DATA = ("manifest",)


@dataclass(frozen=True, slots=True)
class BillFile:
    """One file of a bill, with what its first bytes say it is."""

    path: str
    kind: str  # parquet | csv | json
    compressed: bool = False


def expand(inputs: list[str]) -> list[str]:
    """Every file the --bill arguments name, in order, each once: a directory's data files, a glob's matches."""
    problems: list[Problem] = []
    found: list[str] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            inside = sorted(
                str(p) for p in path.rglob("*")
                if p.is_file() and not _hidden(p.relative_to(path)) and not _metadata(p)
            )
            if not inside:
                problems.append(Problem("a directory with no bill files in it", file=given,
                                        hint="give the folder the export wrote its CSV or Parquet files to"))
            found.extend(inside)
        elif path.is_file():
            found.append(given)
        elif _GLOB_CHARACTERS.intersection(given):
            matches = sorted(m for m in glob.glob(given, recursive=True) if Path(m).is_file())
            if not matches:
                problems.append(Problem("no file matches this pattern", file=given))
            found.extend(matches)
        else:
            problems.append(Problem("no such file or directory", file=given, hint="check the path"))
    if problems:
        raise InputError("cannot find the bill", problems=problems)
    unique: dict[Path, str] = {}
    for name in found:
        unique.setdefault(Path(name).resolve(), name)
    return list(unique.values())


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _metadata(path: Path) -> bool:
    return any(word in path.name.lower() for word in _NOT_DATA) and path.suffix.lower() == ".json"


def sniff(path: str) -> BillFile:
    """What kind of file this is, from its first bytes (not its name)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror or error}") from None
    if not head:
        raise InputError(f"{path}: an empty file, not a bill",
                         hint="give a CUR or CUR 2.0 export (CSV or Parquet), a FOCUS export, Cost Explorer JSON "
                              "or the Athena query's CSV result")
    if head.startswith(_PARQUET_MAGIC):
        return BillFile(path, PARQUET)
    if head.startswith(_ZIP_MAGIC):
        raise InputError(f"{path}: a ZIP archive", hint="unzip it and give the CSV file inside")
    compressed = head.startswith(_GZIP_MAGIC)
    first = _first_text(path, compressed).lstrip()
    if first.startswith(("{", "[")):
        return BillFile(path, JSON, compressed)
    return BillFile(path, CSV, compressed)


def _first_text(path: str, compressed: bool, size: int = 1024) -> str:
    try:
        with open_bytes(path, compressed) as handle:
            return handle.read(size).decode("utf-8-sig", errors="replace")
    except (OSError, EOFError, zlib.error):
        raise InputError(f"{path}: a damaged gzip file", hint="download the file again") from None


def open_bytes(path: str, compressed: bool) -> BinaryIO:
    """A file's bytes, gunzipped when it is compressed."""
    return cast(BinaryIO, gzip.open(path, "rb") if compressed else open(path, "rb"))


def csv_header(bill_file: BillFile) -> list[str]:
    """The column names on a CSV file's first line."""
    path = bill_file.path
    try:
        with open_bytes(path, bill_file.compressed) as handle:
            raw = handle.readline(_HEADER_BYTES)
    except (OSError, EOFError, zlib.error):
        raise InputError(f"{path}: a damaged gzip file", hint="download the file again") from None
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a bill: neither Parquet nor CSV text",
                         hint="give a CUR or CUR 2.0 export (CSV or Parquet), a FOCUS export, Cost Explorer JSON or "
                              "the Athena query's CSV result") from None
    row = next(csv.reader([line]), [])
    return [name.strip() for name in row]
