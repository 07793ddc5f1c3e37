"""Every Terraform and Serverless fixture: its exact draft (golden), refused until filled, priced once filled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, estimate_text, fill, placeholders
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.templates.draft import draft_text
from lambda_cost.templates.formats import read_any

SOURCES = sorted(
    str(path.relative_to(ROOT)) for folder in ("terraform", "serverless")
    for path in (FIXTURES / "templates" / folder).iterdir()
    if path.suffix in (".json", ".yml", ".yaml") or path.is_dir()
)


def drafted(source: str) -> str:
    result = read_any(source)
    return draft_text(result.drafts, source, result.notes)


@pytest.fixture(autouse=True)
def _from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafts name their source as given: relative to the repository, the same on every machine."""
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("source", SOURCES)
def test_each_draft_is_exactly_its_golden_file(source: str, golden: Any) -> None:
    golden(f"templates/{Path(source).name.split('.')[0]}.yaml", drafted(source))


@pytest.mark.parametrize("source", SOURCES)
def test_each_draft_is_refused_until_filled_then_priced(source: str) -> None:
    text = drafted(source)
    assert placeholders(text)  # volumes, durations and error rates are never in a source
    estimate = estimate_text(fill(text), free_tier=False)
    assert len(estimate.functions) == text.count("\n  - name: ")
    assert all(function.total > 0 for function in estimate.functions)


@pytest.mark.parametrize("source", SOURCES)
def test_validate_names_every_placeholder_of_a_written_draft(source: str, tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    written = CliRunner().invoke(app, ["init", "--from", source, "-o", str(target)])
    assert written.exit_code == 0, written.output
    left = int(written.stderr.split(" placeholder")[0].rsplit(", ", 1)[1])
    result = CliRunner().invoke(app, ["validate", str(target)])
    assert result.exit_code == 2
    named = [line for line in result.stderr.splitlines() if "placeholder not filled (replace FILL-ME: " in line]
    assert len(named) == left
