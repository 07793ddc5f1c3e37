"""Reconcile reports in every format: table, json, markdown, csv (renderers format, they never compute)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from lambda_cost.model.reconcile import TOTAL, MaxGap, Reconciliation, Row
from lambda_cost.numbers import money, plain, readable, unsigned_zero
from lambda_cost.render import RenderOptions
from lambda_cost.render.csv_format import _text, row
from lambda_cost.render.diff import _signed
from lambda_cost.render.markdown import ELSEWHERE, CommentRoom, _md, joined, plural

SCHEMA_VERSION = 1


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{unsigned_zero(f'{value:+.1f}')}%"


def _wrap(title: str) -> dict[str, Any]:
    """Regions and components are never cut (a cut name reads as two); a long function name folds."""
    return {"overflow": "fold"} if title == "Function" else {"no_wrap": True}


def _signed_number(value: Decimal) -> str:
    shown = readable(value, 2)
    return f"+{shown}" if value > 0 and shown != "0" else shown


def _component(item: Row) -> str:
    return item.component or "all components"


def _where(item: Row) -> str:
    parts = [item.region, _component(item)]
    if item.function is not None:
        parts.insert(1, item.function)
    return " ".join(parts)


def _bill_line(report: Reconciliation) -> str:
    files = plural(len(report.bill_files), "file")
    return f"the bill of {report.month}: {report.bill_format}, {files}, {report.line_items:,} line items"


def _verdicts(report: Reconciliation) -> list[str]:
    return [f"{'FAIL' if gate.exceeded else 'pass'}: {_gate_text(gate)}" for gate in report.gates]


def _gate_text(gate: MaxGap) -> str:
    what = "the total" if gate.target == TOTAL else gate.target
    relation = "exceeds" if gate.exceeded else "is within"
    return f"the gap of {what}, {_signed(gate.gap)}, {relation} --max-gap {gate.describe()}"


def table(report: Reconciliation, options: RenderOptions) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, no_color=not options.color,
                      highlight=False, emoji=False, markup=False)
    # Text lines are not wrapped: a cause or a file name cut in two reads as two.
    say = partial(console.print, soft_wrap=True)
    say(f"lambda-cost reconcile: {report.estimate} (pricing {report.pricing_version}) against {_bill_line(report)}")
    keys: list[tuple[str, Callable[[Row], str]]] = [("Region", lambda item: item.region)]
    if report.by == "function":
        keys.append(("Function", lambda item: item.function or ""))
    if report.by != "region":
        keys.append(("Component", lambda item: item.component))
    costs = Table(box=box.SIMPLE_HEAD, show_footer=True, title="Cost", title_justify="left")
    for number, (title, _) in enumerate(keys):
        costs.add_column(title, footer="Total" if number == 0 else "", **_wrap(title))
    costs.add_column("Billed", justify="right", footer=money(report.billed_total))
    costs.add_column("Estimated", justify="right", footer=money(report.estimated_total))
    costs.add_column("Gap", justify="right", footer=_signed(report.gap))
    costs.add_column("Gap %", justify="right", footer=_percent(report.percent))
    for item in report.rows:
        costs.add_row(*(key(item) for _, key in keys), money(item.billed.cost), money(item.estimated.cost),
                      _signed(item.cost_gap), _percent(item.percent))
    console.print(costs)
    if report.by != "region":
        usage = Table(box=box.SIMPLE_HEAD, title="Usage", title_justify="left")
        for title, _ in keys:
            usage.add_column(title, **_wrap(title))
        for title in ("Billed", "Estimated", "Gap"):
            usage.add_column(title, justify="right")
        usage.add_column("Unit")
        for item in report.rows:
            usage.add_row(*(key(item) for _, key in keys), readable(item.billed.quantity, 2),
                          readable(item.estimated.quantity, 2), _signed_number(item.quantity_gap), item.unit)
        console.print(usage)
    caused = [item for item in report.rows if item.causes]
    if caused:
        say("Likely causes:")
        for item in caused:
            for cause in item.causes:
                say(f"  {_where(item)}: {cause}")
    if report.unknown:
        say("Usage types not in the map (billed, counted above as unknown):")
        for unknown in report.unknown:
            say(f"  {unknown.region} {unknown.usage_type}: {readable(unknown.quantity, 2)} units, "
                f"{money(unknown.cost)} ({plural(unknown.line_items, 'line item')})")
    for note in report.notes:
        say(f"Note: {note}")
    for verdict in _verdicts(report):
        say(verdict)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _row_json(item: Row) -> dict[str, Any]:
    return {
        "region": item.region, "component": item.component or None, "function": item.function,
        "unit": item.unit or None,
        "billed_quantity": plain(item.billed.quantity), "billed_cost": plain(item.billed.cost),
        "estimated_quantity": plain(item.estimated.quantity), "estimated_cost": plain(item.estimated.cost),
        "quantity_gap": plain(item.quantity_gap), "cost_gap": plain(item.cost_gap),
        "gap_percent": None if item.percent is None else plain(item.percent),
        "status": item.status, "causes": list(item.causes),
    }


def document(report: Reconciliation) -> dict[str, Any]:
    """The JSON document as plain data: exact decimal strings, as estimate and diff write them."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "reconcile",
        "currency": "USD",
        "period": "month",
        "month": report.month,
        "estimate": {"name": report.estimate, "pricing_version": report.pricing_version},
        "bill": {"format": report.bill_format, "files": list(report.bill_files), "line_items": report.line_items},
        "by": report.by,
        "total": {"billed": plain(report.billed_total), "estimated": plain(report.estimated_total),
                  "gap": plain(report.gap), "gap_percent": None if report.percent is None else plain(report.percent)},
        "rows": [_row_json(item) for item in report.rows],
        "adjustments": [{"kind": a.kind, "cost": plain(a.cost), "line_items": a.line_items}
                        for a in report.adjustments],
        "unknown_usage_types": [{"usage_type": u.usage_type, "region": u.region, "quantity": plain(u.quantity),
                                 "cost": plain(u.cost), "line_items": u.line_items} for u in report.unknown],
        "notes": list(report.notes),
        "gates": [{"target": g.target, "max_gap": plain(g.limit), "percent": g.percent, "billed": plain(g.billed),
                   "estimated": plain(g.estimated), "gap": plain(g.gap), "exceeded": g.exceeded}
                  for g in report.gates],
    }


def json_text(report: Reconciliation, options: RenderOptions) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"


def markdown(report: Reconciliation, options: RenderOptions) -> str:
    head = [
        f"### Lambda bill of {report.month} against the estimate: {_signed(report.gap)} ({_percent(report.percent)})",
        "",
        f"**{money(report.billed_total)} billed, {money(report.estimated_total)} estimated** "
        f"({_md(report.estimate)}, pricing {report.pricing_version}; {_md(_bill_line(report))})",
        "",
    ]
    for gate in report.gates:
        head += [f"{'❌' if gate.exceeded else '✅'} {_md(_gate_text(gate))}", ""]
    head += ["| where | billed | estimated | gap | % | likely cause |", "|---|---:|---:|---:|---:|---|"]
    rows = [f"| {_md(_where(item))} | {money(item.billed.cost)} | {money(item.estimated.cost)} | "
            f"{_signed(item.cost_gap)} | {_percent(item.percent)} | {_md('; '.join(item.causes))} |"
            for item in report.rows]
    tail = [f"- {_md(note)}" for note in report.notes]
    tail += [f"- unknown usage type {_md(u.usage_type)} in {u.region}: {money(u.cost)}" for u in report.unknown]
    room = CommentRoom([*head, "", *tail])
    shown = room.take([line] for line in rows)
    lines = [*head, *joined(shown)]
    if len(shown) < len(rows):
        lines.append(f"| … {plural(len(rows) - len(shown), 'more row')}: {ELSEWHERE} has them all |  |  |  |  |  |")
    if tail:
        lines += ["", *tail]
    return "\n".join(lines) + "\n"


CSV_HEADER = ("region", "function", "component", "unit", "billed_quantity", "billed_cost", "estimated_quantity",
              "estimated_cost", "quantity_gap", "cost_gap", "gap_percent", "status", "causes")


def csv_text(report: Reconciliation, options: RenderOptions) -> str:
    lines = [row(CSV_HEADER)]
    for item in report.rows:
        lines.append(row([
            item.region, _text(item.function or ""), item.component, item.unit, plain(item.billed.quantity),
            plain(item.billed.cost), plain(item.estimated.quantity), plain(item.estimated.cost),
            plain(item.quantity_gap), plain(item.cost_gap), "" if item.percent is None else plain(item.percent),
            item.status, _text("; ".join(item.causes)),
        ]))
    return "".join(lines)
