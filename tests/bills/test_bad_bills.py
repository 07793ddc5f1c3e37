"""A bill reconcile cannot use is refused with exit code 2, naming the file and what was expected: never a
traceback, never a silently empty report."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ONE_FUNCTION, BillLine, bill_lines, estimate_text, write_cur_csv, write_cur_parquet
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()


@pytest.fixture
def workload(tmp_path: Path) -> str:
    path = tmp_path / "w.yaml"
    path.write_text(ONE_FUNCTION)
    return str(path)


@pytest.fixture
def lines() -> list[BillLine]:
    return bill_lines(estimate_text(ONE_FUNCTION))


def refused(*args: str) -> str:
    """Run reconcile; it must exit 2 with our own message, and print nothing on standard output."""
    result = runner.invoke(app, ["reconcile", *args])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    return result.stderr


def test_a_csv_that_is_not_a_bill(workload: str, tmp_path: Path) -> None:
    other = tmp_path / "people.csv"
    other.write_text("name,age\nada,36\n")
    message = refused(workload, "--bill", str(other))
    assert message.startswith(f"error: 1 file of the bill cannot be read\n  {other}: not a bill: its columns are "
                              "name, age (expected a CUR (lineItem/UsageType")


def test_missing_columns_are_named(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur2.csv", lines, cur2=True)
    header, *rows = bill.read_text().splitlines()
    columns = header.split(",")
    drop = columns.index("line_item_unblended_cost")
    bill.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop)
                              for line in [header, *rows]) + "\n")
    message = refused(workload, "--bill", str(bill))
    assert f"{bill}: a CUR 2.0 (Data Exports) without the column line_item_unblended_cost" in message


def test_a_damaged_parquet_file(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_parquet(tmp_path / "cur2.parquet", lines)
    data = bill.read_bytes()
    bill.write_bytes(data[: len(data) // 2])  # a download cut short: the footer, with the schema, is gone
    message = refused(workload, "--bill", str(bill))
    assert message == (f"error: {bill}: not a readable Parquet file (damaged or cut short)\n"
                       "  hint: download the export again\n")


def test_a_parquet_file_damaged_inside(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_parquet(tmp_path / "cur2.parquet", lines * 50)
    data = bytearray(bill.read_bytes())
    data[200:4000] = bytes(3800)  # the column data zeroed, the footer intact
    bill.write_bytes(bytes(data))
    message = refused(workload, "--bill", str(bill))
    assert message.startswith(f"error: {bill}: ")


def test_a_bill_without_lambda(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    other = [replace(line, product="AmazonS3", usage_type="Requests-Tier1") for line in lines]
    bill = write_cur_csv(tmp_path / "cur.csv", other)
    assert refused(workload, "--bill", str(bill)) == (
        f"error: {bill}: no AWS Lambda line items (product code AWSLambda); its products are AmazonS3\n"
        "  hint: give the bill of an account that runs Lambda functions\n")


def test_an_empty_export(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", [])
    assert f"{bill}: no AWS Lambda line items (product code AWSLambda); it has no line items at all" in refused(
        workload, "--bill", str(bill))


def test_mixed_currencies(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", [*lines, replace(lines[0], currency="EUR")])
    assert refused(workload, "--bill", str(bill)) == (
        f"error: {bill}: 2026-10 is billed in several currencies: EUR (1 line items), USD ({len(lines)} line items)\n"
        "  hint: an estimate is in USD; give a bill in USD alone\n")


def test_another_currency(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", [replace(line, currency="CNY") for line in lines])
    assert f"error: {bill}: billed in CNY; lambda-cost estimates in USD" in refused(workload, "--bill", str(bill))


def test_amounts_that_are_not_numbers_are_located(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", lines)
    text = bill.read_text().splitlines()
    text[2] = text[2].replace(str(lines[1].cost), "12.5.0")  # the cost of line 3 (the header is line 1)
    bill.write_text("\n".join(text) + "\n")
    assert refused(workload, "--bill", str(bill)) == (
        f"error: {bill}: numbers that are not numbers\n"
        f"  {bill}:3: lineItem/UnblendedCost: '12.5.0' is not a number (an amount such as 0.0000166667)\n")


def test_a_row_cut_short(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", lines)
    text = bill.read_text().splitlines()
    text[3] = text[3][:20]
    bill.write_text("\n".join(text) + "\n")
    assert refused(workload, "--bill", str(bill)) == (
        f"error: {bill}: rows that do not have the header's columns (a damaged or cut CSV file)\n"
        f"  {bill}:4: 2 cells, not the header's 18\n"
        "  hint: download the export again\n")


def test_a_damaged_gzip_file(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv.gz", lines * 20, compress=True)
    data = bill.read_bytes()
    bill.write_bytes(data[:40])
    assert refused(workload, "--bill", str(bill)).startswith(f"error: {bill}: a damaged gzip file")


def test_files_that_are_not_there(workload: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    message = refused(workload, "--bill", str(tmp_path / "nothing.csv"), "--bill", str(tmp_path / "empty"),
                      "--bill", str(tmp_path / "*.parquet"))
    assert message == (
        "error: cannot find the bill\n"
        f"  {tmp_path / 'nothing.csv'}: no such file or directory (check the path)\n"
        f"  {tmp_path / 'empty'}: a directory with no bill files in it (give the folder the export wrote its CSV "
        "or Parquet files to)\n"
        f"  {tmp_path / '*.parquet'}: no file matches this pattern\n")


def test_an_empty_file(workload: str, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert refused(workload, "--bill", str(tmp_path / "empty.csv")).startswith(
        f"error: {tmp_path / 'empty.csv'}: an empty file, not a bill")


def test_files_of_two_formats(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    (tmp_path / "bill").mkdir()
    write_cur_csv(tmp_path / "bill" / "a.csv", lines)
    write_cur_csv(tmp_path / "bill" / "b.csv", lines, cur2=True)
    message = refused(workload, "--bill", str(tmp_path / "bill"))
    assert message.startswith("error: the bill's files are in different formats; give the files of one export\n")


@pytest.mark.parametrize(("document", "expected"), [
    ('{"ResultsByTime": [', "not valid JSON\n  {path}:1:20: a value is missing, or is not JSON (text in double "
                            "quotes, no trailing comma)"),
    # json's own limits (a number of 4,300 digits, about 1,000 levels of nesting) are said in our words, located
    ('{"ResultsByTime": [], "x": ' + "9" * 5000 + "}", "a number out of range\n  {path}:1:28: '99999999999999999999…' "
                                                     "is too large"),
    ('{"ResultsByTime": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply\n  {path}:1:"),
    ('{"Items": []}', "JSON, but not the output of Cost Explorer's get-cost-and-usage (no ResultsByTime)"),
    ('{"GroupDefinitions": [{"Type": "DIMENSION", "Key": "SERVICE"}], "ResultsByTime": []}',
     "Cost Explorer output grouped by SERVICE, not by USAGE_TYPE"),
    ('{"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01"}, "Total": {"UnblendedCost": {"Amount": "1"}},'
     ' "Groups": []}]}', "Cost Explorer totals without groups; reconcile needs the usage types"),
    ('{"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01"}, "Groups": [{"Keys": ["Request"], "Metrics": '
     '{"UnblendedCost": {"Amount": "x", "Unit": "USD"}, "UsageQuantity": {"Amount": "1", "Unit": "N/A"}}}]}]}',
     "not the output of Cost Explorer's get-cost-and-usage\n  {path}: ResultsByTime[0].Groups[0].Metrics"
     ".UnblendedCost.Amount: Amount 'x' is not a number"),
])
def test_cost_explorer_json_that_is_not_usable(workload: str, tmp_path: Path, document: str, expected: str) -> None:
    path = tmp_path / "ce.json"
    path.write_text(document)
    assert f"error: {path}: {expected.format(path=path)}" in refused(workload, "--bill", str(path))


def test_json_and_csv_together(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    write_cur_csv(tmp_path / "a.csv", lines)
    (tmp_path / "b.json").write_text(json.dumps({"ResultsByTime": []}))
    assert refused(workload, "--bill", str(tmp_path / "a.csv"), "--bill", str(tmp_path / "b.json")).startswith(
        "error: the bill mixes Cost Explorer JSON with CSV or Parquet files")


@pytest.mark.parametrize(("options", "expected"), [
    (["--month", "10/2026"], "error: --month takes a month as YYYY-MM, such as 2026-10; not '10/2026'\n"),
    (["--month", "2026-11"], "error: the bill has no line items of 2026-11; it covers 2026-10 (6 line items)\n"),
    (["--max-gap", "ten"], "error: --max-gap cannot be read\n  --max-gap ten: not US dollars (50, $50) nor a "
                           "percentage of the estimate (10%) (e.g. --max-gap 10% or --max-gap duration=$5)\n"),
    (["--max-gap", "durations=5%"], "error: --max-gap cannot be read\n  --max-gap durations=5%: no component "
                                    "'durations' (components: requests, "),
])
def test_bad_options(workload: str, lines: list[BillLine], tmp_path: Path, options: list[str], expected: str) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", lines)
    assert refused(workload, "--bill", str(bill), *options).startswith(expected)


def test_by_function_needs_resource_ids(workload: str, lines: list[BillLine], tmp_path: Path) -> None:
    bill = write_cur_csv(tmp_path / "cur.csv", [replace(line, resource_id="") for line in lines])
    assert refused(workload, "--bill", str(bill), "--by", "function") == (
        f"error: --by function needs resource IDs, and {bill} has none\n"
        "  hint: a CUR with resource IDs included, or Cost Explorer grouped by RESOURCE_ID too\n")


def test_a_gzipped_csv_whose_header_is_not_text(workload: str, tmp_path: Path) -> None:
    path = tmp_path / "binary.gz"
    path.write_bytes(gzip.compress(bytes(range(128, 256)) * 4))
    assert "not a bill: neither Parquet nor CSV text" in refused(workload, "--bill", str(path))


def test_no_traceback_from_the_console_script(workload: str, tmp_path: Path) -> None:
    path = tmp_path / "garbage.parquet"
    path.write_bytes(b"PAR1" + bytes(100))
    completed = subprocess.run([sys.executable, "-m", "lambda_cost", "reconcile", workload, "--bill", str(path)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert completed.stderr == (f"error: {path}: not a readable Parquet file (damaged or cut short)\n"
                                "  hint: download the export again\n")


def test_a_cost_explorer_cost_without_a_currency_code_is_refused_at_its_unit(workload: str, tmp_path: Path) -> None:
    """A cost's Unit of null read as the currency "None" beside USD (found by the fuzz suite): said at the field."""
    document = {"GroupDefinitions": [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}], "ResultsByTime": [{
        "TimePeriod": {"Start": "2026-10-01", "End": "2026-10-31"}, "Groups": [
            {"Keys": ["Request"], "Metrics": {"UnblendedCost": {"Amount": "1", "Unit": None},
                                              "UsageQuantity": {"Amount": "5000000", "Unit": "N/A"}}}]}]}
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(document))
    said = refused(workload, "--bill", str(path))
    assert "ResultsByTime[0].Groups[0].Metrics.UnblendedCost.Unit: Unit null is not a currency code such as USD" \
        in said, said


_CE_GROUP = {"Keys": ["Request"], "Metrics": {"UnblendedCost": {"Amount": "1", "Unit": "USD"},
                                              "UsageQuantity": {"Amount": "5000000", "Unit": "N/A"}}}


@pytest.mark.parametrize(("result", "said"), [
    # shapes the fuzz suite gave that ended in internal errors
    ({"TimePeriod": {"Start": "2026-10-01"}, "Groups": [{**_CE_GROUP, "Metrics": 7}]},
     "ResultsByTime[0].Groups[0].Metrics: Metrics is not an object of metrics"),
    ({"TimePeriod": {"Start": "2026-10-01"}, "Groups": 7}, "ResultsByTime[0].Groups: Groups is not a list"),
    ({"TimePeriod": "October", "Groups": [_CE_GROUP]},
     "ResultsByTime[0].TimePeriod.Start: TimePeriod.Start null is not a date such as 2026-10-01"),
    ({"TimePeriod": {"Start": 20261001}, "Groups": [_CE_GROUP]},
     "ResultsByTime[0].TimePeriod.Start: TimePeriod.Start 20261001 is not a date"),
])
def test_cost_explorer_results_of_the_wrong_shape_are_refused_where_they_are(
    workload: str, tmp_path: Path, result: dict[str, object], said: str
) -> None:
    path = tmp_path / "ce.json"
    path.write_text(json.dumps({"GroupDefinitions": [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
                                "ResultsByTime": [result]}))
    text = refused(workload, "--bill", str(path))
    assert said in text, text


@pytest.mark.parametrize(("value", "shown"), [("'NaN'", "'nan'"), ("'inf'", "'inf'"), ("1e300", "'1e+300'")])
def test_a_parquet_amount_that_is_no_amount_is_refused_at_its_row_and_column(
    workload: str, tmp_path: Path, lines: list[BillLine], value: str, shown: str
) -> None:
    """A Parquet file has no lines: the row and the column say where (it was "an amount that is not a finite number",
    nowhere)."""
    import duckdb

    good = write_cur_parquet(tmp_path / "good.parquet", lines)
    bad = tmp_path / "bad.parquet"
    duckdb.sql(f"""COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 2 THEN CAST({value} AS DOUBLE)
                                             ELSE line_item_unblended_cost END AS line_item_unblended_cost)
                        FROM read_parquet('{good}')) TO '{bad}' (FORMAT parquet)""")
    said = refused(workload, "--bill", str(bad))
    assert f"{bad}: line_item_unblended_cost: row 2: {shown} is not an amount" in said, said
