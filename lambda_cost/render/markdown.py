"""The Markdown format: a compact summary for a GitHub or GitLab pull-request comment."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from lambda_cost.errors import Problem
from lambda_cost.model.estimate import Estimate
from lambda_cost.model.priced import FREE_TIER_ROW, PricedFunction
from lambda_cost.model.units import HOURS_PER_MONTH
from lambda_cost.numbers import money, readable
from lambda_cost.render import RenderOptions
from lambda_cost.render.explain import free_tier_texts, item_text, source_text
from lambda_cost.render.lines import counted_items, dimension_notes, free_tier_summary, source_outcome, unit_price

# Characters that Markdown (CommonMark, GFM tables, GitLab references, GitHub math) may give a meaning to.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$])")
# At the start of a line's text these would begin a list, a quote or a heading.
_LEADING = re.compile(r"^([-+=]|\d+[.)])")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
# In one pass, so that no entity is escaped twice; @ and # would otherwise become mentions and references.
_HTML_ENTITIES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "@": "&#64;", "#": "&#35;", "|": "&#124;",
})
# GitHub refuses a comment of more than 65,536 characters. A report stays within 60,000, leaving room for lines a
# workflow adds, and counts what it leaves out; _NOTES is kept for the lines that say so.
COMMENT_LIMIT = 60_000
_NOTES = 1_000
ELSEWHERE = "`--format table` or `--format json`"


def render(estimate: Estimate, options: RenderOptions) -> str:
    head = [
        f"### Lambda cost estimate: {_md(estimate.workload)}",
        "",
        f"**Total: {money(estimate.total)} / month**",
        *_related_summary(estimate),
        "",
        *_budget(estimate),
    ]
    header, rows, closing = _summary_table(estimate)
    files = _files(estimate)
    free_tier = _free_tier_details(estimate, options)
    warnings = [_warning(warning) for warning in estimate.warnings]
    assumptions = _assumptions(estimate)
    # What may be cut short, most important first: each function's row, the warnings, then the details, the
    # functions' before the free tier's (its row, in the table, is always shown).
    room = CommentRoom([*head, *header, *closing, "", *files, assumptions, "", "**Warnings**", ""])
    shown_rows = room.take([row] for row in rows)
    shown_warnings = room.take([warning] for warning in warnings)
    details = room.take([*_details(priced, options), ""] for priced in estimate.functions)
    free_tier = joined(room.take([free_tier])) if free_tier and len(details) == len(estimate.functions) else []
    functions = len(estimate.functions)
    lines = [*head, *header, *joined(shown_rows)]
    if len(shown_rows) < functions:
        lines.append(_row([f"… {plural(functions - len(shown_rows), 'more function')}", "", "", "", "", "", ""]))
    lines.extend([*closing, "", *files, *joined(details), *free_tier])
    if len(details) < functions:
        lines.extend([f"_The details of {plural(functions - len(details), 'more function')} are left out to keep "
                      f"this comment within GitHub's limit of 65,536 characters: {ELSEWHERE} has every function._",
                      ""])
    lines.append(assumptions)
    if warnings:
        lines.extend(["", "**Warnings**", "", *joined(shown_warnings)])
        if len(shown_warnings) < len(warnings):
            lines.append(f"- … {plural(len(warnings) - len(shown_warnings), 'more warning')}: {ELSEWHERE} lists "
                         "them all")
    return "\n".join(lines).rstrip("\n") + "\n"


class CommentRoom:
    """The characters a comment has left beside its `fixed` lines, spent on the parts that may be cut short, in
    order of importance."""

    def __init__(self, fixed: list[str]) -> None:
        self.left = COMMENT_LIMIT - _NOTES - _size(fixed)

    def take(self, blocks: Iterable[list[str]]) -> list[list[str]]:
        """The blocks, in order, up to the first that no longer fits (the rest are counted, not shown)."""
        kept = []
        for block in blocks:
            size = _size(block)
            if size > self.left:
                break
            self.left -= size
            kept.append(block)
        return kept


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def joined(blocks: list[list[str]]) -> list[str]:
    """The lines of the blocks kept, in order."""
    return [line for block in blocks for line in block]


def plural(number: int, noun: str) -> str:
    """`3 more functions`, `1 more function`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _warning(warning: Problem) -> str:
    where = f" ({_md(warning.where)})" if warning.where else ""
    return f"- {_md(warning.message)}{where}"


_STATUS = {"ok": "✅ ok", "warning": "⚠️ warning", "over": "❌ over"}


def _budget(estimate: Estimate) -> list[str]:
    """The budget verdict first: in a pull request it is what a reviewer needs to see."""
    report = estimate.budget
    if report is None:
        return []
    lines = [f"**Budget: {_STATUS[report.status]}**", "", "| budget | limit | actual | headroom | status |",
             "|---|---:|---:|---:|---|"]
    for check in report.checks:
        lines.append(_row([_md(check.label), money(check.limit), money(check.actual), money(check.headroom),
                           _STATUS[check.status]]))
    return [*lines, ""]


def _related_summary(estimate: Estimate) -> list[str]:
    if not estimate.related_total:
        return []
    return ["", f"Related charges (other services): {money(estimate.related_total)}; "
                f"**grand total: {money(estimate.grand_total)}**"]


def _summary_table(estimate: Estimate) -> tuple[list[str], list[str], list[str]]:
    """The table of functions: its header, a row per function, and the closing rows (the free tier, the total)."""
    header = [
        "| function | region | arch | memory | requests | GB-s | monthly cost |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    rows = []
    for priced in estimate.functions:
        function = priced.usage.function
        cells = [
            _md(function.label),
            _md(priced.usage.region),
            _md(function.architecture),
            f"{readable(Decimal(function.memory_mb))} MB",
            readable(priced.requests, 2),
            readable(priced.gb_seconds, 2),
            money(priced.total),
        ]
        rows.append(_row(cells))
    closing = [_row(["**Total**", "", "", "", "", "", f"**{money(estimate.total)}**"])]
    free = estimate.free_tier
    if free.enabled:  # the account's credit, one row: the functions above are gross
        closing.insert(0, _row([_md(FREE_TIER_ROW), "", "", "", readable(-free.requests_used, 2),
                                readable(-free.gb_seconds_used, 2), money(free.total)]))
    return header, rows, closing


def _free_tier_details(estimate: Estimate, options: RenderOptions) -> list[str]:
    """The account's free-tier credit, line by line, as each function's details are."""
    free = estimate.free_tier
    if not free.enabled:
        return []
    lines = ["<details>", f"<summary>{_html(FREE_TIER_ROW)}: the account's free tier — {money(free.total)}</summary>",
             "", "One credit for the whole account; every function above is priced without it.", "",
             "| component | quantity | unit | unit price | cost |", "|---|---:|---|---:|---:|"]
    for item in free.items:
        lines.append(_row([_md(item.description), readable(item.quantity, 2), _md(item.unit), unit_price(item),
                           money(item.cost)]))
    lines.append(_row(["**Free-tier credit**", "", "", "", f"**{money(free.total)}**"]))
    if options.explain:
        lines.extend(["", "How these numbers arise:", ""])
        lines.extend(f"- {_md(line)}" for line in free_tier_texts(free))
        lines.extend(f"- {_md(item.description)}: {_md(item_text(item))}" for item in free.items)
    return [*lines, "", "</details>", ""]


def _details(priced: PricedFunction, options: RenderOptions) -> list[str]:
    function = priced.usage.function
    storage = ""
    if priced.storage_gb_seconds:
        storage = f", {readable(Decimal(function.ephemeral_storage_mb))} MB ephemeral storage"
    lines = [
        "<details>",
        f"<summary>{_html(function.label)} — {money(priced.total)}</summary>",
        "",
        f"{_md(priced.usage.region)}, {_md(function.architecture)}, "
        f"{readable(Decimal(function.memory_mb))} MB{storage}",
        "",
        "| component | quantity | unit | unit price | cost |",
        "|---|---:|---|---:|---:|",
    ]
    for item in priced.line_items:
        lines.append(_row([
            _md(item.description),
            readable(item.quantity, 2),
            _md(item.unit),
            unit_price(item),
            money(item.cost),
        ]))
    lines.append(_row(["**Function total**", "", "", "", f"**{money(priced.total)}**"]))
    if priced.related_items:
        lines.extend(["", "Related charges (other services):", "",
                      "| component | quantity | unit | unit price | cost |", "|---|---:|---|---:|---:|"])
        for item in priced.related_items:
            lines.append(_row([_md(item.description), readable(item.quantity, 2), _md(item.unit),
                               unit_price(item), money(item.cost)]))
        lines.append(_row(["**Related total**", "", "", "", f"**{money(priced.related_total)}**"]))
    notes = dimension_notes(priced)
    if notes:
        lines.append("")
        lines.extend(f"- {_md(note)}" for note in notes)
    if options.explain:
        lines.extend(["", "How these numbers arise:", ""])
        for item in (*priced.line_items, *priced.related_items):
            lines.append(f"- {_md(item.description)}: {_md(item_text(item))}")
    if priced.usage.sources:
        lines.extend(["", "Retries and dead letters:", ""])
        for source in priced.usage.sources:
            batch = "" if source.batch_size is None else f", batches of {readable(Decimal(source.batch_size))}"
            lines.append(f"- {_md(source.type)}{batch}: {_md(counted_items(source.volume, source.volume_unit))} → "
                         f"{_md(source_outcome(source))}")
            if options.explain:
                lines.append(f"  - {_md(source_text(source))}")
    lines.extend(["", "</details>"])
    return lines


def _assumptions(estimate: Estimate) -> str:
    pricing = estimate.pricing
    free = estimate.free_tier
    summary = free_tier_summary(free)
    free_text = f"free tier {summary.replace('on, ', 'on (', 1)})" if free.enabled else "free tier off"
    return (
        f"**Assumptions:** pricing version {_md(pricing.version)} (effective {pricing.effective.isoformat()}, "
        f"sha256 {_md(pricing.sha256[:12])}); {free_text}; a month is {HOURS_PER_MONTH} hours; "
        "volumes and durations are monthly means."
    )


def _files(estimate: Estimate) -> list[str]:
    """An account of several files: each file's part, as the table and the JSON give it (none for one file)."""
    if len(estimate.files) < 2:
        return []
    related = any(subtotal.related_total for subtotal in estimate.files)
    lines = ["**By file**, gross (priced as one account: one free tier, shared tiers)", "",
             "| file | functions | monthly cost |" + (" with related charges |" if related else ""),
             "|---|---:|---:|" + ("---:|" if related else "")]
    for subtotal in estimate.files:
        cells = [_md(subtotal.workload), str(subtotal.functions), money(subtotal.total)]
        lines.append(_row([*cells, money(subtotal.grand_total)] if related else cells))
    return [*lines, ""]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md(text: str) -> str:
    """Text from the workload or the tables, made inert in Markdown (table cells included)."""
    escaped = _SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
    leading = _LEADING.match(escaped)
    if leading:
        marker = leading.group(1)
        escaped = marker[:-1] + "\\" + escaped[len(marker) - 1:]
    return escaped


def _html(text: str) -> str:
    """Text inside an HTML tag such as <summary>, where Markdown is not processed."""
    return _LINE_BREAKS.sub(" ", text).translate(_HTML_ENTITIES)
