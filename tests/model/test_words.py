"""Every message in the tool's own words: what the key means, what was given, what is accepted, an example."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, estimate_text, function, workload_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import InputError

runner = CliRunner()
# Phrases of pydantic, typer and PyYAML that reached users on main.
LIBRARY_WORDS = ("Input should", "input should", "Value error", "Field required", "Decimal input", "List should",
                 "Tuple should", "instance of", "valid dictionary", "Extra inputs", "after validation", "is not one of",
                 "unsupported format version", "could not find expected", "mapping values are not allowed",
                 "cannot start any token")


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        estimate_text(text)
    return [problem.render() for problem in caught.value.problems]


def say(text: str) -> str:
    """The one problem of a workload, without its place (file:line:column and path)."""
    with pytest.raises(InputError) as caught:
        estimate_text(text)
    (problem,) = caught.value.problems
    return problem.render().removeprefix(f"{problem.file}:{problem.line}:{problem.column}: ").removeprefix(
        f"{problem.dotted_path}: ")


# --- the examples, each a message of our own --------------------------------------------------------


@pytest.mark.parametrize(("fields", "expected"), [
    ({"duration_ms": [1]}, "found a list of 1 item; expected a number above 0, at most 900000, written as a number, "
     "or one with ms, s, sec or min: 120ms, 1.2s, 2min (mean duration of a successful attempt; for example "
     "duration_ms: 120)"),
    ({"invocations": []}, "found an empty list; invocations takes a list of at least 1 item (one entry per trigger; "
     "for example invocations: [{type: sync, per_month: 3M}])"),
    ({"memory_mb": 64}, "64 is too small: memory_mb takes a whole number from 128 to 10240 (memory in MB, 128..10240; "
     "or 1.5 GB (1 GB = 1024 MB, as AWS Lambda counts); for example memory_mb: 1024)"),
    ({"architecture": "ARM64"}, "found the text 'ARM64'; architecture takes one of x86_64, arm64 (did you mean "
     "'arm64'?)"),
])
def test_pydantic_wording_becomes_ours(fields: dict[str, Any], expected: str) -> None:
    assert say(workload_yaml(function(**fields))) == expected


def test_an_item_that_is_not_a_function_says_what_a_function_is() -> None:
    assert say("version: 1\nfunctions:\n  - 5\n") == (
        "found the number 5; expected a function (a mapping with name, memory_mb, duration_ms and invocations) (for "
        "example - {name: api, memory_mb: 1024, duration_ms: 120, invocations: [{type: sync, per_month: 3M}]})")


def test_the_format_version_is_said_plainly() -> None:
    assert say(workload_yaml(function()).replace("version: 1", "version: '1'")) == (
        "found the text '1'; the format version is the number 1 (write version: 1, without quotes)")


def test_the_empty_file_neither_requires_region_nor_names_examples_the_package_lacks() -> None:
    message = say("# nothing yet\n")
    assert "region" not in message and "examples/" not in message
    assert message == ("a workload is a mapping of keys, with at least version and functions; found an empty file "
                       "(write one with `lambda-cost init`, or draft one from a template with `lambda-cost init "
                       "--from template.yaml`; `lambda-cost schema` lists every key)")


# A value of every kind pydantic refuses differently, for keys of every kind of type.
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=8),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "type"]), st.integers(),
                                                                      max_size=2))
KEYS = [("functions", 0, key) for key in ("name", "memory_mb", "duration_ms", "timeout_s", "architecture",
                                          "ephemeral_storage_mb", "versions", "aliases", "edge", "snapstart",
                                          "provisioned_concurrency", "cold_start_rate", "invocations", "runtime")] + [
    ("functions", 0, "invocations", 0, key) for key in ("type", "per_month", "rate", "error_rate", "batch_size",
                                                        "target", "dead_letter", "max_retry_attempts")] + [
    (key,) for key in ("version", "region", "pricing", "as_of", "free_tier", "concurrency", "savings_plan",
                       "budget", "functions")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS), JUNK)
def test_no_value_anywhere_gets_a_library_message(path: tuple[Any, ...], value: Any) -> None:
    data: Any = {"version": 1, "functions": [function(invocations=[{"type": "kinesis", "per_month": 1000}])]}
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    try:
        estimate_text(yaml.safe_dump(data))
    except InputError as error:
        for problem in error.problems:
            assert not any(words in problem.render() for words in LIBRARY_WORDS), problem.render()


# --- percentages wherever a share is asked ------------------------------------------------------------------


@pytest.mark.parametrize(("key", "percent", "share"), [
    ("error_rate", "1%", "0.01"), ("cold_start_rate", "2.5%", "0.025"), ("traffic_share", "50%", "0.5"),
    ("discount", "17%", "0.17"), ("warn_at", "90%", "0.9"),
])
def test_a_share_may_be_a_percentage(key: str, percent: str, share: str) -> None:
    def text(value: str) -> str:
        source: dict[str, Any] = {"type": "sync", "per_month": "1M"}
        fields: dict[str, Any] = {"invocations": [source]}
        top: dict[str, Any] = {}
        if key == "error_rate":
            source["error_rate"] = value
        elif key == "cold_start_rate":
            fields.update(cold_start_rate=value, init_duration_ms=300, runtime="python3.12")
        elif key == "traffic_share":
            fields["provisioned_concurrency"] = {"units": 2, "hours_per_day": 12, "traffic_share": value}
        elif key == "discount":
            top["savings_plan"] = {"discount": value}
        else:
            top["budget"] = {"total": 1, "warn_at": value}
        return workload_yaml(function(**fields), free_tier=False, **top)

    as_percent, as_share = estimate_text(text(percent)), estimate_text(text(share))
    assert as_percent.grand_total == as_share.grand_total
    assert as_percent.grand_total > 0


def test_a_percentage_over_100_is_refused_as_written() -> None:
    assert say(workload_yaml(function(invocations=[{"type": "sync", "per_month": 5, "error_rate": "150%"}]))) == (
        "'150%' is too large: error_rate takes a number from 0 to 1, written as a share from 0 to 1 (0.05), or a "
        "percentage (5%) (probability that one attempt fails; for example error_rate: 1%)")


def test_error_rate_1_says_what_one_percent_is() -> None:
    source = {"type": "sqs", "per_month": 1000, "error_rate": 1}
    assert "one percent is 1% or 0.01" in say(workload_yaml(function(invocations=[source])))


# --- the spellings people bring from AWS --------------------------------------------------------------------


@pytest.mark.parametrize(("key", "ours"), [
    ("MemorySize", "memory_mb"), ("Timeout", "timeout_s"), ("Architectures", "architecture"),
    ("EphemeralStorage", "ephemeral_storage_mb"), ("ReservedConcurrentExecutions", "reserved_concurrency"),
    ("memorySize", "memory_mb"),
])
def test_a_sam_property_name_suggests_our_key(key: str, ours: str) -> None:
    assert say(workload_yaml(function(**{key: 1}))).startswith(f"unknown key {key!r} (did you mean {ours!r}?")


def test_batch_size_in_an_event_source_and_a_property_an_estimate_does_not_need() -> None:
    source = {"type": "sqs", "per_month": 1000, "BatchSize": 10}
    assert say(workload_yaml(function(invocations=[source]))) == (
        "unknown key 'BatchSize' (did you mean 'batch_size'? BatchSize is the SAM/CloudFormation name)")
    assert say(workload_yaml(function(Handler="app.main"))) == (
        "unknown key 'Handler' (Handler is a SAM/CloudFormation property that an estimate does not need; remove it)")


@pytest.mark.parametrize(("written", "meant"), [("SQS", "sqs"), ("Kinesis", "kinesis"), ("Api", "sync"),
                                                ("S3", "async"), ("sqss", "sqs")])
def test_an_invocation_type_in_another_spelling_suggests_ours(written: str, meant: str) -> None:
    message = say(workload_yaml(function(invocations=[{"type": written, "per_month": 1000}])))
    assert message.startswith(f"unknown invocation type {written!r} (did you mean {meant!r}?")


# --- YAML 1.1: say how the value was read -------------------------------------------------------------------


def test_yes_and_no_read_as_booleans_are_said_so() -> None:
    message = say(workload_yaml(function()).replace("name: fn", "name: no"))
    assert message.startswith("found false (YAML reads an unquoted no, off or false as the boolean false; quote it if "
                              "you mean text); expected text")


@pytest.mark.parametrize(("written", "said"), [
    ("memory_mb: 0512", "0512 is read by YAML as the octal number 330, not 512: a leading zero makes a number octal "
     "(write 512, or quote it ('0512') if it is text)"),
    ("memory_mb: 1:30", "1:30 is read by YAML as the base-60 number 90 (YAML 1.1 writes times so) (quote it ('1:30') "
     "if it is text, or write 90)"),
    ("name: 007", "007 is read by YAML as the number 7, not as text (quote it: '007')"),
])
def test_numbers_yaml_1_1_reads_otherwise_than_they_look(written: str, said: str) -> None:
    key = written.split(":")[0]
    text = workload_yaml(function()).replace(f"{key}: {'fn' if key == 'name' else '1024'}", written)
    assert say(text) == said


def test_leading_zeros_that_are_the_same_number_pass() -> None:
    text = workload_yaml(function(), free_tier=False).replace("per_month: 1000000", "per_month: 01")
    assert estimate_text(text).functions[0].requests == 1


def test_yaml_syntax_is_said_in_our_words() -> None:
    assert problems_of("version: 1\nfunctions:\n\t- name: a\n") == [
        "test.yaml:3:1: a tab: YAML indents with spaces (where the YAML reader stopped: the mistake is here or just "
        "above)"]
    assert problems_of("version: 1\nfunctions:\n  - name: a: b\n")[0].startswith(
        "test.yaml:3:12: a colon where none can be")


# --- the command line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "said"), [
    (["estimate", "w.yaml", "-f", "xml"], "'xml' is not a format; choose table, json, markdown or csv"),
    (["validate", "w.yaml", "-f", "jsno"], "'jsno' is not a format; choose text or json (did you mean 'json'?)"),
    (["estimate", "w.yaml", "--color", "purple"], "'purple' is not a colour choice; choose auto, always or never"),
])
def test_a_choice_is_refused_in_our_words(args: list[str], said: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert said in result.stderr and "Value error" not in result.stderr


def test_a_choice_in_another_case_is_the_same_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["estimate", "examples/web-api.yaml", "-f", "JSON"])
    assert result.exit_code == 0 and result.stdout.startswith("{")


@pytest.mark.parametrize(("command", "usage", "names"), [
    ("estimate", "Usage: lambda-cost estimate [OPTIONS] WORKLOAD...", ["WORKLOAD...", "--set PATH=VALUE",
                                                                      "--pricing VERSION", "-o, --output FILE"]),
    ("compare", "Usage: lambda-cost compare [OPTIONS] WORKLOAD", ["--vary PATH=V1,V2,...", "--pricing-dir DIR"]),
    ("diff", "Usage: lambda-cost diff [OPTIONS] BASE HEAD", ["--max-increase USD|PERCENT"]),
    ("pricing show", "Usage: lambda-cost pricing show [OPTIONS] [VERSION]", ["VERSION", "--region REGION"]),
])
def test_help_names_arguments_and_values_as_people_write_them(command: str, usage: str, names: list[str]) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.stdout.splitlines()[0] == usage
    assert all(name in result.stdout for name in names), result.stdout
    assert "<" not in result.stdout and "{" not in result.stdout  # <list[str]>, <str>, {workloads}


@pytest.mark.parametrize("command", ["estimate", "diff", "validate", "schema", "init", "compare", "calibrate",
                                     "reconcile", "pricing list", "pricing show", "pricing diff", "pricing check",
                                     "pricing import"])
def test_no_help_shows_python_names_or_types(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "<" not in result.stdout and "{" not in result.stdout, result.stdout


def test_an_offer_without_an_offer_code_is_named_so(tmp_path: Path) -> None:
    offer = tmp_path / "index.json"
    offer.write_text('{"products": {}, "terms": {}}')
    result = runner.invoke(app, ["pricing", "import", str(offer), "--pricing-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert f"error: {offer}: not an AWS Lambda offer file" in result.stderr
    assert f"{offer}:1:1: no offerCode: an AWS Price List offer file names its service there" in result.stderr
    assert "None" not in result.stderr


def test_a_saved_estimate_that_is_damaged_is_said_in_our_words(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text('{"schema_version": 1, "total": "x", "pricing": {"version": "2022-08-01"}, "functions": [5]}')
    result = runner.invoke(app, ["diff", str(saved), str(saved)])
    assert result.exit_code == 2
    assert not any(words in result.stderr for words in LIBRARY_WORDS), result.stderr
    assert f"{saved}: total: 'x' is not a finite number, such as \"12.34\"" in result.stderr


def test_exact_percentages_stay_exact() -> None:
    share = "33.3333333333333333333333333%"
    estimate = estimate_text(workload_yaml(function(), budget={"total": 100, "warn_at": share}))
    assert estimate.budget is not None
    assert estimate.budget.warn_at == Decimal("0.333333333333333333333333333")
