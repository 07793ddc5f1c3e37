"""Functions started by other resources of a template: Lambda destinations, CodeDeploy hooks, EventBridge Pipes,
Firehose processors, Step Functions tasks, Cognito triggers and CloudFront (Lambda@Edge)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lambda_cost.templates.sam import SAM_FUNCTION, FunctionDraft, Known, SourceDraft, Template

# CloudFront's event types, as Lambda@Edge triggers are named in a workload.
EDGE_EVENTS = {"viewer-request", "viewer-response", "origin-request", "origin-response"}
# Deep enough for any real state machine (nested Parallel and Map states); it stops pathological nesting.
_MAX_DEPTH = 64


def invoked_from_elsewhere(template: Template, drafts: dict[str, FunctionDraft]) -> None:
    """Add the sources that other resources are, so that no such function is drafted as "no trigger found"."""
    for name, resource in template.resources.items():
        kind = resource.get("Type")
        props = template.properties(name)
        if kind in (SAM_FUNCTION, "AWS::Lambda::Function", "AWS::Lambda::EventInvokeConfig"):
            _destinations(template, drafts, name, kind, props)
        if kind == SAM_FUNCTION:
            _deployment_hooks(template, drafts, name, props)
        elif kind == "AWS::Pipes::Pipe":
            _pipe(template, drafts, name, props)
        elif kind == "AWS::KinesisFirehose::DeliveryStream":
            _firehose(template, drafts, name, props)
        elif kind in ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"):
            _state_machine(template, drafts, name, props)
        elif kind == "AWS::Cognito::UserPool":
            _cognito(template, drafts, name, props)
        elif kind == "AWS::CloudFront::Distribution":
            _cloudfront(template, drafts, name, props)


def _add(drafts: dict[str, FunctionDraft], target: str | None, source: SourceDraft) -> None:
    if target is not None and target in drafts:
        drafts[target].sources.append(source)


def _destinations(template: Template, drafts: dict[str, FunctionDraft], name: str, kind: str,
                  props: dict[str, Any]) -> None:
    """OnSuccess / OnFailure destinations that are functions: Lambda invokes them asynchronously with the record."""
    config: Any = props
    caller = template.target(props.get("FunctionName")) or name
    if kind != "AWS::Lambda::EventInvokeConfig":
        config, caller = props.get("EventInvokeConfig"), name
    destinations = config.get("DestinationConfig") if isinstance(config, dict) else None
    if not isinstance(destinations, dict):
        return
    for outcome, what in (("OnSuccess", "successful"), ("OnFailure", "failed")):
        destination = destinations.get(outcome)
        if not isinstance(destination, dict):
            continue
        target = template.function_in(destination.get("Destination"), drafts)
        if target is None or target == caller:
            continue
        source = SourceDraft("async", f"{outcome} destination of {caller}: Lambda invokes it asynchronously")
        source.volume = f": the {what} asynchronous invocations of {caller}, e.g. 10k"
        drafts[target].sources.append(source)


def _deployment_hooks(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """SAM's DeploymentPreference hooks run once per deployment (CodeDeploy invokes them asynchronously)."""
    preference, _ = template.conditional(props.get("DeploymentPreference"))
    hooks = preference.get("Hooks") if isinstance(preference, dict) else None
    for hook, reference in hooks.items() if isinstance(hooks, dict) else ():
        target = template.function_in(reference, drafts)
        if target is None:
            continue
        source = SourceDraft("async", f"CodeDeploy {hook} hook of {name}'s DeploymentPreference")
        source.volume = f": one per deployment of {name} (a few a month, not millions), e.g. 20"
        drafts[target].sources.append(source)


def _pipe(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """An EventBridge pipe calls a function as its enrichment (synchronously) or its target (synchronously unless
    TargetParameters say FIRE_AND_FORGET), once per batch from its source."""
    if str(template.resolve(props.get("DesiredState")).value).upper() == "STOPPED":
        return
    enrichment = template.function_in(props.get("Enrichment"), drafts)
    if enrichment is not None:
        source = SourceDraft("sync", f"EventBridge pipe {name} (enrichment)")
        source.volume = ": batches the pipe reads from its source, e.g. 100k"
        drafts[enrichment].sources.append(source)
    target = template.function_in(props.get("Target"), drafts)
    if target is None:
        return
    parameters = props.get("TargetParameters")
    lambda_parameters = parameters.get("LambdaFunctionParameters") if isinstance(parameters, dict) else None
    invocation = template.resolve(lambda_parameters.get("InvocationType")).value \
        if isinstance(lambda_parameters, dict) else None
    kind = "async" if str(invocation).upper() == "FIRE_AND_FORGET" else "sync"
    source = SourceDraft(kind, f"EventBridge pipe {name} (target, {invocation or 'REQUEST_RESPONSE'})")
    source.volume = ": batches the pipe delivers, e.g. 100k"
    drafts[target].sources.append(source)


def _firehose(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """A Firehose data transformation calls its function synchronously once per buffered batch of records."""
    for processor in _find(props, "Processors"):
        if not isinstance(processor, dict) or str(processor.get("Type")) != "Lambda":
            continue
        parameters = processor.get("Parameters")
        for parameter in parameters if isinstance(parameters, list) else []:
            if isinstance(parameter, dict) and parameter.get("ParameterName") == "LambdaArn":
                target = template.function_in(parameter.get("ParameterValue"), drafts)
                if target is not None:
                    source = SourceDraft("sync", f"Firehose delivery stream {name} (data transformation)")
                    source.volume = (": buffered batches of records (up to 3 MB or 60 s of records by default; see "
                                     "its BufferSizeInMBs and IntervalInSeconds), e.g. 50k")
                    drafts[target].sources.append(source)


def _find(value: Any, key: str, depth: int = 0) -> Iterator[Any]:
    """Every item of every list under `key`, however deep."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if name == key and isinstance(item, list):
                yield from item
            else:
                yield from _find(item, key, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _find(item, key, depth + 1)


def _state_machine(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """Task states that invoke a function: synchronously (RequestResponse), unless InvocationType is Event."""
    definition = props.get("Definition")
    if definition is None and isinstance(props.get("DefinitionString"), str):
        try:
            definition = json.loads(props["DefinitionString"])
        except ValueError:
            definition = None
    if definition is None and isinstance(props.get("DefinitionString"), dict):
        definition = props["DefinitionString"]  # !Sub of a JSON text: its references are still found
    substitutions = props.get("DefinitionSubstitutions")
    substitutions = substitutions if isinstance(substitutions, dict) else {}
    seen: set[tuple[str, str]] = set()
    for state, task in _tasks(definition, 0):
        target = _task_function(template, drafts, task, substitutions)
        if target is None or (target, state) in seen:
            continue
        seen.add((target, state))
        parameters = task.get("Parameters") or task.get("Arguments")
        invocation = parameters.get("InvocationType") if isinstance(parameters, dict) else None
        kind = "async" if str(invocation) == "Event" else "sync"
        source = SourceDraft(kind, f"state machine {name}, task state {state}")
        source.volume = ": executions that reach this state (each retry of the state is another), e.g. 100k"
        drafts[target].sources.append(source)


def _tasks(definition: Any, depth: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Task state, in Parallel branches and Map iterators too."""
    if depth > _MAX_DEPTH or not isinstance(definition, dict):
        return
    states = definition.get("States")
    for state, body in states.items() if isinstance(states, dict) else ():
        if not isinstance(body, dict):
            continue
        if body.get("Type") == "Task":
            yield str(state), body
        for branch in body.get("Branches") or []:
            yield from _tasks(branch, depth + 1)
        for key in ("Iterator", "ItemProcessor"):
            yield from _tasks(body.get(key), depth + 1)


def _task_function(template: Template, drafts: dict[str, FunctionDraft], task: dict[str, Any],
                   substitutions: dict[str, Any]) -> str | None:
    """The function a Task invokes: its Resource (a function ARN) or lambda:invoke's FunctionName, through
    SAM's DefinitionSubstitutions (${Name})."""
    resource = task.get("Resource")
    parameters = task.get("Parameters") or task.get("Arguments")
    candidates = [resource]
    if isinstance(resource, str) and resource.startswith("arn:aws:states:::lambda:invoke") \
            and isinstance(parameters, dict):
        candidates = [parameters.get("FunctionName", parameters.get("FunctionName.$"))]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.startswith("${") and candidate.endswith("}"):
            candidate = substitutions.get(candidate[2:-1], candidate)
        target = template.function_in(candidate, drafts)
        if target is not None:
            return target
    return None


def _cognito(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """A user pool's triggers: Cognito invokes each synchronously at its moment (sign-up, sign-in...)."""
    config = props.get("LambdaConfig")
    for trigger, reference in config.items() if isinstance(config, dict) else ():
        target = template.function_in(reference, drafts)
        if target is None:
            continue
        # A permission for cognito-idp says the same thing: this source replaces it.
        drafts[target].sources = [s for s in drafts[target].sources if not (
            s.origin.startswith("permission") and "cognito-idp" in s.origin)]
        source = SourceDraft("sync", f"Cognito user pool {name}, trigger {trigger}")
        source.volume = f": {trigger} events of the user pool (sign-ups, sign-ins... each one call), e.g. 50k"
        drafts[target].sources.append(source)


def _cloudfront(template: Template, drafts: dict[str, FunctionDraft], name: str, props: dict[str, Any]) -> None:
    """LambdaFunctionAssociations: Lambda@Edge, run by CloudFront for each request or response of its event."""
    config = props.get("DistributionConfig")
    if not isinstance(config, dict):
        return
    others = config.get("CacheBehaviors")
    behaviors = [config.get("DefaultCacheBehavior"), *(others if isinstance(others, list) else [])]
    for behavior in behaviors:
        associations = behavior.get("LambdaFunctionAssociations") if isinstance(behavior, dict) else None
        for association in associations if isinstance(associations, list) else []:
            if not isinstance(association, dict):
                continue
            target = _versioned_function(template, drafts, association.get("LambdaFunctionARN"))
            event = str(template.resolve(association.get("EventType")).value)
            if target is None or event not in EDGE_EVENTS:
                continue
            draft = drafts[target]
            if "edge" in draft.settings:
                draft.notes.append(f"CloudFront distribution {name} also runs it on {event}: a workload function has "
                                   "one Lambda@Edge trigger, so draft a second function for it")
                continue
            draft.settings["edge"] = Known({"trigger": event}, f"distribution {name} LambdaFunctionAssociations")
            source = SourceDraft("sync", f"CloudFront distribution {name}, {event} (Lambda@Edge)")
            source.volume = f": CloudFront {event.replace('-', ' ')}s that run it, e.g. 10M"
            draft.sources.append(source)


def _versioned_function(template: Template, drafts: dict[str, FunctionDraft], raw: Any) -> str | None:
    """Lambda@Edge names a version: !Ref AWS::Lambda::Version (its FunctionName), or a function's Version."""
    for reference in template.references(raw):
        if reference in drafts:
            return reference
        if template.type_of(reference) == "AWS::Lambda::Version":
            target = template.function_in(template.properties(reference).get("FunctionName"), drafts)
            if target is not None:
                return target
    return None
