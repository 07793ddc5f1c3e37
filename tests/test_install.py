"""The built, non-editable package carries the price tables and works from outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel offline with the hatchling the test extra installs."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", str(out)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=300,
    )
    (built,) = out.glob("lambda_cost-*.whl")
    return built


def test_wheel_contains_every_price_table(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(name).name for name in names if name.startswith("lambda_cost/pricing/") and name.count("/") == 2}
    assert shipped == {path.name for path in (ROOT / "pricing").glob("*.yaml")}
    assert "lambda_cost/pricing/bills/usage-types.yaml" in names  # reconcile's map of usage types
    assert any(name.endswith("entry_points.txt") for name in names)
    assert "lambda_cost/tables/compiled.pickle" in names  # hatch_build.py: the tables, compiled for a fast start


def test_installed_package_prices_a_workload_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel installs by unpacking
    workload = tmp_path / "w.yaml"
    workload.write_text((ROOT / "examples" / "web-api.yaml").read_text())
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import lambda_cost.tables.catalog as t; print(t.__file__); "
                               "print(t.bundled_pricing_dir()); print(t.TableCatalog()._compiled is not None)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    *paths, compiled_in_use = where
    assert all(line.startswith(str(site)) for line in paths), where
    assert compiled_in_use == "True"
    completed = subprocess.run(
        [sys.executable, "-m", "lambda_cost", "estimate", "w.yaml", "--format", "json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    golden = json.loads((ROOT / "tests" / "golden" / "web-api.json").read_text())
    assert json.loads(completed.stdout)["total"] == golden["total"]
