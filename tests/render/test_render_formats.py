"""The Markdown and CSV formats: what each promises (their golden files are checked in test_golden.py)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, localcontext
from typing import Any

import pytest
from conftest import ROOT, estimate_text, example_estimate, function, workload_yaml

from lambda_cost.model.estimate import Estimate
from lambda_cost.numbers import ARITHMETIC, ZERO
from lambda_cost.render import RENDERERS, RenderOptions, formats, get_renderer
from lambda_cost.render.csv_format import HEADER
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import read_source

EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.yaml"))
SUFFIXES = {"markdown": "md", "csv": "csv"}
CASES = [(example, fmt) for example in EXAMPLES for fmt in SUFFIXES]


def _example(name: str, monkeypatch: pytest.MonkeyPatch) -> Estimate:
    return example_estimate(name, monkeypatch)


def _render(fmt: str, estimate: Estimate, explain: bool = False) -> str:
    return get_renderer(fmt)(estimate, RenderOptions(color=False, width=100, explain=explain))


def test_every_registered_renderer_resolves() -> None:
    import importlib

    for (kind, fmt), target in RENDERERS.items():
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), (kind, fmt)
    assert formats("estimate") == ["table", "json", "markdown", "csv"]


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    from lambda_cost import cli

    assert list(cli.OUTPUT_FORMATS) == formats("estimate") == formats("diff")
    assert list(cli.LIST_FORMATS) == formats("compare") == formats("pricing-show")
    assert list(cli.CHECK_FORMATS) == formats("validate")


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("fmt", list(SUFFIXES))
def test_deterministic_and_one_final_newline(example: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for explain in (False, True):
        first = _render(fmt, _example(example, monkeypatch), explain)
        assert first == _render(fmt, _example(example, monkeypatch), explain)
        assert first.endswith("\n")
        assert not first.endswith("\n\n")


@pytest.mark.parametrize("example", EXAMPLES)
def test_csv_rows_are_exact(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    estimate = _example(example, monkeypatch)
    reader = csv.DictReader(io.StringIO(_render("csv", estimate)))
    assert tuple(reader.fieldnames or ()) == HEADER
    rows = list(reader)
    # every function's items, then the account's free-tier credit
    assert len(rows) == sum(len(priced.line_items) + len(priced.related_items)
                            for priced in estimate.functions) + len(estimate.free_tier.items)
    with localcontext(ARITHMETIC):
        for row in rows:
            assert Decimal(row["quantity"]) * Decimal(row["unit_price"]) == Decimal(row["cost"]), row


@pytest.mark.parametrize("example", EXAMPLES)
def test_csv_costs_add_up_to_the_total(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    estimate = _example(example, monkeypatch)
    rows = list(csv.DictReader(io.StringIO(_render("csv", estimate))))
    with localcontext(ARITHMETIC):
        total = sum((Decimal(row["cost"]) for row in rows), ZERO)
    assert total == estimate.grand_total  # Lambda line items and related charges (section column)


@pytest.mark.parametrize("example", EXAMPLES)
def test_markdown_has_one_details_block_per_function(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    estimate = _example(example, monkeypatch)
    output = _render("markdown", estimate)
    free_tier = 1 if estimate.free_tier.enabled else 0  # the account's credit has its details too
    assert output.count("<details>") == output.count("</details>") == len(estimate.functions) + free_tier
    for priced in estimate.functions:
        assert f"<summary>{priced.usage.function.label} — " in output


def test_markdown_explain_adds_the_arithmetic(monkeypatch: pytest.MonkeyPatch) -> None:
    estimate = _example("web-api.yaml", monkeypatch)
    plain_output = _render("markdown", estimate)
    explained = _render("markdown", estimate, explain=True)
    assert "How these numbers arise" not in plain_output
    assert "How these numbers arise" in explained
    # each function's, and the account's free tier's
    assert explained.count("How these numbers arise") == len(estimate.functions) + 1


def test_markdown_escapes_names() -> None:
    name = "a|b *c* <d> [e](f) #1 @g"
    estimate = estimate_text(workload_yaml(function(name), function("-list")))
    output = _render("markdown", estimate)
    row = next(line for line in output.splitlines() if line.startswith("| a"))
    assert row.startswith(r"| a\|b \*c\* \<d\> \[e\](f) \#1 @g | ")
    # The name no longer splits the row: seven cells, as in the header.
    assert len([cell for cell in row.replace(r"\|", "").split("|")[1:-1]]) == 7
    assert "<summary>a&#124;b *c* &lt;d&gt; [e](f) &#35;1 &#64;g — " in output
    assert "| a|b" not in output
    assert r"| \-list | " in output


def test_csv_keeps_names_from_becoming_formulas() -> None:
    estimate = estimate_text(workload_yaml(function("=SUM(A1)"), function("a,b")))
    rows = list(csv.DictReader(io.StringIO(_render("csv", estimate))))
    assert {row["function"] for row in rows} == {"'=SUM(A1)", "a,b", "(free tier)"}


def _readme_json_example() -> Any:
    import json

    text = (ROOT / "README.md").read_text().split("### The JSON", 1)[1]
    return json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])


def test_the_readmes_json_example_has_the_keys_of_the_real_output_in_order() -> None:
    """README "The JSON" prices examples/web-api.yaml; a new price table that changes its total changes it too."""
    import json

    from lambda_cost.render.json_format import render as render_json

    example = _readme_json_example()
    estimate = estimate_source(read_source(str(ROOT / "examples" / "web-api.yaml")))
    real = json.loads(render_json(estimate, RenderOptions()))
    assert list(example) == list(real)
    assert list(example["functions"][0]) == list(real["functions"][0])
    assert list(example["free_tier"]) == list(real["free_tier"])
    assert example["total"] == real["total"] and example["pricing"]["version"] == real["pricing"]["version"]


def test_the_readme_names_the_csv_columns() -> None:
    assert f"(`{','.join(HEADER)}`)" in (ROOT / "README.md").read_text()
