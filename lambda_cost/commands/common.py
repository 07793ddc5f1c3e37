"""What the commands share: options parsed from text, the price tables, where a report goes and how."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lambda_cost.errors import Problem
    from lambda_cost.render import RenderOptions
    from lambda_cost.tables.catalog import TableCatalog

from lambda_cost.commands.guard import discard_stdout
from lambda_cost.errors import SHOWN_PROBLEMS, InputError, OutputError
from lambda_cost.numbers import counted, dollars, too_large, too_large_message


def parse_usd(text: str, option: str) -> Decimal:
    """A non-negative amount of US dollars from the command line: 250, 99.50, $1,200."""
    value = dollars(text)
    if value is None:
        raise InputError(f"{option} takes US dollars a month, such as 250 or 99.50; not {text!r}")
    if too_large(value):  # it would overflow the arithmetic of the gate
        raise InputError(f"{option} {too_large_message(text)}")
    return value


def parse_date(text: str, option: str) -> dt.date:
    """A calendar date from the command line, YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} takes a date as YYYY-MM-DD, such as 2019-06-01; not {text!r}") from None


def catalog(pricing_dirs: Sequence[str] = ()) -> TableCatalog:
    """The shipped tables plus the user's: --pricing-dir and $LAMBDA_COST_PRICING_DIR."""
    from lambda_cost.tables.catalog import TableCatalog, private_pricing_dirs

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


def render_options(
    output_format: str, color: str, output: str | None, stdout: TextIO, explain: bool = False, chart: bool = False
) -> RenderOptions:
    """Colour and width only for a table on a terminal; files and pipes get a fixed width, no colour."""
    from lambda_cost.render import RenderOptions

    to_terminal = output is None and output_format == "table"
    return RenderOptions(
        color=use_color(color, stdout) if to_terminal else False,
        width=output_width(stdout) if output is None else 100,
        explain=explain,
        chart=chart,
    )


def emit(write: Callable[[TextIO], object], output: str | None, force: bool, stdout: TextIO) -> None:
    """Send a report to standard output, or atomically to --output."""
    if output is None:
        try:
            write(stdout)
            stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away: run_guarded stops quietly
        except OSError as error:  # a full disk behind `> report.json`: the user's environment, not a bug
            discard_stdout()
            raise OutputError(f"cannot write standard output: {error.strerror or error}") from None
        return
    from lambda_cost.atomic import atomic_output

    with atomic_output(output, force=force) as handle:
        write(handle)


def tell(warnings: tuple[Problem, ...], output: str | None, output_format: str) -> None:
    """Lines for people on stderr: where the report went, and the warnings (the table shows its own)."""
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)
    if output is not None or output_format != "table":
        # As problems are: the first ones, then a count (a generated workload can have thousands; the JSON report
        # lists every one).
        for warning in warnings[:SHOWN_PROBLEMS]:
            print(f"warning: {warning.where + ': ' if warning.where else ''}{warning.message}", file=sys.stderr)
        more = len(warnings) - SHOWN_PROBLEMS
        if more > 0:
            where = "the report's `warnings`" if output_format == "json" else "--format json"
            print(f"warning: ... and {counted(more, 'more warning', 'more warnings')} ({where} lists them all)",
                  file=sys.stderr)


@contextmanager
def without_gc() -> Iterator[None]:
    """A short-lived command allocates much and frees little: the cycle collector only costs it time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
