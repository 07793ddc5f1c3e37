"""The JSON format: one versioned document, exact decimal strings, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

from ..numbers import plain
from ..price import PricedFunction
from ..report import SCHEMA_VERSION, Estimate
from . import RenderOptions


def render(estimate: Estimate, options: RenderOptions) -> str:
    return json.dumps(document(estimate, options), indent=2, ensure_ascii=False) + "\n"


def document(estimate: Estimate, options: RenderOptions) -> dict[str, Any]:
    """The JSON document as plain data (schema_version 1)."""
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
        "functions": [_function(function, options) for function in estimate.functions],
        "free_tier": {
            "enabled": free.enabled,
            "requests": {"allowance": plain(free.requests_allowance), "used": plain(free.requests_used)},
            "gb_seconds": {"allowance": plain(free.gb_seconds_allowance), "used": plain(free.gb_seconds_used)},
        },
        "warnings": [{"message": w.message, "where": w.where} for w in estimate.warnings],
    }


def _function(priced: PricedFunction, options: RenderOptions) -> dict[str, Any]:
    function = priced.usage.function
    line_items = []
    for item in priced.line_items:
        entry: dict[str, Any] = {
            "component": item.component,
            "description": item.description,
            "quantity": plain(item.quantity),
            "unit": item.unit,
            "unit_price": plain(item.unit_price),
            "cost": plain(item.cost),
        }
        if options.explain:
            entry["explain"] = item.explain()
        line_items.append(entry)
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
            source_entry["explain"] = source.explain()
        sources.append(source_entry)
    result: dict[str, Any] = {
        "name": function.name,
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
    }
    if options.explain:
        result["explain"] = priced.explain_usage()
    return result
