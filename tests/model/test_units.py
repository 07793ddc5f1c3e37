"""Human units in workloads: exact values, AWS's 1024-based sizes, and ambiguous spellings refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import estimate_text
from pydantic import TypeAdapter, ValidationError

from lambda_cost.errors import WorkloadError
from lambda_cost.model.units import Count, DurationMs, Megabytes, Rate, Seconds
from lambda_cost.model.workload import Function


@pytest.mark.parametrize(("text", "expected"), [
    ("3M", Decimal("3000000")),
    ("200k", Decimal("200000")),
    ("200K", Decimal("200000")),
    ("1.5B", Decimal("1500000000")),
    ("2.25M", Decimal("2250000")),
    ("0.5k", Decimal("500")),
    ("1,000,000", Decimal("1000000")),
    ("1_000", Decimal("1000")),
    ("12.5", Decimal("12.5")),
    (" 7 M ", Decimal("7000000")),
])
def test_counts_are_exact(text: str, expected: Decimal) -> None:
    value = TypeAdapter(Count).validate_python(text)
    assert value == expected
    assert str(value) == str(expected)  # no 1500000000.0: the digits people wrote


@pytest.mark.parametrize("text", ["3m", "3b", "3G", "3 million", "M3", "-3", "3MM", ""])
def test_ambiguous_or_unknown_counts_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Count).validate_python(text)
    assert "3M, 200k, 1.5B" in str(caught.value)


def test_lower_case_m_is_refused_as_ambiguous() -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Count).validate_python("3m")
    assert "unknown or ambiguous suffix 'm'" in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("512 MB", 512), ("512MB", 512), ("1.5 GB", 1536), ("1 GiB", 1024), ("10 GB", 10240), ("2048", 2048),
    ("3008 MiB", 3008),
])
def test_sizes_count_1024_mb_to_the_gb(text: str, expected: int) -> None:
    assert TypeAdapter(Megabytes).validate_python(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("120ms", Decimal("120")), ("1.2s", Decimal("1200")), ("0.5 ms", Decimal("0.5")), ("2min", Decimal("120000")),
    ("3 sec", Decimal("3000")), ("250", Decimal("250")),
])
def test_durations_in_milliseconds(text: str, expected: Decimal) -> None:
    value = TypeAdapter(DurationMs).validate_python(text)
    assert value == expected and str(value) == str(expected)


@pytest.mark.parametrize("text", ["3m", "2 minutes", "1h", "5us"])
def test_ambiguous_durations_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(DurationMs).validate_python(text)
    assert "ms, s, sec or min" in str(caught.value)


def test_timeouts_in_whole_seconds() -> None:
    adapter = TypeAdapter(Seconds)
    assert adapter.validate_python("30s") == 30
    assert adapter.validate_python("2min") == 120
    assert adapter.validate_python("30000ms") == 30
    assert adapter.validate_python(45) == 45
    with pytest.raises(ValidationError, match=r"1\.5 s, not a whole number of seconds"):
        adapter.validate_python("1500ms")


@pytest.mark.parametrize(("text", "per_month"), [
    ("50/s", Decimal("131400000")),  # 50 × 2,628,000 s
    ("3M/month", Decimal("3000000")),
    ("1k/h", Decimal("730000")),
    ("10/min", Decimal("438000")),  # 10 × 730 × 60
    ("24/day", Decimal("730")),
    ("2 / second", Decimal("5256000")),
])
def test_rates_to_monthly_volumes(text: str, per_month: Decimal) -> None:
    assert TypeAdapter(Rate).validate_python(text).per_month == per_month


def test_a_daily_rate_is_the_same_as_per_day() -> None:
    rate = TypeAdapter(Rate).validate_python("200k/day")
    assert rate.per_month == Decimal(200_000) * 730 / 24


@pytest.mark.parametrize(("kind", "text", "message"), [
    (Megabytes, "1.3 GB", "1331.2 MB, not a whole number of MB"),
    (Megabytes, "512 mb", "unknown or ambiguous unit 'mb'; write a number of MB, or one with MB, MiB, GB or GiB"),
    (Megabytes, "512 Mb", "unknown or ambiguous unit 'Mb'"),
    (Megabytes, "1 TB", "unknown or ambiguous unit 'TB'"),
    (Rate, "50/m", "unknown or ambiguous period 'm'; write COUNT/PERIOD"),
    (Rate, "50", "has no period; write COUNT/PERIOD with PERIOD s, min, h, day or month"),
    (Rate, "3m/s", "unknown or ambiguous suffix 'm'; write a number (1e12 too), or one with k or K (thousand)"),
    (Rate, "50/week", "unknown or ambiguous period 'week'; write COUNT/PERIOD"),
])
def test_bad_sizes_and_rates(kind: object, text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(text)
    assert message in str(caught.value)


def test_a_workload_in_human_units_prices_like_plain_numbers() -> None:
    human = """\
        version: 1
        functions:
          - name: api
            memory_mb: 1 GB
            ephemeral_storage_mb: 1 GB
            duration_ms: 0.12s
            timeout_s: 1min
            invocations:
              - type: sync
                rate: 2M/month
              - type: async
                per_day: 10k
        """
    plain = """\
        version: 1
        functions:
          - name: api
            memory_mb: 1024
            ephemeral_storage_mb: 1024
            duration_ms: 120
            timeout_s: 60
            invocations:
              - type: sync
                per_month: 2000000
              - type: async
                per_day: 10000
        """
    assert estimate_text(human).total == estimate_text(plain).total
    function = Function.model_validate({"name": "f", "memory_mb": "1.5 GB", "duration_ms": "1.2s",
                                        "invocations": [{"type": "sync", "rate": "50/s"}]})
    assert function.memory_mb == 1536 and function.duration_ms == Decimal(1200)
    assert function.invocations[0].monthly_volume == Decimal(131_400_000)


def only_problem(duration: str, invocation: str) -> str:
    """The one problem of a one-function workload, rendered."""
    text = f"version: 1\nfunctions:\n  - name: api\n    memory_mb: 128\n    duration_ms: {duration}\n" \
           f"    invocations:\n      - {invocation}\n"
    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    (problem,) = caught.value.problems
    return problem.render()


def test_rate_counts_as_one_of_the_volume_keys() -> None:
    problem = only_problem("10", "{type: sync, rate: 5/s, per_month: 3M}")
    assert "exactly one of per_month, per_day, per_hour, per_second, rate (found per_month, rate)" in problem


def test_a_unit_error_is_located_with_its_field() -> None:
    problem = only_problem("3m", "{type: sync, per_month: 1}")
    assert problem.startswith("test.yaml:5:5: functions[0].duration_ms: '3m': unknown or ambiguous unit 'm'")


def test_placeholders_are_refused_with_the_hint_their_comment_gives() -> None:
    text = """\
        version: 1
        functions:
          - name: api
            memory_mb: 128
            duration_ms: FILL-ME  # mean duration of a successful attempt, ms
            error_duration_ms: FILL-ME
            invocations:
              - type: sqs
                per_month: FILL-ME   # messages a month
                batch_size: FILL-ME
        """
    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    assert [p.render() for p in caught.value.problems] == [
        "test.yaml:5:5: functions[0].duration_ms: placeholder not filled "
        "(replace FILL-ME: mean duration of a successful attempt, ms)",
        "test.yaml:6:5: functions[0].error_duration_ms: placeholder not filled (replace FILL-ME with a value)",
        "test.yaml:9:9: functions[0].invocations[0].per_month: placeholder not filled "
        "(replace FILL-ME: messages a month)",
        "test.yaml:10:9: functions[0].invocations[0].batch_size: placeholder not filled "
        "(replace FILL-ME with a value)",
    ]


def test_exponents_are_counts_too() -> None:
    # YAML reads 1e12 (no dot) as a string; it is still a number of events.
    from lambda_cost.model.units import parse_count

    assert parse_count("1e12") == Decimal("1e12")
    assert parse_count("2.5E3") == Decimal(2500)


def test_a_tiny_credit_shows_as_zero_not_minus_zero() -> None:
    from lambda_cost.numbers import money

    assert money(Decimal("-0.001")) == "$0.00"
    assert money(Decimal("-0.005001")) == "-$0.01"
    assert money(Decimal("-1234.5")) == "-$1,234.50"
