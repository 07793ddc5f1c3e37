"""`calibrate --aws` against botocore's Stubber: the Logs Insights query and get-metric-data, no network."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

botocore_session = pytest.importorskip("botocore.session")
from botocore.stub import ANY, Stubber  # noqa: E402

from lambda_cost.commands.calibrate import run as calibrate  # noqa: E402
from lambda_cost.errors import InputError  # noqa: E402
from lambda_cost.usage.aws import AwsClients  # noqa: E402
from lambda_cost.usage.insights import QUERY  # noqa: E402

NOW = dt.datetime(2025, 9, 15, tzinfo=dt.timezone.utc)
START = NOW - dt.timedelta(days=14)
ROW = {"@log": "123456789012:/aws/lambda/api", "invocations": "1000", "billed_ms": "27500",
       "memory_size_bytes": "128000000", "p99_memory_bytes": "90000000", "first": "2025-09-01 00:00:00.000",
       "last": "2025-09-14 23:59:59.000"}


def clients() -> tuple[AwsClients, Stubber, Stubber]:
    session = botocore_session.get_session()
    options = {"region_name": "us-east-1", "aws_access_key_id": "x", "aws_secret_access_key": "y"}
    logs, cloudwatch = session.create_client("logs", **options), session.create_client("cloudwatch", **options)
    return AwsClients(logs, cloudwatch, now=NOW, sleep=lambda _: None), Stubber(logs), Stubber(cloudwatch)


def test_aws_runs_the_printed_query_and_reads_the_metrics() -> None:
    aws, logs, cloudwatch = clients()
    logs.add_response("start_query", {"queryId": "q1"}, {
        "logGroupNames": ["/aws/lambda/api"], "startTime": int(START.timestamp()), "endTime": int(NOW.timestamp()),
        "queryString": QUERY})
    logs.add_response("get_query_results", {"status": "Running", "results": []}, {"queryId": "q1"})
    logs.add_response("get_query_results", {"status": "Complete", "results": [
        [{"field": k, "value": v} for k, v in ROW.items()]]}, {"queryId": "q1"})
    days = [START + dt.timedelta(days=d) for d in range(14)]
    cloudwatch.add_response("get_metric_data", {"MetricDataResults": [
        {"Id": "m0_invocations", "Label": "api Invocations", "Timestamps": days, "Values": [70.0] * 14 + []},
        {"Id": "m0_errors", "Label": "api Errors", "Timestamps": days, "Values": [7.0] * 14},
    ]}, {"MetricDataQueries": ANY, "StartTime": START, "EndTime": NOW, "ScanBy": "TimestampAscending"})
    out = io.StringIO()
    with logs, cloudwatch:
        assert calibrate([], aws=True, function="api", output_format="json", stdout=out, quiet=True,
                         aws_clients=aws) == 0
    [api] = json.loads(out.getvalue())["functions"]
    assert (api["invocations"], api["billed_ms"], api["duration_ms"]) == ("1000", "27500", "27.5")
    assert api["memory_mb"] == 128
    assert api["window_hours"] == "336" and api["error_rate"] == "0.1"  # 98 Errors of 980 Invocations
    logs.assert_no_pending_responses()
    cloudwatch.assert_no_pending_responses()


def test_aws_refusal_is_exit_2_in_our_words() -> None:
    aws, logs, _ = clients()
    logs.add_client_error("start_query", "AccessDeniedException", "not authorized to perform logs:StartQuery")
    with logs, pytest.raises(InputError) as caught:
        calibrate([], aws=True, function="api", stdout=io.StringIO(), aws_clients=aws)
    assert "AWS refused the request: AccessDeniedException" in caught.value.message
    assert "logs:StartQuery" in (caught.value.hint or "")
