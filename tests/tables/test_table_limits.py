"""Private price tables that are hostile or huge: refused by `pricing check` with their file, never a crash later."""

from __future__ import annotations

import os
import re
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, PRIVATE_2030
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.errors import TableError
from lambda_cost.tables.catalog import TableCatalog, bundled_pricing_dir

runner = CliRunner()
EXAMPLE = str(FIXTURES.parent.parent / "examples" / "web-api.yaml")
OVERLAY = PRIVATE_2030


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), env={"LAMBDA_COST_PRICING_DIR": ""})


def private(tmp_path: Path, text: str, stem: str = "acme") -> Path:
    directory = tmp_path / "mine"
    directory.mkdir(exist_ok=True)
    (directory / f"{stem}.yaml").write_text(text)
    return directory


def checked(directory: Path) -> str:
    """`pricing check` refuses the directory (exit 2), and an estimate with it never crashes."""
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    priced = invoke("estimate", EXAMPLE, "--pricing-dir", str(directory), "--no-free-tier", "-f", "json")
    assert priced.exit_code == 2, (priced.exit_code, priced.stderr)
    assert "internal error" not in result.stderr + priced.stderr
    return result.stderr


def test_an_impossible_effective_date_is_located(tmp_path: Path) -> None:
    stderr = checked(private(tmp_path, OVERLAY.replace("2030-01-01", "2024-02-30")))
    assert "acme.yaml:2:12: '2024-02-30' is not a date: February 2024 has 29 days" in stderr


@pytest.mark.parametrize("factor", ["'1e999999'", "1e999", "'1e-999999'", "'0.' + '1' * 100"])
def test_a_scale_out_of_range_is_refused_by_check(tmp_path: Path, factor: str) -> None:
    factor = "'0." + "1" * 100 + "'" if "+" in factor else factor
    stderr = checked(private(tmp_path, OVERLAY + f"scale: {{duration: {factor}}}\n"))
    assert "acme.yaml" in stderr and "scale.duration" in stderr


@pytest.mark.parametrize("price", ["'1e999999'", "'1e-999999'", "'1e19'", "'0." + "1" * 100 + "'"])
def test_a_rate_out_of_range_is_refused_at_its_key(tmp_path: Path, price: str) -> None:
    text = OVERLAY + f"regions:\n  us-east-1:\n    requests_per_million: {price}\n"
    stderr = checked(private(tmp_path, text))
    assert re.search(r"acme\.yaml:\d+:\d+: regions\.us-east-1\.requests_per_million: ", stderr), stderr
    assert "between 10^-18 and 10^18" in stderr


def test_a_long_chain_of_extends_is_checked_in_linear_time(tmp_path: Path) -> None:
    directory = tmp_path / "chain"
    directory.mkdir()
    for index in range(1000):
        parent = '"2025-11-14"' if index == 0 else f"c{index - 1}"
        (directory / f"c{index}.yaml").write_text(
            f"version: c{index}\neffective: 2030-01-01\nextends: {parent}\nsummary: s\n")
    started = time.perf_counter()
    result = invoke("pricing", "check", "--pricing-dir", str(directory))
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - started < 30
    assert invoke("estimate", EXAMPLE, "--pricing-dir", str(directory), "--pricing", "c999").exit_code == 0


def test_a_loop_of_extends_is_refused(tmp_path: Path) -> None:
    directory = private(tmp_path, OVERLAY.replace('"2025-11-14"', "loop"))
    (directory / "loop.yaml").write_text(OVERLAY.replace("acme", "loop").replace('"2025-11-14"', "acme"))
    assert "extend each other in a loop" in checked(directory)


def test_a_fifo_in_a_pricing_directory_is_refused_not_waited_on(tmp_path: Path) -> None:
    directory = tmp_path / "mine"
    directory.mkdir()
    os.mkfifo(directory / "x.yaml")
    started = time.perf_counter()
    result = invoke("pricing", "list", "--pricing-dir", str(directory))
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2
    assert "x.yaml is not a regular file" in result.stderr


def test_the_shipped_directory_given_again_is_read_once(tmp_path: Path) -> None:
    # As in an installed package: the shipped tables in site-packages, and --pricing-dir the checkout's pricing/.
    installed = tmp_path / "site-packages-pricing"
    shutil.copytree(bundled_pricing_dir(), installed)
    catalog = TableCatalog(installed, private=[bundled_pricing_dir()])
    assert catalog.versions == TableCatalog(installed).versions
    (installed / "2025-11-14.yaml").write_text((installed / "2025-11-14.yaml").read_text() + "# edited\n")
    with pytest.raises(TableError, match="defined twice"):
        TableCatalog(installed, private=[bundled_pricing_dir()]).files  # noqa: B018 - a different file is a clash


def test_many_tables_are_checked_without_holding_them_all(tmp_path: Path) -> None:
    directory = tmp_path / "many"
    directory.mkdir()
    for index in range(300):
        (directory / f"t{index}.yaml").write_text(OVERLAY.replace("acme", f"t{index}") + "scale: {duration: 0.9}\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    catalog = TableCatalog(private=[directory])
    from lambda_cost.tables.inspect import check

    assert check(catalog) == []
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < 20, elapsed
    assert grown_mb < 100, grown_mb


def test_more_private_tables_than_the_cap_are_refused_before_any_is_read(tmp_path: Path) -> None:
    from lambda_cost.tables import catalog

    directory = tmp_path / "many"
    directory.mkdir()
    for index in range(catalog.MAX_PRIVATE_TABLES + 1):
        (directory / f"t{index}.yaml").write_text("not: [valid")
    result = invoke("pricing", "list", "--pricing-dir", str(directory))
    assert result.exit_code == 2
    assert "more than 1,000 private price tables" in result.stderr
