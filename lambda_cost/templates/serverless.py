"""What a Serverless Framework serverless.yml (v3 or v4) says about its functions and their events."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lambda_cost.errors import InputError
from lambda_cost.templates.cfn_yaml import TemplateLoader
from lambda_cost.templates.common import Unknown, edge_region, filtered, mapping_source, relabel_draft, scheduled
from lambda_cost.templates.sam import (
    ARN_SERVICES,
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
    as_number,
)

# The framework's defaults where AWS's differ (serverless.yml reference: memorySize 1024, timeout 6; its stream
# events compile to a BatchSize of 10).
DEFAULT_MEMORY = 1024
DEFAULT_TIMEOUT = 6
DEFAULT_STREAM_BATCH = 10
NAMES = {
    "BatchSize": "batchSize", "FunctionResponseTypes": "functionResponseType",
    "MaximumRetryAttempts": "maximumRetryAttempts", "MaximumRecordAgeInSeconds": "maximumRecordAgeInSeconds",
    "BisectBatchOnFunctionError": "bisectBatchOnFunctionError", "ParallelizationFactor": "parallelizationFactor",
    "FilterCriteria": "filterPatterns", "DestinationConfig OnFailure": "destinations onFailure",
    "OnFailure": "onFailure", "TumblingWindowInSeconds": "tumblingWindowInSeconds", "Enabled": "enabled",
    "ProvisionedConcurrentExecutions": "provisionedConcurrency", "AuthorizerResultTtlInSeconds": "resultTtlInSeconds",
    "ProvisionedPollerConfig": "provisionedPollerConfig", "MinimumPollers": "minimumPollers",
    "MaximumPollers": "maximumPollers", "PollerGroupName": "pollerGroupName", "!Ref ${": "${",
    "FilterPolicy": "filterPolicy",
}
MAPPINGS = {"sqs": "sqs", "msk": "msk", "kafka": "kafka", "activemq": "mq", "rabbitmq": "mq"}
SYNC_EVENTS = ("http", "httpApi", "websocket", "alb", "alexaSkill", "alexaSmartHome", "cognitoUserPool",
               "iotFleetProvisioning")
ASYNC_EVENTS = ("s3", "sns", "schedule", "eventBridge", "cloudwatchEvent", "cloudwatchLog", "iot")
_INNERMOST = re.compile(r"\$\{([^${}]*)\}")
_GAP = "\x00"  # stands for a part of a string that cannot be known offline
MAX_PASSES = 32


class ServerlessLoader(TemplateLoader):
    """CloudFormation's short tags (in `resources:`) as long forms; any other tag an opaque value, not an error
    (TemplateLoader's rule, kept under its own name for the Serverless reader)."""




class Variables:
    """Serverless variables resolved offline: ${self:...}, ${sls:stage}, ${aws:region}, ${param:...}, and any
    ${source:..., fallback} by its fallback; the rest (env, ssm, opt without a fallback...) are unknown."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        provider: dict[str, Any] = data["provider"] if isinstance(data.get("provider"), dict) else {}
        self.stage = self._value(provider.get("stage", "dev"), 0)
        self.region = self._value(provider.get("region", "us-east-1"), 0)

    def known(self, raw: Any, key: str) -> Known:
        """A setting with where it came from: the key, and the variables it took."""
        value = self.resolve(raw)
        if isinstance(value, Unknown):
            return Known(None, f"{key}: {value.why} cannot be resolved offline")
        if isinstance(raw, str) and "${" in raw:
            return Known(value, f"{key} {raw}")
        return Known(value, key)

    def resolve(self, raw: Any) -> Any:
        return self._value(raw, 0)

    def _value(self, raw: Any, depth: int) -> Any:
        if depth > MAX_PASSES:
            return Unknown("variables that refer to each other in a cycle")
        if isinstance(raw, list):
            return [self._value(item, depth + 1) for item in raw]
        if isinstance(raw, dict):
            return {key: self._value(item, depth + 1) for key, item in raw.items()}
        if not isinstance(raw, str) or "${" not in raw:
            return raw
        text = raw
        for _ in range(MAX_PASSES):
            match = _INNERMOST.search(text)
            if match is None:
                break
            value = self._variable(match.group(1), depth)
            if match.span() == (0, len(text)):
                return value if not (isinstance(value, str) and _GAP in value) else Unknown(raw)
            part = _GAP if isinstance(value, Unknown) or value is None else str(value)
            text = text[:match.start()] + part + text[match.end():]
        if _GAP in text or "${" in text:
            return Unknown(raw, text.replace(_GAP, "*"))
        return text

    def _variable(self, inner: str, depth: int) -> Any:
        reference, fallback = _split_fallback(inner)
        value = self._lookup(reference.strip(), depth)
        if isinstance(value, Unknown) and fallback is not None:
            value = self._fallback(fallback.strip(), depth)
        return value

    def _fallback(self, text: str, depth: int) -> Any:
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return text[1:-1]
        if text in ("true", "false"):
            return text == "true"
        try:
            return as_number(Decimal(text)) if _GAP not in text else Unknown(text)
        except InvalidOperation:
            pass
        if re.match(r"^[a-z]+:", text):  # v2's bare fallback: ${opt:stage, self:provider.stage}
            return self._lookup(text, depth)
        return Unknown(text) if _GAP in text else text

    def _lookup(self, reference: str, depth: int) -> Any:
        source, _, address = reference.partition(":")
        if source == "self":
            return self._path(self.data, address, depth)
        if reference == "sls:stage":
            return self.stage
        if reference == "aws:region":
            return self.region
        if source == "param":
            return self._param(address, depth)
        return Unknown(f"${{{reference}}}")

    def _path(self, root: Any, address: str, depth: int) -> Any:
        value = root
        for part in address.split(".") if address else []:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return Unknown(f"${{self:{address}}}")
        return self._value(value, depth + 1)

    def _param(self, name: str, depth: int) -> Any:
        """v4 stage parameters: stages.<stage>.params, then stages.default.params (and the older params:)."""
        for holder in ("stages", "params"):
            section = self.data.get(holder)
            if not isinstance(section, dict):
                continue
            for stage in (self.stage, "default"):
                entry = section.get(stage) if isinstance(stage, str) else None
                params = entry.get("params", entry) if holder == "stages" and isinstance(entry, dict) else entry
                if isinstance(params, dict) and name in params:
                    return self._value(params[name], depth + 1)
        return Unknown(f"${{param:{name}}}")


def _split_fallback(inner: str) -> tuple[str, str | None]:
    """`opt:stage, 'dev'` -> ("opt:stage", "'dev'"): the first comma outside quotes and parentheses."""
    quote = ""
    level = 0
    for index, char in enumerate(inner):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            level += 1
        elif char == ")":
            level -= 1
        elif char == "," and level == 0:
            return inner[:index], inner[index + 1:]
    return inner, None


def read_serverless(data: dict[str, Any], name: str) -> tuple[list[FunctionDraft], list[str]]:
    """Every function of serverless.yml with its settings and events; notes for the whole draft."""
    provider = data.get("provider")
    if isinstance(provider, dict) and provider.get("name", "aws") != "aws":
        raise InputError(f"{name}: provider {provider.get('name')!r}: init --from reads AWS Lambda functions only",
                         hint="lambda-cost prices AWS Lambda; its provider is aws")
    return _Service(data, name).draft()


class _Service:
    def __init__(self, data: dict[str, Any], name: str) -> None:
        self.data = data
        self.name = name
        self.vars = Variables(data)
        self.provider: dict[str, Any] = data["provider"] if isinstance(data.get("provider"), dict) else {}
        self.template = Template({"Resources": _resources(data.get("resources"))})
        self.drafts: dict[str, FunctionDraft] = {}
        self.notes: list[str] = []
        self.authorized: set[tuple[str, str]] = set()

    def draft(self) -> tuple[list[FunctionDraft], list[str]]:
        functions = self.data.get("functions")
        if isinstance(functions, list):  # v3 allows a list of mappings (often one per included file)
            functions = {key: value for item in functions if isinstance(item, dict) for key, value in item.items()}
        if isinstance(functions, str):
            self.notes.append(f"functions: {functions} is not read offline; give the functions inline")
            functions = {}
        functions = functions if isinstance(functions, dict) else {}
        for name, config in functions.items():
            if isinstance(config, dict):
                self.drafts[str(name)] = self._function(str(name), config)
        for name, config in functions.items():
            if isinstance(config, dict):
                self._events(self.drafts[str(name)], config.get("events"))
        for draft in self.drafts.values():
            _apply_event_invoke_config(draft)
            edge_region(draft)
            relabel_draft(draft, NAMES)
        return list(self.drafts.values()), self.notes

    def _setting(self, config: dict[str, Any], key: str, default: Any, default_note: str = "default") -> Known:
        if key in config:
            return self.vars.known(config[key], key)
        if key in self.provider:
            return self.vars.known(self.provider[key], f"provider.{key}")
        return Known(default, default_note)

    def _function(self, name: str, config: dict[str, Any]) -> FunctionDraft:
        draft = FunctionDraft(name, f"{self.name} function")
        settings = draft.settings
        framework = "the Serverless Framework's default"
        settings["memory_mb"] = self._setting(config, "memorySize", DEFAULT_MEMORY, f"{framework} memorySize")
        settings["timeout_s"] = self._setting(config, "timeout", DEFAULT_TIMEOUT, f"{framework} timeout")
        settings["architecture"] = self._setting(config, "architecture", "x86_64")
        settings["ephemeral_storage_mb"] = self._setting({k: v for k, v in config.items()
                                                          if k == "ephemeralStorageSize"}, "ephemeralStorageSize", 512)
        runtime = self._setting(config, "runtime", None)
        if runtime.value is not None or runtime.note != "default":
            settings["runtime"] = runtime
        image = "image" in config
        settings["package_type"] = Known("image" if image else "zip", "image" if image else "default")
        if self.vars.resolve(config.get("snapStart")) is True:
            settings["snapstart"] = Known(True, "snapStart")
        if "reservedConcurrency" in config:
            settings["reserved_concurrency"] = self.vars.known(config["reservedConcurrency"], "reservedConcurrency")
        if "region" in self.provider:
            settings["region"] = self.vars.known(self.provider["region"], "provider.region")
        self._concurrency(draft, config.get("provisionedConcurrency"))
        self._asynchronous(draft, config)
        url = self.vars.resolve(config.get("url"))
        if url:
            draft.sources.append(SourceDraft("sync", "url (function URL)"))
            if isinstance(url, dict) and url.get("invokeMode") == "RESPONSE_STREAM":
                draft.notes.append("its function URL streams responses (invokeMode RESPONSE_STREAM): add "
                                   "response_streaming: {bytes_per_response: N} to price the streamed bytes")
        for key, note in (
            ("durableConfig", "durableConfig: a durable function; its checkpoints and waits are not priced by "
                              "lambda-cost"),
            ("capacityProvider", "capacityProvider: it runs on Lambda Managed Instances, billed by instance, which "
                                 "lambda-cost does not price; the draft prices it as on-demand Lambda"),
            ("condition", f"condition {config.get('condition')}: deployed only when it holds"),
        ):
            if key in config:
                draft.notes.append(note)
        return draft

    def _concurrency(self, draft: FunctionDraft, raw: Any) -> None:
        value = self.vars.resolve(raw)
        if value is None:
            return
        alias = "provisioned"
        if isinstance(value, dict):
            alias = str(value.get("alias", alias))
            raw = value.get("executions")
        units = self.vars.known(raw, "ProvisionedConcurrentExecutions")
        units.note = units.note if units.value is None or "${" in str(raw) else ""
        _provisioned(draft, units, f"alias {alias}")

    def _asynchronous(self, draft: FunctionDraft, config: dict[str, Any]) -> None:
        """onError (a dead-letter queue or topic), maximumRetryAttempts and destinations: async invocations."""
        if "onError" in config:
            draft.settings["_async_config"] = Known(True)
            known = _dead_letter(self.template, {"TargetArn": self._arn(config["onError"])}, "onError")
            if known is not None:
                draft.settings["_dead_letter"] = known
        destinations = self.vars.resolve(config.get("destinations"))
        invoke: dict[str, Any] = {}
        if "maximumRetryAttempts" in config:
            invoke["MaximumRetryAttempts"] = self.vars.resolve(config["maximumRetryAttempts"])
        if isinstance(destinations, dict) and destinations.get("onFailure") is not None:
            failure = destinations["onFailure"]
            target = failure if not isinstance(failure, dict) else failure.get("arn")
            kind = failure.get("type") if isinstance(failure, dict) else None
            if isinstance(target, str) and target in self.drafts:
                kind = "lambda"
            invoke["DestinationConfig"] = {"OnFailure": {"Destination": self._arn(target), "Type": kind}}
        if invoke:
            _invoke_config(self.template, draft, invoke, "function")

    def _arn(self, raw: Any) -> Any:
        return self._cfn(self.vars.resolve(raw))

    @staticmethod
    def _cfn(value: Any) -> Any:
        """A resolved value as SAM's rules take it: an unknown one as a Ref that says which variable."""
        if isinstance(value, Unknown):
            return value.pattern if value.pattern is not None else {"Ref": value.why}
        return value

    def _events(self, draft: FunctionDraft, events: Any) -> None:
        if not isinstance(events, list):
            return
        for index, event in enumerate(events):
            if not isinstance(event, dict) or len(event) != 1:
                draft.notes.append(f"events[{index}] is not one event of one type, so it is not read")
                continue
            ((kind, raw),) = event.items()
            config = self.vars.resolve(raw)
            where = f"events[{index}] {kind}"
            settings = config if isinstance(config, dict) else {}
            if _skipped(self.template, draft, {"Enabled": settings.get("enabled")}, where):
                continue
            if kind in MAPPINGS or kind == "stream":
                self._mapping(draft, str(kind), where, config)
            elif kind in SYNC_EVENTS:
                draft.sources.append(SourceDraft("sync", f"{where}{_detail(kind, config)}"))
                self._authorizer(kind, settings)
            elif kind in ASYNC_EVENTS:
                self._asynchronous_event(draft, str(kind), where, config)
            elif kind == "cloudFront":
                self._edge(draft, where, settings)
            else:
                draft.notes.append(f"{where} is not mapped to an invocation type")

    def _mapping(self, draft: FunctionDraft, kind: str, where: str, config: Any) -> None:
        settings = config if isinstance(config, dict) else {"arn": config}
        arn = settings.get("arn")
        if kind == "stream":
            mapped = settings.get("type") or ARN_SERVICES.get(self.template.arn_service(self._arn(arn)) or "")
        else:
            mapped = MAPPINGS[kind]
        if mapped not in ("sqs", "kinesis", "dynamodb", "msk", "kafka", "mq"):
            draft.notes.append(f"{where}: its stream type is not known (give type: kinesis or dynamodb)")
            return
        queue = self.template.target(arn) if isinstance(arn, dict) else None
        queue = queue if queue in self.template.resources else None
        types = settings.get("functionResponseType")
        destinations = settings.get("destinations")
        destination = destinations.get("onFailure") if isinstance(destinations, dict) else None
        props = {key: self._cfn(value) for key, value in {
            "BatchSize": settings.get("batchSize"),
            "FunctionResponseTypes": [types] if types else None,
            "MaximumRetryAttempts": settings.get("maximumRetryAttempts"),
            "MaximumRecordAgeInSeconds": settings.get("maximumRecordAgeInSeconds"),
            "BisectBatchOnFunctionError": settings.get("bisectBatchOnFunctionError"),
            "ParallelizationFactor": settings.get("parallelizationFactor"),
            "TumblingWindowInSeconds": settings.get("tumblingWindowInSeconds"),
            "FilterCriteria": {"Filters": settings["filterPatterns"]} if settings.get("filterPatterns") else None,
            "DestinationConfig": None if destination is None else {"OnFailure": {
                "Destination": self._arn(destination.get("arn") if isinstance(destination, dict) else destination),
                "Type": destination.get("type") if isinstance(destination, dict) else None}},
            "ProvisionedPollerConfig": _poller(settings.get("provisionedPollerConfig")),
        }.items()}
        origin = where + (f" from {queue}" if queue else "")
        source = mapping_source(self.template, str(mapped), origin, props, queue)
        if kind == "stream" and settings.get("batchSize") is None:
            source.settings["batch_size"] = Known(DEFAULT_STREAM_BATCH, "the Serverless Framework's default "
                                                                        "batchSize for stream events")
        draft.sources.append(source)

    def _asynchronous_event(self, draft: FunctionDraft, kind: str, where: str, config: Any) -> None:
        settings = config if isinstance(config, dict) else {}
        if kind == "schedule":
            rates = settings.get("rate", config if isinstance(config, str) else None)
            for rate in rates if isinstance(rates, list) else [rates]:
                draft.sources.append(scheduled(self.template, where, rate))
            return
        if kind == "eventBridge" and settings.get("schedule") is not None:
            draft.sources.append(scheduled(self.template, where, settings["schedule"]))
            return
        source = SourceDraft("async", f"{where}{_detail(kind, config)}")
        if kind == "sns":
            _filter_policy(self.template, source, {"FilterPolicy": settings.get("filterPolicy")})
        if kind == "sns" and settings.get("redrivePolicy") is not None:
            source.notes.append("redrivePolicy is SNS's dead-letter queue for messages it cannot deliver, not for "
                                "the function's failures: not priced")
        if kind == "s3" and settings.get("rules"):
            filtered(source, "its rules (prefix/suffix)")
        if kind == "cloudwatchLog" and settings.get("filter"):
            filtered(source, "its filter")
        draft.sources.append(source)

    def _edge(self, draft: FunctionDraft, where: str, settings: dict[str, Any]) -> None:
        event = settings.get("eventType")
        if isinstance(event, str) and "edge" not in draft.settings:
            draft.settings["edge"] = Known({"trigger": event}, f"{where} eventType")
        elif isinstance(event, str) and draft.settings["edge"].value != {"trigger": event}:
            draft.notes.append(f"{where} is also {event}: lambda-cost prices one trigger per edge function; draft a "
                               "copy of the function for it")
        draft.sources.append(SourceDraft("sync", f"{where} (Lambda@Edge {event})"))

    def _authorizer(self, kind: str, settings: dict[str, Any]) -> None:
        """An http or httpApi event's Lambda authorizer, when it is a function of this service."""
        authorizer = settings.get("authorizer")
        name = authorizer.get("name") if isinstance(authorizer, dict) else authorizer
        config = authorizer if isinstance(authorizer, dict) else {}
        if kind == "httpApi":
            http = self.provider.get("httpApi")
            configs = http.get("authorizers") if isinstance(http, dict) else None
            found = self.vars.resolve(configs.get(name)) if isinstance(configs, dict) and isinstance(name, str) \
                else None
            config = found if isinstance(found, dict) else {}
            name = config.get("functionName")
        if kind not in ("http", "httpApi") or not isinstance(name, str) or name not in self.drafts:
            return
        if (name, kind) in self.authorized:
            return
        self.authorized.add((name, kind))
        ttl = config.get("resultTtlInSeconds")
        cache = _authorizer_cache(self.template, {} if ttl is None else {"AuthorizerResultTtlInSeconds": ttl},
                                  "AuthorizerResultTtlInSeconds", kind == "http")
        source = SourceDraft("sync", f"authorizer of {kind} events")
        source.volume = f" that miss the authorizer's cache: the API's requests minus cache hits ({cache}), e.g. 3M"
        self.drafts[name].sources.append(source)


def _resources(section: Any) -> dict[str, Any]:
    """`resources:` is CloudFormation (a mapping with Resources, or a list of them from included files)."""
    parts = section if isinstance(section, list) else [section]
    found: dict[str, Any] = {}
    for part in parts:
        if isinstance(part, dict) and isinstance(part.get("Resources"), dict):
            found.update({name: value for name, value in part["Resources"].items() if isinstance(value, dict)})
    return found


def _poller(config: Any) -> dict[str, Any] | None:
    if not isinstance(config, dict):
        return None
    return {"MinimumPollers": config.get("minimumPollers"), "MaximumPollers": config.get("maximumPollers"),
            "PollerGroupName": config.get("pollerGroupName")}


def _detail(kind: str, config: Any) -> str:
    """What the event is, for its comment: a route, a bucket, a topic, a trigger."""
    if isinstance(config, str):
        return f" {config}"
    if not isinstance(config, dict):
        return ""
    keys = {"http": ("method", "path"), "httpApi": ("method", "path"), "websocket": ("route",),
            "s3": ("bucket", "event"), "sns": ("topicName", "arn"), "cognitoUserPool": ("pool", "trigger"),
            "cloudwatchLog": ("logGroup",), "iot": ("name",), "alb": ("priority",)}.get(kind, ())
    parts = [str(config[key]) for key in keys if isinstance(config.get(key), (str, int))]
    return f" {' '.join(parts)}" if parts else ""
