"""Logs Insights results, CloudWatch metric exports, and the inputs calibrate must refuse (exit 2, located)."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

from lambda_cost.errors import EXIT_INPUT, InputError, LoadError
from lambda_cost.usage.insights import QUERY
from lambda_cost.usage.measure import parse_window
from lambda_cost.usage.read import read_inputs

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"


@pytest.mark.parametrize("name", ["insights.csv", "insights.json", "insights-api.json"])
def test_logs_insights_result_one_row_per_log_group(name: str) -> None:
    tallies = read_inputs([str(FIXTURES / name)]).tallies
    api, worker = tallies["api"], tallies["worker"]
    assert (api.invocations, api.billed_ms, api.by_memory) == (1_000_000, 27_500_000, {128: [1_000_000, 27_500_000]})
    assert (api.failed, api.timeouts, api.cold_starts, api.mean_init_ms) == (520, 20, 1200, Decimal("180.5"))
    # Bytes to MB by the factor the memory setting reveals (here 1,000,000, as AWS's example queries divide).
    assert api.used_percentiles == (Decimal(70), Decimal(90), Decimal(120))
    assert worker.by_memory == {1024: [20_000, 40_000_000]}


def test_the_printed_query_makes_every_column_the_reader_needs() -> None:
    for column in ("invocations", "billed_ms", "memory_size_bytes", "p99_memory_bytes", "first", "last"):
        assert f" as {column}" in QUERY
    assert "by @log" in QUERY and 'filter @type = "REPORT"' in QUERY


def test_get_metric_data_by_label() -> None:
    api = read_inputs([str(FIXTURES / "metric-data.json")]).tallies["api"]
    assert (api.metric_invocations, api.metric_errors, api.metric_throttles) == (7000, 70, 5)
    assert (api.metric_duration_ms, api.metric_max_concurrency) == (Decimal("100.5"), 5)
    assert api.metric_first is not None and api.metric_last is not None
    assert (api.metric_last - api.metric_first).days == 7  # the last daily period runs to its end


def test_get_metric_statistics_names_its_function_by_function_option() -> None:
    tallies = read_inputs([str(FIXTURES / "metric-statistics.json")], "api").tallies
    assert tallies["api"].metric_invocations == 7000


def test_window_spellings() -> None:
    assert parse_window("14d").hours == 336
    assert parse_window("36h").hours == 36
    assert parse_window("2w").hours == 336
    assert parse_window("90min").hours == Decimal("1.5")
    for bad in ("14", "3m", "-1d", "0d", "fortnight"):
        with pytest.raises(InputError):
            parse_window(bad)


def _refused(paths: list[str], function: str | None = None) -> InputError:
    with pytest.raises(InputError) as caught:
        read_inputs(paths, function)
    assert caught.value.exit_code == EXIT_INPUT
    assert isinstance(caught.value, LoadError)
    return caught.value


def test_a_file_without_report_lines_is_refused_with_its_name() -> None:
    error = _refused([str(FIXTURES / "no-report.log")], "fn")
    [problem] = error.problems
    assert problem.file.endswith("no-report.log") and "no REPORT line among its 2 lines" in problem.message


def test_a_truncated_gzip_says_after_which_line(tmp_path: Path) -> None:
    whole = gzip.compress((FIXTURES / "tabs.log").read_bytes() * 2000)
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    error = _refused([str(cut)], "fn")
    [problem] = error.problems
    assert problem.file == str(cut) and problem.line is not None and problem.line > 1
    assert "truncated" in problem.message


def test_gzip_is_read_by_its_magic_bytes(tmp_path: Path) -> None:
    packed = tmp_path / "logs.bin"
    packed.write_bytes(gzip.compress((FIXTURES / "tabs.log").read_bytes()))
    assert read_inputs([str(packed)], "fn").tallies["fn"].billed_ms == 141


def test_an_insights_export_without_the_columns_names_them() -> None:
    error = _refused([str(FIXTURES / "insights-missing.csv")])
    [problem] = error.problems
    assert problem.line == 1
    assert "missing column billed_ms, memory_size_bytes" in problem.message
    assert "expected columns: @log, invocations, billed_ms, memory_size_bytes" in problem.message


def test_metrics_of_an_unknown_shape_say_the_record() -> None:
    error = _refused([str(FIXTURES / "metrics-unknown.json")])
    [problem] = error.problems
    assert "MetricDataResults[0]: 1 Timestamps but 2 Values" in problem.message


def test_every_bad_input_is_reported_at_once(tmp_path: Path) -> None:
    error = _refused([str(FIXTURES / "no-report.log"), str(FIXTURES / "insights-missing.csv"),
                      str(tmp_path / "absent.log")], "fn")
    assert len(error.problems) == 3


def test_a_json_document_of_another_kind_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"Functions": []}')
    error = _refused([str(other)])
    assert error.problems[0].line == 1 and "expected MetricDataResults" in error.problems[0].message


@pytest.mark.parametrize(("text", "said"), [
    # json's own limits (an int of 4,300 digits, about 1,000 levels of nesting): said in our words, located
    ('{\n "Label": "Invocations",\n "Datapoints": [{"Timestamp": -' + "9" * 5000 + "}]}",
     "is too large: no value of a workload comes near"),
    ('{"MetricDataResults": [{"Id": "m0_invocations", "Label": ' + "[" * 5000 + "]" * 5000 + "}]}",
     "the document is nested more than"),
    ('{"MetricDataResults": [NaN]}', "NaN is not a number; a JSON number is finite"),
    ('{"MetricDataResults": [', "a value is missing, or is not JSON"),
])
def test_a_json_document_out_of_json_s_limits_is_refused_where_it_goes_wrong(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "usage.json"
    path.write_text(text)
    error = _refused([str(path)], "fn")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert said in problem.message and problem.file == str(path) and problem.line is not None, problem


def test_a_json_line_nested_too_deeply_is_a_line_that_is_not_a_record(tmp_path: Path) -> None:
    """JSON lines (the Telemetry API's records): a line json cannot read is skipped and counted, as any other."""
    path = tmp_path / "records.jsonl"
    record = ('{"time": "2025-09-01T00:00:00Z", "type": "platform.report", "record": {"requestId": "r1", '
              '"metrics": {"durationMs": 140.5, "billedDurationMs": 141, "memorySizeMB": 512, "maxMemoryUsedMB": 90}}}')
    path.write_text(record + "\n" + "{" + '"a":' * 0 + "[" * 5000 + "]" * 5000 + "\n" + record + "\n")
    reading = read_inputs([str(path)], "fn")
    assert reading.tallies["fn"].invocations == 2
    assert reading.summaries[0].skipped == 1


@pytest.mark.parametrize(("text", "where"), [
    ('{"MetricDataResults": [{"Id": "m0_errors", "Label": false, "Timestamps": ["2025-09-01T00:00:00Z"], '
     '"Values": [1.0]}]}', "MetricDataResults[0].Label: False is not a label"),
    ('{"Label": ["Invocations"], "Datapoints": [{"Timestamp": "2025-09-01T00:00:00Z", "Sum": 1.0}]}',
     "Label: a list is not a label"),
])
def test_a_metric_label_that_is_not_text_is_refused_at_its_field(tmp_path: Path, text: str, where: str) -> None:
    """Not read from the query's Id instead (a fuzzed file made a function named m0 that had no invocations)."""
    path = tmp_path / "metrics.json"
    path.write_text(text)
    error = _refused([str(path)], "fn")
    assert error.problems[0].message.startswith(where), error.problems[0].message
    assert error.problems[0].file == str(path)


@pytest.mark.parametrize(("text", "field", "holds"), [
    ('{"MetricDataResults": []}', "MetricDataResults", ""),
    ('{"MetricDataResults": [{"Id": "m0", "Label": "api MemoryUtilization", "Timestamps": [], "Values": []}]}',
     "MetricDataResults", "; it holds 'api MemoryUtilization'"),
    ('{"Datapoints": [{"Timestamp": "2025-09-01T00:00:00Z", "Sum": 1.0}]}', "Label", ""),
])
def test_metrics_with_no_metric_calibrate_reads_are_refused_with_their_file(
    tmp_path: Path, text: str, field: str, holds: str
) -> None:
    """It said "the usage names no function", naming no file (found by the fuzz suite)."""
    path = tmp_path / "metrics.json"
    path.write_text(text)
    problem = _refused([str(path)], "fn").problems[0]
    assert problem.file == str(path) and problem.path == (field,)
    assert problem.message == ("no metric calibrate reads (Invocations, Errors, Throttles, Duration, "
                               f"ConcurrentExecutions, named by a Label or Id such as \"api Invocations\"){holds}")


def test_a_metric_without_points_is_read_as_no_usage_not_refused(tmp_path: Path) -> None:
    """An idle function's GetMetricData has empty Values: read (no points), not refused as holding no metric."""
    path = tmp_path / "metrics.json"
    path.write_text('{"MetricDataResults": [{"Id": "m0", "Label": "api Invocations", "Timestamps": [], '
                    '"Values": []}]}')
    reading = read_inputs([str(path)], "fn")
    assert reading.summaries[0].kind == "metrics" and reading.summaries[0].reports == 0
