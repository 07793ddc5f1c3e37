"""Drafts to workload YAML: the commented starter, or one written from a template's functions."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from lambda_cost.model.units import PLACEHOLDER
from lambda_cost.stages.load import reads_as_text
from lambda_cost.templates.sam import FunctionDraft, Known, SourceDraft, as_number

COMMENT_COLUMN = 36
HEADER = """\
# A lambda-cost workload: what runs, how often, how long. Price it with `lambda-cost estimate FILE`.
# Fill in every FILL-ME; `lambda-cost validate FILE` lists those left, with what each one needs.
# Units: counts 3M, 200k; rates 50/s, 200k/day; sizes 512 MB, 1.5 GB; durations 120ms, 1.2s (see the README).
# For completion in editors: `lambda-cost schema -o lambda-cost.schema.json`, then make the first line
#   # yaml-language-server: $schema=./lambda-cost.schema.json
"""
VOLUME_UNITS = {"sync": "requests", "async": "events", "sqs": "messages", "mq": "messages"}
BATCHED = ("sqs", "kinesis", "dynamodb", "msk", "kafka", "mq", "documentdb")
NUMERIC = ("memory_mb", "timeout_s", "ephemeral_storage_mb", "batch_size", "max_receive_count",
           "max_retry_attempts", "max_retries", "reserved_concurrency")
_PLAIN = re.compile(r"^[A-Za-z0-9_.:/-]+$")

BLANK = HEADER + f"""\
version: 1
region: us-east-1                   # the AWS region the functions run in
free_tier: true                     # deduct the account's monthly free tier
functions:
  - name: api                       # one entry per Lambda function
    memory_mb: 1024                 # 128..10240, or 1 GB
    architecture: arm64             # x86_64 or arm64
    timeout_s: 30                   # 1..900; no duration may exceed it
    duration_ms: {PLACEHOLDER}            # mean duration of a successful attempt, e.g. 120ms
    # error_duration_ms: 900ms      # optional: mean duration of a failed attempt
    invocations:
      - type: sync                  # sync, async, sqs, kinesis, dynamodb, msk, kafka, mq, documentdb
        per_month: {PLACEHOLDER}          # requests a month, e.g. 3M (or rate: 50/s instead)
        error_rate: {PLACEHOLDER}         # probability that one attempt fails, 0..1, e.g. 0.01
        client_retries: 0           # retries the caller makes on an error
"""


def _line(indent: int, text: str, comment: str = "") -> str:
    line = " " * indent + text
    if comment:
        line = line.ljust(COMMENT_COLUMN - 1) + " # " + comment
    # Comments and notes quote the template (a logical id, an event name): a line break in one would end the
    # comment and start YAML of the template's making. Such characters are written as escapes.
    return line if line.isprintable() else "".join(ch if ch.isprintable() else _escape(ch) for ch in line)


def _escape(character: str) -> str:
    return json.dumps(character)[1:-1] if character.isascii() else character.encode("unicode_escape").decode()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_scalar(item)}" for key, item in value.items()) + "}"
    text = str(value)
    # Plain only when YAML reads it back as this same text (not 0x1F, 1:30 or 2024-01-01, which it reads as numbers
    # and dates); anything else in double quotes, with escapes.
    plain = _PLAIN.match(text) and reads_as_text(text)
    return text if plain and not text.startswith("-") else _quoted(text)


_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quoted(text: str) -> str:
    """A YAML double-quoted string: printable characters as they are, the others as YAML's escapes (a half of a
    surrogate pair, which no YAML or UTF-8 can hold, as the replacement character)."""
    out = ['"']
    for character in text:
        code = ord(character)
        if character in '"\\':
            out.append("\\" + character)
        elif character in _ESCAPES:
            out.append(_ESCAPES[character])
        elif 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xFFFD and not 0xD800 <= code <= 0xDFFF and code not in (
                0x2028, 0x2029, 0xFEFF)) or code >= 0x10000:
            out.append(character)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
    return "".join(out) + '"'


def _key(indent: int, key: str, known: Known, supported: bool, what: str = "") -> list[str]:
    """One key: its value or a placeholder, its origin as a comment; commented out where not yet priced."""
    value = known.value
    if key in NUMERIC and value is not None:
        # A number as a number; what is none (Infinity, 1e999999, sNaN) as the template writes it, for validate to
        # refuse at its line.
        number = as_number(value)
        value = number if number is not None or isinstance(value, (dict, list)) else str(value)
    if isinstance(value, dict) and any(item is None for item in value.values()):
        value = {name: PLACEHOLDER if item is None else item for name, item in value.items()}
    note = "; ".join(part for part in (what, known.note) if part and part != "default")
    if value is None:
        text = f"{key}: {PLACEHOLDER}"
        note = "; ".join(part for part in (note, "the template does not say: fill in") if part)
    else:
        text = f"{key}: {_scalar(value)}"
    if supported:
        return [_line(indent, text, note)]
    return [_line(indent, f"# {text}", f"(priced once lambda-cost supports it) {note}".strip())]


def _fields(model: Any) -> set[str]:
    return set(getattr(model, "model_fields", {}))


def draft_text(drafts: list[FunctionDraft], template_name: str, notes: Sequence[str] = ()) -> str:
    """The workload for the template's functions, each value commented with where it came from."""
    from lambda_cost.model import workload

    function_fields = _fields(workload.Function)
    lines = [
        f"# Drafted by `lambda-cost init --from {template_name}`: every function of the template with its",
        "# configuration and triggers. Volumes, durations and error rates are not in a template: fill them in.",
        HEADER.rstrip("\n"),
        *(f"# {note}" for note in notes),
        "version: 1",
        _line(0, "region: us-east-1", "the region you deploy to"),
        "functions:",
    ]
    for draft in drafts:
        lines += _function_lines(draft, function_fields)
    return "\n".join(lines) + "\n"


def _function_lines(draft: FunctionDraft, function_fields: set[str]) -> list[str]:
    lines = [_line(2, f"- name: {_scalar(draft.name)}", f"{draft.resource_type} {draft.name}")]
    for note in draft.notes:
        lines.append(_line(4, f"# {note}"))
    order = ("memory_mb", "architecture", "ephemeral_storage_mb", "timeout_s", "runtime", "package_type",
             "snapstart", "provisioned_concurrency", "reserved_concurrency", "region", "edge")
    for key in order:
        known = draft.settings.get(key)
        if known is not None:
            lines += _key(4, key, known, key in function_fields)
    batched = any(source.type in BATCHED for source in draft.sources)
    duration_hint = "mean duration of a successful invocation" + (" (of one batch)" if batched else "")
    lines.append(_line(4, f"duration_ms: {PLACEHOLDER}", f"{duration_hint}, e.g. 120ms"))
    lines.append(_line(4, "# error_duration_ms: 900ms", "optional: mean duration of a failed attempt"))
    lines.append("    invocations:")
    lines += [_line(6, f"# skipped: {skipped}") for skipped in draft.skipped]
    # A workload function needs an invocation: a placeholder source, its type to check.
    sources = draft.sources or [SourceDraft("sync", f"{draft.no_trigger()}: set the type that invokes it")]
    for source in sources:
        lines += _source_lines(source)
    return lines


def _source_lines(source: SourceDraft) -> list[str]:
    from lambda_cost.model import workload

    models = {"sync": workload.SyncSource, "async": workload.AsyncSource, "sqs": workload.SqsSource,
              "mq": workload.MqSource}
    model_fields = _fields(models.get(source.type, workload.StreamSource))
    unit = VOLUME_UNITS.get(source.type, "records")
    lines = [_line(6, f"- type: {source.type}", source.origin)]
    for note in source.notes:
        lines.append(_line(8, f"# {note}"))
    if source.per_month is not None:
        lines += _key(8, "per_month", source.per_month, True, f"{unit} a month")
    else:
        counts = source.volume or ", e.g. 3M (or rate: 50/s instead)"
        lines.append(_line(8, f"per_month: {PLACEHOLDER}", f"{unit} a month{counts}"))
    lines.append(_line(8, f"error_rate: {PLACEHOLDER}", "probability that one attempt fails, 0..1, e.g. 0.01"))
    for key, known in source.settings.items():
        lines += _key(8, key, known, key in model_fields)
    if source.type == "async":
        # Optional either way: most events are far below the size that is billed, so no placeholder.
        state = "optional" if "payload_kb" in model_fields else "(priced once lambda-cost supports it)"
        lines.append(_line(8, "# payload_kb: 1", f"{state} mean event size in KB"))
    return lines
