"""Each bill format read to exact sums: legacy CUR, CUR 2.0 (CSV and Parquet), FOCUS, Cost Explorer JSON and the
Athena query's result, one file or many."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from conftest import BillLine, write_cost_explorer, write_cur_csv, write_cur_parquet, write_focus_csv

from lambda_cost.bills import read_bill, select_month
from lambda_cost.bills.formats import athena_query
from lambda_cost.bills.model import BillGroup

ARN = "arn:aws:lambda:us-east-2:123456789012:function:api"
RATE = Decimal("0.0000133334")


def hourly(count: int = 3) -> list[BillLine]:
    """arm64 duration in us-east-2 over `count` hours, 1,000.5 GB-s an hour (1,000.5 × $0.0000133334 =
    $0.0133400667), and a zero-cost free-tier line."""
    lines = [BillLine("USE2-Lambda-GB-Second-ARM", Decimal("1000.5"), Decimal("1000.5") * RATE, "us-east-2", ARN,
                      unit="Lambda-GB-Second") for _ in range(count)]
    lines.append(BillLine("USE2-Lambda-GB-Second-ARM", Decimal(400000), Decimal(0), "us-east-2", ARN,
                          description="AWS Lambda - Compute Free Tier - 400,000 GB-Seconds - US East (Ohio) - ARM"))
    lines.append(BillLine("Requests-Tier1", Decimal(10), Decimal("0.00005"), "us-east-2", product="AmazonS3"))
    return lines


EXPECTED = [
    BillGroup("2026-10", "USD", "USE2-Lambda-GB-Second-ARM", "Usage", "us-east-2", ARN, False, Decimal("3001.5"),
              Decimal("0.0400202001"), Decimal(0), 3),
    BillGroup("2026-10", "USD", "USE2-Lambda-GB-Second-ARM", "Usage", "us-east-2", ARN, True, Decimal(400000),
              Decimal(0), Decimal(0), 1),
]


def test_legacy_cur_csv(tmp_path: Path) -> None:
    bill = read_bill([str(write_cur_csv(tmp_path / "cur.csv", hourly()))])
    assert bill.format == "Cost and Usage Report (legacy CUR), CSV"
    assert list(bill.groups) == EXPECTED


def test_cur2_gzipped_csv_and_parquet_parts_of_one_export(tmp_path: Path) -> None:
    export = tmp_path / "export" / "BILLING_PERIOD=2026-10"
    export.mkdir(parents=True)
    write_cur_csv(export / "part-0.csv.gz", hourly(2)[:2], cur2=True, compress=True)
    write_cur_parquet(export / "part-1.parquet", hourly(1))
    (export / "export-Manifest.json").write_text(json.dumps({"reportKeys": []}))  # beside the data: not read
    bill = read_bill([str(tmp_path / "export")])
    assert bill.format == "CUR 2.0 (Data Exports), CSV and Parquet"
    assert len(bill.files) == 2
    assert list(bill.groups) == EXPECTED


def test_a_glob(tmp_path: Path) -> None:
    lines = hourly(3)
    for number, part in enumerate((lines[:1], lines[1:2], lines[2:])):
        write_cur_parquet(tmp_path / f"part-{number}.parquet", part)
    bill = read_bill([str(tmp_path / "part-*.parquet")])
    assert [g.usage_amount for g in bill.groups] == [Decimal("3001.5"), Decimal(400000)]


def test_focus_with_a_savings_plan(tmp_path: Path) -> None:
    covered = BillLine("Lambda-GB-Second", Decimal(1000), Decimal("0.0166667"), "us-east-1", ARN,
                       line_item_type="SavingsPlanCoveredUsage", effective=Decimal("0.01383336"),
                       description="AWS Lambda - Total Compute - US East (N. Virginia)-Tier-1")
    credit = BillLine("", Decimal(0), Decimal("-2"), "us-east-1", line_item_type="Credit", description="Credit")
    bill = read_bill([str(write_focus_csv(tmp_path / "focus.csv", [covered, credit]))])
    assert bill.format == "FOCUS 1.0, CSV"
    usage = next(g for g in bill.groups if g.line_item_type == "SavingsPlanCoveredUsage")
    # BilledCost is 0 for covered usage: the on-demand cost comes from ListCost, the plan's from EffectiveCost.
    assert (usage.cost, usage.effective_cost, usage.free) == (Decimal("0.0166667"), Decimal("0.01383336"), False)
    assert next(g for g in bill.groups if g.line_item_type == "Credit").cost == Decimal(-2)


def test_cost_explorer_by_usage_type_and_record_type(tmp_path: Path) -> None:
    document = {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}, {"Type": "DIMENSION", "Key": "RECORD_TYPE"}],
        "ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"}, "Total": {}, "Groups": [
            {"Keys": ["USE2-Lambda-GB-Second", "Usage"],
             "Metrics": {"UnblendedCost": {"Amount": "12.3", "Unit": "USD"},
                         "UsageQuantity": {"Amount": "738000", "Unit": "N/A"}}},
            {"Keys": ["USE2-Lambda-GB-Second", "Credit"],
             "Metrics": {"UnblendedCost": {"Amount": "-12.3", "Unit": "USD"},
                         "UsageQuantity": {"Amount": "0", "Unit": "N/A"}}}]}],
    }
    (tmp_path / "ce.json").write_text(json.dumps(document))
    bill = read_bill([str(tmp_path / "ce.json")])
    assert bill.format == "Cost Explorer get-cost-and-usage, JSON"
    assert not bill.free_tier_apart
    assert [(g.line_item_type, g.usage_amount, g.cost) for g in bill.groups] == [
        ("Credit", Decimal(0), Decimal("-12.3")), ("Usage", Decimal(738000), Decimal("12.3"))]


def test_cost_explorer_by_service_keeps_lambda(tmp_path: Path) -> None:
    path = write_cost_explorer(tmp_path / "ce.json", hourly())
    document = json.loads(path.read_text())
    document["GroupDefinitions"].insert(0, {"Type": "DIMENSION", "Key": "SERVICE"})
    for group in document["ResultsByTime"][0]["Groups"]:
        group["Keys"].insert(0, "AWS Lambda")
    document["ResultsByTime"][0]["Groups"].append({"Keys": ["Amazon S3", "Requests-Tier1"], "Metrics": {
        "UnblendedCost": {"Amount": "1", "Unit": "USD"}, "UsageQuantity": {"Amount": "5", "Unit": "N/A"}}})
    path.write_text(json.dumps(document))
    (group,) = read_bill([str(path)]).groups
    assert (group.usage_type, group.usage_amount, group.cost) == (
        "USE2-Lambda-GB-Second-ARM", Decimal("403001.5"), Decimal("0.0400202001"))


def test_several_months_and_the_month_chosen(tmp_path: Path) -> None:
    lines = hourly()
    september = [BillLine(**{**line.__dict__, "month": "2026-09"}) for line in lines]
    bill = read_bill([str(write_cur_csv(tmp_path / "cur.csv", september + lines))])
    month, groups = select_month(bill, "2026-09")
    assert month == "2026-09"
    assert [g.usage_amount for g in groups] == [Decimal("3001.5"), Decimal(400000)]


def test_the_athena_query() -> None:
    query = athena_query("2026-10")
    assert query.startswith("-- lambda-cost reconcile: AWS Lambda's line items of a CUR 2.0 table")
    assert "FROM cur_database.cur_table\n" in query
    assert "WHERE \"line_item_product_code\" = 'AWSLambda'\n" in query
    assert "AND substr(CAST(\"bill_billing_period_start_date\" AS VARCHAR), 1, 7) = '2026-10'\n" in query
    assert "SUM(CAST(\"line_item_unblended_cost\" AS DECIMAL(38, 10))) AS cost" in query
    assert query.endswith("GROUP BY 1, 2, 3, 4, 5, 6, 7\nORDER BY 1, 2, 3, 4, 5, 6, 7;\n")
    assert "billing_period = 'YYYY-MM'" in athena_query()


def test_a_parquet_amount_too_large_for_the_fast_reading(tmp_path: Path) -> None:
    # 12.3 billion requests in one line item: beyond a 64-bit count of 10^-10 units, read as a decimal instead.
    line = BillLine("Request", Decimal("12345678901.5"), Decimal("2469.1357803"), "us-east-1", ARN)
    (group,) = read_bill([str(write_cur_parquet(tmp_path / "cur2.parquet", [line, line]))]).groups
    assert (group.usage_amount, group.cost) == (Decimal("24691357803"), Decimal("4938.2715606"))


def test_focus_parquet(tmp_path: Path) -> None:
    import duckdb

    text = write_focus_csv(tmp_path / "focus.csv", hourly())
    duckdb.sql(f"""COPY (SELECT * REPLACE (CAST(BillingPeriodStart AS TIMESTAMP) AS BillingPeriodStart,
                   CAST(ConsumedQuantity AS DOUBLE) AS ConsumedQuantity, CAST(BilledCost AS DOUBLE) AS BilledCost,
                   CAST(ListCost AS DOUBLE) AS ListCost) FROM read_csv('{text}', all_varchar = true))
                   TO '{tmp_path / "focus.parquet"}' (FORMAT parquet)""")
    bill = read_bill([str(tmp_path / "focus.parquet")])
    assert bill.format == "FOCUS 1.0, Parquet"
    assert [(g.usage_amount, g.cost, g.free) for g in bill.groups] == [
        (Decimal("3001.5"), Decimal("0.0400202001"), False), (Decimal(400000), Decimal(0), True)]
