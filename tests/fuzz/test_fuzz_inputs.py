"""Fuzzing every kind of input lambda-cost reads: never an internal error, every refusal ours and located.

Bounded for CI by the `fuzz` settings profile (tests/fuzz/fuzz_kit.py: a few fixed-seed inputs per kind); set
LAMBDA_COST_FUZZ_EXAMPLES to try more, or run bench/fuzz_campaign.py for tens of thousands (tests/fuzz/README.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_kit import FUZZ, kinds
from hypothesis import given

KINDS = kinds()


@pytest.mark.parametrize("kind", list(KINDS))
def test_input_kind(kind: str) -> None:
    strategy, check = KINDS[kind]

    def one(value: Any) -> None:
        check(value)

    FUZZ(given(strategy)(one))()
