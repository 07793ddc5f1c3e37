"""What-if, compare, charts, validate, schema and human units as users misuse them: bugs found in QA."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_text
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import InputError, WorkloadError
from lambda_cost.load import Source, parse
from lambda_cost.model.units import parse_count, parse_milliseconds
from lambda_cost.schema import workload_schema

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


# --- human units and the schema ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parse", "text"),
    [(parse_count, "1,5M"), (parse_count, "1,0000"), (parse_count, "1,,000"), (parse_count, "12,34,567"),
     (parse_milliseconds, "1,5s")],
)
def test_a_comma_that_is_not_a_thousands_separator_is_refused(parse: Any, text: str) -> None:
    """`1,5M` (1.5 million, as many locales write it) was read as 15 million, `1,5s` as 15 seconds."""
    from pydantic_core import PydanticCustomError

    with pytest.raises(PydanticCustomError) as caught:
        parse(text)
    assert caught.value.message() == (f"{text!r}: a comma groups thousands (1,000,000); a decimal is written "
                                      "with a point (1.5)")


@pytest.mark.parametrize(("text", "value"), [("1,000,000", Decimal(1000000)), ("12,345.5", Decimal("12345.5")),
                                             ("1_000", Decimal(1000)), ("999", Decimal(999))])
def test_thousands_separators_still_read(text: str, value: Decimal) -> None:
    assert parse_count(text) == value


def workload(volume: str = "1000", timeout: str = "") -> str:
    extra = f"    timeout_s: {timeout}\n" if timeout else ""
    return ONE.replace("    invocations:", extra + "    invocations:").replace("per_month: 1M", f"per_month: {volume}")


@pytest.mark.parametrize(
    ("volume", "timeout", "place", "shown"),
    [
        ("1e999999999", "", "test.yaml:9:9 functions[0].invocations[0].per_month", "'1e999999999'"),
        ("1000", "1e999999999", "test.yaml:7:5 functions[0].timeout_s", "'1e999999999'"),
        ("1000", "1.0e+999999999", "test.yaml:7:16 ", "'1.0e+999999999'"),
        ("9" * 5000, "", "test.yaml:9:20 ", "'99999999999999999999…'"),
    ],
)
def test_numbers_of_absurd_size_are_refused_at_once(volume: str, timeout: str, place: str, shown: str) -> None:
    """`timeout_s: 1e999999999` hung (int() of a billion digits), `per_month: 1e999999999` was an internal error
    (decimal Overflow) and a 5,000-digit count too (Python reads at most 4,300 digits)."""
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        estimate_text(workload(volume, timeout))
    assert time.monotonic() - started < 5
    (problem,) = caught.value.problems
    assert f"{problem.file}:{problem.line}:{problem.column} {problem.dotted_path}" == place
    assert problem.message == f"{shown} is too large: no value of a workload comes near 4,000 digits"


def test_a_set_value_of_absurd_size_is_refused(write: Any) -> None:
    result = run("estimate", write("one.yaml", ONE), "--set", "functions.api.invocations.0.per_month=1e999999999")
    assert result.exit_code == 2
    assert "'1e999999999' is too large: no value of a workload comes near 4,000 digits" in result.stderr


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@pytest.mark.parametrize(
    ("key", "spelling"),
    [("per_month", "'1,5M'"), ("per_month", "'1,000,000'"), ("per_month", "1e3"), ("memory_mb", "1e3"),
     ("memory_mb", "'1,024'"), ("duration_ms", "1.5e2ms"), ("duration_ms", "'1,5s'"), ("per_month", "3m"),
     ("rate", "1e3/s"), ("rate", "'1,5k/s'")],
)
def test_the_schema_accepts_a_spelling_exactly_when_validate_does(key: str, spelling: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    text = ONE.replace("per_month: 1M", "rate: 5/s") if key == "rate" else ONE
    old = {"per_month": "per_month: 1M", "memory_mb": "memory_mb: 1024", "duration_ms": "duration_ms: 100",
           "rate": "rate: 5/s"}[key]
    text = text.replace(old, f"{key}: {spelling}")
    try:
        estimate_text(text)
        accepted = True
    except WorkloadError:
        accepted = False
    errors = list(jsonschema.Draft202012Validator(workload_schema()).iter_errors(_plain(parse(Source("w", text)))))
    assert (not errors) == accepted
