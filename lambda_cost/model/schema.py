"""The JSON Schema of the workload format, generated from the pydantic models, for editors and CI."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_ID = "https://lambda-cost.dev/schema/workload-v1.json"
# Descriptions for fields the models leave undescribed, so that an editor's hover says what a key means.
# What a function and each of its versions may configure (model/workload.py, _Configuration).
_CONFIGURATION = {
    "package_type": "zip (default) or image; decides whether INIT is billed",
    "cold_starts_per_month": "cold starts a month, instead of cold_start_rate; or 20k, 1.5M",
    "snapstart": "true: SnapStart (Java, Python, .NET; needs runtime); bills no INIT",
    "provisioned_concurrency": "{units, hours_per_month or hours_per_day, optional traffic_share}",
}
# A version overrides what it states of its function.
_VERSION = {
    "memory_mb": "this version's memory in MB, 128..10240 (default: the function's)",
    "architecture": "x86_64 or arm64 (default: the function's)",
    "ephemeral_storage_mb": "this version's /tmp size in MB, 512..10240 (default: the function's)",
    "duration_ms": "mean duration of a successful attempt of this version (default: the function's)",
    "error_duration_ms": "mean duration of a failed attempt of this version (default: the function's)",
}
_DEAD_LETTER = "sqs or sns: the service that receives what exhausts its retries (priced as a related charge)"
_PROVISIONED_MODE = "{event_pollers, hours_per_month}: the event source mapping in provisioned mode"
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Workload": {
        "version": "format version; only 1 exists",
        "region": "default AWS region of every function",
        "free_tier": "deduct the account's monthly free tier (its size: lambda-cost pricing show)",
        "concurrency": "{account_limit, peak_to_average}: when peak concurrency is warned about",
        "savings_plan": "{discount}: a Compute Savings Plan",
        "functions": "the functions to price",
    },
    "Function": {
        "name": "unique name of the function",
        "memory_mb": "memory in MB, 128..10240; or 1.5 GB (1 GB = 1024 MB, as AWS Lambda counts)",
        "architecture": "x86_64 (default) or arm64",
        "ephemeral_storage_mb": "/tmp size in MB, 512..10240; above 512 is billed",
        "timeout_s": "timeout in seconds, 1..900 (or 30s, 2min); no duration may exceed it",
        "region": "AWS region of this function, overriding the workload's",
        "invocations": "one entry per trigger",
        "versions": "published versions by name ({v3: {...}}); each overrides what it states",
        "edge": "{trigger}: a Lambda@Edge function (us-east-1, x86_64)",
        "response_streaming": "{bytes_per_response}: a function that streams its responses",
        "log_bytes_per_invocation": "CloudWatch Logs bytes each invocation writes (a related charge), at most 10^12",
        "reserved_concurrency": "reserved concurrency; a higher peak is warned about",
        "managed_instances": "{instance_type, instance_hours or concurrency_per_instance, discount or hourly_price}: "
        "the function runs on Lambda Managed Instances (EC2 instances and a management fee, no duration)",
        "durable": "{operations_per_execution, invocations_per_execution, data_written_kb_per_execution, "
        "execution_days, retention_days}: a durable function",
        "tenant_isolation": "{environments_per_month, or tenants with environments_per_tenant, or environment_rate}: "
        "tenant isolation mode, charged per new execution environment",
        **_CONFIGURATION,
    },
    "Version": {**_CONFIGURATION, **_VERSION},
    "ProvisionedConcurrency": {
        "units": "provisioned concurrency units (environments kept initialised), at most 10^9",
        "hours_per_month": "hours a month it is configured, up to 730",
        "hours_per_day": "hours a day it is configured, up to 24 (a month is 730/24 days)",
    },
    "ProvisionedMode": {
        "event_pollers": "event pollers configured, 1..2000 (SQS: at least 2)",
        "hours_per_month": "hours a month provisioned mode is on, up to 730 (default 730)",
    },
    "Edge": {"trigger": "the CloudFront event: viewer-request, viewer-response, origin-request or origin-response"},
    "ResponseStreaming": {"bytes_per_response": "mean bytes of each streamed response, at most 10^12"},
    "Concurrency": {
        "account_limit": "concurrent executions per region (default 1000)",
        "peak_to_average": "peak traffic over the monthly mean, 1..10^6 (default 1)",
    },
    "SavingsPlan": {"discount": "the plan's discount on duration and provisioned concurrency, 0 <= d < 1"},
    "FunctionBudget": {
        "total": "the function's monthly total in USD",
        "components": "limits in USD per component of this function (duration, requests, ...)",
    },
    "SyncSource": {"type": "sync: API Gateway, function URLs, SDK calls"},
    "AsyncSource": {
        "type": "async: S3, SNS, EventBridge and other asynchronous events",
        "payload_kb": "mean event size in KB, at most 1024; above 256 each 64 KB counts as one more request",
        "dead_letter": _DEAD_LETTER,
    },
    "SqsSource": {
        "type": "sqs: an SQS event source mapping",
        "batch_size": "BatchSize, 1..10000 (a FIFO queue at most 10)",
        "report_batch_item_failures": "FunctionResponseTypes: ReportBatchItemFailures",
        "dead_letter": _DEAD_LETTER,
        "provisioned_mode": _PROVISIONED_MODE,
    },
    "StreamSource": {
        "type": "a stream event source mapping",
        "batch_size": "BatchSize, 1..10000",
        "max_retry_attempts": "MaximumRetryAttempts; -1: retried until the record expires",
        "dead_letter": _DEAD_LETTER,
        "provisioned_mode": _PROVISIONED_MODE + " (msk and kafka only)",
    },
    "MqSource": {"type": "mq: an Amazon MQ event source mapping", "batch_size": "BatchSize, 1..10000"},
}
# A value of each key as one would write it, for error messages ("for example memory_mb: 1024"); `Model.key`
# where one key name means different things in different mappings.
EXAMPLES: dict[str, str] = {
    "version": "1", "region": "eu-west-1", "free_tier": "false", "pricing": "latest", "as_of": "2024-06-01",
    "concurrency": "{account_limit: 1000, peak_to_average: 3}", "savings_plan": "{discount: 17%}",
    "Workload.functions": "[{name: api, memory_mb: 1024, duration_ms: 120, invocations: [{type: sync, "
                          "per_month: 3M}]}]",
    "budget": "{total: 250, warn_at: 80%}",
    "name": "api", "memory_mb": "1024", "architecture": "arm64", "ephemeral_storage_mb": "1024",
    "duration_ms": "120", "error_duration_ms": "300", "versions": "{v2: {memory_mb: 2048}}",
    "aliases": "{live: {v1: 90%, v2: 10%}}", "edge": "{trigger: viewer-request}",
    "response_streaming": "{bytes_per_response: 200000}", "log_bytes_per_invocation": "2000",
    "reserved_concurrency": "100", "timeout_s": "30", "invocations": "[{type: sync, per_month: 3M}]",
    "runtime": "python3.12", "package_type": "zip", "init_duration_ms": "400", "cold_start_rate": "1%",
    "cold_starts_per_month": "20k", "snapstart": "true", "snapstart_active_hours": "730",
    "provisioned_concurrency": "{units: 5, hours_per_day: 12}",
    "per_month": "3M", "per_day": "200k", "per_hour": "10k", "per_second": "50", "rate": "50/s",
    "error_rate": "1%", "target": "live", "type": "sqs", "client_retries": "2", "max_retries": "2",
    "payload_kb": "64", "dead_letter": "sqs", "batch_size": "10", "fifo": "true", "max_receive_count": "5",
    "report_batch_item_failures": "true", "provisioned_mode": "{event_pollers: 2}", "max_retry_attempts": "3",
    "units": "5", "hours_per_month": "730", "hours_per_day": "12", "traffic_share": "50%", "event_pollers": "2",
    "trigger": "origin-request", "bytes_per_response": "200000", "account_limit": "1000", "peak_to_average": "3",
    "discount": "17%", "total": "250", "warn_at": "80%", "Budget.functions": "{api: 50}",
    "components": "{duration: 100}",
    # Price tables.
    "PricingTable.version": "acme-2025", "PricingTable.summary": "ACME's private rates",
    "PricingTable.sources": "[{title: ACME pricing addendum, url: https://example.com/ppa}]",
    "Tier.price": "'0.0000166667'", "Tier.up_to": "6000000000", "RegionRates.requests_per_million": "'0.20'",
    "Source.url": "https://aws.amazon.com/lambda/pricing/", "Source.title": "AWS Lambda pricing",
    # Items of lists and values of mappings.
    "Budget.functions.*": "50, or {total: 50, components: {duration: 40}}", "Budget.components.*": "100",
    "FunctionBudget.components.*": "40", "Function.aliases.*": "{v1: 90%, v2: 10%}",
}
# A whole mapping of each kind, for an item of a list or a mapping that is not one.
MODEL_EXAMPLES: dict[str, str] = {
    "Function": "- {name: api, memory_mb: 1024, duration_ms: 120, invocations: [{type: sync, per_month: 3M}]}",
    "Version": "{memory_mb: 2048}",
    **{source: "- {type: sync, per_month: 3M}" for source in
       ("SyncSource", "AsyncSource", "SqsSource", "StreamSource", "MqSource")},
    "ProvisionedConcurrency": "{units: 5, hours_per_day: 12}",
    "FunctionBudget": "{total: 50, components: {duration: 40}}",
}
# What a mapping of each model is called in a message.
MODEL_NOUNS: dict[str, str] = {
    "Function": "a function", "Version": "a version", "SyncSource": "an invocation source",
    "AsyncSource": "an invocation source", "SqsSource": "an invocation source", "StreamSource": "an invocation source",
    "MqSource": "an invocation source", "ProvisionedConcurrency": "provisioned concurrency",
    "ProvisionedMode": "provisioned mode", "Edge": "a Lambda@Edge trigger", "ResponseStreaming": "response streaming",
    "Concurrency": "concurrency settings", "SavingsPlan": "a Savings Plan", "Budget": "a budget",
    "FunctionBudget": "a function's budget",
    # Price tables.
    "Tier": "a tier", "RegionRates": "a region's rates", "Billing": "the billing rules", "FreeTier": "the free tier",
    "Source": "a source", "Range": "a range", "SnapStartRates": "SnapStart rates", "EdgeRates": "Lambda@Edge rates",
    "RelatedRates": "related rates", "EdgeLimit": "a Lambda@Edge limit", "AsyncPayload": "the payload rule",
}
# SAM / CloudFormation property names people bring from a template, and the key that says the same here
# ("" when an estimate needs no such key), with a note on how the value differs.
AWS_KEYS: dict[str, tuple[str, str]] = {
    "FunctionName": ("name", ""), "MemorySize": ("memory_mb", ""), "Timeout": ("timeout_s", "in seconds"),
    "Architectures": ("architecture", "one value here: x86_64 or arm64, not a list"),
    "EphemeralStorage": ("ephemeral_storage_mb", "a number of MB here, not {Size: ...}"),
    "Runtime": ("runtime", ""), "PackageType": ("package_type", "zip or image"),
    "ReservedConcurrentExecutions": ("reserved_concurrency", ""),
    "ProvisionedConcurrencyConfig": ("provisioned_concurrency", "{units, hours_per_month or hours_per_day} here"),
    "SnapStart": ("snapstart", "true or false here"), "Events": ("invocations", "a list of sources here"),
    "Type": ("type", "lower case here: sync, async, sqs..."), "BatchSize": ("batch_size", ""),
    "MaximumRetryAttempts": ("max_retry_attempts", ""), "MaxReceiveCount": ("max_receive_count", ""),
    "maxReceiveCount": ("max_receive_count", ""), "FifoQueue": ("fifo", ""),
    "FunctionResponseTypes": ("report_batch_item_failures", "true here for ReportBatchItemFailures"),
    "DeadLetterQueue": ("dead_letter", "sqs or sns here"), "DeadLetterConfig": ("dead_letter", "sqs or sns here"),
    "ProvisionedPollerConfig": ("provisioned_mode", "{event_pollers} here"),
    "AutoPublishAlias": ("aliases", "{alias: {version: weight}} here"),
    "Handler": ("", ""), "CodeUri": ("", ""), "Code": ("", ""), "Role": ("", ""), "Policies": ("", ""),
    "Environment": ("", ""), "Layers": ("", ""), "Tracing": ("", ""), "VpcConfig": ("", ""), "Tags": ("", ""),
    "Description": ("", ""), "ImageUri": ("", "say package_type: image"),
}
# SAM event types, and the invocation type that prices each (a template's `Events:`, or `type: SQS` here).
AWS_EVENT_TYPES: dict[str, str] = {
    "SQS": "sqs", "Kinesis": "kinesis", "DynamoDB": "dynamodb", "MSK": "msk", "SelfManagedKafka": "kafka",
    "MQ": "mq", "DocumentDB": "documentdb",
    "S3": "async", "SNS": "async", "EventBridgeRule": "async", "CloudWatchEvent": "async", "Schedule": "async",
    "ScheduleV2": "async", "CloudWatchLogs": "async", "IoTRule": "async", "Cognito": "sync", "AlexaSkill": "sync",
    "Api": "sync", "HttpApi": "sync",
}
_RANGE_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def workload_schema() -> dict[str, Any]:
    """The schema of a workload file (format version 1), with descriptions and numeric ranges."""
    from lambda_cost.model.workload import Workload

    schema = Workload.model_json_schema(mode="validation")
    for name, definition in [("Workload", schema), *schema.get("$defs", {}).items()]:
        for key, text in DESCRIPTIONS.get(name, {}).items():
            prop = definition.get("properties", {}).get(key)
            if prop is not None:
                prop.setdefault("description", text)
    _fix_ranges(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "lambda-cost workload",
    }


def _fix_ranges(node: Any) -> None:
    """Pydantic writes a constraint on an annotated union as ge/le beside it: make them JSON Schema ranges
    on the numeric branches, where validators and editors understand them."""
    if isinstance(node, list):
        for item in node:
            _fix_ranges(item)
        return
    if not isinstance(node, dict):
        return
    ranges = {_RANGE_KEYWORDS[key]: node.pop(key) for key in list(node) if key in _RANGE_KEYWORDS}
    if ranges:
        for target in _numeric_branches(node):
            target.update(ranges)
    for value in node.values():
        _fix_ranges(value)


def _numeric_branches(node: dict[str, Any]) -> list[dict[str, Any]]:
    if node.get("type") in ("number", "integer"):
        return [node]
    branches: list[dict[str, Any]] = []
    for branch in node.get("anyOf", []):
        branches += _numeric_branches(branch)
    return branches


def schema_text() -> str:
    """The schema as stable, indented JSON."""
    return json.dumps(workload_schema(), indent=2, ensure_ascii=False) + "\n"
