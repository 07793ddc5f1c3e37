"""Shared helpers: price YAML text in-process, and build workloads in a few words."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from lambda_cost.model.estimate import Estimate
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import Source, parse

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the repository: examples/, pricing/, README.md
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"


def estimate_text(text: str, **options: Any) -> Estimate:
    """Price a workload given as YAML text."""
    return estimate_source(Source("test.yaml", textwrap.dedent(text)), **options)


def workload_yaml(*functions: dict[str, Any], **top: Any) -> str:
    """A workload as YAML text from function mappings; top-level keys default to version 1."""
    document: dict[str, Any] = {"version": 1, **top, "functions": list(functions)}
    return yaml.safe_dump(document, sort_keys=False)


def function(name: str = "fn", memory_mb: int = 1024, duration_ms: int | str = 100, **fields: Any) -> dict[str, Any]:
    """A function mapping with one synchronous source of 1M requests unless `invocations` is given."""
    fields.setdefault("invocations", [{"type": "sync", "per_month": 1_000_000}])
    return {"name": name, "memory_mb": memory_mb, "duration_ms": duration_ms, **fields}


def item(estimate: Estimate, function_name: str, component: str) -> Any:
    """One line item of one function."""
    priced = next(f for f in estimate.functions if f.usage.function.name == function_name)
    return next(i for i in priced.line_items if i.component == component)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@pytest.fixture
def write(tmp_path: Any) -> Any:
    """Write a file under tmp_path and return its path as a string."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return str(path)

    return _write


def fill(text: str) -> str:
    """Fill every placeholder of a draft as a user would: a memory, an error rate, and 100 for the rest.

    The error rate is per record: at 1% a Kafka batch of 1,000 retried until expiry would fail 1 − 0.99^1000 of
    its attempts (23,164 attempts a batch), more than a retry limit allows, which is refused."""
    values = {"memory_mb": "1024", "error_rate": "0.001", "region": "us-east-1"}
    return re.sub(r"(\w+): FILL-ME", lambda m: f"{m.group(1)}: {values.get(m.group(1), '100')}", text)


def placeholders(text: str) -> list[str]:
    """The fields a draft leaves to fill, as estimate names them (and nothing else wrong with it)."""
    from lambda_cost.errors import WorkloadError

    with pytest.raises(WorkloadError) as caught:
        estimate_text(text)
    messages = {p.message for p in caught.value.problems}
    assert messages == {"placeholder not filled"}, messages
    return [p.dotted_path for p in caught.value.problems]


def draft_workload(source: str | Path) -> tuple[Any, str]:
    """`init --from SOURCE`'s draft, filled as fill() does and validated: (the Workload, the draft's text)."""
    from lambda_cost.model.workload import Workload
    from lambda_cost.templates.draft import draft_text
    from lambda_cost.templates.formats import read_any

    result = read_any(str(source))
    text = draft_text(result.drafts, "t", result.notes)
    return Workload.model_validate(parse(Source("w.yaml", fill(text)))), text


def by_name(workload: Any, name: str) -> Any:
    """A workload's function by name."""
    return next(f for f in workload.functions if f.name == name)


def kinds(function: Any) -> list[tuple[Any, ...]]:
    """(type, batch_size, per_month) of each of a function's sources."""
    return [(s.type, getattr(s, "batch_size", None), s.per_month) for s in function.invocations]


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Any:
    """golden(name, output): compare output with tests/golden/NAME, or rewrite it under --update-golden."""
    def check(name: str, output: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.write_text(output)
        assert path.exists(), f"no golden file {name}: run pytest --update-golden"
        assert output == path.read_text(), f"{name} differs: after an intended change, pytest --update-golden"

    return check


def example_estimate(name: str, monkeypatch: pytest.MonkeyPatch) -> Estimate:
    """An example of examples/ priced from the repository, so that it is named examples/<file> in the output."""
    import os

    from lambda_cost.stages.load import read_source

    monkeypatch.chdir(ROOT)
    return estimate_source(read_source(os.path.join("examples", name)))


# One function, 1M requests of 100 ms at 1024 MB, no free tier (tests/commands/test_whatif.py works out what it costs).
ONE_FUNCTION = """\
version: 1
free_tier: false
functions:
  - name: api
    memory_mb: 1024
    duration_ms: 100
    invocations:
      - type: sync
        per_month: 1M
"""

# A private price table as the README's "Your own tables" first showed it: 8% off the 2022-08-01 duration rates.
ACME_OVERLAY = """\
version: acme-2025
effective: 2025-01-01
extends: "2022-08-01"
summary: ACME's private pricing addendum, 8% off duration
sources:
  - title: ACME-AWS private pricing addendum
    url: https://example.com/contracts/aws-ppa
scale:
  duration: 0.92
"""
