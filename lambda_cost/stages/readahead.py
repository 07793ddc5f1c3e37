"""Load, continued: a large workload's YAML read in a second process while this one validates and prices it.

Reading the YAML is about a fifth of a large estimate. On Linux, a workload of STREAM_FROM characters or more whose
`functions` list is the last top-level key is read by a forked child, which sends the top-level keys written
before the list and then the functions, a batch at a time, through a pipe; this process validates, expands and
prices each batch while the child reads the next. The data is the same as stages.load.parse() makes, and so is
every problem: a YAML error anywhere in the file refuses it with that error alone, whatever was validated before
it. When the child cannot go on (the file holds top-level keys after the list after all, or the child failed), the
file is read again in this process, from the start.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from lambda_cost.errors import LoadError
from lambda_cost.stages.load import Source, parse

STREAM_FROM = 1024 * 1024  # characters; below this, forking costs more than it saves
_BATCH = 256  # functions a message

# `functions:` at the start of a line, then a line that starts a top-level key after it: the file is read in one
# process (a key after the list would change how every function before it is read). Patterns, compiled (by re,
# which caches them) only for a file large enough to read ahead.
_FUNCTIONS_KEY = r"(?:\A|\n)functions:[ \t]*(?:#[^\n]*)?\n"
_LATER_TOP_LEVEL = r"\n[^\s#\-]"


class ReadAgain(Exception):
    """The second process could not give the file as parse() would: read it again in this one."""


def read_ahead(source: Source) -> ReadAhead | None:
    """A child process reading `source`, or None where the file is read in this process (small, not on Linux,
    other threads running, a top-level key after `functions`, no process or pipe to spare, a child that failed at
    once)."""
    if len(source.text) < STREAM_FROM or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return None
    if _threads() > 1 or not _functions_last(source.text):
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors: one process reads it, as everywhere else
        return None
    try:
        child = os.fork()
    except OSError:  # no process to spare (RLIMIT_NPROC, memory)
        os.close(read_end)
        os.close(write_end)
        return None
    if child == 0:  # pragma: no cover - the child's coverage is not collected; its output is tested
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                _send(source, out)
        finally:
            os._exit(0)  # no atexit handlers, no flushing of the parent's buffers a second time
    os.close(write_end)
    try:
        return ReadAhead(child, os.fdopen(read_end, "rb"))
    except ReadAgain:  # the child failed before it sent anything
        return None


def _threads() -> int:
    """The threads of this process, Python's and native ones (DuckDB's pool lives on after a query): a fork copies
    only the thread that makes it, and a lock another one held would stay locked in the child."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # pragma: no cover - /proc not mounted: assume the worst
        return 2


def _functions_last(text: str) -> bool:
    found = re.search(_FUNCTIONS_KEY, text)
    return found is not None and re.compile(_LATER_TOP_LEVEL).search(text, found.end() - 1) is None


class _Sender:
    """The child's side: the top-level keys, then the functions in batches, then the end or the error."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.batch: list[Any] = []

    def send(self, message: tuple[Any, ...]) -> None:
        import pickle

        pickle.dump(message, self.out, protocol=pickle.HIGHEST_PROTOCOL)

    def start(self, top: dict[Any, Any]) -> None:
        self.send(("top", top))

    def item(self, value: Any) -> None:
        self.batch.append(value)
        if len(self.batch) == _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.send(("items", self.batch))
            self.batch = []


def _send(source: Source, out: IO[bytes]) -> None:  # pragma: no cover - runs in the child
    sender = _Sender(out)
    try:
        try:
            data = parse(source, sender)
        except LoadError as error:
            sender.send(("error", error.message, error.hint, error.problems))
        else:
            sender.flush()
            sender.send(("end", data))
    except BaseException:  # the pipe closes without an end: the parent reads the file again and meets the fault
        pass


def _same_top(document: Any, top: dict[Any, Any]) -> bool:
    """Whether the whole document's top-level keys are those sent before its functions, with the same values (a
    key written after the list, or one that overrides a value a `<<` merge gave, makes them differ)."""
    if not isinstance(document, dict):  # pragma: no cover - the list was streamed from a mapping
        return False
    try:
        return {**document, "functions": None} == {**top, "functions": None}
    except ArithmeticError:  # a signalling NaN refuses to be compared: read the file again, to be sure
        return False


class ReadAhead:
    """The parent's side: `whole` when the file had no list to stream, else `top` and then functions()."""

    def __init__(self, child: int, pipe: IO[bytes]) -> None:
        self._child: int | None = child
        self._pipe = pipe
        self.whole: Any = None  # the document, when no function came apart from it
        self.top: dict[Any, Any] = {}
        self._pending: list[Any] = []
        message = self._receive()
        if message[0] == "top":
            self.top = message[1]
            message = self._receive()
        if message[0] == "end":  # no top-level `functions` list, or an empty one: the document as parse() makes it
            self.whole = message[1]
            self.close()
        else:
            self._pending = message[1]

    def _receive(self) -> tuple[Any, ...]:
        import pickle

        try:
            message: tuple[Any, ...] = pickle.load(self._pipe)
        except (EOFError, pickle.UnpicklingError, OSError):
            self.close()
            raise ReadAgain from None
        if message[0] == "error":  # the YAML could not be read: that alone refuses the file, as parse() does
            self.close()
            raise LoadError(message[1], hint=message[2], problems=message[3])
        return message

    def functions(self) -> Iterator[Any]:
        """Each item of the `functions` list as the child makes it; ReadAgain if a top-level key followed it."""
        pending, self._pending = self._pending, []
        yield from pending
        while True:
            message = self._receive()
            if message[0] == "items":
                yield from message[1]
                continue
            self.close()
            if not _same_top(message[1], self.top):
                raise ReadAgain
            return

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self._child is None:
            return
        child, self._child = self._child, None
        import signal

        self._pipe.close()
        # Unreaped, an ended child is still there to signal; with SIGCHLD ignored (a disposition inherited from
        # whatever started lambda-cost) the system reaps it at once, and it may be gone.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
