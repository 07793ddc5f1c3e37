"""The command line as users and CI meet it: exit codes, streams, stdin, formats."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost import __version__, cli
from lambda_cost.cli import app

EXAMPLE = str(ROOT / "examples" / "web-api.yaml")
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin)


def run_process(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "lambda_cost", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=60,
    )


def test_estimate_table_exits_0() -> None:
    result = run("estimate", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    assert "Total for the month: $" in result.stdout
    assert "Retries and dead letters" in result.stdout


def test_json_is_the_only_thing_on_stdout() -> None:
    completed = run_process("estimate", EXAMPLE, "--format", "json")
    assert completed.returncode == 0
    document = json.loads(completed.stdout)
    assert document["schema_version"] == 2
    # people's messages go to stderr: here only the example's budget warning
    assert completed.stderr.startswith("near budget: function thumbnails")


def test_json_is_byte_identical_across_runs() -> None:
    first = run_process("estimate", EXAMPLE, "--format", "json").stdout
    second = run_process("estimate", EXAMPLE, "--format", "json").stdout
    assert first == second


def test_workload_from_stdin() -> None:
    text = Path(EXAMPLE).read_text()
    from_file = run_process("estimate", EXAMPLE, "-f", "json").stdout
    from_stdin = run_process("estimate", "-", "-f", "json", stdin=text).stdout
    assert json.loads(from_stdin)["total"] == json.loads(from_file)["total"]
    assert json.loads(from_stdin)["workload"] == "<stdin>"


def test_a_command_gets_the_cycle_collector_back_after_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console script (start.main) pauses the collector for start-up; a command runs with it as it was,
    but a short-lived one (estimate), which turns it off for its work anyway."""
    monkeypatch.setattr(cli, "_gc_paused", True)
    states: list[bool] = []
    try:
        for short_lived in (False, True):
            gc.disable()
            with pytest.raises(typer.Exit):
                cli._run(lambda: states.append(gc.isenabled()) or 0, False, short_lived=short_lived)
    finally:
        gc.unfreeze()
        gc.enable()
    assert states == [True, False]


def test_the_console_script_runs_through_start(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import sys; from lambda_cost.start import main; "
                           f"sys.argv = ['lambda-cost', 'estimate', {EXAMPLE!r}, '-f', 'json']; main()"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"]


def test_version() -> None:
    completed = run_process("--version")
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"lambda-cost {__version__}"


def test_missing_file_exits_2_without_traceback() -> None:
    result = run("estimate", "no-such-file.yaml")
    assert result.exit_code == 2
    assert "no-such-file.yaml: no such file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_schema_error_exits_2_with_location(write: Any) -> None:
    path = write("bad.yaml", "version: 1\nfunctions:\n  - name: a\n    memory_mb: 64\n")
    result = run("estimate", path)
    assert result.exit_code == 2
    assert f"{path}:4:5: functions[0].memory_mb:" in result.stderr
    assert result.stdout == ""


def test_invalid_yaml_exits_2(write: Any) -> None:
    result = run("estimate", write("bad.yaml", "version: [1\n"))
    assert result.exit_code == 2
    assert "invalid YAML" in result.stderr


def test_unknown_pricing_version_exits_2() -> None:
    result = run("estimate", EXAMPLE, "--pricing", "1999-01-01")
    assert result.exit_code == 2
    assert "unknown pricing version '1999-01-01'" in result.stderr
    assert "2022-08-01" in result.stderr


def test_a_table_that_predates_the_workload_exits_2() -> None:
    result = run("estimate", EXAMPLE, "--pricing", "2014-11-13")
    assert result.exit_code == 2
    assert "predates architecture arm64" in result.stderr
    assert "2021-09-29" in result.stderr


def test_usage_error_exits_2() -> None:
    result = run("estimate", EXAMPLE, "--format", "xml")
    assert result.exit_code == 2


def test_internal_error_exits_3_with_one_line_and_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import lambda_cost.stages.price

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lambda_cost.stages.price, "price", broken)
    result = run("estimate", EXAMPLE)
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "--debug" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run("estimate", EXAMPLE, "--debug")
    assert debug.exit_code == 3
    assert "Traceback" in debug.stderr


def test_free_tier_flag_overrides_the_workload() -> None:
    on = json.loads(run("estimate", EXAMPLE, "-f", "json").stdout)
    off = json.loads(run("estimate", EXAMPLE, "-f", "json", "--no-free-tier").stdout)
    assert on["free_tier"]["enabled"] is True and off["free_tier"]["enabled"] is False
    assert float(off["total"]) > float(on["total"])


def test_explain_shows_the_arithmetic() -> None:
    result = run("estimate", EXAMPLE, "--explain")
    assert result.exit_code == 0
    assert "5,000,000 requests × (1 + 0.01 + 0.0001) = 5,050,500 attempts" in result.stdout


def test_no_colour_when_not_a_terminal() -> None:
    completed = run_process("estimate", EXAMPLE)
    assert "\x1b[" not in completed.stdout


def test_colour_always() -> None:
    result = run("estimate", EXAMPLE, "--color", "always")
    assert "\x1b[" in result.stdout


def test_help_has_an_example() -> None:
    result = run("estimate", "--help")
    assert result.exit_code == 0
    assert "lambda-cost estimate examples/web-api.yaml" in result.stdout


@pytest.mark.parametrize(
    "args", [("estimate", EXAMPLE, "--format", "json", "--quiet"), ("schema",), ("pricing", "list")]
)
def test_a_reader_that_stops_early_is_not_an_internal_error(args: tuple[str, ...]) -> None:
    """`lambda-cost estimate w.yaml -f json | head -c 100`: the pipe closes; stop quietly with SIGPIPE's code."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lambda_cost", *args], stdout=write_end, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "NO_COLOR": "1"}, timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 141


def test_the_readmes_other_exit_2_causes_of_estimate(tmp_path: Path) -> None:
    """README "Errors and exit codes": each listed cause of exit code 2 that the tests above do not cover."""
    existing = tmp_path / "report.txt"
    existing.write_text("mine")
    placeholder = tmp_path / "draft.yaml"
    placeholder.write_text(Path(EXAMPLE).read_text().replace("duration_ms: 120", "duration_ms: FILL-ME"))
    causes = {
        "an unreadable file (a directory)": ("estimate", str(tmp_path)),
        "an unknown option": ("estimate", EXAMPLE, "--bogus"),
        "an unknown region": ("estimate", EXAMPLE, "--set", "region=mars-1"),
        "a FILL-ME placeholder": ("estimate", str(placeholder)),
        "--output exists without --force": ("estimate", EXAMPLE, "-o", str(existing)),
    }
    for cause, args in causes.items():
        result = run(*args)
        assert result.exit_code == 2, (cause, result.stderr)
    assert existing.read_text() == "mine"
    assert run("estimate", EXAMPLE, "-o", str(existing), "--force", "-q").exit_code == 0
