"""Loading YAML safely and exactly, and validation errors that point at the file, line and field."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
import yaml
from conftest import estimate_text

from lambda_cost.errors import LoadError, WorkloadError
from lambda_cost.stages.load import Source, parse

GOOD = """\
version: 1
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 120
    invocations:
      - type: sync
        per_month: 1000
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises((WorkloadError, LoadError)) as caught:
        estimate_text(text)
    return [problem.render() for problem in caught.value.problems]


def test_floats_are_read_as_exact_decimals() -> None:
    data = parse(Source("x.yaml", "rate: 0.1\nbig: 1_000.5\nn: 3\n"))
    assert data == {"rate": Decimal("0.1"), "big": Decimal("1000.5"), "n": 3}
    assert isinstance(data["rate"], Decimal)


def test_infinite_numbers_are_refused() -> None:
    with pytest.raises(LoadError) as caught:
        parse(Source("x.yaml", "rate: .inf\n"))
    assert "finite" in caught.value.problems[0].message


def test_duplicate_keys_are_refused_with_their_line() -> None:
    text = GOOD.replace("    duration_ms: 120\n", "    duration_ms: 120\n    memory_mb: 2048\n")
    (problem,) = problems_of(text)
    assert problem.startswith("test.yaml:6:")
    assert "memory_mb" in problem and "twice" in problem


def test_python_tags_are_refused() -> None:
    (problem,) = problems_of("version: !!python/object/apply:os.system ['echo hi']\n")
    assert "test.yaml:1:" in problem and "plain YAML" in problem


def test_invalid_yaml_names_line_and_column() -> None:
    (problem,) = problems_of("version: 1\nfunctions: [\n  - oops\n")
    assert problem.startswith("test.yaml:3:")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 10) + "]")
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        parse(Source("bomb.yaml", "\n".join(lines) + "\n"))
    assert "aliases" in caught.value.message
    assert time.perf_counter() - started < 2


def test_ordinary_aliases_are_fine() -> None:
    text = GOOD.replace("      - type: sync\n        per_month: 1000\n",
                        "      - &src {type: sync, per_month: 1000}\n      - *src\n")
    assert estimate_text(text).functions[0].requests == 2000


def test_not_a_mapping() -> None:
    (problem,) = problems_of("- just\n- a list\n")
    assert "a workload is a mapping" in problem


def test_every_schema_error_at_once_with_positions() -> None:
    text = """\
version: 1
functions:
  - name: api
    memroy_mb: 1024
    duration_ms: 120
    invocations:
      - type: sqss
        per_month: 10
  - name: worker
    memory_mb: 99999
    duration_ms: 120
    invocations:
      - type: sqs
        per_month: 10
        batch_size: 0
"""
    problems = problems_of(text)
    assert "test.yaml:4:5: functions[0].memroy_mb: unknown key 'memroy_mb' (did you mean 'memory_mb'?)" in problems
    # the typo explains the missing memory_mb, which is therefore not reported twice
    assert not any("required key is missing" in p for p in problems)
    assert any("test.yaml:7:9: functions[0].invocations[0].type: unknown invocation type 'sqss'" in p
               and "did you mean 'sqs'?" in p for p in problems)
    assert any(p.startswith("test.yaml:10:5: functions[1].memory_mb:") and "10240" in p for p in problems)
    assert any(p.startswith("test.yaml:15:9: functions[1].invocations[0].batch_size:") for p in problems)


def test_missing_required_key() -> None:
    (problem,) = problems_of(GOOD.replace("    memory_mb: 1024\n", ""))
    assert problem == ("test.yaml:3:5: functions[0].memory_mb: required key is missing (add memory_mb: 1024; memory in "
                       "MB, 128..10240; or 1.5 GB (1 GB = 1024 MB, as AWS Lambda counts))")


def test_problems_come_in_file_order() -> None:
    text = GOOD.replace("memory_mb: 1024", "memory_mb: 1").replace("per_month: 1000", "per_month: -1")
    problems = problems_of(text)
    assert [p.split(":")[1] for p in problems] == ["4", "8"]


def test_unknown_key_inside_an_invocation_suggests_its_fields() -> None:
    text = GOOD.replace("per_month: 1000", "per_month: 1000\n        max_retrys: 1").replace("sync", "async")
    (problem,) = problems_of(text)
    assert "functions[0].invocations[0].max_retrys" in problem and "did you mean 'max_retries'?" in problem


def test_exactly_one_rate() -> None:
    (problem,) = problems_of(GOOD.replace("per_month: 1000", "per_month: 1000\n        per_day: 5"))
    assert "exactly one of per_month, per_day, per_hour, per_second, rate (found per_month, per_day)" in problem
    (problem,) = problems_of(GOOD.replace("per_month: 1000", "error_rate: 0.1"))
    assert "(found none)" in problem


def test_durations_beyond_the_timeout() -> None:
    (problem,) = problems_of(GOOD.replace("duration_ms: 120", "duration_ms: 120\n    timeout_s: 1\n"
                                                               "    error_duration_ms: 3000"))
    assert problem.startswith("test.yaml:7:5: functions[0].error_duration_ms: 3000 ms is longer than timeout_s 1")


def test_duplicate_function_names() -> None:
    second = GOOD.split("functions:\n")[1]
    (problem,) = problems_of(GOOD + second)
    assert problem.startswith("test.yaml:9:5: functions[1].name: the name 'api' is already used by functions[0]")


def test_fifo_queues_take_ten_at_most() -> None:
    text = GOOD.replace("type: sync", "type: sqs\n        fifo: true\n        batch_size: 20")
    (problem,) = problems_of(text)
    assert "FIFO" in problem and "functions[0].invocations[0]" in problem


def test_wrong_format_version() -> None:
    (problem,) = problems_of(GOOD.replace("version: 1", "version: 2"))
    assert "found the number 2; the format version is the number 1" in problem and "version: 1" in problem


def test_error_rate_out_of_range() -> None:
    (problem,) = problems_of(GOOD.replace("per_month: 1000", "per_month: 1000\n        error_rate: 1.5"))
    assert "functions[0].invocations[0].error_rate" in problem


def test_yaml_features_of_plain_documents() -> None:
    text = (
        "defaults: &defaults {memory_mb: 512, duration_ms: 100}\n"
        "fn:\n  <<: *defaults\n  memory_mb: 1024\n"
        "hex: 0x1F\nunderscored: 1_000\nexplicit: !!str 123\ndate: 2022-08-01\nnothing: ~\nflag: yes\n"
        "quoted: '0.5'\n"
    )
    data = parse(Source("x.yaml", text))
    assert data["fn"] == {"memory_mb": 1024, "duration_ms": 100}
    assert (data["hex"], data["underscored"], data["explicit"]) == (31, 1000, "123")
    assert str(data["date"]) == "2022-08-01"
    assert data["nothing"] is None and data["flag"] is True and data["quoted"] == "0.5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\n---\nb: 2\n", "one YAML document"),
        ("a: *nowhere\n", "unknown alias"),
        ("? [1, 2]\n: x\n", "plain value"),
        ("a: !Ref Something\n", "not allowed"),
    ],
)
def test_yaml_that_is_refused(text: str, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse(Source("x.yaml", text))
    assert message in caught.value.problems[0].message
    assert caught.value.problems[0].line is not None


def test_cross_field_problems_of_one_function_come_with_schema_problems_of_another() -> None:
    text = """\
version: 1
functions:
  - name: broken
    memory_mb: 1024
    duration_ms: 100
    invocations:
      - type: sqss
        per_month: 10
  - name: canary
    memory_mb: 1024
    duration_ms: 100
    versions: {v1: {}, v2: {}}
    aliases: {live: {v1: 60%, v2: 30%}}
    invocations:
      - {type: sync, per_month: 10, target: live}
"""
    problems = problems_of(text)
    assert any("unknown invocation type 'sqss'" in p for p in problems)
    assert any("functions[1].aliases.live" in p and "100%" in p for p in problems), problems


# The README's key tables state these ranges: each bound is accepted, one step beyond it is refused with the
# key's path. (where, key, bounds, beyond); where: "top", "function" or an invocation type; "a.b" nests.
DOCUMENTED_RANGES = [
    ("function", "memory_mb", (128, 10_240), (127, 10_241)),
    ("function", "ephemeral_storage_mb", (512, 10_240), (511, 10_241)),
    ("function", "timeout_s", (1, 900), (0, 901)),
    ("function", "snapstart_active_hours", (0.5, 744), (0, 745)),
    ("function", "provisioned_concurrency.units", (1, 10**9), (0, 10**9 + 1)),
    ("function", "provisioned_concurrency.traffic_share", (0, 1), (-0.1, 1.1)),
    ("function", "log_bytes_per_invocation", (0, 10**12), (-1, 10**12 + 1)),
    ("function", "response_streaming.bytes_per_response", (0, 10**12), (-1, 10**12 + 1)),
    ("sync", "error_rate", (0, 1), (-0.01, 1.01)),
    ("sync", "client_retries", (0, 100), (-1, 101)),
    ("sync", "per_month", (0, 10**18), (-1, 10**18 + 1)),
    ("async", "max_retries", (0, 2), (-1, 3)),
    ("sqs", "batch_size", (1, 10_000), (0, 10_001)),
    ("kinesis", "batch_size", (1, 10_000), (0, 10_001)),
    ("kinesis", "max_retry_attempts", (-1, 10_000), (-2, 10_001)),
    ("mq", "batch_size", (1, 10_000), (0, 10_001)),
    ("top", "savings_plan.discount", (0, 0.99), (-0.01, 1)),
    ("top", "concurrency.peak_to_average", (1, 10**6), (0.99, 10**6 + 1)),
]


def _with_value(where: str, key: str, value: object) -> str:
    document: dict[str, Any] = {"version": 1, "functions": [
        {"name": "fn", "memory_mb": 1024, "duration_ms": 100, "invocations": [{"type": "sync", "per_month": 1000}]}]}
    fn = document["functions"][0]
    if key.startswith("snapstart"):
        fn.update(runtime="java21", snapstart=True)
    if key.startswith("provisioned_concurrency"):
        fn["provisioned_concurrency"] = {"units": 1, "hours_per_month": 100}
    if where not in ("top", "function"):
        fn["invocations"][0]["type"] = where
        if where == "sqs":
            fn["invocations"][0]["max_receive_count"] = 3
        if where == "kinesis" and key != "max_retry_attempts":
            fn["invocations"][0]["max_retry_attempts"] = 3
    mapping = document if where == "top" else fn if where == "function" else fn["invocations"][0]
    *parents, last = key.split(".")
    for parent in parents:
        mapping = mapping.setdefault(parent, {})
    mapping[last] = value
    return yaml.safe_dump(document, sort_keys=False)


@pytest.mark.parametrize(("where", "key", "bounds", "beyond"), DOCUMENTED_RANGES,
                         ids=[f"{where}:{key}" for where, key, _, _ in DOCUMENTED_RANGES])
def test_documented_ranges(where: str, key: str, bounds: tuple[object, object], beyond: tuple[object, object]) -> None:
    for value in bounds:
        estimate_text(_with_value(where, key, value))
    leaf = key.split(".")[-1]
    for value in beyond:
        problems = problems_of(_with_value(where, key, value))
        assert len(problems) == 1 and f".{leaf}: " in problems[0], (value, problems)
