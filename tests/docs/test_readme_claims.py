"""README.md's concrete claims, checked against the program: commands run as written, outputs quoted, the synopsis.

Other README checks live beside the feature they describe (test_ci_docs.py runs the CI snippets, test_whatif.py the
`compare` example, test_render_formats.py the JSON example and the CSV header); these are the rest.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def section(heading: str) -> str:
    """The text under `heading` up to the next heading of any level."""
    text = README.split(f"\n{heading}\n", 1)[1]
    return re.split(r"\n#{2,4} ", text, maxsplit=1)[0]


def blocks(text: str, language: str = "") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def lambda_cost(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    return runner.invoke(app, args, env={"COLUMNS": "200"})


def test_the_contents_list_links_every_top_level_heading() -> None:
    contents = README.split("Contents:", 1)[1].split("\n## ", 1)[0]
    anchors = re.findall(r"\]\(#([a-z0-9-]+)\)", contents)
    headings = re.findall(r"^## (.+)$", README, flags=re.M)

    def anchor(heading: str) -> str:
        return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")

    assert anchors == [anchor(h) for h in headings]
    every = {anchor(h) for h in re.findall(r"^#{2,4} (.+)$", README, flags=re.M)}
    assert set(re.findall(r"\]\(#([a-z0-9-]+)\)", README)) <= every


def test_prose_wraps_at_about_115_columns() -> None:
    """Code blocks (command output) and table rows may be longer; prose wraps like the rest of the file."""
    long = []
    fenced = False
    for number, line in enumerate(README.split("\n"), 1):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and not line.startswith("|") and len(line) > 116:
            long.append(number)
    assert long == []


def test_the_set_examples_run_from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    (block,) = blocks(section("### What-if: `--set` and `compare`"), "sh")
    commands = [line.split("  #", 1)[0] for line in block.strip().split("\n")]
    assert len(commands) == 4
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "lambda-cost"
        result = lambda_cost(args[1:], ROOT, monkeypatch)
        # examples/web-api.yaml has budgets: 1 is a verdict (over a budget), not a failure to run.
        assert result.exit_code in (0, 1), (command, result.output)
        assert "error:" not in result.output, command


def test_the_schema_command_writes_the_file_the_editor_line_names(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    block = blocks(section("### Editor completion: `schema`"), "sh")[0].strip()
    result = lambda_cost(shlex.split(block)[1:], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lambda-cost.schema.json").is_file()
    assert "$schema=./lambda-cost.schema.json" in README


def test_the_explain_example_is_what_explain_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    quoted = re.search(r"`--explain` shows the arithmetic behind each number, for instance\s+`([^`]+)`", README)
    assert quoted is not None
    result = lambda_cost(["estimate", "examples/web-api.yaml", "--explain"], ROOT, monkeypatch)
    assert quoted.group(1) in result.stdout


def test_the_classic_example_of_choosing_a_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    claim = "(3M requests of 1 s at 512 MB) is $18.74 with `--as-of 2019-06-01` and $18.73 today"
    assert claim in " ".join(README.split())
    (tmp_path / "classic.yaml").write_text("version: 1\nfunctions:\n  - name: f\n    memory_mb: 512\n"
                                           "    duration_ms: 1000\n    invocations:\n"
                                           "      - {type: sync, per_month: 3000000}\n")
    then = lambda_cost(["estimate", "classic.yaml", "--as-of", "2019-06-01"], tmp_path, monkeypatch)
    today = lambda_cost(["estimate", "classic.yaml"], tmp_path, monkeypatch)
    assert "Total for the month: $18.74" in then.stdout
    assert "Total for the month: $18.73" in today.stdout


def test_the_init_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README "Starting a workload": the transcript, with the SAM template of an order queue as template.yaml."""
    (block,) = [b for b in blocks(section("### Starting a workload: `init`")) if b.startswith("$ ")]
    lines = block.strip().split("\n")
    shutil.copy(ROOT / "tests" / "fixtures" / "templates" / "sam-order-queue.yaml", tmp_path / "template.yaml")
    init = lambda_cost(shlex.split(lines[0][2:])[1:], tmp_path, monkeypatch)
    assert init.exit_code == 0
    assert init.output.strip() == lines[1]
    validate = lambda_cost(shlex.split(lines[2][2:])[1:], tmp_path, monkeypatch)
    assert validate.exit_code == 2
    shown = validate.output.strip().split("\n")
    assert shown[:2] == lines[3:5] and lines[5].strip() == "..."


def test_the_error_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README "Errors and exit codes": four problems of four stages at once, in file order, each with its hint."""
    (block,) = blocks(section("## Errors and exit codes"))
    (tmp_path / "four.yaml").write_text(
        "version: 1\nregion: us-east-9\nfunctions:\n  - name: api\n    memory_mb: 512\n    duration_ms: 5000\n"
        "    timeout_s: 3\n    invocations:\n      - type: sync\n        per_month: 1M\n  - name: api\n"
        "    memory_mb: 512\n    duration_ms: 100\n    invocations:\n      - type: sqs\n        per_month: 1M\n"
        "        error_rate: 1\n")
    result = lambda_cost(["estimate", "four.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    for expected, got in zip(block.strip().split("\n"), result.output.strip().split("\n"), strict=True):
        assert got.startswith(expected.removesuffix("…)").removesuffix("…"))


SYNOPSIS_COMMANDS = ["estimate", "diff", "validate", "schema", "init", "compare", "calibrate",
                     "reconcile"]


@pytest.mark.parametrize("command", SYNOPSIS_COMMANDS)
def test_the_synopsis_names_only_real_options(command: str) -> None:
    synopsis = blocks(section("## Commands"))[0]
    text = synopsis.split(f"lambda-cost {command} ", 1)[1].split("\nlambda-cost ", 1)[0]
    named = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text)) - {"-"}
    helped = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).output
    offered = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", helped))
    assert named <= offered, named - offered


@pytest.mark.parametrize("command", ["list", "show", "diff", "check", "import"])
def test_the_pricing_synopsis_names_only_real_options(command: str) -> None:
    synopsis = blocks(section("### Inspecting the tables"))[0]
    line = next(ln for ln in synopsis.split("\n") if ln.startswith(f"lambda-cost pricing {command} "))
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line.split("#", 1)[0]))
    helped = runner.invoke(app, ["pricing", command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).output
    assert named <= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", helped))
