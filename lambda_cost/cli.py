"""The command line: parses options and hands each command to one function that returns the exit code."""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Optional

import typer

from . import __version__

# lambda-cost uses no pydantic plugins; looking for them scans every installed package's metadata at start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

app = typer.Typer(
    name="lambda-cost",
    help="Estimate what AWS Lambda functions cost a month, offline, from a YAML workload.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


# Options several commands share, declared once.
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Optional[str], typer.Option("--output", "-o", help="Write the report to this file (atomically).")
]
ForceOption = Annotated[bool, typer.Option(help="Let --output overwrite an existing file.")]
ColorOption = Annotated[Color, typer.Option(help="Colour the table: auto honours NO_COLOR and terminals.")]
DebugOption = Annotated[bool, typer.Option(help="Show a traceback on internal errors.")]


def _run(action: Callable[[], int], debug: bool) -> None:
    """Run a command through execute.run_guarded and exit with its code."""
    from .execute import run_guarded

    raise typer.Exit(run_guarded(action, debug=debug))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lambda-cost {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Estimate what AWS Lambda functions cost a month, offline, from a YAML workload."""


@app.command()
def estimate(
    workload: Annotated[str, typer.Argument(help="The workload YAML file, or - to read standard input.")],
    output_format: FormatOption = OutputFormat.table,
    pricing: Annotated[
        Optional[str], typer.Option(help="Pricing table version (default: the workload's, else the newest).")
    ] = None,
    free_tier: Annotated[
        Optional[bool],
        typer.Option("--free-tier/--no-free-tier", help="Deduct the monthly free tier (default: the workload's)."),
    ] = None,
    budget: Annotated[
        Optional[str],
        typer.Option(help="Monthly budget in USD for the total; replaces the workload's. Over it: exit code 1."),
    ] = None,
    explain: Annotated[bool, typer.Option(help="Show the arithmetic behind every number.")] = False,
    output: OutputOption = None,
    force: ForceOption = False,
    color: ColorOption = Color.auto,
    debug: DebugOption = False,
) -> None:
    """Price a workload for one month.

    Example: lambda-cost estimate examples/web-api.yaml --format json
    """
    from .execute import estimate as run_estimate

    _run(
        lambda: run_estimate(
            [workload],
            output_format=output_format.value,
            pricing=pricing,
            free_tier=free_tier,
            budget=budget,
            explain=explain,
            color=color.value,
            output=output,
            force=force,
        ),
        debug,
    )


@app.command()
def diff(
    base: Annotated[str, typer.Argument(help="Before: a workload file or a saved JSON estimate.")],
    head: Annotated[str, typer.Argument(help="After: a workload file or a saved JSON estimate.")],
    output_format: FormatOption = OutputFormat.table,
    pricing: Annotated[Optional[str], typer.Option(help="Pricing version for HEAD (a workload).")] = None,
    base_pricing: Annotated[Optional[str], typer.Option(help="Pricing version for BASE (a workload).")] = None,
    max_increase: Annotated[
        Optional[str],
        typer.Option(help="Fail (exit 1) when the total rises by more than this: USD (50) or percent (10%)."),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
    color: ColorOption = Color.auto,
    debug: DebugOption = False,
) -> None:
    """Show what a change does to the monthly cost, per function and component.

    Example: lambda-cost diff base.yaml workload.yaml --max-increase 10% --format markdown
    """
    from .execute import diff as run_diff

    _run(
        lambda: run_diff(
            base,
            head,
            output_format=output_format.value,
            pricing=pricing,
            base_pricing=base_pricing,
            max_increase=max_increase,
            color=color.value,
            output=output,
            force=force,
        ),
        debug,
    )
