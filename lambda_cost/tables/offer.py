"""Import an AWS Price List bulk offer file for AWSLambda as a new, dated pricing table.

The offer file (all regions, or one region) carries rates only. Billing rules (duration granularity, memory and
ephemeral storage ranges, architectures) and anything the offer lacks are inherited from an older table through
`extends`. What cannot be mapped onto the table schema is reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lambda_cost.atomic import write_atomically
from lambda_cost.errors import InputError, PricingError, Problem, TableError
from lambda_cost.model.pricing import LARGEST, MOST_DIGITS, SMALLEST, Architecture, PricingTable, rate_values
from lambda_cost.numbers import MILLION
from lambda_cost.stages.load import NotJson, json_key_position, parse_json, read_source
from lambda_cost.tables.catalog import TableCatalog, shared_rates

OFFER_CODE = "AWSLambda"
OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/index.json"
REGIONAL_OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/{region}/index.json"

_REGION_CODE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
# Offer files without a regionCode attribute name the region by its location only.
_LOCATIONS = {
    "US East (N. Virginia)": "us-east-1", "US East (Ohio)": "us-east-2", "US West (N. California)": "us-west-1",
    "US West (Oregon)": "us-west-2", "Canada (Central)": "ca-central-1", "South America (Sao Paulo)": "sa-east-1",
    "EU (Ireland)": "eu-west-1", "EU (London)": "eu-west-2", "EU (Paris)": "eu-west-3",
    "EU (Frankfurt)": "eu-central-1", "EU (Zurich)": "eu-central-2", "EU (Stockholm)": "eu-north-1",
    "EU (Milan)": "eu-south-1", "Asia Pacific (Tokyo)": "ap-northeast-1", "Asia Pacific (Seoul)": "ap-northeast-2",
    "Asia Pacific (Osaka)": "ap-northeast-3", "Asia Pacific (Singapore)": "ap-southeast-1",
    "Asia Pacific (Sydney)": "ap-southeast-2", "Asia Pacific (Melbourne)": "ap-southeast-4",
    "Asia Pacific (Malaysia)": "ap-southeast-5", "Asia Pacific (Mumbai)": "ap-south-1",
    "Asia Pacific (Hong Kong)": "ap-east-1", "Middle East (Bahrain)": "me-south-1",
    "Middle East (UAE)": "me-central-1", "Africa (Cape Town)": "af-south-1",
}

# group -> (what it prices, architecture)
_GROUPS: dict[str, tuple[str, Architecture]] = {
    "AWS-Lambda-Requests": ("requests", "x86_64"),
    "AWS-Lambda-Requests-ARM": ("requests", "arm64"),
    "AWS-Lambda-Duration": ("duration", "x86_64"),
    "AWS-Lambda-Duration-ARM": ("duration", "arm64"),
    "AWS-Lambda-Storage-Duration": ("storage", "x86_64"),
    "AWS-Lambda-Storage-Duration-ARM": ("storage", "arm64"),
    "AWS-Lambda-Provisioned-Concurrency": ("provisioned_concurrency", "x86_64"),
    "AWS-Lambda-Provisioned-Concurrency-ARM": ("provisioned_concurrency", "arm64"),
    "AWS-Lambda-Duration-Provisioned": ("provisioned_duration", "x86_64"),
    "AWS-Lambda-Duration-Provisioned-ARM": ("provisioned_duration", "arm64"),
    "AWS-Lambda-Edge-Requests": ("edge_requests", "x86_64"),
    "AWS-Lambda-Edge-Duration": ("edge_duration", "x86_64"),
}
# The rates of a region that an offer file carries (see _GROUPS); a table's others never come from one.
_OFFER_RATES = ("requests_per_million", "duration", "ephemeral_storage", "provisioned_concurrency",
                "provisioned_duration", "edge")
_REQUEST_KINDS = ("requests", "edge_requests")
_FREE_TIER_USAGETYPES = {"Global-Request": "requests", "Global-Lambda-GB-Second": "gb_seconds"}


@dataclass(frozen=True)
class ImportResult:
    """A table built from an offer file, not yet written."""

    version: str  # the new table's version id: its effective date, YYYY-MM-DD
    effective: dt.date
    extends: str
    text: str  # the YAML of the new table file
    regions: tuple[str, ...]  # region codes the new table carries rates for, sorted
    unmapped: tuple[str, ...]  # what the offer holds that the table could not take, sorted
    offer_version: str
    publication_date: str
    free_tier: bool  # whether the offer's free-tier rows were imported


@dataclass(frozen=True)
class _Dimension:
    begin: Decimal
    end: Decimal | None  # None: "Inf"
    price: Decimal


@dataclass(frozen=True)
class _Row:
    """One product (SKU) with its on-demand price dimensions."""

    group: str
    usagetype: str
    unit: str
    dimensions: tuple[_Dimension, ...]

    @property
    def label(self) -> str:
        return f"{self.group or '(no group)'}, usagetype {self.usagetype or '(none)'}, unit {self.unit or '(none)'}"


class _Unmapped:
    """What could not be mapped, counted by product kind and reason."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, row: _Row, reason: str, dimensions: int | None = None) -> None:
        count = len(row.dimensions) if dimensions is None else dimensions
        self._counts[f"{row.label}: {reason}"] += max(count, 1)

    def note(self, text: str) -> None:
        self._counts[text] += 0

    def sorted(self) -> tuple[str, ...]:
        return tuple(
            text if count == 0 else f"{text} ({count} price dimension{'s' if count != 1 else ''})"
            for text, count in sorted(self._counts.items())
        )


def import_offer(
    offer_path: Path,
    catalog: TableCatalog,
    *,
    effective: dt.date | None = None,
    extends: str | None = None,
) -> ImportResult:
    """Read an AWSLambda offer file and build the table it describes, extending an older version of `catalog`."""
    offer = _read_offer(offer_path)
    publication = str(offer.get("publicationDate", ""))
    offer_version = str(offer.get("version", ""))
    effective = effective or _publication_day(publication, offer_path)
    version = effective.isoformat()
    base_version = _base_version(catalog, effective, extends)
    base = catalog.resolve(base_version).table

    unmapped = _Unmapped()
    rates: dict[tuple[str, str, Architecture], list[tuple[_Row, Any]]] = defaultdict(list)
    free_tier: dict[str, list[tuple[_Row, Decimal]]] = defaultdict(list)
    for attributes, row in _rows(offer, unmapped):
        field = _FREE_TIER_USAGETYPES.get(row.usagetype)
        if field is not None:
            free = _free_allowance(row, unmapped)
            if free is not None:
                free_tier[field].append((row, free))
            continue
        target = _GROUPS.get(row.group)
        if target is None:
            unmapped.add(row, "no place for it in the pricing table schema")
            continue
        kind, architecture = target
        region = _region(attributes)
        if region is None:
            where = ", ".join(f"{key} {attributes.get(key, '')!r}"
                              for key in ("regionCode", "location", "locationType"))
            unmapped.add(row, f"not an AWS Region with a region code ({where})")
            continue
        if kind in ("duration", "provisioned_concurrency", "provisioned_duration") and (
            architecture not in base.billing.architectures
        ):
            unmapped.add(row, f"{region}: the base version {base_version} has no {architecture} architecture")
            continue
        value = _rate(row, kind, unmapped)
        if value is not None:
            rates[(region, kind, architecture)].append((row, value))

    regions = _regions(rates, base, base_version, unmapped)
    allowance = _agreed_free_tier(free_tier, unmapped)
    if not regions and allowance is None:
        raise PricingError(
            f"{offer_path}: no product of the offer could be mapped to a pricing table",
            hint="is it the AWSLambda offer file? nothing was written",
            # why each kind of product was left out: what to look at in the file
            problems=[Problem(f"not mapped: {reason}", path=("products",), file=str(offer_path))
                      for reason in unmapped.sorted()],
        )
    document = _document(
        offer_path.name, offer, version, effective, base_version, base, regions, allowance, unmapped
    )
    inherited = f"Rates the offer does not carry, and the billing rules, are inherited from {base_version}."
    text = import_header(offer_path.name, OFFER_CODE, offer_version, publication, ".", inherited) + _emit(document)
    _check_resolves(text, version, catalog)
    return ImportResult(
        version=version,
        effective=effective,
        extends=base_version,
        text=text,
        regions=tuple(sorted(regions)),
        unmapped=unmapped.sorted(),
        offer_version=offer_version,
        publication_date=publication,
        free_tier=allowance is not None,
    )


def write_imported(
    result: ImportResult, directory: Path, *, force: bool = False, catalog: TableCatalog | None = None
) -> Path:
    """Write the imported table as `<version>.yaml` in `directory`, atomically. An existing version is never
    replaced, with or without `force`: a published table must keep pricing old estimates the same way.

    `catalog` is every table the new one will be read with (the shipped ones and `directory`); without it,
    `directory` alone must hold the version it extends.
    """
    path = directory / f"{result.version}.yaml"
    hint = "give --effective to import it under another date"
    if force:
        raise PricingError(f"pricing version {result.version} cannot be forced: tables are never overwritten",
                           hint=hint)
    known = catalog or TableCatalog(directory)
    if path.exists() or result.version in known.versions:
        where = path if path.exists() else known.files[result.version]
        raise PricingError(f"pricing version {result.version} already exists: {where}", hint=hint)
    if result.extends not in known.files:
        raise PricingError(
            f"pricing version {result.version} extends {result.extends}, which {directory} does not hold",
            hint=f"import with --extends naming a version in {directory}",
        )
    write_atomically(path, result.text, force=False)
    return path


# --- reading the offer -------------------------------------------------------------------------------------------


def _read_offer(offer_path: Path) -> dict[str, Any]:
    source = read_source(str(offer_path))
    try:
        offer = parse_json(source)
    except NotJson as error:
        raise InputError(f"{source.name}: not JSON", problems=error.problems,
                         hint="give the offer file index.json of the AWS Price List bulk API") from None
    def at(key: str, message: str, hint: str | None = None) -> PricingError:
        line, column = json_key_position(source, key) if key else (1, 1)
        return PricingError(f"{source.name}: not an AWS Lambda offer file", hint=hint, problems=[
            Problem(message, path=(key,) if key else (), file=source.name, line=line, column=column)])

    if not isinstance(offer, dict):
        raise at("", "the top level is not an object, as an AWS Price List offer file's is")
    code = offer.get("offerCode")
    if code != OFFER_CODE:
        shown = repr(code) if len(repr(code)) <= 40 else repr(code)[:36] + "…"
        what = ("no offerCode: an AWS Price List offer file names its service there" if code is None
                else f"the offer of {shown}, not of AWS Lambda")
        raise at("offerCode" if code is not None else "", what,
                 hint=f"give the AWS Lambda offer (offerCode {OFFER_CODE!r}): {OFFER_URL}")
    for key in ("products", "terms"):
        if not isinstance(offer.get(key), dict):
            raise at(key if key in offer else "", f"an offer file needs a {key!r} object")
    return offer


def _publication_day(publication: str, offer_path: Path) -> dt.date:
    try:
        return dt.datetime.fromisoformat(publication.replace("Z", "+00:00")).date()
    except ValueError:
        what = f"publicationDate {publication!r} is not a date" if publication else "it has no publicationDate"
        raise PricingError(
            f"{offer_path}: {what}, which would be the new table's effective date",
            hint="give --effective YYYY-MM-DD",
        ) from None


def _base_version(catalog: TableCatalog, effective: dt.date, extends: str | None) -> str:
    version = effective.isoformat()
    versions = catalog.versions
    if extends is not None:
        if extends not in versions:
            raise PricingError(f"cannot extend unknown pricing version {extends!r}",
                               hint=f"known versions: {', '.join(versions)}")
        # By date, here and below: a private version id ("acme-2025") does not sort as its date does.
        if catalog.effective(extends) >= effective:
            raise PricingError(f"pricing version {version} cannot extend {extends}, which is not older",
                               hint="a table extends an older version; give another --extends or --effective")
        return extends
    older = [known for known in versions if catalog.effective(known) < effective]
    if not older:
        raise PricingError(
            f"no pricing version older than {version} to extend",
            hint="offer files carry no billing rules (granularity, memory ranges, architectures); they are "
            "inherited from an older table, so give a later --effective or add an older table",
        )
    return older[-1]


def _rows(offer: dict[str, Any], unmapped: _Unmapped) -> Iterator[tuple[dict[str, Any], _Row]]:
    """Each product with its attributes and on-demand dimensions; products without one are reported."""
    terms = offer["terms"]
    on_demand = _object(terms.get("OnDemand"))
    for term_type, by_sku in sorted(terms.items()):
        if term_type != "OnDemand" and not isinstance(by_sku, dict):
            unmapped.note(f"terms {term_type}: not an object of SKUs, not imported")
        elif term_type != "OnDemand" and by_sku:
            unmapped.note(f"terms {term_type}: {len(by_sku)} SKU(s) not imported (only OnDemand prices are)")
    for sku, product in sorted(offer["products"].items()):
        attributes = _object(_object(product).get("attributes"))
        offers = _object(on_demand.get(sku))
        dimensions = [_object(d) for term in offers.values()
                      for d in _object(_object(term).get("priceDimensions")).values()]
        units = sorted({str(d.get("unit", "")) for d in dimensions})
        row = _Row(str(attributes.get("group", "")), str(attributes.get("usagetype", "")), "/".join(units), ())
        if len(offers) != 1:
            reason = "no on-demand price" if not offers else f"{len(offers)} on-demand terms for one SKU"
            unmapped.add(row, reason, len(dimensions))
            continue
        parsed = [_dimension(d) for d in dimensions]
        if not parsed or any(d is None for d in parsed):
            unmapped.add(row, "a price dimension without a USD price or a numeric range", len(dimensions))
            continue
        if any(not _plausible(d.price) for d in parsed if d is not None):
            # 1e999999 would import, then overflow every estimate; 1e-999999 print a million digits
            unmapped.add(row, "a price out of range (0, or 10^-18 to 10^12 a unit, with at most "
                         f"{MOST_DIGITS} significant digits)", len(dimensions))
            continue
        yield attributes, _Row(row.group, row.usagetype, row.unit, tuple(d for d in parsed if d is not None))


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the offer, or an empty one where the file has something else."""
    return value if isinstance(value, dict) else {}


def _dimension(raw: dict[str, Any]) -> _Dimension | None:
    try:
        begin = Decimal(str(raw["beginRange"]))
        end_text = str(raw["endRange"])
        end = None if end_text == "Inf" else Decimal(end_text)
        price = Decimal(str(raw["pricePerUnit"]["USD"]))
    except (KeyError, TypeError, InvalidOperation):
        return None
    if not begin.is_finite() or (end is not None and not end.is_finite()) or not price.is_finite() or price < 0:
        return None
    if not 0 <= begin < LARGEST or (end is not None and not 0 <= end < LARGEST):  # a table's bounds: see _plausible
        return None
    return _Dimension(begin, end, price)


def _plausible(price: Decimal) -> bool:
    """Whether a price fits a table (model.pricing's bounds): what does not is listed, not imported."""
    # A request price is kept per million: from SMALLEST up to LARGEST a million times over, both kinds fit.
    return price == 0 or (SMALLEST <= price < LARGEST / MILLION and len(price.as_tuple().digits) <= MOST_DIGITS)


def _region(attributes: dict[str, Any]) -> str | None:
    code = attributes.get("regionCode") or _LOCATIONS.get(str(attributes.get("location", "")))
    if not isinstance(code, str) or not _REGION_CODE.match(code):
        return None
    if attributes.get("locationType", "AWS Region") != "AWS Region":
        return None
    return code


# --- mapping rates ------------------------------------------------------------------------------------------------


def _tiers(row: _Row, unmapped: _Unmapped) -> list[_Dimension] | None:
    """The dimensions in order, checked to cover 0..Inf without gaps, with a leading zero-priced part dropped."""
    ordered = sorted(row.dimensions, key=lambda d: d.begin)
    previous_end: Decimal | None = Decimal(0)
    for dimension in ordered:
        if previous_end is None or dimension.begin != previous_end or (
            dimension.end is not None and dimension.end <= dimension.begin
        ):
            ranges = ", ".join(f"{d.begin}-{'Inf' if d.end is None else d.end}" for d in ordered)
            unmapped.add(row, f"ranges {ranges} are not contiguous from 0 to Inf")
            return None
        previous_end = dimension.end
    if previous_end is not None:
        unmapped.add(row, f"the last range ends at {previous_end}, not Inf")
        return None
    paid = list(ordered)
    while paid and paid[0].price == 0:
        paid.pop(0)
    if not paid:
        unmapped.add(row, "priced at 0 and not a free-tier row")
        return None
    if any(d.price == 0 for d in paid):
        unmapped.add(row, "a zero-priced range after a paid one")
        return None
    return paid


def _rate(row: _Row, kind: str, unmapped: _Unmapped) -> Any:
    """Duration: a list of tier mappings. Anything else: one Decimal rate (requests per million)."""
    expected = ("request",) if kind in _REQUEST_KINDS else ("lambda-gb-second", "gb-second")
    units = {unit.lower().rstrip("s") for unit in row.unit.split("/")}
    if not units <= set(expected):
        unmapped.add(row, f"unit {row.unit!r} is not {' or '.join(expected)}")
        return None
    tiers = _tiers(row, unmapped)
    if tiers is None:
        return None
    if kind == "duration":
        return [{"up_to": _number(t.end), "price": t.price} if t.end is not None else {"price": t.price}
                for t in tiers]
    if len({t.price for t in tiers}) != 1:
        unmapped.add(row, f"{len(tiers)} tiers with different prices; the table takes one rate")
        return None
    return tiers[0].price * MILLION if kind in _REQUEST_KINDS else tiers[0].price


def _free_allowance(row: _Row, unmapped: _Unmapped) -> Decimal | None:
    free = [d for d in row.dimensions if d.price == 0 and d.begin == 0 and d.end is not None]
    if len(free) != 1 or len(row.dimensions) != 1:
        unmapped.add(row, "a free-tier row that is not a single $0 range from 0")
        return None
    return free[0].end


def _agreed(rows: list[tuple[_Row, Any]], what: str, unmapped: _Unmapped) -> Any:
    """The one value several SKUs give for the same rate, or None (reported) when they disagree."""
    values = []
    for _, value in rows:
        if value not in values:
            values.append(value)
    if len(values) == 1:
        return values[0]
    for row, _ in rows:
        unmapped.add(row, f"{what}: {len(values)} SKUs disagree")
    return None


def _agreed_free_tier(found: dict[str, list[tuple[_Row, Decimal]]], unmapped: _Unmapped) -> dict[str, Any] | None:
    allowance = {field: _agreed(rows, f"free tier {field}", unmapped) for field, rows in found.items()}
    if set(allowance) != set(_FREE_TIER_USAGETYPES.values()) or None in allowance.values():
        for field, rows in found.items():
            if allowance.get(field) is not None:
                unmapped.add(rows[0][0], "free tier: the offer lacks the other half (requests and GB-s)")
        return None
    return {field: _number(allowance[field]) for field in ("requests", "gb_seconds")}


def _one_of_two(
    x86: list[tuple[_Row, Any]], arm: list[tuple[_Row, Any]], what: str, unmapped: _Unmapped
) -> Any:
    """A rate the table keeps once per region: the x86 one, and arm64's only when x86 is absent."""
    first = _agreed(x86, what, unmapped) if x86 else None
    second = _agreed(arm, what, unmapped) if arm else None
    if first is not None and second is not None and first != second:
        for row, _ in arm:
            unmapped.add(row, f"{what}: arm64 ({second}) differs from x86_64 ({first}); the table has one rate")
    return first if first is not None else second


def _regions(
    rates: dict[tuple[str, str, Architecture], list[tuple[_Row, Any]]],
    base: PricingTable,
    base_version: str,
    unmapped: _Unmapped,
) -> dict[str, dict[str, Any]]:
    regions: dict[str, dict[str, Any]] = {}
    edge_homes = ", ".join(sorted(name for name, rates in base.regions.items() if rates.edge is not None))
    assumed = _assumed_rates(base)
    for region in sorted({key[0] for key in rates}):
        def found(kind: str, architecture: Architecture, region: str = region) -> list[tuple[_Row, Any]]:
            return rates.get((region, kind, architecture), [])

        entry: dict[str, Any] = {}
        _put(entry, "requests_per_million",
             _one_of_two(found("requests", "x86_64"), found("requests", "arm64"), f"{region} requests", unmapped))
        for kind, key in (("duration", "duration"), ("provisioned_concurrency", "provisioned_concurrency"),
                          ("provisioned_duration", "provisioned_duration")):
            per_architecture: dict[str, Any] = {}
            for architecture in base.billing.architectures:
                rows = found(kind, architecture)
                if rows:
                    _put(per_architecture, architecture, _agreed(rows, f"{region} {kind} {architecture}", unmapped))
            _put(entry, key, per_architecture or None)
        _put(entry, "ephemeral_storage",
             _one_of_two(found("storage", "x86_64"), found("storage", "arm64"), f"{region} storage", unmapped))
        edge: dict[str, Any] = {}
        _put(edge, "requests_per_million", _agreed(found("edge_requests", "x86_64"), f"{region} edge", unmapped)
             if found("edge_requests", "x86_64") else None)
        _put(edge, "gb_second", _agreed(found("edge_duration", "x86_64"), f"{region} edge", unmapped)
             if found("edge_duration", "x86_64") else None)
        inherited = base.regions.get(region)
        if edge and (inherited is None or inherited.edge is None):
            # Lambda@Edge functions are created where the base lists Lambda@Edge (us-east-1), and priced there:
            # its rates in more regions would make every other region a gap that `pricing check` refuses.
            reason = ("Lambda@Edge needs both a request and a duration rate" if len(edge) == 1 else
                      f"Lambda@Edge is priced only where {base_version} lists it ({edge_homes or 'no region'}), "
                      "where its functions are created")
            for row, _ in found("edge_requests", "x86_64") + found("edge_duration", "x86_64"):
                unmapped.add(row, f"{region}: {reason}")
            edge = {}
        _put(entry, "edge", edge or None)
        if inherited is None:
            missing = _missing_for_new_region(entry, base, assumed)
            if missing:
                unmapped.note(f"region {region}: not in the base version {base_version} and the offer lacks "
                              f"{', '.join(missing)}, so it is not imported")
                continue
            entry.update(assumed)
        if entry:
            regions[region] = entry
    return regions


def _put(mapping: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        mapping[key] = value


def _missing_for_new_region(entry: dict[str, Any], base: PricingTable, assumed: dict[str, Any]) -> list[str]:
    missing = [] if "requests_per_million" in entry else ["requests"]
    missing += [f"{a} duration" for a in base.billing.architectures if a not in entry.get("duration", {})]
    storage_billed = base.billing.ephemeral_storage_mb.max > base.billing.ephemeral_storage_included_mb
    if storage_billed and "ephemeral_storage" not in entry:
        missing.append("ephemeral storage")
    # Any other rate that several regions of the base have, or `pricing check` would find the region a gap.
    checked = ("requests_per_million", "duration", "ephemeral_storage", *entry, *assumed)
    missing += [name.replace("_", " ") for name in sorted(shared_rates(base.regions)) if name not in checked]
    return missing


def _assumed_rates(base: PricingTable) -> dict[str, Any]:
    """The rates offers never carry (SnapStart, streaming, ...) that the regions of the base share at one value.

    The tables assume these rates everywhere; a region new in the offer takes them too.
    """
    values: dict[str, list[Any]] = defaultdict(list)
    for rates in base.regions.values():
        for name, value in rates:
            if value is not None and value not in values[name]:
                values[name].append(value)
    shared = shared_rates(base.regions)
    return {
        name: value.model_dump(mode="python", exclude_none=True) if isinstance(value, BaseModel) else value
        for name, (value, *others) in sorted(values.items())
        if name in shared and name not in _OFFER_RATES and not others
    }


# --- writing the table --------------------------------------------------------------------------------------------


def _document(
    name: str,
    offer: dict[str, Any],
    version: str,
    effective: dt.date,
    base_version: str,
    base: PricingTable,
    regions: dict[str, dict[str, Any]],
    free_tier: dict[str, Any] | None,
    unmapped: _Unmapped,
) -> dict[str, Any]:
    offer_version = str(offer.get("version", ""))
    publication = str(offer.get("publicationDate", ""))
    offer_region = offer.get("regionCode")
    regional = isinstance(offer_region, str) and _REGION_CODE.match(offer_region) is not None
    url = REGIONAL_OFFER_URL.format(region=offer_region) if regional else OFFER_URL
    imported = ", ".join(sorted(regions)) or "none"
    notes = [
        f"Imported by `lambda-cost pricing import` from the AWS Price List offer file {name} (offer version "
        f"{offer_version}, publication {publication}); on-demand rates for: {imported}.",
        f"Inherited from {base_version}: the billing rules (duration granularity, memory and ephemeral storage "
        "ranges, architectures), which offer files do not carry, and every rate the offer does not give "
        "(SnapStart, response streaming, event source mapping provisioned mode, related services, and any "
        "rate listed as unmapped at import).",
    ]
    notes.append(
        "The free tier is the offer's $0 rows Global-Request and Global-Lambda-GB-Second."
        if free_tier is not None
        else f"The offer has no usable free-tier rows; the free tier is inherited from {base_version}."
    )
    new_regions = sorted(set(regions) - set(base.regions))
    assumed = _assumed_rates(base)
    derived = []
    if new_regions and assumed:
        notes.append(f"Regions new in this offer ({', '.join(new_regions)}) take {', '.join(assumed)} from "
                     f"{base_version}, where every region has the same rate; offer files do not carry them.")
        derived.append(_assumed_derivation(base, base_version, assumed, new_regions))
    lacking = sorted(set(base.regions) - set(regions))
    if lacking:
        notes.append(f"Regions of {base_version} that the offer lacks, inherited unchanged: {', '.join(lacking)}.")
    skipped = unmapped.sorted()
    if skipped:
        notes.append(f"{len(skipped)} kinds of offer rows could not be mapped to this table and were left out.")
    document: dict[str, Any] = {
        "version": version,
        "effective": effective,
        "extends": base_version,
        "summary": f"Imported from the AWS Price List offer file {name} (publication {publication}, version "
        f"{offer_version})",
        "sources": [{"title": f"AWS Price List offer file for AWSLambda, version {offer_version}", "url": url}],
        "notes": notes,
    }
    if derived:
        document["derived"] = derived
    if free_tier is not None:
        document["free_tier"] = free_tier
    document["regions"] = regions
    return document


def _assumed_derivation(
    base: PricingTable, base_version: str, assumed: dict[str, Any], regions: list[str]
) -> dict[str, Any]:
    """The `derived:` entry of the rates new regions take from the base: copies of one region's, which all share."""
    home = "us-east-1" if "us-east-1" in base.regions else sorted(base.regions)[0]
    rates = [key for key in rate_values(base.regions[home]) if key.split(".")[0] in assumed]
    return {"rates": rates, "regions": regions, "of_region": home,
            "why": f"offer files do not carry these rates; every region of {base_version} has {home}'s"}


def import_header(name: str, offer_code: str, offer_version: str, publication: str, then: str, about: str) -> str:
    """The comment an imported table opens with: the offer file it came from, and what it holds (`about`)."""
    # Names and versions come from outside: escaped, so that a newline cannot end the comment.
    name, offer_version, publication = (json.dumps(text)[1:-1] for text in (name, offer_version, publication))
    return (
        f"# Generated by `lambda-cost pricing import` from {name}\n"
        f"# (AWS Price List offer {offer_code}, version {offer_version}, published {publication}){then}\n"
        f"# {about}\n"
        "# Prices are quoted strings so that they stay exact.\n\n"
    )


def _number(value: Decimal | None) -> int | Decimal | None:
    """A range bound as an int when it is whole, so that it is written like the hand-made tables."""
    if value is None or value != value.to_integral_value():
        return value
    return int(value)


def _emit(value: Any, indent: int = 0) -> str:
    """Block-style YAML of mappings, lists, strings, ints, dates and Decimals (quoted, exact)."""
    return "".join(_lines(value, indent))


def _lines(value: Any, indent: int) -> Iterable[str]:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                yield f"{pad}{key}:\n"
                yield from _lines(item, indent + 2)
            else:
                yield f"{pad}{key}: {_scalar(item)}\n"
    else:
        for item in value:
            text = _emit(item, indent + 2) if isinstance(item, (dict, list)) else f"{pad}  {_scalar(item)}\n"
            yield f"{pad}- {text[indent + 2:]}"


def _scalar(value: Any) -> str:
    if isinstance(value, (dict, list)):  # only an empty one reaches here
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value else "0"
        return json.dumps(text)
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no YAML scalar for {value!r}")
    if isinstance(value, (int, dt.date)):
        return str(value)
    return json.dumps(str(value))


def _check_resolves(text: str, version: str, catalog: TableCatalog) -> None:
    """Resolve the new table beside copies of the catalog's tables: what is written must validate."""
    with tempfile.TemporaryDirectory(prefix="lambda-cost-import-") as scratch:
        directory = Path(scratch)
        for known, path in catalog.files.items():
            if known != version:
                shutil.copyfile(path, directory / path.name)
        (directory / f"{version}.yaml").write_text(text, encoding="utf-8")
        try:
            TableCatalog(directory).resolve(version)
        except TableError as error:
            raise PricingError(
                f"the table imported as {version} does not validate: {error.message}",
                hint="nothing was written; please report this with the offer file",
                problems=error.problems,
            ) from None
