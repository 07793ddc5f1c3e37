"""Commands as functions that return an exit code; the one place errors become messages."""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from lambda_cost.render import RenderOptions
    from lambda_cost.stages.report import EstimateWarning
    from lambda_cost.tables.catalog import TableCatalog

from lambda_cost.errors import EXIT_INTERNAL, EXIT_OK, InputError, LambdaCostError, OutputError
from lambda_cost.numbers import dollars, money, too_large, too_large_message

ISSUES_URL = "https://github.com/lambda-cost/lambda-cost/issues"
# What a shell reports for a writer killed by SIGPIPE (128 + 13): the reader of standard output went away.
EXIT_BROKEN_PIPE = 141


def run_guarded(action: Callable[[], int], *, debug: bool = False, stderr: TextIO | None = None) -> int:
    """Run a command; turn our errors into messages and codes, and anything else into exit code 3."""
    err = stderr or sys.stderr
    try:
        code = action()
        sys.stdout.flush()  # what is still buffered fails here, where it gets a message and a code, not at exit
        return code
    except LambdaCostError as error:
        return _report(error, err)
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    except BrokenPipeError:
        # `lambda-cost ... | head`: the reader closed the pipe. Nothing is wrong; stop quietly.
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        if error.errno not in _NO_ROOM:
            return _internal(error, debug, err)
        # Files are written through atomic_output, which says which; what is left is standard output
        # (`lambda-cost schema > schema.json` on a full disk): the user's environment, not a bug.
        _discard_stdout()
        return _report(OutputError(f"cannot write standard output: {error.strerror or error}"), err)
    except Exception as error:
        return _internal(error, debug, err)


# A full disk, a quota, a file size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _report(error: LambdaCostError, err: TextIO) -> int:
    print(f"error: {error.message}", file=err)
    for problem in error.problems:
        print(f"  {problem.render()}", file=err)
    if error.hint:
        print(f"  hint: {error.hint}", file=err)
    return error.exit_code


def _internal(error: Exception, debug: bool, err: TextIO) -> int:
    if debug:
        traceback.print_exc(file=err)
    print(f"internal error: {type(error).__name__}: {error}", file=err)
    print(f"  hint: this is a bug in lambda-cost; rerun with --debug and report it at {ISSUES_URL}", file=err)
    return EXIT_INTERNAL


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it): nothing to flush
        pass


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
    from lambda_cost.render import write_report
    from lambda_cost.stages.account import estimate_workloads
    from lambda_cost.stages.edit import parse_assignment

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
    from lambda_cost.stages.gate import messages

    for line in messages(result.budget):
        if not quiet or line.startswith("over budget"):
            print(line, file=sys.stderr)
    return result.budget.exit_code


def _render_options(
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


def _emit(write: Callable[[TextIO], object], output: str | None, force: bool, stdout: TextIO) -> None:
    """Send a report to standard output, or atomically to --output."""
    if output is None:
        try:
            write(stdout)
            stdout.flush()
        except BrokenPipeError:
            raise  # the reader went away: run_guarded stops quietly
        except OSError as error:  # a full disk behind `> report.json`: the user's environment, not a bug
            _discard_stdout()
            raise OutputError(f"cannot write standard output: {error.strerror or error}") from None
        return
    from lambda_cost.atomic import atomic_output

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
    from lambda_cost.render.diff import render_diff
    from lambda_cost.stages.diff import compare, load_snapshot

    out = stdout or sys.stdout
    if base == head == "-":
        raise InputError("standard input (-) is given more than once; it can be read only once",
                         hint="give - for one of BASE and HEAD, and the other as a file")
    tables = catalog(pricing_dirs)
    with _without_gc():
        report = compare(
            load_snapshot(base, pricing=base_pricing, catalog=tables),
            load_snapshot(head, pricing=pricing, catalog=tables),
            max_increase,
        )
    options = _render_options(output_format, color, output, out)
    _emit(lambda stream: stream.write(render_diff(report, output_format, options)), output, force, out)
    if output is not None:
        print(f"wrote {output}", file=sys.stderr)  # as estimate says: the report is not on the screen
    if report.gate is not None and report.gate.exceeded:
        print(f"over the gate: the total rises by {money(report.total.change)}, more than "
              f"--max-increase {report.gate.describe()}", file=sys.stderr)
    return report.exit_code

