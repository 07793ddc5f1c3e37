"""`lambda-cost validate`: every problem of every workload file, for people or as JSON."""

from __future__ import annotations

import sys
from typing import TextIO

from lambda_cost.errors import EXIT_INPUT, EXIT_OK, InputError, Problem
from lambda_cost.stages.validate import FileCheck
from lambda_cost.tables.catalog import TableCatalog


def check_file(path: str, *, pricing: str | None = None, catalog: TableCatalog | None = None) -> FileCheck:
    """Load, validate, expand and check one file against its pricing table, collecting what is wrong."""
    from lambda_cost.stages import expand_source
    from lambda_cost.stages.load import read_source

    result = FileCheck("<stdin>" if path == "-" else path)
    try:
        expanded = expand_source(read_source(path), pricing=pricing, catalog=catalog)
    except InputError as error:
        result.summary = error.message
        result.problems = [_with_file(p, result.name) for p in error.problems]
        if not error.problems:
            result.hint = error.hint
        return result
    result.functions = len({usage.function.name for usage in expanded.usages})  # versions are rows of one function
    result.warnings = expanded.warnings
    return result


def _with_file(problem: Problem, name: str) -> Problem:
    if problem.file:
        return problem
    return Problem(problem.message, problem.path, problem.hint, name, problem.line, problem.column)


def run(
    paths: list[str],
    *,
    output_format: str = "text",
    pricing: str | None = None,
    catalog: TableCatalog | None = None,
    quiet: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Check every file; report all problems; exit 2 if any file has one."""
    from lambda_cost.stages.load import refuse_stdin_twice

    refuse_stdin_twice(paths)
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    catalog = catalog or TableCatalog()
    checks = [check_file(path, pricing=pricing, catalog=catalog) for path in paths]
    from lambda_cost.render import RenderOptions, write

    # People read the text on stderr (stdout stays free for data); JSON is data, on stdout.
    write("validate", output_format, checks, RenderOptions(quiet=quiet), out if output_format == "json" else err)
    return EXIT_OK if all(check.valid for check in checks) else EXIT_INPUT
