"""Terraform: how plans, states and .tf files map to drafts, value by value."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES, by_name, draft_workload, kinds

TERRAFORM = FIXTURES / "templates" / "terraform"


def test_a_directory_joins_resources_by_reference_through_variables_locals_and_modules() -> None:
    loaded, text = draft_workload(TERRAFORM / "orders")
    worker = by_name(loaded, "orders-worker")
    # memory from a local, batch size from a variable's default, region from the provider's variable
    assert (worker.memory_mb, worker.architecture, worker.ephemeral_storage_mb, worker.timeout_s, worker.region) == (
        2048, "arm64", 1024, 30, "eu-west-1")
    sqs, dynamodb = worker.invocations
    assert (sqs.type, sqs.batch_size, sqs.report_batch_item_failures, sqs.max_receive_count, sqs.dead_letter) == (
        "sqs", 25, True, 4, "sqs")  # maxReceiveCount read inside jsonencode()
    assert sqs.provisioned_mode is not None and sqs.provisioned_mode.event_pollers == 2
    assert (dynamodb.type, dynamodb.batch_size, dynamodb.max_retry_attempts, dynamodb.dead_letter) == (
        "dynamodb", 100, 3, "sqs")
    assert "skipped: event source mapping aws_lambda_event_source_mapping.replay is disabled (enabled: false)" in text
    # the module's function takes its memory from the module call's argument
    thumbnails = by_name(loaded, "thumbnails")
    assert (thumbnails.memory_mb, kinds(thumbnails)) == (1536, [("async", None, Decimal(100))])
    assert "filter_prefix images/ and filter_suffix .jpg" in text
    assert "aws_lambda_function.legacy (main.tf) has count = 0: not created, not drafted" in text
    assert "module shared (main.tf): its source terraform-aws-modules/lambda/aws is not a local directory" in text


def test_permissions_repeat_what_rules_subscriptions_and_integrations_say() -> None:
    loaded, text = draft_workload(TERRAFORM / "orders")
    reports = by_name(loaded, "nightly-reports")
    assert kinds(reports) == [("async", None, Decimal(730)), ("async", None, Decimal("30.42"))]  # rule; daily cron
    assert [(s.max_retries, s.dead_letter) for s in reports.invocations] == [(1, "sns"), (1, "sns")]
    assert reports.snapstart is True and reports.provisioned_concurrency is not None
    assert reports.provisioned_concurrency.units == 2
    assert "alias live (aws_lambda_alias.live routing_config) sends 10% to version 1" in text
    assert "through alias live" in text
    assert "memory_mb: FILL-ME              # memory_size: var.reports_memory has no default" in text
    assert [s.type for s in by_name(loaded, "alerts-notifier").invocations] == ["async"]  # not the permission too
    api = by_name(loaded, "orders-api")
    assert (api.package_type, [s.type for s in api.invocations]) == ("image", ["sync", "sync"])  # URL, API
    edge = by_name(loaded, "edge-headers")
    assert edge.edge is not None and edge.edge.trigger == "viewer-request" and edge.region == "us-east-1"
    assert "permission" not in text  # every permission here repeats a source read from the invoking resource


def test_a_plan_reads_values_and_joins_through_module_outputs_and_variables() -> None:
    loaded, text = draft_workload(TERRAFORM / "plan-shop.json")
    api = by_name(loaded, "shop-api")
    assert (api.memory_mb, api.timeout_s, api.reserved_concurrency, api.region) == (1769, 29, 50, "eu-central-1")
    assert [s.type for s in api.invocations] == ["sync"]  # two integrations and a permission of one REST API
    consumer = by_name(loaded, "orders-consumer")
    sqs, msk = consumer.invocations
    # event_source_arn is known only after apply: the reference through var.queue_arn names the queue
    assert (sqs.type, sqs.fifo, sqs.max_receive_count, sqs.dead_letter) == ("sqs", True, 5, "sqs")
    assert (msk.type, msk.batch_size) == ("msk", 500)  # its ARN is known: arn:aws:kafka:...
    assert msk.provisioned_mode is not None and msk.provisioned_mode.event_pollers == 10
    authorizer = by_name(loaded, "shop-authorizer")
    assert kinds(authorizer) == [("sync", None, Decimal(100))]  # through module.consumer.authorizer_invoke_arn
    assert "authorizer_result_ttl_in_seconds 0: not cached, every request invokes it" in text


def test_a_state_joins_by_arn_and_reads_the_region_from_it() -> None:
    loaded, text = draft_workload(TERRAFORM / "state-clicks.json")
    (clicks,) = loaded.functions
    (kinesis,) = clicks.invocations
    assert (clicks.region, kinesis.type, kinesis.batch_size, kinesis.max_retry_attempts, kinesis.dead_letter) == (
        "ap-southeast-2", "kinesis", 200, -1, "sns")
    assert "a record expires after 3600 s (maximum_record_age_in_seconds)" in text
    assert "tumbling_window_in_seconds 60" in text and "parallelization_factor 2" in text


def test_a_single_tf_file_and_conditional_counts(tmp_path: Path) -> None:
    path = tmp_path / "lambda.tf"
    path.write_text(textwrap.dedent("""\
        variable "on" {
          default = true
        }
        resource "aws_lambda_function" "f" {
          count         = var.on ? 1 : 0
          function_name = "f"
          memory_size   = var.on ? 256 : 128
          architectures = var.on ? ["arm64"] : ["x86_64"]
          timeout       = 20
        }
        resource "aws_lambda_function_url" "f" {
          function_name = aws_lambda_function.f[0].function_name
          invoke_mode   = "RESPONSE_STREAM"
        }
        """))
    loaded, text = draft_workload(path)
    (function,) = loaded.functions
    assert (function.memory_mb, function.architecture, [s.type for s in function.invocations]) == (
        256, "arm64", ["sync"])
    assert "function URL aws_lambda_function_url.f" in text  # aws_lambda_function.f[0]: the one drafted
    assert "invoke_mode RESPONSE_STREAM" in text
