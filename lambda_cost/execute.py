"""Commands as functions that return an exit code; the one place errors become messages."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .render import RenderOptions

from .errors import EXIT_INTERNAL, EXIT_OK, InputError, LambdaCostError

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
    free_tier: bool | None = None,
    budget: str | None = None,
    explain: bool = False,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost estimate`: price a workload and print it in the chosen format."""
    from .load import read_source
    from .pipeline import estimate_source
    from .render import write_report

    out = stdout or sys.stdout
    (path,) = workloads
    with _without_gc():
        limit = None if budget is None else parse_usd(budget, "--budget")
        result = estimate_source(read_source(path), pricing=pricing, free_tier=free_tier, budget=limit)
        options = _render_options(output_format, color, output, out, explain)
        _emit(lambda stream: write_report(output_format, result, options, stream), output, force, out)
    if result.budget is None:
        return EXIT_OK
    from .gate import messages

    for line in messages(result.budget):
        print(line, file=sys.stderr)
    return result.budget.exit_code


def _render_options(
    output_format: str, color: str, output: str | None, stdout: TextIO, explain: bool = False
) -> RenderOptions:
    """Colour and width only for a table on a terminal; files and pipes get a fixed width, no colour."""
    from .render import RenderOptions

    to_terminal = output is None and output_format == "table"
    return RenderOptions(
        color=use_color(color, stdout) if to_terminal else False,
        width=output_width(stdout) if output is None else 100,
        explain=explain,
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
    max_increase: str | None = None,
    color: str = "auto",
    output: str | None = None,
    force: bool = False,
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost diff`: what changes from BASE to HEAD, gated by --max-increase."""
    from .diff import compare, load_snapshot
    from .render.diff_formats import render_diff
    from .tables import TableCatalog

    out = stdout or sys.stdout
    catalog = TableCatalog()
    with _without_gc():
        report = compare(
            load_snapshot(base, pricing=base_pricing, catalog=catalog),
            load_snapshot(head, pricing=pricing, catalog=catalog),
            max_increase,
        )
    options = _render_options(output_format, color, output, out)
    _emit(lambda stream: stream.write(render_diff(report, output_format, options)), output, force, out)
    if report.gate is not None and report.gate.exceeded:
        print(f"over the gate: the total rises by {report.total.change:.2f} USD, more than "
              f"--max-increase {report.gate.describe()}", file=sys.stderr)
    return report.exit_code
