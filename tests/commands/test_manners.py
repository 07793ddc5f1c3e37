"""Terminal manners: an example in every command's help, shell completion, NO_COLOR, and --explain everywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

COMMANDS = ["estimate", "diff", "validate", "schema", "init", "compare", "pricing list", "pricing show",
            "pricing diff", "pricing check", "pricing import"]
runner = CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_on_one_line(command: str) -> None:
    # At 50 columns an example used to wrap mid-command, which breaks it when copied; it keeps its own line.
    def example(columns: int) -> list[str]:
        result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": str(columns)})
        assert result.exit_code == 0
        return [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("lambda-cost ")]

    narrow = example(50)
    assert len(narrow) == 1 and narrow[0].startswith(f"lambda-cost {command} ")
    assert narrow == example(200)


def test_shell_completion_completes_commands_and_options() -> None:
    def complete(words: str, index: int) -> list[str]:
        env = {**os.environ, "_LAMBDA_COST_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
        completed = subprocess.run([sys.executable, "-m", "lambda_cost"], env=env, capture_output=True, text=True,
                                   timeout=60, check=True)
        return completed.stdout.split()

    assert complete("lambda-cost comp", 1) == ["compare"]
    assert complete("lambda-cost estimate --for", 2) == ["--format", "--force"]
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout


def test_no_color_wins_over_auto_but_not_over_always(monkeypatch: pytest.MonkeyPatch) -> None:
    from lambda_cost.commands.common import use_color

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Terminal()) is False  # type: ignore[arg-type]
    assert use_color("always", Terminal()) is True  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    assert use_color("auto", Terminal()) is True  # type: ignore[arg-type]
    assert use_color("never", Terminal()) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("example", ["web-api.yaml", "event-pipeline.yaml"])
def test_explain_covers_every_line_item_source_and_function(example: str) -> None:
    result = runner.invoke(app, ["estimate", str(ROOT / "examples" / example), "-f", "json", "--explain"])
    document = json.loads(result.stdout)
    for function in document["functions"]:
        assert " GB-s" in function["explain"]
        for item in function["line_items"]:
            # each ends in "quantity unit × $price = $cost", and the cost is the line's own
            assert re.search(r" × -?\$[0-9.]+ = -?\$[0-9,.]+$", item["explain"]), item["explain"]
            cost = item["explain"].rsplit("= ", 1)[1].replace("$", "").replace(",", "")
            assert abs(float(cost) - float(item["cost"])) < 1e-6
        for source in function["sources"]:
            assert "attempts" in source["explain"] or "invocations" in source["explain"]


def test_explain_in_the_style_of_the_issue(write: object) -> None:
    # async: 200,000 events × (1 + 0.05 + 0.0025) = 210,500 attempts, by hand
    text = ("version: 1\nfunctions:\n  - name: f\n    memory_mb: 128\n    duration_ms: 10\n    invocations:\n"
            "      - {type: async, per_month: 200k, error_rate: 0.05}\n")
    path = write("a.yaml", text)  # type: ignore[operator]
    result = runner.invoke(app, ["estimate", path, "--explain"])
    assert "200,000 events × (1 + 0.05 + 0.0025) = 210,500 attempts" in result.stdout
