"""A long table laid out as rich lays out box.SIMPLE_HEAD, its rows written directly: rich takes about a millisecond
a row, 20 s for 20,000 functions.

rich still draws the header, the rule and the footer (colours included), from a table of no rows whose columns are
as wide as the rows need; the rows, plain text in rich's layout, go between. Only the plain case is written so:
every cell printable text and the table within the width. Anything else (a name rich would fold, a tab) returns
None, and the caller lets rich lay it all out. tests/render/test_simple_table.py holds the two to the same output.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table


def simple_head_lines(header: Sequence[str], rows: Sequence[Sequence[str]], footer: Sequence[str],
                      right: Sequence[bool], width: int, color: bool) -> list[str] | None:
    """The lines of the table, right-trimmed, or None where rich must lay it out: a cell that is not plain
    printable text (or starts or ends with a space), or a table wider than `width`."""
    widths = [0] * len(header)
    for cells in (header, footer, *rows):
        for index, cell in enumerate(cells):
            if not cell.isprintable() or cell != cell.strip():  # tabs, control characters, edge spaces: rich
                return None  # has its own rules for them
            size = cell_len(cell)
            if size > widths[index]:
                widths[index] = size
    # An edge, then each column padded by one on both sides, columns apart by one: rich's SIMPLE_HEAD.
    if 2 + sum(widths) + 3 * len(widths) - 1 > width:
        return None
    frame = _frame(header, footer, right, widths, width, color)  # top edge, header, rule, foot rule, footer, bottom
    lines = []
    for cells in rows:
        parts = []
        for cell, size, to_right in zip(cells, widths, right, strict=True):
            gap = " " * (size - cell_len(cell))
            parts.append(f" {gap}{cell} " if to_right else f" {cell}{gap} ")
        lines.append((" " + " ".join(parts)).rstrip())
    return [*frame[:3], *lines, *frame[3:]]


def _frame(header: Sequence[str], footer: Sequence[str], right: Sequence[bool], widths: list[int], width: int,
           color: bool) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      no_color=not color, highlight=False, emoji=False, markup=False)
    table = Table(box=box.SIMPLE_HEAD, show_footer=True)
    for title, end, to_right, size in zip(header, footer, right, widths, strict=True):
        table.add_column(title, footer=end, justify="right" if to_right else "left", min_width=size)
    console.print(table)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]
