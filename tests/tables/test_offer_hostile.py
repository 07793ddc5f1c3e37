"""`pricing import` of offer files no AWS would publish: a clear refusal or an honest import, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

runner = CliRunner()
ONE_REGION = FIXTURES / "offers" / "AWSLambda-us-east-2.json"
EXAMPLE = str(ROOT / "examples" / "web-api.yaml")


def run_import(tmp_path: Path, text: str) -> Any:
    offer = tmp_path / "offer.json"
    offer.write_text(text)
    target = tmp_path / "mine"
    target.mkdir(exist_ok=True)
    result = runner.invoke(app, ["pricing", "import", str(offer), "--pricing-dir", str(target),
                                 "--effective", "2030-01-01"], env={"LAMBDA_COST_PRICING_DIR": ""})
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr
    return result


def offer() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ONE_REGION.read_text())
    return data


def test_a_terms_section_that_is_not_an_object_is_listed_not_a_crash(tmp_path: Path) -> None:
    data = offer()
    data["terms"]["Reserved"] = 5
    result = run_import(tmp_path, json.dumps(data))
    assert result.exit_code == 0
    assert "terms Reserved: not an object of SKUs, not imported" in result.stderr


def test_an_integer_of_5000_digits_is_refused_where_it_is(tmp_path: Path) -> None:
    text = ONE_REGION.read_text().replace('"formatVersion"', '"big": ' + "9" * 5000 + ', "formatVersion"', 1)
    result = run_import(tmp_path, text)
    assert result.exit_code == 2
    assert "offer.json:2:10: '99999999999999999999…' is too large" in result.stderr


def test_json_nested_100000_deep_is_refused_where_it_gets_too_deep(tmp_path: Path) -> None:
    result = run_import(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert result.exit_code == 2
    assert "offer.json:1:101: the document is nested more than 100 levels deep" in result.stderr


@pytest.mark.parametrize("price", ["1e999999", "1e-999999", "0." + "1" * 100, "NaN", "-1"])
def test_a_price_out_of_range_is_left_out_and_every_estimate_still_works(tmp_path: Path, price: str) -> None:
    data = offer()
    for term in data["terms"]["OnDemand"].values():
        for offer_term in term.values():
            for dimension in offer_term["priceDimensions"].values():
                if dimension["unit"].lower().startswith(("lambda-gb", "gb")):
                    dimension["pricePerUnit"]["USD"] = price
    result = run_import(tmp_path, json.dumps(data))
    assert "a price out of range" in result.stderr or "without a USD price" in result.stderr
    priced = runner.invoke(app, ["estimate", EXAMPLE, "--pricing-dir", str(tmp_path / "mine"), "--no-free-tier"],
                           env={"LAMBDA_COST_PRICING_DIR": ""})
    assert priced.exit_code in (0, 1), priced.stderr
