"""Write a file atomically: a temporary file in the same directory, fsync, then rename over the target."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

from lambda_cost.errors import InputError, OutputError


def write_atomically(path: Path | str, text: str, *, force: bool) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never a partial one.

    Refuses to replace an existing file unless `force`; when it does, the file keeps its permission bits.
    """
    with atomic_output(path, force=force) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_output(path: Path | str, *, force: bool) -> Iterator[TextIO]:
    """A file to write `path` through: it replaces `path` only when the block finishes without error."""
    if str(path) == "":  # Path("") is ".", the directory: say what is wrong, not that "." exists
        raise InputError("--output needs a file name; it was given an empty one", hint="-o FILE, or -o - for standard "
                         "output")
    path = Path(path)
    try:
        path, existing = _target(path, force=force)
    except OSError as error:
        raise _unwritable(path, error) from None
    try:
        temporary = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
            mode="w", encoding="utf-8", newline="", delete=False, dir=path.parent, prefix=f".{path.name}.",
            suffix=".tmp",
        )
    except OSError as error:
        if error.errno == errno.ENOENT:  # /proc and the like: the directory is there but makes no new files
            raise OutputError(f"cannot write {path}: {path.parent} does not take new files, and the file is "
                              "replaced through a new one beside it",
                              hint="write the report to a file in an ordinary directory") from None
        raise _unwritable(path, error) from None
    try:
        with temporary as handle:
            yield cast(TextIO, handle)
            handle.flush()
            os.fsync(handle.fileno())
        if existing is not None:
            os.chmod(temporary.name, stat.S_IMODE(existing.st_mode))
        else:
            # NamedTemporaryFile creates 0600; give a new file the permissions the umask allows.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary.name, 0o666 & ~umask)
        os.replace(temporary.name, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary.name)
        if isinstance(error, OSError):
            raise _unwritable(path, error) from None
        raise


def _target(path: Path, *, force: bool) -> tuple[Path, os.stat_result | None]:
    """The file to replace (a symbolic link's target) and its status, if it exists and may be replaced."""
    if path.is_symlink():
        try:
            path = path.resolve()  # write the file the link points to; replacing the link would leave that file stale
        except RuntimeError:  # Python before 3.13 says a loop so
            raise _loop(path) from None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise _loop(path) from None
            raise
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"cannot write {path}: directory {parent} does not exist",
                         hint="create the directory first")
    try:
        existing = path.stat()
    except FileNotFoundError:
        return path, None
    except OSError as error:  # Python 3.13's resolve() leaves a loop as it is: following it fails here
        if error.errno == errno.ELOOP:
            raise _loop(path) from None
        raise
    if not force:
        raise InputError(f"{path} already exists", hint="use --force to overwrite")
    if not stat.S_ISREG(existing.st_mode):
        raise InputError(f"cannot write {path}: it exists and is not a regular file")
    return path, existing


def _loop(path: Path) -> InputError:
    return InputError(f"cannot write {path}: it is a loop of symbolic links")


def _unwritable(path: Path, error: OSError) -> OutputError:
    """What the system refused, said of the file asked for rather than of the temporary file."""
    return OutputError(f"cannot write {path}: {error.strerror or error}")
