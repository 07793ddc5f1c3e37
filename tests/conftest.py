"""Shared helpers: price YAML text in-process, and build workloads in a few words."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml

from lambda_cost.model.estimate import Estimate
from lambda_cost.numbers import ARITHMETIC
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import Source, parse

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the repository: examples/, pricing/, README.md
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"


def estimate_text(text: str, **options: Any) -> Estimate:
    """Price a workload given as YAML text."""
    return estimate_source(Source("test.yaml", textwrap.dedent(text)), **options)


def workload_yaml(*functions: dict[str, Any], **top: Any) -> str:
    """A workload as YAML text from function mappings; top-level keys default to version 1."""
    document: dict[str, Any] = {"version": 1, **top, "functions": list(functions)}
    return yaml.safe_dump(document, sort_keys=False)


def function(name: str = "fn", memory_mb: int = 1024, duration_ms: int | str = 100, **fields: Any) -> dict[str, Any]:
    """A function mapping with one synchronous source of 1M requests unless `invocations` is given."""
    fields.setdefault("invocations", [{"type": "sync", "per_month": 1_000_000}])
    return {"name": name, "memory_mb": memory_mb, "duration_ms": duration_ms, **fields}


def item(estimate: Estimate, function_name: str, component: str) -> Any:
    """One line item of one function; a free_tier_* component is the account's credit of that component (the
    credit is the account's, not a function's: the tests that ask for it price one function)."""
    if component.startswith("free_tier_"):
        return credit(estimate, component)
    priced = next(f for f in estimate.functions if f.usage.function.name == function_name)
    return next(i for i in priced.line_items if i.component == component)


def credit(estimate: Estimate, component: str) -> Any:
    """The account's free-tier credit of one component, its lines (regions, architectures) added up."""
    from lambda_cost.model.priced import LineItem

    lines = [i for i in estimate.free_tier.items if i.component == component]
    assert lines, f"no {component} in the free-tier credit"
    with localcontext(ARITHMETIC):
        return LineItem(component, lines[0].description, sum((i.quantity for i in lines), Decimal(0)), lines[0].unit,
                        lines[0].unit_price, sum((i.cost for i in lines), Decimal(0)))


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@pytest.fixture
def write(tmp_path: Any) -> Any:
    """Write a file under tmp_path and return its path as a string."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)

    return _write


def fill(text: str) -> str:
    """Fill every placeholder of a draft as a user would: a memory, an error rate, and 100 for the rest.

    The error rate is per record: at 1% a Kafka batch of 1,000 retried until expiry would fail 1 − 0.99^1000 of
    its attempts (23,164 attempts a batch), more than a retry limit allows, which is refused."""
    values = {"memory_mb": "1024", "error_rate": "0.001", "region": "us-east-1"}
    return re.sub(r"(\w+): FILL-ME", lambda m: f"{m.group(1)}: {values.get(m.group(1), '100')}", text)


def placeholders(text: str) -> list[str]:
    """The fields a draft leaves to fill, as estimate names them (and nothing else wrong with it)."""
    from lambda_cost.errors import WorkloadError

    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    messages = {p.message for p in caught.value.problems}
    assert messages == {"placeholder not filled"}, messages
    return [p.dotted_path for p in caught.value.problems]


def draft_workload(source: str | Path) -> tuple[Any, str]:
    """`init --from SOURCE`'s draft, filled as fill() does and validated: (the Workload, the draft's text)."""
    from lambda_cost.model.workload import Workload
    from lambda_cost.templates.draft import draft_text
    from lambda_cost.templates.formats import read_any

    result = read_any(str(source))
    text = draft_text(result.drafts, "t", result.notes)
    return Workload.model_validate(parse(Source("w.yaml", fill(text)))), text


def by_name(workload: Any, name: str) -> Any:
    """A workload's function by name."""
    return next(f for f in workload.functions if f.name == name)


def kinds(function: Any) -> list[tuple[Any, ...]]:
    """(type, batch_size, per_month) of each of a function's sources."""
    return [(s.type, getattr(s, "batch_size", None), s.per_month) for s in function.invocations]


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Any:
    """golden(name, output): compare output with tests/golden/NAME, or rewrite it under --update-golden."""
    def check(name: str, output: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.write_text(output)
        assert path.exists(), f"no golden file {name}: run pytest --update-golden"
        assert output == path.read_text(), f"{name} differs: after an intended change, pytest --update-golden"

    return check


def example_estimate(name: str, monkeypatch: pytest.MonkeyPatch) -> Estimate:
    """An example of examples/ priced from the repository, so that it is named examples/<file> in the output."""
    import os

    from lambda_cost.stages.load import read_source

    monkeypatch.chdir(ROOT)
    return estimate_source(read_source(os.path.join("examples", name)))


# One function, 1M requests of 100 ms at 1024 MB, no free tier (tests/commands/test_whatif.py works out what it costs).
ONE_FUNCTION = """\
version: 1
free_tier: false
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    invocations:
      - type: sync
        per_month: 1M
"""

# A private price table as the README's "Your own tables" first showed it: 8% off the 2022-08-01 duration rates.
ACME_OVERLAY = """\
version: acme-2025
effective: 2025-01-01
extends: "2022-08-01"
summary: ACME's private pricing addendum, 8% off duration
sources:
  - title: ACME-AWS private pricing addendum
    url: https://example.com/contracts/aws-ppa
scale:
  duration: 0.92
"""


# --- Bills shaped like AWS's, made from an estimate (tests/bills/, tests/commands/test_reconcile*.py) -----------
# The tests spell AWS's names out themselves rather than reading lambda-cost's map, so that a wrong map fails them.

BILL_MONTH = "2026-10"
ACCOUNT = "123456789012"
REGION_PREFIX = {"us-east-1": "", "us-east-2": "USE2-", "us-west-2": "USW2-", "eu-west-1": "EU-",
                 "ap-southeast-2": "APS2-"}
REGION_NAME = {"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-2": "US West (Oregon)",
               "eu-west-1": "EU (Ireland)", "ap-southeast-2": "Asia Pacific (Sydney)"}
# An estimate's line item -> the usage type (without region prefix) and the description AWS gives it.
_USAGE_TYPE = {
    "requests": ("Request", "Total Requests"),
    "async_payload_requests": ("Request", "Total Requests"),
    "duration_tier_1": ("Lambda-GB-Second", "Total Compute"),
    "duration_tier_2": ("Lambda-GB-Second", "Total Compute"),
    "duration_tier_3": ("Lambda-GB-Second", "Total Compute"),
    "ephemeral_storage": ("Lambda-Storage-GB-Second", "Storage-Duration"),
    "provisioned_concurrency": ("Lambda-Provisioned-Concurrency", "Provisioned Concurrency"),
    "provisioned_duration": ("Lambda-Provisioned-GB-Second", "Provisioned Duration"),
    "edge_requests": ("Lambda-Edge-Request", "Edge Total Requests"),
    "edge_duration": ("Lambda-Edge-GB-Second", "Edge Total Compute"),
    "response_streaming": ("Lambda-Streaming-Response-Processed-Bytes", "Response Streaming"),
    "snapstart_cache": ("Lambda-SnapStart-Cached-GB-S", "SnapStart Cache"),
    "snapstart_restore": ("Lambda-SnapStart-Restored-GB", "SnapStart Restore"),
    "esm_provisioned": ("Lambda-Event-Poller-Unit-Hour", "Event Poller Unit"),
}
_FREE_TIER = {
    "free_tier_requests": ("Request", "Requests Free Tier - 1,000,000 Requests"),
    "free_tier_duration": ("Lambda-GB-Second", "Compute Free Tier - 400,000 GB-Seconds"),
    "free_tier_response_streaming": ("Lambda-Streaming-Response-Processed-Bytes", "Response Streaming Free Tier"),
}
_HAS_ARM = {"Request", "Lambda-GB-Second", "Lambda-Provisioned-Concurrency", "Lambda-Provisioned-GB-Second",
            "Lambda-Storage-GB-Second"}
# Real CURs: x86 duration is priced per "Second", its arm64 and provisioned variants per "Lambda-GB-Second".
_PRICING_UNIT = {"Request": "Requests", "Lambda-GB-Second": "Second"}
# Each line's usage is spread over hourly line items in these shares; the last takes what is left, so that the
# parts add up exactly, at the decimals a bill is read to (18 for usage, 28 for money).
_SHARES = (Decimal("0.5"), Decimal("0.3"))


def _split(quantity: Decimal, cost: Decimal) -> list[tuple[Decimal, Decimal]]:
    with localcontext(ARITHMETIC):
        parts = [((quantity * share).quantize(Decimal("1E-18")), (cost * share).quantize(Decimal("1E-28")))
                 for share in _SHARES]
        parts.append((quantity - sum(p[0] for p in parts), cost - sum(p[1] for p in parts)))
    return parts


@dataclass
class BillLine:
    """One line item of a bill, as the writers below put it in each format."""

    usage_type: str
    amount: Decimal
    cost: Decimal
    region: str
    resource_id: str = ""
    line_item_type: str = "Usage"
    product: str = "AWSLambda"
    description: str = ""
    unit: str = ""
    effective: Decimal | None = None
    month: str = BILL_MONTH
    currency: str = "USD"
    operation: str = "Invoke"


def bill_lines(estimate: Estimate, month: str = BILL_MONTH) -> list[BillLine]:
    """The bill AWS would send for exactly this estimate: usage net of the free tier on priced lines split over
    hours, the free tier as zero-cost lines of the same usage types, resource IDs the functions' ARNs."""
    with localcontext(ARITHMETIC):  # sums of exact costs need more than Python's 28 digits
        prices = {(i.component, i.region, i.architecture): i.unit_price for i in estimate.free_tier.items}
        return [line for priced in estimate.functions for line in _function_lines(priced, month, prices)]


def free_items(priced: Any, prices: dict[tuple[str, str, str], Decimal]) -> list[Any]:
    """A function's share of the account's free-tier credit as line items (as a bill attributes free usage to the
    resources that used it)."""
    from lambda_cost.model.priced import LineItem

    region, architecture = priced.usage.region, priced.usage.function.architecture
    items = []
    for component, amount in zip(_FREE_TIER, priced.free_share, strict=True):
        key = (component, region, architecture)
        if amount and key in prices:
            items.append(LineItem(component, component, -amount, "", prices[key], -amount * prices[key]))
    return items


def _function_lines(priced: Any, month: str, prices: dict[tuple[str, str, str], Decimal]) -> list[BillLine]:
    lines: list[BillLine] = []
    function = priced.usage.function
    region = priced.usage.region
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{function.name}"
    totals: dict[tuple[str, str], list[Decimal]] = {}
    free: dict[tuple[str, str], Decimal] = {}
    for item in (*priced.line_items, *free_items(priced, prices)):
        if item.component == "savings_plan":
            continue  # a bill shows a plan as covered usage: tests that want one build it from these lines
        if item.component in _FREE_TIER:  # after the usage it credits: net that usage of it
            key = next(k for k in totals if k[0] == _FREE_TIER[item.component][0])
            free[key] = free.get(key, Decimal(0)) - item.quantity
        else:
            key = _USAGE_TYPE[item.component]
        sums = totals.setdefault(key, [Decimal(0), Decimal(0)])
        sums[0] += item.quantity
        sums[1] += item.cost
    for (base, words), (quantity, cost) in totals.items():
        arm = function.architecture == "arm64" and base in _HAS_ARM
        usage_type = REGION_PREFIX[region] + base + ("-ARM" if arm else "")
        place = REGION_NAME[region] + (" - ARM" if arm else "")
        unit = "Lambda-GB-Second" if arm and base == "Lambda-GB-Second" else _PRICING_UNIT.get(base, "")
        for amount, part in _split(quantity, cost):
            lines.append(BillLine(usage_type, amount, part, region, arn,
                                  description=f"AWS Lambda - {words} - {place}", unit=unit, month=month))
        if free.get((base, words)):
            free_words = next(w for b, w in _FREE_TIER.values() if b == base)
            lines.append(BillLine(usage_type, free[(base, words)], Decimal(0), region, arn,
                                  description=f"AWS Lambda - {free_words} - {place}", unit=unit, month=month))
    return lines


def other_lines(month: str = BILL_MONTH) -> list[BillLine]:
    """What else a real bill has: another service, Lambda's data transfer, a credit and tax (not usage)."""
    return [
        BillLine("Requests-Tier1", Decimal(1000), Decimal("0.005"), "us-east-1", product="AmazonS3", month=month,
                 operation="PutObject"),
        BillLine("USW2-DataTransfer-Out-Bytes", Decimal("12.5"), Decimal("1.125"), "us-west-2", month=month,
                 description="$0.09 per GB - first 10 TB / month data transfer out", unit="GB"),
        BillLine("Request", Decimal(0), Decimal("-5"), "us-east-1", line_item_type="Credit", month=month,
                 description="AWS Promotional Credit"),
        BillLine("", Decimal(0), Decimal("1.5"), "us-east-1", line_item_type="Tax", month=month,
                 description="Tax for product code AWSLambda"),
    ]


_LEGACY = ("identity/LineItemId", "identity/TimeInterval", "bill/BillingPeriodStartDate", "lineItem/UsageStartDate",
           "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation", "lineItem/LineItemType",
           "lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
           "lineItem/CurrencyCode", "lineItem/LineItemDescription", "product/productFamily", "product/region",
           "pricing/unit", "savingsPlan/SavingsPlanEffectiveCost")
_CUR2 = ("identity_line_item_id", "identity_time_interval", "bill_billing_period_start_date",
         "line_item_usage_start_date", "line_item_product_code", "line_item_usage_type", "line_item_operation",
         "line_item_line_item_type", "line_item_resource_id", "line_item_usage_amount", "line_item_unblended_rate",
         "line_item_unblended_cost", "line_item_currency_code", "line_item_line_item_description", "product",
         "product_region_code", "pricing_unit", "savings_plan_savings_plan_effective_cost")


def _cur_row(number: int, line: BillLine, cur2: bool) -> list[str]:
    start = f"{line.month}-01T00:00:00{'.000' if cur2 else ''}Z"
    hour = f"{line.month}-{1 + number % 28:02d}T{number % 24:02d}:00:00Z"
    rate = "" if not line.amount else str(line.cost / line.amount)
    product = json.dumps({"product_name": "AWS Lambda", "region": line.region}) if cur2 else "Serverless"
    effective = "" if line.effective is None else str(line.effective)
    return [f"li-{number:06d}", f"{hour}/{hour}", start, hour, line.product, line.usage_type, line.operation,
            line.line_item_type, line.resource_id, str(line.amount), rate, str(line.cost), line.currency,
            line.description, product, line.region, line.unit, effective]


def write_cur_csv(path: Path, lines: list[BillLine], *, cur2: bool = False, compress: bool = False) -> Path:
    """A legacy CUR (lineItem/...) or CUR 2.0 (line_item_...) CSV, gzipped if asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CUR2 if cur2 else _LEGACY)
    writer.writerows(_cur_row(number, line, cur2) for number, line in enumerate(lines))
    data = buffer.getvalue().encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def write_cur_parquet(path: Path, lines: list[BillLine]) -> Path:
    """A CUR 2.0 Parquet file as Data Exports writes it: amounts as doubles, dates as timestamps, product a map."""
    import duckdb

    text = path.with_suffix(".csv")
    write_cur_csv(text, lines, cur2=True)
    duckdb.sql(f"""
        COPY (SELECT * REPLACE (
                CAST(bill_billing_period_start_date AS TIMESTAMP) AS bill_billing_period_start_date,
                CAST(line_item_usage_start_date AS TIMESTAMP) AS line_item_usage_start_date,
                CAST(line_item_usage_amount AS DOUBLE) AS line_item_usage_amount,
                CAST(line_item_unblended_rate AS DOUBLE) AS line_item_unblended_rate,
                CAST(line_item_unblended_cost AS DOUBLE) AS line_item_unblended_cost,
                CAST(savings_plan_savings_plan_effective_cost AS DOUBLE) AS savings_plan_savings_plan_effective_cost,
                MAP {{'product_name': 'AWS Lambda'}} AS product)
              FROM read_csv('{text}', all_varchar = true))
        TO '{path}' (FORMAT parquet)""")
    text.unlink()
    return path


_FOCUS = ("BillingAccountId", "BillingPeriodStart", "ChargePeriodStart", "ProviderName", "ServiceName",
          "ChargeCategory", "ChargeDescription", "ConsumedQuantity", "ConsumedUnit", "PricingQuantity", "PricingUnit",
          "ListCost", "BilledCost", "EffectiveCost", "RegionId", "ResourceId", "BillingCurrency",
          "CommitmentDiscountId")
_SERVICE = {"AWSLambda": "AWS Lambda", "AmazonS3": "Amazon Simple Storage Service"}


def write_focus_csv(path: Path, lines: list[BillLine], *, usage_type_column: bool = True) -> Path:
    """A FOCUS 1.0 export; with AWS's x_UsageType column, or (usage_type_column=False) without it, so that the
    charge description alone names the component."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*_FOCUS, *(["x_UsageType", "x_ServiceCode"] if usage_type_column else [])])
    for line in lines:
        covered = line.line_item_type == "SavingsPlanCoveredUsage"
        category = "Usage" if line.line_item_type in ("Usage", "SavingsPlanCoveredUsage") else line.line_item_type
        billed = Decimal(0) if covered else line.cost
        effective = line.effective if covered and line.effective is not None else line.cost
        row = [ACCOUNT, f"{line.month}-01 00:00:00", f"{line.month}-01 00:00:00", "AWS",
               _SERVICE.get(line.product, line.product), category, line.description, str(line.amount), line.unit,
               str(line.amount), line.unit, str(line.cost), str(billed), str(effective), line.region,
               line.resource_id, line.currency, "arn:aws:savingsplans::1:savingsplan/sp-1" if covered else ""]
        writer.writerow([*row, *([line.usage_type, line.product] if usage_type_column else [])])
    path.write_text(buffer.getvalue())
    return path


def write_cost_explorer(path: Path, lines: list[BillLine], *, by_resource: bool = False) -> Path:
    """`aws ce get-cost-and-usage` output for Lambda, grouped by USAGE_TYPE (and RESOURCE_ID): usage lines summed,
    amounts as strings, one result per month."""
    groups: dict[str, dict[tuple[str, ...], list[Decimal]]] = {}
    for line in lines:
        if line.product != "AWSLambda" or line.line_item_type != "Usage":
            continue
        keys = (line.usage_type, line.resource_id) if by_resource else (line.usage_type,)
        sums = groups.setdefault(line.month, {}).setdefault(keys, [Decimal(0), Decimal(0)])
        with localcontext(ARITHMETIC):
            sums[0] += line.cost
            sums[1] += line.amount
    definitions = [{"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    if by_resource:
        definitions.append({"Type": "DIMENSION", "Key": "RESOURCE_ID"})
    results = [{"TimePeriod": {"Start": f"{month}-01", "End": f"{month}-28"}, "Total": {},
                "Groups": [{"Keys": list(keys), "Metrics": {"UnblendedCost": {"Amount": str(cost), "Unit": "USD"},
                                                            "UsageQuantity": {"Amount": str(amount), "Unit": "N/A"}}}
                           for keys, (cost, amount) in sorted(by_keys.items())],
                "Estimated": False} for month, by_keys in sorted(groups.items())]
    path.write_text(json.dumps({"GroupDefinitions": definitions, "ResultsByTime": results,
                                "DimensionValueAttributes": []}, indent=2))
    return path


def write_athena_result(path: Path, lines: list[BillLine], month: str | None = None) -> Path:
    """What Athena returns for `reconcile --print-query athena`, run here by DuckDB over a CUR 2.0 Parquet table:
    the query's own text, a CSV with every field quoted, as Athena writes it."""
    import duckdb

    from lambda_cost.bills.formats import athena_query

    table = write_cur_parquet(path.with_suffix(".parquet"), lines)
    sql = athena_query(month).replace("cur_database.cur_table", f"read_parquet('{table}')")
    duckdb.sql(sql.rstrip().rstrip(";")).write_csv(str(path), quotechar='"', quoting="ALL")
    table.unlink()
    return path


# A private table on the newest public version, effective in 2030: the base of hostile tables and of the fuzz tests'.
PRIVATE_2030 = """\
version: acme
effective: 2030-01-01
extends: "2025-11-14"
summary: ACME's private pricing
sources: [{title: contract, url: https://example.com}]
"""
