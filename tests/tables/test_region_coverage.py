"""Every Lambda region priced or named, priced from when it opened; `derived:` rates and `pricing check`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import estimate_text, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import PricingError, TableError
from lambda_cost.tables.catalog import TableCatalog

runner = CliRunner()

# The Regions where the AWS SDK has endpoints for the lambda service (botocore 1.44.8, botocore/data/endpoints.json):
# the aws partition, GovCloud (aws-us-gov), China (aws-cn) and the European Sovereign Cloud (aws-eusc). The
# isolated ISO partitions have no public prices and are left out.
LAMBDA_REGIONS = {
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
    "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1", "eusc-de-east-1",
}
# Regions that opened after Lambda's launch, each priced from the version dated the day it opened (Osaka: the day it
# opened to all as a full Region). From 2016-06-27 on, AWS's SDK endpoint data (botocore) dates most of them.
OPENED = {"ap-northeast-2": "2016-01-06", "ap-south-1": "2016-06-27", "us-east-2": "2016-10-17",
          "ca-central-1": "2016-12-08", "eu-west-2": "2016-12-13", "eu-west-3": "2017-12-18",
          "eu-north-1": "2018-12-11", "ap-northeast-3": "2021-03-01", "me-central-1": "2022-08-30",
          "eu-central-2": "2022-11-09", "ap-southeast-4": "2023-01-23", "ap-southeast-5": "2024-08-22"}


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"LAMBDA_COST_PRICING_DIR": ""})


def overlay(version: str, body: str) -> str:
    """A private table of 2031 extending the newest shipped version, with `body` (YAML) added."""
    return f'version: {version}\neffective: 2031-01-01\nextends: "2025-11-14"\nsummary: a test table\n{body}'


def check_with(tmp_path: Path, version: str, body: str) -> Any:
    """`pricing check` of the shipped tables and one overlay."""
    return invoke("pricing", "check", "--pricing-dir", str(tables_with(tmp_path, **{version: overlay(version, body)})))


def tables_with(tmp_path: Path, **files: str) -> Path:
    """A directory of private tables (version id -> YAML text), read beside the shipped ones."""
    directory = tmp_path / "mine"
    directory.mkdir()
    for version, text in files.items():
        (directory / f"{version}.yaml").write_text(text)
    return directory


# --- coverage ------------------------------------------------------------------------------------------------


def test_every_region_that_offers_lambda_is_priced_or_named_with_its_reason() -> None:
    latest = TableCatalog().select("latest").table
    assert set(latest.regions) | set(latest.unpriced_regions) == LAMBDA_REGIONS
    assert len(latest.regions) == 25 and not set(latest.regions) & set(latest.unpriced_regions)
    assert "CNY" in latest.unpriced_regions["cn-north-1"]
    assert "EUR" in latest.unpriced_regions["eusc-de-east-1"]


def test_pricing_check_finds_every_rate_every_region_needs_in_the_shipped_tables() -> None:
    result = invoke("pricing", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{len(TableCatalog().versions)} pricing tables are valid")
    latest = TableCatalog().select("latest").table
    needed = set(latest.required_rates())
    assert {"provisioned_concurrency.arm64", "snapstart.restore_gb", "esm_provisioned_epu_hour.sqs",
            "response_streaming_per_gb", "duration.arm64.tier_1.price", "durable.operations_per_million"} <= needed


def test_pricing_check_names_the_table_the_region_and_each_missing_rate(tmp_path: Path) -> None:
    # A region added with only on-demand rates, in a version that bills provisioned concurrency, SnapStart...
    result = check_with(tmp_path, "gap-2031", (
        "regions:\n  xx-test-1:\n    requests_per_million: '0.20'\n    ephemeral_storage: '0.0000000309'\n"
        "    duration:\n      x86_64: [{price: '0.0000166667'}]\n      arm64: [{price: '0.0000133334'}]\n"
    ))
    assert result.exit_code == 2
    assert (f"{tmp_path / 'mine' / 'gap-2031.yaml'}: regions.xx-test-1.provisioned_concurrency: pricing table "
            "gap-2031: region xx-test-1 has no rate provisioned_concurrency.arm64, which arm64 provisioned "
            "concurrency needs") in result.stderr
    for rate in ("provisioned_duration.x86_64", "snapstart.cache_gb_second", "response_streaming_per_gb",
                 "esm_provisioned_epu_hour.kafka", "esm_provisioned_epu_hour.sqs"):
        assert f"region xx-test-1 has no rate {rate}," in result.stderr
    # Related-service rates are no billed dimension: the check still asks for them, as every other region has them.
    assert "region xx-test-1 lacks related, which other regions of gap-2031 have" in result.stderr
    assert "10 problems in the price tables" in result.stderr


# --- regions priced from when they opened --------------------------------------------------------------------


@pytest.mark.parametrize(("region", "opened"), sorted(OPENED.items()))
def test_a_region_joins_the_tables_on_the_day_it_opened(region: str, opened: str) -> None:
    catalog = TableCatalog()
    first = catalog.first_version_with(lambda table: region in table.regions)
    assert first is not None and first.version == opened
    day_before = dt.date.fromisoformat(opened) - dt.timedelta(days=1)
    assert region not in catalog.select(as_of=day_before).table.regions


def test_as_of_before_a_region_opened_refuses_it_naming_when_it_is_priced(write: Any) -> None:
    path = write("w.yaml", workload_yaml(function(), region="ap-southeast-5"))
    result = invoke("estimate", path, "--as-of", "2024-08-21")
    assert result.exit_code == 2
    assert ("functions[0]: pricing version 2023-04-06 has no rates for region 'ap-southeast-5'" in result.stderr
            or "region: pricing version 2023-04-06 has no rates for region 'ap-southeast-5'" in result.stderr)
    assert ("ap-southeast-5 is priced from pricing version 2024-08-22 (effective 2024-08-22), when it opened; "
            "choose that date or later") in result.stderr
    assert invoke("estimate", path, "--as-of", "2024-08-22").exit_code == 0


def test_an_overlay_of_a_version_older_than_the_region_says_which_version_to_extend(tmp_path: Path,
                                                                                   write: Any) -> None:
    directory = tables_with(tmp_path, **{"acme-2031": overlay("acme-2031", "").replace('"2025-11-14"',
                                                                                       '"2022-08-01"')})
    path = write("w.yaml", workload_yaml(function(), region="eu-central-2"))
    result = invoke("estimate", path, "--pricing-dir", str(directory))
    assert result.exit_code == 2
    assert ("eu-central-2 is priced from pricing version 2022-11-09 on, which acme-2031 does not extend; extend that "
            "version or a later one") in result.stderr


def test_a_region_no_table_can_price_is_refused_with_the_reason() -> None:
    text = workload_yaml(function(region="il-central-1"))
    with pytest.raises(PricingError) as raised:
        estimate_text(text)
    hint = raised.value.problems[0].hint or ""
    assert hint.startswith("il-central-1 is not priced: AWS offers Lambda in Israel (Tel Aviv) (AWS's SDK lists its "
                           "endpoint from 2023-08-01), but no source read gives its rates")
    with pytest.raises(PricingError) as china:
        estimate_text(workload_yaml(function(region="cn-north-1")))
    assert china.value.problems[0].hint == ("cn-north-1 is not priced: China (Beijing) bills in CNY, and lambda-cost "
                                             "prices in USD only")


@pytest.mark.parametrize("region", sorted(set(OPENED) - {"ap-northeast-2"}))
def test_the_version_that_adds_a_region_names_the_sdk_release_that_dates_it(region: str) -> None:
    # Seoul is in AWS's SDK data from before it opened, so no release dates it.
    table = TableCatalog().resolve(OPENED[region]).table
    releases = [source for source in table.sources
                if "botocore" in source.url and OPENED[region][:4] in source.title and region in source.title]
    assert releases, f"{OPENED[region]} names no botocore release listing {region}"


def test_the_unpriced_regions_say_when_the_sdk_lists_lambda_there_and_what_is_sourced() -> None:
    reasons = TableCatalog().select("latest").table.unpriced_regions
    dated = {region: reason for region, reason in reasons.items() if "SDK lists its endpoint from" in reason}
    assert set(dated) == set(reasons) - {"cn-north-1", "cn-northwest-1", "eusc-de-east-1"}
    assert "(AWS's SDK lists its endpoint from 2021-12-13), but only its x86 and arm64 duration" in dated[
        "ap-southeast-3"]
    assert "from 2018-11-13), but only its x86 duration rate is sourced" in dated["us-gov-east-1"]


def test_the_pre_2020_duration_outside_us_east_1_is_derived_from_the_2016_price_list_where_it_prices_them() -> None:
    table = TableCatalog().resolve("2018-12-11").table
    reasons = {region: entry.why for entry in table.derived if entry.rates == ("duration.x86_64.tier_1.price",)
               for region in entry.regions}
    for region in ("us-west-1", "sa-east-1", "ap-northeast-2", "ap-south-1", "us-east-2"):
        assert reasons[region].startswith("AWS's price list of 2016-12-07 gives"), region
    # Regions that opened after that price list was published keep the older reason.
    for region in ("ca-central-1", "eu-west-2", "eu-west-3", "eu-north-1"):
        assert "confirmed for us-east-1 only" in reasons[region], region


# --- exact estimates in the regions that opened later, from their rates --------------------------------------


def test_ap_southeast_5_on_the_day_it_opened() -> None:
    # Requests $0.18/1M, arm64 $0.0000120000 per GB-s, storage $0.0000000333 per GB-s (Pricing Calculator data).
    # Requests (10M - 1M free) x $0.18/1M = $1.62. Duration 10M x 0.2 s x 2 GB = 4M GB-s - 0.4M free = 3.6M
    # x $0.000012 = $43.20. Storage 2M s x (1024 - 512)/1024 GB = 1M GB-s x $0.0000000333 = $0.0333.
    fn = function(memory_mb=2048, duration_ms=200, architecture="arm64", ephemeral_storage_mb=1024,
                  invocations=[{"type": "sync", "per_month": 10_000_000}])
    estimate = estimate_text(workload_yaml(fn, region="ap-southeast-5", as_of="2024-08-22"))
    assert estimate.pricing.version == "2024-08-22"
    assert estimate.total == Decimal("44.8533")


def test_eu_central_2_on_the_day_it_opened() -> None:
    # AWS's mobile-backend example moved to Zurich: 3M requests of 120 ms at 1536 MB. 540,000 GB-s - 400,000 free
    # = 140,000 x $0.0000183334 = $2.566676; (3M - 1M free) x $0.22/1M = $0.44. Total $3.006676.
    fn = function(memory_mb=1536, duration_ms=120, invocations=[{"type": "sync", "per_month": 3_000_000}])
    estimate = estimate_text(workload_yaml(fn, region="eu-central-2", as_of="2022-11-09"))
    assert estimate.pricing.version == "2022-11-09"
    assert estimate.total == Decimal("3.006676")


def test_ap_southeast_4_on_the_day_the_sdk_first_lists_it() -> None:
    # AWS's mobile-backend example in Melbourne: 3M requests of 120 ms at 1536 MB. 540,000 GB-s - 400,000 free
    # = 140,000 x $0.0000166667 = $2.333338; (3M - 1M free) x $0.20/1M = $0.40. Total $2.733338.
    fn = function(memory_mb=1536, duration_ms=120, invocations=[{"type": "sync", "per_month": 3_000_000}])
    estimate = estimate_text(workload_yaml(fn, region="ap-southeast-4", as_of="2023-01-23"))
    assert estimate.pricing.version == "2023-01-23"
    assert estimate.total == Decimal("2.733338")


def test_me_central_1_provisioned_concurrency_at_the_rates_derived_from_me_south_1() -> None:
    # 10 units x 1 GB all month: 10 x 730 h x 3600 s = 26,280,000 GB-s x $0.0000051108 = $134.311824. The 1M
    # invocations of 100 ms need 100,000 s / 2,628,000 s = 0.04 of a unit: all served, 100,000 GB-s x $0.0000119251
    # = $1.19251. Requests 1M x $0.25/1M = $0.25 (no free tier). Total $135.754334.
    fn = function(provisioned_concurrency={"units": 10, "hours_per_month": 730})
    estimate = estimate_text(workload_yaml(fn, region="me-central-1", as_of="2022-08-30", free_tier=False))
    assert estimate.pricing.version == "2022-08-30"
    assert estimate.total == Decimal("135.754334")
    table = TableCatalog().resolve("2022-08-30").table
    derived = {(rate, region) for entry in table.derived for rate in entry.rates for region in entry.regions
               if entry.of_region == "me-south-1"}
    assert {("provisioned_concurrency.x86_64", "me-central-1"), ("requests_per_million", "me-central-1")} <= derived


# --- derived rates -------------------------------------------------------------------------------------------


def test_every_rate_outside_us_east_1_that_is_not_sourced_is_named_derived() -> None:
    table = TableCatalog().select("latest").table
    derived = {(region, rate) for entry in table.derived for region in entry.regions for rate in entry.rates}
    assert ("eu-south-1", "duration.x86_64.tier_2.price") in derived
    assert ("sa-east-1", "provisioned_concurrency.arm64") in derived
    assert ("ap-southeast-5", "snapstart.restore_gb") in derived
    assert ("me-central-1", "ephemeral_storage") in derived
    # What is sourced is not marked: us-east-1's rates, tier 1 and x86 provisioned concurrency elsewhere. AWS
    # publishes no arm64 tenant isolation figure at all: that one is derived in us-east-1 too.
    assert not {pair for pair in derived if (pair[0] == "us-east-1" and pair[1] != "tenant_isolation.arm64")
                or pair[1].endswith("tier_1.price")}
    assert ("eu-central-2", "provisioned_concurrency.x86_64") not in derived


def test_a_derived_rate_that_does_not_hold_names_the_rate_region_and_expected_figure(tmp_path: Path) -> None:
    result = check_with(tmp_path, "wrong-2031", (
        "derived:\n  - rates: [provisioned_concurrency.arm64]\n    of_rate: provisioned_concurrency.x86_64\n"
        "    times: '0.7'\n    why: a wrong rule\n    regions: [us-east-2]\n"
    ))
    assert result.exit_code == 2
    assert ("wrong-2031.yaml: derived: pricing table wrong-2031: provisioned_concurrency.arm64 of region "
            "us-east-2 is 0.0000033334, but its derivation makes it 0.0000029167 (provisioned_concurrency.x86_64 "
            "of us-east-2 x 0.7: a wrong rule)") in result.stderr
    assert "1 problem in the price tables" in result.stderr


def test_a_derived_entry_must_name_rates_the_region_has(tmp_path: Path) -> None:
    typo = overlay("typo-2031", "derived:\n  - rates: [provisioned_concurency.arm64]\n    of_region: us-east-1\n"
                                "    why: typo\n    regions: [eu-west-1]\n")
    catalog = TableCatalog(private=[tables_with(tmp_path, **{"typo-2031": typo})])
    with pytest.raises(TableError) as raised:
        catalog.resolve("typo-2031")
    assert [problem.message for problem in raised.value.problems] == [
        "derived: region eu-west-1 has no rate provisioned_concurency.arm64"  # pydantic's "Value error, " is not ours
    ]


def test_a_rate_a_later_version_states_is_no_longer_derived(tmp_path: Path) -> None:
    # An imported offer (or a correction) that gives us-west-1's own tier rates: they come from that file's source.
    sourced = overlay("offer-2031", (
        "regions:\n  us-west-1:\n    duration:\n      x86_64:\n"
        "        - {up_to: 6000000000, price: '0.0000166667'}\n        - {up_to: 15000000000, price: '0.0000149000'}\n"
        "        - {price: '0.0000133000'}\n"
    ))
    directory = tables_with(tmp_path, **{"offer-2031": sourced})
    table = TableCatalog(private=[directory]).resolve("offer-2031").table
    derived = {(region, rate) for entry in table.derived for region in entry.regions for rate in entry.rates}
    assert ("us-west-1", "duration.x86_64.tier_2.price") not in derived
    assert ("us-west-1", "duration.arm64.tier_2.price") in derived  # not restated: still derived
    assert ("ca-central-1", "duration.x86_64.tier_2.price") in derived
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 0, result.stderr


def test_a_scaled_overlay_keeps_its_derivations_unchecked_to_the_digit(tmp_path: Path) -> None:
    # 8% off every duration rate: tier 2 x 0.92 is no longer tier 1 x 0.92 x 0.9 rounded to 10 places.
    result = check_with(tmp_path, "acme-2031", "scale: {duration: 0.92}\n")
    assert result.exit_code == 0, result.stderr


def test_pricing_show_lists_the_derived_rates_of_a_region() -> None:
    result = invoke("pricing", "show", "latest", "--region", "ap-southeast-5")
    assert result.exit_code == 0, result.stderr
    assert "Derived rates (computed, not sourced):" in result.stdout
    text = " ".join(result.stdout.split())
    assert ("provisioned_concurrency.arm64 = provisioned_concurrency.x86_64 x 0.8 in ap-southeast-5: arm64 is 20% "
            "below x86") in text
    assert "Regions AWS offers Lambda in" not in text  # one region asked for
    everything = " ".join(invoke("pricing", "show", "latest").stdout.split())
    assert "Regions AWS offers Lambda in that this version cannot price: - ap-east-2: AWS offers Lambda" in everything
