"""Golden files: the rendered table and JSON of every example, byte for byte.

After an intended change of output, regenerate with `pytest tests/test_golden.py --update-golden`
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_cost.render import RenderOptions, get_renderer
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import read_source

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted(path.name for path in (ROOT / "examples").glob("*.yaml"))
CASES = [(example, fmt, explain) for example in EXAMPLES for fmt in ("table", "json") for explain in (False, True)]


@pytest.mark.parametrize(("example", "fmt", "explain"), CASES)
def test_golden(example: str, fmt: str, explain: bool, request: pytest.FixtureRequest,
                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # so the workload is named examples/<file> in the output
    estimate = estimate_source(read_source(os.path.join("examples", example)))
    output = get_renderer(fmt)(estimate, RenderOptions(color=False, width=100, explain=explain))
    suffix = ".explain" if explain else ""
    golden = GOLDEN / f"{Path(example).stem}{suffix}.{'txt' if fmt == 'table' else 'json'}"
    if request.config.getoption("--update-golden"):
        golden.write_text(output)
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden"
    assert output == golden.read_text()
