"""reconcile end to end: a bill made from an estimate, in every shape, reconciles to a zero gap; a changed one
fails the gate, naming the cause."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import (
    ACCOUNT,
    ONE_FUNCTION,
    BillLine,
    bill_lines,
    estimate_text,
    other_lines,
    write_athena_result,
    write_cost_explorer,
    write_cur_csv,
    write_cur_parquet,
    write_focus_csv,
)

from lambda_cost.commands.reconcile import run as reconcile
from lambda_cost.errors import InputError
from lambda_cost.numbers import exact_sum

EVERYTHING = Path(__file__).resolve().parent.parent / "fixtures" / "reconcile" / "everything.yaml"


@pytest.fixture(scope="module")
def lines() -> list:
    return bill_lines(estimate_text(EVERYTHING.read_text()))


def run(capsys: pytest.CaptureFixture[str], *bills: Path, **options: object) -> tuple[int, dict]:
    code = reconcile(str(EVERYTHING), [str(b) for b in bills], output_format="json", **options)  # type: ignore[arg-type]
    return code, json.loads(capsys.readouterr().out)


EXACT_SHAPES = {
    "legacy CUR, CSV": lambda path, lines: write_cur_csv(path / "cur.csv", lines),
    "legacy CUR, CSV.gz": lambda path, lines: write_cur_csv(path / "cur.csv.gz", lines, compress=True),
    "CUR 2.0, CSV": lambda path, lines: write_cur_csv(path / "cur2.csv", lines, cur2=True),
    "FOCUS 1.0 with x_UsageType": lambda path, lines: write_focus_csv(path / "focus.csv", lines),
    "FOCUS 1.0 without x_UsageType": lambda path, lines: write_focus_csv(path / "focus.csv", lines,
                                                                      usage_type_column=False),
}


@pytest.mark.parametrize("shape", list(EXACT_SHAPES))
def test_a_bill_made_from_the_estimate_reconciles_to_a_zero_gap(shape, lines, tmp_path, capsys):
    bill = EXACT_SHAPES[shape](tmp_path, lines + other_lines())
    code, report = run(capsys, bill, max_gap=["requests=0", "duration=0", "free_tier_duration=0"])
    compared = [row for row in report["rows"] if row["component"] != "data_transfer"]
    assert all(row["cost_gap"] == "0" and row["quantity_gap"] == "0" for row in compared), compared
    assert {row["status"] for row in compared} == {"matched"}
    # Data transfer under AWSLambda is billed and named; the credit and the tax are shown apart, not compared.
    (transfer,) = [row for row in report["rows"] if row["component"] == "data_transfer"]
    assert (transfer["region"], transfer["billed_cost"], transfer["status"]) == ("us-west-2", "1.125", "billed only")
    assert report["total"]["gap"] == "1.125"
    assert [(a["kind"], a["cost"]) for a in report["adjustments"]] == [("Credit", "-5"), ("Tax", "1.5")]
    assert code == 0


ROUNDED_SHAPES = {
    # Data Exports' Parquet stores amounts as doubles: read to 10 decimal places, each line is off by less than
    # 5 × 10^-11 (the estimate's amounts have up to 28).
    "CUR 2.0, Parquet": lambda path, lines: write_cur_parquet(path / "cur2.parquet", lines),
    "the Athena query's result": lambda path, lines: write_athena_result(path / "athena.csv", lines),
}


@pytest.mark.parametrize("shape", list(ROUNDED_SHAPES))
def test_a_parquet_bill_reconciles_to_a_gap_below_its_rounding(shape, lines, tmp_path, capsys):
    bill = ROUNDED_SHAPES[shape](tmp_path, lines + other_lines())
    code, report = run(capsys, bill, max_gap=["requests=0.000001", "duration=0.000001"])
    assert code == 0
    compared = [row for row in report["rows"] if row["component"] != "data_transfer"]
    assert len(compared) == 21
    assert all(abs(Decimal(row["cost_gap"])) < Decimal("1E-9") for row in compared), compared
    assert all(abs(Decimal(row["quantity_gap"])) < Decimal("1E-9") for row in compared), compared
    assert report["bill"]["format"].startswith("CUR 2.0" if "Parquet" in shape else "the Athena query's result")


def test_cost_explorer_json_reconciles_net_of_the_free_tier(lines, tmp_path, capsys):
    bill = write_cost_explorer(tmp_path / "ce.json", lines, by_resource=True)
    code, report = run(capsys, bill, by="function", max_gap=["0"])
    assert code == 0
    assert {row["status"] for row in report["rows"]} == {"matched"}
    # Cost Explorer adds free usage into its usage type: no free-tier rows, and a note says why.
    assert not [row for row in report["rows"] if row["component"].startswith("free_tier")]
    assert any("Cost Explorer adds free-tier usage" in note for note in report["notes"])
    assert report["bill"]["format"] == "Cost Explorer get-cost-and-usage, JSON"
    assert {row["function"] for row in report["rows"]} == {
        "api", "thumbnails", "checkout", "render", "enrich", "rewrite", "orders"}


def _changed(lines: list, usage_type: str, factor: str) -> list:
    """The lines with one usage type's paid usage and cost multiplied (its free-tier lines left alone)."""
    return [replace(line, amount=line.amount * Decimal(factor), cost=line.cost * Decimal(factor))
            if line.usage_type == usage_type and line.cost else line for line in lines]


def test_a_changed_bill_fails_the_gate_and_says_where(lines, tmp_path, capsys):
    bill = write_cur_csv(tmp_path / "cur.csv", _changed(lines, "Lambda-GB-Second-ARM", "2"))
    code = reconcile(str(EVERYTHING), [str(bill)], output_format="json",
                     max_gap=["duration_arm64=5%", "duration=5%", "10%"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1
    (changed,) = [row for row in report["rows"] if row["status"] != "matched"]
    assert (changed["region"], changed["component"]) == ("us-east-1", "duration_arm64")
    # 600,000 GB-s of which 21,434.95... are free: the paid 578,565.05 GB-s are billed twice over.
    assert Decimal(changed["quantity_gap"]) == Decimal("600000") - Decimal("21434.950878237570705567")
    # arm64's duration is $7.71 of the estimate's $479.09.
    assert [(g["target"], g["exceeded"]) for g in report["gates"]] == [
        ("duration_arm64", True), ("duration", False), ("total", False)]
    assert captured.err == (
        "over the gate: component duration_arm64 is billed $15.43 against $7.71 estimated, a gap of $7.71 (100%), "
        "beyond --max-gap duration_arm64=5%\n")


def test_a_free_tier_used_elsewhere_is_named(write, capsys):
    workload = write("w.yaml", ONE_FUNCTION.replace("free_tier: false", "free_tier: true").replace("1M", "5M"))
    lines = bill_lines(estimate_text(Path(workload).read_text()))
    # Other usage of the account took the 400,000 free GB-s (of 500,000): the bill has no free duration line and
    # bills them at the rate.
    (free,) = [line for line in lines if line.usage_type == "Lambda-GB-Second" and not line.cost]
    rate = Decimal("0.0000166667")
    lines = [line for line in lines if line is not free] + [replace(free, cost=free.amount * rate, description="")]
    bill = write_cur_csv(Path(workload).parent / "cur.csv", lines)
    code = reconcile(workload, [str(bill)], output_format="json", max_gap=["1%"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    rows = {row["component"]: row for row in report["rows"]}
    assert Decimal(rows["duration_x86_64"]["cost_gap"]) == Decimal("400000") * rate
    assert rows["duration_x86_64"]["causes"] == [
        "the free tier covers 0 here on the bill and 400,000 in the estimate (see free_tier_duration)"]
    assert rows["free_tier_duration"]["causes"] == [
        "the bill applies 0 free GB-s here, the estimate 400,000: the account's free tier also went to other usage "
        "(or other regions)"]
    assert rows["requests"]["status"] == rows["free_tier_requests"]["status"] == "matched"


# One function, 5M requests of 100 ms at 1 GB: 500,000 GB-s, 400,000 of them free; a plan 17% off.
SAVINGS_PLAN = ONE_FUNCTION.replace("free_tier: false\n", "savings_plan:\n  discount: 0.17\n").replace("1M", "5M")


def _covered(lines: list, discount: str) -> list:
    """A Compute Savings Plan's lines: priced duration covered at the plan's rate, its on-demand cost taken back."""
    covered = []
    for line in lines:
        if line.usage_type == "Lambda-GB-Second" and line.cost:
            covered.append(replace(line, line_item_type="SavingsPlanCoveredUsage",
                                   effective=line.cost * (1 - Decimal(discount))))
            covered.append(replace(line, line_item_type="SavingsPlanNegation", amount=Decimal(0), cost=-line.cost))
        else:
            covered.append(line)
    return covered


@pytest.mark.parametrize("writer", [write_cur_csv, write_focus_csv])
def test_a_savings_plan_is_shown_apart_and_named(writer, write, capsys):
    with_plan = write("plan.yaml", SAVINGS_PLAN)
    without = write("none.yaml", SAVINGS_PLAN.replace("savings_plan:\n  discount: 0.17\n", ""))
    lines = bill_lines(estimate_text(SAVINGS_PLAN))
    bill = writer(Path(with_plan).parent / "bill.csv", _covered(lines, "0.17"))
    # Priced with its savings_plan, the workload matches the bill row by row: duration at its on-demand cost, and
    # the plan's discount (the effective cost minus that) as its own row.
    assert reconcile(with_plan, [str(bill)], output_format="json", max_gap=["0"]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {row["component"]: row for row in report["rows"]}
    assert {row["status"] for row in report["rows"]} == {"matched"}
    on_demand = Decimal("100000") * Decimal("0.0000166667")  # 500,000 GB-s, 400,000 of them free
    assert Decimal(rows["savings_plan"]["billed_quantity"]) == on_demand
    assert Decimal(rows["savings_plan"]["billed_cost"]) == -on_demand * Decimal("0.17")
    # Without it, the discount is the gap, and named.
    assert reconcile(without, [str(bill)], output_format="json", max_gap=["1%"]) == 1
    report = json.loads(capsys.readouterr().out)
    (plan,) = [row for row in report["rows"] if row["component"] == "savings_plan"]
    assert plan["status"] == "billed only"
    assert plan["causes"] == ["a Savings Plan covered $1.67 of on-demand usage and took $0.28 off it; the workload "
                              "declares no savings_plan"]
    if writer is write_cur_csv:
        assert "3 line items of type SavingsPlanNegation take back the on-demand cost of covered usage; the " \
               "savings_plan rows hold that at the plan's effective cost" in report["notes"]


def test_usage_types_the_map_lacks_are_billed_and_listed(lines, tmp_path, capsys):
    strange = BillLine("USE2-Lambda-Managed-Instances-Request", Decimal(1000), Decimal("0.25"), "us-east-2")
    bill = write_cur_csv(tmp_path / "cur.csv", [*lines, strange])
    reconcile(str(EVERYTHING), [str(bill)], output_format="json")
    report = json.loads(capsys.readouterr().out)
    (unknown,) = report["unknown_usage_types"]
    assert unknown == {"usage_type": "USE2-Lambda-Managed-Instances-Request", "region": "us-east-2",
                       "quantity": "1000", "cost": "0.25", "line_items": 1}
    (row,) = [row for row in report["rows"] if row["component"] == "unknown"]
    assert (row["region"], row["billed_cost"], row["status"]) == ("us-east-2", "0.25", "billed only")
    assert row["causes"] == ["usage types the map does not know: USE2-Lambda-Managed-Instances-Request "
                             "(pricing/bills/usage-types.yaml)"]
    assert report["total"]["gap"] == "0.25"


def test_by_function_names_a_function_nobody_described(lines, tmp_path, capsys):
    stranger = BillLine("Request", Decimal(2_000_000), Decimal("0.4"), "us-east-1",
                        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:legacy-cron")
    bill = write_cur_csv(tmp_path / "cur.csv", [*lines, stranger])
    reconcile(str(EVERYTHING), [str(bill)], output_format="json", by="function")
    report = json.loads(capsys.readouterr().out)
    (row,) = [row for row in report["rows"] if row["status"] != "matched"]
    assert (row["function"], row["component"], row["billed_cost"]) == ("legacy-cron", "requests", "0.4")
    assert row["causes"] == ["function legacy-cron is billed but not in the workload"]


def test_by_region_sums_each_region(lines, tmp_path, capsys):
    bill = write_cur_csv(tmp_path / "cur.csv", lines)
    reconcile(str(EVERYTHING), [str(bill)], output_format="json", by="region")
    report = json.loads(capsys.readouterr().out)
    assert [row["region"] for row in report["rows"]] == ["eu-west-1", "us-east-1", "us-east-2"]
    assert all(row["component"] is None and row["cost_gap"] == "0" for row in report["rows"])
    assert exact_sum(Decimal(row["billed_cost"]) for row in report["rows"]) == Decimal(report["total"]["billed"])


def test_a_saved_estimate_reconciles_as_its_workload(lines, tmp_path, capsys):
    from lambda_cost.commands.estimate import run as estimate

    saved = tmp_path / "estimate.json"
    assert estimate([str(EVERYTHING)], output_format="json", output=str(saved), quiet=True) == 0
    bill = write_cur_csv(tmp_path / "cur.csv", lines)
    reconcile(str(EVERYTHING), [str(bill)], output_format="json", by="function")
    from_workload = json.loads(capsys.readouterr().out)
    reconcile(str(saved), [str(bill)], output_format="json", by="function")
    from_saved = json.loads(capsys.readouterr().out)
    assert from_saved["rows"] == from_workload["rows"]
    version = from_workload["estimate"]["pricing_version"]
    assert from_saved["estimate"] == {"name": str(saved), "pricing_version": version}


def test_edge_usage_of_every_region_is_compared_in_us_east_1(lines, tmp_path, capsys):
    # Viewers in Europe: part of the edge function's requests are billed under EU-Lambda-Edge-Request.
    moved = [replace(line, usage_type="EU-Lambda-Edge-Request", region="eu-west-1")
             if line.usage_type == "Lambda-Edge-Request" and i % 2 else line for i, line in enumerate(lines)]
    assert moved != lines
    bill = write_cur_csv(tmp_path / "cur.csv", moved)
    reconcile(str(EVERYTHING), [str(bill)], output_format="json")
    report = json.loads(capsys.readouterr().out)
    (edge,) = [row for row in report["rows"] if row["component"] == "edge_requests"]
    assert (edge["region"], edge["status"]) == ("us-east-1", "matched")
    assert ("edge_requests: usage billed in other regions is compared under the region the estimate prices it in "
            "(Lambda@Edge: us-east-1)") in report["notes"]


def test_several_months_need_month(lines, tmp_path, capsys):
    september = [replace(line, month="2026-09") for line in lines]
    bill = write_cur_csv(tmp_path / "cur.csv", september + lines)
    with pytest.raises(InputError) as raised:
        reconcile(str(EVERYTHING), [str(bill)], output_format="json")
    assert len(lines) == 75
    assert raised.value.message == "the bill covers 2 months: 2026-09 (75 line items), 2026-10 (75 line items)"
    assert raised.value.hint == "choose one with --month"
    assert reconcile(str(EVERYTHING), [str(bill)], output_format="json", month="2026-10", max_gap=["0"]) == 0
    assert json.loads(capsys.readouterr().out)["month"] == "2026-10"
