"""`pricing import` of AWS's AmazonEC2 offer file for Managed Instances, read as a stream."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, estimate_text, function, workload_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_cost.commands.pricing import run_import
from lambda_cost.errors import InputError, PricingError
from lambda_cost.tables.catalog import TableCatalog
from lambda_cost.tables.ec2_offer import import_ec2_offer, offer_code
from lambda_cost.tables.offer_stream import JsonStream, OfferSyntaxError

OFFER = FIXTURES / "offers" / "AmazonEC2-small.json"


def catalog(tmp_path: Path) -> TableCatalog:
    return TableCatalog(ROOT / "pricing", private=[tmp_path])


def test_the_offer_code_is_read_from_the_head_of_the_file() -> None:
    assert offer_code(OFFER) == "AmazonEC2"
    assert offer_code(FIXTURES / "offers" / "AWSLambda-us-east-2.json") == "AWSLambda"
    assert offer_code(FIXTURES / "offers" / "README.md") is None


def test_linux_shared_on_demand_prices_of_c_m_r_types_in_the_base_regions(tmp_path: Path) -> None:
    result = import_ec2_offer(OFFER, catalog(tmp_path))
    assert (result.version, result.extends) == ("2025-12-01", "2025-11-30")
    assert result.regions == ("eu-west-1", "us-east-1")
    # Windows, dedicated tenancy, t4g (not C, M or R), EBS and the reserved price are not taken.
    assert 'm7g.xlarge: "0.1632"' in result.text and 'c7g.large: "0.08"' in result.text
    assert "0.3472" not in result.text and "0.1795" not in result.text and "t4g" not in result.text
    assert "0.0457" not in result.text
    assert result.unmapped == ("region mx-central-1: not in the base version 2025-11-30, so not imported",)


def test_the_imported_table_prices_a_managed_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    assert run_import(str(OFFER), effective="2026-01-05", pricing_dirs=[str(tmp_path)], stdout=out) == 0
    assert (tmp_path / "2026-01-05.yaml").exists()
    fn = function("api", region="eu-west-1", managed_instances={"instance_type": "c7g.large", "instance_hours": 100})
    estimate = estimate_text(workload_yaml(fn), pricing="2026-01-05", catalog=catalog(tmp_path))
    ec2 = next(i for i in estimate.functions[0].line_items if i.component == "managed_instances_ec2")
    assert ec2.cost == Decimal("8.00")  # 100 h × $0.08


def test_an_older_base_has_no_managed_instances(tmp_path: Path) -> None:
    with pytest.raises(PricingError) as caught:
        import_ec2_offer(OFFER, catalog(tmp_path), extends="2025-11-19")
    assert "predates Lambda Managed Instances" in caught.value.message
    assert "2025-11-30" in caught.value.message


def test_terms_before_products_are_refused(tmp_path: Path) -> None:
    data = json.loads(OFFER.read_text())
    reordered = {key: data[key] for key in ("offerCode", "publicationDate", "version", "terms", "products")}
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(reordered))
    with pytest.raises(PricingError, match="terms come before its products"):
        import_ec2_offer(path, catalog(tmp_path))


def test_a_damaged_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "offer.json"
    path.write_text(OFFER.read_text()[:2000])
    with pytest.raises(InputError, match="not JSON"):
        import_ec2_offer(path, catalog(tmp_path))


def test_the_stream_reads_a_member_at_a_time_across_any_chunk_size() -> None:
    """With a 7-character window, no product or term is ever in memory whole with the file."""
    for chunk in (1, 7, 64):
        with OFFER.open() as handle:
            stream = JsonStream(handle, chunk=chunk)
            keys = []
            for key in stream.members():
                keys.append(key)
                stream.skip(2)
        assert keys == ["formatVersion", "disclaimer", "offerCode", "version", "publicationDate", "products", "terms"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), JSON, max_size=6), st.integers(1, 40))
def test_members_and_values_give_what_json_gives(document: dict[str, Any], chunk: int) -> None:
    text = json.dumps(document, indent=1)
    expected = json.loads(text, parse_float=Decimal)
    stream = JsonStream(io.StringIO(text), chunk=chunk)
    assert {key: stream.value() for key in stream.members()} == expected


def test_a_truncated_document_is_a_syntax_error() -> None:
    stream = JsonStream(io.StringIO('{"a": 1, "b": '), chunk=3)
    with pytest.raises(OfferSyntaxError):
        for _key in stream.members():
            stream.value()


def test_a_syntax_error_is_located_by_line_and_column(tmp_path: Path) -> None:
    """The streamed reader counts lines only when it stops: the refusal names where, as every other reader does."""
    offer = tmp_path / "offer.json"
    offer.write_text('{\n  "formatVersion": "v1.0",\n  "offerCode": "AmazonEC2",\n  "version": 0b_\n}\n')
    with pytest.raises(InputError) as caught:
        import_ec2_offer(offer, TableCatalog())
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.message) == (4, 15, "expected ',' or '}', found 'b'")


def test_a_syntax_error_past_the_first_window_is_located(tmp_path: Path) -> None:
    handle = io.StringIO('{"a": 1,\n "b": 2,\n "c": 3 x}')
    stream = JsonStream(handle, chunk=4)
    with pytest.raises(OfferSyntaxError) as caught:
        for _ in stream.members():
            stream.value()
    assert (caught.value.line, caught.value.column) == (3, 9)


def test_a_price_out_of_range_is_listed_not_imported(tmp_path: Path) -> None:
    """1e18 an hour would import and then break every estimate: it is named as not imported, the rest goes in."""
    offer = json.loads((FIXTURES / "offers" / "AmazonEC2-small.json").read_text())
    sku = next(sku for sku, product in offer["products"].items()
               if product["attributes"].get("instanceType") == "c7g.large")
    for term in offer["terms"]["OnDemand"][sku].values():
        for dimension in term["priceDimensions"].values():
            dimension["pricePerUnit"]["USD"] = "1000000000000000000"
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    result = import_ec2_offer(path, TableCatalog())
    assert any("c7g.large: a price out of range" in line for line in result.unmapped), result.unmapped
    assert "c7g.large" not in result.text


def test_terms_of_the_wrong_shape_price_nothing(tmp_path: Path) -> None:
    """Price dimensions that are not a mapping (a fuzzed file gave a string) are passed over, not an internal error;
    the other SKUs still import."""
    offer = json.loads(OFFER.read_text())
    sku = next(sku for sku, product in offer["products"].items()
               if product["attributes"].get("instanceType") == "c7g.large")
    for term in offer["terms"]["OnDemand"][sku].values():
        term["priceDimensions"] = "xxx"
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    result = import_ec2_offer(path, catalog(tmp_path))
    assert "c7g.large" not in result.text and 'm7g.xlarge: "0.1632"' in result.text


def test_a_file_with_no_usable_price_says_what_it_held(tmp_path: Path) -> None:
    """Refused as a whole, with the count of its products and of those that were the right kind of instance."""
    offer = json.loads(OFFER.read_text())
    for terms in offer["terms"]["OnDemand"].values():
        for term in terms.values():
            term["priceDimensions"] = {}
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    with pytest.raises(PricingError) as caught:
        import_ec2_offer(path, catalog(tmp_path))
    kept = sum(1 for product in offer["products"].values()
               if product.get("productFamily") == "Compute Instance"
               and product["attributes"].get("operatingSystem") == "Linux"
               and product["attributes"].get("tenancy") == "Shared"
               and product["attributes"]["instanceType"][0] in "cmr"
               and product["attributes"].get("regionCode") in ("us-east-1", "eu-west-1"))
    assert caught.value.message.endswith(
        f"(of its {len(offer['products'])} products, {kept} are such instances, and none of them has an hourly "
        "USD price in its OnDemand terms)")
    assert kept == 2
