"""Compare two estimates (workloads or saved JSON estimates): changes per function and component, and a gate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from lambda_cost.errors import InputError, Problem
from lambda_cost.model.estimate import Estimate
from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.model.verdict import Change, DiffReport, FunctionChange, Snapshot
from lambda_cost.model.words import problem_from_pydantic
from lambda_cost.numbers import ZERO, exact, exact_sum
from lambda_cost.stages.load import NotJson, Source, json_key_position, parse_json, read_source
from lambda_cost.tables.catalog import TableCatalog

HUNDRED = Decimal(100)
READ_VERSIONS = (1, 2)  # saved estimates diff and reconcile read: 1 is read as 2 (SavedEstimate.as_version_2)
FREE_TIER_PREFIX = "free_tier_"


def snapshot_of(estimate: Estimate) -> Snapshot:
    """The comparable figures of an estimate: each function gross, on its own usage, and the account's free-tier
    credit as a row of its own, so that a change to one function changes no other."""
    totals: dict[str, Decimal] = {}
    components: dict[str, dict[str, Decimal]] = {}
    for priced in estimate.functions:
        name = priced.usage.function.label  # api:v4 for a version, as a saved estimate names it
        totals[name] = exact_sum([priced.total, priced.related_total])
        components[name] = _by_component(
            (item.component, item.cost) for item in (*priced.line_items, *priced.related_items))
    free = estimate.free_tier
    if free.enabled:
        totals[FREE_TIER_ROW] = free.total
        components[FREE_TIER_ROW] = _by_component((item.component, item.cost) for item in free.items)
    return Snapshot(estimate.workload, estimate.pricing.version, estimate.grand_total, totals, components)


def _by_component(costs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Costs added up per component, in the order components first appear."""
    grouped: dict[str, list[Decimal]] = defaultdict(list)
    for component, cost in costs:
        grouped[component].append(cost)
    return {component: exact_sum(values) for component, values in grouped.items()}


# No estimate comes near these (its counts stop at 10^18): beyond them an amount is damage, and 1e999999 or a base of
# 1e-999999 would overflow the arithmetic of the change and its percentage.
_LARGEST, _SMALLEST = Decimal("1e30"), Decimal("1e-100")


def _amount(value: Any) -> Decimal:
    """An amount or quantity of a saved estimate: a finite number within the bounds above."""
    number: Decimal | None = None
    if isinstance(value, (int, str, Decimal)) and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except InvalidOperation:  # not a number: said below
            number = None
    if number is not None and number.is_finite() and (not number or _SMALLEST <= abs(number) < _LARGEST):
        return number
    # Only a refusal shows the value (a saved estimate holds hundreds of thousands of amounts).
    shown = repr(value) if len(repr(value)) <= 24 else repr(value)[:20] + "…"
    if number is None or not number.is_finite():
        raise PydanticCustomError("amount", "{shown} is not a finite number, such as \"12.34\"", {"shown": shown})
    raise PydanticCustomError("amount", "{shown} is out of range: a saved estimate's amounts are 0 or between "
                              "10^-100 and 10^30", {"shown": shown})


Amount = Annotated[Decimal, BeforeValidator(_amount)]


class SavedItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    component: str
    cost: Amount
    quantity: Amount = Decimal(0)  # what reconcile compares with the bill's usage


class SavedFunction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    function: str | None = None  # the function of a version's row (api for api:v4)
    region: str = ""
    architecture: str = ""
    total: Amount
    line_items: list[SavedItem]
    related_total: Amount = Decimal(0)  # absent from estimates saved before related charges
    related_items: list[SavedItem] = []
    free_tier_share: dict[str, Amount] = {}  # schema_version 2: what the account's credit covers of it


class SavedCredit(SavedItem):
    unit_price: Amount = Decimal(0)
    region: str = ""
    architecture: str = ""


class SavedFreeTier(BaseModel):
    """schema_version 2: the account's free-tier credit (absent or without line items in version 1)."""

    model_config = ConfigDict(extra="ignore")
    enabled: bool = False
    total: Amount = Decimal(0)
    line_items: list[SavedCredit] = []


class SavedSavingsPlan(BaseModel):
    model_config = ConfigDict(extra="ignore")
    discount: Amount


class SavedPricing(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: str


class SavedEstimate(BaseModel):
    """The part of a `--format json` estimate that diff and reconcile read."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int
    currency: str = "USD"
    period: str = "month"
    total: Amount
    related_total: Amount = Decimal(0)
    pricing: SavedPricing
    functions: list[SavedFunction]
    free_tier: SavedFreeTier | None = None
    savings_plan: SavedSavingsPlan | None = None

    @exact
    def as_version_2(self) -> SavedEstimate:
        """A version 1 estimate as version 2 reads: its functions' free_tier_* line items are the account's
        credit, and each function is gross (its total less them). Where a Compute Savings Plan discounted the
        functions net of their free duration, the discount the free duration does not get moves with it."""
        if self.schema_version != 1:
            return self
        discount = self.savings_plan.discount if self.savings_plan is not None else ZERO
        functions, credit = [], []
        for function in self.functions:
            free = [item for item in function.line_items if item.component.startswith(FREE_TIER_PREFIX)]
            if not free:
                functions.append(function)
                continue
            kept = [item for item in function.line_items if not item.component.startswith(FREE_TIER_PREFIX)]
            moved = exact_sum(item.cost for item in free)
            free_duration = exact_sum(item.cost for item in free if item.component == "free_tier_duration")
            back = discount * free_duration  # negative: the gross function's larger discount
            if back and any(item.component == "savings_plan" for item in kept):
                kept = [item.model_copy(update={"cost": item.cost + back}) if item.component == "savings_plan"
                        else item for item in kept]
                credit.append(SavedCredit(component="savings_plan", cost=-back, region=function.region))
            else:
                back = ZERO
            functions.append(function.model_copy(update={"line_items": kept, "total": function.total - moved + back}))
            credit += [SavedCredit(component=item.component, cost=item.cost, quantity=item.quantity,
                                   region=function.region, architecture=function.architecture) for item in free]
        free_tier = SavedFreeTier(enabled=bool(credit), total=exact_sum(item.cost for item in credit),
                                  line_items=credit)
        return self.model_copy(update={"schema_version": 2, "functions": functions, "free_tier": free_tier})


def load_snapshot(path: str, *, pricing: str | None, catalog: TableCatalog) -> Snapshot:
    """A workload file is priced; a saved JSON estimate (it has schema_version) is read as it is."""
    source = read_source(path)
    saved = saved_estimate(source)
    if saved is not None:
        if pricing is not None:
            raise InputError(
                f"{source.name} is a saved estimate, priced with {saved.pricing.version}; it cannot be repriced",
                hint="give the workload file to compare pricing versions",
            )
        return _snapshot_of_saved(saved, source.name)
    from lambda_cost.stages import estimate_source

    return snapshot_of(estimate_source(source, pricing=pricing, catalog=catalog))


def saved_estimate(source: Source, command: str = "diff") -> SavedEstimate | None:
    """A saved `estimate --format json` (it has schema_version), checked; None for anything else (a workload)."""
    if not source.text.lstrip().startswith("{"):
        return None
    try:
        data = parse_json(source)
    except NotJson as error:
        if '"schema_version"' in source.text:  # a saved report cut short, not a workload: say so, not "bad YAML"
            (problem,) = error.problems
            raise InputError(f"{source.name}: a damaged saved estimate, not valid JSON ({problem.message}: line "
                             f"{problem.line}, column {problem.column})", problems=error.problems,
                             hint="save it again: lambda-cost estimate WORKLOAD --format json -o FILE") from None
        return None  # not JSON after all: YAML in flow style, which the workload loader reads
    if not isinstance(data, dict) or "schema_version" not in data:
        return None
    # `true` equals 1 in Python; a version is a number, and only 1 and 2 are read.
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version not in READ_VERSIONS:
        shown = repr(version)
        shown = shown if len(shown) <= 24 else shown[:20] + "…"
        raise InputError(f"{source.name}: a saved estimate of schema_version {shown}; "
                         "this lambda-cost reads schema_version 1 and 2",
                         problems=[_at(source, "schema_version", "only schema_version 1 and 2 are read")])
    reports = {"kind", "valid", "combinations"} & data.keys()
    if reports:  # diff, validate and compare reports
        what = data["kind"] if isinstance(data.get("kind"), str) else "validate" if "valid" in data else "compare"
        what = what if len(what) <= 24 else what[:20] + "…"
        raise InputError(f"{source.name} is a lambda-cost JSON report but not an estimate (a `{what}` report)",
                         hint="give a saved `lambda-cost estimate --format json`, or a workload",
                         problems=[_at(source, sorted(reports)[0], "a key of another report than an estimate")])
    try:
        saved = SavedEstimate.model_validate(data)
    except (ValidationError, InvalidOperation) as error:
        problems = []
        if isinstance(error, ValidationError):
            problems = [problem_from_pydantic(item, tuple(item["loc"]), data, SavedEstimate).replace(file=source.name)
                        for item in error.errors()]
        raise InputError(f"{source.name}: not a lambda-cost JSON estimate", problems=problems) from None
    if (saved.currency, saved.period) != ("USD", "month"):  # figures in other units cannot be subtracted from ours
        key = "currency" if saved.currency != "USD" else "period"
        raise InputError(f"{source.name}: a saved estimate in {saved.currency} a {saved.period}; "
                         f"{command} compares USD a month",
                         problems=[_at(source, key, f"{getattr(saved, key)!r}; {command} compares USD a month")])
    return saved


def _at(source: Source, key: str, message: str) -> Problem:
    """A problem with a top-level key of a saved estimate, at the line that writes it."""
    line, column = json_key_position(source, key)
    return Problem(message, path=(key,), file=source.name, line=line, column=column)


def _snapshot_of_saved(saved: SavedEstimate, name: str) -> Snapshot:
    saved = saved.as_version_2()
    components: dict[str, dict[str, Decimal]] = {}
    for function in saved.functions:
        components[function.name] = _by_component(
            (item.component, item.cost) for item in (*function.line_items, *function.related_items))
    totals = {function.name: exact_sum([function.total, function.related_total]) for function in saved.functions}
    free = saved.free_tier
    if free is not None and free.enabled:
        totals[FREE_TIER_ROW] = free.total
        components[FREE_TIER_ROW] = _by_component((item.component, item.cost) for item in free.line_items)
    return Snapshot(name, saved.pricing.version, exact_sum([saved.total, saved.related_total]), totals, components)


def _change(name: str, base: Decimal, head: Decimal) -> Change:
    delta = head - base
    # Relative to the size of the base, so that a credit (a negative base) that shrinks reads as a rise.
    percent = None if base == 0 else delta / abs(base) * HUNDRED
    return Change(name, base, head, delta, percent)


@exact
def compare(base: Snapshot, head: Snapshot) -> DiffReport:
    """Changes from base to head, functions in head's order then removed ones (the gate judges them later)."""
    names = list(head.function_totals) + [n for n in base.function_totals if n not in head.function_totals]
    functions = []
    for name in names:
        before, after = base.components.get(name, {}), head.components.get(name, {})
        in_base, in_head = name in base.function_totals, name in head.function_totals
        total = _change(name, base.function_totals.get(name, ZERO), head.function_totals.get(name, ZERO))
        components = tuple(
            _change(component, before.get(component, ZERO), after.get(component, ZERO))
            for component in list(after) + [c for c in before if c not in after]
        )
        status = "added" if not in_base else "removed" if not in_head else "changed" if any(
            c.change for c in components) or total.change else "unchanged"
        functions.append(FunctionChange(status, total, components))
    total = _change("total", base.total, head.total)
    return DiffReport(base, head, total, tuple(functions), None)


