"""the command line as developers and CI pipelines use it: diff's inputs and gate, init, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app

EXAMPLE = str(ROOT / "examples" / "web-api.yaml")
runner = CliRunner()


def saved_estimate(tmp_path: Path, name: str = "saved.json", **changes: Any) -> str:
    """The example's `estimate --format json`, with top-level keys changed."""
    document = json.loads(runner.invoke(app, ["estimate", EXAMPLE, "-f", "json"]).stdout)
    path = tmp_path / name
    path.write_text(json.dumps({**document, **changes}))
    return str(path)


@pytest.mark.parametrize(("changes", "message"), [
    ({"currency": "EUR"}, "in EUR a month; diff compares USD a month"),
    ({"period": "year"}, "in USD a year; diff compares USD a month"),
])
def test_a_saved_estimate_in_another_currency_or_period_is_refused(tmp_path: Path, changes: dict[str, str],
                                                                     message: str) -> None:
    """A saved estimate in EUR was compared as if its figures were dollars."""
    result = runner.invoke(app, ["diff", saved_estimate(tmp_path, **changes), EXAMPLE])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'saved.json'}: a saved estimate {message}\n")


def test_a_truncated_saved_estimate_is_named_as_damaged_json(tmp_path: Path) -> None:
    """A saved estimate cut short (a disk filled up, a download stopped) was reported as invalid YAML."""
    whole = Path(saved_estimate(tmp_path)).read_text()
    damaged = tmp_path / "damaged.json"
    damaged.write_text(whole[:300])
    result = runner.invoke(app, ["diff", str(damaged), EXAMPLE])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {damaged}: a damaged saved estimate, not valid JSON (")
    assert "YAML" not in result.stderr


def test_a_saved_estimate_of_a_future_schema_is_refused_naming_its_version(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", EXAMPLE, saved_estimate(tmp_path, schema_version=3)])
    assert result.exit_code == 2
    assert "a saved estimate of schema_version 3; this lambda-cost reads schema_version 1 and 2" in result.stderr


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_a_change_too_small_to_show_has_no_sign_either_way(write: Any, output_format: str) -> None:
    """10 more requests of 10M ($0.000002 more) showed "+$0.00" and "+0.0%", 10 fewer "$0.00" and "0.0%"."""
    base = write("base.yaml", workload_yaml(function("api", invocations=[{"type": "sync", "per_month": 10_000_000}]),
                                            free_tier=False))
    head = write("head.yaml", Path(base).read_text().replace("10000000", "10000010"))
    rise, fall = (runner.invoke(app, ["diff", *pair, "-f", output_format]) for pair in ((base, head), (head, base)))
    assert rise.exit_code == fall.exit_code == 0
    assert "+$0.00" not in rise.stdout and "+0.0%" not in rise.stdout
    assert rise.stdout.replace(base, "B").replace(head, "H") == fall.stdout.replace(head, "B").replace(base, "H")


@pytest.mark.parametrize(("command", "option", "amount"), [
    (["diff", EXAMPLE, EXAMPLE], "--max-increase", "1,5"), (["diff", EXAMPLE, EXAMPLE], "--max-increase", "1,5%"),
    (["diff", EXAMPLE, EXAMPLE], "--max-increase", "12,34"), (["estimate", EXAMPLE], "--budget", "1,5"),
    (["estimate", EXAMPLE], "--budget", "12,34"),
])
def test_a_comma_that_does_not_group_thousands_is_refused(command: list[str], option: str, amount: str) -> None:
    """`--max-increase 1,5` (one and a half, in many locales) was a gate of $15, ten times looser."""
    result = runner.invoke(app, [*command, option, amount])
    assert result.exit_code == 2
    assert f"not {amount!r}" in result.stderr


@pytest.mark.parametrize(("amount", "limit", "percent"), [
    ("1,500", "1500", False), ("$1,000,000.50", "1000000.5", False), ("10 %", "10", True), ("0", "0", False),
])
def test_thousands_and_spaces_still_read_as_before(amount: str, limit: str, percent: bool) -> None:
    result = runner.invoke(app, ["diff", EXAMPLE, EXAMPLE, "-f", "json", "--max-increase", amount])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["gate"] == {"max_increase": limit, "percent": percent, "exceeded": False}


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["schema"], ["validate", EXAMPLE, "-f", "json"], ["compare", EXAMPLE, "--vary", "memory_mb=512,1024"],
    ["pricing", "list"], ["pricing", "show"], ["pricing", "diff", "2014-11-13"], ["pricing", "check"],
    ["init", "-o", "-"],
])
def test_every_command_on_a_full_disk_says_so_and_exits_2(args: list[str]) -> None:
    """`lambda-cost schema > schema.json` on a full disk was "internal error ... this is a bug" (exit 3); `estimate`
    and `diff` already said "cannot write standard output" (exit 2), as the README's table says of every command."""
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "lambda_cost", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.stderr.endswith("error: cannot write standard output: No space left on device\n")
    assert done.returncode == 2


def test_the_readme_says_which_wins_of_no_color_and_color_always() -> None:
    """test_manners checks that --color always wins over NO_COLOR; the README did not say so."""
    assert "`--color always` colours even then" in (ROOT / "README.md").read_text()
    result = runner.invoke(app, ["diff", EXAMPLE, EXAMPLE, "-f", "json", "--color", "always"], env={"NO_COLOR": "1"})
    assert "\x1b[" not in result.stdout and json.loads(result.stdout)["kind"] == "diff"


def test_a_schema_version_of_true_is_not_version_1(tmp_path: Path) -> None:
    # `true == 1` in Python: a saved estimate with "schema_version": true was read as version 1.
    result = runner.invoke(app, ["diff", saved_estimate(tmp_path, schema_version=True), EXAMPLE])
    assert result.exit_code == 2
    assert "a saved estimate of schema_version True; this lambda-cost reads schema_version 1" in result.stderr


def test_diff_to_a_file_says_where_the_report_went(tmp_path: Path) -> None:
    # `estimate -o FILE` says "wrote FILE"; `diff -o FILE` said nothing, and nothing was on the screen.
    out = tmp_path / "diff.md"
    result = runner.invoke(app, ["diff", EXAMPLE, EXAMPLE, "-f", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == f"wrote {out}\n"
    assert out.read_text().startswith("### Lambda cost change: $0.00 (0.0%)\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["estimate", "--help"]])
def test_help_and_version_on_a_full_disk_are_an_output_error_not_a_traceback(args: list[str]) -> None:
    # Typer prints these itself, before any command runs: a full disk gave a Python traceback and exit 1.
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "lambda_cost", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60, cwd=ROOT)
    assert (done.returncode, done.stderr) == (2, "error: cannot write standard output: No space left on device\n")
