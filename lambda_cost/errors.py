"""The one exception hierarchy: each stage raises its own subclass, the CLI maps it to a message and code."""

from __future__ import annotations

from lambda_cost.numbers import counted

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
# Problems listed for people before "... and N more": a generated file can have thousands, and the first ones, in
# file order, say what to fix (validate --format json lists them all).
SHOWN_PROBLEMS = 50


class Problem:
    """One thing wrong with an input, at a field path such as functions[1].memory_mb."""

    # A plain slotted class, like the model's core types: a dataclass costs start-up about 5 M instructions (its
    # methods are generated with exec), and every command loads this one. Never changed once made.
    __slots__ = ("column", "file", "hint", "line", "message", "path")

    def __init__(self, message: str, path: tuple[str | int, ...] = (), hint: str | None = None,
                 file: str | None = None, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.path = path
        self.hint = hint
        self.file = file
        self.line = line
        self.column = column

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Problem{self._key()!r}"

    def _key(self) -> tuple[object, ...]:
        return self.message, self.path, self.hint, self.file, self.line, self.column

    def replace(self, **changes: object) -> Problem:
        """A copy with some fields changed, like dataclasses.replace."""
        fields = dict(zip(("message", "path", "hint", "file", "line", "column"), self._key(), strict=True))
        unknown = changes.keys() - fields.keys()
        if unknown:
            raise TypeError(f"Problem has no field {', '.join(sorted(unknown))}")
        return Problem(**{**fields, **changes})  # type: ignore[arg-type]

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


class LambdaCostError(Exception):
    """Base of every error lambda-cost raises on purpose."""

    def __init__(self, message: str, hint: str | None = None, problems: list[Problem] | None = None,
                 exit_code: int = EXIT_INTERNAL) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = problems if problems is not None else []
        self.exit_code = exit_code

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
