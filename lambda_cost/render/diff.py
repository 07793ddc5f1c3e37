"""Diff reports in every format: table, json, markdown, csv (renderers format, they never compute)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.model.verdict import Change, DiffReport, FunctionChange
from lambda_cost.numbers import ZERO, money, plain, significant, unsigned_zero
from lambda_cost.render import RenderOptions
from lambda_cost.render.csv_format import _text, row
from lambda_cost.render.markdown import ELSEWHERE, CommentRoom, _md, joined, plural


def _signed(value: Decimal) -> str:
    # A rise too small to show is $0.00, as money() shows a fall too small to show: no sign either way.
    shown = money(value)
    return f"+{shown}" if value > 0 and shown != money(ZERO) else shown


def _percent(change: Change) -> str:
    if change.percent is None:
        return "new" if change.head else "—"
    return f"{unsigned_zero(f'{change.percent:+.1f}')}%"


def _verdict(report: DiffReport) -> str:
    gate = report.gate
    if gate is None:
        return ""
    if gate.exceeded:
        return f"FAIL: the increase exceeds the limit of {gate.describe()}"
    return f"pass: within the limit of {gate.describe()}"


def table(report: DiffReport, options: RenderOptions) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from lambda_cost.render.simple_table import simple_head_lines

    buffer = io.StringIO()
    console = Console(file=buffer, width=options.width, force_terminal=options.color,
                      color_system="standard" if options.color else None, no_color=not options.color,
                      highlight=False, emoji=False, markup=False)  # names are text, never markup
    console.print(f"lambda-cost diff: {report.base.name} ({report.base.pricing_version}) → "
                  f"{report.head.name} ({report.head.pricing_version})")
    header = ("Function", "Base", "Head", "Change", "%", "Status")
    footer = ("Total", money(report.total.base), money(report.total.head), _signed(report.total.change),
              _percent(report.total), "")
    rows = [(f.total.name, money(f.total.base), money(f.total.head), _signed(f.total.change), _percent(f.total),
             f.status) for f in report.functions]
    right = (False, True, True, True, True, False)
    # Written directly when it fits: rich takes about a millisecond a row, 20 s for 20,000 functions.
    plain = simple_head_lines(header, rows, footer, right, options.width, options.color)
    if plain is not None:
        buffer.write("\n".join(plain) + "\n")
    else:
        table = Table(box=box.SIMPLE_HEAD, show_footer=True)
        for title, end, to_right in zip(header, footer, right, strict=True):
            # names that differ at the end must not read alike: folded, never cut
            table.add_column(title, footer=end, justify="right" if to_right else "left",
                             overflow="fold" if title == "Function" else "ellipsis")
        for cells in rows:
            table.add_row(*cells)
        console.print(table)
    for function in report.functions:
        changed = [c for c in function.components if c.change]
        if function.status == "unchanged" or not changed:
            continue
        _say(console, buffer, f"  {function.total.name}:", options.width)
        for component in changed:
            _say(console, buffer, f"    {component.name}: {money(component.base)} → {money(component.head)} "
                                  f"({_signed(component.change)}, {_percent(component)})", options.width)
    if report.gate is not None:
        console.print(_verdict(report))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _say(console: Any, buffer: io.StringIO, line: str, width: int) -> None:
    """A line as console.print would write it: as it is when it fits and is plain text, else through rich."""
    from rich.cells import cell_len

    if line.isprintable() and cell_len(line) <= width:
        buffer.write(line + "\n")
    else:
        console.print(line)


def _change_json(change: Change) -> dict[str, Any]:
    return {"base": plain(change.base), "head": plain(change.head), "change": plain(change.change),
            "percent": None if change.percent is None else plain(change.percent)}


def json_text(report: DiffReport, options: RenderOptions) -> str:
    document = {
        "schema_version": 1,
        "kind": "diff",
        "currency": "USD",
        "period": "month",
        "base": {"name": report.base.name, "pricing_version": report.base.pricing_version},
        "head": {"name": report.head.name, "pricing_version": report.head.pricing_version},
        "total": _change_json(report.total),
        "functions": [
            {"name": f.total.name, "status": f.status, **_change_json(f.total),
             "components": [{"component": c.name, **_change_json(c)} for c in f.components]}
            for f in report.functions
        ],
        "gate": None if report.gate is None else {
            "max_increase": plain(report.gate.limit), "percent": report.gate.percent,
            "exceeded": report.gate.exceeded,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def markdown(report: DiffReport, options: RenderOptions) -> str:
    total = report.total
    head = [
        f"### Lambda cost change: {_signed(total.change)} ({_percent(total)})",
        "",
        f"**{money(total.base)} → {money(total.head)} a month** "
        f"(pricing {report.base.pricing_version} → {report.head.pricing_version})",
        "",
    ]
    if report.gate is not None:
        head += [f"{'❌' if report.gate.exceeded else '✅'} {_verdict(report)}", ""]
    head += ["| function | base | head | change | % | |", "|---|---:|---:|---:|---:|---|"]
    def line_of(f: FunctionChange) -> str:
        return (f"| {_md(f.total.name)} | {money(f.total.base)} | {money(f.total.head)} | {_signed(f.total.change)} | "
                f"{_percent(f.total)} | {f.status} |")

    rows = [line_of(f) for f in report.functions if f.total.name != FREE_TIER_ROW]
    # The account's free-tier row closes the table whatever is left out of it, as in an estimate.
    closing = [line_of(f) for f in report.functions if f.total.name == FREE_TIER_ROW]
    changes = [f"| {_md(function.total.name)} | {c.name} | {money(c.base)} | {money(c.head)} | {_signed(c.change)} |"
               for function in report.functions for c in function.components if c.change]
    details = ["", "<details><summary>Changes by component</summary>", "",
               "| function | component | base | head | change |", "|---|---|---:|---:|---:|"]
    # A comment GitHub would refuse is no comment: what does not fit is counted (the table before the components).
    room = CommentRoom([*head, *closing, *details, "", "</details>"])
    shown_rows, shown_changes = room.take([line] for line in rows), room.take([line] for line in changes)
    lines = [*head, *joined(shown_rows)]
    if len(shown_rows) < len(rows):
        lines.append(f"| … {plural(len(rows) - len(shown_rows), 'more function')}: {ELSEWHERE} has them all "
                     "|  |  |  |  |  |")
    lines += closing
    if changes:
        lines += [*details, *joined(shown_changes)]
        if len(shown_changes) < len(changes):
            lines.append(f"| … {plural(len(changes) - len(shown_changes), 'more change')}: {ELSEWHERE} has them "
                         "all |  |  |  |  |")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def csv_text(report: DiffReport, options: RenderOptions) -> str:
    lines = [row(["function", "status", "component", "base", "head", "change", "percent"])]
    for function in report.functions:
        for change in (function.total, *function.components):
            component = "total" if change is function.total else change.name
            lines.append(row([_text(function.total.name), function.status, component, plain(change.base),
                              plain(change.head), plain(change.change),
                              "" if change.percent is None else significant(change.percent)]))
    return "".join(lines)
