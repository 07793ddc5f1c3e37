"""What the Terraform and Serverless readers share: SAM's mapping semantics, said in the source's own names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from lambda_cost.templates.sam import (
    FunctionDraft,
    Known,
    SourceDraft,
    Template,
    _mapping_settings,
    _schedule,
)


@dataclass(frozen=True)
class Unknown:
    """A value known only at deploy time, or an expression init does not evaluate; `pattern` keeps its literal
    parts with * for the rest (enough to see an ARN's service)."""

    why: str
    pattern: str | None = None


def relabel(text: str, names: dict[str, str]) -> str:
    """SAM's notes name CloudFormation properties (BatchSize); say them as the source spells them (batch_size)."""
    if not names or not text:
        return text
    return _names_pattern(tuple(names)).sub(lambda m: names[m.group(0)], text)


@functools.lru_cache(maxsize=8)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    def word(name: str) -> str:  # a whole word: not inside a longer name
        before = r"(?<![A-Za-z_])" if name[:1].isalnum() else ""
        after = r"(?![A-Za-z_])" if name[-1:].isalnum() else ""
        return f"{before}{re.escape(name)}{after}"

    return re.compile("|".join(word(name) for name in sorted(names, key=len, reverse=True)))


def relabel_known(known: Known, names: dict[str, str]) -> None:
    known.note = relabel(known.note, names)


def relabel_draft(draft: FunctionDraft, names: dict[str, str]) -> None:
    """Every note of a function and of its sources, in the source's names."""
    for known in draft.settings.values():
        relabel_known(known, names)
    draft.notes = [relabel(note, names) for note in draft.notes]
    draft.skipped = [relabel(note, names) for note in draft.skipped]
    for source in draft.sources:
        for known in source.settings.values():
            relabel_known(known, names)
        if source.per_month is not None:
            relabel_known(source.per_month, names)
        source.notes = [relabel(note, names) for note in source.notes]
        source.volume = relabel(source.volume, names)


def mapping_source(template: Template, kind: str, origin: str, props: dict[str, Any], queue: str | None) -> SourceDraft:
    """An event source mapping given as CloudFormation properties, read by SAM's rules (batch size, retries,
    filters, provisioned pollers, tumbling windows, the queue's redrive policy)."""
    source = SourceDraft(kind, origin)
    _mapping_settings(template, source, {key: value for key, value in props.items() if value is not None}, queue)
    return source


def scheduled(template: Template, origin: str, expression: Any) -> SourceDraft:
    """An asynchronous source run by a schedule: rate() gives its volume, cron() is left to count."""
    source = SourceDraft("async", origin)
    if expression is not None:
        _schedule(template, source, expression)
    return source


def edge_region(draft: FunctionDraft) -> None:
    """Lambda@Edge functions are created in us-east-1, whatever region the rest of the stack deploys to."""
    region = draft.settings.get("region")
    if "edge" in draft.settings and region is not None and region.value != "us-east-1":
        said = f"{region.note} says {region.value}" if region.value is not None else region.note
        draft.settings["region"] = Known("us-east-1", f"Lambda@Edge functions are created in us-east-1 ({said})")


def filtered(source: SourceDraft, what: str) -> None:
    """Only the events that match a filter reach the function: the volume counts those."""
    source.volume = f" that match {what}; the others never reach the function and are not billed, e.g. 3M"
