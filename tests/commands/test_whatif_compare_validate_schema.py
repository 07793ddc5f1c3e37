"""What-if, compare, charts, validate, schema and human units as users misuse them: bugs found in QA."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ONE_FUNCTION as ONE
from conftest import estimate_text
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import InputError, WorkloadError
from lambda_cost.model.schema import workload_schema
from lambda_cost.model.units import parse_count, parse_milliseconds
from lambda_cost.render.chart import bars, estimate_charts
from lambda_cost.stages.edit import combinations, parse_assignment, parse_variation
from lambda_cost.stages.load import Source, parse

runner = CliRunner()

# ONE (conftest.py): one function, 1M requests of 100 ms at 1024 MB, no free tier: $0.20 of requests
# + 100,000 GB-s × $0.0000166667 = $1.86667 (tests/commands/test_whatif.py works it out).
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
        [{"file": names[2], "line": 2, "column": 8, "path": "", "message": "a control character (#x07) that "
          "YAML does not allow", "hint": "remove it, or write it as an escape in a double-quoted string"}],
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
    # Region is not required (it defaults to us-east-1), and the hint names no file the installed package lacks.
    assert problem["message"] == ("a workload is a mapping of keys, with at least version and functions; found an "
                                  "empty file")
    assert "examples/" not in problem["hint"] and "lambda-cost init" in problem["hint"]


def test_a_problem_pydantic_words_alone_gets_the_keys_description(write: Any) -> None:
    text = ONE.replace("memory_mb: 1024", "memory_mb: 1024\n    ephemeral_storage_mb: 100")
    document = json_of_failing("validate", write("w.yaml", text), "-f", "json")
    (problem,) = document["files"][0]["problems"]
    assert (problem["message"], problem["hint"]) == (
        "100 is too small: ephemeral_storage_mb takes a whole number from 512 to 10240",
        "/tmp size in MB, 512..10240; above 512 is billed; for example ephemeral_storage_mb: 1024")


def test_a_yaml_syntax_error_has_a_hint(write: Any) -> None:
    document = json_of_failing("validate", write("w.yaml", "version: 1\nfunctions: [a, b\n"), "-f", "json")
    (problem,) = document["files"][0]["problems"]
    assert (problem["message"], problem["hint"]) == (
        "a [...] list that is not closed, or lacks a comma between its items",  # the reader's own words are its own
        "where the YAML reader stopped: the mistake is here or just above")


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


# --- estimate --set -------------------------------------------------------------------------------------------


def test_set_a_rate_on_a_source_written_per_month(write: Any) -> None:
    """`--set ...rate=50/s` said "give exactly one of per_month, ..., rate (found per_month, rate)": the file's
    volume key could not be removed, so no source written with per_month could be priced at a rate."""
    path = write("one.yaml", ONE)
    # 2M requests: $0.40 + 200,000 GB-s × $0.0000166667 = $3.73334
    assert json_of("estimate", path, "-f", "json", "--set",
                   "functions.api.invocations.0.rate=2M/month")["total"] == "3.73334"
    # 1,000 an hour × 730 = 730,000 requests: $0.146 + 73,000 GB-s × $0.0000166667 = $1.2166691 → $1.3626691
    assert json_of("estimate", path, "-f", "json", "--set",
                   "functions.api.invocations.0.per_hour=1000")["total"] == "1.3626691"


def test_set_a_daily_provisioned_schedule_on_a_monthly_one(write: Any) -> None:
    monthly = write("m.yaml", ONE.replace("    invocations:", "    provisioned_concurrency: {units: 2, "
                                               "hours_per_month: 100}\n    invocations:"))
    daily = write("d.yaml", ONE.replace("    invocations:", "    provisioned_concurrency: {units: 2, "
                                             "hours_per_day: 8}\n    invocations:"))
    overridden = json_of("estimate", monthly, "-f", "json", "--set",
                         "functions.api.provisioned_concurrency.hours_per_day=8")
    assert overridden["total"] == json_of("estimate", daily, "-f", "json")["total"]


def test_a_problem_in_a_set_value_names_the_set(write: Any) -> None:
    """The file holds 1024 at line 5; the problem is the 64 of --set, and said so."""
    path = write("one.yaml", ONE)
    result = run("estimate", path, "--set", "functions.api.memory_mb=64")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {path}: 1 problem in the workload",
        f"  {path}:5:5: functions[0].memory_mb: 64 is too small: memory_mb takes a whole number from 128 to 10240 "
        "(memory in MB, 128..10240; or 1.5 GB (1 GB = 1024 MB, as AWS Lambda counts); for example memory_mb: 1024; "
        "from --set functions.api.memory_mb=64)",
    ]
    typo = run("estimate", path, "--set", "functions.api.memroy_mb=2048")
    assert typo.stderr.splitlines()[1] == (f"  {path}:4:5: functions[0].memroy_mb: unknown key 'memroy_mb' "
                                           "(did you mean 'memory_mb'?; from --set functions.api.memroy_mb=2048)")


@pytest.mark.parametrize(
    ("assignment", "message", "hint"),
    [
        ("functions.api.invocations.3.error_rate=0.1", "nothing in the workload at functions.api.invocations.3",
         "functions.api.invocations has 1 entry: index 0, or * for all"),
        ("functions.api.versions.v1.memory_mb=512", "nothing in the workload at functions.api.versions",
         "keys at functions.api: name, memory_mb, duration_ms, invocations"),
        ("functions.api.memory_mb.x=1", "nothing in the workload at functions.api.memory_mb.x",
         "functions.api.memory_mb is a single value, not a mapping or a list: set it as functions.api.memory_mb=VALUE"),
        ("functions.apy.memory_mb=512", "nothing in the workload at functions.apy",
         "did you mean 'api'? functions: api (a name, an index, or * for all)"),
    ],
)
def test_a_path_that_leaves_the_workload_says_where(write: Any, assignment: str, message: str, hint: str) -> None:
    """The hint said "did you mean 'api'?" for every path, even one that named api and went wrong further on."""
    result = run("estimate", write("one.yaml", ONE), "--set", assignment)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: --set {assignment!r}: {message}", f"  hint: {hint}"]


def test_a_bare_key_that_is_no_key_is_refused_with_a_suggestion(write: Any) -> None:
    """`--set memroy_mb=2048` was set at the top of the file and reported at line 1, suggesting top-level keys."""
    result = run("estimate", write("one.yaml", ONE), "--set", "memroy_mb=2048")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --set 'memroy_mb=2048': 'memroy_mb' is neither a top-level key nor a function key",
        "  hint: did you mean 'memory_mb'?",
    ]


def test_with_several_files_a_misspelt_function_gets_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(ONE)
    (tmp_path / "b.yaml").write_text(ONE.replace("name: api", "name: worker"))
    result = run("estimate", str(tmp_path / "b.yaml"), str(tmp_path / "a.yaml"), "--set",
                 "functions.apii.memory_mb=512")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --set 'functions.apii.memory_mb=512': no file has that path",
        "  hint: did you mean 'api'? functions: api (a name, an index, or * for all)",
    ]


def test_set_changes_one_function_of_two_that_share_a_yaml_anchor(write: Any) -> None:
    """`invocations: *inv` shares one list between a and b: setting a's volume set b's too."""
    text = ONE.replace("    invocations:\n", "    invocations: &inv\n") + (
        "  - name: b\n    memory_mb: 1024\n    duration_ms: 100\n    invocations: *inv\n")
    document = json_of("estimate", write("w.yaml", text), "-f", "json", "--set",
                       "functions.api.invocations.0.per_month=5M")
    assert [(f["name"], f["requests"]) for f in document["functions"]] == [("api", "5000000"), ("b", "1000000")]


def test_the_same_path_set_twice_keeps_the_last_value(write: Any) -> None:
    path = write("one.yaml", ONE)
    twice = json_of("estimate", path, "-f", "json", "--set", "memory_mb=512", "--set", "memory_mb=2048")
    assert [f["memory_mb"] for f in twice["functions"]] == [2048]
    assert twice["total"] == "3.53334"  # as with 2048 alone


def test_parse_assignment_keeps_its_option() -> None:
    assert str(parse_assignment("memory_mb=512", option="--vary")) == "--vary memory_mb=512"


# --- compare --------------------------------------------------------------------------------------------------


def test_an_absurd_product_is_refused_before_it_is_built() -> None:
    """Three --vary of 1,000 values built a list of a billion combinations (minutes, gigabytes) before refusing."""
    values = parse_variation("memory_mb=" + ",".join(str(mb) for mb in range(128, 1128)))
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        combinations([values, values, values], 1000)
    assert time.monotonic() - started < 1
    assert caught.value.message == "1000 × 1000 × 1000 = 1,000,000,000 combinations; at most 1,000"


def test_compare_refuses_the_same_path_varied_twice(write: Any) -> None:
    """Both columns said memory_mb while the second alone applied, and the JSON kept one of the two values."""
    result = run("compare", write("one.yaml", ONE), "--vary", "memory_mb=512,1024", "--vary",
                 "functions.*.memory_mb=2048,4096")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --vary 'functions.*.memory_mb' varies what --vary 'memory_mb' already varies",
        "  hint: give each path once, with all its values",
    ]


def test_compare_counts_related_charges(write: Any) -> None:
    """Logs of 1 MB an invocation cost $465.66 a month, yet both rows were "$1.87, cheapest"."""
    path = write("one.yaml", ONE)
    document = json_of("compare", path, "--vary", "functions.api.log_bytes_per_invocation=0,1000000", "-f", "json")
    # 1,000,000 attempts × 1,000,000 bytes / 2^30 × $0.50 = $465.6612873077392578125, + the Lambda $1.86667
    assert [(c["values"]["functions.api.log_bytes_per_invocation"], c["total"], c["cheapest"])
            for c in document["combinations"]] == [("0", "1.86667", True),
                                                   ("1000000", "467.5279573077392578125", False)]
    assert document["combinations"][1]["functions"] == {"api": "467.5279573077392578125"}
    estimate = json_of("estimate", path, "-f", "json", "--set", "functions.api.log_bytes_per_invocation=1000000")
    assert estimate["grand_total"] == "467.5279573077392578125"


def test_compare_lists_each_version(write: Any) -> None:
    """`functions` was keyed by function name: api:v1 was overwritten by api:v2, and lost from the sum."""
    document = json_of("compare", write("v.yaml", VERSIONS), "--vary", "architecture=x86_64", "-f", "json")
    (combination,) = document["combinations"]
    assert combination["functions"] == {"api:v1": "0.933335", "api:v2": "1.76667"}
    assert combination["total"] == "2.700005"


def test_compare_says_when_the_cheapest_is_tied(write: Any) -> None:
    result = run("compare", write("one.yaml", ONE), "--vary", "functions.api.timeout_s=30,60,120", "--no-chart")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == ("Cheapest: functions.api.timeout_s=30 at $1.87 a month, "
                                              "tied with 2 other combinations")


def test_compare_names_standard_input_as_estimate_does() -> None:
    result = run("compare", "-", "--vary", "memory_mb=1024", "-f", "json", stdin=ONE)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["workload"] == "<stdin>"


def test_a_vary_value_that_names_nothing_says_vary(write: Any) -> None:
    result = run("compare", write("one.yaml", ONE), "--vary", "functions.apy.memory_mb=512,1024")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: with functions.apy.memory_mb=512: --vary 'functions.apy.memory_mb=512': nothing in the workload at "
        "functions.apy",
        "  hint: did you mean 'api'? functions: api (a name, an index, or * for all)",
    ]


def test_an_invalid_vary_value_names_the_vary(write: Any) -> None:
    result = run("compare", write("one.yaml", ONE), "--vary", "memory_mb=512,64")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1].endswith("64 is too small: memory_mb takes a whole number from 128 to 10240 "
                                                  "(memory in MB, 128..10240; or 1.5 GB (1 GB = 1024 MB, as AWS "
                                                  "Lambda counts); for example memory_mb: 1024; from --vary "
                                                  "memory_mb=64)")


def test_compare_chart_labels_are_the_values(write: Any) -> None:
    """Labels were `functions.api.timeout_s=120, memory_mb=…`: cut before the value that told rows apart."""
    result = run("compare", write("one.yaml", ONE), "--vary", "functions.api.timeout_s=30,120", "--vary",
                 "memory_mb=1024,2048")
    chart = result.stdout.split("Total by combination\n", 1)[1].splitlines()
    assert [line[:18] for line in chart] == ["  30, 1024   $1.87", "  120, 1024  $1.87", "  30, 2048   $3.53",
                                             "  120, 2048  $3.53"]


# --- charts ---------------------------------------------------------------------------------------------------


def test_chart_names_each_version(write: Any) -> None:
    result = run("estimate", write("v.yaml", VERSIONS), "--chart")
    chart = result.stdout.split("Cost by function\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line[:16] for line in chart] == ["  api:v1  $0.93 ", "  api:v2  $1.77 "]


def test_a_narrow_chart_fits_its_width() -> None:
    """At 40 columns a long name kept 40 characters and the line wrapped, bar and amount on a line of their own."""
    long_name = "order-processing-pipeline-east-primary-consumer"
    assert bars("T", [(long_name, Decimal(1)), ("b", Decimal(2))], 40) == [
        "T",
        "  order-pro…-consumer  $1.00  █████",  # cut in the middle (see the test below)
        "  b                    $2.00  ██████████",
    ]


def test_the_response_streaming_free_tier_nets_in_the_component_chart() -> None:
    """The report adds each component's lines up, free-tier credit included; the chart only draws them."""
    from conftest import estimate_text, function, workload_yaml

    big = function("page", invocations=[{"type": "sync", "per_month": 100_000}],
                   response_streaming={"bytes_per_response": 7 * 1024 * 1024})
    estimate = estimate_text(workload_yaml(big))
    by_component = dict(estimate.by_component)
    streamed = [i.cost for i in estimate.functions[0].line_items if i.component.endswith("response_streaming")]
    credit = [i.cost for i in estimate.free_tier.items if i.component.endswith("response_streaming")]
    assert len(streamed) == 1 and len(credit) == 1 and credit[0] < 0
    assert by_component["response_streaming"] == streamed[0] + credit[0]
    lines = estimate_charts([("api", Decimal(3))], [("response_streaming", Decimal(3))], 100)
    assert lines[-1].startswith("  Response streaming  $3.00  ")
    assert len(lines) == 5  # title, api, blank, title, one component


def test_a_long_label_is_cut_in_the_middle_so_its_end_still_tells_rows_apart() -> None:
    # Cut at the end, `…-checkout-service:v1` and `…:v2` both read `order-processing-checkout-s…`.
    rows = [("order-processing-checkout-service:v1", Decimal(1)), ("order-processing-checkout-service:v2", Decimal(2))]
    labels = [line[2:22] for line in bars("T", rows, 40)[1:]]
    assert labels == ["order-pro…ervice:v1 ", "order-pro…ervice:v2 "]
