"""Commands as functions that return an exit code; the one place errors become messages."""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .render import RenderOptions
    from .report import EstimateWarning
    from .tables import TableCatalog

from .errors import EXIT_INTERNAL, EXIT_OK, InputError, LambdaCostError, TableError

ISSUES_URL = "https://github.com/lambda-cost/lambda-cost/issues"


def run_guarded(action: Callable[[], int], *, debug: bool = False, stderr: TextIO | None = None) -> int:
    """Run a command; turn our errors into messages and codes, and anything else into exit code 3."""
    err = stderr or sys.stderr
    try:
        return action()
    except LambdaCostError as error:
        print(f"error: {error.message}", file=err)
        for problem in error.problems:
            print(f"  {problem.render()}", file=err)
        if error.hint:
            print(f"  hint: {error.hint}", file=err)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    except Exception as error:
        if debug:
            traceback.print_exc(file=err)
        print(f"internal error: {type(error).__name__}: {error}", file=err)
        print(f"  hint: this is a bug in lambda-cost; rerun with --debug and report it at {ISSUES_URL}", file=err)
        return EXIT_INTERNAL


def parse_usd(text: str, option: str) -> Decimal:
    """A non-negative amount of US dollars from the command line: 250, 99.50, $1,200."""
    cleaned = text.strip().removeprefix("$").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise InputError(f"{option} takes US dollars a month, such as 250 or 99.50; not {text!r}")
    return value


def parse_date(text: str, option: str) -> dt.date:
    """A calendar date from the command line, YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} takes a date as YYYY-MM-DD, such as 2019-06-01; not {text!r}") from None


def catalog(pricing_dirs: Sequence[str] = ()) -> TableCatalog:
    """The shipped tables plus the user's: --pricing-dir and $LAMBDA_COST_PRICING_DIR."""
    from .tables import TableCatalog, private_pricing_dirs

    return TableCatalog(private=private_pricing_dirs(pricing_dirs))


def use_color(choice: str, stream: TextIO) -> bool:
    """--color auto|always|never; auto honours NO_COLOR and colours only a terminal."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def output_width(stream: TextIO) -> int:
    """The terminal's width, or a fixed 100 columns when writing to a pipe or file (deterministic)."""
    if stream.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return 100


def estimate(
    workloads: list[str],
    *,
    output_format: str = "table",
    pricing: str | None = None,
    as_of: str | None = None,
    pricing_dirs: Sequence[str] = (),
    free_tier: bool | None = None,
    budget: str | None = None,
    explain: bool = False,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
    assignments: list[str] | None = None,
    chart: bool = False,
    quiet: bool = False,
) -> int:
    """`lambda-cost estimate`: price a workload (several: one account) and print it in the chosen format."""
    from .account import estimate_workloads
    from .render import write_report
    from .whatif import parse_assignment

    out = stdout or sys.stdout
    with _without_gc():
        overrides = [parse_assignment(text) for text in assignments or []]
        limit = None if budget is None else parse_usd(budget, "--budget")
        result = estimate_workloads(
            workloads,
            pricing=pricing,
            as_of=None if as_of is None else parse_date(as_of, "--as-of"),
            free_tier=free_tier,
            budget=limit,
            catalog=catalog(pricing_dirs),
            assignments=overrides,
        )
        options = _render_options(output_format, color, output, out, explain, chart)
        _emit(lambda stream: write_report(output_format, result, options, stream), output, force, out)
    if not quiet:
        _tell(result.warnings, output, output_format)
    if result.budget is None:
        return EXIT_OK
    from .gate import messages

    for line in messages(result.budget):
        if not quiet or line.startswith("over budget"):
            print(line, file=sys.stderr)
    return result.budget.exit_code


def _render_options(
    output_format: str, color: str, output: str | None, stdout: TextIO, explain: bool = False, chart: bool = False
) -> RenderOptions:
    """Colour and width only for a table on a terminal; files and pipes get a fixed width, no colour."""
    from .render import RenderOptions

    to_terminal = output is None and output_format == "table"
    return RenderOptions(
        color=use_color(color, stdout) if to_terminal else False,
        width=output_width(stdout) if output is None else 100,
        explain=explain,
        chart=chart,
    )


def _emit(write: Callable[[TextIO], object], output: str | None, force: bool, stdout: TextIO) -> None:
    """Send a report to standard output, or atomically to --output."""
    if output is None:
        write(stdout)
        stdout.flush()
        return
    from .atomic import atomic_output

    with atomic_output(Path(output), force=force) as handle:
        write(handle)


def _tell(warnings: tuple[EstimateWarning, ...], output: str | None, output_format: str) -> None:
    """Lines for people on stderr: where the report went, and the warnings (the table shows its own)."""
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)
    if output is not None or output_format != "table":
        for warning in warnings:
            print(f"warning: {warning.where + ': ' if warning.where else ''}{warning.message}", file=sys.stderr)


@contextmanager
def _without_gc() -> Iterator[None]:
    """A short-lived command allocates much and frees little: the cycle collector only costs it time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def diff(
    base: str,
    head: str,
    *,
    output_format: str = "table",
    pricing: str | None = None,
    base_pricing: str | None = None,
    pricing_dirs: Sequence[str] = (),
    max_increase: str | None = None,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost diff`: what changes from BASE to HEAD, gated by --max-increase."""
    from .diff import compare, load_snapshot
    from .render.diff_formats import render_diff

    out = stdout or sys.stdout
    tables = catalog(pricing_dirs)
    with _without_gc():
        report = compare(
            load_snapshot(base, pricing=base_pricing, catalog=tables),
            load_snapshot(head, pricing=pricing, catalog=tables),
            max_increase,
        )
    options = _render_options(output_format, color, output, out)
    _emit(lambda stream: stream.write(render_diff(report, output_format, options)), output, force, out)
    if report.gate is not None and report.gate.exceeded:
        print(f"over the gate: the total rises by {report.total.change:.2f} USD, more than "
              f"--max-increase {report.gate.describe()}", file=sys.stderr)
    return report.exit_code


def _print_rich(stdout: TextIO, *renderables: Any) -> None:
    """Print rich renderables without colour and without the blanks rich pads lines with."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=output_width(stdout), highlight=False, emoji=False, no_color=True)
    for renderable in renderables:
        console.print(renderable)
    stdout.write("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n")


def pricing_list(
    *, output_format: str = "table", pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None
) -> int:
    """`lambda-cost pricing list`: the versions, oldest first, with what each changed."""
    from dataclasses import asdict

    from .pricing_commands import list_versions, to_json

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
    from .pricing_commands import flatten, require_version, to_json

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
    from .numbers import plain

    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def pricing_diff(old: str, new: str, *, region: str | None = None, output_format: str = "table",
                 pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing diff`: which rates and rules changed between two versions, and by how much."""
    from .pricing_commands import diff_versions, to_json

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

    table = Table(title=f"{old_version} → {new_version}: {len(changes)} changes", title_justify="left",
                  box=box.SIMPLE_HEAD)
    for column, justify in (("Rate or rule", "left"), (old_version, "right"), (new_version, "right"),
                            ("Change", "right"), ("%", "right")):
        key_column = column == "Rate or rule"
        table.add_column(column, justify=justify, no_wrap=True,  # type: ignore[arg-type]
                         min_width=None if key_column else 14, overflow="ellipsis" if key_column else "fold")
    for c in changes:
        percent = "" if c.percent is None else f"{c.percent:+.2f}%"
        table.add_row(c.key, "—" if c.old is None else _shown(c.old), "—" if c.new is None else _shown(c.new),
                      "" if c.change is None else _shown(c.change), percent)
    _print_rich(out, table)
    return EXIT_OK


def pricing_check(*, pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing check`: validate every table; exit 2 naming each file and problem."""
    from .pricing_commands import check

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
    from .offer_import import import_offer, write_imported
    from .tables import TableCatalog, bundled_pricing_dir, private_pricing_dirs

    out = stdout or sys.stdout
    directories = private_pricing_dirs(pricing_dirs)
    if not directories:
        raise InputError("say where the new table goes: --pricing-dir DIR (or $LAMBDA_COST_PRICING_DIR)",
                         hint="a directory of your own tables, or pricing/ in a checkout of lambda-cost")
    target = directories[0]
    # In a checkout, pricing/ is the shipped directory itself: it must not be added a second time.
    shipped = bundled_pricing_dir().resolve()
    private = [d for d in directories if d.resolve() != shipped]
    tables = TableCatalog(private=private)
    result = import_offer(
        Path(offer),
        tables,
        effective=None if effective is None else parse_date(effective, "--effective"),
        extends=extends,
    )
    path = write_imported(result, target, catalog=tables)
    print(f"wrote pricing version {result.version} (extends {result.extends}) to {path}: "
          f"{len(result.regions)} regions", file=out)
    for item in result.unmapped:
        print(f"  not mapped: {item}", file=sys.stderr)
    return EXIT_OK
