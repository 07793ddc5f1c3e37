"""The command line: parses options and hands each command to one function that returns the exit code."""

# No `from __future__ import annotations` here: typer reads every option's annotation, and would have to eval
# each one written as a string.
import copy
import difflib
import gc
import os
import sys
import types
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand
from typer.main import get_command_name
from typer.models import CommandInfo, TyperInfo

from lambda_cost import __version__

# lambda-cost uses no pydantic plugins; looking for them scans every installed package's metadata at start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
_PLUGIN_LOADER = "pydantic.plugin._loader"
_ALL_DISABLED = ("__all__", "1", "true")  # the values with which pydantic's loader returns no plugin at all


class _NoPlugins(types.ModuleType):
    """Stands in for pydantic's plugin loader when every plugin is disabled: it returns none, as the loader then
    does, without importing importlib.metadata (with email, zipfile, socket...), 45 M instructions of every run.
    Any other name asked of it comes from the real module."""

    @staticmethod
    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> Any:
        import importlib

        if name.startswith("__"):  # what the import system asks of any module (`__path__`...): not there
            raise AttributeError(name)
        del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _ALL_DISABLED and _PLUGIN_LOADER not in sys.modules:
    sys.modules[_PLUGIN_LOADER] = _NoPlugins(_PLUGIN_LOADER)

app = typer.Typer(
    name="lambda-cost",
    help="Estimate what AWS Lambda functions cost a month, offline, from a YAML workload.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


# The --format choices; the render registry (lambda_cost.render.RENDERERS) has a renderer for each, and a test
# holds the two together. Spelled out here so that typer and mypy see them without importing the renderers.
# Tuples of the values, not Enum classes: options take them as text (_choices), and creating the module's seven
# enums cost about 5 M instructions a run.
OUTPUT_FORMATS = ("table", "json", "markdown", "csv")
LIST_FORMATS = ("table", "json")
CHECK_FORMATS = ("text", "json")
COLORS = ("auto", "always", "never")


def _choices(choices: tuple[str, ...], what: str) -> dict[str, Any]:
    """An option that takes one of `choices`: checked in our words (with a did-you-mean; another case is the same
    value), completed by the shell, and shown in the help as a|b|c."""
    values = list(choices)

    def check(value: Optional[str]) -> Optional[str]:
        if value is None or value in values:
            return value
        if value.strip().lower() in values:
            return value.strip().lower()
        match = difflib.get_close_matches(value, values, n=1, cutoff=0.5)
        listed = ", ".join(values[:-1]) + f" or {values[-1]}"
        raise typer.BadParameter(f"{value!r} is not {what}; choose {listed}" + (
            f" (did you mean {match[0]!r}?)" if match else ""))

    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return {"callback": check, "autocompletion": complete, "metavar": "|".join(values)}


class _Command(TyperCommand):
    """A command whose help names its arguments as people write them (WORKLOAD..., [VERSION]), not by their
    Python names and types ({workloads}..., <list[str]>)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param, usage=True))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [(_argument_name(param, usage=False), _argument_help(param))
                     for param in self.get_params(ctx) if param.param_type_name == "argument"]
        options = [record for param in self.get_params(ctx) if param.param_type_name == "option"
                   for record in [param.get_help_record(ctx)] if record is not None]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _argument_name(param: Any, *, usage: bool) -> str:
    name = str(param.metavar or param.name).upper()
    if param.nargs != 1:
        name += "..."
    return f"[{name}]" if usage and not param.required else name


def _argument_help(param: Any) -> str:
    extra = "required" if param.required else f"default: {param.default}" if param.default is not None else ""
    return f"{param.help or ''}  [{extra}]" if extra else str(param.help or "")


# Options several commands share, declared once.
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format.",
                                           **_choices(OUTPUT_FORMATS, "a format"))]


def _dash_is_stdout(value: Optional[str]) -> Optional[str]:
    """`-o -` is standard output, as `-` is standard input (and as `init -o -` prints), never a file named -."""
    return None if value == "-" else value


OutputOption = Annotated[
    Optional[str],
    typer.Option("--output", "-o", help="Write the report to this file (atomically); - is standard output.",
                 callback=_dash_is_stdout, metavar="FILE"),
]
ForceOption = Annotated[bool, typer.Option(help="Let --output overwrite an existing file.")]
ColorOption = Annotated[str, typer.Option(help="Colour the table: auto honours NO_COLOR and terminals.",
                                           **_choices(COLORS, "a colour choice"))]
ListFormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format.",
                                               **_choices(LIST_FORMATS, "a format"))]
DebugOption = Annotated[bool, typer.Option(help="Show a traceback on internal errors.")]
SetOption = Annotated[
    Optional[list[str]],
    typer.Option("--set", help="Override a value for this run, e.g. functions.api.memory_mb=2048 (repeatable).",
                 metavar="PATH=VALUE"),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr but errors.")]
PricingDirOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--pricing-dir", help="A directory of your own price tables (repeatable; also $LAMBDA_COST_PRICING_DIR).",
        metavar="DIR",
    ),
]


# Whether the console script paused the cycle collector for start-up (lambda_cost/start.py). The command gets it
# back when it starts; what start-up made first goes to the permanent generation (gc.freeze): the modules, classes
# and validators live until exit, and the collector would otherwise walk all of them at its next run.
_gc_paused = False


def _run(action: Callable[[], int], debug: bool, *, short_lived: bool = False) -> None:
    """Run a command through execute.run_guarded and exit with its code. A `short_lived` command (estimate) keeps
    the cycle collector paused if start-up paused it: it turns the collector off for its work anyway
    (commands.common.without_gc), and its imports and messages around that work free next to nothing."""
    from lambda_cost.commands.guard import run_guarded

    if _gc_paused and not short_lived:
        gc.freeze()
        gc.enable()
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


@app.command(cls=_Command)
def estimate(
    workloads: Annotated[
        list[str],
        typer.Argument(help="Workload YAML files (several: priced as one account), or - to read standard input.",
                       metavar="WORKLOAD"),
    ],
    output_format: FormatOption = "table",
    pricing: Annotated[
        Optional[str], typer.Option(help="Pricing table version (default: the workload's, else the newest).",
                                    metavar="VERSION")
    ] = None,
    as_of: Annotated[
        Optional[str], typer.Option(help="Price with the table in force on this date (YYYY-MM-DD).", metavar="DATE")
    ] = None,
    pricing_dir: PricingDirOption = None,
    free_tier: Annotated[
        Optional[bool],
        typer.Option("--free-tier/--no-free-tier", help="Deduct the monthly free tier (default: the workload's)."),
    ] = None,
    budget: Annotated[
        Optional[str],
        typer.Option(help="Monthly budget in USD for the total; replaces the workload's. Over it: exit code 1.",
                     metavar="USD"),
    ] = None,
    explain: Annotated[bool, typer.Option(help="Show the arithmetic behind every number.")] = False,
    output: OutputOption = None,
    force: ForceOption = False,
    color: ColorOption = "auto",
    debug: DebugOption = False,
    set_values: SetOption = None,
    chart: Annotated[bool, typer.Option(help="Add bar charts of cost by function and by component (table).")] = False,
    quiet: QuietOption = False,
) -> None:
    """Price a workload for one month; several files are priced as one account.

    Example:

    \b
      lambda-cost estimate examples/web-api.yaml --format json
    """
    from lambda_cost.commands.estimate import run as run_estimate

    _run(
        lambda: run_estimate(
            workloads,
            output_format=output_format,
            pricing=pricing,
            as_of=as_of,
            pricing_dirs=pricing_dir or (),
            free_tier=free_tier,
            budget=budget,
            explain=explain,
            color=color,
            output=output,
            force=force,
            assignments=set_values,
            chart=chart,
            quiet=quiet,
        ),
        debug,
        short_lived=True,
    )


@app.command(cls=_Command)
def diff(
    base: Annotated[str, typer.Argument(help="Before: a workload file or a saved JSON estimate.", metavar="BASE")],
    head: Annotated[str, typer.Argument(help="After: a workload file or a saved JSON estimate.", metavar="HEAD")],
    output_format: FormatOption = "table",
    pricing: Annotated[Optional[str], typer.Option(help="Pricing version for HEAD (a workload).",
                                                                  metavar="VERSION")] = None,
    base_pricing: Annotated[Optional[str], typer.Option(help="Pricing version for BASE (a workload).",
                                                                       metavar="VERSION")] = None,
    pricing_dir: PricingDirOption = None,
    max_increase: Annotated[
        Optional[str],
        typer.Option(help="Fail (exit 1) when the total rises by more than this: USD (50) or percent (10%).",
                     metavar="USD|PERCENT"),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
    color: ColorOption = "auto",
    debug: DebugOption = False,
) -> None:
    """Show what a change does to the monthly cost, per function and component.

    Example:

    \b
      lambda-cost diff base.yaml workload.yaml --max-increase 10% --format markdown
    """
    from lambda_cost.commands.diff import run as run_diff

    _run(
        lambda: run_diff(
            base,
            head,
            output_format=output_format,
            pricing=pricing,
            base_pricing=base_pricing,
            pricing_dirs=pricing_dir or (),
            max_increase=max_increase,
            color=color,
            output=output,
            force=force,
        ),
        debug,
    )


RECONCILE_GROUPINGS = ("component", "function", "region")
QUERY_ENGINES = ("athena",)


@app.command(cls=_Command)
def reconcile(
    estimate: Annotated[
        Optional[str],
        typer.Argument(metavar="WORKLOAD_OR_ESTIMATE", help="A workload file, or a saved JSON estimate."),
    ] = None,
    bill: Annotated[
        Optional[list[str]],
        typer.Option("--bill", help="The bill: CUR, CUR 2.0 or FOCUS files (CSV, CSV.gz, Parquet), a directory or "
                                    "a glob of them, Cost Explorer JSON, or the Athena query's CSV (repeatable).",
                     metavar="BILL"),
    ] = None,
    month: Annotated[
        Optional[str], typer.Option(help="The billing month, YYYY-MM (default: the bill's only month).",
                                    metavar="MONTH")
    ] = None,
    by: Annotated[str, typer.Option(help="One row per region and component, function, or region.",
                                    **_choices(RECONCILE_GROUPINGS, "a grouping"))] = "component",
    max_gap: Annotated[
        Optional[list[str]],
        typer.Option("--max-gap", help="Fail (exit 1) past this gap: 10%, $50, or COMPONENT=10% (repeatable).",
                     metavar="GAP"),
    ] = None,
    output_format: FormatOption = "table",
    print_query: Annotated[
        Optional[str],
        typer.Option("--print-query", help="Print the SQL that sums a CUR 2.0 table in Amazon Athena, and exit.",
                     **_choices(QUERY_ENGINES, "a query engine")),
    ] = None,
    pricing: Annotated[Optional[str], typer.Option(help="Pricing version for a workload.", metavar="VERSION")] = None,
    as_of: Annotated[
        Optional[str], typer.Option(help="Price a workload with the table in force on this date (YYYY-MM-DD).",
                                    metavar="DATE")
    ] = None,
    pricing_dir: PricingDirOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    color: ColorOption = "auto",
    debug: DebugOption = False,
) -> None:
    """Hold an estimate against the month's bill, per region and component, and gate on the gap.

    Example:

    \b
      lambda-cost reconcile workload.yaml --bill cur/2026-10/ --max-gap 10%
    """
    from lambda_cost.commands.reconcile import run as run_reconcile

    _run(
        lambda: run_reconcile(
            estimate,
            bill or [],
            month=month,
            by=by,
            max_gap=max_gap or [],
            output_format=output_format,
            output=output,
            force=force,
            print_query=print_query,
            pricing=pricing,
            as_of=as_of,
            pricing_dirs=pricing_dir or (),
            color=color,
        ),
        debug,
    )


@app.command(cls=_Command)
def validate(
    workloads: Annotated[list[str], typer.Argument(help="Workload YAML files; - reads standard input.",
                                                   metavar="WORKLOAD")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text for people (on stderr), json for machines.",
                          **_choices(CHECK_FORMATS, "a format"))
    ] = "text",
    pricing: Annotated[
        Optional[str], typer.Option(help="Check against this pricing table version (default: each file's).",
                                    metavar="VERSION")
    ] = None,
    pricing_dir: PricingDirOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Say nothing about valid files; errors still.")] = False,
    debug: DebugOption = False,
) -> None:
    """Check workload files and report every problem of every file; exit 2 if there is any.

    Example:

    \b
      lambda-cost validate examples/*.yaml --format json
    """
    from lambda_cost.commands.common import catalog
    from lambda_cost.commands.validate import run as run_validate

    _run(lambda: run_validate(workloads, output_format=output_format, pricing=pricing,
                              catalog=catalog(pricing_dir or ()), quiet=quiet), debug)


@app.command(cls=_Command)
def schema(output: OutputOption = None, force: ForceOption = False, debug: DebugOption = False) -> None:
    """Print the JSON Schema of the workload format, for editors' completion and checking.

    Example, then start a workload with the comment line below it:

    \b
      lambda-cost schema -o lambda-cost.schema.json
      # yaml-language-server: $schema=./lambda-cost.schema.json
    """
    from lambda_cost.commands.schema import run as write_schema

    _run(lambda: write_schema(output, force=force), debug)


@app.command(cls=_Command)
def init(
    template: Annotated[
        Optional[str],
        typer.Option("--from", help="Draft the workload from a SAM/CloudFormation template, `terraform show "
                     "-json` output, a directory of .tf files, or a serverless.yml.", metavar="TEMPLATE"),
    ] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="The file to write; - prints it.",
                                                metavar="FILE")] = "workload.yaml",
    force: Annotated[bool, typer.Option(help="Overwrite the output file if it exists.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not say what was written.")] = False,
    debug: DebugOption = False,
) -> None:
    """Write a commented starter workload, or draft one from a SAM, Terraform or Serverless Framework source.

    Values a template cannot know (volumes, durations, error rates) are FILL-ME placeholders that validate
    and estimate refuse until they are filled in.

    Example:

    \b
      lambda-cost init --from template.yaml -o workload.yaml
    """
    from lambda_cost.commands.init import run as run_init

    _run(lambda: run_init(template, output, force=force, quiet=quiet), debug)


@app.command(cls=_Command)
def compare(
    workload: Annotated[str, typer.Argument(help="The workload YAML file, or - to read standard input.",
                                            metavar="WORKLOAD")],
    vary: Annotated[
        list[str],
        typer.Option(help="Values to try; a bare function key (memory_mb) means every function (repeatable).",
                     metavar="PATH=V1,V2,..."),
    ],
    set_values: SetOption = None,
    output_format: ListFormatOption = "table",
    pricing: Annotated[Optional[str], typer.Option(help="Pricing table version.", metavar="VERSION")] = None,
    pricing_dir: PricingDirOption = None,
    free_tier: Annotated[
        Optional[bool], typer.Option("--free-tier/--no-free-tier", help="Deduct the monthly free tier.")
    ] = None,
    chart: Annotated[bool, typer.Option(help="Show a bar chart of the totals.")] = True,
    debug: DebugOption = False,
) -> None:
    """Price every combination of --vary values, cheapest first, and mark the cheapest.

    Example:

    \b
      lambda-cost compare examples/web-api.yaml --vary memory_mb=512,1024,2048
    --vary architecture=x86_64,arm64
    """
    import sys

    from lambda_cost.commands.common import catalog, output_width
    from lambda_cost.commands.compare import run as run_compare

    _run(lambda: run_compare(workload, vary, assignments=set_values, output_format=output_format,
                             pricing=pricing, free_tier=free_tier, catalog=catalog(pricing_dir or ()),
                             chart=chart, width=output_width(sys.stdout)), debug)



CALIBRATE_FORMATS = ("yaml", "json", "table")


@app.command(cls=_Command)
def calibrate(
    sources: Annotated[
        Optional[list[str]],
        typer.Argument(help="REPORT log files or folders (.gz too), a Logs Insights result, metrics; - for stdin.",
                       metavar="SOURCE"),
    ] = None,
    window: Annotated[
        Optional[str], typer.Option(help="The period the usage covers: 14d, 36h (default: the timestamps' span).",
                                    metavar="PERIOD")
    ] = None,
    function: Annotated[
        Optional[str], typer.Option(help="The function of lines that name no /aws/lambda/NAME log group.",
                                    metavar="NAME")
    ] = None,
    into: Annotated[
        Optional[str], typer.Option(help="Write the measured values into this workload, keeping its comments.",
                                    metavar="WORKLOAD")
    ] = None,
    output: OutputOption = None,
    force: Annotated[bool, typer.Option(help="Let -o overwrite a file; with --into alone, replace that file.")] = False,
    output_format: Annotated[
        Optional[str],
        typer.Option("--format", "-f", help="yaml: the workload; json: the measurements; table: for people "
                     "(default: yaml, or table with --into).", **_choices(CALIBRATE_FORMATS, "a format")),
    ] = None,
    print_query: Annotated[
        bool, typer.Option("--print-query", help="Print the Logs Insights query whose result calibrate reads.")
    ] = False,
    aws: Annotated[
        bool, typer.Option("--aws", help="Read metrics and run the Logs Insights query in AWS (needs the aws extra).")
    ] = False,
    region: Annotated[Optional[str], typer.Option(help="With --aws: the AWS region.", metavar="REGION")] = None,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Write a workload from real usage: REPORT logs, Logs Insights results or CloudWatch metrics.

    Example:

    \b
      lambda-cost calibrate logs/ --window 14d --function api -o workload.yaml
    """
    from lambda_cost.commands.calibrate import run as run_calibrate

    _run(lambda: run_calibrate(
        sources or [], window=window, function=function, into=into, output=output, force=force,
        output_format=output_format, print_query=print_query, aws=aws,
        region=region, quiet=quiet,
    ), debug)



pricing_app = typer.Typer(
    name="pricing",
    help="Inspect, compare, check and import the price tables.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(pricing_app)


RegionOption = Annotated[Optional[str], typer.Option(help="Only this region, e.g. eu-west-1.", metavar="REGION")]


@pricing_app.command("list", cls=_Command)
def pricing_list(
    output_format: ListFormatOption = "table",
    pricing_dir: PricingDirOption = None,
    debug: DebugOption = False,
) -> None:
    """List the pricing versions, oldest first, with what each changed.

    Example:

    \b
      lambda-cost pricing list --format json
    """
    from lambda_cost.commands.pricing import run_list as run

    _run(lambda: run(output_format=output_format, pricing_dirs=pricing_dir or ()), debug)


@pricing_app.command("show", cls=_Command)
def pricing_show(
    version: Annotated[str, typer.Argument(help="A pricing version, or latest.", metavar="VERSION")] = "latest",
    region: RegionOption = None,
    output_format: ListFormatOption = "table",
    pricing_dir: PricingDirOption = None,
    debug: DebugOption = False,
) -> None:
    """Show a version's resolved rates and billing rules.

    Example:

    \b
      lambda-cost pricing show 2022-08-01 --region eu-west-1
    """
    from lambda_cost.commands.pricing import run_show as run

    _run(lambda: run(version, region=region, output_format=output_format,
                     pricing_dirs=pricing_dir or ()), debug)


@pricing_app.command("diff", cls=_Command)
def pricing_diff(
    old: Annotated[str, typer.Argument(help="The older pricing version.", metavar="OLD")],
    new: Annotated[str, typer.Argument(help="The newer pricing version, or latest.", metavar="NEW")] = "latest",
    region: RegionOption = None,
    output_format: ListFormatOption = "table",
    pricing_dir: PricingDirOption = None,
    debug: DebugOption = False,
) -> None:
    """Show which rates and rules changed between two versions, and by how much.

    Example:

    \b
      lambda-cost pricing diff 2014-11-13 2020-12-01 --region us-east-1
    """
    from lambda_cost.commands.pricing import run_diff as run

    _run(lambda: run(old, new, region=region, output_format=output_format,
                     pricing_dirs=pricing_dir or ()), debug)


@pricing_app.command("check", cls=_Command)
def pricing_check(pricing_dir: PricingDirOption = None, debug: DebugOption = False) -> None:
    """Validate every price table: schema, tiers, dates, complete regions. Exit 2 on a problem.

    Example:

    \b
      lambda-cost pricing check --pricing-dir my-tables/
    """
    from lambda_cost.commands.pricing import run_check as run

    _run(lambda: run(pricing_dirs=pricing_dir or ()), debug)


@pricing_app.command("import", cls=_Command)
def pricing_import(
    offer: Annotated[str, typer.Argument(help="An AWS Price List offer file for AWSLambda (index.json).",
                                         metavar="OFFER")],
    effective: Annotated[
        Optional[str], typer.Option(help="Effective date YYYY-MM-DD (default: the offer's publication date).",
                                    metavar="DATE")
    ] = None,
    extends: Annotated[
        Optional[str], typer.Option(help="The version whose billing rules it inherits (default: the newest older).",
                                    metavar="VERSION")
    ] = None,
    pricing_dir: Annotated[
        Optional[list[str]],
        typer.Option("--pricing-dir", help="Where to write the new table (default: $LAMBDA_COST_PRICING_DIR).",
                     metavar="DIR"),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Write a new dated price table from an AWS Price List offer file; never overwrites a version.

    Example:

    \b
      lambda-cost pricing import index.json --pricing-dir my-tables/
    """
    from lambda_cost.commands.pricing import run_import as run

    _run(lambda: run(offer, effective=effective, extends=extends, pricing_dirs=pricing_dir or ()), debug)


def invoked_only(typer_app: typer.Typer, args: list[str]) -> typer.Typer:
    """`typer_app` with only the command (or group, narrowed the same way) that args[0] names.

    Typer builds every registered command before it parses a command line, evaluating each one's options (about
    7 M instructions a command): a run needs only the command it invokes. Anything else (no command, an option
    such as --help or --version, a misspelt command) gets the whole app, whose help lists every command.
    """
    if not args:
        return typer_app
    commands = [info for info in typer_app.registered_commands if _command_name(info) == args[0]]
    groups = [info for info in typer_app.registered_groups if _group_name(info) == args[0]]
    if not commands and not groups:
        return typer_app
    narrowed = copy.copy(typer_app)
    narrowed.registered_commands = commands
    narrowed.registered_groups = []
    for info in groups:
        group = copy.copy(info)
        assert info.typer_instance is not None
        group.typer_instance = invoked_only(info.typer_instance, args[1:])
        narrowed.registered_groups.append(group)
    return narrowed


def _command_name(info: CommandInfo) -> str | None:
    if info.name:
        return info.name
    return get_command_name(info.callback.__name__) if info.callback else None


def _group_name(info: TyperInfo) -> str | None:
    name = info.name if isinstance(info.name, str) else None
    return name or (info.typer_instance.info.name if info.typer_instance else None)


def console_script(*, gc_paused: bool = False) -> None:
    """The command line, as the console script and `python -m lambda_cost` run it (through start.main, which
    passes `gc_paused`: the cycle collector is off until the command runs). Typer prints help and --version itself,
    before any command runs: this gives that output the commands' handling of a full disk or a closed pipe, not a
    traceback."""
    global _gc_paused
    from lambda_cost.commands.guard import run_guarded

    _gc_paused = gc_paused

    def typer_app() -> int:
        try:
            invoked_only(app, sys.argv[1:])(prog_name="lambda-cost")
        except SystemExit as done:  # typer always ends this way, with the command's exit code
            return done.code if isinstance(done.code, int) else int(done.code is not None)
        return 0

    code = run_guarded(typer_app)
    # The interpreter ends with a full collection of cyclic garbage that walks every object still alive (pydantic's
    # schemas, typer's command): 10 ms of a run, on memory the system takes back anyway. A frozen object is left
    # out of it; what the run writes is flushed and closed by now (run_guarded).
    gc.freeze()
    sys.exit(code)
