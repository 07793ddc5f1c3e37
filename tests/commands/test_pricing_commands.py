"""Pricing selection by version and date, private tables and overlays, and the `pricing` commands."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ACME_OVERLAY as DISCOUNT
from conftest import FIXTURES, estimate_text, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import PricingError
from lambda_cost.tables.catalog import TableCatalog, bundled_pricing_dir

runner = CliRunner()
CLASSIC = function("classic", 512, 1000, invocations=[{"type": "sync", "per_month": 3_000_000}])


def test_the_classic_example_as_of_2019_and_today() -> None:
    # AWS: $18.74 before December 2020, $18.73 at today's rate.
    assert estimate_text(workload_yaml(CLASSIC), as_of=_date("2019-06-01")).total == Decimal("18.737")
    assert estimate_text(workload_yaml(CLASSIC, as_of="2019-06-01")).total == Decimal("18.737")
    assert estimate_text(workload_yaml(CLASSIC)).total == Decimal("18.73337")


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_as_of_picks_the_version_in_force() -> None:
    catalog = TableCatalog()
    assert catalog.select(as_of=_date("2014-12-01")).version == "2014-11-13"
    assert catalog.select(as_of=_date("2017-12-17")).version == "2017-07-17"  # Lambda@Edge's launch
    assert catalog.select(as_of=_date("2019-12-02")).version == "2018-12-11"  # eu-north-1 opens
    assert catalog.select(as_of=_date("2020-11-30")).version == "2019-12-03"  # provisioned concurrency
    assert catalog.select(as_of=_date("2020-12-01")).version == "2020-12-01"
    assert catalog.select(as_of=_date("2030-01-01")).version == catalog.versions[-1]
    with pytest.raises(PricingError, match="no pricing table was in force on 2010-01-01"):
        catalog.select(as_of=_date("2010-01-01"))


def test_pricing_and_as_of_together_are_an_error() -> None:
    with pytest.raises(PricingError) as caught:
        estimate_text(workload_yaml(CLASSIC, pricing="2020-12-01", as_of="2019-01-01"))
    assert caught.value.problems[0].render().startswith("test.yaml:")
    assert "both a pricing version" in caught.value.problems[0].message


def test_command_line_as_of(write: Any) -> None:
    path = write("w.yaml", workload_yaml(CLASSIC))
    result = runner.invoke(app, ["estimate", path, "--as-of", "2019-06-01", "-f", "json"])
    document = json.loads(result.stdout)
    assert (document["total"], document["pricing"]["version"]) == ("18.737", "2018-12-11")
    bad = runner.invoke(app, ["estimate", path, "--as-of", "June 2019"])
    assert bad.exit_code == 2 and "--as-of takes a date as YYYY-MM-DD" in bad.stderr




@pytest.fixture
def private_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "private"
    directory.mkdir()
    (directory / "acme-2025.yaml").write_text(DISCOUNT)
    return directory


def test_private_overlay_scales_a_public_version(private_dir: Path) -> None:
    catalog = TableCatalog(private=[private_dir])
    table = catalog.select("acme-2025").table
    assert table.regions["us-east-1"].duration["x86_64"][0].price == Decimal("0.0000166667") * Decimal("0.92")
    assert table.regions["us-east-1"].requests_per_million == Decimal("0.20")
    # the public table it extends is unchanged
    assert catalog.select("2022-08-01").table.regions["us-east-1"].duration["x86_64"][0].price == Decimal(
        "0.0000166667")
    # ordered by effective date among the shipped versions
    assert catalog.versions.index("2024-11-22") < catalog.versions.index("acme-2025") < catalog.versions.index(
        "2025-08-01")


def test_private_tables_from_the_command_line_and_the_environment(
    private_dir: Path, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("w.yaml", workload_yaml(CLASSIC, free_tier=False))
    flag = runner.invoke(app, ["estimate", path, "--pricing-dir", str(private_dir), "--pricing", "acme-2025",
                               "-f", "json"])
    # 1.5M GB-s x $0.0000166667 x 0.92 + 3M x $0.0000002 = $23.000046 + $0.60
    assert json.loads(flag.stdout)["total"] == "23.600046"
    monkeypatch.setenv("LAMBDA_COST_PRICING_DIR", str(private_dir))
    env = runner.invoke(app, ["estimate", path, "--pricing", "acme-2025", "-f", "json"])
    assert json.loads(env.stdout)["total"] == "23.600046"


def test_a_private_table_may_not_shadow_a_shipped_one(tmp_path: Path) -> None:
    directory = tmp_path / "mine"
    directory.mkdir()
    shutil.copy(bundled_pricing_dir() / "2020-12-01.yaml", directory)
    result = runner.invoke(app, ["pricing", "list", "--pricing-dir", str(directory)])
    assert result.exit_code == 2
    assert "defined twice" in result.stderr


def test_pricing_list() -> None:
    result = runner.invoke(app, ["pricing", "list", "--format", "json"])
    assert result.exit_code == 0
    rows = {row["version"]: row for row in json.loads(result.stdout)}
    assert next(iter(rows)) == "2014-11-13"
    assert rows["2020-12-01"]["extends"] == "2019-12-03" and "1 ms" in rows["2020-12-01"]["summary"]
    table = runner.invoke(app, ["pricing", "list"])
    assert "2014-11-13" in table.stdout and "Launch pricing" in table.stdout


def test_pricing_show() -> None:
    result = runner.invoke(app, ["pricing", "show", "2014-11-13", "--region", "us-east-1", "--format", "json"])
    document = json.loads(result.stdout)
    assert list(document["regions"]) == ["us-east-1"]
    assert document["regions"]["us-east-1"]["duration"]["x86_64"][0]["price"] == "0.00001667"
    assert document["billing"]["duration_granularity_ms"] == 100
    assert len(document["sha256"]) == 64
    text = runner.invoke(app, ["pricing", "show", "latest", "--region", "eu-west-1"]).stdout
    assert "regions.eu-west-1.duration.arm64.tier_2.price" in text
    missing = runner.invoke(app, ["pricing", "show", "latest", "--region", "mars-1"])
    assert missing.exit_code == 2 and "no region 'mars-1'" in missing.stderr


def test_pricing_diff() -> None:
    result = runner.invoke(app, ["pricing", "diff", "2014-11-13", "2020-12-01", "--region", "us-east-1",
                                 "--format", "json"])
    changes = {c["key"]: c for c in json.loads(result.stdout)["changes"]}
    price = changes["regions.us-east-1.duration.x86_64.tier_1.price"]
    assert (price["from"], price["to"], price["change"]) == ("0.00001667", "0.0000166667", "-0.0000000033")
    assert changes["billing.duration_granularity_ms"]["to"] == 1
    assert "regions.us-east-1.requests_per_million" not in changes


def test_pricing_check_passes_on_the_shipped_tables() -> None:
    result = runner.invoke(app, ["pricing", "check"])
    assert result.exit_code == 0, result.stderr
    assert "pricing tables are valid" in result.stdout


def test_pricing_check_names_the_file_and_problem(tmp_path: Path) -> None:
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "broken-2030.yaml").write_text(
        'version: broken-2030\neffective: 2030-01-01\nextends: "2022-08-01"\nsummary: broken\n'
        "regions:\n  us-east-1:\n    requests_per_million: -1\n"
    )
    (directory / "gap-2031.yaml").write_text(
        'version: gap-2031\neffective: 2031-01-01\nextends: "2022-08-01"\nsummary: gap\n'
        "regions:\n  us-east-1:\n    esm_provisioned_epu_hour: {kafka: '0.185'}\n"
        "  us-west-2:\n    esm_provisioned_epu_hour: {kafka: '0.185'}\n"
    )
    result = runner.invoke(app, ["pricing", "check", "--pricing-dir", str(directory)])
    assert result.exit_code == 2
    assert ("broken-2030.yaml:7:5: regions.us-east-1.requests_per_million: -1 is too small: requests_per_million "
            "takes a number of at least 0") in result.stderr
    assert "region eu-west-1 lacks esm_provisioned_epu_hour" in result.stderr


def test_pricing_import_command(tmp_path: Path) -> None:
    offer = FIXTURES / "offers" / "AWSLambda-all-regions.json"
    target = tmp_path / "tables"
    target.mkdir()
    args = ["pricing", "import", str(offer), "--pricing-dir", str(target), "--effective", "2030-01-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "wrote pricing version 2030-01-01" in result.stdout
    assert "not mapped: AWS-Lambda-Managed-Instances" in result.stderr
    written = (target / "2030-01-01.yaml").read_text()
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert (target / "2030-01-01.yaml").read_text() == written
    shown = runner.invoke(app, ["pricing", "show", "2030-01-01", "--pricing-dir", str(target), "-f", "json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["regions"]["us-east-1"]["requests_per_million"] == "0.2"
    nowhere = runner.invoke(app, ["pricing", "import", str(offer)], env={"LAMBDA_COST_PRICING_DIR": ""})
    assert nowhere.exit_code == 2 and "--pricing-dir" in nowhere.stderr


def test_an_unquoted_version_is_read_as_its_text(write: Any) -> None:
    path = write("w.yaml", "version: 1\npricing: 2020-12-01\n" + workload_yaml(CLASSIC).split("\n", 1)[1])
    result = runner.invoke(app, ["estimate", path, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pricing"]["version"] == "2020-12-01"
