"""the reports a CI job posts: function names from a pull request are text, never markup or formulas."""

from __future__ import annotations

import csv
import io
import re
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


HOSTILE = ("a|b\n| x | y |\n<img src=x onerror=alert(1)>", "`code` *bold* [link](http://e.com) </details>",
           "=HYPERLINK(\"http://e.com\")")


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_diff_markdown_keeps_hostile_names_inert(write: Any) -> None:
    base, head = write("base.yaml", named(*HOSTILE)), write("head.yaml", named(*HOSTILE, memory_mb=1024))
    result = runner.invoke(app, ["diff", base, head, "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("|") and "(free tier)" not in line]
    tables = [rows[:5], rows[5:]]  # the summary (header, rule, 3 names) and the components (header, rule, 3)
    assert [len(t) for t in tables] == [5, 5], result.stdout
    for table in tables:
        assert len({unescaped_pipes(line) for line in table}) == 1, table
    for raw in ("<img", "`code", "](http", "</details> |"):  # only escaped: \\<img renders as text
        assert not re.search(r"(?<!\\)" + re.escape(raw), result.stdout), raw
    assert result.stdout.count("<details>") == result.stdout.count("</details>") == 1


def test_diff_csv_names_are_not_formulas(write: Any) -> None:
    path = write("w.yaml", named(*HOSTILE))
    result = runner.invoke(app, ["diff", path, path, "-f", "csv"])
    names = {row[0] for row in csv.reader(io.StringIO(result.stdout))}
    assert "'=HYPERLINK(\"http://e.com\")" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names), names
