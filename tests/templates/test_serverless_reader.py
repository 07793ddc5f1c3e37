"""Serverless Framework: provider defaults, events and variables, value by value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import FIXTURES, by_name, draft_workload, kinds

from lambda_cost.templates.common import Unknown
from lambda_cost.templates.serverless import Variables

SERVERLESS = FIXTURES / "templates" / "serverless"


def test_provider_defaults_and_the_frameworks_own() -> None:
    loaded, text = draft_workload(SERVERLESS / "orders-v3.yml")
    api = by_name(loaded, "api")
    # memorySize ${self:custom.memory.${self:provider.stage}} with stage ${opt:stage, 'dev'}: 512
    assert (api.memory_mb, api.architecture, api.timeout_s, api.runtime, api.region) == (
        512, "arm64", 10, "python3.12", "eu-west-1")
    assert api.provisioned_concurrency is not None and api.provisioned_concurrency.units == 3
    assert [s.type for s in api.invocations] == ["sync", "sync", "sync"]  # url, httpApi, http
    authorizer = by_name(loaded, "authorizer")
    assert (authorizer.memory_mb, authorizer.timeout_s) == (256, 6)  # the framework's timeout of 6 s
    assert "timeout_s: 6                    # the Serverless Framework's default timeout" in text
    assert "results cached 60 s per identity: resultTtlInSeconds" in text


def test_mapping_events_queue_resources_and_disabled_events() -> None:
    loaded, text = draft_workload(SERVERLESS / "orders-v3.yml")
    worker = by_name(loaded, "worker")
    sqs, stream = worker.invocations
    assert (sqs.batch_size, sqs.report_batch_item_failures, sqs.max_receive_count, sqs.dead_letter) == (
        5, True, 3, "sqs")  # ${self:custom.queueBatch}; RedrivePolicy of OrdersQueue in resources:
    assert (stream.type, stream.batch_size, stream.max_retry_attempts, stream.dead_letter) == (
        "dynamodb", 10, 2, "sqs")  # the framework compiles stream events with a BatchSize of 10
    assert worker.ephemeral_storage_mb == 2048
    assert "skipped: events[2] sqs is disabled (enabled: false)" in text


def test_schedules_async_settings_and_edge() -> None:
    loaded, text = draft_workload(SERVERLESS / "orders-v3.yml")
    nightly = by_name(loaded, "nightly")
    assert kinds(nightly) == [("async", None, Decimal(2920)), ("async", None, Decimal("30.42")),
                              ("async", None, Decimal(730) / 24), ("async", None, Decimal(100)),
                              ("async", None, Decimal(100))]  # rate(15 minutes), daily cron, rate(1 day), sns, s3
    assert {(s.max_retries, s.dead_letter) for s in nightly.invocations} == {(1, "sns")}  # onError: SNS
    assert nightly.snapstart is True
    assert "timeout: ${env:REPORT_TIMEOUT} cannot be resolved offline" in text
    assert "that pass the subscription's filterPolicy" in text
    edge = by_name(loaded, "edge")
    assert edge.edge is not None and edge.edge.trigger == "viewer-request"
    assert edge.region == "us-east-1"
    assert "Lambda@Edge functions are created in us-east-1 (provider.region" in text


@pytest.mark.parametrize(("raw", "expected"), [
    ("${opt:stage, 'dev'}", "dev"),
    ("${sls:stage}-api", "prod-api"),
    ("${self:custom.size.${sls:stage}}", 2048),
    ("${param:table}", "orders-prod"),
    ("${env:NAME, self:custom.fallback}", "from-custom"),
    ("${aws:region}", "eu-north-1"),
    ("${ssm:/mem, 512}", 512),
])
def test_variables_resolve_offline(raw: str, expected: object) -> None:
    variables = Variables({
        "provider": {"stage": "prod", "region": "eu-north-1"},
        "custom": {"size": {"prod": 2048}, "fallback": "from-custom"},
        "stages": {"default": {"params": {"table": "orders-${sls:stage}"}}},
    })
    assert variables.resolve(raw) == expected


def test_unresolvable_variables_are_unknown_and_cycles_end() -> None:
    variables = Variables({"provider": {}, "custom": {"a": "${self:custom.b}", "b": "${self:custom.a}"}})
    assert isinstance(variables.resolve("${env:SECRET}"), Unknown)
    assert isinstance(variables.resolve("${self:custom.a}"), Unknown)
    arn = variables.resolve("arn:aws:sqs:${aws:region}:${aws:accountId}:jobs")
    assert isinstance(arn, Unknown) and arn.pattern == "arn:aws:sqs:us-east-1:*:jobs"
