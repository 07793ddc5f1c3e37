"""The command line: parses options and hands each command to one function that returns the exit code."""

from __future__ import annotations

import os
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
    workloads: Annotated[
        list[str],
        typer.Argument(help="Workload YAML files (several: priced as one account), or - to read standard input."),
    ],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    pricing: Annotated[
        Optional[str], typer.Option(help="Pricing table version (default: the workload's, else the newest).")
    ] = None,
    free_tier: Annotated[
        Optional[bool],
        typer.Option("--free-tier/--no-free-tier", help="Deduct the monthly free tier (default: the workload's)."),
    ] = None,
    explain: Annotated[bool, typer.Option(help="Show the arithmetic behind every number.")] = False,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write the report to this file (atomically).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Let --output overwrite an existing file.")] = False,
    color: Annotated[Color, typer.Option(help="Colour the table: auto honours NO_COLOR and terminals.")] = Color.auto,
    debug: Annotated[bool, typer.Option(help="Show a traceback on internal errors.")] = False,
    set_values: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Override a value for this run, e.g. functions.api.memory_mb=2048 (repeatable)."),
    ] = None,
    chart: Annotated[bool, typer.Option(help="Add bar charts of cost by function and by component (table).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr but errors.")] = False,
) -> None:
    """Price a workload for one month; several files are priced as one account.

    Example: lambda-cost estimate examples/web-api.yaml --format json
    """
    from .execute import estimate as run_estimate
    from .execute import run_guarded

    code = run_guarded(
        lambda: run_estimate(
            workloads,
            output_format=output_format.value,
            pricing=pricing,
            free_tier=free_tier,
            explain=explain,
            color=color.value,
            output=output,
            force=force,
            assignments=set_values,
            chart=chart,
            quiet=quiet,
        ),
        debug=debug,
    )
    raise typer.Exit(code)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def validate(
    workloads: Annotated[list[str], typer.Argument(help="Workload YAML files; - reads standard input.")],
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text for people (on stderr), json for machines.")
    ] = CheckFormat.text,
    pricing: Annotated[
        Optional[str], typer.Option(help="Check against this pricing table version (default: each file's).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Say nothing about valid files; errors still.")] = False,
    debug: Annotated[bool, typer.Option(help="Show a traceback on internal errors.")] = False,
) -> None:
    """Check workload files and report every problem of every file; exit 2 if there is any.

    Example: lambda-cost validate examples/*.yaml --format json
    """
    from .check import validate as run_validate
    from .execute import run_guarded

    code = run_guarded(
        lambda: run_validate(workloads, output_format=output_format.value, pricing=pricing, quiet=quiet),
        debug=debug,
    )
    raise typer.Exit(code)


@app.command()
def schema(
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write the schema to this file (atomically).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Let --output overwrite an existing file.")] = False,
) -> None:
    """Print the JSON Schema of the workload format, for editors' completion and checking.

    Example: lambda-cost schema -o lambda-cost.schema.json, then start a workload with the line
    # yaml-language-server: $schema=./lambda-cost.schema.json
    """
    from .execute import run_guarded
    from .schema import write_schema

    raise typer.Exit(run_guarded(lambda: write_schema(output, force=force)))


@app.command()
def init(
    template: Annotated[
        Optional[str],
        typer.Option("--from", help="Draft the workload from this AWS SAM or CloudFormation template (YAML or JSON)."),
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="The file to write; - prints it.")] = "workload.yaml",
    force: Annotated[bool, typer.Option(help="Overwrite the output file if it exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not say what was written.")] = False,
    debug: Annotated[bool, typer.Option(help="Show a traceback on internal errors.")] = False,
) -> None:
    """Write a commented starter workload, or draft one from a SAM or CloudFormation template.

    Values a template cannot know (volumes, durations, error rates) are FILL-ME placeholders that validate
    and estimate refuse until they are filled in.

    Example: lambda-cost init --from template.yaml -o workload.yaml
    """
    from .execute import run_guarded
    from .starter import init as run_init

    raise typer.Exit(run_guarded(lambda: run_init(template, output, force=force, quiet=quiet), debug=debug))


class CompareFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def compare(
    workload: Annotated[str, typer.Argument(help="The workload YAML file, or - to read standard input.")],
    vary: Annotated[
        list[str],
        typer.Option(help="PATH=V1,V2,...: values to try; a bare function key (memory_mb) means every function."),
    ],
    set_values: Annotated[
        Optional[list[str]], typer.Option("--set", help="Override a value in every combination (repeatable).")
    ] = None,
    output_format: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CompareFormat.table,
    pricing: Annotated[Optional[str], typer.Option(help="Pricing table version.")] = None,
    free_tier: Annotated[
        Optional[bool], typer.Option("--free-tier/--no-free-tier", help="Deduct the monthly free tier.")
    ] = None,
    chart: Annotated[bool, typer.Option(help="Show a bar chart of the totals.")] = True,
    debug: Annotated[bool, typer.Option(help="Show a traceback on internal errors.")] = False,
) -> None:
    """Price every combination of --vary values, cheapest first, and mark the cheapest.

    Example: lambda-cost compare examples/web-api.yaml --vary memory_mb=512,1024,2048
    --vary architecture=x86_64,arm64
    """
    import sys

    from .compare import compare as run_compare
    from .execute import output_width, run_guarded

    code = run_guarded(
        lambda: run_compare(workload, vary, assignments=set_values, output_format=output_format.value,
                            pricing=pricing, free_tier=free_tier, chart=chart, width=output_width(sys.stdout)),
        debug=debug,
    )
    raise typer.Exit(code)
