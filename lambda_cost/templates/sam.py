"""What a SAM or CloudFormation template says about its functions and their triggers, for `init --from`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lambda_cost.model.schema import AWS_EVENT_TYPES as SAM_EVENTS  # what invokes a function, per event type
from lambda_cost.model.units import HOURS_PER_MONTH
from lambda_cost.numbers import too_large
from lambda_cost.templates.conditions import Conditions
from lambda_cost.templates.schedule import runs_per_month

SAM_FUNCTION = "AWS::Serverless::Function"
CFN_FUNCTION = "AWS::Lambda::Function"

# Resource types an event source mapping reads from.
ESM_SOURCES = {
    "AWS::SQS::Queue": "sqs", "AWS::Kinesis::Stream": "kinesis", "AWS::DynamoDB::Table": "dynamodb",
    "AWS::MSK::Cluster": "msk", "AWS::MSK::ServerlessCluster": "msk", "AWS::AmazonMQ::Broker": "mq",
    "AWS::DocDB::DBCluster": "documentdb",
}
ARN_SERVICES = {"sqs": "sqs", "kinesis": "kinesis", "dynamodb": "dynamodb", "kafka": "msk", "mq": "mq",
                "rds": "documentdb"}
# Services that invoke a function asynchronously or synchronously, by the principal of its permission.
PRINCIPALS = {
    "s3.amazonaws.com": "async", "sns.amazonaws.com": "async", "events.amazonaws.com": "async",
    "logs.amazonaws.com": "async", "iot.amazonaws.com": "async", "ses.amazonaws.com": "async",
    "codecommit.amazonaws.com": "async", "config.amazonaws.com": "async",
    "apigateway.amazonaws.com": "sync", "elasticloadbalancing.amazonaws.com": "sync",
    "cognito-idp.amazonaws.com": "sync", "lex.amazonaws.com": "sync", "secretsmanager.amazonaws.com": "sync",
}
BATCH_DEFAULTS = {"sqs": 10, "kinesis": 100, "dynamodb": 100, "msk": 100, "kafka": 100, "mq": 100,
                  "documentdb": 100}
# Mappings with a record age limit and bisecting (the fact sheet: Kafka has the same error options as streams);
# only Kinesis and DynamoDB streams take a ParallelizationFactor.
RECORD_AGE_SOURCES = ("kinesis", "dynamodb", "msk", "kafka")
PARALLEL_SOURCES = ("kinesis", "dynamodb")
# How a source says it never invokes: `Enabled: false` (mappings, Schedule), `State: DISABLED` (rules, schedules).
DISABLED = {"Enabled": "false", "State": "DISABLED"}
CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
# API Gateway caches a REST API's authorizer results this long when the template does not say.
REST_AUTHORIZER_TTL = 300


@dataclass
class Known:
    """A value read from the template: `value` None when it cannot be known offline; `note` says why."""

    value: Any
    note: str = ""


@dataclass
class SourceDraft:
    """One trigger of a function, as far as the template tells it."""

    type: str
    origin: str  # what in the template it comes from, for the comment
    settings: dict[str, Known] = field(default_factory=dict)
    per_month: Known | None = None  # a schedule's volume is known; others are placeholders
    notes: list[str] = field(default_factory=list)
    volume: str = ""  # what its placeholder volume counts, after "<unit> a month", when not simply every event


@dataclass
class FunctionDraft:
    """One function of the template, with its configuration and triggers."""

    name: str
    resource_type: str
    settings: dict[str, Known] = field(default_factory=dict)
    sources: list[SourceDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # triggers that never invoke it (disabled), for a comment

    def no_trigger(self) -> str:
        """Why it has no source: the template gives none, or only disabled ones."""
        return "every trigger in the template is disabled" if self.skipped else "no trigger found in the template"


class Template:
    """A parsed template (long-form intrinsics) and the lookups that resolve values offline."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.resources: dict[str, Any] = {
            name: resource for name, resource in data.get("Resources", {}).items() if isinstance(resource, dict)
        }
        # Sections of another shape (a list, a number) are read as empty: nothing in them can be looked up.
        self.parameters: dict[str, Any] = _mapping(data.get("Parameters"))
        self.mappings: dict[str, Any] = _mapping(data.get("Mappings"))
        self.function_globals: dict[str, Any] = _mapping(_mapping(data.get("Globals")).get("Function"))
        self.conditions = Conditions(data.get("Conditions"), self.parameters)
        self.notes: list[str] = []  # what the template says that belongs to no one function

    def exists(self, name: str) -> bool:
        """False for a resource whose Condition is false with the parameters' defaults: it would not be created."""
        condition = self.resources[name].get("Condition")
        if condition is None or self.conditions.holds(condition) is not False:
            return True
        self.notes.append(f"{name} ({self.type_of(name)}) is not drafted: its Condition {condition} is false with "
                          "the parameters' defaults; add it if you deploy with other values")
        return False

    def type_of(self, name: str | None) -> str | None:
        resource = self.resources.get(name or "")
        return resource.get("Type") if resource else None

    def properties(self, name: str) -> dict[str, Any]:
        props = self.resources[name].get("Properties")
        return props if isinstance(props, dict) else {}

    def resolve(self, raw: Any) -> Known:
        """A literal, a parameter's default, a mapping entry, or unknown, with a note saying which."""
        if not isinstance(raw, dict) or len(raw) != 1:
            return Known(raw)
        ((function, argument),) = raw.items()
        if function not in ("Ref", "Condition") and not str(function).startswith("Fn::"):
            return Known(raw)  # a plain one-key mapping such as EphemeralStorage: {Size: 1024}
        if function == "Ref" and isinstance(argument, str):
            parameter = self.parameters.get(argument)
            if isinstance(parameter, dict):
                if "Default" in parameter:
                    return Known(parameter["Default"], f"parameter {argument}'s default")
                return Known(None, f"parameter {argument} has no default")
            return Known(None, f"!Ref {argument} cannot be known offline")
        if function == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
            first = self.resolve(argument[1])
            note = f"!If {argument[0]}: the value when it holds"
            return Known(first.value, f"{note}; {first.note}" if first.note else note)
        if function == "Fn::FindInMap" and isinstance(argument, list) and len(argument) == 3:
            keys = [self.resolve(part).value for part in argument]
            try:
                return Known(self.mappings[keys[0]][keys[1]][keys[2]], f"mapping {keys[0]}.{keys[1]}.{keys[2]}")
            except (KeyError, TypeError):
                return Known(None, "!FindInMap with keys known only at deploy time")
        if function == "Fn::Sub" and isinstance(argument, str) and "${" not in argument:
            return Known(argument)
        return Known(None, f"!{function.removeprefix('Fn::')} cannot be evaluated offline")

    def pattern(self, raw: Any) -> str | None:
        """A string built by !Sub or !Join, with `*` for what is known only at deploy time (AWS::Region...)."""
        if isinstance(raw, str):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return str(raw)
        if not isinstance(raw, dict) or len(raw) != 1:
            return None
        ((function, argument),) = raw.items()
        if function == "Ref":
            value = self.resolve(raw).value
            return value if isinstance(value, str) else "*"
        if function == "Fn::Sub":
            text = argument[0] if isinstance(argument, list) and argument else argument
            if not isinstance(text, str):
                return None
            return re.sub(r"\$\{([^}!]+)\}", lambda m: self.pattern({"Ref": m.group(1)}) or "*", text)
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 \
                and isinstance(argument[0], str) and isinstance(argument[1], list):
            parts = [self.pattern(part) for part in argument[1]]
            return argument[0].join(part if part is not None else "*" for part in parts)
        return "*"

    def arn_service(self, raw: Any) -> str | None:
        """The service of an ARN, however it is built: arn:${AWS::Partition}:sqs:... → sqs."""
        text = self.pattern(raw)
        parts = text.split(":") if text else []
        if len(parts) > 2 and parts[0] == "arn" and "*" not in parts[2]:
            return parts[2]
        return None

    def principal(self, raw: Any) -> str | None:
        """A service principal, regional forms included: logs.${AWS::Region}.amazonaws.com → logs.amazonaws.com."""
        text = self.pattern(raw)
        if text is None:
            return None
        match = re.match(r"^([a-z0-9-]+)\.(?:[a-z0-9*-]+\.)?amazonaws\.com(?:\.cn)?$", text)
        return f"{match.group(1)}.amazonaws.com" if match else text

    def conditional(self, raw: Any) -> tuple[Any, str]:
        """A property given whole by !If: the value when the condition holds (AWS::NoValue: absent), and a note."""
        note = ""
        while isinstance(raw, dict) and len(raw) == 1 and isinstance(raw.get("Fn::If"), list) \
                and len(raw["Fn::If"]) == 3:
            note = note or f"!If {raw['Fn::If'][0]}: the value when it holds"
            raw = raw["Fn::If"][1]
        if raw == {"Ref": "AWS::NoValue"}:
            return None, note
        return raw, note

    def target(self, raw: Any) -> str | None:
        """The logical id a reference names: !Ref X, !GetAtt X.Arn, !Sub ${X.Arn}, or a literal function name."""
        if isinstance(raw, dict) and len(raw) == 1:
            ((function, argument),) = raw.items()
            if function == "Ref" and isinstance(argument, str):
                return argument
            if function == "Fn::GetAtt":
                parts = argument if isinstance(argument, list) else str(argument).split(".")
                return str(parts[0]) if parts else None
            if function == "Fn::Sub" and isinstance(argument, str):
                match = re.match(r"^\$\{([A-Za-z0-9]+)(\.[A-Za-z]+)?\}$", argument)
                return match.group(1) if match else None
            return None
        if isinstance(raw, str):
            name = raw.split(":")[-1] if raw.startswith("arn:") else raw
            for logical, resource in self.resources.items():
                if resource.get("Type") in (SAM_FUNCTION, CFN_FUNCTION) and self.properties(logical).get(
                    "FunctionName"
                ) == name:
                    return logical
            return raw if raw in self.resources else None
        return None

    def references(self, raw: Any) -> Iterator[str]:
        """Every logical id a value names, however deep: !Ref, !GetAtt, ${X} and ${X.Arn} in !Sub, inside !Join..."""
        if isinstance(raw, list):
            for item in raw:
                yield from self.references(item)
        elif isinstance(raw, dict) and len(raw) == 1 and isinstance(raw.get("Fn::Sub"), (str, list)):
            argument = raw["Fn::Sub"]
            text = argument[0] if isinstance(argument, list) and argument else argument
            if isinstance(text, str):
                yield from re.findall(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}", text)
            yield from self.references(argument[1:] if isinstance(argument, list) else [])
        elif isinstance(raw, dict) and not (len(raw) == 1 and ("Ref" in raw or "Fn::GetAtt" in raw)):
            yield from self.references(list(raw.values()))  # !Join, !If, a !Sub's variables...
        else:
            name = self.target(raw)  # !Ref, !GetAtt, a literal ARN or function name
            if name in self.parameters:  # !Ref to a parameter: what its default names
                default = self.resolve(raw).value
                name = self.target(default) if isinstance(default, str) else None
            if name is not None:
                yield name

    def function_in(self, raw: Any, drafts: dict[str, FunctionDraft]) -> str | None:
        """The function a value invokes: a reference to it, or its ARN inside a URI (.../functions/${F.Arn}/...)."""
        return next((name for name in self.references(raw) if name in drafts), None)


def as_number(value: Any) -> Any:
    """Parameter defaults are often strings ("1024"): the number, int when whole, or None.

    Infinity, NaN and a number of thousands of digits (1e999999, whose int() would take a minute) are no setting
    of a function: None too."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or too_large(number):
        return None
    return int(number) if number == number.to_integral_value() else number


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is(value: Any, literal: str) -> bool:
    """A flag or state however a template spells it: false, "false", "False"; DISABLED, "disabled"."""
    return str(value).lower() == literal.lower()


def _disabled(template: Template, props: dict[str, Any]) -> str | None:
    """Why a source never invokes its function (`Enabled: false`, `State: DISABLED`), or None when it may."""
    for key, off in DISABLED.items():
        known = template.resolve(props.get(key))
        if _is(known.value, off):
            return "; ".join(part for part in (f"{key}: {off}", known.note) if part)
    return None


def _skipped(template: Template, draft: FunctionDraft, props: dict[str, Any], what: str) -> bool:
    """A disabled source invokes nothing, so costs nothing: not drafted, but named in a comment."""
    reason = _disabled(template, props)
    if reason is not None:
        draft.skipped.append(f"{what} is disabled ({reason}); add it back if you enable it")
    return reason is not None


def _merge_globals(global_props: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """SAM's Globals: a function's own properties win; maps (Environment, Tags...) merge key by key."""
    merged = dict(global_props)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def read_functions(data: dict[str, Any]) -> list[FunctionDraft]:
    """Every Lambda function of a template with its settings and the triggers that can be mapped."""
    return read_template(data)[0]


NESTED_STACKS = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")
_INTRINSICS = {"Ref", "Condition", *(f"Fn::{name}" for name in (
    "GetAtt", "Sub", "If", "Join", "Select", "FindInMap", "Equals", "Not", "And", "Or", "Split", "Base64", "Cidr",
    "ImportValue", "GetAZs", "Transform", "Length", "ToJsonString", "ForEach"))}


def _foreign_tags(value: Any, depth: int) -> set[str]:
    """Tags of other tools (!Rain::Embed), which the template loader keeps as Fn::<tag>."""
    if depth > 200:
        return set()
    if isinstance(value, dict):
        found = {f"!{key.removeprefix('Fn::')}" for key in value if isinstance(key, str)
                 and key.startswith("Fn::") and key not in _INTRINSICS}
        for item in value.values():
            found |= _foreign_tags(item, depth + 1)
        return found
    if isinstance(value, list):
        return set().union(*(_foreign_tags(item, depth + 1) for item in value)) if value else set()
    return set()


def nested_stacks(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Each nested stack or Serverless Application Repository app: its logical id, and its template's path when it
    is a local file (a URL or an application id is known only to AWS)."""
    template = Template(data)
    found: list[tuple[str, str | None]] = []
    for name, resource in template.resources.items():
        if resource.get("Type") not in NESTED_STACKS or not template.exists(name):
            continue
        props = template.properties(name)
        location = props.get("TemplateURL", props.get("Location"))
        local = isinstance(location, str) and "://" not in location and not location.startswith("arn:")
        found.append((name, location if local else None))
    return found


def read_template(data: dict[str, Any]) -> tuple[list[FunctionDraft], list[str]]:
    """The functions of a template, and notes on what it says that belongs to no one function."""
    template = Template(data)
    template.resources = {name: resource for name, resource in template.resources.items() if template.exists(name)}
    foreign = sorted(_foreign_tags(data, 0))
    if foreign:
        template.notes.append(f"the template uses tags outside CloudFormation ({', '.join(foreign)}): their values "
                              "are read as unknown, and what depends on them is a placeholder")
    drafts: dict[str, FunctionDraft] = {}
    for name, resource in template.resources.items():
        kind = resource.get("Type")
        if kind == SAM_FUNCTION:
            props = _merge_globals(template.function_globals, template.properties(name))
            inherited = set(template.function_globals) - set(template.properties(name))
            drafts[name] = _function(template, name, kind, props, from_globals=inherited)
            _sam_events(template, drafts[name], props)
        elif kind == CFN_FUNCTION:
            drafts[name] = _function(template, name, kind, template.properties(name), from_globals=set())
    authorizers = _authorizers(template, drafts)
    _related_resources(template, drafts, authorizers)
    from lambda_cost.templates.invokers import invoked_from_elsewhere  # it reads this module's types

    invoked_from_elsewhere(template, drafts)
    for draft in drafts.values():
        _apply_event_invoke_config(draft)
    return list(drafts.values()), template.notes


# Where the items that exhaust their retries go, by destination type: only SQS and SNS are priced.
DEAD_LETTER_TYPES = {"sqs": "sqs", "sns": "sns"}
DEAD_LETTER_RESOURCES = {"AWS::SQS::Queue": "sqs", "AWS::SNS::Topic": "sns", SAM_FUNCTION: "lambda",
                         CFN_FUNCTION: "lambda", "AWS::Events::EventBus": "events", "AWS::S3::Bucket": "s3"}


def _dead_letter(template: Template, config: Any, where: str) -> Known | None:
    """SQS or SNS for a dead-letter queue or an on-failure destination (SAM `Type`, or the ARN's service)."""
    config, condition = template.conditional(config)
    if not isinstance(config, dict):
        return None
    sam_type = template.resolve(config.get("Type")).value
    arn = config.get("Destination", config.get("TargetArn"))
    if isinstance(sam_type, str):
        kind: str | None = sam_type.lower()
    else:
        kind = DEAD_LETTER_RESOURCES.get(template.type_of(template.target(arn)) or "") or template.arn_service(arn)
    note = "; ".join(part for part in (where, condition) if part)
    if kind in DEAD_LETTER_TYPES:
        return Known(DEAD_LETTER_TYPES[kind], note)
    if kind is not None:
        return Known(None, f"{where} {sam_type or kind}: not priced as a dead letter")
    return None


def _setting(template: Template, props: dict[str, Any], key: str, default: Any, globals_: set[str]) -> Known:
    if key not in props:
        return Known(default, "default")
    known = template.resolve(props[key])
    source = "Globals" if key in globals_ else ""
    note = "; ".join(part for part in (key if not source else f"{key} (Globals)", known.note) if part)
    return Known(known.value, note)


def _function(
    template: Template, name: str, kind: str, props: dict[str, Any], from_globals: set[str]
) -> FunctionDraft:
    draft = FunctionDraft(name, kind)
    settings = draft.settings
    settings["memory_mb"] = _setting(template, props, "MemorySize", 128, from_globals)
    settings["timeout_s"] = _setting(template, props, "Timeout", 3, from_globals)
    architectures = _setting(template, props, "Architectures", ["x86_64"], from_globals)
    if isinstance(architectures.value, list) and architectures.value:
        architectures.value = template.resolve(architectures.value[0]).value
    settings["architecture"] = architectures
    storage = _setting(template, props, "EphemeralStorage", {"Size": 512}, from_globals)
    if isinstance(storage.value, dict):
        storage = Known(template.resolve(storage.value.get("Size", 512)).value, storage.note or "EphemeralStorage")
    settings["ephemeral_storage_mb"] = storage
    runtime = _setting(template, props, "Runtime", None, from_globals)
    if runtime.value is not None:
        settings["runtime"] = runtime
    code = props.get("Code")
    in_code = isinstance(code, dict) and "ImageUri" in code
    image = props.get("PackageType") == "Image" or "ImageUri" in props or in_code
    origin = "PackageType" if "PackageType" in props else "ImageUri" if image else "default"
    settings["package_type"] = Known("image" if image else "zip", origin)
    snapstart = props.get("SnapStart")
    if isinstance(snapstart, dict) and template.resolve(snapstart.get("ApplyOn")).value == "PublishedVersions":
        settings["snapstart"] = Known(True, "SnapStart ApplyOn: PublishedVersions")
    if props.get("DurableConfig") is not None:
        draft.notes.append("DurableConfig: a durable function; its durable operations and the data it writes and "
                           "retains are billed beside its compute: describe them in the workload")
    reserved = _setting(template, props, "ReservedConcurrentExecutions", None, from_globals)
    if reserved.value is not None:
        settings["reserved_concurrency"] = reserved
    provisioned, condition = template.conditional(props.get("ProvisionedConcurrencyConfig"))
    if isinstance(provisioned, dict):
        _provisioned(draft, template.resolve(provisioned.get("ProvisionedConcurrentExecutions")), "alias", condition)
    url, _ = template.conditional(props.get("FunctionUrlConfig"))
    if isinstance(url, dict):
        draft.sources.append(SourceDraft("sync", "function URL (FunctionUrlConfig)"))
        if template.resolve(url.get("InvokeMode")).value == "RESPONSE_STREAM":
            draft.notes.append("its function URL streams responses (InvokeMode RESPONSE_STREAM): add "
                               "response_streaming: {bytes_per_response: N} to price the streamed bytes")
    invoke_config, _ = template.conditional(props.get("EventInvokeConfig"))
    if isinstance(invoke_config, dict):
        _invoke_config(template, draft, invoke_config, "EventInvokeConfig")
    dead_letter_queue = props.get("DeadLetterQueue", props.get("DeadLetterConfig"))
    if dead_letter_queue is not None:
        draft.settings["_async_config"] = Known(True)
        known = _dead_letter(template, dead_letter_queue, "DeadLetterQueue" if kind == SAM_FUNCTION
                             else "DeadLetterConfig")
        if known is not None and "_dead_letter" not in draft.settings:
            draft.settings["_dead_letter"] = known
    return draft


def _invoke_config(template: Template, draft: FunctionDraft, config: dict[str, Any], where: str) -> None:
    """Retries and the on-failure destination of asynchronous invocations (SAM property or resource)."""
    draft.settings["_async_config"] = Known(True)
    if "MaximumRetryAttempts" in config:
        draft.settings["_max_retries"] = _noted(
            template.resolve(config["MaximumRetryAttempts"]), f"{where} MaximumRetryAttempts")
    destinations = config.get("DestinationConfig")
    if isinstance(destinations, dict) and "OnFailure" in destinations:
        known = _dead_letter(template, destinations["OnFailure"], f"{where} OnFailure")
        if known is not None:
            draft.settings["_dead_letter"] = known


def _provisioned(draft: FunctionDraft, units: Known, where: str, condition: str = "") -> None:
    note = f"ProvisionedConcurrentExecutions on the {where}; always on: 730 hours a month"
    for part in (condition, units.note):
        if part:
            note += f"; {part}"
    draft.settings["provisioned_concurrency"] = Known(
        None if units.value is None else {"units": units.value, "hours_per_month": 730}, note
    )


def _sam_events(template: Template, draft: FunctionDraft, props: dict[str, Any]) -> None:
    events = props.get("Events")
    if not isinstance(events, dict):
        return
    for event_name, event in events.items():
        if not isinstance(event, dict):
            continue
        event_type = str(event.get("Type"))
        raw_props = event.get("Properties")
        event_props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        if _skipped(template, draft, event_props, f"{event_type} event {event_name}"):
            continue
        kind = SAM_EVENTS.get(event_type)
        if kind is None:
            draft.notes.append(f"event {event_name} of type {event_type} is not mapped to an invocation type")
            continue
        origin = f"event {event_name} ({event_type})"
        subscription, _ = template.conditional(event_props.get("SqsSubscription"))
        if event_type == "SNS" and (isinstance(subscription, dict) or _is(template.resolve(subscription).value,
                                                                            "true")):
            draft.sources.append(_sns_through_sqs(template, origin, subscription, event_props))
            continue
        source = SourceDraft(kind, origin)
        if event_type == "SNS":
            _filter_policy(template, source, event_props)
        if kind in BATCH_DEFAULTS:
            reference = template.target(
                event_props.get("Queue") or event_props.get("Stream") or event_props.get("Broker")
            )
            if reference in template.resources:
                source.origin += f" from {reference}"
            _mapping_settings(template, source, event_props, reference)
        elif event_type in ("Schedule", "ScheduleV2", "CloudWatchEvent", "EventBridgeRule"):
            expression = event_props.get("Schedule") or event_props.get("ScheduleExpression")
            if expression is not None:
                _schedule(template, source, expression)
        draft.sources.append(source)


def _mapping_settings(
    template: Template, source: SourceDraft, props: dict[str, Any], queue: str | None
) -> None:
    """Batch size, retries and partial batch responses of an event source mapping (SAM event or resource)."""
    kind = source.type
    batch = props.get("BatchSize")
    default = Known(BATCH_DEFAULTS[kind], "default BatchSize")
    source.settings["batch_size"] = default if batch is None else _noted(template.resolve(batch), "BatchSize")
    _filter_criteria(template, source, props)
    _provisioned_pollers(template, source, props)
    window = template.resolve(props.get("TumblingWindowInSeconds"))
    if as_number(window.value):
        source.notes.append(f"TumblingWindowInSeconds {window.value}: the function also runs once at the end of "
                            "each window per shard to hand over its state; count those invocations in the volume")
    if kind == "sqs":
        types = props.get("FunctionResponseTypes")
        if isinstance(types, (list, str)) and "ReportBatchItemFailures" in types:
            source.settings["report_batch_item_failures"] = Known(True, "FunctionResponseTypes")
        if queue and template.type_of(queue) == "AWS::SQS::Queue":
            _queue_settings(template, source, queue)
    elif kind in ("kinesis", "dynamodb", "msk", "kafka", "documentdb"):
        retries = props.get("MaximumRetryAttempts")
        if retries is not None:
            source.settings["max_retry_attempts"] = _noted(template.resolve(retries), "MaximumRetryAttempts")
        else:
            source.settings["max_retry_attempts"] = Known(-1, "default: until the record expires")
        if kind in RECORD_AGE_SOURCES:
            _stream_options(template, source, props)
        destinations = props.get("DestinationConfig")
        if isinstance(destinations, dict) and "OnFailure" in destinations:
            known = _dead_letter(template, destinations["OnFailure"], "DestinationConfig OnFailure")
            if known is not None and known.value is not None:
                source.settings["dead_letter"] = known
            elif known is not None:
                source.notes.append(known.note)


# The least pollers a mapping in provisioned mode keeps when the template does not say (Lambda API reference,
# ProvisionedPollerConfig MinimumPollers).
MINIMUM_POLLERS = {"sqs": 2, "msk": 1, "kafka": 1}


def _provisioned_pollers(template: Template, source: SourceDraft, props: dict[str, Any]) -> None:
    """ProvisionedPollerConfig: provisioned mode, billed per event poller unit hour for its minimum pollers."""
    config, condition = template.conditional(props.get("ProvisionedPollerConfig"))
    if not isinstance(config, dict):
        return
    if source.type not in MINIMUM_POLLERS:
        source.notes.append(f"ProvisionedPollerConfig on a {source.type} mapping is not priced: lambda-cost prices "
                            "provisioned mode for SQS, MSK and self-managed Kafka")
        return
    minimum = _noted(template.resolve(config.get("MinimumPollers")), "ProvisionedPollerConfig MinimumPollers")
    if "MinimumPollers" not in config:
        minimum = Known(MINIMUM_POLLERS[source.type], "ProvisionedPollerConfig without MinimumPollers: the default")
    maximum = template.resolve(config.get("MaximumPollers")).value
    note = "; ".join(part for part in (minimum.note, condition, "always on: 730 hours a month") if part)
    if maximum is not None:
        note += f"; it scales up to MaximumPollers {maximum} under load, which costs more"
    pollers = as_number(minimum.value)
    source.settings["provisioned_mode"] = Known(
        None if pollers is None else {"event_pollers": pollers, "hours_per_month": int(HOURS_PER_MONTH)}, note)


def _sns_through_sqs(template: Template, origin: str, subscription: Any, props: dict[str, Any]) -> SourceDraft:
    """SAM's SNS event with SqsSubscription: SNS fills a queue that the function reads in batches (SAM's default
    BatchSize 10), so it is an SQS source and its volume counts messages, not invocations."""
    source = SourceDraft("sqs", f"{origin} through its SqsSubscription queue")
    settings = subscription if isinstance(subscription, dict) else {}
    batch = settings.get("BatchSize")
    source.settings["batch_size"] = Known(10, "SqsSubscription without BatchSize: SAM's default") if batch is None \
        else _noted(template.resolve(batch), "SqsSubscription BatchSize")
    _filter_policy(template, source, props)
    return source


def _filter_policy(template: Template, source: SourceDraft, props: dict[str, Any]) -> None:
    """An SNS subscription's FilterPolicy: messages that match no policy are never delivered, nor billed."""
    if props.get("FilterPolicy") is not None:
        source.volume = (" that pass the subscription's FilterPolicy; the others are never delivered to the "
                         "function and are not billed, e.g. 3M")


def _filter_criteria(template: Template, source: SourceDraft, props: dict[str, Any]) -> None:
    """Events that match none of the FilterCriteria patterns never reach the function: only the rest are billed."""
    criteria, _ = template.conditional(props.get("FilterCriteria"))
    filters = criteria.get("Filters") if isinstance(criteria, dict) else []
    if filters == []:
        return  # no filter: every event is delivered
    count = len(filters) if isinstance(filters, list) else None
    patterns = "patterns" if count is None else f"{count} pattern{'s' if count != 1 else ''}"
    source.volume = (f" that pass its FilterCriteria ({patterns}); the others never reach the function and are "
                     "not billed, e.g. 3M")


def _stream_options(template: Template, source: SourceDraft, props: dict[str, Any]) -> None:
    """A record age limit, bisecting and parallelization: what they do that the workload cannot say."""
    retries = source.settings["max_retry_attempts"]
    age = _noted(template.resolve(props.get("MaximumRecordAgeInSeconds")), "MaximumRecordAgeInSeconds")
    seconds = as_number(age.value)
    if as_number(retries.value) == -1 and seconds is not None and seconds > 0:
        # Retries end when the record is too old, not after a count: the workload counts retries.
        retries.note += (f"; a record expires after {seconds} s ({age.note}): set the number of retries that fit "
                         f"in {seconds} s")
    if _is(template.resolve(props.get("BisectBatchOnFunctionError")).value, "true"):
        source.notes.append("BisectBatchOnFunctionError splits failing batches in two and retries each half; "
                            "lambda-cost does not model the split (it retries whole batches)")
    factor = as_number(template.resolve(props.get("ParallelizationFactor")).value)
    if source.type in PARALLEL_SOURCES and factor is not None and factor != 1:
        source.notes.append(f"ParallelizationFactor {factor}: up to {factor} batches of a shard at once; it changes "
                            "concurrency, not the billed invocations (one per batch)")


def _noted(known: Known, key: str) -> Known:
    return Known(known.value, f"{key}; {known.note}" if known.note else key)


def _queue_settings(template: Template, source: SourceDraft, queue: str) -> None:
    props = template.properties(queue)
    if _is(template.resolve(props.get("FifoQueue")).value, "true"):
        source.settings["fifo"] = Known(True, f"{queue} FifoQueue")
    policy = props.get("RedrivePolicy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except (ValueError, RecursionError):  # not JSON, a number of thousands of digits, or nested too deeply
            policy = None
    if isinstance(policy, dict) and "maxReceiveCount" in policy:
        count = template.resolve(policy["maxReceiveCount"])
        source.settings["max_receive_count"] = _noted(count, f"{queue} RedrivePolicy maxReceiveCount")
    if isinstance(policy, dict) and "deadLetterTargetArn" in policy:
        source.settings["dead_letter"] = Known("sqs", f"{queue} RedrivePolicy deadLetterTargetArn")


def _related_resources(template: Template, drafts: dict[str, FunctionDraft], authorizers: set[str]) -> None:
    """Resources that point at a function: event source mappings, URLs, permissions, rules, configs."""
    permitted: set[tuple[str, str]] = set()
    for name, resource in template.resources.items():
        kind = resource.get("Type")
        props = template.properties(name)
        if kind == "AWS::Lambda::EventSourceMapping":
            target = template.target(props.get("FunctionName"))
            if target in drafts:
                _event_source_mapping(template, drafts[target], name, props)
        elif kind == "AWS::Lambda::Url":
            target = template.target(props.get("TargetFunctionArn"))
            if target in drafts:
                drafts[target].sources.append(SourceDraft("sync", f"function URL {name}"))
        elif kind == "AWS::Lambda::Permission":
            target = template.target(props.get("FunctionName"))
            principal = template.principal(props.get("Principal"))
            invoked_by = PRINCIPALS.get(str(principal))
            source_resource = template.target(props.get("SourceArn"))
            # A rule's target is read from the rule itself (with its schedule); one permission per source;
            # API Gateway's permission to call an authorizer is the authorizer's source, already drafted.
            key = (str(target), str(source_resource or principal))
            authorizer = target in authorizers and principal == "apigateway.amazonaws.com" \
                and _for_authorizer(props.get("SourceArn"))
            if target in drafts and invoked_by and template.type_of(source_resource) != "AWS::Events::Rule" \
                    and key not in permitted and not authorizer:
                permitted.add(key)
                what = f"{principal}" + (f" from {source_resource}" if source_resource else "")
                drafts[target].sources.append(SourceDraft(invoked_by, f"permission {name} for {what}"))
        elif kind == "AWS::Events::Rule":
            for rule_target in props.get("Targets") or []:
                target = template.target(rule_target.get("Arn")) if isinstance(rule_target, dict) else None
                if target in drafts and not _skipped(template, drafts[target], props, f"rule {name}"):
                    source = SourceDraft("async", f"rule {name}")
                    expression = props.get("ScheduleExpression")
                    if expression is not None:
                        _schedule(template, source, expression)
                    drafts[target].sources.append(source)
        elif kind == "AWS::Scheduler::Schedule":
            target_config = props.get("Target")
            target = template.function_in(target_config.get("Arn") if isinstance(target_config, dict) else None,
                                          drafts)
            if target is not None and not _skipped(template, drafts[target], props, f"schedule {name}"):
                # "EventBridge Scheduler invokes your Lambda function asynchronously" (Lambda developer guide).
                source = SourceDraft("async", f"EventBridge Scheduler schedule {name}")
                if props.get("ScheduleExpression") is not None:
                    _schedule(template, source, props["ScheduleExpression"])
                drafts[target].sources.append(source)
        elif kind == "AWS::IoT::TopicRule":
            payload = props.get("TopicRulePayload")
            actions = payload.get("Actions") if isinstance(payload, dict) else None
            for action in actions if isinstance(actions, list) else []:
                lambda_action = action.get("Lambda") if isinstance(action, dict) else None
                target = template.function_in(
                    lambda_action.get("FunctionArn") if isinstance(lambda_action, dict) else None, drafts)
                disabled = isinstance(payload, dict) and _is(template.resolve(payload.get("RuleDisabled")).value,
                                                              "true")
                if target is not None and disabled:
                    drafts[target].skipped.append(f"IoT topic rule {name} is disabled (RuleDisabled: true)")
                elif target is not None:
                    drafts[target].sources.append(SourceDraft("async", f"IoT topic rule {name} (Lambda action)"))
        elif kind == CUSTOM_RESOURCE or str(kind).startswith("Custom::"):
            target = template.function_in(props.get("ServiceToken"), drafts)
            if target is not None:
                drafts[target].sources.append(_custom_resource(name, str(kind)))
        elif kind == "AWS::Lambda::EventInvokeConfig":
            target = template.target(props.get("FunctionName"))
            if target in drafts:
                _invoke_config(template, drafts[target], props, name)
        elif kind in ("AWS::Lambda::Alias", "AWS::Lambda::Version"):
            config = props.get("ProvisionedConcurrencyConfig")
            target = template.target(props.get("FunctionName"))
            if target in drafts and isinstance(config, dict):
                units = template.resolve(config.get("ProvisionedConcurrentExecutions"))
                _provisioned(drafts[target], units, f"{kind.split('::')[-1].lower()} {name}")


def _event_source_mapping(template: Template, draft: FunctionDraft, name: str, props: dict[str, Any]) -> None:
    raw = props.get("EventSourceArn")
    source_resource = None if "SelfManagedEventSource" in props else template.target(raw)
    origin = f"event source mapping {name}" + (f" from {source_resource}" if source_resource else "")
    if _skipped(template, draft, props, origin):
        return
    if "SelfManagedEventSource" in props:
        kind: str | None = "kafka"
    else:
        kind = ESM_SOURCES.get(template.type_of(source_resource) or "")
        service = template.arn_service(raw)
        if kind is None and service is not None:
            kind = ARN_SERVICES.get(service)
    if kind is None:
        draft.notes.append(f"event source mapping {name}: its source is not known, so it is not mapped")
        return
    source = SourceDraft(kind, origin)
    _mapping_settings(template, source, props, source_resource)
    draft.sources.append(source)


def _for_authorizer(source_arn: Any) -> bool:
    """API Gateway's permission to call an authorizer names .../authorizers/ID; one for a route names its path.

    Without a SourceArn the permission may serve either: taken as the authorizer's, which is already drafted.
    """
    return source_arn is None or "/authorizers/" in json.dumps(source_arn)


def _custom_resource(name: str, kind: str) -> SourceDraft:
    """A custom resource's function runs when CloudFormation creates, updates or deletes it: a handful a month."""
    source = SourceDraft("async", f"custom resource {name} ({kind}): CloudFormation invokes it asynchronously")
    source.volume = f": one per stack create, update and delete that touches {name} (a handful a month), e.g. 2"
    return source


def _authorizers(template: Template, drafts: dict[str, FunctionDraft]) -> set[str]:
    """Lambda authorizers, invoked synchronously for each API request their cache does not answer."""
    found: set[str] = set()
    for origin, reference, cache in _authorizer_configs(template):
        target = template.function_in(reference, drafts)
        if target is not None:
            source = SourceDraft("sync", origin)
            source.volume = (" that miss the authorizer's cache: the API's requests minus cache hits "
                             f"({cache}), e.g. 3M")
            drafts[target].sources.append(source)
            found.add(target)
    return found


def _authorizer_configs(template: Template) -> Iterator[tuple[str, Any, str]]:
    """Each Lambda authorizer: where it is defined, what names its function, and how long results are cached."""
    for name, resource in template.resources.items():
        kind = resource.get("Type")
        props = template.properties(name)
        rest = kind in ("AWS::ApiGateway::Authorizer", "AWS::Serverless::Api")
        if kind in ("AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer") and "AuthorizerUri" in props:
            yield (f"authorizer {name} ({kind})", props["AuthorizerUri"],
                   _authorizer_cache(template, props, "AuthorizerResultTtlInSeconds", rest))
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            auth, _ = template.conditional(props.get("Auth"))
            configs = auth.get("Authorizers") if isinstance(auth, dict) else None
            for authorizer, config in configs.items() if isinstance(configs, dict) else ():
                if not isinstance(config, dict) or "FunctionArn" not in config:
                    continue  # a Cognito user pool or JWT authorizer: no function
                identity = config.get("Identity")
                cache = _authorizer_cache(template, identity if isinstance(identity, dict) else {},
                                          "ReauthorizeEvery", rest)
                yield f"authorizer {authorizer} of {name} ({kind})", config["FunctionArn"], cache


def _authorizer_cache(template: Template, props: dict[str, Any], key: str, rest: bool) -> str:
    """How long API Gateway caches an authorizer's results (per identity source), for the volume's comment."""
    if key not in props:
        if rest:
            return f"no {key}: REST APIs cache results {REST_AUTHORIZER_TTL} s by default"
        return f"no {key} in the template"
    ttl = _noted(template.resolve(props[key]), key)
    seconds = as_number(ttl.value)
    if seconds == 0:
        return f"{ttl.note} 0: not cached, every request invokes it"
    if seconds is None:
        return f"{ttl.note}: the cache time is not known"
    return f"results cached {seconds} s per identity: {ttl.note}"


def _apply_event_invoke_config(draft: FunctionDraft) -> None:
    """EventInvokeConfig and dead-letter queues act on asynchronous invocations only; they say there are some."""
    retries = draft.settings.pop("_max_retries", None)
    dead_letter = draft.settings.pop("_dead_letter", None)
    configured = draft.settings.pop("_async_config", None)
    if configured is not None and not draft.sources:
        draft.sources.append(SourceDraft(
            "async", f"{draft.no_trigger()}, but its asynchronous-invocation settings say it is invoked "
                     "asynchronously: check the type"))
    for source in draft.sources:
        if source.type != "async":
            continue
        if retries is not None:
            source.settings["max_retries"] = retries
        if dead_letter is not None and dead_letter.value is not None:
            source.settings["dead_letter"] = dead_letter
        elif dead_letter is not None:
            source.notes.append(dead_letter.note)


def _schedule(template: Template, source: SourceDraft, expression: Any) -> None:
    """A rate() or cron() schedule says its own volume; one lambda-cost cannot count is shown to count by hand."""
    text = template.resolve(expression).value
    source.per_month = schedule_volume(text)
    if source.per_month is None and isinstance(text, str):
        source.origin += f", {text}: count its runs a month"


def schedule_volume(expression: Any) -> Known | None:
    """rate(5 minutes) → 8,760 a month (730 h × 60 / 5); cron(0 12 * * ? *) → 365 runs a year / 12."""
    if not isinstance(expression, str):
        return None
    counted = runs_per_month(expression)
    return None if counted is None else Known(*counted)
