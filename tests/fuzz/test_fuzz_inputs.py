"""Fuzzing every kind of input lambda-cost reads: never an internal error, every refusal ours and located.

Bounded for CI by the `fuzz` settings profile (tests/fuzz/fuzz_kit.py: a few fixed-seed inputs per kind); set
LAMBDA_COST_FUZZ_EXAMPLES to try more, or run bench/fuzz_campaign.py for tens of thousands (tests/fuzz/README.md).
"""

from __future__ import annotations

from fuzz_kit import (
    EXAMPLES,
    FUZZ,
    OFFERS,
    SERVERLESS,
    TEMPLATES,
    TERRAFORM_PLANS,
    WORKLOAD_KEYS,
    check_offer,
    check_options,
    check_saved_estimate,
    check_table,
    check_template,
    check_terraform,
    check_workload,
    mutated_json,
    mutated_table,
    mutated_template,
    mutated_terraform,
    mutated_yaml,
    saved_estimates,
    set_options,
)
from hypothesis import given

SAVED = saved_estimates()


@FUZZ
@given(mutated_yaml(EXAMPLES, WORKLOAD_KEYS))
def test_workloads(raw: bytes) -> None:
    check_workload(raw)


@FUZZ
@given(set_options())
def test_options(options: list[str]) -> None:
    check_options(options)


@FUZZ
@given(mutated_template([path for path in TEMPLATES if path.suffix == ".yaml"]))
def test_templates(raw: bytes) -> None:
    check_template(raw)


@FUZZ
@given(mutated_json([path for path in TEMPLATES if path.suffix == ".json"]))
def test_json_templates(raw: bytes) -> None:
    check_template(raw)


@FUZZ
@given(mutated_template(SERVERLESS))
def test_serverless_services(raw: bytes) -> None:
    check_template(raw)


@FUZZ
@given(mutated_json(TERRAFORM_PLANS))
def test_terraform_plans(raw: bytes) -> None:
    check_template(raw)


@FUZZ
@given(mutated_terraform())
def test_terraform_files(raw: bytes) -> None:
    check_terraform(raw)


@FUZZ
@given(mutated_json(OFFERS))
def test_offers(raw: bytes) -> None:
    check_offer(raw)


@FUZZ
@given(mutated_json(SAVED))
def test_saved_estimates(raw: bytes) -> None:
    check_saved_estimate(raw)


@FUZZ
@given(mutated_table())
def test_price_tables(raw: bytes) -> None:
    check_table(raw)
