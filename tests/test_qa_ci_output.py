"""QA of --output in CI: `-o -` is standard output, as `-` is standard input and `init -o -` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lambda_cost.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "web-api.yaml")
runner = CliRunner()


@pytest.mark.parametrize("args", [
    ["estimate", EXAMPLE, "-f", "json"],
    ["estimate", EXAMPLE, "-f", "markdown"],
    ["diff", EXAMPLE, EXAMPLE, "-f", "csv"],
    ["schema"],
])
def test_dash_output_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    expected = runner.invoke(app, args)
    result = runner.invoke(app, [*args, "-o", "-"])
    assert result.exit_code == expected.exit_code == 0, result.stderr
    assert result.stdout == expected.stdout
    assert "wrote" not in result.stderr
    assert not (tmp_path / "-").exists()
