"""`lambda-cost pricing list|show|diff|check|import`: inspect, verify and extend the price tables."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from lambda_cost.commands.common import catalog, output_width, parse_date
from lambda_cost.errors import EXIT_OK, InputError, TableError
from lambda_cost.numbers import counted
from lambda_cost.render import RenderOptions, write


def run_list(*, output_format: str = "table", pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing list`: the versions, oldest first, with what each changed."""
    from lambda_cost.tables.inspect import list_versions

    out = stdout or sys.stdout
    write("pricing-list", output_format, list_versions(catalog(pricing_dirs)), _options(out), out)
    return EXIT_OK


def run_show(version: str, *, region: str | None = None, output_format: str = "table",
             pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing show`: a version's resolved rates and rules."""
    from lambda_cost.render.pricing import TableView
    from lambda_cost.tables.inspect import flatten, require_version

    out = stdout or sys.stdout
    resolved = require_version(catalog(pricing_dirs), version)
    view = TableView(resolved, flatten(resolved, region), region)
    write("pricing-show", output_format, view, _options(out), out)
    return EXIT_OK


def run_diff(old: str, new: str, *, region: str | None = None, output_format: str = "table",
             pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing diff`: which rates and rules changed between two versions, and by how much."""
    from lambda_cost.render.pricing import TableChanges
    from lambda_cost.tables.inspect import diff_versions

    out = stdout or sys.stdout
    tables = catalog(pricing_dirs)
    changes = diff_versions(tables, old, new, region)
    report = TableChanges(tables.select(old).version, tables.select(new).version, changes)
    write("pricing-diff", output_format, report, _options(out), out)
    return EXIT_OK


def _options(out: TextIO) -> RenderOptions:
    return RenderOptions(width=output_width(out))


def run_check(*, pricing_dirs: Sequence[str] = (), stdout: TextIO | None = None) -> int:
    """`lambda-cost pricing check`: validate every table; exit 2 naming each file and problem."""
    from lambda_cost.tables.inspect import check

    out = stdout or sys.stdout
    tables = catalog(pricing_dirs)
    problems = check(tables)
    if problems:
        raise TableError(f"{counted(len(problems), 'problem')} in the price tables",
                         problems=problems)
    directories = ", ".join(str(directory) for directory in (tables.directory, *tables.private))
    print(f"{counted(len(tables.versions), 'pricing table')} {'is' if len(tables.versions) == 1 else 'are'} valid "
          f"({directories})", file=out)
    return EXIT_OK


def run_import(
    offer: str,
    *,
    effective: str | None = None,
    extends: str | None = None,
    pricing_dirs: Sequence[str] = (),
    stdout: TextIO | None = None,
) -> int:
    """`lambda-cost pricing import`: a new dated table from an AWS Price List offer file."""
    from lambda_cost.tables.catalog import TableCatalog, private_pricing_dirs
    from lambda_cost.tables.ec2_offer import OFFER_CODE as EC2
    from lambda_cost.tables.ec2_offer import import_ec2_offer, offer_code
    from lambda_cost.tables.offer import import_offer, write_imported

    out = stdout or sys.stdout
    directories = private_pricing_dirs(pricing_dirs)
    if not directories:
        raise InputError("say where the new table goes: --pricing-dir DIR (or $LAMBDA_COST_PRICING_DIR)",
                         hint="a directory of your own tables, or pricing/ in a checkout of lambda-cost")
    target = directories[0]
    tables = TableCatalog(private=directories)  # reads pricing/ of a checkout, the shipped directory, once
    # AWS's EC2 offer file (gigabytes) is streamed for Managed Instances' prices; a Lambda offer is read whole.
    importer = import_ec2_offer if offer_code(Path(offer)) == EC2 else import_offer
    result = importer(
        Path(offer),
        tables,
        effective=None if effective is None else parse_date(effective, "--effective"),
        extends=extends,
    )
    path = write_imported(result, target, catalog=tables)
    print(f"wrote pricing version {result.version} (extends {result.extends}) to {path}: "
          f"{counted(len(result.regions), 'region')}", file=out)
    for item in result.unmapped:
        print(f"  not mapped: {item}", file=sys.stderr)
    return EXIT_OK
