"""Lines, hanging list items and simple tables, laid out by rich, or as plain text exactly as rich lays it out.

The table format is written once, against Layout. With colour, rich does all of it (RichLayout). Without colour
(a pipe, a file, NO_COLOR), PlainLayout writes the same characters itself: importing rich's console and having it
measure and render every cell costs a run some 200 M instructions, as much as pricing a thousand functions. It
breaks lines with rich's own word division and measures text with rich's cell widths; whatever it cannot lay out
exactly as rich would (a control character, a table too wide for one line per cell) it hands to rich.
tests/render/test_layout.py holds the two to the same output.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from rich.console import Console

Justify = Literal["left", "right"]
Overflow = Literal["fold", "ellipsis"]


class Column:
    """A table column: its header, alignment, how a value too long for it is cut, and its footer."""

    __slots__ = ("footer", "header", "justify", "overflow")

    def __init__(self, header: str, justify: Justify = "left", overflow: Overflow = "ellipsis",
                 footer: str = "") -> None:
        self.header = header
        self.justify = justify
        self.overflow = overflow
        self.footer = footer


class Grid:
    """A table as rich's SIMPLE_HEAD box draws it: a bold title, a rule under the header, no other lines."""

    __slots__ = ("columns", "rows", "show_footer", "title")

    def __init__(self, title: str, columns: Sequence[Column], show_footer: bool = False) -> None:
        self.title = title
        self.columns = list(columns)
        self.show_footer = show_footer
        self.rows: list[tuple[list[str], str, str]] = []  # cells, the row's style, the last cell's own style

    def add_row(self, cells: list[str], style: str = "", last_style: str = "") -> None:
        self.rows.append((cells, style, last_style))


class Layout(Protocol):
    """What the table format prints."""

    def line(self, text: str = "", style: str = "") -> None:
        """A paragraph, wrapped at the width."""

    def hanging(self, marker: str, text: str, style: str = "") -> None:
        """One item of a list: its lines wrap under its text, not under the marker."""

    def grid(self, grid: Grid) -> None:
        """A table."""

    def text(self) -> str:
        """Everything printed, each line without trailing blanks."""


def layout(width: int, color: bool) -> Layout:
    return RichLayout(width, color) if color else PlainLayout(width)


class RichLayout:
    """Everything through rich, which colours it."""

    def __init__(self, width: int, color: bool) -> None:
        from rich.console import Console

        self.width = width
        self._buffer = io.StringIO()
        self.console: Console = Console(
            file=self._buffer,
            width=width,
            force_terminal=color,
            color_system="standard" if color else None,
            no_color=not color,
            highlight=False,
            emoji=False,
            markup=False,  # names and paths come from the workload: `[bold]` or `x[/]` is text, not markup
        )

    def line(self, text: str = "", style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    def hanging(self, marker: str, text: str, style: str = "") -> None:
        # Wrapped as a two-column grid (marker | text) would wrap it, without building the grid: the text column is
        # as wide as the text, or as the rest of the line when the text is longer.
        from rich.measure import Measurement
        from rich.text import Text

        body = Text(text, style=style)
        width = max(min(Measurement.get(self.console, self.console.options, body).maximum, self.width - len(marker)), 1)
        indent = " " * len(marker)
        # A long word with no space to break at (a path) folds, never truncates.
        for number, line in enumerate(body.wrap(self.console, width, justify="left", overflow="fold")):
            self.console.print(Text(marker if number == 0 else indent) + line, soft_wrap=True)

    def grid(self, grid: Grid) -> None:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(title=grid.title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                      show_footer=grid.show_footer)
        for column in grid.columns:
            table.add_column(column.header, justify=column.justify, overflow=column.overflow, footer=column.footer)
        for cells, style, last_style in grid.rows:
            shown: list[str | Text] = list(cells)
            if last_style:
                shown[-1] = Text(cells[-1], style=last_style)
            table.add_row(*shown, style=style or None)
        self.console.print(table)

    def text(self) -> str:
        # Rich pads every line to the console width; trailing blanks only get in the way of diffs and pipes.
        return "\n".join(line.rstrip() for line in self._buffer.getvalue().splitlines()) + "\n"


class PlainLayout:
    """The same characters as RichLayout without colour, written directly."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._lines: list[str] = []
        self._rich: RichLayout | None = None  # for what only rich can lay out

    def line(self, text: str = "", style: str = "") -> None:
        if not text.isprintable():  # a tab, a newline, a control character: rich's own rules
            self._by_rich().line(text)
            return
        self._lines.extend(_wrap(text, self.width) if text else [""])

    def hanging(self, marker: str, text: str, style: str = "") -> None:
        if not text.isprintable() or not text:
            self._by_rich().hanging(marker, text)
            return
        indent = " " * len(marker)
        room = max(min(_cell_len(text), self.width - len(marker)), 1)
        for number, line in enumerate(_wrap(text, room)):
            self._lines.append((marker if number == 0 else indent) + line)

    def grid(self, grid: Grid) -> None:
        columns = grid.columns
        table = [[column.header for column in columns], *(cells for cells, _, _ in grid.rows)]
        if grid.show_footer:
            table.append([column.footer for column in columns])
        # One line per cell, and no more than the width: rich's cells would need wrapping and its widths dividing.
        widths = [max(_cell_len(row[index]) for row in table) for index in range(len(columns))]
        inner = sum(widths) + 3 * len(columns) - 1  # each cell padded by a space a side, a space between cells
        printable = grid.title.isprintable() and all(cell.isprintable() for row in table for cell in row)
        if not printable or inner + 2 > self.width:
            self._by_rich().grid(grid)
            return

        def row(cells: list[str]) -> str:
            shown = [_pad(cell, width, column.justify) for cell, width, column in zip(cells, widths, columns,
                                                                                      strict=True)]
            return ("  " + "   ".join(shown)).rstrip()

        self._lines.extend(_wrap(grid.title, inner + 2) if grid.title else [])
        self._lines.append("")  # the box's top edge: blank
        self._lines.append(row(table[0]))
        self._lines.append(" " + "─" * inner)
        self._lines.extend(row(cells) for cells, _, _ in grid.rows)
        if grid.show_footer:
            self._lines.extend(("", row(table[-1])))
        self._lines.append("")  # the bottom edge

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self._lines) + "\n"

    def _by_rich(self) -> RichLayout:
        """A RichLayout whose new lines join ours after each call."""
        if self._rich is None:
            self._rich = _Appending(self.width, self._lines)
        return self._rich


class _Appending(RichLayout):
    """RichLayout without colour, appending to a PlainLayout's lines what each call prints."""

    def __init__(self, width: int, lines: list[str]) -> None:
        super().__init__(width, color=False)
        self._into = lines

    def line(self, text: str = "", style: str = "") -> None:
        super().line(text, style)
        self._flush()

    def hanging(self, marker: str, text: str, style: str = "") -> None:
        super().hanging(marker, text, style)
        self._flush()

    def grid(self, grid: Grid) -> None:
        super().grid(grid)
        self._flush()

    def _flush(self) -> None:
        self._into.extend(self.text().splitlines())
        self._buffer.seek(0)
        self._buffer.truncate()


def _cell_len(text: str) -> int:
    """The columns a text takes: its length for ASCII, else as rich counts cells (a CJK character takes two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, justify: Justify) -> str:
    if justify == "left":
        return text + " " * (width - _cell_len(text))
    text = text.rstrip()  # as rich right-justifies: without the blanks at its end
    return " " * (width - _cell_len(text)) + text


def _wrap(text: str, width: int) -> list[str]:
    """A printable line of text wrapped at `width` cells as rich's Text.wrap does, overflow folded.

    Its lines come from rich's own word division; each loses the blanks beyond the width (rich strips them, or its
    caller strips a padded line) and is cut to the width (a word longer than a line was already folded).
    """
    from rich._wrap import divide_line

    bounds = [0, *divide_line(text, width, fold=True), len(text)]
    lines = []
    for start, end in itertools.pairwise(bounds):
        piece = text[start:end].rstrip()
        if _cell_len(piece) > width:
            from rich.cells import set_cell_size

            piece = set_cell_size(piece, width)
        lines.append(piece)
    return lines
