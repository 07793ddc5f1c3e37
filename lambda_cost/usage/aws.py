"""`calibrate --aws`: the same Logs Insights query and metrics, run in the user's account through boto3 (the
optional `aws` extra). Nothing here runs unless --aws is given; tests stub the clients."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lambda_cost.errors import InputError
from lambda_cost.usage.insights import QUERY, add_rows
from lambda_cost.usage.measure import Window, parse_window
from lambda_cost.usage.metrics import read_metrics
from lambda_cost.usage.read import Reading
from lambda_cost.usage.tally import SourceSummary

DEFAULT_WINDOW = "14d"
GROUP_PREFIX = "/aws/lambda/"
LOG_GROUPS_PER_QUERY = 50  # Logs Insights queries at most 50 log groups at once
QUERIES_PER_CALL = 500  # get-metric-data takes at most 500 queries a call
DAY_S = 86_400
METRICS = (("Invocations", "Sum"), ("Errors", "Sum"), ("Throttles", "Sum"), ("Duration", "Average"),
           ("ConcurrentExecutions", "Maximum"))
_DONE = ("Complete", "Failed", "Cancelled", "Timeout", "Unknown")


@dataclass
class AwsClients:
    """The boto3 clients and the clock: real ones by default, stubbed ones in tests."""

    logs: Any
    cloudwatch: Any
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    sleep: Callable[[float], None] = time.sleep


def _clients(region: str | None) -> AwsClients:
    try:
        import boto3  # type: ignore[import-untyped]
    except ImportError:
        raise InputError("--aws needs boto3, which lambda-cost does not install by default",
                         hint="pip install 'lambda-cost[aws]'") from None
    session = boto3.session.Session(region_name=region)
    return AwsClients(session.client("logs"), session.client("cloudwatch"))


def read_aws(reading: Reading, *, function: str | None, window: Window | None, region: str | None,
             clients: AwsClients | None = None) -> Window:
    """Run the Logs Insights query over the functions' log groups and read their metrics, for the window ending
    now (the last whole day for metrics); returns the window the figures cover."""
    chosen = window or parse_window(DEFAULT_WINDOW)
    aws = clients or _clients(region)
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    end = aws.now.replace(microsecond=0)
    start = end - dt.timedelta(seconds=int(chosen.hours * 3600))
    try:
        names = [function] if function else _functions(aws.logs)
        if not names:
            raise InputError("no Lambda log group (/aws/lambda/...) in this account and region",
                             hint="give --region, or --function NAME")
        _insights(aws, names, start, end, reading)
        _metrics(aws, names, start, end, reading)
    except ClientError as error:
        details = error.response.get("Error", {})
        raise InputError(f"AWS refused the request: {details.get('Code', 'error')}: {details.get('Message', '')}",
                         hint="check the credentials' permissions: logs:StartQuery, logs:GetQueryResults, "
                              "logs:DescribeLogGroups, cloudwatch:GetMetricData") from None
    except BotoCoreError as error:
        raise InputError(f"cannot reach AWS: {error}", hint="check the credentials and the region") from None
    return Window(chosen.hours, f"{chosen.source if window else '--aws default 14d'}, ending {end.isoformat()}")


def _functions(logs: Any) -> list[str]:
    names = []
    for page in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=GROUP_PREFIX):
        names += [group["logGroupName"][len(GROUP_PREFIX):] for group in page.get("logGroups", [])]
    return sorted(names)


def _insights(aws: AwsClients, names: list[str], start: dt.datetime, end: dt.datetime, reading: Reading) -> None:
    for first in range(0, len(names), LOG_GROUPS_PER_QUERY):
        groups = [GROUP_PREFIX + name for name in names[first:first + LOG_GROUPS_PER_QUERY]]
        query = aws.logs.start_query(logGroupNames=groups, startTime=int(start.timestamp()),
                                     endTime=int(end.timestamp()), queryString=QUERY)["queryId"]
        while True:
            answer = aws.logs.get_query_results(queryId=query)
            if answer.get("status") in _DONE:
                break
            aws.sleep(1)
        if answer.get("status") != "Complete":
            raise InputError(f"the Logs Insights query ended {answer.get('status')}",
                             hint="run it again, or over fewer log groups (--function)")
        rows = [{cell["field"]: cell.get("value") for cell in row} for row in answer.get("results", [])]
        name = f"aws logs insights ({len(groups)} log groups)"
        summary = SourceSummary(name, "insights")
        if rows:
            add_rows(rows, name, reading.tallies, summary)
        reading.summaries.append(summary)


def _metrics(aws: AwsClients, names: list[str], start: dt.datetime, end: dt.datetime, reading: Reading) -> None:
    queries = [
        {"Id": f"m{index}_{metric.lower()}", "Label": f"{name} {metric}", "ReturnData": True,
         "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                                   "Dimensions": [{"Name": "FunctionName", "Value": name}]},
                        "Period": DAY_S, "Stat": stat}}
        for index, name in enumerate(names) for metric, stat in METRICS
    ]
    results: list[dict[str, Any]] = []
    for first in range(0, len(queries), QUERIES_PER_CALL):
        token: str | None = None
        while True:
            request: dict[str, Any] = {"MetricDataQueries": queries[first:first + QUERIES_PER_CALL],
                                       "StartTime": start, "EndTime": end, "ScanBy": "TimestampAscending"}
            if token:
                request["NextToken"] = token
            answer = aws.cloudwatch.get_metric_data(**request)
            results += answer.get("MetricDataResults", [])
            token = answer.get("NextToken")
            if not token:
                break
    document = {"MetricDataResults": [
        {**result, "Timestamps": [str(t) for t in result.get("Timestamps", [])],
         "Values": [Decimal(str(v)) for v in result.get("Values", [])]} for result in results
    ]}
    summary = SourceSummary("aws cloudwatch get-metric-data", "metrics")
    read_metrics(document, summary.name, "", reading.tallies, summary)
    reading.summaries.append(summary)
