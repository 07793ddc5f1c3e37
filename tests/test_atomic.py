"""write_atomically: a new file, refusal without --force, overwrite with it, and nothing half-written."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from lambda_cost import atomic
from lambda_cost.atomic import write_atomically
from lambda_cost.errors import EXIT_INPUT, InputError


def _leftovers(directory: Path, keep: Path) -> list[Path]:
    return [path for path in directory.iterdir() if path != keep]


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "estimate.md"
    write_atomically(target, "héllo\n", force=False)
    assert target.read_text(encoding="utf-8") == "héllo\n"
    assert _leftovers(tmp_path, target) == []


def test_new_file_gets_umask_permissions_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "out.csv"
        write_atomically(target, "x\n", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_keeps_line_endings_as_given(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_atomically(target, "a\nb\r\n", force=False)
    assert target.read_bytes() == b"a\nb\r\n"


def test_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("original\n")
    with pytest.raises(InputError) as raised:
        write_atomically(target, "new\n", force=False)
    assert raised.value.hint == "use --force to overwrite"
    assert str(target) in raised.value.message
    assert raised.value.exit_code == EXIT_INPUT
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path, target) == []


def test_overwrites_with_force_keeping_permissions(tmp_path: Path) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("original\n")
    target.chmod(0o640)
    write_atomically(target, "new\n", force=True)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path, target) == []


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_replace_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("original\n")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(type(error)):
        write_atomically(target, "new\n", force=True)
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path, target) == []


def test_failed_write_leaves_the_original_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "estimate.json"
    target.write_text("original\n")

    def fail(fd: int) -> None:
        raise OSError("fsync failed")

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(OSError, match="fsync failed"):
        write_atomically(target, "new\n", force=True)
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path, target) == []


def test_failure_when_creating_a_new_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "estimate.json"

    def fail(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "new\n", force=False)
    assert list(tmp_path.iterdir()) == []


def test_missing_parent_directory_is_an_input_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "estimate.json"
    with pytest.raises(InputError, match="does not exist"):
        write_atomically(target, "new\n", force=True)
    assert not (tmp_path / "missing").exists()


def test_a_directory_in_the_way_is_an_input_error(tmp_path: Path) -> None:
    target = tmp_path / "estimate.json"
    target.mkdir()
    with pytest.raises(InputError):
        write_atomically(target, "new\n", force=True)
    assert target.is_dir()
