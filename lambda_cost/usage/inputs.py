"""Opening usage inputs: files, directories (recursively), `-` for standard input, gzip by its magic bytes."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from lambda_cost.errors import InputError, LoadError, Problem

GZIP_MAGIC = b"\x1f\x8b"
HEAD_CHARS = 64 * 1024
# A path such as exports/aws/lambda/api/2025/... names its function, as the log group /aws/lambda/api does.
_GROUP_IN_PATH = re.compile(r"(?:^|/)aws/lambda/([A-Za-z0-9_.-]+)(?:/|$)")


class UsageInputError(LoadError):
    """A usage input cannot be read, or holds nothing calibrate can use: exit code 2."""


@dataclass(frozen=True)
class Input:
    """One file to read (or standard input), with the function its path names, if any."""

    name: str
    path: Path | None  # None: standard input

    @property
    def function(self) -> str | None:
        match = _GROUP_IN_PATH.search(self.name.replace("\\", "/"))
        return match.group(1) if match else None


def collect(paths: list[str]) -> tuple[list[Input], list[Problem]]:
    """Every input the command line names (a directory gives its files, recursively, in name order), and a
    problem for each name that is neither a file nor a folder with files."""
    inputs: list[Input] = []
    problems: list[Problem] = []
    if paths.count("-") > 1:
        raise UsageInputError("standard input (-) is given more than once; it can be read only once")
    for text in paths:
        if text == "-":
            inputs.append(Input("-", None))
            continue
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not files:
                problems.append(Problem("the directory holds no file", file=text))
            inputs.extend(Input(str(p), p) for p in files)
        elif path.is_file():
            inputs.append(Input(text, path))
        else:
            problems.append(Problem("no such file or directory", file=text))
    return inputs, problems


@contextlib.contextmanager
def open_text(item: Input) -> Iterator[TextIO]:
    """The input as text: decompressed when it starts with gzip's magic bytes (whatever its name), UTF-8 with
    undecodable bytes replaced (a log line is read by its field names; a stray byte must not stop the run)."""
    try:
        raw: BinaryIO = sys.stdin.buffer if item.path is None else open(item.path, "rb")  # noqa: SIM115
    except OSError as error:
        raise UsageInputError(f"{item.name}: cannot be read: {error.strerror or error}") from None
    buffered: Any = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    try:
        binary: Any = buffered
        if buffered.peek(2)[:2] == GZIP_MAGIC:
            binary = gzip.GzipFile(fileobj=buffered, mode="rb")
        yield io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
    finally:
        if item.path is not None:
            raw.close()


def read_failure(name: str, line: int, error: BaseException) -> UsageInputError:
    """A read that failed midway, in our words: a truncated or damaged gzip stream, or the system's refusal."""
    if isinstance(error, (EOFError, gzip.BadGzipFile, zlib.error)):
        what = ("the gzip stream ends early: the file is truncated" if isinstance(error, EOFError)
                else "the gzip stream is damaged")
        return UsageInputError(
            f"{name}: cannot be read to its end", hint="download or export it again",
            problems=[Problem(f"{what} (after line {line - 1:,})", file=name, line=line)],
        )
    message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return UsageInputError(f"{name}: cannot be read: {message}")


READ_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error, OSError)


def detect(head: str) -> str:
    """What an input holds, from its first characters: a JSON document or JSON lines, a Logs Insights CSV
    export, or text log lines."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        first_line = stripped.split("\n", 1)[0]
        try:
            value = json.loads(first_line)
        except (ValueError, RecursionError):  # the document's reader says what is wrong, and where
            return "json-document"
        if isinstance(value, dict) and ("record" in value or value.get("type", "").startswith("platform.")):
            return "json-lines"
        return "json-document" if "\n" not in stripped.strip() or _complete_json(stripped) else "json-lines"
    first = stripped.split("\n", 1)[0]
    if "," in first and re.search(r"(?:^|,)\"?invocations\"?(?:,|$)", first):
        return "insights-csv"
    return "text"


def _complete_json(text: str) -> bool:
    """Whether a head that starts like JSON is one document (pretty-printed or one line) rather than JSON lines."""
    try:
        json.loads(text)
    except RecursionError:  # one document, nested too deeply: its reader says so, and where
        return True
    except ValueError as error:
        # A document longer than the head fails at its end; JSON lines fail right after the first record.
        return "Extra data" not in str(error)
    return True


def reading_error(name: str, message: str, hint: str | None = None, line: int | None = None) -> InputError:
    """One problem with one input, located."""
    return UsageInputError(f"{name}: {message}", hint=hint,
                           problems=[Problem(message, file=name, line=line)] if line is not None else [])
