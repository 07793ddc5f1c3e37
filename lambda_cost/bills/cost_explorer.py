"""Cost Explorer's `get-cost-and-usage` JSON, grouped by USAGE_TYPE (and optionally RESOURCE_ID, RECORD_TYPE,
SERVICE or REGION), as a bill."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from lambda_cost.bills.files import BillFile, open_bytes
from lambda_cost.bills.model import USAGE, Bill, BillGroup
from lambda_cost.errors import InputError, Problem
from lambda_cost.numbers import ZERO

FORMAT_NAME = "Cost Explorer get-cost-and-usage, JSON"
_COST_METRICS = ("UnblendedCost", "NetUnblendedCost", "AmortizedCost", "BlendedCost")
_QUANTITY = "UsageQuantity"
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")  # ISO 4217, as Cost Explorer writes a cost's Unit (USD, CNY)
_LAMBDA = "AWS Lambda"
_HINT = ("aws ce get-cost-and-usage --granularity MONTHLY --metrics UnblendedCost UsageQuantity --filter "
         "'{\"Dimensions\": {\"Key\": \"SERVICE\", \"Values\": [\"AWS Lambda\"]}}' "
         "--group-by Type=DIMENSION,Key=USAGE_TYPE")


def read_cost_explorer(files: Sequence[BillFile]) -> Bill:
    """Every file's groups, summed as one bill (several files: several periods or accounts)."""
    groups: dict[tuple[Any, ...], BillGroup] = {}
    for bill_file in files:
        for group in _groups(bill_file):
            key = (group.month, group.currency, group.usage_type, group.line_item_type, group.region,
                   group.resource_id)
            before = groups.get(key)
            if before is not None:
                group = BillGroup(*key, False, before.usage_amount + group.usage_amount, before.cost + group.cost,
                                  ZERO, before.line_items + group.line_items)
            groups[key] = group
    ordered = sorted(groups.values(), key=lambda g: (g.month, g.usage_type, g.line_item_type, g.resource_id or ""))
    # Cost Explorer adds the free tier's usage into its usage type: the bill has no free-tier lines of its own.
    return Bill(FORMAT_NAME, tuple(f.path for f in files), tuple(ordered), free_tier_apart=False)


def _document(bill_file: BillFile) -> Any:
    from lambda_cost.stages.load import Source, parse_json

    try:
        with open_bytes(bill_file.path, bill_file.compressed) as handle:
            text = handle.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{bill_file.path}: not UTF-8 text", hint="give the JSON Cost Explorer printed") from None
    # The workload's JSON reader: exact numbers, bounded digits and depth, every problem located in our words.
    return parse_json(Source(str(bill_file.path), text))


def _groups(bill_file: BillFile) -> list[BillGroup]:
    path = bill_file.path
    data = _document(bill_file)
    if not isinstance(data, dict) or not isinstance(data.get("ResultsByTime"), list):
        raise InputError(f"{path}: JSON, but not the output of Cost Explorer's get-cost-and-usage "
                         "(no ResultsByTime)", hint=_HINT)
    keys = _group_keys(data, path)
    groups: list[BillGroup] = []
    problems: list[Problem] = []
    for index, result in enumerate(data["ResultsByTime"]):
        where = ("ResultsByTime", index)
        if not isinstance(result, dict):
            problems.append(Problem("not an object", path=where, file=path))
            continue
        period = result.get("TimePeriod")
        start = period.get("Start") if isinstance(period, dict) else None
        month = start[:7] if isinstance(start, str) else ""
        if not _MONTH.match(month):
            problems.append(Problem(f"TimePeriod.Start {json.dumps(start)[:40]} is not a date such as 2026-10-01",
                                    path=(*where, "TimePeriod", "Start"), file=path))
            continue
        entries = result.get("Groups") or []
        if not isinstance(entries, list):
            problems.append(Problem("Groups is not a list of groups", path=(*where, "Groups"), file=path))
            continue
        if not entries and result.get("Total"):
            raise InputError(f"{path}: Cost Explorer totals without groups; reconcile needs the usage types",
                             hint=_HINT)
        for number, entry in enumerate(entries):
            group = _group(entry, keys, month, (*where, "Groups", number), path, problems)
            if group is not None:
                groups.append(group)
    if problems:
        raise InputError(f"{path}: not the output of Cost Explorer's get-cost-and-usage", problems=problems[:20],
                         hint=_HINT)
    return groups


def _group_keys(data: dict[str, Any], path: str) -> list[str]:
    """What each of a group's Keys is: USAGE_TYPE must be one of them."""
    definitions = data.get("GroupDefinitions")
    if not isinstance(definitions, list) or not definitions:
        return ["USAGE_TYPE"]  # a response saved without its definitions: the one grouping reconcile needs
    keys = [str(d.get("Key", "")) if isinstance(d, dict) else "" for d in definitions]
    if "USAGE_TYPE" not in keys:
        raise InputError(f"{path}: Cost Explorer output grouped by {', '.join(keys)}, not by USAGE_TYPE",
                         hint=_HINT)
    return keys


def _group(entry: Any, keys: list[str], month: str, where: tuple[str | int, ...], path: str,
           problems: list[Problem]) -> BillGroup | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("Keys"), list) or len(entry["Keys"]) != len(keys):
        problems.append(Problem(f"a group without its {len(keys)} key(s)", path=where, file=path))
        return None
    values = dict(zip(keys, (str(key) for key in entry["Keys"]), strict=True))
    if values.get("SERVICE", _LAMBDA) != _LAMBDA:
        return None  # another service's line: the bill may cover the account; reconcile reads Lambda's
    metrics = entry.get("Metrics") or {}
    if not isinstance(metrics, dict):
        problems.append(Problem("Metrics is not an object of metrics (UnblendedCost, UsageQuantity)",
                                path=(*where, "Metrics"), file=path))
        return None
    cost_metric = next((name for name in _COST_METRICS if name in metrics), None)
    if cost_metric is None or _QUANTITY not in metrics:
        problems.append(Problem(f"metrics {', '.join(metrics) or 'none'}; reconcile needs UnblendedCost and "
                                "UsageQuantity", path=(*where, "Metrics"), file=path))
        return None
    cost, currency = _amount(metrics[cost_metric], (*where, "Metrics", cost_metric), path, problems, money=True)
    quantity, _ = _amount(metrics[_QUANTITY], (*where, "Metrics", _QUANTITY), path, problems)
    if cost is None or quantity is None:
        return None
    return BillGroup(month=month, currency=currency, usage_type=values["USAGE_TYPE"],
                     line_item_type=values.get("RECORD_TYPE", USAGE), region=values.get("REGION"),
                     resource_id=values.get("RESOURCE_ID") or None, free=False, usage_amount=quantity, cost=cost,
                     effective_cost=ZERO, line_items=1)


def _amount(metric: Any, where: tuple[str | int, ...], path: str, problems: list[Problem],
            money: bool = False) -> tuple[Decimal | None, str]:
    """A metric's Amount, and its Unit: for a cost (`money`) a currency code, which the bill's check of currencies
    reads; a quantity's unit (N/A, Hrs...) is not read."""
    if not isinstance(metric, dict):
        problems.append(Problem("not an object with Amount and Unit", path=where, file=path))
        return None, ""
    try:
        value = Decimal(str(metric.get("Amount")))
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite():
        problems.append(Problem(f"Amount {metric.get('Amount')!r} is not a number", path=(*where, "Amount"),
                                file=path))
        return None, ""
    unit = metric.get("Unit", "")
    if money and not (isinstance(unit, str) and (unit == "" or _CURRENCY_CODE.match(unit))):
        shown = json.dumps(unit)[:40]  # as the file writes it: null, not None
        problems.append(Problem(f"Unit {shown} is not a currency code such as USD", path=(*where, "Unit"), file=path))
        return None, ""
    return value, str(unit)
