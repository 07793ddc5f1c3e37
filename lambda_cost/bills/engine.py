"""Bills in columns (CSV, CSV.gz, Parquet) summed by DuckDB, and DuckDB's refusals told in our own words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from lambda_cost.bills.files import CSV, PARQUET, BillFile, csv_header, open_bytes
from lambda_cost.bills.formats import (
    ATHENA_RESULT,
    FAST,
    FOCUS,
    FORMATS,
    TEXT,
    Format,
    aggregation_sql,
    detect,
    products_sql,
)
from lambda_cost.bills.model import Bill, BillGroup
from lambda_cost.errors import InputError, Problem
from lambda_cost.numbers import ZERO

if TYPE_CHECKING:
    import duckdb

_EXPECTED = ("a CUR (lineItem/UsageType, lineItem/UnblendedCost, ...), a CUR 2.0 export (line_item_usage_type, "
             "line_item_unblended_cost, ...), a FOCUS 1.0 export (ChargeCategory, BilledCost, ...) or the result of "
             "`lambda-cost reconcile --print-query athena` (usage_type, line_item_type, usage_amount, line_items, ...)")
_MAX_PROBLEMS = 20
_SHOWN_COLUMNS = 8


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never fetches an extension (nothing goes over the network)."""
    import duckdb

    return duckdb.connect(config={
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "preserve_insertion_order": "false",  # the result is sorted; the scan need not keep the files' order
    })


def read_table_bill(files: Sequence[BillFile]) -> Bill:
    """Sum Lambda's line items of CSV and Parquet files of one format."""
    import duckdb

    con = connect()
    schemas = {bill_file.path: _schema(con, bill_file) for bill_file in files}
    fmt = _one_format(files, schemas)
    groups: list[BillGroup] = []
    products: set[str] = set()
    for kind in (PARQUET, CSV):
        chosen = [f for f in files if f.kind == kind]
        if not chosen:
            continue
        types: dict[str, str] = {}
        for bill_file in chosen:
            for column, kind_of in schemas[bill_file.path].items():
                types.setdefault(column, kind_of)
        headers = {tuple(schemas[f.path]) for f in chosen}
        same = next(iter(headers)) if kind == CSV and len(headers) == 1 else None
        source = _source(kind, [f.path for f in chosen], same)
        try:
            try:
                rows = con.execute(aggregation_sql(fmt, types, source, floats=FAST)).fetchall()
            except (duckdb.ConversionException, duckdb.OutOfRangeException):
                # A double too large for the fast reading (10^8.9 units in one line item): read them as text.
                rows = con.execute(aggregation_sql(fmt, types, source, floats=TEXT)).fetchall()
        except duckdb.Error as error:
            raise _refusal(error, chosen, fmt) from None
        groups.extend(_group(row) for row in rows)
        if not rows and fmt is not ATHENA_RESULT:
            products.update(str(found) for (found,) in con.execute(products_sql(fmt, types, source)).fetchall())
    if not groups:
        found = f"its products are {', '.join(sorted(products))}" if products else "it has no line items at all"
        lambda_code = "service name AWS Lambda" if fmt is FOCUS else "product code AWSLambda"
        raise InputError(f"{_paths(files)}: no AWS Lambda line items ({lambda_code}); {found}",
                         hint="give the bill of an account that runs Lambda functions")
    kinds = sorted({f.kind for f in files})
    name = f"{fmt.name}, {' and '.join(k.upper() if k == CSV else k.capitalize() for k in kinds)}"
    # Keys read as the columns hold them may meet once tidied ('' and NULL, spaces): added up here.
    return Bill(name, tuple(f.path for f in files), tuple(_merged(groups)),
                by_description=fmt is FOCUS and _chosen(fmt, schemas, "usage_type") == "ChargeDescription")


def _chosen(fmt: Format, schemas: dict[str, dict[str, str]], field: str) -> str | None:
    first = next(iter(schemas.values()))
    return fmt.resolve(list(first)).get(field)


def _schema(con: duckdb.DuckDBPyConnection, bill_file: BillFile) -> dict[str, str]:
    """Column names and types: a CSV's header (all text), a Parquet file's schema."""
    import duckdb

    if bill_file.kind == CSV:
        return {name: "VARCHAR" for name in csv_header(bill_file) if name}
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_literal(bill_file.path)})").fetchall()
    except duckdb.Error:
        raise InputError(f"{bill_file.path}: not a readable Parquet file (damaged or cut short)",
                         hint="download the export again") from None
    return {str(row[0]): str(row[1]) for row in rows}


def _one_format(files: Sequence[BillFile], schemas: dict[str, dict[str, str]]) -> Format:
    """The format every file is in; every file that is not one, or lacks columns, is a problem."""
    problems: list[Problem] = []
    found: dict[str, list[str]] = {}
    for bill_file in files:
        columns = list(schemas[bill_file.path])
        fmt = detect(columns)
        if fmt is None:
            shown = ", ".join(columns[:_SHOWN_COLUMNS]) + (", ..." if len(columns) > _SHOWN_COLUMNS else "")
            problems.append(Problem(f"not a bill: its columns are {shown or 'none'}", file=bill_file.path,
                                    hint=f"expected {_EXPECTED}"))
            continue
        missing = fmt.missing(columns)
        if missing:
            problems.append(Problem(f"a {fmt.name} without the column{'s' if len(missing) > 1 else ''} "
                                    f"{'; '.join(missing)}", file=bill_file.path,
                                    hint="export the full table, with every column"))
            continue
        found.setdefault(fmt.key, []).append(bill_file.path)
    if problems:
        raise InputError(f"{_count(len(problems), 'file')} of the bill cannot be read", problems=problems)
    if len(found) > 1:
        names = {fmt.key: fmt.name for fmt in FORMATS}
        listed = [Problem(f"{names[key]}: {len(paths)} file(s), such as {paths[0]}") for key, paths in found.items()]
        raise InputError("the bill's files are in different formats; give the files of one export",
                         problems=listed)
    key = next(iter(found))
    return next(fmt for fmt in FORMATS if fmt.key == key)


def _paths(files: Sequence[BillFile]) -> str:
    if len(files) == 1:
        return files[0].path
    return f"{files[0].path} and {_count(len(files) - 1, 'more file')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(kind: str, paths: list[str], columns: Sequence[str] | None = None) -> str:
    """The files as one relation. CSV columns are all text, so that numbers are read exactly and nothing is guessed
    from a sample of rows; files of one header are read with it as given, without DuckDB's dialect sniffer."""
    listed = "[" + ", ".join(_literal(path) for path in paths) + "]"
    if kind == PARQUET:
        return f"read_parquet({listed}, union_by_name = true)"
    dialect = "header = true, delim = ',', quote = '\"', escape = '\"'"
    if columns is not None:
        typed = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in columns)
        return f"read_csv({listed}, {dialect}, auto_detect = false, columns = {{{typed}}})"
    return f"read_csv({listed}, {dialect}, all_varchar = true, union_by_name = true)"


def _group(row: tuple[Any, ...]) -> BillGroup:
    """One row of the query, tidied: keys come as the columns hold them (a timestamp, text with spaces, '')."""
    period, currency, usage_type, line_item_type, region, resource_id, free, amount, cost, effective, count = row
    return BillGroup(
        month=_month(period), currency=_text(currency) or "", usage_type=_text(usage_type) or "",
        line_item_type=_text(line_item_type) or "", region=_text(region), resource_id=_text(resource_id),
        free=bool(free), usage_amount=_decimal(amount), cost=_decimal(cost), effective_cost=_decimal(effective),
        line_items=int(count or 0),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value).strip() or None


def _month(value: Any) -> str:
    """YYYY-MM of a billing period: a date or timestamp, or text that starts with one."""
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return (_text(value) or "")[:7]


def _decimal(value: Any) -> Decimal:
    # DuckDB hands DECIMAL columns over as decimal.Decimal: never a float.
    return ZERO if value is None else Decimal(value)


def _merged(groups: list[BillGroup]) -> list[BillGroup]:
    """Groups with the same keys added up: tidied keys that met, and the parts of a CSV and a Parquet query."""
    merged: dict[tuple[Any, ...], BillGroup] = {}
    for group in groups:
        key = (group.month, group.currency, group.usage_type, group.line_item_type, group.region,
               group.resource_id, group.free)
        before = merged.get(key)
        if before is None:
            merged[key] = group
            continue
        merged[key] = BillGroup(*key, before.usage_amount + group.usage_amount, before.cost + group.cost,
                                before.effective_cost + group.effective_cost, before.line_items + group.line_items)
    return sorted(merged.values(), key=lambda g: (g.month, g.usage_type, g.line_item_type, g.region or "",
                                                  g.resource_id or "", g.free))


# What DuckDB refused, in our words: its messages name its internals, not the user's file.
_CSV_LINE = re.compile(r"\bLine: (\d+)")


def _refusal(error: Exception, files: Sequence[BillFile], fmt: Format) -> InputError:
    """Which file DuckDB could not read, and why, found by reading the files one by one."""
    import duckdb

    message = str(error)
    culprit = _culprit(files, fmt) if len(files) > 1 else files[0]
    where = culprit.path if culprit is not None else f"one of {len(files)} files"
    if isinstance(error, duckdb.ConversionException) or "Could not convert" in message:
        if culprit is not None:
            problems = _bad_numbers(culprit, fmt) if culprit.kind == CSV else _bad_parquet_numbers(culprit, fmt)
            if problems:
                return InputError(f"{culprit.path}: numbers that are not numbers", problems=problems)
        return InputError(f"{where}: a value of another type than a bill holds (an amount that is not a finite "
                          "number, or a list or a map where a bill has text)", hint="export the bill again")
    if isinstance(error, duckdb.OutOfRangeException) or "Overflow" in message:
        return InputError(f"{where}: amounts too large to add up (usage beyond 10^20, money beyond 10^10 USD)",
                          hint="is this a bill?")
    if culprit is not None and culprit.kind == PARQUET:
        return InputError(f"{culprit.path}: not a readable Parquet file (damaged or cut short)",
                          hint="download the export again")
    if culprit is not None:
        problems = _bad_rows(culprit)
        if problems:
            return InputError(f"{culprit.path}: rows that do not have the header's columns (a damaged or cut CSV "
                              "file)", problems=problems, hint="download the export again")
    line = _CSV_LINE.search(message)
    if line is not None:
        return InputError(f"{where}: line {line.group(1)} is not a row of the header's columns (a damaged or cut "
                          "CSV file)", hint="download the export again")
    return InputError(f"{where}: cannot be read as a {fmt.name} ({type(error).__name__.removesuffix('Exception')})",
                      hint="download the export again")


def _culprit(files: Sequence[BillFile], fmt: Format) -> BillFile | None:
    import duckdb

    con = connect()
    for bill_file in files:
        try:
            types = _schema(con, bill_file)
            columns = list(types) if bill_file.kind == CSV else None
            con.execute(aggregation_sql(fmt, types, _source(bill_file.kind, [bill_file.path], columns))).fetchall()
        except (duckdb.Error, InputError):
            return bill_file
    return None


def _bad_numbers(bill_file: BillFile, fmt: Format) -> list[Problem]:
    """Each cell of the amount columns that is not a number, with its line."""
    columns = [column for name, column in fmt.resolve(csv_header(bill_file)).items()
               if name in ("usage_amount", "cost", "effective_cost", "list_cost", "line_items")]
    problems: list[Problem] = []
    with open_bytes(bill_file.path, bill_file.compressed) as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        for row in reader:
            for column in columns:
                value = (row.get(column) or "").strip()
                if value and not _is_number(value):
                    problems.append(Problem(f"{value[:40]!r} is not a number", path=(column,), file=bill_file.path,
                                            line=reader.line_num, hint="an amount such as 0.0000166667"))
            if len(problems) >= _MAX_PROBLEMS:
                break
    return problems


def _bad_parquet_numbers(bill_file: BillFile, fmt: Format) -> list[Problem]:
    """Each value of a Parquet file's amount columns that is no finite amount, with its row (a Parquet file has no
    lines) and column: a list, a blob, NaN, an infinity or a double beyond what a bill holds."""
    import duckdb

    con = duckdb.connect()
    try:
        schema = _schema(con, bill_file)
        columns = [column for name, column in fmt.resolve(list(schema)).items()
                   if name in ("usage_amount", "cost", "effective_cost", "list_cost", "line_items")]
        problems: list[Problem] = []
        source = f"(SELECT *, row_number() OVER () AS lc_row FROM read_parquet({_literal(bill_file.path)}))"
        for column in columns:
            quoted = '"' + column.replace('"', '""') + '"'
            rows = con.execute(
                f"SELECT lc_row, CAST({quoted} AS VARCHAR) FROM {source} WHERE {quoted} IS NOT NULL AND "
                f"TRY_CAST(CAST({quoted} AS VARCHAR) AS DECIMAL(38, 10)) IS NULL ORDER BY lc_row LIMIT {_MAX_PROBLEMS}"
            ).fetchall()
            problems += [Problem(f"row {row:,}: {str(value)[:40]!r} is not an amount", path=(column,),
                                 file=bill_file.path, hint="an amount such as 0.0000166667") for row, value in rows]
        return problems[:_MAX_PROBLEMS]
    except (duckdb.Error, InputError):
        return []
    finally:
        con.close()


def _bad_rows(bill_file: BillFile) -> list[Problem]:
    """Each row with more or fewer cells than the header has columns, with its line."""
    problems: list[Problem] = []
    try:
        with open_bytes(bill_file.path, bill_file.compressed) as raw:
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=""))
            width = len(next(reader, []))
            for cells in reader:
                if len(cells) != width and cells:
                    problems.append(Problem(f"{len(cells)} cells, not the header's {width}", file=bill_file.path,
                                            line=reader.line_num))
                if len(problems) >= _MAX_PROBLEMS:
                    break
    except (OSError, EOFError, csv.Error) as error:
        problems.append(Problem(f"cannot be read to the end ({type(error).__name__})", file=bill_file.path))
    return problems


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


