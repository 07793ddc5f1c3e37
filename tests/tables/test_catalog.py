"""Pricing tables: the shipped versions, `extends` resolution, digests, and damaged tables."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from lambda_cost.errors import PricingError, TableError
from lambda_cost.tables.catalog import TableCatalog, _table_files, bundled_pricing_dir

REFERENCE_REGIONS = {
    "us-east-1", "us-east-2", "us-west-2", "us-west-1", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4", "ap-southeast-5", "ap-south-1",
    "ap-east-1", "me-south-1", "af-south-1", "me-central-1",
}


def test_every_shipped_table_resolves_and_names_its_sources() -> None:
    catalog = TableCatalog()
    assert catalog.versions[0] == "2014-11-13"
    for version in catalog.versions:
        table = catalog.resolve(version).table
        assert table.version == version
        assert str(table.effective) == version
        assert table.sources and table.notes


def test_latest_table_covers_every_region_of_the_reference() -> None:
    table = TableCatalog().select("latest").table
    assert set(table.regions) >= REFERENCE_REGIONS
    us = table.regions["us-east-1"]
    assert us.requests_per_million == Decimal("0.20")
    assert [t.price for t in us.duration["x86_64"]] == [Decimal(p) for p in ("0.0000166667", "0.0000150000",
                                                                              "0.0000133334")]
    assert [t.price for t in us.duration["arm64"]] == [Decimal(p) for p in ("0.0000133334", "0.0000120001",
                                                                             "0.0000106667")]
    assert [t.up_to for t in us.duration["arm64"]] == [Decimal(7_500_000_000), Decimal(18_750_000_000), None]
    assert us.ephemeral_storage == Decimal("0.0000000309")


def test_launch_table_has_100ms_billing_and_no_arm64() -> None:
    table = TableCatalog().resolve("2014-11-13").table
    assert table.billing.duration_granularity_ms == 100
    assert table.billing.architectures == ("x86_64",)
    assert table.regions["us-east-1"].duration["x86_64"][0].price == Decimal("0.00001667")
    assert table.billing.memory_mb.max == 3008


def test_digest_is_stable_and_differs_between_versions() -> None:
    first, second = TableCatalog(), TableCatalog()
    assert first.select(None).sha256 == second.select("latest").sha256
    assert first.resolve("2014-11-13").sha256 != first.resolve("2020-12-01").sha256


def copy_tables(tmp_path: Path) -> Path:
    target = tmp_path / "pricing"
    shutil.copytree(bundled_pricing_dir(), target)
    return target


def test_sources_accumulate_along_the_chain(tmp_path: Path) -> None:
    catalog = TableCatalog()
    launch = catalog.resolve("2014-11-13").table
    latest = catalog.select("latest").table
    assert set(launch.sources) <= set(latest.sources)
    assert len(latest.sources) > len(launch.sources)


def test_a_damaged_table_names_the_file_and_the_field(tmp_path: Path) -> None:
    directory = copy_tables(tmp_path)
    path = directory / "2020-12-01.yaml"
    path.write_text(path.read_text().replace("duration_granularity_ms: 1", "duration_granularity_ms: -5"))
    with pytest.raises(TableError) as caught:
        TableCatalog(directory).resolve("2020-12-01")
    assert "2020-12-01.yaml" in caught.value.message
    assert any("duration_granularity_ms" in p.dotted_path for p in caught.value.problems)


def test_unordered_tiers_are_refused(tmp_path: Path) -> None:
    directory = copy_tables(tmp_path)
    (directory / "2030-01-01.yaml").write_text(
        'version: "2030-01-01"\neffective: 2030-01-01\nextends: "2022-08-01"\nsummary: broken\n'
        "regions:\n  us-east-1:\n    duration:\n      x86_64:\n"
        '        - {up_to: 9, price: "1"}\n        - {up_to: 5, price: "1"}\n        - {price: "1"}\n'
    )
    with pytest.raises(TableError) as caught:
        TableCatalog(directory).select("latest")
    assert "tier bounds must increase" in "\n".join(p.message for p in caught.value.problems)


def test_a_version_must_match_its_file_name(tmp_path: Path) -> None:
    directory = copy_tables(tmp_path)
    (directory / "2030-01-01.yaml").write_text('version: "2031-01-01"\neffective: 2030-01-01\nextends: "2022-08-01"\n')
    with pytest.raises(TableError) as caught:
        TableCatalog(directory).select("2030-01-01")
    problem = caught.value.problems[0]  # then: summary is missing
    assert (problem.line, problem.path, problem.message) == (1, ("version",), "says version '2031-01-01', not its "
                                                             "file's name")
    assert problem.hint == "a table's version is its file name: version: '2030-01-01'"


def test_extending_a_newer_or_unknown_version_is_refused(tmp_path: Path) -> None:
    directory = copy_tables(tmp_path)
    (directory / "2015-01-01.yaml").write_text('version: "2015-01-01"\neffective: 2015-01-01\nextends: "2022-08-01"\n')
    with pytest.raises(TableError) as caught:
        TableCatalog(directory).resolve("2015-01-01")
    assert "takes effect later" in caught.value.problems[0].message
    (directory / "2016-01-01.yaml").write_text('version: "2016-01-01"\neffective: 2016-01-01\nextends: "2000-01-01"\n')
    with pytest.raises(TableError) as caught:
        TableCatalog(directory).resolve("2016-01-01")
    assert "extends unknown version '2000-01-01'" in caught.value.problems[0].message


def test_unknown_version() -> None:
    with pytest.raises(PricingError, match="unknown pricing version"):
        TableCatalog().select("1999-01-01")


def test_table_files_are_what_the_two_globs_give(tmp_path: Path) -> None:
    """catalog lists a directory once (os.scandir) instead of globbing it twice: the same files, in the same order."""
    for name in ("b.yml", "a.yaml", ".yaml", ".hidden.yaml", "c.YAML", "x.yaml.bak", "B.yaml", "a.yml", "notes.txt"):
        (tmp_path / name).write_text("")
    (tmp_path / "dir.yaml").mkdir()
    globbed = sorted([*tmp_path.glob("*.yaml"), *tmp_path.glob("*.yml")])
    assert _table_files(tmp_path) == globbed
    assert _table_files(bundled_pricing_dir()) == sorted(bundled_pricing_dir().glob("*.yaml"))
