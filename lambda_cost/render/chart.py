"""Bar charts in the terminal: cost by function, by component, or by what-if combination."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from lambda_cost.numbers import money

# Eighths of a block, so that a bar is drawn to 1/8 of a character.
_PARTS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
_FULL = "█"
MIN_BAR = 10  # characters of the longest bar, however narrow the terminal
MIN_LABEL = 8
def bar(value: Decimal, largest: Decimal, width: int) -> str:
    """A bar `width` characters long at `largest`; nothing for zero or negative values."""
    if value <= 0 or largest <= 0:
        return ""
    eighths = int((value / largest * width * 8).to_integral_value(rounding=ROUND_HALF_EVEN))
    return _FULL * (eighths // 8) + _PARTS[eighths % 8]


def bars(title: str, rows: Sequence[tuple[str, Decimal]], width: int = 100) -> list[str]:
    """`title`, then one line per row: label, bar, amount; bars scaled to the largest amount."""
    if not rows:
        return []
    amounts = [money(value) for _, value in rows]
    amount_width = max(len(amount) for amount in amounts)
    # Labels are cut to leave a bar of at least MIN_BAR: a line longer than the terminal wraps and breaks the chart.
    room = max(width - amount_width - 6 - MIN_BAR, MIN_LABEL)
    label_width = min(max(len(label) for label, _ in rows), 40, room)
    bar_width = max(width - label_width - amount_width - 6, MIN_BAR)
    largest = max(value for _, value in rows)
    lines = [title]
    for (label, value), amount in zip(rows, amounts, strict=True):
        shown = label if len(label) <= label_width else _middle_cut(label, label_width)
        drawn = bar(value, largest, bar_width)
        lines.append(f"  {shown.ljust(label_width)}  {amount.rjust(amount_width)}  {drawn}".rstrip())
    return lines


def _middle_cut(label: str, width: int) -> str:
    """A label cut to `width` in its middle: names differ at their ends (`…-v1`, `…-v2`) as often as at the start."""
    tail = (width - 1) // 2
    return label[: width - 1 - tail] + "…" + label[len(label) - tail:]


def estimate_charts(functions: Sequence[tuple[str, Decimal]], components: Sequence[tuple[str, Decimal]],
                    width: int) -> list[str]:
    """Cost by function, and by component (net of the free tier): the estimate's own figures, drawn."""
    lines = bars("Cost by function", functions, width)
    lines.append("")
    lines += bars("Cost by component (after the free tier)",
                  [(component.replace("_", " ").capitalize(), cost) for component, cost in components], width)
    return lines
