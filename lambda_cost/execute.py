"""Commands as functions that return an exit code; the one place errors become messages."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import EXIT_INTERNAL, EXIT_OK, LambdaCostError

if TYPE_CHECKING:
    from .report import EstimateWarning

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
    from .render import RenderOptions, write_report
    from .whatif import parse_assignment

    out = stdout or sys.stdout
    with _without_gc():
        overrides = [parse_assignment(text) for text in assignments or []]
        result = estimate_workloads(workloads, pricing=pricing, free_tier=free_tier, assignments=overrides)
        to_terminal = output is None and output_format == "table"
        options = RenderOptions(
            color=use_color(color, out) if to_terminal else False,
            width=output_width(out) if output is None else 100,
            explain=explain,
            chart=chart,
        )
        if output is None:
            write_report(output_format, result, options, out)
            out.flush()
        else:
            from .atomic import atomic_output

            with atomic_output(Path(output), force=force) as handle:
                write_report(output_format, result, options, handle)
    if not quiet:
        _tell(result.warnings, output, output_format)
    return EXIT_OK


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
