"""The JSON format: one versioned document, exact decimal strings, byte-identical for the same input."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

from lambda_cost.model.estimate import Estimate, FileSubtotal
from lambda_cost.model.priced import Allowance, CreditItem, LineItem, PricedFunction
from lambda_cost.numbers import ZERO, plain
from lambda_cost.render import RenderOptions
from lambda_cost.render.explain import item_text, source_text, usage_text
from lambda_cost.stages.report import SCHEMA_VERSION


def render(estimate: Estimate, options: RenderOptions) -> str:
    buffer = io.StringIO()
    write(estimate, options, buffer)
    return buffer.getvalue()


def write(estimate: Estimate, options: RenderOptions, out: TextIO) -> None:
    """The document with one key per line and one function per line, streamed function by function.

    Only json's C encoder is fast, and it does not indent: each top-level value and each function is
    encoded compactly on its own line, which keeps large estimates fast and small in memory, and diffs
    readable.
    """
    doc = document(estimate, options, with_functions=False)
    out.write("{\n")
    last = len(doc) - 1
    for position, (key, value) in enumerate(doc.items()):
        comma = "," if position < last else ""
        if key == "functions":
            out.write('  "functions": [')
            separator = "\n    "
            for function in estimate.functions:
                out.write(separator + _dump(_function(function, options)))
                separator = ",\n    "
            out.write(f"\n  ]{comma}\n" if estimate.functions else f"]{comma}\n")
        else:
            out.write(f"  {_dump(key)}: {_dump(value)}{comma}\n")
    out.write("}\n")


# One encoder for the whole document: json.dumps() with any non-default option makes a new one for each call,
# and a large estimate encodes one value per function.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _dump(value: Any) -> str:
    return _ENCODE(value)


def document(estimate: Estimate, options: RenderOptions, *, with_functions: bool = True) -> dict[str, Any]:
    """The JSON document as plain data (schema_version 2: functions gross, the free tier one account-level credit);
    write() streams the functions itself."""
    pricing = estimate.pricing
    free = estimate.free_tier
    return {
        "schema_version": SCHEMA_VERSION,
        "currency": "USD",
        "period": "month",
        "workload": estimate.workload,
        "pricing": {
            "version": pricing.version,
            "effective": pricing.effective.isoformat(),
            "sha256": pricing.sha256,
            "sources": list(pricing.sources),
        },
        "total": plain(estimate.total),
        "related_total": plain(estimate.related_total),
        "grand_total": plain(estimate.grand_total),
        "functions": [_function(function, options) for function in estimate.functions] if with_functions else [],
        "free_tier": {
            "enabled": free.enabled,
            "requests": _allowance(free.requests, free.enabled),
            "gb_seconds": _allowance(free.gb_seconds, free.enabled),
            "response_streaming_gb": None if free.streaming_gb is None else _allowance(free.streaming_gb, free.enabled),
            "total": plain(free.total),
            "line_items": _items(free.items, options),
        },
        "savings_plan": None if estimate.savings_discount is None else {"discount": plain(estimate.savings_discount)},
        "warnings": [{"message": w.message, "where": w.where} for w in estimate.warnings],
        "budget": _budget(estimate),
        **({"files": [_subtotal(f) for f in estimate.files]} if estimate.files else {}),
    }


def _allowance(allowance: Allowance, enabled: bool) -> dict[str, Any]:
    """One component of the free tier: the allowance, what other usage takes, what the workload uses and is
    credited (`used`)."""
    return {
        "allowance": plain(allowance.allowance),
        "used_elsewhere": "exhausted" if allowance.elsewhere is None else plain(allowance.elsewhere),
        "used_here": plain(allowance.eligible),
        "used": plain(allowance.credited if enabled else ZERO),
    }


def _subtotal(subtotal: FileSubtotal) -> dict[str, Any]:
    return {"workload": subtotal.workload, "prefix": subtotal.prefix, "functions": subtotal.functions,
            "total": plain(subtotal.total), "related_total": plain(subtotal.related_total),
            "grand_total": plain(subtotal.grand_total)}


def _budget(estimate: Estimate) -> dict[str, Any] | None:
    report = estimate.budget
    if report is None:
        return None
    return {
        "status": report.status,
        "warn_at": plain(report.warn_at),
        "checks": [
            {
                "scope": check.scope,
                "name": check.name,
                "limit": plain(check.limit),
                "actual": plain(check.actual),
                "headroom": plain(check.headroom),
                "warn_at": plain(check.warn_at),
                "status": check.status,
                "drivers": [{"name": name, "cost": plain(cost)} for name, cost in check.drivers],
            }
            for check in report.checks
        ],
    }


def _items(items: Sequence[LineItem], options: RenderOptions) -> list[dict[str, Any]]:
    entries = []
    for item in items:
        entry: dict[str, Any] = {
            "component": item.component,
            "description": item.description,
            # a credit line names the usage it covers
            **({"region": item.region, "architecture": item.architecture} if isinstance(item, CreditItem) else {}),
            "quantity": plain(item.quantity),
            "unit": item.unit,
            "unit_price": plain(item.unit_price),
            "cost": plain(item.cost),
        }
        if options.explain:
            entry["explain"] = item_text(item)
        entries.append(entry)
    return entries


def _dimensions(priced: PricedFunction) -> dict[str, Any]:
    """Usage figures of the newer dimensions: provisioned concurrency, cold starts, concurrency."""
    extras = priced.extras
    pc = extras.provisioning if extras else None
    return {
        "provisioned_concurrency": None if pc is None else {
            "units": plain(pc.units),
            "utilization": plain(pc.utilization),
            "needed_concurrency": plain(pc.needed),
            "served_invocations": plain(pc.served_invocations),
            "spillover_invocations": plain(pc.spillover_invocations),
        },
        "cold_starts": plain(extras.cold_starts) if extras else "0",
        "init_gb_seconds": plain(extras.init_gb_seconds) if extras else "0",
        "peak_concurrency": plain(priced.usage.peak_concurrency),
    }


def _function(priced: PricedFunction, options: RenderOptions) -> dict[str, Any]:
    function = priced.usage.function
    line_items = _items(priced.line_items, options)
    sources = []
    for source in priced.usage.sources:
        source_entry: dict[str, Any] = {
            "type": source.type,
            "volume": plain(source.volume),
            "volume_unit": source.volume_unit,
            "batch_size": source.batch_size,
            "invocations": plain(source.invocations),
            "failed_invocations": plain(source.failed_invocations),
            "lost": plain(source.lost),
            "lost_label": source.lost_label,
        }
        if options.explain:
            source_entry["explain"] = source_text(source)
        sources.append(source_entry)
    result: dict[str, Any] = {
        "name": function.label,
        "function": function.name,
        "version": function.version,
        "region": priced.usage.region,
        "architecture": function.architecture,
        "memory_mb": function.memory_mb,
        "ephemeral_storage_mb": function.ephemeral_storage_mb,
        "requests": plain(priced.requests),
        "gb_seconds": plain(priced.gb_seconds),
        "storage_gb_seconds": plain(priced.storage_gb_seconds),
        "total": plain(priced.total),
        "line_items": line_items,
        "sources": sources,
        **_dimensions(priced),
        "related_total": plain(priced.related_total),
        "related_items": _items(priced.related_items, options),
        # not in its total: what the account's free-tier credit covers of it (reconcile --by function)
        "free_tier_share": dict(zip(("requests", "gb_seconds", "response_streaming_gb"),
                                    (plain(amount) for amount in priced.free_share), strict=True)),
    }
    if options.explain:
        result["explain"] = usage_text(priced)
    return result
