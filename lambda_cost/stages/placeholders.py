"""Placeholders that `init` leaves for values a template cannot know, and the hints their comments give."""

from __future__ import annotations

from typing import Any

from lambda_cost.errors import Problem
from lambda_cost.model.units import PLACEHOLDER as PLACEHOLDER  # re-exported: the marker and its checks live together
from lambda_cost.stages.load import Source

PLACEHOLDER_MESSAGE = "placeholder not filled"


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


def unique_placeholders(problems: list[Problem]) -> list[Problem]:
    """One report per unfilled field: a union type would otherwise report each of its branches."""
    seen: set[tuple[str | int, ...]] = set()
    kept = []
    for problem in problems:
        if problem.message == PLACEHOLDER_MESSAGE:
            if problem.path in seen:
                continue
            seen.add(problem.path)
        kept.append(problem)
    return kept


def hints_from_comments(problems: list[Problem], source: Source) -> list[Problem]:
    """`duration_ms: FILL-ME  # mean duration, ms`: the comment says what to fill in, so it is the hint."""
    if not any(p.message == PLACEHOLDER_MESSAGE for p in problems):
        return problems
    lines = source.text.splitlines()
    result = []
    for problem in problems:
        if problem.message == PLACEHOLDER_MESSAGE and problem.line is not None and problem.line <= len(lines):
            _, hash_mark, comment = lines[problem.line - 1].partition(f"{PLACEHOLDER}")[2].partition("#")
            if hash_mark and comment.strip():
                hint = f"replace {PLACEHOLDER}: {comment.strip()}"
                problem = Problem(problem.message, problem.path, hint, problem.file, problem.line, problem.column)
        result.append(problem)
    return result
