"""The `pricing list|show|diff` reports: a table for people, or JSON with exact decimal strings."""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from lambda_cost.numbers import counted, plain
from lambda_cost.render import RenderOptions
from lambda_cost.tables.catalog import ResolvedTable
from lambda_cost.tables.inspect import RateChange, VersionRow


@dataclass(frozen=True)
class TableView:
    """`pricing show`: one resolved version, its rates flattened, maybe one region's only."""

    resolved: ResolvedTable
    rates: dict[str, Any]
    region: str | None


@dataclass(frozen=True)
class TableChanges:
    """`pricing diff`: the changes from one version to another."""

    old_version: str
    new_version: str
    changes: list[RateChange]


def to_json(value: Any) -> str:
    """Plain data with exact decimals, as indented JSON."""
    def default(item: Any) -> str:
        if isinstance(item, Decimal):
            return plain(item)
        return str(item)

    return json.dumps(value, indent=2, ensure_ascii=False, default=default) + "\n"


def _rich_text(width: int, *renderables: Any) -> str:
    """Rich renderables as text, without colour and without the blanks rich pads lines with."""
    from rich.console import Console

    buffer = io.StringIO()
    # markup=False: notes and summaries are data, and a "[" in them is text, not Rich markup.
    console = Console(file=buffer, width=width, highlight=False, emoji=False, no_color=True, markup=False)
    for renderable in renderables:
        console.print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def list_json(rows: list[VersionRow], options: RenderOptions) -> str:
    return to_json([asdict(row) for row in rows])


def list_table(rows: list[VersionRow], options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("Version", "Effective", "Extends", "What changed"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.version + (" (private)" if row.private else ""), row.effective, row.extends or "",
                      row.summary)
    return _rich_text(options.width, table)


def show_json(view: TableView, options: RenderOptions) -> str:
    dumped = view.resolved.table.model_dump(mode="python")
    if view.region is not None:
        dumped["regions"] = {view.region: dumped["regions"][view.region]}
    return to_json({**dumped, "sha256": view.resolved.sha256})


def show_table(view: TableView, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table

    table = view.resolved.table
    listing = Table(box=box.SIMPLE_HEAD)
    listing.add_column("Rate or rule", no_wrap=True)
    listing.add_column("Value", justify="right")
    for key, value in view.rates.items():
        listing.add_row(key, _shown(value))
    lines: list[Any] = [f"pricing version {table.version}, effective {table.effective}, sha256 {view.resolved.sha256}",
                        table.summary, listing, "Sources:"]
    lines += [f"  {source.title}: {source.url}" for source in table.sources]
    lines += ["Notes:"] + [f"  - {note}" for note in table.notes]
    lines += _derived_lines(view)
    return _rich_text(options.width, *lines)


def _derived_lines(view: TableView) -> list[str]:
    """Which rates are computed rather than sourced, by rule, and which regions the version cannot price."""
    table = view.resolved.table
    lines = []
    for derivation in table.derived:
        regions = [name for name in derivation.regions if view.region in (None, name)]
        if regions:
            reference = derivation.of_rate or f"{derivation.of_region}'s"
            times = "" if derivation.times == 1 else f" x {plain(derivation.times)}"
            lines.append(f"  - {', '.join(derivation.rates)} = {reference}{times} in {', '.join(regions)}: "
                         f"{derivation.why}")
    lines = ["Derived rates (computed, not sourced):", *lines] if lines else []
    if view.region is None and table.unpriced_regions:
        lines += ["Regions AWS offers Lambda in that this version cannot price:"]
        lines += [f"  - {name}: {why}" for name, why in table.unpriced_regions.items()]
    return lines


def diff_json(report: TableChanges, options: RenderOptions) -> str:
    return to_json({"from": report.old_version, "to": report.new_version, "changes": [
        {"key": c.key, "from": c.old, "to": c.new, "change": c.change, "percent": c.percent} for c in report.changes
    ]})


def diff_table(report: TableChanges, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table

    rows: list[tuple[str, ...]] = []
    group = None
    for c in report.changes:
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
    table = Table(title=f"{report.old_version} → {report.new_version}: {counted(len(report.changes), 'change')}",
                  title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Rate or rule", overflow="fold")
    for number, column in enumerate((report.old_version, report.new_version, "Change", "%"), start=1):
        # A number is never folded (a digit on the next line misreads it), nor cut away with its column: each
        # column is as wide as its longest word, a list of rules wraps between its items, the key takes the rest.
        width = max([len(column)] + [len(word) for row in rows for word in row[number].split()])
        table.add_column(column, justify="right", min_width=width, max_width=width, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return _rich_text(options.width, table)
