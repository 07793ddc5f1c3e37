"""--output in CI: `-o -` is standard output, as `-` is standard input and `init -o -` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lambda_cost.cli import app

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


def test_output_through_a_symlink_updates_its_target(tmp_path: Path) -> None:
    from lambda_cost.atomic import write_atomically

    target = tmp_path / "real.md"
    target.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomically(link, "new\n", force=True)
    assert link.is_symlink()
    assert target.read_text() == "new\n"


def test_pricing_notes_with_brackets_print_as_text(tmp_path: Path) -> None:
    directory = tmp_path / "mine"
    directory.mkdir()
    (directory / "acme-2030.yaml").write_text(
        'version: acme-2030\neffective: 2030-01-01\nextends: "2022-08-01"\nsummary: "x[/] and [bold]y[/bold]"\n'
        "notes: ['a note with x[/]']\nsources: [{title: t, url: https://example.com}]\n"
    )
    result = CliRunner().invoke(app, ["pricing", "show", "acme-2030", "--region", "us-east-1",
                                      "--pricing-dir", str(directory)])
    assert result.exit_code == 0, result.stderr
    assert "x[/] and [bold]y[/bold]" in result.stdout and "a note with x[/]" in result.stdout
