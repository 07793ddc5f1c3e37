"""Golden files: every example in every estimate format (table and JSON with and without --explain), byte for byte.

After an intended change of output, regenerate with `pytest --update-golden` and review the diff of tests/golden/
like any other change. The diff report's goldens are in tests/commands/test_diff.py, through the same fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, example_estimate

from lambda_cost.render import RenderOptions, render

EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.yaml"))
SUFFIXES = {"table": "txt", "json": "json", "markdown": "md", "csv": "csv"}
CASES = [(example, fmt, False) for example in EXAMPLES for fmt in SUFFIXES]
CASES += [(example, fmt, True) for example in EXAMPLES for fmt in ("table", "json")]


@pytest.mark.parametrize(("example", "fmt", "explain"), CASES)
def test_golden(example: str, fmt: str, explain: bool, golden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    output = render("estimate", fmt, example_estimate(example, monkeypatch),
                    RenderOptions(color=False, width=100, explain=explain))
    golden(f"{Path(example).stem}{'.explain' if explain else ''}.{SUFFIXES[fmt]}", output)
