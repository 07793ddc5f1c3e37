"""The directly written SIMPLE_HEAD table is rich's, character for character, wherever it is used."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.table import Table

from lambda_cost.render.simple_table import simple_head_lines

# Mostly cells the plain table writes (printable, wide characters included), some it leaves to rich.
plain_cells = st.text(st.sampled_from("abcXYZ-_:/0123$.%→—é日本"), max_size=12).map(lambda text: text.replace("_", " "
                                                                                                           ).strip())
row = st.tuples(plain_cells, plain_cells, plain_cells)
wild = st.one_of(st.none(), st.text(st.sampled_from("ab \t\x1b日"), max_size=30))


def by_rich(header: tuple[str, ...], rows: list[tuple[str, ...]], footer: tuple[str, ...], width: int,
            color: bool) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      no_color=not color, highlight=False, emoji=False, markup=False)
    table = Table(box=box.SIMPLE_HEAD, show_footer=True)
    for title, end, right in zip(header, footer, (False, True, False), strict=True):
        table.add_column(title, footer=end, justify="right" if right else "left")
    for cells_of_row in rows:
        table.add_row(*cells_of_row)
    console.print(table)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(header=row, rows=st.lists(row, max_size=5), footer=row, width=st.integers(20, 120), color=st.booleans(),
       odd=wild)
def test_the_plain_table_is_what_rich_prints(header: tuple[str, ...], rows: list[tuple[str, ...]],
                                             footer: tuple[str, ...], width: int, color: bool, odd: str | None) -> None:
    if odd is not None:
        rows = [*rows, (odd, "", "")]
    lines = simple_head_lines(header, rows, footer, (False, True, False), width, color)
    if lines is not None:
        assert lines == by_rich(header, rows, footer, width, color)


def test_a_wide_or_unprintable_table_is_left_to_rich() -> None:
    assert simple_head_lines(("a",), [("x" * 200,)], ("",), (False,), 100, False) is None
    assert simple_head_lines(("a",), [("x\ty",)], ("",), (False,), 100, False) is None
