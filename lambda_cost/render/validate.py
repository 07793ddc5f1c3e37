"""The `validate` report: every problem of every file for people (text), or a JSON document."""

from __future__ import annotations

import json
from typing import Any

from lambda_cost.errors import Problem, problem_lines
from lambda_cost.render import RenderOptions
from lambda_cost.stages.validate import FileCheck

VALIDATE_SCHEMA_VERSION = 1


def text(checks: list[FileCheck], options: RenderOptions) -> str:
    """What people read: a line per valid file, and each problem of the others."""
    return "".join(_check_text(check, options.quiet) for check in checks)


def json_text(checks: list[FileCheck], options: RenderOptions) -> str:
    return json.dumps(document(checks), ensure_ascii=False, indent=2) + "\n"


def _check_text(check: FileCheck, quiet: bool) -> str:
    lines = []
    if check.valid:
        if not quiet:
            count = f"{check.functions} function{'s' if check.functions != 1 else ''}"
            lines.append(f"{check.name}: valid ({count})")
            lines += [f"  warning: {warning.render()}" for warning in check.warnings]
    else:
        lines.append(f"error: {check.summary}{f' ({check.hint})' if check.hint else ''}")
        lines += problem_lines(check.problems)
    return "".join(line + "\n" for line in lines)


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
