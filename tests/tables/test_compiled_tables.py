"""The compiled price tables the wheel carries give what the YAML gives; a stale or damaged file is ignored."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_cost.render import RenderOptions, render
from lambda_cost.stages import estimate_source
from lambda_cost.stages.load import read_source
from lambda_cost.tables.catalog import TableCatalog
from lambda_cost.tables.compiled import compile_tables, differences, read_compiled

LATEST = "2025-11-14"


@pytest.fixture(scope="module")
def compiled_bytes() -> bytes:
    return compile_tables(TableCatalog(ROOT / "pricing"))


@pytest.fixture
def compiled_file(tmp_path: Path, compiled_bytes: bytes) -> Path:
    path = tmp_path / "compiled.pickle"
    path.write_bytes(compiled_bytes)
    return path


def test_every_version_reads_back_as_its_yaml(compiled_file: Path) -> None:
    yaml_tables = TableCatalog(ROOT / "pricing")
    compiled = read_compiled(compiled_file, yaml_tables.files)
    assert compiled is not None
    assert differences(yaml_tables, compiled) == []
    assert set(compiled.effective) == set(yaml_tables.versions)


@pytest.mark.parametrize("example", sorted(path.stem for path in (ROOT / "examples").glob("*.yaml")))
def test_the_compiled_tables_price_every_golden_estimate(example: str, compiled_file: Path, golden: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = TableCatalog(compiled=compiled_file)
    assert catalog._compiled is not None
    monkeypatch.chdir(ROOT)
    estimate = estimate_source(read_source(f"examples/{example}.yaml"), catalog=catalog)
    golden(f"{example}.json", render("estimate", "json", estimate, RenderOptions(width=100)))


def test_a_changed_table_makes_the_compiled_file_stale(tmp_path: Path, compiled_file: Path) -> None:
    tables = tmp_path / "pricing"
    shutil.copytree(ROOT / "pricing", tables)
    latest = tables / f"{LATEST}.yaml"
    latest.write_text(latest.read_text().replace('esm_provisioned_epu_hour: {sqs: "0.00925"}',
                                                 'esm_provisioned_epu_hour: {sqs: "0.01"}', 1))
    catalog = TableCatalog(tables, compiled=compiled_file)
    assert catalog._compiled is None
    rates = catalog.resolve(LATEST).table.regions["us-east-1"].esm_provisioned_epu_hour
    assert rates is not None and str(rates["sqs"]) == "0.01"


def test_private_tables_are_read_from_yaml_with_the_shipped_ones(tmp_path: Path, compiled_file: Path) -> None:
    private = tmp_path / "mine"
    private.mkdir()
    assert TableCatalog(private=[private], compiled=compiled_file)._compiled is None


def test_a_missing_or_foreign_file_is_ignored(tmp_path: Path) -> None:
    files = TableCatalog(ROOT / "pricing").files
    assert read_compiled(tmp_path / "absent.pickle", files) is None
    (tmp_path / "empty.pickle").write_bytes(b"")
    assert read_compiled(tmp_path / "empty.pickle", files) is None


@settings(max_examples=60, deadline=None)
@given(position=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
def test_a_damaged_file_never_changes_a_table(compiled_bytes: bytes, tmp_path_factory: pytest.TempPathFactory,
                                              position: float, flip: int) -> None:
    damaged = bytearray(compiled_bytes)
    damaged[int(position * len(damaged))] ^= flip
    path = tmp_path_factory.mktemp("damaged") / "compiled.pickle"
    path.write_bytes(bytes(damaged))
    yaml_tables = TableCatalog(ROOT / "pricing")
    catalog = TableCatalog(compiled=path)
    for version in (LATEST, "2022-08-01", "2014-11-13"):
        assert catalog.effective(version) == yaml_tables.effective(version)
        resolved, expected = catalog.resolve(version), yaml_tables.resolve(version)
        assert (resolved.table, resolved.sha256) == (expected.table, expected.sha256)


def test_without_the_c_unpickler_the_tables_are_read_alike(compiled_file: Path) -> None:
    """tables/compiled.py reads with _pickle directly (pickle.py costs a run time to import); an interpreter
    without that module falls back to pickle's own reader, and reads the same tables."""
    code = (
        "import sys; sys.modules['_pickle'] = None\n"
        "import pickle\n"
        "from pathlib import Path\n"
        "from lambda_cost.tables import compiled\n"
        "from lambda_cost.tables.catalog import TableCatalog\n"
        "assert compiled._unpickle is pickle._loads\n"
        f"tables = TableCatalog(Path({str(ROOT / 'pricing')!r}))\n"
        f"read = compiled.read_compiled(Path({str(compiled_file)!r}), tables.files)\n"
        "assert read is not None and compiled.differences(tables, read) == []\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
