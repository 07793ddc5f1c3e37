"""the price tables as their users meet them: `pricing` commands, private directories, imports, digests."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ACME_OVERLAY as ACME
from conftest import FIXTURES, function, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import PricingError
from lambda_cost.tables.catalog import TableCatalog, bundled_pricing_dir

runner = CliRunner()
OFFERS = FIXTURES / "offers"
ALL_REGIONS = OFFERS / "AWSLambda-all-regions.json"
SHIPPED = TableCatalog().versions
NEWEST = SHIPPED[-1]  # the version an import of today extends, and `latest`



def directory_with(tmp_path: Path, name: str, **files: str) -> Path:
    """A directory of private tables, each given as file stem = YAML text."""
    directory = tmp_path / name
    directory.mkdir()
    for stem, text in files.items():
        (directory / f"{stem}.yaml").write_text(text)
    return directory


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, list(args), env={"LAMBDA_COST_PRICING_DIR": "", **(env or {})})


# --- pricing diff ----------------------------------------------------------------------------------------------


def test_pricing_diff_table_keeps_whole_keys_and_every_column_in_a_pipe() -> None:
    # Piped output is 100 columns wide. The keys were cut ("regions.af-south-1.esm_provisioned_epu_hou…" twice,
    # once for kafka and once for sqs) and the Change and % columns were cut away.
    result = invoke("pricing", "diff", "2022-08-01", "2025-11-14")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    header = next(line for line in lines if "Rate or rule" in line)
    assert header.split() == ["Rate", "or", "rule", "2022-08-01", "2025-11-14", "Change", "%"]
    assert "…" not in result.stdout
    start = lines.index("  regions.af-south-1:")
    assert lines[start + 1].split() == ["esm_provisioned_epu_hour.kafka", "—", "0.185"]
    assert lines[start + 2].split() == ["esm_provisioned_epu_hour.sqs", "—", "0.00925"]
    changed = invoke("pricing", "diff", "2014-11-13", "2020-12-01", "--region", "us-east-1").stdout.splitlines()
    row = changed[changed.index("  regions.us-east-1:") + 1:]
    assert ["duration.x86_64.tier_1.price", "0.00001667", "0.0000166667", "-0.0000000033", "-0.02%"] in [
        line.split() for line in row
    ]


def test_pricing_diff_of_a_region_only_one_version_has() -> None:
    # me-central-1 first appears in 2022-08-30, when it opened: its rates are added, not an error.
    added = invoke("pricing", "diff", "2014-11-13", "2022-08-30", "--region", "me-central-1", "-f", "json")
    assert added.exit_code == 0, added.stderr
    changes = {c["key"]: c for c in json.loads(added.stdout)["changes"]}
    assert changes["regions.me-central-1.requests_per_million"] == {
        "key": "regions.me-central-1.requests_per_million", "from": None, "to": "0.25", "change": None,
        "percent": None,
    }
    assert changes["regions.me-central-1.duration.x86_64.tier_1.price"]["to"] == "0.0000206667"
    assert all(key.startswith(("billing.", "free_tier.", "regions.me-central-1.", "currency")) for key in changes)
    removed = invoke("pricing", "diff", "2022-08-30", "2014-11-13", "--region", "me-central-1", "-f", "json")
    assert removed.exit_code == 0, removed.stderr
    back = {c["key"]: c for c in json.loads(removed.stdout)["changes"]}
    assert (back["regions.me-central-1.requests_per_million"]["from"],
            back["regions.me-central-1.requests_per_million"]["to"]) == ("0.25", None)
    neither = invoke("pricing", "diff", "2014-11-13", "2020-12-01", "--region", "mars-1")
    assert neither.exit_code == 2
    assert "neither 2014-11-13 nor 2020-12-01 has region 'mars-1'" in neither.stderr
    assert "af-south-1" in neither.stderr and "us-west-2" in neither.stderr


def test_pricing_diff_json_is_byte_identical_and_alone_on_stdout() -> None:
    first = invoke("pricing", "diff", "2014-11-13", "latest", "-f", "json")
    second = invoke("pricing", "diff", "2014-11-13", "latest", "-f", "json")
    assert first.exit_code == 0 and first.stdout == second.stdout and first.stderr == ""
    assert json.loads(first.stdout)["to"] == NEWEST


# --- choosing a version ----------------------------------------------------------------------------------------


CLASSIC = function("classic", 512, 1000, invocations=[{"type": "sync", "per_month": 3_000_000}])


def test_pricing_latest_and_as_of_together_are_an_error(write: Any) -> None:
    # `--pricing latest --as-of 2019-06-01` priced with 2017-07-17 and said nothing of `latest`.
    path = write("w.yaml", workload_yaml(CLASSIC))
    result = invoke("estimate", path, "--pricing", "latest", "--as-of", "2019-06-01")
    assert result.exit_code == 2
    assert "both a pricing version (latest) and a date (2019-06-01) were given" in result.stderr
    with pytest.raises(PricingError, match="both a pricing version"):
        TableCatalog().select("latest", as_of=__import__("datetime").date(2019, 6, 1))


def test_a_table_may_not_be_called_latest(tmp_path: Path) -> None:
    # `latest` names the newest version, so a table with that id could never be chosen.
    directory = directory_with(tmp_path, "mine", latest=ACME.replace("acme-2025", "latest"))
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 2
    assert f"{directory / 'latest.yaml'}: 'latest' names the newest version" in result.stderr


# --- private directories ---------------------------------------------------------------------------------------


def test_the_same_directory_named_twice_is_read_once(tmp_path: Path) -> None:
    # --pricing-dir and $LAMBDA_COST_PRICING_DIR naming the same directory said "acme-2025 is defined twice:
    # mine/acme-2025.yaml and mine/acme-2025.yaml"; so did --pricing-dir pricing/ in a checkout.
    directory = directory_with(tmp_path, "mine", **{"acme-2025": ACME})
    twice = invoke("pricing", "list", "-f", "json", "--pricing-dir", str(directory),
                   env={"LAMBDA_COST_PRICING_DIR": str(directory / ".." / "mine")})
    assert twice.exit_code == 0, twice.stderr
    versions = [row["version"] for row in json.loads(twice.stdout)]
    assert versions.count("acme-2025") == 1 and len(versions) == len(SHIPPED) + 1
    shipped = invoke("pricing", "check", "--pricing-dir", str(bundled_pricing_dir()))
    assert shipped.exit_code == 0, shipped.stderr
    assert shipped.stdout.startswith(f"{len(SHIPPED)} pricing tables are valid")


def test_a_pricing_dir_that_is_a_file_is_named_as_such(tmp_path: Path) -> None:
    table = directory_with(tmp_path, "mine", **{"acme-2025": ACME}) / "acme-2025.yaml"
    result = invoke("pricing", "list", "--pricing-dir", str(table))
    assert result.exit_code == 2
    assert f"pricing directory {table} is not a directory" in result.stderr


def test_a_negative_scale_is_one_problem_not_one_per_rate(tmp_path: Path) -> None:
    directory = directory_with(tmp_path, "mine", **{"acme-2025": ACME.replace("duration: 0.92", "duration: -0.92")})
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 2
    assert "1 problem in the price tables" in result.stderr
    assert ("acme-2025.yaml:9:3: scale.duration: a factor is a number from 0 to 1,000 with at most 60 significant "
            "digits, not -0.92" in result.stderr)


# --- the digest ------------------------------------------------------------------------------------------------


def test_the_digest_is_of_the_rates_not_of_how_the_file_spells_them(tmp_path: Path) -> None:
    # The same resolved table, its keys in another order, a price quoted or not, with trailing zeros or not.
    spelled = ACME + 'regions:\n  us-east-1:\n    requests_per_million: "0.10"\n'
    respelled = (
        "scale: {duration: 0.920}\nregions: {us-east-1: {requests_per_million: 0.1}}\n"
        "sources: [{url: 'https://example.com/contracts/aws-ppa', title: ACME-AWS private pricing addendum}]\n"
        "summary: ACME's private pricing addendum, 8% off duration\nextends: '2022-08-01'\n"
        "effective: 2025-01-01\nversion: acme-2025\n"
    )
    first = TableCatalog(private=[directory_with(tmp_path, "a", **{"acme-2025": spelled})]).resolve("acme-2025")
    second = TableCatalog(private=[directory_with(tmp_path, "b", **{"acme-2025": respelled})]).resolve("acme-2025")
    assert first.table == second.table
    assert first.sha256 == second.sha256
    # ... and any rate that changes changes it.
    cheaper = spelled.replace('"0.10"', '"0.0999999999"')
    third = TableCatalog(private=[directory_with(tmp_path, "c", **{"acme-2025": cheaper})]).resolve("acme-2025")
    assert third.sha256 != first.sha256
    rescaled = spelled.replace("duration: 0.92", "duration: 0.9200001")
    fourth = TableCatalog(private=[directory_with(tmp_path, "d", **{"acme-2025": rescaled})]).resolve("acme-2025")
    assert fourth.sha256 != first.sha256


def test_the_estimate_names_the_same_digest_from_any_directory(tmp_path: Path, write: Any) -> None:
    path = write("w.yaml", workload_yaml(CLASSIC, free_tier=False))
    digests = set()
    for name in ("one", "two"):
        directory = directory_with(tmp_path, name, **{"acme-2025": ACME})
        result = invoke("estimate", path, "--pricing", "acme-2025", "-f", "json", "--pricing-dir", str(directory))
        document = json.loads(result.stdout)
        # 1.5M GB-s x $0.0000166667 x 0.92 + 3M x $0.20 / 1M = $23.000046 + $0.60
        assert document["total"] == "23.600046"
        digests.add(document["pricing"]["sha256"])
    shown = invoke("pricing", "show", "acme-2025", "-f", "json", "--pricing-dir", str(tmp_path / "one"))
    assert digests == {json.loads(shown.stdout)["sha256"]}


# --- pricing import --------------------------------------------------------------------------------------------


def imported_into(tmp_path: Path, offer: Path = ALL_REGIONS, *options: str) -> tuple[Path, Any]:
    target = tmp_path / "tables"
    target.mkdir(exist_ok=True)
    result = invoke("pricing", "import", str(offer), "--pricing-dir", str(target), "--effective", "2030-01-01",
                    *options)
    return target, result


def test_an_imported_offer_passes_pricing_check_and_prices_a_workload(tmp_path: Path, write: Any) -> None:
    # The offer lists Lambda@Edge in us-east-1 and eu-west-1. Imported in both, the table failed `pricing check`
    # ("region us-east-2 lacks edge, which other regions of 2030-01-01 have", 23 times). Lambda@Edge functions
    # are created in us-east-1, where the tables list its rates: the others are reported, not imported.
    target, result = imported_into(tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (
        "  not mapped: AWS-Lambda-Edge-Requests, usagetype EU-Lambda-Edge-Request, unit Request: eu-west-1: "
        f"Lambda@Edge is priced only where {NEWEST} lists it (us-east-1), where its functions are created "
        "(1 price dimension)"
    ) in result.stderr.splitlines()
    checked = invoke("pricing", "check", "--pricing-dir", str(target))
    assert checked.exit_code == 0, checked.stderr
    table = TableCatalog(private=[target]).resolve("2030-01-01").table
    assert table.regions["eu-west-1"].edge is None
    assert table.regions["us-east-1"].edge is not None
    assert table.regions["us-east-1"].edge.requests_per_million == Decimal("0.6")
    path = write("w.yaml", workload_yaml(
        function("api", memory_mb=2048, duration_ms=200, invocations=[{"type": "sync", "per_month": 3_000_000}]),
        region="eu-west-1",
    ))
    estimate = invoke("estimate", path, "-f", "json", "--pricing-dir", str(target))
    document = json.loads(estimate.stdout)
    # (3M - 1M free) x $0.20 / 1M = $0.40; 3M x 0.2 s x 2 GB = 1.2M GB-s, (1.2M - 0.4M free) x $0.0000166667
    # = $13.33336.
    assert (document["pricing"]["version"], document["total"]) == ("2030-01-01", "13.73336")


def rename_region(source: Path, tmp_path: Path, old: str, new: str, *drop_usagetypes: str) -> Path:
    offer = json.loads(source.read_text())
    for sku, product in list(offer["products"].items()):
        attributes = product["attributes"]
        if attributes.get("regionCode") != old:
            continue
        if attributes["usagetype"] in drop_usagetypes:
            del offer["products"][sku], offer["terms"]["OnDemand"][sku]
            continue
        attributes.update(regionCode=new, location="Israel (Tel Aviv)")
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    return path


def test_a_region_new_in_the_offer_passes_pricing_check(tmp_path: Path) -> None:
    # A region the base lacks had no SnapStart, streaming, event-poller or related-service rates (offers carry
    # none), and `pricing check` refused the table. It takes the rate every region of the base has.
    offer = rename_region(ALL_REGIONS, tmp_path, "eu-west-1", "il-central-1")
    target, result = imported_into(tmp_path, offer)
    assert result.exit_code == 0, result.stderr
    assert "2 regions" in result.stdout
    checked = invoke("pricing", "check", "--pricing-dir", str(target))
    assert checked.exit_code == 0, checked.stderr
    catalog = TableCatalog(private=[target])
    new, base = catalog.resolve("2030-01-01").table.regions["il-central-1"], catalog.resolve(NEWEST).table
    assert new.snapstart == base.regions["us-east-1"].snapstart
    assert new.snapstart is not None and new.snapstart.restore_gb == Decimal("0.0001397998")
    assert new.response_streaming_per_gb == Decimal("0.008")
    assert new.esm_provisioned_epu_hour == {"kafka": Decimal("0.185"), "sqs": Decimal("0.00925")}
    assert new.related == base.regions["us-east-1"].related
    assert new.edge is None
    assert new.ephemeral_storage == Decimal("0.0000000340")
    notes = yaml.safe_load((target / "2030-01-01.yaml").read_text())["notes"]
    assert (
        "Regions new in this offer (il-central-1) take durable, esm_provisioned_epu_hour, related, "
        f"response_streaming_per_gb, snapstart, tenant_isolation from {NEWEST}, where every region has the same rate; "
        "offer files do not carry them."
    ) in notes


def test_a_new_region_without_provisioned_concurrency_is_not_imported(tmp_path: Path) -> None:
    offer = rename_region(ALL_REGIONS, tmp_path, "eu-west-1", "il-central-1",
                          "EU-Lambda-Provisioned-Concurrency", "EU-Lambda-Provisioned-Concurrency-ARM")
    target, result = imported_into(tmp_path, offer)
    assert result.exit_code == 0, result.stderr
    assert (
        f"  not mapped: region il-central-1: not in the base version {NEWEST} and the offer lacks "
        "provisioned concurrency, so it is not imported"
    ) in result.stderr.splitlines()
    assert "1 regions" not in result.stdout and "1 region" in result.stdout
    assert invoke("pricing", "check", "--pricing-dir", str(target)).exit_code == 0


def test_import_extends_a_private_table_by_its_date_not_its_name(tmp_path: Path) -> None:
    # `--extends acme-2025` (effective 2025-01-01) for a table of 2030 was refused as "not older": the ids
    # were compared as text, and "acme-2025" sorts after "2030-01-01".
    target = directory_with(tmp_path, "tables", **{"acme-2025": ACME})
    result = invoke("pricing", "import", str(ALL_REGIONS), "--pricing-dir", str(target), "--effective",
                    "2030-01-01", "--extends", "acme-2025")
    assert result.exit_code == 0, result.stderr
    assert "wrote pricing version 2030-01-01 (extends acme-2025)" in result.stdout
    later = directory_with(tmp_path, "later", **{"acme-2031": ACME.replace("acme-2025", "acme-2031").replace(
        "2025-01-01", "2031-01-01")})
    refused = invoke("pricing", "import", str(ALL_REGIONS), "--pricing-dir", str(later), "--effective",
                     "2030-01-01", "--extends", "acme-2031")
    assert refused.exit_code == 2
    assert "pricing version 2030-01-01 cannot extend acme-2031, which is not older" in refused.stderr



# --- how a private table writes its id and date -----------------------------------------------------------------


def test_a_table_named_by_its_date_may_write_its_version_unquoted(tmp_path: Path, write: Any) -> None:
    # `version: 2030-01-01` is a YAML date: it matched the file name, then failed as "Input should be a valid
    # string"; the workload's `pricing: 2030-01-01` has always been read as its text.
    unquoted = ACME.replace("version: acme-2025", "version: 2030-01-01").replace(
        "effective: 2025-01-01", "effective: 2030-01-01").replace('extends: "2022-08-01"', "extends: 2022-08-01")
    directory = directory_with(tmp_path, "mine", **{"2030-01-01": unquoted})
    assert invoke("pricing", "check", "--pricing-dir", str(directory)).exit_code == 0
    path = write("w.yaml", workload_yaml(CLASSIC, free_tier=False, pricing="2030-01-01"))
    result = invoke("estimate", path, "-f", "json", "--pricing-dir", str(directory))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"] == "23.600046"


def test_an_effective_date_may_be_quoted_but_not_a_timestamp(tmp_path: Path) -> None:
    quoted = directory_with(tmp_path, "quoted", **{"acme-2025": ACME.replace("2025-01-01", '"2025-01-01"')})
    catalog = TableCatalog(private=[quoted])
    assert catalog.resolve("acme-2025").table.effective.isoformat() == "2025-01-01"
    assert catalog.resolve("acme-2025").sha256 == TableCatalog(
        private=[directory_with(tmp_path, "plain", **{"acme-2025": ACME})]).resolve("acme-2025").sha256
    # A timestamp could not be compared with the other tables' dates: internal error, exit 3, for every command.
    stamped = directory_with(tmp_path, "stamped", **{"acme-2025": ACME.replace("2025-01-01", "2025-01-01 00:00:00")})
    for command in (("pricing", "check"), ("pricing", "list")):
        result = invoke(*command, "--pricing-dir", str(stamped))
        assert result.exit_code == 2, result.stderr
        assert (f"{stamped / 'acme-2025.yaml'}:2:1: effective: found the timestamp 2025-01-01 00:00:00; effective "
                "is a date (write it as YYYY-MM-DD)") in result.stderr
    missing = directory_with(tmp_path, "missing", **{"acme-2025": ACME.replace("effective: 2025-01-01\n", "")})
    result = invoke("pricing", "check", "--pricing-dir", str(missing))
    assert result.stderr.splitlines() == ["error: 1 problem in the price tables",  # said once, not again by the schema
                                          f"  {missing / 'acme-2025.yaml'}:1:1: effective: required key is missing "
                                          "(add effective: YYYY-MM-DD, the day the table takes effect)"]


def test_a_date_given_as_a_version_names_the_version_in_force() -> None:
    result = invoke("pricing", "show", "2020-06-01")
    assert result.exit_code == 2
    assert "unknown pricing version '2020-06-01'" in result.stderr
    assert "on 2020-06-01 the version in force was 2019-12-03 (as_of: or --as-of pick one by date)" in result.stderr
    before = invoke("pricing", "diff", "2010-01-01", "latest")
    assert before.exit_code == 2 and "in force was" not in before.stderr


@pytest.mark.parametrize(("regions", "problem"), [
    ("  us-east-1:\n    duration:\n      x86_64: [{up_to: 6000000000, price: abc}, {price: '1'}]\n",
     "14:36: regions.us-east-1.duration.x86_64[0].price: found the text 'abc'; expected a number of at least 0 "
     "(for example price: '0.0000166667')"),
    ("  us-east-1:\n    duration: [1, 2]\n", "13:5: regions.us-east-1.duration: found a list of 2 items; expected a "
     "mapping"),
    ("  us-east-1:\n    duration:\n      x86_64: ['0.1']\n",
     "14:16: regions.us-east-1.duration.x86_64[0]: found the text '0.1'; expected a tier (a mapping with price)"),
    ("  us-east-1:\n    duration:\n      x86_64: [{up_to: 6000000000}, {price: '1'}]\n",
     "14:16: regions.us-east-1.duration.x86_64[0].price: required key is missing (add price: '0.0000166667')"),
    ("  us-east-1:\n    requests_per_million: [1]\n",
     "13:5: regions.us-east-1.requests_per_million: found a list of 1 item; expected a number of at least 0 (for "
     "example requests_per_million: '0.20')"),
    ("  us-east-1: 5\n", "12:3: regions.us-east-1: found the number 5; expected a region's rates (a mapping with "
     "requests_per_million and duration)"),
    ("  - us-east-1\n", "11:1: regions: found a list of 1 item; expected a mapping of at least 1 entry"),
], ids=["price", "duration", "tier", "no price", "requests", "region", "regions"])
def test_a_damaged_table_with_scale_names_the_problem(tmp_path: Path, regions: str, problem: str) -> None:
    # With `scale:`, rates were multiplied before validation: a price that is not a number, or rates that are not
    # a mapping, were an internal error (exit 3) instead of the file and the field.
    text = ACME.replace("  duration: 0.92\n", "  duration: 0.92\n  requests: 0.9\n") + "regions:\n" + regions
    directory = directory_with(tmp_path, "mine", **{"acme-2025": text})
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 2, result.stderr
    assert f"{directory / 'acme-2025.yaml'}:{problem}\n" in result.stderr
    assert "Input should" not in result.stderr and "Field required" not in result.stderr


def test_sources_and_notes_that_are_empty_or_not_lists(tmp_path: Path) -> None:
    # An empty `notes:` (null) was an internal error (exit 3); a single source not in a list was read key by key
    # as sources[17] and sources[18].
    empty = directory_with(tmp_path, "empty", **{"acme-2025": ACME + "notes:\n"})
    assert invoke("pricing", "check", "--pricing-dir", str(empty)).exit_code == 0
    assert TableCatalog(private=[empty]).resolve("acme-2025").table.notes == TableCatalog().resolve(
        "2022-08-01").table.notes
    for name, value in (("number", "5"), ("mapping", "{title: t, url: u}")):
        text = ACME.replace("sources:\n  - title: ACME-AWS private pricing addendum\n"
                            "    url: https://example.com/contracts/aws-ppa\n", f"sources: {value}\n")
        directory = directory_with(tmp_path, name, **{"acme-2025": text})
        result = invoke("pricing", "check", "--pricing-dir", str(directory))
        assert result.exit_code == 2, result.stderr
        # `pricing check` shows the file once: `FILE:5:1: sources: ...`, not `FILE: pricing table FILE: ...`.
        found = "the number 5" if name == "number" else "a mapping (title, url)"
        assert (f"  {directory / 'acme-2025.yaml'}:5:1: sources: found {found}; expected a list, one '- ' item a "
                "line\n") in result.stderr


def test_a_scaled_rate_is_exact_whatever_the_decimal_context(tmp_path: Path) -> None:
    # Scaling ran in the caller's decimal context: 28 digits by default, so an 11/12 discount rounded the rate
    # (…333333 instead of …33333388889), and a caller with another precision got other rates and another digest.
    from decimal import localcontext

    eleven_twelfths = "0.9166666666666666666666666667"
    directory = directory_with(tmp_path, "mine", **{"acme-2025": ACME.replace("0.92", eleven_twelfths)})
    resolved = TableCatalog(private=[directory]).resolve("acme-2025")
    price = resolved.table.regions["us-east-1"].duration["x86_64"][0].price
    assert price == Decimal("0.00001527780833333333333333333333388889")
    with localcontext() as context:
        context.prec = 12
        assert TableCatalog(private=[directory]).resolve("acme-2025").sha256 == resolved.sha256


def test_a_gap_in_the_regions_hints_at_what_clears_it(tmp_path: Path) -> None:
    # The hint said "or state in notes why the region has none", but a note never cleared the problem.
    gap = ACME + (
        "notes: [eu-west-1 has no Kafka poller units]\n"
        "regions:\n  us-east-1:\n    esm_provisioned_epu_hour: {kafka: '0.185'}\n"
        "  us-west-2:\n    esm_provisioned_epu_hour: {kafka: '0.185'}\n"
    )
    result = invoke("pricing", "check", "--pricing-dir", str(directory_with(tmp_path, "mine", **{"acme-2025": gap})))
    assert result.exit_code == 2
    assert "region eu-west-1 lacks esm_provisioned_epu_hour, which other regions of acme-2025 have (give it the " \
        "rates; a rate that one region alone has is read as that service's home region)" in result.stderr
    assert "state in notes" not in result.stderr


def test_an_overlay_over_an_overlay_in_another_directory_priced_by_hand(tmp_path: Path, write: Any) -> None:
    # Not a bug: the end-to-end check of a negotiated discount, to the cent, across two directories.
    amendment = (
        "version: acme-2026\neffective: 2026-01-01\nextends: acme-2025\nsummary: half-price requests on top\n"
        "sources: [{title: 2026 amendment, url: 'https://example.com/2026'}]\n"
        "scale: {requests: 0.5, ephemeral_storage: 0.9}\n"
    )
    first = directory_with(tmp_path, "one", **{"acme-2025": ACME})
    second = directory_with(tmp_path, "two", **{"acme-2026": amendment})
    path = write("w.yaml", workload_yaml(
        function("f", memory_mb=2048, duration_ms=200, architecture="arm64", ephemeral_storage_mb=1024,
                 invocations=[{"type": "sync", "per_month": 10_000_000}]),
        region="eu-south-1",
    ))
    # Named: shipped versions newer than 2026-01-01 (2026-06-22) would otherwise be the newest.
    result = invoke("estimate", path, "-f", "json", "--pricing-dir", str(first), "--pricing", "acme-2026",
                    env={"LAMBDA_COST_PRICING_DIR": str(second)})
    document = json.loads(result.stdout)
    # eu-south-1 in 2022-08-01: requests $0.23/1M, arm64 tier 1 $0.0000156138, storage $0.0000000357.
    # Requests (10M - 1M free) x $0.115/1M = $1.035. Duration 10M x 0.2 s x 2 GB = 4M GB-s, minus 0.4M free,
    # x $0.0000156138 x 0.92 = 3.6M x $0.000014364696 = $51.7129056. Storage 2M s x 0.5 GB = 1M GB-s
    # x $0.0000000357 x 0.9 = $0.03213. Total $52.7800356.
    assert (document["pricing"]["version"], document["total"]) == ("acme-2026", "52.7800356")


def test_import_extends_the_newest_older_version_by_date(tmp_path: Path) -> None:
    # The default base was chosen by comparing version ids as text: a private "2024-acme" that takes effect in
    # 2031 was taken as the base of a 2030 table, which then failed its own check ("does not validate").
    later = ACME.replace("version: acme-2025", "version: 2024-acme").replace("2025-01-01", "2031-01-01")
    target = directory_with(tmp_path, "tables", **{"2024-acme": later})
    result = invoke("pricing", "import", str(ALL_REGIONS), "--pricing-dir", str(target), "--effective", "2030-01-01")
    assert result.exit_code == 0, result.stderr
    assert f"wrote pricing version 2030-01-01 (extends {NEWEST})" in result.stdout


def test_a_table_saved_as_yml_is_a_table(tmp_path: Path, write: Any) -> None:
    # `acme-2025.yml` was skipped without a word, so `--pricing acme-2025` said "unknown pricing version".
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "acme-2025.yml").write_text(ACME)
    workload = write("w.yaml", workload_yaml(function(memory_mb=1024, duration_ms=1000), free_tier=False))
    shipped = invoke("estimate", workload, "-f", "json", "--pricing", "2022-08-01")
    private = invoke("estimate", workload, "-f", "json", "--pricing", "acme-2025", "--pricing-dir", str(directory))
    assert private.exit_code == 0, private.stderr
    duration = [{i["component"]: Decimal(i["cost"]) for i in json.loads(r.stdout)["functions"][0]["line_items"]}
                for r in (shipped, private)]
    # 1M requests x 1 s x 1 GB = 1M GB-s at $0.0000166667, 8% off: $16.6667 x 0.92.
    assert duration[0]["duration_tier_1"] == Decimal("16.6667")
    assert duration[1]["duration_tier_1"] == Decimal("15.333364")
    (directory / "acme-2025.yaml").write_text(ACME)
    both = invoke("pricing", "list", "--pricing-dir", str(directory))
    assert both.exit_code == 2 and "defined twice" in both.stderr


def test_pricing_check_reports_every_broken_file_not_only_the_first(tmp_path: Path) -> None:
    # A YAML error in one private file stopped `pricing check` there; the other files' problems went unreported.
    directory = directory_with(tmp_path, "mine", **{
        "a-broken": "version: a-broken\neffective: 2025-01-01\nextends: [unclosed\n",
        "b-negative": ACME.replace("acme-2025", "b-negative").replace("0.92", "-1"),
        "c-child": ACME.replace("acme-2025", "c-child").replace('"2022-08-01"', "a-broken"),
    })
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert sum("a-broken.yaml" in line for line in lines) == 1  # once, though c-child extends it
    assert any("b-negative.yaml" in line and "scale" in line for line in lines)
    assert result.stderr.startswith(f"error: {len(lines)} problem")
