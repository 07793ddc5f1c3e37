"""`calibrate --into`: measured values written into the user's workload in place of the guessed ones, keeping its
comments, key order and layout (ruamel.yaml's round trip), and what that does to the estimate."""

from __future__ import annotations

import io
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from lambda_cost.errors import LambdaCostError, WorkloadError
from lambda_cost.model.units import PLACEHOLDER
from lambda_cost.model.workload import RATE_FIELDS
from lambda_cost.usage.calibration import Calibration, Change, estimate_text

if TYPE_CHECKING:
    from lambda_cost.usage.measure import Measurement

PER_EVENT = ("sync", "async")  # each event retried alone: an attempt fails with p itself
_INIT_KEYS = ("init_duration_ms", "cold_start_rate", "cold_starts_per_month")
_OURS = "calibrated:"


def calibrate_into(calibration: Calibration, path: str) -> str:
    """The workload at `path` with the measured values in it; fills calibration's changes and both estimates."""
    from lambda_cost.stages.load import parse, read_source

    source = read_source(path)
    parse(source)  # the project's own messages for a file that is not YAML, before ruamel reads it
    yaml = _round_trip(source.text)
    document = yaml.load(source.text)
    functions = document.get("functions") if hasattr(document, "get") else None
    if not isinstance(functions, list):
        raise WorkloadError(f"{path}: no functions list to calibrate", hint="--into takes a lambda-cost workload")
    measured = {m.name: m for m in calibration.measurements}
    changes: list[Change] = []
    named = []
    for function in functions:
        name = function.get("name") if hasattr(function, "get") else None
        named.append(name)
        if name in measured:
            changes += _function(function, measured[name])
    calibration.into = path
    calibration.changes = changes
    calibration.not_in_workload = sorted(set(measured) - set(named))
    calibration.not_in_usage = [str(n) for n in named if n not in measured]
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    text = buffer.getvalue()
    for attribute, label, body in (("old", path, source.text), ("new", f"{path} (calibrated)", text)):
        try:
            total = estimate_text(body, label).grand_total
        except LambdaCostError as error:
            first = error.problems[0].render() if error.problems else error.message
            setattr(calibration, f"{attribute}_unpriced", f"not priced: {first}")
        else:
            setattr(calibration, f"{attribute}_total", total)
    return text


def _round_trip(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    from lambda_cost.render.calibrate import exact_text

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a user's long line
    _, sequence, offset = load_yaml_guess_indent(text)
    yaml.indent(mapping=_mapping_indent(text), sequence=sequence or 2, offset=offset or 0)

    def decimal(representer: Any, value: Decimal) -> Any:
        written = exact_text(value)
        tag = "int" if "." not in written else "float"
        return representer.represent_scalar(f"tag:yaml.org,2002:{tag}", written)

    yaml.representer.add_representer(Decimal, decimal)
    return yaml


def _mapping_indent(text: str) -> int:
    """How far a nested mapping is indented: the first key with a block value and the key under it."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for line, below in pairwise(lines):
        if line.rstrip().endswith(":") and not below.lstrip().startswith("- "):
            step = (len(below) - len(below.lstrip())) - (len(line) - len(line.lstrip()))
            if step > 0:
                return step
    return 2


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class _Editor:
    """Changes to one function's mapping, recorded as they are made."""

    def __init__(self, function: Any, name: str) -> None:
        self.function = function
        self.name = name
        self.changes: list[Change] = []

    def set(self, mapping: Any, key: str, value: Any, why: str, where: str = "", after: str | None = None) -> None:
        old = mapping.get(key)
        placeholder = isinstance(old, str) and old.strip().startswith(PLACEHOLDER)
        if key in mapping:
            mapping[key] = value
        else:
            keys = list(mapping.keys())
            position = keys.index(after) + 1 if after in keys else len(keys)
            mapping.insert(position, key, value)
        comment = _comment(mapping, key)
        if not comment or placeholder or PLACEHOLDER in comment or comment.startswith(_OURS):
            _set_comment(mapping, key, f"# {_OURS} {why}")
        if _text(old) != _text(value):
            self.changes.append(Change(self.name, f"{where}{key}", _text(old), _shown(value), ""))

    def remove(self, mapping: Any, key: str, why: str) -> None:
        if key in mapping:
            self.changes.append(Change(self.name, key, _text(mapping[key]), None, why))
            del mapping[key]


def _shown(value: Any) -> str:
    from lambda_cost.render.calibrate import exact_text

    if isinstance(value, bool):
        return "true" if value else "false"
    return exact_text(value) if isinstance(value, Decimal) else str(value)


def _token(mapping: Any, key: str) -> Any:
    item = mapping.ca.items.get(key)
    return item[2] if item and len(item) > 2 else None


def _comment(mapping: Any, key: str) -> str | None:
    token = _token(mapping, key)
    return token.value.split("\n")[0].strip().lstrip("#").strip() if token is not None else None


def _set_comment(mapping: Any, key: str, text: str) -> None:
    """The key's end-of-line comment, in the column of its mapping's comments; full-line comments that follow
    it (ruamel keeps them in the same token) stay."""
    token = _token(mapping, key)
    rest = token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""
    if token is not None and token.value.split("\n", 1)[0].strip():
        token.value = text + ("\n" + rest if rest else "")
        return
    columns = [item[2].column for other, item in mapping.ca.items.items()
               if other != key and len(item) > 2 and item[2] is not None and item[2].value.split("\n")[0].strip()]
    mapping.yaml_add_eol_comment(text, key, column=max(columns) if columns else None)
    if rest:  # full-line comments that followed the key's line
        _token(mapping, key).value = text + "\n" + rest


def _function(function: Any, m: Measurement) -> list[Change]:
    from lambda_cost.render.calibrate import error_evidence, memory_evidence, volume_evidence

    edit = _Editor(function, m.name)
    sources = [s for s in (function.get("invocations") or []) if hasattr(s, "get")]
    if m.memory_mb is not None:
        edit.set(function, "memory_mb", m.memory_mb, memory_evidence(m))
    split = m.success_duration_ms is not None and all(s.get("type") in PER_EVENT for s in sources)
    if m.duration_ms is not None:
        ok = m.success_duration_ms if split else m.duration_ms
        edit.set(function, "duration_ms", ok, m.duration_source if not split else "mean Billed Duration of the "
                 "successful invocations")
        failed = m.failed_duration_ms if split else (m.duration_ms if "error_duration_ms" in function else None)
        if failed is not None:
            edit.set(function, "error_duration_ms", failed, "mean Billed Duration of the failed invocations"
                     if split else "= duration_ms: the mean of every invocation", after="duration_ms")
        if m.billed_ms:
            edit.set(function, "durations_billed", True, "means of Billed Duration: not rounded up again",
                     after="error_duration_ms" if "error_duration_ms" in function else "duration_ms")
    _init(edit, function, m)
    if function.get("versions"):
        edit.changes.append(_note(m.name, "versions", "the log group mixes every version: the versions' own "
                                  "durations and memory are left as written"))
    _volumes(edit, sources, m, volume_evidence(m), error_evidence(m))
    return edit.changes


def _note(name: str, key: str, why: str) -> Change:
    return Change(name, key, "—", "(left as written)", why)


def _init(edit: _Editor, function: Any, m: Measurement) -> None:
    """Billed Duration already holds the INIT that was billed: INIT keys would add it again. A SnapStart
    function keeps its cold start rate, which prices the restores (a charge apart from duration)."""
    if function.get("snapstart") is True and m.restores and m.invocations:
        edit.remove(function, "cold_starts_per_month", "a SnapStart function's restores are measured")
        edit.set(function, "cold_start_rate", Decimal(m.restores) / m.invocations,
                 f"{m.restores:,} SnapStart restores in {m.invocations_source}")
        return
    for key in _INIT_KEYS:
        edit.remove(function, key, "Billed Duration already includes the INIT that was billed: "
                    "the key would bill it twice")


def _volumes(edit: _Editor, sources: list[Any], m: Measurement, volume_why: str, error_why: str) -> None:
    """The measured attempts shared over the function's sources (in proportion to their old volumes: logs cannot
    tell triggers apart), each volume chosen so that its type's retries and batches give back those attempts."""
    if not sources:
        return
    rate = m.error_rate if m.error_rate is not None else Decimal(0)
    weights = [_old_volume(source) for source in sources]
    if any(w is None for w in weights) or not sum(w for w in weights if w is not None):
        weights = [Decimal(1)] * len(sources)
    total = sum((w for w in weights if w is not None), Decimal(0))
    for index, (source, weight) in enumerate(zip(sources, weights, strict=True)):
        assert weight is not None
        error_rate = _item_error_rate(source, rate)
        attempts = m.per_month * weight / total
        per_unit = _attempts_per_unit(source, error_rate)
        where = f"invocations[{index}]."
        volume_key = next((key for key in RATE_FIELDS if key in source), None)
        if volume_key not in (None, "per_month"):
            position = list(source.keys()).index(volume_key)
            edit.changes.append(_removed(m.name, where + volume_key, source[volume_key]))
            del source[volume_key]
            source.insert(position, "per_month", None)
        share = f"; {readable_share(weight, total)} of it" if len(sources) > 1 else ""
        edit.set(source, "per_month", attempts / per_unit, volume_why + share, where)
        edit.set(source, "error_rate", error_rate, error_why, where, after="per_month")


def readable_share(weight: Decimal, total: Decimal) -> str:
    from lambda_cost.numbers import readable

    return readable(weight / total * 100, 2) + "%"


def _removed(name: str, key: str, old: Any) -> Change:
    return Change(name, key, str(old), None, "replaced by per_month")


def _item_error_rate(source: Any, attempt_rate: Decimal) -> Decimal:
    """A batch fails when one of its n items does: q = 1 − (1 − p)^n, so the item's p = 1 − (1 − q)^(1/n)."""
    if source.get("type") in PER_EVENT or source.get("report_batch_item_failures") is True:
        return attempt_rate
    size = source.get("batch_size")
    default = 10 if source.get("type") == "sqs" else 100
    n = int(size) if isinstance(size, int) else default
    return 1 - (1 - attempt_rate) ** (Decimal(1) / n) if attempt_rate else attempt_rate


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float):  # ruamel's ScalarFloat: its text, exactly
        return Decimal(str(value))
    return value


def _probe(source: Any, error_rate: Decimal, volume: Any) -> Any:
    """One source of a one-function workload, expanded by the estimator itself."""
    from lambda_cost.stages.expand import expand
    from lambda_cost.stages.load import Source
    from lambda_cost.stages.validate import build_workload

    data = {k: v for k, v in _plain(dict(source)).items() if k not in (*RATE_FIELDS, "target")}
    data.update(error_rate=error_rate, **volume)
    workload = build_workload({"version": 1, "functions": [
        {"name": "probe", "memory_mb": 128, "duration_ms": 1, "invocations": [data]}]}, Source("--into", ""))
    expansion = expand(workload)
    if expansion.problems:  # retries that never end: no attempts per unit of volume
        raise WorkloadError("the source cannot be expanded", problems=expansion.problems)
    return expansion.usages[0]


def _attempts_per_unit(source: Any, error_rate: Decimal) -> Decimal:
    """Attempts a month per unit of volume, with the source's type, batch size and retries."""
    try:
        invocations: Decimal = _probe(source, error_rate, {"per_month": 1}).invocations
    except LambdaCostError:
        return Decimal(1)  # the source cannot be expanded as written: its volume counts attempts
    return invocations


def _old_volume(source: Any) -> Decimal | None:
    key = next((k for k in RATE_FIELDS if k in source), None)
    if key is None:
        return None
    try:
        volume: Decimal = _probe(source, Decimal(0), {key: _plain(source[key])}).sources[0].volume
    except (LambdaCostError, ValueError):
        return None
    return volume
