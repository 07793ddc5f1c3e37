"""The bill formats read from tables of columns (CUR, CUR 2.0, FOCUS, the Athena query's result), told apart by their
columns, and the one aggregation SQL that sums Lambda's line items of any of them, in DuckDB as in Athena."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Numbers in a text column are read exactly: usage to 18 decimal places (lambda-cost's own quantum), money to 28
# (a quantity's 18 and a unit price's 10), which leaves 20 and 10 digits before the point, beyond any bill (a sum
# past them is refused, never wrapped). A floating-point column (CUR 2.0 Parquet stores numbers as doubles) is read
# rounded to 10 decimal places, which gives back the decimal AWS wrote without the binary noise of a double. DuckDB
# does that fastest as a 64-bit count of 10^-10 units, summed in 128 bits (FAST); a line item of 10^8.9 units or
# more does not fit, and the query is run again reading each double through its shortest decimal text (TEXT: slower,
# and exact where a cast is not). Athena casts the double to a decimal (DECIMAL).
FAST = "fast"
TEXT = "text"
DECIMAL = "decimal"
TEXT_SCALE = 18
MONEY_SCALE = 28
FLOAT_SCALE = 10
_MONEY = frozenset({"cost", "effective_cost", "list_cost"})
_FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


@dataclass(frozen=True)
class Format:
    """A bill format: the columns each field may come from (the first present is used)."""

    key: str
    name: str
    signature: tuple[str, ...]  # columns that only this format has
    required: Mapping[str, tuple[str, ...]]
    optional: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def missing(self, columns: Sequence[str]) -> list[str]:
        """Required fields with none of their columns, each as the column(s) expected."""
        present = set(columns)
        return [" or ".join(names) for names in self.required.values() if not present.intersection(names)]

    def resolve(self, columns: Sequence[str]) -> dict[str, str]:
        """Each field to the column that gives it, for the fields these columns have."""
        present = set(columns)
        chosen: dict[str, str] = {}
        for name, candidates in {**self.optional, **self.required}.items():
            found = next((column for column in candidates if column in present), None)
            if found is not None:
                chosen[name] = found
        return chosen


LEGACY_CUR = Format(
    key="cur", name="Cost and Usage Report (legacy CUR)",
    signature=("lineItem/UsageType",),
    required={
        "product": ("lineItem/ProductCode",),
        "period": ("bill/BillingPeriodStartDate", "lineItem/UsageStartDate"),
        "usage_type": ("lineItem/UsageType",),
        "line_item_type": ("lineItem/LineItemType",),
        "usage_amount": ("lineItem/UsageAmount",),
        "cost": ("lineItem/UnblendedCost",),
    },
    optional={
        "currency": ("lineItem/CurrencyCode",),
        "region": ("product/region", "product/regionCode"),
        "resource_id": ("lineItem/ResourceId",),
        "effective_cost": ("savingsPlan/SavingsPlanEffectiveCost",),
    },
)
CUR2 = Format(
    key="cur2", name="CUR 2.0 (Data Exports)",
    signature=("line_item_usage_type",),
    required={
        "product": ("line_item_product_code",),
        "period": ("bill_billing_period_start_date", "line_item_usage_start_date"),
        "usage_type": ("line_item_usage_type",),
        "line_item_type": ("line_item_line_item_type",),
        "usage_amount": ("line_item_usage_amount",),
        "cost": ("line_item_unblended_cost",),
    },
    optional={
        "currency": ("line_item_currency_code",),
        "region": ("product_region_code", "product_region"),
        "resource_id": ("line_item_resource_id",),
        "effective_cost": ("savings_plan_savings_plan_effective_cost",),
    },
)
FOCUS = Format(
    key="focus", name="FOCUS 1.0",
    signature=("ChargeCategory", "BilledCost"),
    required={
        "product": ("x_ServiceCode", "ServiceName"),
        "period": ("BillingPeriodStart", "ChargePeriodStart"),
        "usage_type": ("x_UsageType", "SkuMeter", "ChargeDescription"),
        "line_item_type": ("ChargeCategory",),
        "usage_amount": ("ConsumedQuantity", "PricingQuantity"),
        "cost": ("BilledCost",),
    },
    optional={
        "currency": ("BillingCurrency",),
        "region": ("RegionId", "Region"),
        "resource_id": ("ResourceId",),
        "effective_cost": ("EffectiveCost",),
        "list_cost": ("ListCost",),
        "commitment": ("CommitmentDiscountId",),
    },
)
# The CSV that the query of `reconcile --print-query athena` gives: its own column names.
ATHENA_RESULT = Format(
    key="athena", name="the Athena query's result",
    signature=("usage_type", "line_item_type", "usage_amount", "line_items"),
    required={
        "month": ("month",),
        "usage_type": ("usage_type",),
        "line_item_type": ("line_item_type",),
        "usage_amount": ("usage_amount",),
        "cost": ("cost",),
        "line_items": ("line_items",),
    },
    optional={
        "currency": ("currency",),
        "region": ("region",),
        "resource_id": ("resource_id",),
        "free": ("free",),
        "effective_cost": ("effective_cost",),
    },
)
FORMATS = (LEGACY_CUR, CUR2, FOCUS, ATHENA_RESULT)
# The columns of the Athena query's result, in order.
RESULT_COLUMNS = ("month", "currency", "usage_type", "line_item_type", "region", "resource_id", "free",
                  "usage_amount", "cost", "effective_cost", "line_items")


def detect(columns: Sequence[str]) -> Format | None:
    """The format whose signature columns these are, or None."""
    present = set(columns)
    return next((fmt for fmt in FORMATS if present.issuperset(fmt.signature)), None)


def quote(name: str) -> str:
    """A column name as an SQL identifier (legacy CUR's have slashes)."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Columns:
    """SQL expressions over the columns a format resolved, typed by the file's schema. Keys are the columns as they
    are (tidied in Python, on the few groups), so that the scan does no more than a bare aggregation would."""

    def __init__(self, fmt: Format, columns: Mapping[str, str], floats: str = DECIMAL) -> None:
        self.fmt = fmt
        self.floats = floats
        self.chosen = fmt.resolve(list(columns))
        self.types = {name: columns[column].upper() for name, column in self.chosen.items()}

    def has(self, name: str) -> bool:
        return name in self.chosen

    def raw(self, name: str) -> str:
        return quote(self.chosen[name])

    def _is_text(self, name: str) -> bool:
        return self.types[name] in ("VARCHAR", "STRING") or self.types[name].startswith("VARCHAR")

    def key(self, name: str) -> str:
        """A text field to group by."""
        if not self.has(name):
            return "CAST(NULL AS VARCHAR)"
        return self.raw(name) if self._is_text(name) else f"CAST({self.raw(name)} AS VARCHAR)"

    def _is_float(self, name: str) -> bool:
        return self.types[name].startswith(_FLOAT_TYPES)

    def number(self, name: str) -> str:
        scale = MONEY_SCALE if name in _MONEY else TEXT_SCALE
        if not self.has(name):
            return f"CAST(NULL AS DECIMAL(38, {scale}))"
        if self._is_float(name):
            value = f"CAST({self.raw(name)} AS VARCHAR)" if self.floats == TEXT else self.raw(name)
            return f"CAST({value} AS DECIMAL(38, {FLOAT_SCALE}))"
        if self._is_text(name):
            return f"CAST(NULLIF(TRIM({self.raw(name)}), '') AS DECIMAL(38, {scale}))"
        return f"CAST({self.raw(name)} AS DECIMAL(38, {scale}))"

    def total(self, name: str) -> str:
        """The sum of a number field, a decimal of its scale."""
        if self.has(name) and self._is_float(name) and self.floats == FAST:
            # DuckDB casts a double to an integer rounding half to even: no round() needed, which costs a pass.
            units = f"CAST({self.raw(name)} * 1e{FLOAT_SCALE} AS BIGINT)"
            unit = f"CAST(1e-{FLOAT_SCALE} AS DECIMAL({FLOAT_SCALE + 1}, {FLOAT_SCALE}))"
            return f"CAST(SUM({units}) AS DECIMAL(38, 0)) * {unit}"
        return f"SUM({self.number(name)})"

    def is_zero(self, name: str) -> str:
        """Whether a number is 0; a number column is compared as it is, without reading it as a decimal."""
        return f"{self.number(name)} = 0" if self._is_text(name) else f"{self.raw(name)} = 0"

    def period(self) -> str:
        """The billing period's start as it is (one value a month); a usage start date cut to its month."""
        if self.chosen["period"] == self.fmt.required["period"][0]:
            return self.raw("period")
        if self._is_text("period"):
            return f"substr({self.raw('period')}, 1, 7)"
        return f"date_trunc('month', {self.raw('period')})"

    def month(self) -> str:
        """YYYY-MM of the billing period, to keep one month."""
        return f"substr(CAST({self.raw('period')} AS VARCHAR), 1, 7)"


def aggregation_sql(fmt: Format, columns: Mapping[str, str], source: str, month: str | None = None,
                    floats: str = DECIMAL) -> str:
    """SELECT Lambda's line items of `source` summed by the keys of a BillGroup, columns as RESULT_COLUMNS.

    `columns` maps each column of the source to its SQL type. The same text runs in DuckDB over local files and in
    Amazon Athena over a CUR 2.0 table (DuckDB reads doubles FAST or as TEXT); `month` (YYYY-MM) keeps one
    billing period. `free` marks line items at no cost: with a line item type of Usage, the free tier.
    """
    c = _Columns(fmt, columns, floats)
    if fmt is ATHENA_RESULT:
        return _reaggregation_sql(c, source)
    amount, cost, effective = c.total("usage_amount"), c.total("cost"), c.total("effective_cost")
    line_type = c.key("line_item_type")
    free = c.is_zero("cost")
    where = [_product_filter(fmt, c)]
    if fmt is FOCUS:
        covered = f"(NULLIF({c.key('commitment')}, '') IS NOT NULL)" if c.has("commitment") else "FALSE"
        line_type = f"CASE WHEN {line_type} = 'Usage' AND {covered} THEN 'SavingsPlanCoveredUsage' ELSE {line_type} END"
        if c.has("list_cost"):  # usage a Savings Plan covers bills nothing; ListCost is what it would have cost
            cost = f"SUM(CASE WHEN {covered} THEN {c.number('list_cost')} ELSE {c.number('cost')} END)"
        free = f"{free} AND NOT {covered}"
    if month is not None:
        where.append(f"{c.month()} = {_literal(month)}")
    keys = [
        f"{c.period()} AS month",
        f"{c.key('currency')} AS currency",
        f"{c.key('usage_type')} AS usage_type",
        f"{line_type} AS line_item_type",
        f"{c.key('region')} AS region",
        f"{c.key('resource_id')} AS resource_id",
        f"COALESCE({free}, FALSE) AS free",
    ]
    sums = [f"{amount} AS usage_amount", f"{cost} AS cost", f"{effective} AS effective_cost", "COUNT(*) AS line_items"]
    return _select(keys, sums, source, where)


def products_sql(fmt: Format, columns: Mapping[str, str], source: str) -> str:
    """The product codes (FOCUS: service names) a bill has: said when none is Lambda's."""
    product = _Columns(fmt, columns).key("product")
    return f"SELECT DISTINCT {product} FROM {source} WHERE {product} IS NOT NULL ORDER BY 1 LIMIT 9"


def _product_filter(fmt: Format, c: _Columns) -> str:
    if fmt is FOCUS and c.chosen["product"] == "ServiceName":
        return f"{c.key('product')} = 'AWS Lambda'"
    return f"{c.key('product')} = 'AWSLambda'"


def _reaggregation_sql(c: _Columns, source: str) -> str:
    """The Athena query's result, summed again: it may come in several files, or be edited."""
    free = f"COALESCE(lower({c.key('free')}) = 'true', FALSE)" if c.has("free") else "FALSE"
    keys = [f"{c.key('month')} AS month", f"{c.key('currency')} AS currency", f"{c.key('usage_type')} AS usage_type",
            f"{c.key('line_item_type')} AS line_item_type", f"{c.key('region')} AS region",
            f"{c.key('resource_id')} AS resource_id", f"{free} AS free"]
    sums = [f"SUM({c.number('usage_amount')}) AS usage_amount", f"SUM({c.number('cost')}) AS cost",
            f"SUM({c.number('effective_cost')}) AS effective_cost",
            f"CAST(SUM({c.number('line_items')}) AS BIGINT) AS line_items"]
    return _select(keys, sums, source, ["TRUE"])


def _select(keys: list[str], sums: list[str], source: str, where: list[str]) -> str:
    positions = ", ".join(str(i) for i in range(1, len(keys) + 1))
    columns = ",\n  ".join([*keys, *sums])
    conditions = "\n  AND ".join(where)
    return f"SELECT\n  {columns}\nFROM {source}\nWHERE {conditions}\nGROUP BY {positions}\nORDER BY {positions}"


# CUR 2.0 as an Athena table has these types (Data Exports' schema); the query reads amounts as doubles.
_ATHENA_TYPES = {
    "line_item_product_code": "VARCHAR", "bill_billing_period_start_date": "TIMESTAMP",
    "line_item_usage_type": "VARCHAR", "line_item_line_item_type": "VARCHAR", "line_item_usage_amount": "DOUBLE",
    "line_item_unblended_cost": "DOUBLE", "line_item_currency_code": "VARCHAR", "product_region_code": "VARCHAR",
    "line_item_resource_id": "VARCHAR", "savings_plan_savings_plan_effective_cost": "DOUBLE",
}


def athena_query(month: str | None = None, table: str = "cur_database.cur_table") -> str:
    """The query to run in Amazon Athena over a CUR 2.0 table; its CSV result is a bill `reconcile` reads."""
    sql = aggregation_sql(CUR2, _ATHENA_TYPES, table, month)
    period = f"'{month}'" if month else "'YYYY-MM'"
    header = [
        "-- lambda-cost reconcile: AWS Lambda's line items of a CUR 2.0 table, summed for `lambda-cost reconcile`.",
        f"-- Replace {table} with your Data Exports (CUR 2.0) table. Run it in Amazon Athena, download the",
        "-- result as CSV and give it to: lambda-cost reconcile WORKLOAD --bill result.csv",
        f"-- A table partitioned by billing period scans one month with: AND billing_period = {period}",
    ]
    if month is None:
        header.append("-- Without --month it sums every billing period; reconcile then asks which month to take.")
    return "\n".join(header) + "\n" + sql + ";\n"
