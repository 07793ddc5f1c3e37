"""QA of the reports a CI job posts: function names from a pull request are text, never markup or formulas."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()

RICH_MARKUP = ("x[/]", "[bold]loud[/bold]", "[link=https://e.com]click[/link]")


def named(*names: str, memory_mb: int = 512) -> str:
    return workload_yaml(*({"name": name, "memory_mb": memory_mb, "duration_ms": 100,
                            "invocations": [{"type": "sync", "per_month": 5_000_000}]} for name in names))


@pytest.mark.parametrize("command", ["estimate", "diff"])
def test_rich_markup_in_names_is_printed_as_written(write: Any, command: str) -> None:
    path = write("w.yaml", named(*RICH_MARKUP))
    result = runner.invoke(app, [command, path, *([path] if command == "diff" else []), "--color", "never"])
    assert result.exit_code == 0, result.stderr
    for name in RICH_MARKUP:
        assert name in result.stdout
