"""Without colour the table format is laid out as plain text: the very characters rich lays out, whatever the text."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ROOT, estimate_text, example_estimate, function, workload_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_cost.render import RenderOptions
from lambda_cost.render import table as table_format
from lambda_cost.render.layout import Column, Grid, Layout, PlainLayout, RichLayout

EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.yaml"))
WIDTHS = (30, 60, 80, 100, 137)


def by_rich(width: int, color: bool) -> Layout:
    return RichLayout(width, color=False)


def both(estimate: Any, options: RenderOptions, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    plain = table_format.render(estimate, options)
    with monkeypatch.context() as patched:
        patched.setattr(table_format, "layout", by_rich)
        rich = table_format.render(estimate, options)
    return plain, rich


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_example_at_every_width(example: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    estimate = example_estimate(example, monkeypatch)
    for explain in (False, True):
        plain, rich = both(estimate, RenderOptions(width=width, explain=explain, chart=explain), monkeypatch)
        assert plain == rich


NAMES = ("x[/]", "[bold]loud[/bold]", "tab\there", "wide-漢字漢字漢字", "a" * 140, "line\nbreak", "emoji-😀", "é" * 30)


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_names_budgets_and_warnings(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    functions = [function(name=name, reserved_concurrency=1, invocations=[
        {"type": "sqs", "per_month": 10**9, "error_rate": 0.01}]) for name in NAMES]
    budget = {"total": 1, "functions": {name: {"total": 1} for name in NAMES}}
    estimate = estimate_text(workload_yaml(*functions, budget=budget))
    assert estimate.warnings and estimate.budget
    plain, rich = both(estimate, RenderOptions(width=width, explain=True, chart=True), monkeypatch)
    assert plain == rich


TEXT = st.lists(st.sampled_from([*"ab cd  e/.-_", "\t", "\n", "\x07", "漢", "é", "😀", "–", "x" * 40, "  "]),
                max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(width=st.integers(1, 120), marker=st.sampled_from(["", "  ", "  - ", "    ", "  ! "]), text=TEXT,
       title=TEXT, cells=st.lists(st.lists(TEXT, min_size=3, max_size=3), max_size=4), footer=st.booleans())
def test_lines_list_items_and_tables_of_any_text(width: int, marker: str, text: str, title: str,
                                                 cells: list[list[str]], footer: bool) -> None:
    outputs = []
    for out in (PlainLayout(width), RichLayout(width, color=False)):
        out.line(text, style="bold")
        out.line()
        out.hanging(marker, text, style="dim")
        grid = Grid(title, [Column("Name", footer="total"), Column("Figure", "right", "fold", footer="12"),
                            Column("Status", "left", "fold")], show_footer=footer)
        for row in cells:
            grid.add_row(row, style="green", last_style="bold red")
        out.grid(grid)
        outputs.append(out.text())
    assert outputs[0] == outputs[1]
