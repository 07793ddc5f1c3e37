"""Options and file names no one means to give: each a clear refusal (exit 2), never an internal error (exit 3)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

EXAMPLE = str(ROOT / "examples" / "web-api.yaml")
runner = CliRunner()


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert "internal error" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("path", [".", "..", "[]", " "])
def test_a_set_path_that_names_nothing_is_refused(path: str) -> None:
    assert "expected PATH=VALUE" in refused(["estimate", EXAMPLE, "--set", f"{path}=1"])


@pytest.mark.parametrize("option", ["--set", "--vary"])
def test_a_set_value_that_is_not_utf8_is_refused(option: str) -> None:
    command = "compare" if option == "--vary" else "estimate"
    value = os.fsdecode(b"\xff")
    stderr = refused([command, EXAMPLE, option, f"memory_mb={value}"])
    assert "not UTF-8 text" in stderr


def test_a_non_utf8_file_name_is_written_as_an_escape_in_the_report(tmp_path: Path) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/w\xff.yaml")
    Path(name).write_text(Path(EXAMPLE).read_text())
    output = tmp_path / "out.json"
    result = runner.invoke(app, ["estimate", name, "-f", "json", "-o", str(output)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(output.read_bytes().decode("utf-8"))["workload"].endswith("w\\xff.yaml")
    result = runner.invoke(app, ["estimate", name, "-f", "json"])
    assert json.loads(result.stdout)["workload"].endswith("w\\xff.yaml")


def test_output_on_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    stderr = refused(["estimate", EXAMPLE, "-o", str(tmp_path / "a")])
    assert "a loop of symbolic links" in stderr


@pytest.mark.parametrize("command", [["estimate", EXAMPLE], ["schema"], ["init"]])
def test_an_empty_output_name_is_refused_as_empty(command: list[str]) -> None:
    stderr = refused([*command, "-o", ""])
    assert "--output needs a file name" in stderr
    assert "already exists" not in stderr


def test_output_into_a_directory_that_takes_no_new_files_says_so() -> None:
    if not Path("/proc/version").exists():  # pragma: no cover - not Linux
        pytest.skip("no /proc")
    stderr = refused(["estimate", EXAMPLE, "-o", "/proc/version", "--force"])
    assert "No such file" not in stderr
    assert "cannot write /proc/version" in stderr and "/proc" in stderr


def test_output_onto_a_directory_is_refused() -> None:
    stderr = refused(["estimate", EXAMPLE, "-o", str(ROOT / "examples"), "--force"])
    assert "not a regular file" in stderr
