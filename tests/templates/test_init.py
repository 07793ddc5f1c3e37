"""`lambda-cost init`: a starter workload, and drafts from SAM and CloudFormation templates."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, estimate_text, fill, placeholders
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import LoadError
from lambda_cost.model.workload import Function, Workload
from lambda_cost.stages.load import Source, parse
from lambda_cost.templates.cfn_yaml import load_template
from lambda_cost.templates.draft import draft_text
from lambda_cost.templates.sam import read_functions, read_template, schedule_volume

TEMPLATES = FIXTURES / "templates"
runner = CliRunner()


def draft(name: str) -> str:
    path = TEMPLATES / name
    return draft_text(read_functions(load_template(Source(str(path), path.read_text()))), name)


def workload_of(text: str) -> Workload:
    data = parse(Source("w.yaml", fill(text)))
    return Workload.model_validate(data)


def by_name(workload: Workload, name: str) -> Function:
    return next(f for f in workload.functions if f.name == name)


def sources(function: Function) -> list[tuple[Any, ...]]:
    return [(s.type, getattr(s, "batch_size", None), s.per_month) for s in function.invocations]


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.iterdir() if p.is_file()))
def test_every_draft_validates_once_its_placeholders_are_filled(name: str) -> None:
    text = draft(name)
    assert placeholders(text)  # refused as drafted: volumes, durations and error rates are unknown
    estimate = estimate_text(fill(text), free_tier=False)
    assert len(estimate.functions) == text.count("\n  - name: ")
    assert all(function.total > 0 for function in estimate.functions)


def test_sam_queues_with_globals_redrive_and_fifo() -> None:
    text = draft("sam-order-queue.yaml")
    assert placeholders(text) == [
        "functions[0].duration_ms", "functions[0].invocations[0].per_month", "functions[0].invocations[0].error_rate",
        "functions[1].duration_ms", "functions[1].invocations[0].per_month", "functions[1].invocations[0].error_rate",
    ]
    workload = workload_of(text)
    orders = by_name(workload, "OrdersFunction")
    assert (orders.memory_mb, orders.architecture, orders.timeout_s) == (1024, "arm64", 15)  # own memory, Globals rest
    (queue,) = orders.invocations
    assert (queue.type, queue.batch_size, queue.report_batch_item_failures, queue.max_receive_count, queue.fifo) == (
        "sqs", 25, True, 5, False)
    payments = by_name(workload, "PaymentsFunction")
    assert (payments.memory_mb, payments.ephemeral_storage_mb) == (256, 1024)
    (fifo,) = payments.invocations
    assert (fifo.fifo, fifo.batch_size, fifo.max_receive_count, fifo.report_batch_item_failures) == (True, 10, 3, False)
    assert "memory_mb: 256                  # MemorySize (Globals)" in text
    assert re.search(r"\n        batch_size: 25 +# BatchSize\n", text)


def test_sam_api_streams_schedules_and_parameters() -> None:
    text = draft("sam-web-and-streams.yaml")
    workload = workload_of(text)
    api = by_name(workload, "ApiFunction")
    assert api.memory_mb == 1769 and api.architecture == "arm64"  # !Ref ApiMemory → its Default '1769'
    assert [s.type for s in api.invocations] == ["sync", "sync", "sync"]  # function URL, HttpApi, Api
    assert "memory_mb: 1769                 # MemorySize; parameter ApiMemory's default" in text
    report = by_name(workload, "JavaReportFunction")
    assert "memory_mb: FILL-ME              # MemorySize; parameter ReportMemory has no default" in text
    assert report.timeout_s == 300  # !If IsProd [300, 60]: the first branch, said in a comment
    assert "!If IsProd: the value when it holds" in text
    # cron(0 2 * * ? *) runs 365 times a year, 30.42 a month; rate(5 minutes) is 730 × 60 / 5 = 8,760 a month
    assert sources(report) == [("async", None, Decimal("30.42")), ("async", None, Decimal(8760))]
    assert "cron(0 2 * * ? *): 365 runs in the 365-day year 2027 / 12" in text
    clicks = by_name(workload, "ClicksFunction")
    kinesis, dynamodb = clicks.invocations
    assert (kinesis.type, kinesis.batch_size, kinesis.max_retry_attempts) == ("kinesis", 500, 3)
    assert (dynamodb.type, dynamodb.batch_size, dynamodb.max_retry_attempts) == ("dynamodb", 100, -1)
    assert "# BisectBatchOnFunctionError splits failing batches" in text
    thumbs = by_name(workload, "ThumbnailFunction")
    assert [(s.type, getattr(s, "max_retries", None)) for s in thumbs.invocations] == [
        ("async", 1), ("async", 1), ("async", 1), ("sync", None)]  # S3, SNS, EventBridge with EventInvokeConfig
    assert thumbs.ephemeral_storage_mb == 2048
    assert "# event Web of type CloudFront is not mapped to an invocation type" in text


def test_plain_cloudformation_resources_point_at_functions() -> None:
    text = draft("cfn-plain-lambda.yaml")
    workload = workload_of(text)
    worker = by_name(workload, "WorkerFunction")
    assert (worker.memory_mb, worker.timeout_s) == (2048, 120)  # parameter default, !FindInMap
    sqs, msk = worker.invocations
    assert (sqs.type, sqs.batch_size, sqs.report_batch_item_failures, sqs.max_receive_count) == ("sqs", 100, True, 4)
    assert (msk.type, msk.batch_size) == ("msk", 200)  # from the ARN arn:aws:kafka:...
    image = by_name(workload, "ImageFunction")
    assert (image.memory_mb, image.ephemeral_storage_mb, image.timeout_s) == (3008, 4096, 60)
    # S3 permission, the hourly rule (its permission is not a second source), the function URL
    assert sources(image) == [
        ("async", None, Decimal(100)), ("async", None, Decimal(730)), ("sync", None, Decimal(100))]
    assert [getattr(s, "max_retries", None) for s in image.invocations] == [0, 0, None]
    broker = by_name(workload, "BrokerFunction")
    assert (broker.memory_mb, broker.timeout_s, sources(broker)) == (128, 3, [("mq", 50, Decimal(100))])


def test_json_template_kafka_and_api_permissions() -> None:
    text = draft("cfn-kafka-api.json")
    workload = workload_of(text)
    consumer = by_name(workload, "ConsumerFunction")
    assert (consumer.memory_mb, consumer.timeout_s, consumer.architecture) == (1536, 900, "arm64")
    assert sources(consumer) == [("kafka", 1000, Decimal(100))]
    rest = by_name(workload, "RestFunction")
    assert rest.memory_mb == 256
    assert [s.type for s in rest.invocations] == ["sync"]  # two routes of one API: one source


def test_keys_the_model_lacks_are_written_as_comments() -> None:
    text = draft("cfn-kafka-api.json")
    for key, value in (("runtime", "java21"), ("snapstart", "true"), ("package_type", "zip")):
        line = f"{key}: {value}"
        if key in Function.model_fields:
            assert f"    {line}" in text
        else:
            assert f"    # {line}" in text and "(priced once lambda-cost supports it)" in text
    provisioned = draft("sam-web-and-streams.yaml")
    assert "provisioned_concurrency: {units: 5, hours_per_month: 730}" in provisioned


@pytest.mark.parametrize(("expression", "expected"), [
    ("rate(5 minutes)", Decimal(8760)), ("rate(1 hour)", Decimal(730)), ("rate(1 day)", Decimal(730) / 24),
    ("rate(2 days)", Decimal(730) / 48),
])
def test_rate_schedules(expression: str, expected: Decimal) -> None:
    known = schedule_volume(expression)
    assert known is not None and known.value == expected


@pytest.mark.parametrize(("expression", "per_month"), [
    ("rate(1 day)", "30.41666666666666666666666667"),  # 730 h / 24 h, exact to the context
    ("cron(0 12 * * ? *)", "30.42"),  # 365 a year
    ("cron(0/15 * * * ? *)", "2920"),  # 4 an hour × 24 × 365 / 12
    ("cron(0 8 ? * MON-FRI *)", "21.75"),  # 261 weekdays in 2027
    ("cron(30 9 1,15 * ? *)", "2"),  # twice a month
    ("cron(0 0 ? JAN,JUL SUN *)", "0.75"),  # 9 Sundays in January and July 2027
])
def test_schedules_give_their_runs_a_month(expression: str, per_month: str) -> None:
    known = schedule_volume(expression)
    assert known is not None and known.value == Decimal(per_month)


def test_schedules_lambda_cost_cannot_count_are_left_to_the_user() -> None:
    for expression in ("cron(0 18 ? * 6L *)", "cron(0 10 * * ? 2026)", "cron(0 10 15W * ? *)", "cron(61 * * * ? *)",
                       "cron(0 12 * *)", {"Ref": "Schedule"}):
        assert schedule_volume(expression) is None, expression


def test_triggers_that_were_misread() -> None:
    text = draft("sam-triggers-misread-before.yaml")
    workload = workload_of(text)
    (mapping,) = by_name(workload, "OrderWorker").invocations
    assert mapping.type == "sqs" and mapping.provisioned_mode is not None
    assert (mapping.provisioned_mode.event_pollers, mapping.provisioned_mode.hours_per_month) == (4, 730)
    assert "scales up to MaximumPollers 40 under load" in text
    buffered, filtered, windows = by_name(workload, "Notifier").invocations
    assert (buffered.type, buffered.batch_size) == ("sqs", 8)  # SNS → queue → function, in batches of 8
    assert filtered.type == "async" and "pass the subscription's FilterPolicy" in text
    assert windows.type == "kinesis" and "TumblingWindowInSeconds 60" in text
    assert "DurableConfig: a durable function" in text
    (nightly,) = by_name(workload, "Reporter").invocations  # the disabled schedule is not drafted
    assert nightly.type == "async" and nightly.per_month == Decimal("30.42")
    assert "schedule EveryFive is disabled" in text
    (rule,) = by_name(workload, "Telemetry").invocations
    assert rule.type == "async" and "IoT topic rule DeviceRule" in text


def test_provisioned_pollers_default_to_awss_minimum() -> None:
    template = {"Resources": {
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "java21", "Events": {
            "Kafka": {"Type": "MSK", "Properties": {"Stream": "arn:aws:kafka:us-east-1:1:cluster/c/x",
                                                     "ProvisionedPollerConfig": {"MaximumPollers": 3}}}}}}}}
    (function,) = read_functions(template)
    (source,) = function.sources
    assert source.settings["provisioned_mode"].value == {"event_pollers": 1, "hours_per_month": 730}


def test_the_template_loader_reads_short_tags_and_the_workload_loader_still_refuses_them() -> None:
    text = "Resources:\n  F:\n    Properties:\n      A: !GetAtt Q.Arn\n      B: !Sub '${X}'\n      C: !If [c, 1, 2]\n"
    data = load_template(Source("t.yaml", text))
    assert data["Resources"]["F"]["Properties"] == {
        "A": {"Fn::GetAtt": ["Q", "Arn"]}, "B": {"Fn::Sub": "${X}"}, "C": {"Fn::If": ["c", 1, 2]}}
    with pytest.raises(LoadError) as caught:
        parse(Source("w.yaml", "memory_mb: !GetAtt Q.Arn\n"))
    assert "the tag '!GetAtt' is not allowed" in caught.value.problems[0].message


def test_a_file_that_is_not_a_template(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  Bucket: {Type: AWS::S3::Bucket}\n")
    result = runner.invoke(app, ["init", "--from", str(path), "-o", "-"])
    assert result.exit_code == 2
    assert "no AWS::Lambda::Function or AWS::Serverless::Function" in result.stderr
    path.write_text("- just a list\n")
    assert runner.invoke(app, ["init", "--from", str(path), "-o", "-"]).exit_code == 2


def test_init_writes_a_starter_and_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "workload.yaml"
    result = runner.invoke(app, ["init", "-o", str(target)])
    assert result.exit_code == 0
    assert "3 placeholders to fill in" in result.stderr
    assert placeholders(target.read_text()) == [
        "functions[0].duration_ms", "functions[0].invocations[0].per_month", "functions[0].invocations[0].error_rate"]
    target.write_text("mine")
    refused = runner.invoke(app, ["init", "--from", str(TEMPLATES / "sam-order-queue.yaml"), "-o", str(target)])
    assert refused.exit_code == 2 and "already exists" in refused.stderr and target.read_text() == "mine"
    forced = runner.invoke(app, ["init", "--from", str(TEMPLATES / "sam-order-queue.yaml"), "-o", str(target),
                                 "--force", "--quiet"])
    assert forced.exit_code == 0 and forced.stderr == ""
    assert "name: OrdersFunction" in target.read_text()


def test_validate_names_each_placeholder_with_its_hint(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    runner.invoke(app, ["init", "-o", str(target)])
    result = runner.invoke(app, ["validate", str(target)])
    assert result.exit_code == 2
    assert (f"{target}:14:5: functions[0].duration_ms: placeholder not filled "
            "(replace FILL-ME: mean duration of a successful attempt, e.g. 120ms)") in result.stderr


# Real-world templates (minimized; each fixture names its source): how AWS's semantics map to the draft.


def test_property_level_if_and_reserved_concurrency() -> None:
    """`ProvisionedConcurrencyConfig: !If [Cond, {...}, !Ref AWS::NoValue]` takes the branch that holds."""
    text = draft("sam-conditional-concurrency.yaml")
    workload = workload_of(text)
    orders = by_name(workload, "OrderApiFunction")
    assert orders.provisioned_concurrency is not None
    assert (orders.provisioned_concurrency.units, orders.provisioned_concurrency.hours_per_month) == (4, 730)
    assert "!If EnableProvisionedConcurrency: the value when it holds" in text
    assert orders.reserved_concurrency == 20  # ReservedConcurrentExecutions: !Ref ReservedConcurrency (Default 20)
    streaming = by_name(workload, "StreamingFunction")
    assert [s.type for s in streaming.invocations] == ["sync"]
    assert "RESPONSE_STREAM" in text  # said in a note: streamed bytes are priced once bytes_per_response is given
    assert placeholders(text) == [
        "functions[0].duration_ms", "functions[0].invocations[0].per_month", "functions[0].invocations[0].error_rate",
        "functions[1].duration_ms", "functions[1].invocations[0].per_month", "functions[1].invocations[0].error_rate",
    ]


def test_async_retry_config_without_a_trigger_means_asynchronous_invocation() -> None:
    """An EventInvokeConfig or a DeadLetterQueue only acts on asynchronous invocations: the function is one."""
    text = draft("sam-event-destinations.yaml")
    workload = workload_of(text)
    sources_of = {f.name: [(s.type, getattr(s, "max_retries", None), getattr(s, "dead_letter", None))
                           for s in f.invocations] for f in workload.functions}
    assert sources_of["EventDestinationLambda"] == [("async", 1, "sqs")]  # OnFailure Type SQS (auto-created queue)
    assert sources_of["EventDestinationSQSSNS"] == [("async", 1, "sns")]  # OnFailure Type SNS
    assert sources_of["EventBusOnFailure"] == [("async", 0, None)]  # an event bus is not priced as a dead letter
    assert "OnFailure EventBridge" in text
    # The OnSuccess destination of EventDestinationLambda: Lambda invokes it asynchronously (default 2 retries).
    assert sources_of["DestinationLambda"] == [("async", 2, None)]
    assert "OnSuccess destination of EventDestinationLambda" in text
    kafka = draft("sam-kafka-dlq.yaml")
    dlq = workload_of(kafka)
    assert [(s.type, s.max_retries, s.dead_letter) for s in by_name(dlq, "MySnsDlqLambdaFunction").invocations] == [
        ("async", 2, "sns")]  # SAM's default MaximumRetryAttempts of 2
    assert [(s.type, s.dead_letter) for s in by_name(dlq, "MySqsDlqLambdaFunction").invocations] == [("async", "sqs")]


def test_on_failure_destinations_and_redrive_queues_are_dead_letters() -> None:
    text = draft("sam-kinesis-error-handling.yaml")
    (function,) = workload_of(text).functions
    (kinesis,) = function.invocations
    assert (function.memory_mb, function.timeout_s, function.runtime) == (128, 10, "python3.14")
    assert (kinesis.type, kinesis.batch_size, kinesis.max_retry_attempts, kinesis.dead_letter) == (
        "kinesis", 5, 5, "sqs")
    assert "BisectBatchOnFunctionError" in text
    queues = workload_of(draft("sam-order-queue.yaml"))
    (orders,) = by_name(queues, "OrdersFunction").invocations
    assert (orders.max_receive_count, orders.dead_letter) == (5, "sqs")  # RedrivePolicy deadLetterTargetArn
    (payments,) = by_name(queues, "PaymentsFunction").invocations
    assert (payments.max_receive_count, payments.dead_letter) == (3, "sqs")  # a JSON-string RedrivePolicy


def test_event_source_arns_built_by_sub_and_join() -> None:
    text = draft("cfn-esm-sub-arns.yaml")
    workload = workload_of(text)
    consumer = by_name(workload, "ConsumerFunction")
    assert [(s.type, s.batch_size) for s in consumer.invocations] == [("sqs", 5), ("kinesis", 100)]
    assert (consumer.invocations[1].max_retry_attempts, consumer.invocations[1].dead_letter) == (10, "sns")
    assert "not mapped" not in text
    image = by_name(workload, "ImageProcessorFunction")
    assert (image.package_type, image.architecture, image.memory_mb, image.timeout_s) == ("image", "arm64", 2048, 60)
    assert [(s.type, s.max_retries, s.dead_letter) for s in image.invocations] == [("async", 1, "sqs")]


def test_regional_service_principals_built_by_join() -> None:
    """`Principal: !Join [".", [logs, !Ref AWS::Region, amazonaws.com]]` is CloudWatch Logs: asynchronous."""
    text = draft("sam-lambda-guide-apps.yaml")
    workload = workload_of(text)
    assert [s.type for s in by_name(workload, "processor").invocations] == ["async"]
    assert "permission cloudwatchlogspermission for logs" in text
    stream = by_name(workload, "streamprocessor")
    assert (stream.memory_mb, stream.timeout_s, sources(stream)) == (128, 100, [("kinesis", 100, Decimal(100))])
    s3 = by_name(workload, "s3function")
    assert (s3.memory_mb, s3.runtime, [(s.type, s.max_retries) for s in s3.invocations]) == (
        512, "java21", [("async", 2)])


def test_globals_inherit_and_override_snapstart_storage_and_reserved_concurrency() -> None:
    workload = workload_of(draft("sam-globals-override.yaml"))
    minimal = by_name(workload, "MinimalFunction")
    assert (minimal.memory_mb, minimal.timeout_s, minimal.ephemeral_storage_mb, minimal.snapstart,
            minimal.reserved_concurrency) == (1024, 30, 1024, True, 50)
    overrides = by_name(workload, "FunctionWithOverrides")
    assert (overrides.memory_mb, overrides.timeout_s, overrides.ephemeral_storage_mb, overrides.snapstart,
            overrides.reserved_concurrency) == (512, 100, 1024, None, 100)  # SnapStart ApplyOn: None


def test_kafka_mq_sqs_and_api_defaults() -> None:
    kafka = workload_of(draft("sam-kafka-dlq.yaml"))
    for name, kind in (("MyMskStreamProcessor", "msk"), ("KafkaFunction", "kafka")):
        function = by_name(kafka, name)
        (source,) = function.invocations
        assert (function.memory_mb, function.timeout_s, source.type, source.batch_size, source.max_retry_attempts) == (
            128, 3, kind, 100, -1)
    queues = workload_of(draft("sam-sqs-activemq.yaml"))
    (sqs,) = by_name(queues, "QueueConsumerFunction").invocations
    assert (sqs.type, sqs.batch_size, sqs.max_receive_count, sqs.dead_letter, sqs.report_batch_item_failures) == (
        "sqs", 10, None, None, False)  # no redrive policy: retried until it succeeds (estimate warns)
    (mq,) = by_name(queues, "MQListenerFunction").invocations
    assert (mq.type, mq.batch_size) == ("mq", 10)
    ingestion = workload_of(draft("sam-queue-ingestion.yaml"))
    processor = by_name(ingestion, "SQSMessageProcessorFunction")
    assert (processor.memory_mb, processor.timeout_s, sources(processor)) == (128, 180, [("sqs", 10, Decimal(100))])
    assert [s.type for s in by_name(ingestion, "GetJobStatusFunction").invocations] == ["sync"]
    assert [s.type for s in by_name(ingestion, "EventConsumerFunction").invocations] == ["async"]  # rule + permission


# What a template says about how often a function really runs: disabled sources, filters, stream options,
# custom resources and authorizers.
NEW_TEMPLATES = ["sam-disabled-sources.yaml", "sam-filter-criteria.yaml", "sam-stream-record-age.yaml",
                 "cfn-custom-resource.yaml", "sam-lambda-authorizer.yaml", "cfn-apigateway-authorizer.yaml"]


def comment(text: str, key_line: str) -> str:
    """The comment on the line that starts (after its indent) with key_line; one such line expected."""
    (line,) = [line for line in text.splitlines() if line.strip().startswith(key_line)]
    return line.partition(" # ")[2]


@pytest.mark.parametrize("name", NEW_TEMPLATES)
def test_validate_accepts_a_filled_draft(name: str, tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    target.write_text(draft(name))
    assert runner.invoke(app, ["validate", str(target)]).exit_code == 2  # placeholders refused
    target.write_text(fill(draft(name)))
    result = runner.invoke(app, ["validate", "--quiet", str(target)])
    assert result.exit_code == 0, result.output


def test_disabled_sources_are_skipped_with_a_comment() -> None:
    """`Enabled: false` (literal, parameter default, !If) and `State: DISABLED` invoke nothing: no source."""
    text = draft("sam-disabled-sources.yaml")
    workload = workload_of(text)
    skipped = [line.strip() for line in text.splitlines() if "# skipped:" in line]
    assert skipped == [
        "# skipped: SQS event OrdersQueue is disabled (Enabled: false); add it back if you enable it",
        "# skipped: ScheduleV2 event Hourly is disabled (State: DISABLED); add it back if you enable it",
        "# skipped: Kinesis event Replay is disabled (Enabled: false; parameter ReplayEnabled's default); "
        "add it back if you enable it",
        "# skipped: event source mapping AuditMapping from AuditQueue is disabled (Enabled: false; "
        "!If IsDev: the value when it holds); add it back if you enable it",
        "# skipped: rule WeeklyAuditRule is disabled (State: DISABLED); add it back if you enable it",
    ]
    # Only the daily schedule is left; the disabled SQS event and hourly schedule are not drafted.
    assert sources(by_name(workload, "OrdersFunction")) == [("async", None, Decimal(730) / 24)]
    # `Enabled: 'true'` stays; the disabled mapping and rule do not.
    assert sources(by_name(workload, "AuditFunction")) == [("sqs", 5, Decimal(100))]
    # Nothing left: the function still needs an invocation, a placeholder whose type is to check.
    assert sources(by_name(workload, "ReplayFunction")) == [("sync", None, Decimal(100))]
    assert comment(text, "- type: sync") == "every trigger in the template is disabled: set the type that invokes it"
    assert "\n    invocations:\n      # skipped: Kinesis event Replay" in text  # under the function it belongs to


def test_filter_criteria_volumes_count_the_events_that_pass() -> None:
    text = draft("sam-filter-criteria.yaml")
    workload = workload_of(text)
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("per_month:")]
    passing = (" a month that pass its FilterCriteria ({}); the others never reach the function and are not billed, "
               "e.g. 3M")
    assert lines == [
        "per_month: FILL-ME          # messages" + passing.format("2 patterns"),
        "per_month: FILL-ME          # records" + passing.format("1 pattern"),
        "per_month: FILL-ME          # records a month, e.g. 3M (or rate: 50/s instead)",  # no filter
        "per_month: FILL-ME          # messages" + passing.format("1 pattern"),  # on the mapping resource
    ]
    assert sources(by_name(workload, "NewOrdersFunction")) == [("sqs", 10, Decimal(100))]  # kept, not skipped
    assert [(s.type, s.batch_size) for s in by_name(workload, "InsertsFunction").invocations] == [
        ("dynamodb", 100), ("dynamodb", 100)]
    assert sources(by_name(workload, "BrokerFunction")) == [("mq", 20, Decimal(100))]


def test_record_age_bisect_and_parallelization_are_said_in_comments() -> None:
    text = draft("sam-stream-record-age.yaml")
    workload = workload_of(text)
    kinesis, dynamodb = by_name(workload, "ClickProcessor").invocations
    (kafka,) = by_name(workload, "KafkaConsumer").invocations
    assert [(s.type, s.max_retry_attempts) for s in (kinesis, dynamodb, kafka)] == [
        ("kinesis", -1), ("dynamodb", -1), ("msk", -1)]  # the format counts retries: age stays a comment
    retries = [line.strip() for line in text.splitlines() if line.strip().startswith("max_retry_attempts")]
    assert retries == [
        "max_retry_attempts: -1      # default: until the record expires; a record expires after 3600 s "
        "(MaximumRecordAgeInSeconds): set the number of retries that fit in 3600 s",
        "max_retry_attempts: -1      # MaximumRetryAttempts; a record expires after 600 s (MaximumRecordAgeInSeconds; "
        "parameter MaxRecordAge's default): set the number of retries that fit in 600 s",
        "max_retry_attempts: -1      # default: until the record expires; a record expires after 7200 s "
        "(MaximumRecordAgeInSeconds): set the number of retries that fit in 7200 s",
    ]
    bisect = ("# BisectBatchOnFunctionError splits failing batches in two and retries each half; lambda-cost does "
              "not model the split (it retries whole batches)")
    assert text.count(bisect) == 3  # true, !If [IsProd, true, false], and the string 'true' on the MSK mapping
    assert text.count("ParallelizationFactor") == 1
    assert ("# ParallelizationFactor 4: up to 4 batches of a shard at once; it changes concurrency, not the billed "
            "invocations (one per batch)") in text
    counted = draft("sam-kinesis-error-handling.yaml")  # MaximumRetryAttempts 5: a count, the age is not needed
    assert "max_retry_attempts: 5       # MaximumRetryAttempts\n" in counted


def test_custom_resource_functions_are_invoked_asynchronously_by_cloudformation() -> None:
    text = draft("cfn-custom-resource.yaml")
    workload = workload_of(text)
    for function, resource, kind in (("EmptyBucketFunction", "EmptyArtifactsBucket", "Custom::EmptyBucket"),
                                     ("AMIInfoFunction", "AMIInfo", "AWS::CloudFormation::CustomResource"),
                                     ("SeedTableFunction", "SeedOrdersTable", "Custom::SeedTable")):
        assert sources(by_name(workload, function)) == [("async", None, Decimal(100))]
        assert (f"- type: async                 # custom resource {resource} ({kind}): CloudFormation invokes "
                "it asynchronously") in text
        assert (f"per_month: FILL-ME          # events a month: one per stack create, update and delete that "
                f"touches {resource} (a handful a month), e.g. 2") in text
    # !Ref to a parameter whose default is the function's ARN; its EventInvokeConfig applies to the async source.
    (seed,) = by_name(workload, "SeedTableFunction").invocations
    assert seed.max_retries == 0
    assert "no trigger found" not in text


def test_lambda_authorizers_run_for_each_request_their_cache_misses() -> None:
    text = draft("sam-lambda-authorizer.yaml")
    workload = workload_of(text)
    uncached = "requests a month that miss the authorizer's cache: the API's requests minus cache hits ({}), e.g. 3M"
    assert sources(by_name(workload, "MyAuthFunction")) == [("sync", None, Decimal(100))]
    assert comment(text, "- type: sync                  # authorizer MyLambdaTokenAuthorizer") == (
        "authorizer MyLambdaTokenAuthorizer of MyApi (AWS::Serverless::Api)")
    per_month = [line.partition(" # ")[2] for line in text.splitlines() if "authorizer's cache" in line]
    assert per_month == [
        uncached.format("no ReauthorizeEvery: REST APIs cache results 300 s by default"),
        uncached.format("results cached 600 s per identity: ReauthorizeEvery"),
    ]
    assert sources(by_name(workload, "MyHttpAuthFunction")) == [("sync", None, Decimal(100))]
    assert [s.type for s in by_name(workload, "MyFunction").invocations] == ["sync", "sync"]  # Api, HttpApi
    plain = draft("cfn-apigateway-authorizer.yaml")
    resources = workload_of(plain)
    # API Gateway's permission to call the authorizer is the authorizer itself, not a second source.
    assert sources(by_name(resources, "TokenAuthorizerFunction")) == [("sync", None, Decimal(100))]
    assert sources(by_name(resources, "RequestAuthorizerFunction")) == [("sync", None, Decimal(100))]
    assert [line.partition(" # ")[2] for line in plain.splitlines() if "authorizer's cache" in line] == [
        uncached.format("AuthorizerResultTtlInSeconds 0: not cached, every request invokes it"),
        uncached.format("results cached 300 s per identity: AuthorizerResultTtlInSeconds"),  # inside a !Join URI
    ]
    assert "authorizer TokenAuthorizer (AWS::ApiGateway::Authorizer)" in plain
    assert "TokenAuthorizerPermission" not in plain and "RequestAuthorizerPermission" not in plain
    assert "permission OrdersPermission for apigateway.amazonaws.com" in plain  # an integration stays a source


def test_an_authorizer_that_also_serves_a_route_keeps_the_route() -> None:
    # One function both authorizes and handles GET /orders: the route's permission is a source of its own.
    template = textwrap.dedent("""\
        Resources:
          RestApi:
            Type: AWS::ApiGateway::RestApi
          Both:
            Type: AWS::Lambda::Function
            Properties: {Runtime: python3.12, Handler: app.handler, Code: {ZipFile: x}}
          Authorizer:
            Type: AWS::ApiGateway::Authorizer
            Properties:
              RestApiId: !Ref RestApi
              Type: TOKEN
              AuthorizerUri: !Sub arn:aws:apigateway:us-east-1:lambda:path/functions/${Both.Arn}/invocations
          AuthorizerPermission:
            Type: AWS::Lambda::Permission
            Properties:
              FunctionName: !GetAtt Both.Arn
              Principal: apigateway.amazonaws.com
              SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/authorizers/${Authorizer}
          RoutePermission:
            Type: AWS::Lambda::Permission
            Properties:
              FunctionName: !GetAtt Both.Arn
              Principal: apigateway.amazonaws.com
              SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*/GET/orders
        """)
    text = draft_text(read_functions(load_template(Source("t.yaml", template))), "t.yaml")
    assert "authorizer Authorizer (AWS::ApiGateway::Authorizer)" in text
    assert "permission RoutePermission for apigateway.amazonaws.com" in text
    assert "AuthorizerPermission" not in text


def test_functions_started_by_other_resources_and_conditions() -> None:
    path = TEMPLATES / "cfn-started-elsewhere.yaml"
    drafts, notes = read_template(load_template(Source(str(path), path.read_text())))
    names = [d.name for d in drafts]
    assert "ProdOnly" not in names and "DevTools" in names  # Stage defaults to dev: IsProd is false
    assert any("ProdOnly" in note and "Condition IsProd is false" in note for note in notes)
    assert any("NeverMapping" in note for note in notes)
    workload = workload_of(draft("cfn-started-elsewhere.yaml"))
    kinds = {f.name: [s.type for s in f.invocations] for f in workload.functions}
    edge = by_name(workload, "EdgeAuth")
    assert edge.edge is not None and edge.edge.trigger == "viewer-request" and kinds["EdgeAuth"] == ["sync"]
    assert kinds["PreTrafficCheck"] == ["async"]  # a CodeDeploy hook, once per deployment
    assert kinds["Enricher"] == ["sync"] and kinds["Sink"] == ["async"]  # FIRE_AND_FORGET
    assert kinds["Transformer"] == ["sync"] and kinds["Step"] == ["sync"]
    assert kinds["SignUp"] == ["sync"]  # the trigger, not also its permission
    text = draft("cfn-started-elsewhere.yaml")
    assert "one per deployment of Api" in text and "Cognito user pool Users, trigger PreSignUp" in text


def test_nested_stacks_are_read_when_local_and_named_otherwise(tmp_path: Path) -> None:
    parent = TEMPLATES / "nested" / "parent.yaml"
    result = runner.invoke(app, ["init", "--from", str(parent), "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert "- name: Orders-Worker" in result.stdout and "- type: sqs" in result.stdout
    assert "nested stack Auth: its functions are not drafted (its template is not a local file)" in result.stdout
    only_remote = tmp_path / "t.yaml"
    only_remote.write_text("Resources:\n  Auth:\n    Type: AWS::Serverless::Application\n    Properties:\n"
                           "      Location: {ApplicationId: x, SemanticVersion: 1.0.0}\n")
    refused = runner.invoke(app, ["init", "--from", str(only_remote), "-o", "-"])
    assert refused.exit_code == 2
    assert "nested stack Auth: its functions are not drafted" in refused.stderr


def test_tags_of_other_tools_are_opaque_values_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "rain.yaml"
    path.write_text("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                    "      Runtime: python3.12\n      InlineCode: !Rain::Embed handler.py\n"
                    "      MemorySize: !Rain::Constant Memory\n")
    result = runner.invoke(app, ["init", "--from", str(path), "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert "tags outside CloudFormation (!Rain::Constant, !Rain::Embed)" in result.stdout
    assert "memory_mb: FILL-ME" in result.stdout  # what depends on them is a placeholder
