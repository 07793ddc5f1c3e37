"""`lambda-cost validate`: every problem of every workload file, for people or as JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from lambda_cost.errors import EXIT_INPUT, EXIT_OK, InputError, Problem
from lambda_cost.tables.catalog import TableCatalog

VALIDATE_SCHEMA_VERSION = 1


@dataclass
class FileCheck:
    """What validation found in one file."""

    name: str
    functions: int = 0
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""  # the error's own message when the file is refused
    hint: str | None = None  # its hint, when no problem carries one (an unreadable file)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and not self.summary

    @property
    def reported(self) -> list[Problem]:
        """Its problems; a file refused as a whole (missing, a directory) is one, so that JSON has its message."""
        if self.problems or not self.summary:
            return self.problems
        return [Problem(self.summary.removeprefix(f"{self.name}: "), hint=self.hint, file=self.name)]


def check_file(path: str, *, pricing: str | None = None, catalog: TableCatalog | None = None) -> FileCheck:
    """Load, validate, expand and check one file against its pricing table, collecting what is wrong."""
    from lambda_cost.stages.load import read_source
    from lambda_cost.stages.pipeline import expand_source

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


def validate(
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
    if output_format == "json":
        out.write(json.dumps(document(checks), ensure_ascii=False, indent=2) + "\n")
    else:
        for check in checks:
            _print_check(check, err, quiet)
    return EXIT_OK if all(check.valid for check in checks) else EXIT_INPUT


def _print_check(check: FileCheck, err: TextIO, quiet: bool) -> None:
    if check.valid:
        if not quiet:
            count = f"{check.functions} function{'s' if check.functions != 1 else ''}"
            print(f"{check.name}: valid ({count})", file=err)
            for warning in check.warnings:
                print(f"  warning: {warning.render()}", file=err)
        return
    print(f"error: {check.summary}{f' ({check.hint})' if check.hint else ''}", file=err)
    for problem in check.problems:
        print(f"  {problem.render()}", file=err)


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.dotted_path,
        "message": problem.message,
        "hint": problem.hint,
    }


def document(checks: list[FileCheck]) -> dict[str, Any]:
    """The JSON report: one entry per file, in the order given."""
    return {
        "schema_version": VALIDATE_SCHEMA_VERSION,
        "valid": all(check.valid for check in checks),
        "files": [
            {
                "file": check.name,
                "valid": check.valid,
                "functions": check.functions,
                "error": check.summary or None,
                "problems": [_problem(p) for p in check.reported],
                "warnings": [_problem(p) for p in check.warnings],
            }
            for check in checks
        ],
    }
