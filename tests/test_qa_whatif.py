"""What-if, compare, charts, validate, schema and human units as users misuse them: bugs found in QA."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()

# One function, 1M requests of 100 ms at 1024 MB, no free tier: $0.20 of requests + 100,000 GB-s × $0.0000166667
# = $1.86667 (tests/test_whatif.py works it out).
ONE = """\
version: 1
free_tier: false
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    invocations:
      - type: sync
        per_month: 1M
"""
# The same function published as two versions, half the traffic each through an alias:
#   api:v1: 500,000 requests × $0.20/1M = $0.10; 50,000 GB-s × $0.0000166667 = $0.833335 → $0.933335
#   api:v2 (2048 MB): $0.10; 100,000 GB-s × $0.0000166667 = $1.66667 → $1.76667
VERSIONS = ONE.replace("    invocations:", "    versions: {v1: {}, v2: {memory_mb: 2048}}\n"
                       "    aliases: {live: {v1: 50%, v2: 50%}}\n    invocations:").replace(
    "per_month: 1M", "per_month: 1M\n        target: live")


def run(*args: str, stdin: str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin)


def json_of(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def json_of_failing(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    return json.loads(result.stdout)


# --- validate -------------------------------------------------------------------------------------------------


def test_validate_refuses_standard_input_twice() -> None:
    """The second `-` read nothing and was reported as "an empty file"."""
    result = run("validate", "-", "-", stdin=ONE)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: standard input (-) is given more than once; it can be read only once",
        "  hint: give - once, and the other workloads as files",
    ]


def test_validate_json_gives_every_refused_file_a_problem(tmp_path: Path) -> None:
    """A missing file, a directory or a file that is not YAML had `"problems": []`: a reader of the JSON found no
    message, place or hint, only the summary."""
    (tmp_path / "junk.yaml").write_bytes(b"version: 1\nname: caf\xe9\n")
    (tmp_path / "control.yaml").write_text("version: 1\nname: a\x07b\n")
    names = [str(tmp_path / name) for name in ("missing.yaml", "junk.yaml", "control.yaml")] + [str(tmp_path)]
    document = json_of_failing("validate", *names, "-f", "json")
    assert [file["problems"] for file in document["files"]] == [
        [{"file": names[0], "line": None, "column": None, "path": "", "message": "no such file",
          "hint": "check the path"}],
        [{"file": names[1], "line": 2, "column": 10, "path": "", "message": "byte 0xe9 is not UTF-8",
          "hint": "save the file as UTF-8"}],
        [{"file": names[2], "line": 2, "column": 8, "path": "", "message": "control characters are not allowed: "
          "#x07", "hint": "remove it, or write it as an escape in a double-quoted string"}],
        [{"file": names[3], "line": None, "column": None, "path": "", "message": "is a directory, not a YAML file",
          "hint": "give the workload files in it"}],
    ]
    assert [file["error"] for file in document["files"]] == [
        f"{names[0]}: no such file", f"{names[1]}: not UTF-8 text", f"{names[2]}: invalid YAML",
        f"{names[3]}: is a directory, not a YAML file"]


def test_validate_text_of_a_refused_file_is_unchanged(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "missing.yaml"))
    assert result.stderr == f"error: {tmp_path / 'missing.yaml'}: no such file (check the path)\n"


def test_an_empty_file_is_located_at_its_start(write: Any) -> None:
    """`"line": null` for a file of comments: an annotation in CI needs a line to attach to."""
    document = json_of_failing("validate", write("empty.yaml", "# only a comment\n"), "-f", "json")
    (problem,) = document["files"][0]["problems"]
    assert (problem["line"], problem["column"], problem["path"]) == (1, 1, "")
    assert problem["message"] == "a workload is a mapping with version, region and functions; found an empty file"


def test_a_problem_pydantic_words_alone_gets_the_keys_description(write: Any) -> None:
    text = ONE.replace("memory_mb: 1024", "memory_mb: 1024\n    ephemeral_storage_mb: 100")
    document = json_of_failing("validate", write("w.yaml", text), "-f", "json")
    (problem,) = document["files"][0]["problems"]
    assert (problem["message"], problem["hint"]) == ("Input should be greater than or equal to 512",
                                                    "/tmp size in MB, 512..10240; above 512 is billed")


def test_a_yaml_syntax_error_has_a_hint(write: Any) -> None:
    document = json_of_failing("validate", write("w.yaml", "version: 1\nfunctions: [a, b\n"), "-f", "json")
    (problem,) = document["files"][0]["problems"]
    assert problem["hint"] == "not valid YAML here: check the indentation, colons, brackets and quotes"


def test_a_region_no_table_has_is_one_problem(write: Any) -> None:
    """It was reported once per function, the same line each time."""
    text = ONE.replace("free_tier: false", "region: mars-1") + ONE.split("functions:\n", 1)[1].replace("api", "b")
    result = run("validate", write("w.yaml", text))
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if "no rates for region 'mars-1'" in line]) == 1
