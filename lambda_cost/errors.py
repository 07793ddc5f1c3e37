"""The one exception hierarchy: each stage raises its own subclass, the CLI maps it to a message and code."""

from __future__ import annotations

from dataclasses import dataclass, field

from lambda_cost.numbers import counted

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
# Problems listed for people before "... and N more": a generated file can have thousands, and the first ones, in
# file order, say what to fix (validate --format json lists them all).
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a field path such as functions[1].memory_mb."""

    message: str
    path: tuple[str | int, ...] = ()
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None

    @property
    def dotted_path(self) -> str:
        return format_path(self.path)

    @property
    def where(self) -> str:
        """Its place in one phrase: file:line:column field.path (as much as is known), or empty."""
        text = self.file or ""
        if self.line is not None:
            text += f":{self.line}:{self.column}"
        if self.path:
            text += f" {self.dotted_path}"
        return text.strip()

    def render(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: " if where else ""
        if self.path:
            text += f"{self.dotted_path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


def problem_lines(problems: list[Problem], indent: str = "  ") -> list[str]:
    """Each problem on a line, up to SHOWN_PROBLEMS, then how many more there are."""
    lines = [f"{indent}{problem.render()}" for problem in problems[:SHOWN_PROBLEMS]]
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        lines.append(f"{indent}... and {counted(more, 'more problem', 'more problems')}")
    return lines


def format_path(path: tuple[str | int, ...]) -> str:
    """Render ("functions", 1, "memory_mb") as functions[1].memory_mb."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass
class LambdaCostError(Exception):
    """Base of every error lambda-cost raises on purpose."""

    message: str
    hint: str | None = None
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = EXIT_INTERNAL

    def __str__(self) -> str:
        return self.message


class InputError(LambdaCostError):
    """The user's input or usage is wrong: exit code 2."""

    def __init__(self, message: str, hint: str | None = None, problems: list[Problem] | None = None) -> None:
        super().__init__(message, hint, list(problems or []), EXIT_INPUT)


class LoadError(InputError):
    """A workload file could not be read or parsed as YAML."""


class WorkloadError(InputError):
    """The workload does not match the schema, or its values contradict each other."""


class PricingError(InputError):
    """No pricing table fits: unknown version, unknown region, or a feature the table predates."""


class TableError(InputError):
    """A pricing table file is damaged or invalid."""


class OutputError(InputError, OSError):
    """The system refused to write an output (a read-only directory, a full disk, a name too long): exit code 2.

    The user's environment, not a bug, so not the internal error a CI gate could mistake for a crash; still an
    OSError, which it is, for callers that handle the system's refusals.
    """


class RenderError(LambdaCostError):
    """An output could not be produced or written."""
