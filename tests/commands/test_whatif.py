"""What-if (--set, compare --vary), charts, and several files priced as one account."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ONE_FUNCTION as ONE
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import InputError
from lambda_cost.render.chart import bar, bars
from lambda_cost.stages.account import prefixes
from lambda_cost.stages.edit import parse_assignment, parse_variation

runner = CliRunner()

# ONE (conftest.py): one function, 1M requests of 100 ms. Without the free tier, by hand:
#   requests 1,000,000 × $0.20 / 1M = $0.20
#   x86_64 1024 MB: 1,000,000 × 0.1 s × 1 GB = 100,000 GB-s × $0.0000166667 = $1.66667 → total $1.86667
#   x86_64 2048 MB: 200,000 GB-s × $0.0000166667 = $3.33334 → $3.53334
#   arm64 1024 MB: 100,000 GB-s × $0.0000133334 = $1.33334 → $1.53334
#   arm64 2048 MB: 200,000 GB-s × $0.0000133334 = $2.66668 → $2.86668


def total(*args: str) -> str:
    result = runner.invoke(app, ["estimate", *args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["total"])


def test_set_overrides_a_value_for_one_run(write: Any) -> None:
    path = write("one.yaml", ONE)
    assert total(path) == "1.86667"
    assert total(path, "--set", "functions.api.memory_mb=2048") == "3.53334"
    assert total(path, "--set", "functions.api.memory_mb=2 GB") == "3.53334"  # units as in the file
    assert total(path, "--set", "functions.0.architecture=arm64") == "1.53334"
    assert total(path, "--set", "memory_mb=2048", "--set", "functions.*.architecture=arm64") == "2.86668"
    assert total(path, "--set", "functions.api.invocations.0.per_month=2M") == "3.73334"
    assert Path(path).read_text() == ONE  # the file is never touched


def test_set_names_what_it_cannot_find(write: Any) -> None:
    path = write("one.yaml", ONE)
    result = runner.invoke(app, ["estimate", path, "--set", "functions.apy.memory_mb=2048"])
    assert result.exit_code == 2
    assert "nothing in the workload at functions.apy" in result.stderr
    assert "did you mean 'api'?" in result.stderr
    bad_value = runner.invoke(app, ["estimate", path, "--set", "functions.api.memory_mb=64"])
    assert bad_value.exit_code == 2
    assert "functions[0].memory_mb: 64 is too small: memory_mb takes a whole number from 128 to 10240" in \
        bad_value.stderr
    assert runner.invoke(app, ["estimate", path, "--set", "memory_mb"]).exit_code == 2


def test_assignment_paths() -> None:
    assert parse_assignment("memory_mb=2048").path == ("functions", "*", "memory_mb")
    assert parse_assignment("region=eu-west-1").path == ("region",)
    assert parse_assignment("functions[0].invocations[1].error_rate=0.5").path == (
        "functions", "0", "invocations", "1", "error_rate")
    assert parse_assignment("functions.api.duration_ms=0.25").value == Decimal("0.25")


def test_compare_prices_every_combination_cheapest_first(write: Any) -> None:
    path = write("one.yaml", ONE)
    result = runner.invoke(app, ["compare", path, "--vary", "memory_mb=1024,2048", "--vary",
                                 "architecture=x86_64,arm64", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["vary"] == ["memory_mb", "architecture"]
    assert [(c["values"]["memory_mb"], c["values"]["architecture"], c["total"], c["cheapest"])
            for c in document["combinations"]] == [
        ("1024", "arm64", "1.53334", True),
        ("1024", "x86_64", "1.86667", False),
        ("2048", "arm64", "2.86668", False),
        ("2048", "x86_64", "3.53334", False),
    ]
    assert document["combinations"][0]["functions"] == {"api": "1.53334"}


def test_compare_table_marks_the_cheapest(write: Any) -> None:
    path = write("one.yaml", ONE)
    result = runner.invoke(app, ["compare", path, "--vary", "functions.api.memory_mb=2048,1024", "--no-chart"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2:7] == [
        "functions.api.memory_mb  total  vs cheapest",
        "-----------------------  -----  -----------",
        "1024                     $1.87     cheapest",
        "2048                     $3.53       +$1.67",
        "",
    ]
    assert "Cheapest: functions.api.memory_mb=1024 at $1.87 a month" in result.stdout


def test_compare_reports_an_impossible_combination(write: Any) -> None:
    path = write("one.yaml", ONE)
    result = runner.invoke(app, ["compare", path, "--vary", "architecture=arm64", "--pricing", "2014-11-13"])
    assert result.exit_code == 2
    assert "with architecture=arm64:" in result.stderr and "predates architecture arm64" in result.stderr


def test_bars_are_drawn_to_an_eighth() -> None:
    assert bar(Decimal(1), Decimal(2), 10) == "█████"
    assert bar(Decimal(1), Decimal(3), 10) == "███▍"  # 10/3 × 8 = 26.7 → 27 eighths = 3 blocks and 3/8
    assert bar(Decimal(-1), Decimal(3), 10) == ""
    # 30 columns less the label (2), the amount (5) and 6 of spacing leave 17 for the largest bar
    assert bars("T", [("a", Decimal(2)), ("bb", Decimal(1))], 30) == [
        "T",
        "  a   $2.00  █████████████████",
        "  bb  $1.00  ████████▌",
    ]


def test_estimate_chart(write: Any) -> None:
    result = runner.invoke(app, ["estimate", write("one.yaml", ONE), "--chart"])
    assert result.exit_code == 0
    assert "Cost by function" in result.stdout
    assert "Cost by component (after the free tier)" in result.stdout
    assert "  Duration  $1.67  " in result.stdout


# Two files of one function each: 1M requests of 100 ms at 1024 MB, free tier on. Alone, each fits in the
# free tier ($0). As one account: 2M requests, 1M of them free: 1,000,000 × $0.20 / 1M = $0.20; 200,000 GB-s,
# all free. Each file's share is half: $0.10.
SMALL = ONE.replace("free_tier: false", "free_tier: true")


def test_several_files_are_one_account(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SMALL)
    (tmp_path / "b.yaml").write_text(SMALL)
    a, b = str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")
    assert total(a) == "0"
    result = runner.invoke(app, ["estimate", a, b, "-f", "json"])
    document = json.loads(result.stdout)
    assert document["total"] == "0.2"
    assert [f["name"] for f in document["functions"]] == ["a/api", "b/api"]  # names qualified by file
    # Each file's subtotal is gross; the account's one free tier is credited once, on its own row.
    assert document["files"] == [
        {"workload": a, "prefix": "a", "functions": 1, "total": "1.86667", "related_total": "0",
         "grand_total": "1.86667"},
        {"workload": b, "prefix": "b", "functions": 1, "total": "1.86667", "related_total": "0",
         "grand_total": "1.86667"},
    ]
    assert Decimal(document["free_tier"]["total"]) == Decimal("0.2") - 2 * Decimal("1.86667")
    table = runner.invoke(app, ["estimate", a, b]).stdout
    assert f"  {a} (a/…, 1 function): $1.87" in table


def test_files_with_one_stem_are_qualified_by_path() -> None:
    assert prefixes(["one/w.yaml", "two/w.yaml", "x.yaml"]) == ["one/w", "two/w", "x"]


def test_files_whose_stem_and_folder_repeat_keep_their_suffix() -> None:
    assert prefixes(["a.yaml", "a.yml", "b.yaml"]) == ["a.yaml", "a.yml", "b"]


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    """A shell glob that overlaps (`*.yaml a.yaml`) would price the file twice, with the same names twice."""
    (tmp_path / "a.yaml").write_text(SMALL)
    a = str(tmp_path / "a.yaml")
    result = runner.invoke(app, ["estimate", a, str(tmp_path / "." / "a.yaml"), "-f", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{tmp_path / '.' / 'a.yaml'} is the same file as {a}" in result.stderr


def test_several_files_must_agree_on_price_list_and_free_tier(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SMALL + "pricing: '2021-09-29'\n")
    (tmp_path / "b.yaml").write_text(ONE)
    a, b = str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")
    result = runner.invoke(app, ["estimate", a, b])
    assert result.exit_code == 2
    assert "different pricing versions" in result.stderr and "--pricing" in result.stderr
    result = runner.invoke(app, ["estimate", a, b, "--pricing", "2022-08-01"])
    assert result.exit_code == 2 and "disagree on free_tier" in result.stderr
    assert runner.invoke(app, ["estimate", a, b, "--pricing", "2022-08-01", "--no-free-tier"]).exit_code == 0


def test_several_files_report_the_problems_of_each(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ONE.replace("memory_mb", "memroy_mb"))
    (tmp_path / "b.yaml").write_text(ONE.replace("duration_ms: 100", "duration_ms: 3m"))
    result = runner.invoke(app, ["estimate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])
    assert result.exit_code == 2
    assert "a.yaml:5:5: functions[0].memroy_mb: unknown key" in result.stderr
    assert "b.yaml:6:5: functions[0].duration_ms: '3m': unknown or ambiguous unit 'm'" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_formats_tell_warnings_on_stderr_unless_quiet(fmt: str) -> None:
    example = str(ROOT / "examples" / "event-pipeline.yaml")
    loud = runner.invoke(app, ["estimate", example, "-f", fmt])
    assert loud.stderr.startswith(f"warning: {example}:24:9 functions[1].invocations[0].max_retry_attempts: ")
    quiet = runner.invoke(app, ["estimate", example, "-f", fmt, "--quiet"])
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


@pytest.mark.parametrize(("text", "value"), [("memory_mb=128,128", "128"), ("per_month=3,000,000", "000")])
def test_a_value_varied_twice_is_refused(text: str, value: str) -> None:
    """Twice the same value listed two identical rows, both 'cheapest'; 3,000,000 split into 3, 000 and 000."""
    with pytest.raises(InputError) as caught:
        parse_variation(text)
    assert caught.value.message == f"--vary {text!r}: the value {value!r} is given twice"
    assert "3M" in (caught.value.hint or "")


def test_the_readmes_compare_example_prints_what_it_shows() -> None:
    """README "What-if": the command and its output, run from the repository's root as written."""
    import os
    import shlex
    import subprocess
    import sys

    root = ROOT
    text = (root / "README.md").read_text().split("### What-if", 1)[1]
    block = text.split("```\n$ ", 1)[1].split("```", 1)[0]
    command, expected = block.split("\n", 1)
    args = shlex.split(command)
    assert args[:2] == ["lambda-cost", "compare"]
    completed = subprocess.run([sys.executable, "-m", "lambda_cost", *args[1:]], cwd=root, capture_output=True,
                               text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == expected.strip()
