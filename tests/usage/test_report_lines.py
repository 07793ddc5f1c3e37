"""REPORT lines in every documented variant, read to exact counts: tabs, spaces, cold starts before and after INIT
billing, SnapStart, X-Ray, errors and timeouts, and lines messier than the documentation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lambda_cost.usage.read import read_inputs
from lambda_cost.usage.tally import Tally

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"


def tally(name: str, function: str = "fn") -> Tally:
    reading = read_inputs([str(FIXTURES / name)], function)
    assert list(reading.tallies) == [function]
    return reading.tallies[function]


def test_tab_separated_with_trailing_tab_and_timestamps() -> None:
    t = tally("tabs.log")
    assert (t.invocations, t.billed_ms, t.by_memory) == (4, 27 + 13 + 100 + 1, {128: [4, 141]})
    assert dict(t.max_used) == {75: 1, 76: 1, 80: 1, 74: 1}
    assert dict(t.days) == {"2025-09-01": 1, "2025-09-02": 1, "2025-09-03": 1, "2025-09-04": 1}
    assert t.first is not None and t.first.isoformat() == "2025-09-01T12:00:00+00:00"


def test_space_separated_with_stream_names() -> None:
    t = tally("spaces.log")
    assert (t.invocations, t.billed_ms, t.by_memory) == (2, 14, {256: [2, 14]})


def test_cold_start_from_2025_billed_duration_holds_init() -> None:
    """AWS's example: Duration 15.74 ms + Init Duration 130.49 ms, Billed Duration 147 ms."""
    t = tally("cold-2025.log")
    assert (t.billed_ms, t.cold_starts, t.init_ms, t.init_in_billed) == (150, 1, Decimal("130.49"), 1)


def test_cold_start_before_2025_init_outside_billed_duration() -> None:
    t = tally("cold-2024.log")
    assert (t.billed_ms, t.cold_starts, t.init_ms, t.init_in_billed) == (123, 1, Decimal("180.27"), 0)


def test_snapstart_restore_is_inside_billed_duration_and_init_report_is_skipped() -> None:
    t = tally("snapstart.log")
    assert (t.invocations, t.billed_ms, t.restores, t.restore_ms, t.billed_restore_ms) == (
        2, 650, 1, Decimal("511.25"), 303)
    assert t.cold_starts == 0


def test_xray_on_its_own_line_and_on_the_report_line() -> None:
    t = tally("xray.log")
    assert (t.invocations, t.billed_ms) == (2, 21)


def test_error_status_and_timeouts_counted_once() -> None:
    """Status: error; a "Task timed out" line before a REPORT without Status; Status: timeout."""
    t = tally("errors.log")
    assert (t.invocations, t.failed, t.timeouts, t.failed_billed_ms) == (4, 3, 2, 20 + 3000 + 3000)


def test_messy_lines_by_field_names_and_a_malformed_line_kept_apart() -> None:
    reading = read_inputs([str(FIXTURES / "messy.log")], "fn")
    t = reading.tallies["fn"]
    assert (t.invocations, t.billed_ms, t.cold_starts) == (3, 102 + 2 + 3, 1)
    summary = reading.summaries[0]
    assert summary.malformed == 1
    assert summary.examples[0].line == 8 and "Billed Duration 'four'" in summary.examples[0].message


def test_lines_that_name_their_log_group_go_to_that_function(tmp_path: Path) -> None:
    log = tmp_path / "mixed.log"
    log.write_text(
        "/aws/lambda/api 2025-09-01T00:00:00.000Z REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 2 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 50 MB\t\n"
        "/aws/lambda/worker 2025-09-01T00:00:01.000Z REPORT RequestId: b\tDuration: 1.00 ms\tBilled Duration: 3 ms"
        "\tMemory Size: 256 MB\tMax Memory Used: 60 MB\t\n"
    )
    reading = read_inputs([str(log)])
    assert {name: t.billed_ms for name, t in reading.tallies.items()} == {"api": 2, "worker": 3}


def test_a_path_under_aws_lambda_names_the_function(tmp_path: Path) -> None:
    folder = tmp_path / "export" / "aws" / "lambda" / "orders"
    folder.mkdir(parents=True)
    (folder / "000000").write_text((FIXTURES / "tabs.log").read_text())
    assert list(read_inputs([str(tmp_path / "export")]).tallies) == ["orders"]


@pytest.mark.parametrize("name", ["json-format.log", "telemetry.json"])
def test_platform_report_records(name: str) -> None:
    t = tally(name)
    assert (t.invocations, t.billed_ms, t.failed, t.with_status) == (2, 158 + 40, 1, 2)
    assert (t.cold_starts, t.init_ms, t.init_in_billed) == (1, Decimal("130.49"), 1)


def test_filter_log_events_json_takes_each_events_timestamp() -> None:
    t = tally("filter-log-events.json")
    assert (t.invocations, t.billed_ms) == (2, 52)
    assert t.first is not None and t.last is not None and (t.last - t.first).total_seconds() == 3600


def test_a_billed_duration_of_0_ms_is_a_malformed_line_not_a_mean_of_0(tmp_path: Path) -> None:
    """Lambda bills at least 1 ms: a 0 (damage, or an edit) would calibrate to duration_ms 0, which none takes."""
    log = tmp_path / "zero.log"
    log.write_text(
        "2025-09-01T00:00:00.000Z REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 2 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 50 MB\t\n"
        "2025-09-01T00:00:01.000Z REPORT RequestId: b\tDuration: 0.10 ms\tBilled Duration: 0 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 50 MB\t\n"
    )
    reading = read_inputs([str(log)], "fn")
    assert (reading.tallies["fn"].invocations, reading.tallies["fn"].billed_ms) == (1, 2)
    summary = reading.summaries[0]
    assert summary.malformed == 1 and summary.examples[0].line == 2
    assert "Billed Duration 0 ms" in summary.examples[0].message


def test_a_platform_report_billed_0_ms_is_malformed(tmp_path: Path) -> None:
    events = tmp_path / "telemetry.json"
    events.write_text(
        '[{"time": "2025-09-01T00:00:00.200Z", "type": "platform.report", "record": {"metrics": {"durationMs": 1.5,'
        ' "billedDurationMs": 2, "memorySizeMB": 128}, "status": "success"}},'
        ' {"time": "2025-09-02T00:00:00.200Z", "type": "platform.report", "record": {"metrics": {"durationMs": 0.1,'
        ' "billedDurationMs": 0, "memorySizeMB": 128}, "status": "success"}}]'
    )
    reading = read_inputs([str(events)], "fn")
    assert (reading.tallies["fn"].invocations, reading.summaries[0].malformed) == (1, 1)
