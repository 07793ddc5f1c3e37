"""What a Terraform plan, state or .tf directory says about its Lambda functions and their triggers."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from lambda_cost.templates.common import Unknown, edge_region, filtered, mapping_source, relabel_draft, scheduled
from lambda_cost.templates.sam import (
    ARN_SERVICES,
    ESM_SOURCES,
    PRINCIPALS,
    FunctionDraft,
    Known,
    SourceDraft,
    Template,
    _apply_event_invoke_config,
    _authorizer_cache,
    _dead_letter,
    _filter_policy,
    _invoke_config,
    _provisioned,
    _skipped,
)
from lambda_cost.templates.terraform_load import HclReader, Resource, config_address, plan_resources

# Terraform's names for the CloudFormation properties that SAM's notes name.
NAMES = {
    "BatchSize": "batch_size", "FunctionResponseTypes": "function_response_types",
    "MaximumRetryAttempts": "maximum_retry_attempts", "MaximumRecordAgeInSeconds": "maximum_record_age_in_seconds",
    "BisectBatchOnFunctionError": "bisect_batch_on_function_error", "ParallelizationFactor": "parallelization_factor",
    "FilterCriteria": "filter_criteria", "DestinationConfig OnFailure": "destination_config on_failure",
    "OnFailure": "on_failure", "FifoQueue": "fifo_queue", "RedrivePolicy": "redrive_policy", "Enabled": "enabled",
    "State": "state", "ProvisionedConcurrentExecutions": "provisioned_concurrent_executions",
    "AuthorizerResultTtlInSeconds": "authorizer_result_ttl_in_seconds",
    "ProvisionedPollerConfig": "provisioned_poller_config", "MinimumPollers": "minimum_pollers",
    "MaximumPollers": "maximum_pollers", "PollerGroupName": "poller_group_name",
    "TumblingWindowInSeconds": "tumbling_window_in_seconds", "DeadLetterConfig": "dead_letter_config",
    "FilterPolicy": "filter_policy",
    "!Ref ": "",
}
# Terraform resource types and the CloudFormation types SAM's rules know them by.
CFN_TYPES = {
    "aws_sqs_queue": "AWS::SQS::Queue", "aws_sns_topic": "AWS::SNS::Topic",
    "aws_lambda_function": "AWS::Lambda::Function", "aws_kinesis_stream": "AWS::Kinesis::Stream",
    "aws_dynamodb_table": "AWS::DynamoDB::Table", "aws_msk_cluster": "AWS::MSK::Cluster",
    "aws_msk_serverless_cluster": "AWS::MSK::ServerlessCluster", "aws_mq_broker": "AWS::AmazonMQ::Broker",
    "aws_docdb_cluster": "AWS::DocDB::DBCluster", "aws_cloudwatch_event_bus": "AWS::Events::EventBus",
    "aws_s3_bucket": "AWS::S3::Bucket",
}
# Attributes whose literal value identifies a resource where a reference is not recorded (a state, a literal ARN).
IDENTIFIERS = ("arn", "function_name", "qualified_arn", "invoke_arn", "qualified_invoke_arn", "id", "name")
COGNITO_TRIGGERS = ("create_auth_challenge", "custom_message", "define_auth_challenge", "post_authentication",
                    "post_confirmation", "pre_authentication", "pre_sign_up", "pre_token_generation",
                    "user_migration", "verify_auth_challenge_response")


def read_plan(data: dict[str, Any], name: str) -> tuple[list[FunctionDraft], list[str]]:
    """The functions of `terraform show -json` output (a plan, or a state) and notes for the whole draft."""
    return _Drafter(plan_resources(data, name)).draft()


def read_directory(path: Path, files: list[Path] | None = None) -> tuple[list[FunctionDraft], list[str]]:
    """The functions of a root module's .tf files (or of the given files) and its local modules."""
    reader = HclReader()
    resources = reader.read(path, files)
    drafts, notes = _Drafter(resources).draft()
    return drafts, reader.notes + notes


class _Drafter:
    """Joins resources to the functions they configure or invoke, the way Terraform references them."""

    def __init__(self, resources: list[Resource]) -> None:
        self.resources = resources
        self.by_address = {resource.address: resource for resource in resources}
        self.by_config: dict[str, list[Resource]] = {}
        for resource in resources:
            self.by_config.setdefault(resource.config, []).append(resource)
        self.identifiers: dict[str, str] = {}
        for resource in resources:
            for attribute in IDENTIFIERS:
                value = resource.values.get(attribute)
                if isinstance(value, str) and value and (attribute != "name" or resource.type != "aws_lambda_alias"):
                    self.identifiers.setdefault(value, resource.address)
        # aws_sqs_queue_redrive_policy resources, by the queue they set (their policy wins over the queue's own)
        self.redrives = {target.address: other.get("redrive_policy")
                         for other in self._of("aws_sqs_queue_redrive_policy")
                         for target in self.targets(other, "queue_url")}
        self.template = Template({"Resources": {
            resource.address: {"Type": CFN_TYPES[resource.type], "Properties": self._cfn_properties(resource)}
            for resource in resources if resource.type in CFN_TYPES}})
        self.drafts: dict[str, FunctionDraft] = {}
        self.claimed: set[tuple[str, str]] = set()  # (function, invoking resource) pairs already drafted
        self.notes: list[str] = []

    def draft(self) -> tuple[list[FunctionDraft], list[str]]:
        for resource in self._of("aws_lambda_function"):
            self.drafts[resource.address] = self._function(resource)
        readers = (
            ("aws_lambda_event_source_mapping", self._mapping), ("aws_lambda_function_url", self._url),
            ("aws_s3_bucket_notification", self._bucket), ("aws_sns_topic_subscription", self._subscription),
            ("aws_cloudwatch_event_target", self._rule_target), ("aws_scheduler_schedule", self._schedule),
            ("aws_api_gateway_authorizer", self._authorizer), ("aws_apigatewayv2_authorizer", self._authorizer),
            ("aws_api_gateway_integration", self._integration), ("aws_apigatewayv2_integration", self._integration),
            ("aws_cloudfront_distribution", self._cloudfront), ("aws_cloudwatch_log_subscription_filter", self._logs),
            ("aws_iot_topic_rule", self._iot), ("aws_cognito_user_pool", self._cognito),
            ("aws_lambda_permission", self._permission), ("aws_lambda_function_event_invoke_config", self._invoke),
            ("aws_lambda_provisioned_concurrency_config", self._concurrency), ("aws_lambda_alias", self._alias),
        )
        for kind, read in readers:
            for resource in self._of(kind):
                read(resource)
        for draft in self.drafts.values():
            _apply_event_invoke_config(draft)
            edge_region(draft)
            relabel_draft(draft, NAMES)
        _unique(list(self.drafts.values()))
        return list(self.drafts.values()), self.notes

    def _of(self, kind: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.type == kind]

    # Joining: references first (a plan's configuration, HCL expressions), then literal names and ARNs.

    def targets(self, resource: Resource, path: str) -> list[Resource]:
        """A known value names what it names (a plan knows most); otherwise the expression's references do."""
        value = resource.get(path)
        if isinstance(value, str):
            address = self._identify(value)
            return [self.by_address[address]] if address else []
        found: list[Resource] = []
        for ref in resource.refs.get(path, []):
            found += self._instances(ref, resource)
        return found

    def _instances(self, ref: str, referrer: Resource) -> list[Resource]:
        """The instances a reference names: the indexed one, or the one with the referrer's key, or all."""
        if ref.endswith("]"):
            candidates = self.by_config.get(config_address(ref), [])
            exact = [r for r in candidates if ref in (r.address, _strip_modules(r.address))]
            # .tf files draft each resource once, unindexed: aws_lambda_function.f[0] is that one
            return exact or [r for r in candidates if r.address == r.config]
        candidates = self.by_config.get(ref, [])
        same = [r for r in candidates if r.key is not None and r.key == referrer.key]
        return same or candidates

    def _identify(self, value: str) -> str | None:
        if value in self.identifiers:
            return self.identifiers[value]
        # An invoke ARN or URI holds the function's ARN: .../functions/arn:aws:lambda:...:function:NAME/invocations
        match = re.search(r"arn:[\w-]+:lambda:[\w-]*:\d*:function:([\w-]+)", value)
        if match:
            return self.identifiers.get(match.group(1))
        return None

    def function_of(self, resource: Resource, path: str) -> tuple[str | None, str]:
        """The function an attribute names, directly or through an alias, and how (for the comment)."""
        for target in self.targets(resource, path):
            if target.address in self.drafts:
                return target.address, ""
            if target.type == "aws_lambda_alias":
                function, _ = self.function_of(target, "function_name")
                if function is not None:
                    return function, f" through alias {_text(target.get('name'), target.address)}"
        return None, ""

    def cfn(self, resource: Resource, path: str) -> Any:
        """A value as SAM's rules take it: a Ref to the resource it names, a literal, or a Ref that says why not."""
        for target in self.targets(resource, path):
            return {"Ref": target.address}
        value = resource.get(path)
        if isinstance(value, Unknown):
            return value.pattern if value.pattern is not None else {"Ref": value.why}
        return value

    def _cfn_properties(self, resource: Resource) -> dict[str, Any]:
        """What SAM reads of a queue: FifoQueue and RedrivePolicy (also from aws_sqs_queue_redrive_policy)."""
        if resource.type != "aws_sqs_queue":
            return {}
        policy = self.redrives.get(resource.address, resource.get("redrive_policy"))
        return {"FifoQueue": resource.get("fifo_queue"), "RedrivePolicy": _redrive(policy)}

    def _claim(self, function: str, invoker: str) -> bool:
        """True the first time an invoker is drafted for a function (a permission repeats what a rule says)."""
        key = (function, invoker)
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def _add(self, function: str | None, source: SourceDraft, *invokers: str) -> None:
        if function is None or not all(self._claim(function, invoker) for invoker in invokers):
            return
        self.drafts[function].sources.append(source)

    def _first(self, resource: Resource, path: str) -> str:
        targets = self.targets(resource, path)
        return targets[0].address if targets else resource.address

    # Functions.

    def _function(self, resource: Resource) -> FunctionDraft:
        name = resource.get("function_name")
        if isinstance(name, str) and name:
            draft = FunctionDraft(name, f"{resource.address} in {resource.where}, function_name")
        else:
            draft = FunctionDraft(resource.address, f"{resource.where}:")
        draft.notes += resource.notes
        settings = draft.settings
        settings["memory_mb"] = _setting(resource, "memory_size", 128)
        settings["timeout_s"] = _setting(resource, "timeout", 3)
        architecture = _setting(resource, "architectures", ["x86_64"])
        if isinstance(architecture.value, list):
            architecture.value = architecture.value[0] if architecture.value else "x86_64"
        settings["architecture"] = architecture
        settings["ephemeral_storage_mb"] = _setting(resource, "ephemeral_storage.0.size", 512)
        if resource.get("runtime") is not None:
            settings["runtime"] = _setting(resource, "runtime", None)
        image = resource.get("package_type") == "Image" or isinstance(resource.get("image_uri"), (str, Unknown))
        origin = "package_type" if resource.get("package_type") is not None else "image_uri" if image else "default"
        settings["package_type"] = Known("image" if image else "zip", origin)
        if resource.get("snap_start.0.apply_on") == "PublishedVersions":
            settings["snapstart"] = Known(True, "snap_start apply_on: PublishedVersions")
        reserved = resource.get("reserved_concurrent_executions")
        if reserved is not None and reserved != -1:  # -1: no reservation
            settings["reserved_concurrency"] = _setting(resource, "reserved_concurrent_executions", None)
        if resource.region is not None:
            settings["region"] = resource.region
        if resource.get("dead_letter_config.0.target_arn") is not None:
            settings["_async_config"] = Known(True)
            known = _dead_letter(self.template, {"TargetArn": self.cfn(resource, "dead_letter_config.0.target_arn")},
                                 "dead_letter_config target_arn")
            if known is not None:
                settings["_dead_letter"] = known
        return draft

    def _alias(self, resource: Resource) -> None:
        function, _ = self.function_of(resource, "function_name")
        weights = resource.get("routing_config.0.additional_version_weights")
        if function is None or not isinstance(weights, dict) or not weights:
            return
        name = _text(resource.get("name"), resource.address)
        version = _text(resource.get("function_version"), "its function_version")
        shares = ", ".join(f"{_percent(weight)} to version {other}" for other, weight in weights.items())
        self.drafts[function].notes.append(
            f"alias {name} ({resource.address} routing_config) sends {shares} and the rest to {version}: the draft "
            "prices the function as configured; to price versions apart, add versions: and aliases: {"
            f"{name}: ...}} with target: {name} on its sources")

    def _concurrency(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "function_name")
        if function is None:
            return
        units = _setting(resource, "provisioned_concurrent_executions", None)
        units.note = units.note if units.value is None else ""
        qualifier = _text(resource.get("qualifier"), "")
        draft = self.drafts[function]
        earlier = draft.settings.get("provisioned_concurrency")
        if earlier is not None and isinstance(earlier.value, dict) and isinstance(units.value, int):
            units = Known(earlier.value["units"] + units.value, f"added to {earlier.note}")
        where = f"{resource.address}" + (f" (qualifier {qualifier})" if qualifier else "") + via
        _provisioned(draft, units, where)

    def _invoke(self, resource: Resource) -> None:
        function, _ = self.function_of(resource, "function_name")
        if function is None:
            return
        config: dict[str, Any] = {}
        if resource.get("maximum_retry_attempts") is not None:
            config["MaximumRetryAttempts"] = self.cfn(resource, "maximum_retry_attempts")
        if resource.get("destination_config.0.on_failure.0.destination") is not None:
            destination = self.cfn(resource, "destination_config.0.on_failure.0.destination")
            config["DestinationConfig"] = {"OnFailure": {"Destination": destination}}
        _invoke_config(self.template, self.drafts[function], config, resource.address)

    # What invokes a function.

    def _mapping(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "function_name")
        if function is None:
            self.notes.append(f"{resource.address} ({resource.where}): its function_name names no function of this "
                              "configuration, so it is not drafted")
            return
        draft = self.drafts[function]
        sources = [target.address for target in self.targets(resource, "event_source_arn")
                   if target.address in self.template.resources]
        queue = sources[0] if sources else None
        origin = f"event source mapping {resource.address}" + (f" from {queue}" if queue else "") + via
        if _skipped(self.template, draft, {"Enabled": resource.get("enabled")}, origin):
            return
        if resource.count("self_managed_event_source"):
            kind: str | None = "kafka"
        else:
            kind = ESM_SOURCES.get(self.template.type_of(queue) or "") or ARN_SERVICES.get(
                self.template.arn_service(self.cfn(resource, "event_source_arn")) or "")
        if kind is None:
            draft.notes.append(f"{origin}: its source is not known, so it is not mapped")
            return
        props: dict[str, Any] = {
            "BatchSize": self.cfn(resource, "batch_size"),
            "FunctionResponseTypes": resource.get("function_response_types"),
            "MaximumRetryAttempts": self.cfn(resource, "maximum_retry_attempts"),
            "MaximumRecordAgeInSeconds": self.cfn(resource, "maximum_record_age_in_seconds"),
            "BisectBatchOnFunctionError": resource.get("bisect_batch_on_function_error"),
            "ParallelizationFactor": self.cfn(resource, "parallelization_factor"),
            "TumblingWindowInSeconds": self.cfn(resource, "tumbling_window_in_seconds"),
        }
        filters = resource.count("filter_criteria.0.filter")
        if filters:
            props["FilterCriteria"] = {"Filters": [{} for _ in range(filters)]}
        if resource.get("destination_config.0.on_failure.0.destination_arn") is not None:
            destination = self.cfn(resource, "destination_config.0.on_failure.0.destination_arn")
            props["DestinationConfig"] = {"OnFailure": {"Destination": destination}}
        if resource.count("provisioned_poller_config"):
            props["ProvisionedPollerConfig"] = {
                "MinimumPollers": self.cfn(resource, "provisioned_poller_config.0.minimum_pollers"),
                "MaximumPollers": self.cfn(resource, "provisioned_poller_config.0.maximum_pollers"),
                "PollerGroupName": resource.get("provisioned_poller_config.0.poller_group_name")}
        draft.sources.append(mapping_source(self.template, kind, origin, props, queue))

    def _url(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "function_name")
        if function is not None and self._claim(function, resource.address):
            self.drafts[function].sources.append(SourceDraft("sync", f"function URL {resource.address}{via}"))
            if resource.get("invoke_mode") == "RESPONSE_STREAM":
                self.drafts[function].notes.append(
                    f"{resource.address} streams responses (invoke_mode RESPONSE_STREAM): add response_streaming: "
                    "{bytes_per_response: N} to price the streamed bytes")

    def _bucket(self, resource: Resource) -> None:
        bucket = self._first(resource, "bucket")
        for index in range(resource.count("lambda_function")):
            path = f"lambda_function.{index}"
            function, via = self.function_of(resource, f"{path}.lambda_function_arn")
            events = resource.get(f"{path}.events")
            what = ", ".join(str(e) for e in events) if isinstance(events, list) else "its events"
            source = SourceDraft("async", f"{resource.address} of {bucket} ({what}){via}")
            rules = [f"{key} {resource.get(f'{path}.{key}')}" for key in ("filter_prefix", "filter_suffix")
                     if isinstance(resource.get(f"{path}.{key}"), str)]
            if rules:
                filtered(source, " and ".join(rules))
            self._add(function, source, bucket)

    def _subscription(self, resource: Resource) -> None:
        if resource.get("protocol") != "lambda":
            return
        function, via = self.function_of(resource, "endpoint")
        topic = self._first(resource, "topic_arn")
        source = SourceDraft("async", f"subscription {resource.address} to {topic}{via}")
        _filter_policy(self.template, source, {"FilterPolicy": resource.get("filter_policy")})
        self._add(function, source, topic)

    def _rule_target(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "arn")
        if function is None:
            return
        rules = self.targets(resource, "rule") or [r for r in self._of("aws_cloudwatch_event_rule")
                                                   if r.get("name") == resource.get("rule")]
        rule = rules[0] if rules else resource
        origin = f"rule {rule.address}" + (f" through {resource.address}" if rule is not resource else "") + via
        state = "DISABLED" if rule.get("is_enabled") is False else rule.get("state")
        if _skipped(self.template, self.drafts[function], {"State": state}, f"rule {rule.address}"):
            return
        self._add(function, scheduled(self.template, origin, rule.get("schedule_expression")), rule.address)

    def _schedule(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "target.0.arn")
        if function is None or _skipped(self.template, self.drafts[function], {"State": resource.get("state")},
                                        f"schedule {resource.address}"):
            return
        expression = resource.get("schedule_expression")
        source = scheduled(self.template, f"schedule {resource.address}{via}", expression)
        if isinstance(expression, str) and expression.startswith("at("):
            source.volume = f": {expression} runs once, e.g. 1 in the month it runs"
        self._add(function, source, resource.address)

    def _integration(self, resource: Resource) -> None:
        path = "uri" if resource.type == "aws_api_gateway_integration" else "integration_uri"
        function, via = self.function_of(resource, path)
        api = self._first(resource, "rest_api_id" if path == "uri" else "api_id")
        self._add(function, SourceDraft("sync", f"API Gateway integration {resource.address} of {api}{via}"), api)

    def _authorizer(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "authorizer_uri")
        rest = resource.type == "aws_api_gateway_authorizer"
        api = self._first(resource, "rest_api_id" if rest else "api_id")
        ttl = resource.get("authorizer_result_ttl_in_seconds")
        cache = _authorizer_cache(self.template, {} if ttl is None else {"AuthorizerResultTtlInSeconds": ttl},
                                  "AuthorizerResultTtlInSeconds", rest)
        source = SourceDraft("sync", f"authorizer {resource.address} of {api}{via}")
        source.volume = f" that miss the authorizer's cache: the API's requests minus cache hits ({cache}), e.g. 3M"
        self._add(function, source, api, resource.address)

    def _cloudfront(self, resource: Resource) -> None:
        behaviours = ["default_cache_behavior.0"] + [
            f"ordered_cache_behavior.{index}" for index in range(resource.count("ordered_cache_behavior"))]
        for behaviour in behaviours:
            for index in range(resource.count(f"{behaviour}.lambda_function_association")):
                path = f"{behaviour}.lambda_function_association.{index}"
                function, _ = self.function_of(resource, f"{path}.lambda_arn")
                event = resource.get(f"{path}.event_type")
                if function is None or not isinstance(event, str):
                    continue
                draft = self.drafts[function]
                where = f"{resource.address} {behaviour.split('.')[0]} lambda_function_association event_type"
                edge = draft.settings.get("edge")
                if edge is None:
                    draft.settings["edge"] = Known({"trigger": event}, where)
                elif edge.value != {"trigger": event}:
                    draft.notes.append(f"{where} is also {event}: lambda-cost prices one trigger per edge function; "
                                       "draft a copy of the function for it")
                self._add(function, SourceDraft("sync", f"CloudFront {resource.address} ({event})"),
                          resource.address)

    def _logs(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "destination_arn")
        group = self._first(resource, "log_group_name")
        self._add(function, SourceDraft("async", f"log subscription {resource.address} of {group}{via}"), group,
                  resource.address)

    def _iot(self, resource: Resource) -> None:
        for index in range(resource.count("lambda")):
            function, via = self.function_of(resource, f"lambda.{index}.function_arn")
            if function is not None and _skipped(self.template, self.drafts[function],
                                                 {"Enabled": resource.get("enabled")}, f"IoT rule {resource.address}"):
                continue
            self._add(function, SourceDraft("async", f"IoT rule {resource.address}{via}"), resource.address)

    def _cognito(self, resource: Resource) -> None:
        for trigger in COGNITO_TRIGGERS:
            function, via = self.function_of(resource, f"lambda_config.0.{trigger}")
            source = SourceDraft("sync", f"Cognito {resource.address} lambda_config {trigger}{via}")
            source.volume = f": one per {trigger.replace('_', ' ')} of the user pool, e.g. 10k"
            self._add(function, source, f"{resource.address} {trigger}")

    def _permission(self, resource: Resource) -> None:
        function, via = self.function_of(resource, "function_name")
        principal = self.template.principal(self.cfn(resource, "principal"))
        invoked_by = PRINCIPALS.get(str(principal))
        if function is None or invoked_by is None:
            return
        source_arn = resource.get("source_arn")
        text = source_arn.pattern or source_arn.why if isinstance(source_arn, Unknown) else str(source_arn)
        if principal == "apigateway.amazonaws.com" and "/authorizers/" in text:
            return  # API Gateway's permission to call an authorizer: the authorizer is its source
        targets = self.targets(resource, "source_arn")
        invoker = targets[0].address if targets else str(principal)
        what = f"{principal}" + (f" from {invoker}" if targets else "")
        self._add(function, SourceDraft(invoked_by, f"permission {resource.address} for {what}{via}"), invoker)


def _setting(resource: Resource, path: str, default: Any) -> Known:
    """A function or mapping setting with the attribute it comes from; AWS's default when absent."""
    value = resource.get(path)
    if value is None:
        return Known(default, "default")
    if isinstance(value, Unknown):
        return Known(None, f"{path}: {value.why}")
    return Known(value, path)


def _redrive(policy: Any) -> Any:
    """A queue's redrive policy as SAM reads it: JSON text, or the parts of a jsonencode() init can see."""
    if isinstance(policy, str):
        try:
            return json.loads(policy)
        except ValueError:
            return None
    if isinstance(policy, Unknown):
        found: dict[str, Any] = {}
        count = re.search(r"maxReceiveCount\"?\s*[=:]\s*(\d+)", policy.why)
        found["maxReceiveCount"] = int(count.group(1)) if count else {"Ref": f"redrive_policy: {policy.why}"}
        if "deadLetterTargetArn" in policy.why or "is known only after apply" in policy.why:
            found["deadLetterTargetArn"] = "*"
        return found
    return policy


def _text(value: Any, fallback: str) -> str:
    return value if isinstance(value, str) else fallback


def _percent(weight: Any) -> str:
    try:
        share = Decimal(str(weight)) * 100
    except ArithmeticError:
        return str(weight)
    return f"{share.normalize():f}%"


def _strip_modules(address: str) -> str:
    """module.a["x"].aws_lambda_function.f[0] -> module.a.aws_lambda_function.f[0]: references name modules bare."""
    return re.sub(r"(module\.[\w-]+)\[[^\]]*\]", r"\1", address)


def _unique(drafts: list[FunctionDraft]) -> None:
    """Workload names are unique: two functions with one function_name keep their addresses instead."""
    names = Counter(draft.name for draft in drafts)
    for draft in drafts:
        if names[draft.name] > 1 and draft.resource_type.endswith(", function_name"):
            draft.name = draft.resource_type.split(" in ")[0]
            draft.resource_type = draft.resource_type.split(", ")[0].split(" in ")[1] + ":"
