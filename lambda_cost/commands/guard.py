"""The one place errors become messages and exit codes: every command runs through run_guarded."""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Callable
from typing import TextIO

from lambda_cost.errors import EXIT_INTERNAL, LambdaCostError, OutputError, problem_lines

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
        discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        if error.errno not in _NO_ROOM:
            return _internal(error, debug, err)
        # Files are written through atomic_output, which says which; what is left is standard output
        # (`lambda-cost schema > schema.json` on a full disk): the user's environment, not a bug.
        discard_stdout()
        return _report(OutputError(f"cannot write standard output: {error.strerror or error}"), err)
    except Exception as error:
        return _internal(error, debug, err)


# A full disk, a quota, a file size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _report(error: LambdaCostError, err: TextIO) -> int:
    print(f"error: {error.message}", file=err)
    for line in problem_lines(error.problems):
        print(line, file=err)
    if error.hint:
        print(f"  hint: {error.hint}", file=err)
    return error.exit_code


def _internal(error: Exception, debug: bool, err: TextIO) -> int:
    if debug:
        traceback.print_exc(file=err)
    print(f"internal error: {type(error).__name__}: {error}", file=err)
    print("  hint: this is a bug in lambda-cost; rerun with --debug and report the traceback", file=err)
    return EXIT_INTERNAL


def discard_stdout() -> None:
    """Point standard output at /dev/null, so that flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it): nothing to flush
        pass
