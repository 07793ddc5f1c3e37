"""Hostile and sloppy workloads found in QA: each gets a located problem (exit 2), never an internal error."""

from __future__ import annotations

import pytest
from conftest import estimate_text

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
        assert field in problem and ("less than or equal" in problem or "at most" in problem)
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
