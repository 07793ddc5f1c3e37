"""Find, resolve (`extends`, `scale`), validate and select the versioned pricing tables: shipped and private."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
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

from lambda_cost.errors import InputError, PricingError, Problem, TableError
from lambda_cost.model.pricing import MOST_DIGITS, SMALLEST, PricingTable, RegionRates
from lambda_cost.model.value import Value
from lambda_cost.model.words import MISSING, given, has, problem_from_pydantic
from lambda_cost.numbers import ARITHMETIC
from lambda_cost.stages.load import display_name, locate, node_tree, parse, read_source
from lambda_cost.tables.compiled import SHIPPED, CompiledTables, read_compiled

LATEST = "latest"
PRICING_DIR_VARIABLE = "LAMBDA_COST_PRICING_DIR"
# Keys that belong to one file alone, and keys whose lists grow along the `extends` chain.
_OWN_KEYS = ("version", "effective", "summary", "extends", "scale")
_ACCUMULATED_KEYS = ("sources", "notes")
# More private tables than anyone prices with: each is read to sort the versions by date, and `pricing check`
# validates each (about 6 ms apiece), so a directory of thousands would make every command slow.
MAX_PRIVATE_TABLES = 1000
# A scale factor is a discount or a markup: far below this.
MAX_SCALE = 1000
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


def _table_files(directory: Path) -> list[Path]:
    """The *.yaml and *.yml entries of a directory, sorted, as sorted(glob("*.yaml") + glob("*.yml")) gives them:
    read from one listing, where each glob compiles a regex and lists the directory again (3 M instructions a run)."""
    try:
        with os.scandir(directory) as entries:
            names = [entry.name for entry in entries if entry.name.endswith((".yaml", ".yml"))]
    except PermissionError:  # as glob: an unreadable directory has no tables
        return []
    return [directory / name for name in sorted(names)]


class ResolvedTable(Value):
    """A validated table with its file and the digest of its resolved content."""

    __slots__ = ("digest", "path", "table")

    def __init__(self, table: PricingTable, path: Path, digest: str | None = None) -> None:
        self.table = table
        self.path = path
        self.digest = digest  # known when the table comes compiled; else computed when first asked for

    @property
    def version(self) -> str:
        return self.table.version

    @property
    def sha256(self) -> str:
        """The digest of the validated values, not of the YAML: key order, quotes and how a number is written
        ("0.20", 0.2) leave the table, and so its digest, the same; any changed rate changes it. Computed when an
        output names it: `pricing check` of many tables needs none."""
        if self.digest is None:
            self.digest = hashlib.sha256(_canonical_json(self.table.model_dump(mode="python")).encode()).hexdigest()
        return self.digest


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
        self._trees: dict[str, Any] = {}  # YAML node trees, read only to locate problems
        # The merged data (and its problems) of the tables that others extend: each of a chain is merged once.
        self._merged_cache: dict[str, tuple[dict[str, Any], list[Problem]]] = {}
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
        private = 0
        shipped: set[str] = set()
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
            found = _table_files(directory)
            private += len(found) if directory != self.directory else 0
            if private > MAX_PRIVATE_TABLES:  # counted from the names, before any is read
                raise TableError(f"more than {MAX_PRIVATE_TABLES:,} private price tables in the pricing directories; "
                                 "refusing to read them", hint="keep the tables you price with; archive the others")
            # pricing/ of a checkout (perhaps newer than the installed package) holds every shipped table
            copy_of_shipped = bool(shipped) and shipped <= {path.stem for path in found}
            for path in found:
                if path.stem == LATEST:
                    raise TableError(f"{path}: {LATEST!r} names the newest version and cannot be a table's id",
                                     hint="give the table (its file name and version) another id")
                if not path.is_file():  # a FIFO would block the read forever, a directory cannot be read
                    raise TableError(f"{display_name(str(path))} is not a regular file",
                                     hint="a pricing directory holds table files; move it out")
                if path.stem in files:
                    if copy_of_shipped and _same_content(files[path.stem], path):
                        continue  # pricing/ of a checkout beside the tables an installed package ships
                    raise TableError(f"pricing version {path.stem!r} is defined twice: {files[path.stem]} and {path}",
                                     hint="give a private table a version id of its own")
                files[path.stem] = path
            if directory == self.directory:
                shipped = set(files)
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
        path = self.files[version]
        if value is None:
            raise TableError(f"pricing table {path} has no effective date", problems=[self.problem(
                version, MISSING, ("effective",), "add effective: YYYY-MM-DD, the day the table takes effect")])
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        # A YAML timestamp is a datetime, which cannot be compared with the other tables' dates.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise TableError(f"pricing table {path}: effective {value} is not a date", problems=[self.problem(
                version, f"found {given(value)}; effective is a date", ("effective",), "write it as YYYY-MM-DD")])
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

    def resolve(self, version: str, *, keep: bool = True) -> ResolvedTable:
        """Load a version, apply its `extends` chain and `scale`, and validate the result.

        Without `keep`, the result is not cached: `pricing check` goes through every table and needs each once.
        """
        cached = self._resolved.get(version)
        if cached is not None:
            return cached
        compiled = self._compiled.table(version) if self._compiled is not None else None
        if compiled is not None:
            resolved = ResolvedTable(compiled[0], self.files[version], compiled[1])
        else:
            resolved = ResolvedTable(self._validated(version), self.files[version])
        if keep:
            self._resolved[version] = resolved
        return resolved

    def _validated(self, version: str) -> PricingTable:
        """A version read from YAML, resolved and validated; every problem of its files at once."""
        merged, problems = self._merged(version)
        path = self.files[version]
        table = None
        try:
            table = PricingTable.model_validate(merged)
        except ValidationError as error:
            said = {problem.path for problem in problems}  # a bad scale factor, not also the rates it scaled
            problems += [problem for problem in (_worded(item, merged, self, version) for item in error.errors())
                         if not any(problem.path[:len(known)] == known for known in said if known)]
        if problems or table is None:
            raise TableError(f"pricing table {path} is invalid", problems=problems)
        return table

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
        self._raw[version] = data
        return data

    def _version_problems(self, version: str) -> list[Problem]:
        """A table's version must be its file's name; an unquoted date is its text, as a workload's pricing is."""
        own = self._read(version)
        written = own.get("version")
        text = written.isoformat() if isinstance(written, dt.date) else str(written)
        if text == version:
            return []
        return [self.problem(version, f"says version {written!r}, not its file's name",
                              ("version",), f"a table's version is its file name: version: {version!r}")]

    def problem(self, version: str, message: str, path: tuple[str | int, ...] = (), hint: str | None = None
                 ) -> Problem:
        """A problem of one table file, at its line when the path is written in it."""
        tree = self._trees.get(version)
        if tree is None:
            tree = self._trees[version] = node_tree(read_source(str(self.files[version])))
        position = locate(tree, path)
        line, column = position if position else (None, None)
        return Problem(message, path, hint, str(self.files[version]), line, column)

    def writer(self, version: str, path: tuple[str | int, ...]) -> str:
        """The version along the `extends` chain whose file writes most of `path` (the version itself on a tie)."""
        best, depth, current, seen = version, -1, version, set()
        while current in self.files and current not in seen:
            seen.add(current)
            node: Any = self._read(current)
            written = 0
            for part in path:
                if not has(node, part):
                    break
                node, written = node[part], written + 1
            if written > depth:
                best, depth = current, written
            current = str(self._read(current).get("extends"))
        return best

    def _merged(self, version: str) -> tuple[dict[str, Any], list[Problem]]:
        """A version's data with its `extends` chain applied and its `scale`, and the problems of its files that
        do not stop the merge (every one of them, so that `pricing check` lists them all).

        The chain is walked without recursion (a private chain may be long), root first; a table that others extend
        keeps its merged data, so that each table of a chain is merged once.
        """
        chain: list[str] = []  # from the version towards its root, up to a merged table or the root
        current = version
        while current not in self._merged_cache:
            if current in chain:
                loop = chain[chain.index(current):]
                raise TableError(f"pricing tables extend each other in a loop: {' -> '.join((*loop, current))}")
            chain.append(current)
            parent = self._read(current).get("extends")
            if parent is None:
                break
            current = str(parent)
            if current not in self.files:
                child = chain[-1]
                known = ", ".join(self.files)
                raise TableError(f"pricing table {self.files[child]} is invalid", problems=[
                    *self._version_problems(child),
                    self.problem(child, f"extends unknown version {current!r}", ("extends",), f"versions: {known}")])
        merged, problems = self._merged_cache.get(current, (None, []))
        parent_version = current if merged is not None else None
        for child in reversed(chain):
            merged, problems = self._merge_one(child, parent_version, merged, problems)
            if child in self._extended:
                self._merged_cache[child] = (merged, problems)
            parent_version = child
        assert merged is not None
        return merged, list(problems)  # the caller adds its own: the cached list stays as it is

    def _merge_one(self, version: str, parent_version: str | None, parent: dict[str, Any] | None,
                   inherited_problems: list[Problem]) -> tuple[dict[str, Any], list[Problem]]:
        """One table over its parent's merged data: its own keys win, sources and notes add up, scale applies."""
        own = self._read(version)
        problems = self._version_problems(version)
        if parent is None or parent_version is None:
            merged = {key: value for key, value in own.items() if key not in ("extends", "scale")}
        else:
            later = self._later(version, parent_version)
            if later:
                problems.append(self.problem(version, later, ("extends",)))
            problems += inherited_problems
            merged = _deep_merge(parent, own)
            for key in _ACCUMULATED_KEYS:
                items = _listed(own, key)
                if items is None:
                    problems.append(self.problem(version, f"found {given(own[key])}; expected a list, one '- ' item "
                                                 "a line", (key,)))
                inherited = _listed(parent, key) or []
                merged[key] = inherited + [item for item in items or [] if item not in inherited]
            if "derived" in parent or "derived" in own:
                derived = _listed(own, "derived")
                if derived is None:
                    problems.append(self.problem(version, f"found {given(own['derived'])}; expected a list, one '- ' "
                                                 "item a line", ("derived",)))
                merged["derived"] = _still_derived(_listed(parent, "derived") or [], own) + (derived or [])
            for key in _OWN_KEYS:
                merged.pop(key, None)
                if key in own and key not in ("extends", "scale"):
                    merged[key] = own[key]
        merged["version"] = version
        if "scale" in own:
            problems += [self.problem(version, message, ("scale", *at), hint)
                         for message, at, hint in _apply_scale(merged, own["scale"])]
        unpriced, regions = merged.get("unpriced_regions"), merged.get("regions")
        if isinstance(unpriced, dict) and isinstance(regions, dict):
            # A version that prices a region an older one could not is no longer without it.
            merged["unpriced_regions"] = {name: why for name, why in unpriced.items() if name not in regions}
        return merged, problems

    def _later(self, version: str, parent: str) -> str | None:
        """Why a table cannot extend `parent`: it takes effect later. Unknown dates are reported on their own."""
        try:
            own, inherited = self.effective(version), self.effective(parent)
        except TableError:
            return None
        if inherited <= own:
            return None
        return f"(effective {own}) extends {parent}, which takes effect later ({inherited})"

    @cached_property
    def _extended(self) -> set[str]:
        """The versions some table extends: their merged data is kept for the tables that build on it."""
        extended = set()
        for version in self.files:
            try:
                extended.add(str(self._read(version).get("extends")))
            except InputError:  # a damaged file is reported when it is resolved, not by every other table
                continue
        return extended

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


def _same_content(one: Path, other: Path) -> bool:
    """Whether two table files hold the same bytes (both are small: tables are read whole anyway)."""
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False


def shared_rates(regions: Mapping[str, RegionRates]) -> set[str]:
    """The rates that more than one region has, which `pricing check` asks of every region.

    A rate that one region alone has is that service's home region (Lambda@Edge in us-east-1), not a gap. Nor is
    a catalogue of what a region offers (the EC2 instance types of Managed Instances differ from region to region,
    and some regions offer none): a region without one is a region where the offering is not priced, and a
    workload asking for it there is refused by name.
    """
    counts = Counter(name for rates in regions.values() for name, value in rates
                     if value is not None and name not in _OFFERINGS)
    return {name for name, count in counts.items() if count > 1}


_OFFERINGS = ("managed_instances",)  # region rates that list what the region offers, not one price


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


def _apply_scale(merged: dict[str, Any], scale: Any) -> list[tuple[str, tuple[str | int, ...], str | None]]:
    """Multiply the rates `scale` names in every region (e.g. duration: 0.92 for 8% off).

    Returns what is wrong with it (message, path under scale, hint), every factor; a wrong one scales nothing.
    """
    if not isinstance(scale, dict) or not scale:
        return [("scale is a mapping of rate: factor", (), "for example scale: {duration: 0.92}")]
    factors = {}
    problems: list[tuple[str, tuple[str | int, ...], str | None]] = []
    for key, value in scale.items():
        if key not in _SCALABLE:
            match = difflib.get_close_matches(str(key), _SCALABLE, n=1, cutoff=0.6)
            hint = f"did you mean {match[0]!r}? " if match else ""
            problems.append((f"cannot scale {key!r}", (key,), f"{hint}scalable: {', '.join(_SCALABLE)}"))
            continue
        factor = _factor(value)
        # Checked here: a negative factor would otherwise be one schema error for every rate it scales, and a huge
        # one (1e999999) would overflow them.
        if factor is None:
            shown = str(value) if len(str(value)) <= 24 else str(value)[:20] + "…"
            problems.append((f"a factor is a number from 0 to {MAX_SCALE:,} with at most {MOST_DIGITS} significant "
                             f"digits, not {shown}", (key,), "for example duration: 0.92 for 8% off"))
            continue
        factors[key] = factor
    regions = merged.get("regions", {})
    if not isinstance(regions, dict):
        return problems  # validation names the problem, with the file and the field
    # The regions may be shared with the parent's cached data: scale copies of what changes. Whatever is not
    # shaped like a rate is left as written, so that validation reports it at its path instead of failing here.
    merged["regions"] = {name: _scaled(rates, factors) if isinstance(rates, dict) else rates
                         for name, rates in regions.items()}
    return problems


def _factor(value: Any) -> Decimal | None:
    """A scale factor, or None when it is not a number from 0 to MAX_SCALE (in the arithmetic's digits)."""
    try:
        factor = Decimal(str(value)) if isinstance(value, (int, Decimal, str)) and not isinstance(value, bool) \
            else Decimal("NaN")
    except InvalidOperation:
        return None
    if not factor.is_finite() or not 0 <= factor <= MAX_SCALE or len(factor.as_tuple().digits) > MOST_DIGITS:
        return None
    return None if factor and factor < SMALLEST else factor


def _scaled(rates: dict[str, Any], factors: dict[str, Decimal]) -> dict[str, Any]:
    """A region's rates with the factors applied: a new mapping, the parent's left as it was."""
    rates = dict(rates)
    if "requests" in factors and "requests_per_million" in rates:
        rates["requests_per_million"] = _times(rates["requests_per_million"], factors["requests"])
    duration = rates.get("duration")
    if "duration" in factors and isinstance(duration, dict):
        rates["duration"] = {
            architecture: [
                {**tier, "price": _times(tier["price"], factors["duration"])}
                if isinstance(tier, dict) and "price" in tier else tier
                for tier in tiers
            ] if isinstance(tiers, list) else tiers
            for architecture, tiers in duration.items()
        }
    if "ephemeral_storage" in factors and rates.get("ephemeral_storage") is not None:
        rates["ephemeral_storage"] = _times(rates["ephemeral_storage"], factors["ephemeral_storage"])
    for key in ("provisioned_concurrency", "provisioned_duration"):
        if key in factors and isinstance(rates.get(key), dict):
            rates[key] = {arch: _times(price, factors[key]) for arch, price in rates[key].items()}
    return rates


def _times(price: Any, factor: Decimal) -> Any:
    """price × factor; a price that is not a number stays as written, for validation to report.

    At the working precision, not the caller's: the rate, and so the table's digest, are the same in any context.
    """
    try:
        return ARITHMETIC.multiply(Decimal(str(price)), factor)
    except ArithmeticError:  # not a number, or one so large the product overflows: validation refuses it
        return price


def _listed(data: dict[str, Any], key: str) -> list[Any] | None:
    """The items of `sources` or `notes`, to add to the inherited ones; an empty key (`notes:`) has none; None:
    not a list."""
    items = data.get(key) or []
    return list(items) if isinstance(items, list) else None


def _worded(item: Any, merged: dict[str, Any], catalog: TableCatalog, version: str) -> Problem:
    """One of pydantic's errors of a table in our words, at its line in the file that writes it."""
    loc = tuple(item["loc"])
    problem = problem_from_pydantic(item, loc, merged, PricingTable)
    written = loc[:-1] if item["type"] == "missing" else loc  # a missing key: the mapping that lacks it
    return catalog.problem(catalog.writer(version, written), problem.message, problem.path, problem.hint)


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
