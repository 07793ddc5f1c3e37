"""Hostile and sloppy workloads found in QA: each gets a located problem (exit 2), never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import estimate_text
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import LambdaCostError, WorkloadError
from lambda_cost.numbers import ARITHMETIC

HEAD = """\
version: 1
{top}
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    runtime: python3.12
    {function}
    invocations:
      - type: sync
        per_month: {volume}
"""


def workload(top: str = "", function: str = "", volume: str = "1000") -> str:
    return HEAD.format(top=top, function=function, volume=volume)


def problems_of(text: str) -> list[str]:
    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    return [problem.render() for problem in caught.value.problems]


HUGE = "1.0e+400"
NINES = "9" * 100


@pytest.mark.parametrize(
    ("top", "function", "volume", "field"),
    [
        ("", "", HUGE, "per_month"),
        ("", "", NINES, "per_month"),
        ("", f"cold_starts_per_month: {HUGE}\n    init_duration_ms: 100", "1000", "cold_starts_per_month"),
        ("", f"log_bytes_per_invocation: {HUGE}", "1000", "log_bytes_per_invocation"),
        ("", f"response_streaming: {{bytes_per_response: {HUGE}}}", "1000", "bytes_per_response"),
        ("", f"provisioned_concurrency: {{units: {HUGE}, hours_per_month: 730}}", "1000", "units"),
        (f"concurrency: {{peak_to_average: {HUGE}}}", "", "1000", "peak_to_average"),
    ],
)
def test_absurdly_large_numbers_are_refused_not_a_crash(top: str, function: str, volume: str, field: str) -> None:
    try:
        estimate_text(workload(top, function, volume))
    except WorkloadError as error:
        (problem,) = [p.render() for p in error.problems]
        assert field in problem and "is too large" in problem and "Input should" not in problem
    except LambdaCostError as error:  # pragma: no cover - the failure being tested
        pytest.fail(f"not a located workload problem: {error}")
    else:  # pragma: no cover
        pytest.fail("an absurd number was priced")


def test_an_absurd_rate_is_refused_not_a_crash() -> None:
    (problem,) = problems_of(workload().replace("per_month: 1000", f"rate: {NINES}/s"))
    assert "invocations[0].rate" in problem and "at most 1,000,000,000,000,000,000" in problem


def test_the_largest_accepted_numbers_price_exactly() -> None:
    text = workload(
        "concurrency: {peak_to_average: 1000000}",
        "log_bytes_per_invocation: 1000000000000\n    response_streaming: {bytes_per_response: 1000000000000}\n"
        "    provisioned_concurrency: {units: 1000000000, hours_per_month: 730}\n"
        "    cold_starts_per_month: 1000000000000000000\n    init_duration_ms: 900000",
        "1000000000000000000",
    ).replace("memory_mb: 1024", "memory_mb: 10240").replace("duration_ms: 100", "duration_ms: 900000")
    text = text.replace("        per_month: 1000000000000000000", "        per_second: 1000000000000000000\n"
                        "        client_retries: 100\n        error_rate: 0.999")
    result = estimate_text(text)
    for priced in result.functions:
        for line in (*priced.line_items, *priced.related_items):
            assert ARITHMETIC.multiply(line.quantity, line.unit_price) == line.cost


def test_a_typo_in_a_function_budget_is_an_unknown_key_with_a_suggestion() -> None:
    (problem,) = problems_of(workload("budget:\n  functions:\n    api: {totl: 3}"))
    assert problem == "test.yaml:4:11: budget.functions.api.totl: unknown key 'totl' (did you mean 'total'?)"


def test_a_negative_function_budget_is_one_problem_without_pydantic_internals() -> None:
    (problem,) = problems_of(workload("budget:\n  functions:\n    api: -5"))
    assert problem == ("test.yaml:4:5: budget.functions.api: -5 is too small: api takes a number of at least 0 or a "
                       "function's budget (a mapping of total, components) (for example api: 50, or {total: 50, "
                       "components: {duration: 40}})")


@pytest.mark.parametrize(
    ("top", "function", "expected"),
    [
        ("concurrency: {acount_limit: 5}", "", "concurrency.acount_limit: unknown key 'acount_limit' "
         "(did you mean 'account_limit'?)"),
        ("savings_plan: {discont: 0.1}", "", "savings_plan.discont: unknown key 'discont' (did you mean 'discount'?)"),
        ("budget: {totl: 5}", "", "budget.totl: unknown key 'totl' (did you mean 'total'?)"),
        ("", "edge: {triger: viewer-request}", "functions[0].edge.triger: unknown key 'triger' "
         "(did you mean 'trigger'?)"),
        ("", "provisioned_concurrency: {unit: 1, hours_per_month: 730}",
         "functions[0].provisioned_concurrency.unit: unknown key 'unit' (did you mean 'units'?)"),
        ("", "versions:\n      v1: {provisioned_concurrency: {units: 1, hours_per_mont: 5}}",
         "functions[0].versions.v1.provisioned_concurrency.hours_per_mont: unknown key 'hours_per_mont' "
         "(did you mean 'hours_per_month'?)"),
    ],
)
def test_unknown_keys_in_nested_mappings_suggest_that_mappings_keys(top: str, function: str, expected: str) -> None:
    (problem,) = problems_of(workload(top, function))
    assert problem.split(": ", 1)[1] == expected


def test_an_alias_problem_names_the_alias_entry_not_pydantic_validators() -> None:
    text = workload("", "versions: {v1: {}}\n    aliases:\n      live: {v1: 100%, provisioned_concurrency: {units: 1}}")
    (problem,) = problems_of(text)
    assert problem.endswith("functions[0].aliases.live.provisioned_concurrency: "
                            "give exactly one of hours_per_month, hours_per_day (found neither), for example "
                            "hours_per_day: 12")


def test_no_functions_and_stdin_twice(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("version: 1\nfunctions: []\n")
    result = CliRunner().invoke(app, ["estimate", str(empty)])
    assert result.exit_code == 2
    assert "functions: a workload needs at least one function" in result.stderr
    twice = CliRunner().invoke(app, ["estimate", "-", "-"], input="version: 1\n")
    assert twice.exit_code == 2
    assert "standard input (-) is given more than once" in twice.stderr


def test_a_misspelt_provisioned_concurrency_in_an_alias() -> None:
    text = """\
version: 1
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    versions: {v1: {}}
    aliases:
      live: {v1: 100%, provisioned_concurency: {units: 1, hours_per_day: 8}}
    invocations:
      - {type: sync, per_month: 10, target: live}
"""
    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    rendered = [p.render() for p in caught.value.problems]
    assert rendered == ["test.yaml:8:24: functions[0].aliases.live.provisioned_concurency: unknown key "
                        "'provisioned_concurency' in alias 'live' (did you mean 'provisioned_concurrency'?)"]
