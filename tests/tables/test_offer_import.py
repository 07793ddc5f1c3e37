"""`pricing import`: AWS Price List offer files for AWSLambda become new, dated, validated pricing tables."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, cents, function, workload_yaml

from lambda_cost.errors import EXIT_INPUT, InputError, PricingError
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import Source
from lambda_cost.tables.catalog import TableCatalog, bundled_pricing_dir
from lambda_cost.tables.offer import ImportResult, import_offer, write_imported

OFFERS = FIXTURES / "offers"
ALL_REGIONS = OFFERS / "AWSLambda-all-regions.json"
ONE_REGION = OFFERS / "AWSLambda-us-east-2.json"


# The fixtures' offer is dated 2025-08-01; the shipped tables from then on are left out of the copy, so that the
# import extends 2022-08-01 whatever versions the project adds later.
BASE_VERSION = "2022-08-01"


def base_tables(target: Path) -> Path:
    """A copy of the shipped tables up to BASE_VERSION."""
    target.mkdir(exist_ok=True)
    for table in bundled_pricing_dir().glob("*.yaml"):
        if table.stem <= BASE_VERSION:
            shutil.copy(table, target)
    return target


@pytest.fixture
def pricing_dir(tmp_path: Path) -> Path:
    """The base tables, to write imports into."""
    return base_tables(tmp_path / "pricing")


def imported(offer: Path, pricing_dir: Path, **options: Any) -> tuple[ImportResult, TableCatalog]:
    """Import `offer`, write it into `pricing_dir` and return the result with a fresh catalog of that directory."""
    result = import_offer(offer, TableCatalog(pricing_dir), **options)
    write_imported(result, pricing_dir)
    return result, TableCatalog(pricing_dir)


Mutation = Callable[[dict[str, Any]], None]


def edited_offer(tmp_path: Path, *changes: Mutation, source: Path = ALL_REGIONS) -> Path:
    """A copy of an offer fixture with some changes, written beside the test."""
    offer = json.loads(source.read_text())
    for change in changes:
        change(offer)
    path = tmp_path / f"edited-{source.name}"
    path.write_text(json.dumps(offer, indent=2))
    return path


def import_edited(tmp_path: Path, *changes: Mutation) -> tuple[ImportResult, dict[str, Any]]:
    """Import an edited copy of the all-regions fixture against the base tables; the result and its regions."""
    result = import_offer(edited_offer(tmp_path, *changes), TableCatalog(base_tables(tmp_path / "base")))
    return result, yaml.safe_load(result.text)["regions"]


def skus(offer: dict[str, Any], region: str | None, usagetype: str) -> list[str]:
    return [
        sku for sku, product in offer["products"].items()
        if product["attributes"].get("regionCode") == region and product["attributes"]["usagetype"] == usagetype
    ]


def dimensions(offer: dict[str, Any], sku: str) -> list[dict[str, Any]]:
    (term,) = offer["terms"]["OnDemand"][sku].values()
    return sorted(term["priceDimensions"].values(), key=lambda d: Decimal(d["beginRange"]))


def set_price(region: str | None, usagetype: str, *prices: str) -> Mutation:
    """Give the price dimensions of one product new prices, in range order."""

    def change(offer: dict[str, Any]) -> None:
        (sku,) = skus(offer, region, usagetype)
        for dimension, price in zip(dimensions(offer, sku), prices, strict=True):
            dimension["pricePerUnit"]["USD"] = price

    return change


def drop(region: str | None, *usagetypes: str) -> Mutation:
    def change(offer: dict[str, Any]) -> None:
        for usagetype in usagetypes:
            for sku in skus(offer, region, usagetype):
                del offer["products"][sku]
                del offer["terms"]["OnDemand"][sku]

    return change


def test_all_regions_offer_becomes_a_table_with_exact_rates(pricing_dir: Path) -> None:
    result, catalog = imported(ALL_REGIONS, pricing_dir)
    assert (result.version, result.effective, result.extends) == ("2025-08-01", dt.date(2025, 8, 1), "2022-08-01")
    assert result.regions == ("eu-west-1", "us-east-1")
    assert (result.offer_version, result.publication_date) == ("20250801000000", "2025-08-01T00:00:00Z")
    table = catalog.resolve("2025-08-01").table
    us = table.regions["us-east-1"]
    assert [(t.up_to, t.price) for t in us.duration["x86_64"]] == [
        (Decimal("6e9"), Decimal("0.0000166667")),
        (Decimal("15e9"), Decimal("0.0000150000")),
        (None, Decimal("0.0000133334")),
    ]
    assert [(t.up_to, t.price) for t in us.duration["arm64"]] == [
        (Decimal("7.5e9"), Decimal("0.0000133334")),
        (Decimal("18.75e9"), Decimal("0.0000120001")),
        (None, Decimal("0.0000106667")),
    ]
    assert us.requests_per_million == Decimal("0.20")
    assert us.ephemeral_storage == Decimal("0.0000000309")
    assert us.provisioned_concurrency == {"x86_64": Decimal("0.0000041667"), "arm64": Decimal("0.0000033334")}
    assert us.provisioned_duration == {"x86_64": Decimal("0.0000097222"), "arm64": Decimal("0.0000077778")}
    assert us.edge is not None
    assert (us.edge.requests_per_million, us.edge.gb_second) == (Decimal("0.60"), Decimal("0.00005001"))
    eu = table.regions["eu-west-1"]
    assert eu.ephemeral_storage == Decimal("0.0000000340")
    assert eu.provisioned_concurrency == {"x86_64": Decimal("0.0000046460"), "arm64": Decimal("0.0000037168")}
    assert (table.free_tier.requests, table.free_tier.gb_seconds) == (Decimal(1_000_000), Decimal(400_000))
    assert result.free_tier
    # Billing rules and the regions the offer lacks come from the base version.
    base = catalog.resolve("2022-08-01").table
    assert table.billing == base.billing
    assert table.regions["ap-east-1"] == base.regions["ap-east-1"]
    assert set(table.regions) == set(base.regions)


def test_the_table_text_is_readable_exact_yaml_with_provenance(pricing_dir: Path) -> None:
    result, catalog = imported(ALL_REGIONS, pricing_dir)
    text = (pricing_dir / "2025-08-01.yaml").read_text()
    assert text == result.text
    assert text.startswith("# Generated by `lambda-cost pricing import` from AWSLambda-all-regions.json\n")
    assert "{" not in text.split("\nregions:\n")[1]  # block style throughout the rates
    assert re.search(r'^ {10}price: "0\.0000166667"$', text, re.MULTILINE)
    assert re.search(r"^ {8}- up_to: 6000000000$", text, re.MULTILINE)
    raw = yaml.safe_load(text)
    assert raw["version"] == "2025-08-01" and raw["effective"] == dt.date(2025, 8, 1)
    assert raw["extends"] == "2022-08-01"
    assert raw["regions"]["us-east-1"]["requests_per_million"] == "0.2"  # a string: no float on the way
    assert raw["summary"] == (
        "Imported from the AWS Price List offer file AWSLambda-all-regions.json "
        "(publication 2025-08-01T00:00:00Z, version 20250801000000)"
    )
    assert raw["sources"] == [{
        "title": "AWS Price List offer file for AWSLambda, version 20250801000000",
        "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/index.json",
    }]
    notes = " ".join(raw["notes"])
    assert "on-demand rates for: eu-west-1, us-east-1" in notes
    assert "Inherited from 2022-08-01: the billing rules" in notes
    assert "inherited unchanged: af-south-1, ap-east-1," in notes and "us-east-1," not in notes.split("unchanged")[1]
    # The resolved table accumulates the base's sources and adds the offer's.
    sources = catalog.resolve("2025-08-01").table.sources
    assert sources[-1].title.startswith("AWS Price List offer file")


def test_a_per_region_offer_imports_its_region_and_names_its_url(pricing_dir: Path) -> None:
    result, catalog = imported(ONE_REGION, pricing_dir)
    assert result.regions == ("us-east-2",)
    # Lambda@Edge stays in us-east-1, where the base lists it: in us-east-2 too, `pricing check` would refuse it.
    assert result.unmapped == tuple(
        f"AWS-Lambda-Edge-{kind}, usagetype USE2-Lambda-Edge-{usage}, unit {unit}: us-east-2: Lambda@Edge is "
        "priced only where 2022-08-01 lists it (us-east-1), where its functions are created (1 price dimension)"
        for kind, usage, unit in (("Duration", "GB-Second", "Lambda-GB-Second"), ("Requests", "Request", "Request"))
    )
    raw = yaml.safe_load(result.text)
    assert raw["sources"][0]["url"] == (
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/us-east-2/index.json"
    )
    assert list(raw["regions"]) == ["us-east-2"]
    assert "us-east-1" in " ".join(raw["notes"]).split("inherited unchanged")[1]
    table = catalog.resolve(result.version).table
    assert [t.price for t in table.regions["us-east-2"].duration["x86_64"]] == [
        Decimal("0.0000166667"), Decimal("0.0000150000"), Decimal("0.0000133334")
    ]
    assert table.regions["us-east-2"].requests_per_million == Decimal("0.20")
    assert table.free_tier.requests == 1_000_000


def test_what_cannot_be_mapped_is_listed() -> None:
    result = import_offer(ALL_REGIONS, TableCatalog())
    assert result.unmapped == (
        "AWS-Lambda-Edge-Duration, usagetype EU-Lambda-Edge-GB-Second, unit Lambda-GB-Second: eu-west-1: "
        "Lambda@Edge is priced only where 2024-11-22 lists it (us-east-1), where its functions are created "
        "(1 price dimension)",
        "AWS-Lambda-Edge-Requests, usagetype EU-Lambda-Edge-Request, unit Request: eu-west-1: "
        "Lambda@Edge is priced only where 2024-11-22 lists it (us-east-1), where its functions are created "
        "(1 price dimension)",
        "AWS-Lambda-Managed-Instances, usagetype Lambda-Managed-Instances-Request, unit Requests: "
        "no place for it in the pricing table schema (1 price dimension)",
        "AWS-Lambda-Response-Streaming, usagetype Lambda-Streaming-Response-Processed-Bytes, "
        "unit Processed-Gigabytes: no place for it in the pricing table schema (1 price dimension)",
    )
    assert "4 kinds of offer rows could not be mapped" in result.text


def test_an_existing_version_is_refused_and_left_untouched(pricing_dir: Path) -> None:
    imported(ALL_REGIONS, pricing_dir)
    path = pricing_dir / "2025-08-01.yaml"
    path.write_text(path.read_text() + "# edited by hand\n")
    before = path.read_bytes()
    again = import_offer(ONE_REGION, TableCatalog(pricing_dir))
    assert again.version == "2025-08-01"
    assert again.extends == "2022-08-01"  # never the version it would replace
    for force in (False, True):
        with pytest.raises(PricingError, match="2025-08-01") as caught:
            write_imported(again, pricing_dir, force=force)
        assert caught.value.hint is not None and "--effective" in caught.value.hint
        assert caught.value.exit_code == EXIT_INPUT
    assert path.read_bytes() == before
    assert sorted(p.name for p in pricing_dir.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_shipped_version_is_refused_too(pricing_dir: Path) -> None:
    result = import_offer(ALL_REGIONS, TableCatalog(pricing_dir), effective=dt.date(2022, 8, 1))
    assert result.extends == "2022-03-24"
    before = (pricing_dir / "2022-08-01.yaml").read_bytes()
    with pytest.raises(PricingError, match="pricing version 2022-08-01 already exists"):
        write_imported(result, pricing_dir)
    assert (pricing_dir / "2022-08-01.yaml").read_bytes() == before


def test_a_shipped_version_is_named_as_shipped_not_as_in_the_private_directory(tmp_path: Path) -> None:
    """The user's directory is empty: saying the version "already exists in" it sends them looking there."""
    private = tmp_path / "mine"
    private.mkdir()
    catalog = TableCatalog(private=[private])
    result = import_offer(ALL_REGIONS, catalog, effective=dt.date(2022, 8, 1))
    with pytest.raises(PricingError) as caught:
        write_imported(result, private, catalog=catalog)
    assert caught.value.message == (
        f"pricing version 2022-08-01 already exists: {bundled_pricing_dir() / '2022-08-01.yaml'}"
    )
    assert list(private.iterdir()) == []


def test_effective_overrides_the_publication_date(pricing_dir: Path) -> None:
    result, catalog = imported(ALL_REGIONS, pricing_dir, effective=dt.date(2024, 11, 18))
    assert result.version == "2024-11-18"
    assert yaml.safe_load(result.text)["effective"] == dt.date(2024, 11, 18)
    assert (pricing_dir / "2024-11-18.yaml").is_file()
    assert catalog.resolve("2024-11-18").table.effective == dt.date(2024, 11, 18)
    assert catalog.select("latest").version == "2024-11-18"


def test_extends_picks_the_base_and_must_be_older(pricing_dir: Path) -> None:
    result, catalog = imported(ALL_REGIONS, pricing_dir, extends="2022-03-24")
    assert result.extends == "2022-03-24"
    # The offer's tiers replace the single rate of 2022-03-24; the billing rules are that version's.
    assert len(catalog.resolve(result.version).table.regions["us-east-1"].duration["x86_64"]) == 3
    with pytest.raises(PricingError, match="unknown pricing version '2099-01-01'"):
        import_offer(ALL_REGIONS, TableCatalog(pricing_dir), extends="2099-01-01")
    with pytest.raises(PricingError, match="cannot extend 2022-08-01, which is not older"):
        import_offer(ALL_REGIONS, TableCatalog(pricing_dir), effective=dt.date(2022, 1, 1), extends="2022-08-01")


def test_no_older_version_to_inherit_billing_rules_from_is_refused() -> None:
    with pytest.raises(PricingError, match="no pricing version older than 2010-01-01") as caught:
        import_offer(ALL_REGIONS, TableCatalog(), effective=dt.date(2010, 1, 1))
    assert caught.value.hint is not None and "billing rules" in caught.value.hint


def test_a_base_without_arm64_reports_the_arm64_rates(pricing_dir: Path) -> None:
    result, catalog = imported(ALL_REGIONS, pricing_dir, effective=dt.date(2021, 1, 1))
    assert result.extends == "2020-12-01"
    table = catalog.resolve("2021-01-01").table
    assert set(table.regions["us-east-1"].duration) == {"x86_64"}
    assert any("AWS-Lambda-Duration-ARM" in item and "has no arm64 architecture" in item for item in result.unmapped)


def test_the_imported_table_prices_a_workload(pricing_dir: Path, tmp_path: Path) -> None:
    offer = edited_offer(
        tmp_path,
        set_price("eu-west-1", "EU-Lambda-GB-Second", "0.0000170000", "0.0000153000", "0.0000136000"),
        set_price("eu-west-1", "EU-Request", "0.0000002500"),
        set_price("eu-west-1", "EU-Request-ARM", "0.0000002500"),
    )
    _, catalog = imported(offer, pricing_dir)
    text = workload_yaml(
        function("api", memory_mb=2048, duration_ms=200, invocations=[{"type": "sync", "per_month": 3_000_000}]),
        region="eu-west-1", pricing="2025-08-01",
    )
    estimate = estimate_source(Source("w.yaml", text), catalog=catalog)
    assert estimate.pricing.version == "2025-08-01"
    # 3M requests: (3M - 1M free) x $0.25/M = $0.50. 3M x 0.2 s x 2 GB = 1.2M GB-s; (1.2M - 0.4M free)
    # x $0.000017 = $13.60. Total $14.10.
    assert estimate.total == Decimal("14.10")
    assert cents(estimate.total) == Decimal("14.10")


def test_an_arm64_request_price_that_differs_is_reported(tmp_path: Path) -> None:
    result, regions = import_edited(tmp_path, set_price("us-east-1", "Request-ARM", "0.0000001900"))
    assert regions["us-east-1"]["requests_per_million"] == "0.2"
    assert (
        "AWS-Lambda-Requests-ARM, usagetype Request-ARM, unit Requests: us-east-1 requests: arm64 (0.1900000000) "
        "differs from x86_64 (0.2000000000); the table has one rate (1 price dimension)"
    ) in result.unmapped


def test_ranges_with_a_gap_are_reported_and_the_sku_skipped(tmp_path: Path) -> None:
    def gap(offer: dict[str, Any]) -> None:
        (sku,) = skus(offer, "eu-west-1", "EU-Lambda-GB-Second")
        dimensions(offer, sku)[1]["beginRange"] = "7000000000"

    result, regions = import_edited(tmp_path, gap)
    assert set(regions["eu-west-1"]["duration"]) == {"arm64"}  # x86_64 stays as in the base
    assert (
        "AWS-Lambda-Duration, usagetype EU-Lambda-GB-Second, unit Lambda-GB-Second: ranges 0-6000000000, "
        "7000000000-15000000000, 15000000000-Inf are not contiguous from 0 to Inf (3 price dimensions)"
    ) in result.unmapped


def test_zero_prices_are_ignored_only_on_free_tier_rows_and_leading_tiers(tmp_path: Path) -> None:
    def leading_zero(offer: dict[str, Any]) -> None:
        (sku,) = skus(offer, "us-east-1", "Lambda-Edge-GB-Second")
        (term,) = offer["terms"]["OnDemand"][sku].values()
        (paid,) = term["priceDimensions"].values()
        free = json.loads(json.dumps(paid))
        free.update(rateCode=f"{sku}.JRTCKXETXF.FREE000000", endRange="1000", pricePerUnit={"USD": "0.0000000000"})
        paid["beginRange"] = "1000"
        term["priceDimensions"][free["rateCode"]] = free

    result, regions = import_edited(
        tmp_path, set_price("eu-west-1", "EU-Lambda-Edge-Request", "0.0000000000"), leading_zero
    )
    assert regions["us-east-1"]["edge"] == {"requests_per_million": "0.6", "gb_second": "0.00005001"}
    assert "edge" not in regions["eu-west-1"]  # half of Edge is not enough for a region without Edge rates
    assert (
        "AWS-Lambda-Edge-Requests, usagetype EU-Lambda-Edge-Request, unit Request: priced at 0 and not a "
        "free-tier row (1 price dimension)"
    ) in result.unmapped
    assert (
        "AWS-Lambda-Edge-Duration, usagetype EU-Lambda-Edge-GB-Second, unit Lambda-GB-Second: eu-west-1: "
        "Lambda@Edge needs both a request and a duration rate (1 price dimension)"
    ) in result.unmapped
    assert not any("Global-" in item for item in result.unmapped)


def test_a_new_region_is_imported_only_when_complete(tmp_path: Path, pricing_dir: Path) -> None:
    def rename(offer: dict[str, Any]) -> None:
        for product in offer["products"].values():
            if product["attributes"].get("regionCode") == "eu-west-1":
                product["attributes"]["regionCode"] = "il-central-1"
                product["attributes"]["location"] = "Israel (Tel Aviv)"

    complete = import_offer(edited_offer(tmp_path, rename), TableCatalog(pricing_dir))
    assert complete.regions == ("il-central-1", "us-east-1")
    write_imported(complete, pricing_dir)
    table = TableCatalog(pricing_dir).resolve("2025-08-01").table
    assert table.regions["il-central-1"].ephemeral_storage == Decimal("0.0000000340")
    # The rates offers never carry are copies of us-east-1's, and the table says so for the new region alone.
    [copied] = [entry for entry in table.derived if "il-central-1" in entry.regions]
    assert (copied.regions, copied.of_region) == (("il-central-1",), "us-east-1")
    assert copied.rates == ("related.sqs_requests_per_million", "related.sns_requests_per_million",
                            "related.cloudwatch_logs_ingestion_per_gb")
    lacking, _ = import_edited(
        tmp_path, rename, drop("il-central-1", "EU-Lambda-Storage-GB-Second", "EU-Lambda-Storage-GB-Second-ARM")
    )
    assert lacking.regions == ("us-east-1",)
    assert (
        "region il-central-1: not in the base version 2022-08-01 and the offer lacks ephemeral storage, so it is "
        "not imported"
    ) in lacking.unmapped


def test_without_free_tier_rows_the_free_tier_is_inherited(tmp_path: Path) -> None:
    result, _ = import_edited(tmp_path, drop(None, "Global-Request", "Global-Lambda-GB-Second"))
    assert not result.free_tier
    assert "free_tier" not in yaml.safe_load(result.text)
    assert "the free tier is inherited from 2022-08-01" in result.text


def test_odd_products_are_reported_not_fatal(tmp_path: Path) -> None:
    def odd(offer: dict[str, Any]) -> None:
        (sku,) = skus(offer, "eu-west-1", "EU-Lambda-Edge-GB-Second")
        offer["products"][sku]["attributes"].update(locationType="AWS Local Zone")
        (sku,) = skus(offer, "eu-west-1", "EU-Lambda-Edge-Request")
        offer["terms"]["OnDemand"][sku] = "not a term"
        offer["products"]["BROKEN"] = ["not", "a", "product"]
        offer["version"] = "2025\n08"

    result, regions = import_edited(tmp_path, odd)
    assert "edge" not in regions["eu-west-1"]
    assert (
        "AWS-Lambda-Edge-Duration, usagetype EU-Lambda-Edge-GB-Second, unit Lambda-GB-Second: not an AWS Region "
        "with a region code (regionCode 'eu-west-1', location 'EU (Ireland)', locationType 'AWS Local Zone') "
        "(1 price dimension)"
    ) in result.unmapped
    assert (
        "AWS-Lambda-Edge-Requests, usagetype EU-Lambda-Edge-Request, unit (none): no on-demand price "
        "(1 price dimension)"
    ) in result.unmapped
    assert "(no group), usagetype (none), unit (none): no on-demand price (1 price dimension)" in result.unmapped
    assert "# (AWS Price List offer AWSLambda, version 2025\\n08, published" in result.text


def test_a_non_lambda_offer_is_refused(tmp_path: Path) -> None:
    def s3(offer: dict[str, Any]) -> None:
        offer["offerCode"] = "AmazonS3"

    with pytest.raises(PricingError, match="not an AWS Lambda offer file") as caught:
        import_offer(edited_offer(tmp_path, s3), TableCatalog())
    assert caught.value.exit_code == EXIT_INPUT
    (problem,) = caught.value.problems
    assert problem.message == "the offer of 'AmazonS3', not of AWS Lambda" and problem.line is not None


def test_text_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.json"
    path.write_text("formatVersion: v1.0\n")
    with pytest.raises(InputError, match=r"index\.json: not JSON") as caught:
        import_offer(path, TableCatalog())
    assert caught.value.exit_code == EXIT_INPUT
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "a value is missing, or is not JSON (text in double quotes, no trailing comma)"
    with pytest.raises(InputError, match="no such file"):
        import_offer(tmp_path / "missing.json", TableCatalog())


def test_an_offer_with_nothing_to_map_is_refused(tmp_path: Path) -> None:
    def empty(offer: dict[str, Any]) -> None:
        keep = skus(offer, "us-east-1", "Lambda-Managed-Instances-Request")
        offer["products"] = {sku: offer["products"][sku] for sku in keep}
        offer["terms"]["OnDemand"] = {sku: offer["terms"]["OnDemand"][sku] for sku in keep}

    with pytest.raises(PricingError, match="no product of the offer could be mapped"):
        import_offer(edited_offer(tmp_path, empty), TableCatalog())


def test_the_fixtures_follow_the_offer_file_format() -> None:
    for path in (ALL_REGIONS, ONE_REGION):
        offer = json.loads(path.read_text())
        assert list(offer)[:5] == ["formatVersion", "disclaimer", "offerCode", "version", "publicationDate"]
        assert (offer["formatVersion"], offer["offerCode"]) == ("v1.0", "AWSLambda")
        for sku, product in offer["products"].items():
            assert product["sku"] == sku and product["productFamily"] == "Serverless"
            (term_key,) = offer["terms"]["OnDemand"][sku]
            term = offer["terms"]["OnDemand"][sku][term_key]
            assert term_key == f"{sku}.JRTCKXETXF" and term["sku"] == sku
            for rate_code, dimension in term["priceDimensions"].items():
                assert rate_code.startswith(f"{term_key}.") and dimension["rateCode"] == rate_code
                assert isinstance(dimension["pricePerUnit"]["USD"], str)
