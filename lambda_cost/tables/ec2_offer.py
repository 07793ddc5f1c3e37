"""Import EC2 on-demand prices for Lambda Managed Instances from AWS's AmazonEC2 offer file, streamed.

The file (all regions, or one region's) is gigabytes: it is read product by product and SKU by SKU, keeping only
the Linux, shared-tenancy, on-demand instance types of the C, M and R families that Managed Instances run on.
The new table states `managed_instances` prices of the regions its base version has, and inherits the rest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lambda_cost.errors import InputError, LoadError, PricingError, Problem
from lambda_cost.model.pricing import MOST_DIGITS, fits_a_table
from lambda_cost.tables.catalog import TableCatalog
from lambda_cost.tables.offer import (
    _LOCATIONS,
    _REGION_CODE,
    ImportResult,
    _base_version,
    _check_resolves,
    _emit,
    _publication_day,
    import_header,
)
from lambda_cost.tables.offer_stream import JsonStream, OfferSyntaxError

OFFER_CODE = "AmazonEC2"
OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json"
REGIONAL_OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{region}/index.json"
# Managed Instances run on instance types of the C, M and R families (AWS: over 400 of them, x86_64 and arm64).
_FAMILY = re.compile(r"^[cmr][0-9]+[a-z-]*\.[a-z0-9]+$")
# The price Managed Instances bill is that of a plain Linux instance on shared hardware, bought on demand.
_WANTED = {
    "operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
    "licenseModel": "No License required", "operation": "RunInstances", "marketoption": "OnDemand",
}
_TOP = ("formatVersion", "disclaimer", "offerCode", "version", "publicationDate", "regionCode")


@dataclass
class _Read:
    """What the stream gave: the header, the products kept, and the prices of their SKUs."""

    header: dict[str, Any] = field(default_factory=dict)
    seen: int = 0  # products of any kind
    products: dict[str, tuple[str, str]] = field(default_factory=dict)  # sku -> (region, instance type)
    prices: dict[tuple[str, str], set[Decimal]] = field(default_factory=lambda: defaultdict(set))
    skipped_regions: set[str] = field(default_factory=set)
    out_of_range: set[tuple[str, str]] = field(default_factory=set)  # (region, instance type) priced absurdly


def offer_code(path: Path) -> str | None:
    """The offerCode at the top of an offer file, read without reading the file; None when it has none there."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            stream = JsonStream(handle, chunk=64 * 1024)
            for key in stream.members():
                if key in ("products", "terms"):
                    return None
                value = stream.value()
                if key == "offerCode":
                    return value if isinstance(value, str) else None
    except (OSError, UnicodeDecodeError, OfferSyntaxError):
        return None
    return None


def import_ec2_offer(
    offer_path: Path, catalog: TableCatalog, *, effective: dt.date | None = None, extends: str | None = None
) -> ImportResult:
    """A new table of EC2 on-demand prices for Managed Instances, extending an older version of `catalog`."""
    read = _read(offer_path, catalog, effective, extends)
    header = read.header
    publication = str(header.get("publicationDate", ""))
    offer_version = str(header.get("version", ""))
    effective = effective or _publication_day(publication, offer_path)
    version = effective.isoformat()
    base_version = _base_version(catalog, effective, extends)
    unmapped = []
    regions: dict[str, dict[str, Any]] = {}
    for (region, instance_type), prices in sorted(read.prices.items()):
        if (region, instance_type) in read.out_of_range:
            continue
        if len(prices) != 1:
            unmapped.append(f"{region} {instance_type}: {len(prices)} on-demand prices disagree; not imported")
            continue
        regions.setdefault(region, {"managed_instances": {}})["managed_instances"][instance_type] = prices.pop()
    unmapped += [f"{region} {instance_type}: a price out of range (0, or 10^-18 to 10^18 an hour, with at most "
                 f"{MOST_DIGITS} significant digits); not imported"
                 for region, instance_type in sorted(read.out_of_range)]
    unmapped += [f"region {region}: not in the base version {base_version}, so not imported"
                 for region in sorted(read.skipped_regions)]
    if not regions:
        kept = len(read.products)
        raise PricingError(
            f"{offer_path}: no Linux on-demand price of a C, M or R instance type in the regions of {base_version} "
            f"(of its {read.seen:,} products, {kept:,} {'is such an instance' if kept == 1 else 'are such instances'}"
            f"{', and none of them has an hourly USD price in its OnDemand terms' if kept else ''})",
            hint="is it the AmazonEC2 offer file? nothing was written")
    region_code = header.get("regionCode")
    regional = isinstance(region_code, str) and _REGION_CODE.match(region_code) is not None
    types = sorted({name for entry in regions.values() for name in entry["managed_instances"]})
    document = {
        "version": version,
        "effective": effective,
        "extends": base_version,
        "summary": f"EC2 prices for Lambda Managed Instances imported from the AWS Price List offer file "
        f"{offer_path.name} (publication {publication}, version {offer_version})",
        "sources": [{"title": f"AWS Price List offer file for AmazonEC2, version {offer_version}",
                     "url": REGIONAL_OFFER_URL.format(region=region_code) if regional else OFFER_URL}],
        "notes": [
            f"Imported by `lambda-cost pricing import` from the AWS Price List offer file {offer_path.name} (offer "
            f"version {offer_version}, publication {publication}): EC2 on-demand prices per instance-hour of "
            f"{len(types)} instance types of the C, M and R families (Linux, shared tenancy, no pre-installed "
            f"software) in {', '.join(sorted(regions))}, for Lambda Managed Instances.",
            f"Everything else is inherited from {base_version}.",
        ],
        "regions": regions,
    }
    about = f"EC2 on-demand prices for Lambda Managed Instances; everything else is inherited from {base_version}."
    text = import_header(offer_path.name, "AmazonEC2", offer_version, publication, ":", about) + _emit(document)
    _check_resolves(text, version, catalog)
    return ImportResult(version=version, effective=effective, extends=base_version, text=text,
                        regions=tuple(sorted(regions)), unmapped=tuple(unmapped), offer_version=offer_version,
                        publication_date=publication, free_tier=False)


def _read(offer_path: Path, catalog: TableCatalog, effective: dt.date | None, extends: str | None) -> _Read:
    read = _Read()
    try:
        with offer_path.open(encoding="utf-8-sig") as handle:
            _walk(JsonStream(handle), read, offer_path, catalog, effective, extends)
    except FileNotFoundError:
        raise LoadError(f"{offer_path}: no such file", hint="check the path") from None
    except UnicodeDecodeError:
        raise InputError(f"{offer_path}: not UTF-8 text",
                         hint="give the offer file index.json as AWS serves it") from None
    except OfferSyntaxError as error:
        problem = Problem(error.message, file=str(offer_path), line=error.line, column=error.column,
                          hint="check the commas, brackets and quotes")
        raise InputError(f"{offer_path}: not JSON", problems=[problem],
                         hint="give the offer file index.json of the AWS Price List bulk API") from None
    except OSError as error:
        raise LoadError(f"{offer_path}: cannot be read: {error.strerror}") from None
    return read


def _walk(stream: JsonStream, read: _Read, path: Path, catalog: TableCatalog, effective: dt.date | None,
          extends: str | None) -> None:
    regions: set[str] | None = None
    for key in stream.members():
        if key == "products":
            regions = _regions_of_base(read, path, catalog, effective, extends)
            for sku in stream.members():
                read.seen += 1
                _product(sku, stream.value(), read, regions)
        elif key == "terms":
            if regions is None:
                raise PricingError(f"{path}: its terms come before its products",
                                   hint="lambda-cost reads an offer file's products first, as AWS writes them")
            for term_type in stream.members():
                if term_type != "OnDemand":
                    stream.skip(1)  # Reserved: every SKU's terms, one SKU at a time
                    continue
                for sku in stream.members():
                    terms = stream.value()
                    if sku in read.products:
                        _prices(sku, terms, read)
        elif key in _TOP:
            read.header[key] = stream.value()
        else:
            stream.skip(1)


def _regions_of_base(read: _Read, path: Path, catalog: TableCatalog, effective: dt.date | None,
                     extends: str | None) -> set[str]:
    """The regions the new table can price: those of the version it will extend, which must know Managed
    Instances. Known from the header alone, before the products are read."""
    if read.header.get("offerCode") != OFFER_CODE:
        raise PricingError(f"{path}: offer {read.header.get('offerCode')!r} is not the AmazonEC2 offer")
    day = effective or _publication_day(str(read.header.get("publicationDate", "")), path)
    base_version = _base_version(catalog, day, extends)
    base = catalog.resolve(base_version).table
    if base.billing.managed_instances is None:
        first = catalog.first_version_with(lambda table: table.billing.managed_instances is not None)
        since = f"; it arrived with {first.version}" if first else ""
        raise PricingError(f"pricing version {base_version} predates Lambda Managed Instances{since}",
                           hint="EC2 prices extend a version that has them: give --extends or a later --effective")
    return set(base.regions)


def _product(sku: str, product: Any, read: _Read, regions: set[str]) -> None:
    if not isinstance(product, dict) or product.get("productFamily") != "Compute Instance":
        return
    attributes = product.get("attributes")
    if not isinstance(attributes, dict):
        return
    instance_type = attributes.get("instanceType")
    if not isinstance(instance_type, str) or not _FAMILY.match(instance_type):
        return
    if any(name in attributes and attributes[name] != wanted for name, wanted in _WANTED.items()):
        return
    if attributes.get("locationType", "AWS Region") != "AWS Region":
        return
    region = attributes.get("regionCode") or _LOCATIONS.get(str(attributes.get("location", "")))
    if not isinstance(region, str) or not _REGION_CODE.match(region):
        return
    if region not in regions:
        read.skipped_regions.add(region)
        return
    read.products[sku] = (region, instance_type)


def _prices(sku: str, terms: Any, read: _Read) -> None:
    """The hourly USD price of one SKU's on-demand term (one term, one dimension, priced per hour)."""
    if not isinstance(terms, dict):
        return
    for term in terms.values():
        dimensions = term.get("priceDimensions") if isinstance(term, dict) else None
        if not isinstance(dimensions, dict):  # a term without price dimensions prices nothing
            continue
        for dimension in dimensions.values():
            if not isinstance(dimension, dict) or dimension.get("unit") not in ("Hrs", "Hours"):
                continue
            try:
                price = Decimal(str(dimension["pricePerUnit"]["USD"]))
            except (KeyError, TypeError, InvalidOperation):
                continue
            if not price.is_finite() or price <= 0:
                continue
            if fits_a_table(price):
                read.prices[read.products[sku]].add(price.normalize())
            else:  # 1e999999 would import, then break every estimate: listed, not imported
                read.out_of_range.add(read.products[sku])
