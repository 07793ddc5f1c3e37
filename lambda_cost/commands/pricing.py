"""`lambda-cost pricing list|show|diff|check|import`: inspect, verify and extend the price tables."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from lambda_cost.commands.common import catalog, output_width, parse_date
from lambda_cost.errors import EXIT_OK, InputError, LoadError, PricingError, Problem, TableError
from lambda_cost.numbers import ZERO, exact, plain
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
    data = resolved.table.model_dump(mode="python", exclude={"version", "effective", "summary", "sources", "notes"})
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
        try:
            catalog.effective(version)
            resolved = catalog.resolve(version)
        except (LoadError, TableError) as error:  # unreadable YAML, or a table that is wrong
            # The problem is shown after its file's name: the message need not name the file again.
            message = error.message.removeprefix(f"pricing table {path}: ").removeprefix(f"{path}: ")
            found = error.problems or [Problem(message, hint=error.hint, file=str(path))]
            # A table that extends a broken one fails with its parent's problem: report that once.
            problems += [problem for problem in found if problem not in problems]
            continue
        problems += _incomplete_regions(resolved)
    return problems


def _incomplete_regions(resolved: ResolvedTable) -> list[Problem]:
    """A rate that some regions of a version have and others lack is a gap in the data.

    A rate given for one region only is that service's home region (Lambda@Edge functions are created in
    us-east-1, and their rates are listed there), not a gap.
    """
    every = shared_rates(resolved.table.regions)
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


# --- the commands: each returns its exit code -------------------------------------------------------------


def _print_rich(stdout: TextIO, *renderables: Any) -> None:
    """Print rich renderables without colour and without the blanks rich pads lines with."""
    from rich.console import Console

    buffer = io.StringIO()
    # markup=False: notes and summaries are data, and a "[" in them is text, not Rich markup.
    console = Console(file=buffer, width=output_width(stdout), highlight=False, emoji=False, no_color=True,
                      markup=False)
    for renderable in renderables:
        console.print(renderable)
    stdout.write("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")


def pricing_list(
    *, output_format: str = "table", pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None
) -> int:
    """`lambda-cost pricing list`: the versions, oldest first, with what each changed."""
    from dataclasses import asdict



    out = stdout or sys.stdout
    rows = list_versions(catalog(pricing_dirs))
    if output_format == "json":
        out.write(to_json([asdict(row) for row in rows]))
        return EXIT_OK
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("Version", "Effective", "Extends", "What changed"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.version + (" (private)" if row.private else ""), row.effective, row.extends or "",
                      row.summary)
    _print_rich(out, table)
    return EXIT_OK


def pricing_show(version: str, *, region: str | None = None, output_format: str = "table",
                 pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing show`: a version's resolved rates and rules."""


    out = stdout or sys.stdout
    resolved = require_version(catalog(pricing_dirs), version)
    rates = flatten(resolved, region)
    table = resolved.table
    if output_format == "json":
        dumped = table.model_dump(mode="python")
        if region is not None:
            dumped["regions"] = {region: dumped["regions"][region]}
        out.write(to_json({**dumped, "sha256": resolved.sha256}))
        return EXIT_OK
    from rich import box
    from rich.table import Table

    listing = Table(box=box.SIMPLE_HEAD)
    listing.add_column("Rate or rule", no_wrap=True)
    listing.add_column("Value", justify="right")
    for key, value in rates.items():
        listing.add_row(key, _shown(value))
    lines = [f"pricing version {table.version}, effective {table.effective}, sha256 {resolved.sha256}",
             table.summary, listing, "Sources:"]
    lines += [f"  {source.title}: {source.url}" for source in table.sources]
    lines += ["Notes:"] + [f"  - {note}" for note in table.notes]
    _print_rich(out, *lines)
    return EXIT_OK


def _shown(value: Any) -> str:
    from lambda_cost.numbers import plain

    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def pricing_diff(old: str, new: str, *, region: str | None = None, output_format: str = "table",
                 pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing diff`: which rates and rules changed between two versions, and by how much."""


    out = stdout or sys.stdout
    tables = catalog(pricing_dirs)
    changes = diff_versions(tables, old, new, region)
    old_version, new_version = tables.select(old).version, tables.select(new).version
    if output_format == "json":
        out.write(to_json({"from": old_version, "to": new_version, "changes": [
            {"key": c.key, "from": c.old, "to": c.new, "change": c.change, "percent": c.percent} for c in changes
        ]}))
        return EXIT_OK
    from rich import box
    from rich.table import Table

    rows: list[tuple[str, ...]] = []
    group = None
    for c in changes:
        # Keys under their section (billing, free_tier, a region): short enough that 100 columns hold them all.
        section, _, key = c.key.partition(".")
        if section == "regions":
            region, _, key = key.partition(".")
            section = f"regions.{region}"
        if not key:
            section, key = "", section
        elif section != group:
            rows.append((f"{section}:", "", "", "", ""))
        group = section
        key = f"  {key}" if section else key
        percent = "" if c.percent is None else f"{c.percent:+.2f}%"
        rows.append((key, "—" if c.old is None else _shown(c.old), "—" if c.new is None else _shown(c.new),
                     "" if c.change is None else _shown(c.change), percent))
    table = Table(title=f"{old_version} → {new_version}: {len(changes)} changes", title_justify="left",
                  box=box.SIMPLE_HEAD)
    table.add_column("Rate or rule", overflow="fold")
    for number, column in enumerate((old_version, new_version, "Change", "%"), start=1):
        # A number is never folded (a digit on the next line misreads it), nor cut away with its column: each
        # column is as wide as its longest word, a list of rules wraps between its items, the key takes the rest.
        width = max([len(column)] + [len(word) for row in rows for word in row[number].split()])
        table.add_column(column, justify="right", min_width=width, max_width=width, overflow="fold")
    for row in rows:
        table.add_row(*row)
    _print_rich(out, table)
    return EXIT_OK


def pricing_check(*, pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing check`: validate every table; exit 2 naming each file and problem."""

    out = stdout or sys.stdout
    tables = catalog(pricing_dirs)
    problems = check(tables)
    if problems:
        raise TableError(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the price tables",
                         problems=problems)
    directories = ", ".join(str(directory) for directory in (tables.directory, *tables.private))
    print(f"{len(tables.versions)} pricing tables are valid ({directories})", file=out)
    return EXIT_OK


def pricing_import(
    offer: str,
    *,
    effective: str | None = None,
    extends: str | None = None,
    pricing_dirs: Sequence[str] = (),
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost pricing import`: a new dated table from an AWS Price List offer file."""
    from lambda_cost.tables.catalog import TableCatalog, private_pricing_dirs
    from lambda_cost.tables.offer import import_offer, write_imported

    out = stdout or sys.stdout
    directories = private_pricing_dirs(pricing_dirs)
    if not directories:
        raise InputError("say where the new table goes: --pricing-dir DIR (or $LAMBDA_COST_PRICING_DIR)",
                         hint="a directory of your own tables, or pricing/ in a checkout of lambda-cost")
    target = directories[0]
    tables = TableCatalog(private=directories)  # reads pricing/ of a checkout, the shipped directory, once
    result = import_offer(
        Path(offer),
        tables,
        effective=None if effective is None else parse_date(effective, "--effective"),
        extends=extends,
    )
    path = write_imported(result, target, catalog=tables)
    print(f"wrote pricing version {result.version} (extends {result.extends}) to {path}: "
          f"{len(result.regions)} region{'s' if len(result.regions) != 1 else ''}", file=out)
    for item in result.unmapped:
        print(f"  not mapped: {item}", file=sys.stderr)
    return EXIT_OK
