"""Readers of bills for `reconcile`: CUR, CUR 2.0, FOCUS, Cost Explorer and the Athena query's result."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from lambda_cost.bills.files import JSON, expand, sniff
from lambda_cost.bills.model import Bill, BillGroup
from lambda_cost.errors import InputError, Problem

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CURRENCY = "USD"


def read_bill(inputs: Sequence[str]) -> Bill:
    """Lambda's line items of the files, directories and globs given, summed by DuckDB (or read from JSON)."""
    files = [sniff(path) for path in expand(list(inputs))]
    json_files = [f for f in files if f.kind == JSON]
    if json_files and len(json_files) != len(files):
        others = next(f.path for f in files if f.kind != JSON)
        raise InputError("the bill mixes Cost Explorer JSON with CSV or Parquet files",
                         problems=[Problem("JSON", file=json_files[0].path), Problem("a table", file=others)],
                         hint="give one kind: the same usage would be counted twice")
    if json_files:
        from lambda_cost.bills.cost_explorer import read_cost_explorer

        bill = read_cost_explorer(files)
    else:
        from lambda_cost.bills.engine import read_table_bill

        bill = read_table_bill(files)
    if not bill.groups:
        raise InputError(f"{_files(bill)}: no AWS Lambda line items (product code AWSLambda)",
                         hint="give the bill of an account that runs Lambda functions, for the whole month")
    return bill


def parse_month(text: str) -> str:
    """--month: YYYY-MM."""
    month = text.strip()
    if not _MONTH.match(month):
        raise InputError(f"--month takes a month as YYYY-MM, such as 2026-10; not {text!r}")
    return month


def select_month(bill: Bill, month: str | None) -> tuple[str, list[BillGroup]]:
    """The chosen month's groups: --month, or the bill's only month; in USD, the only currency compared."""
    counts: Counter[str] = Counter()
    for group in bill.groups:
        counts[group.month] += group.line_items
    bad = sorted(m for m in counts if not _MONTH.match(m))
    if bad:
        raise InputError(f"{_files(bill)}: billing periods that are not dates ({', '.join(repr(m) for m in bad[:5])})",
                         hint="the billing period (or usage start) column holds dates such as 2026-10-01")
    months = sorted(counts)
    listed = ", ".join(f"{m} ({counts[m]:,} line items)" for m in months)
    if month is None:
        if len(months) > 1:
            raise InputError(f"the bill covers {len(months)} months: {listed}", hint="choose one with --month")
        month = months[0]
    elif month not in counts:
        raise InputError(f"the bill has no line items of {month}; it covers {listed}")
    groups = [group for group in bill.groups if group.month == month]
    currencies: Counter[str] = Counter()
    for group in groups:
        if group.currency:
            currencies[group.currency] += group.line_items
    if len(currencies) > 1:
        raise InputError(f"{_files(bill)}: {month} is billed in several currencies: "
                         + ", ".join(f"{c} ({n:,} line items)" for c, n in sorted(currencies.items())),
                         hint="an estimate is in USD; give a bill in USD alone")
    if currencies and CURRENCY not in currencies:
        (currency,) = currencies
        raise InputError(f"{_files(bill)}: billed in {currency}; lambda-cost estimates in {CURRENCY}",
                         hint="reconcile compares USD bills (the currency of AWS's public prices)")
    return month, groups


def _files(bill: Bill) -> str:
    if len(bill.files) == 1:
        return bill.files[0]
    return f"{bill.files[0]} and {len(bill.files) - 1} more file{'s' if len(bill.files) > 2 else ''}"
