"""bench/: the generated workloads are valid and deterministic, and one quick run reports every floor."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import estimate_text

from lambda_cost.errors import WorkloadError

BENCH = Path(__file__).parent.parent / "bench"


def _bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench_module()


def test_generated_workload_is_deterministic_and_prices(bench: ModuleType) -> None:
    text = bench.generate_workload(27)
    assert text == bench.generate_workload(27)
    assert text != bench.generate_workload(27, seed=1)
    estimate = estimate_text(text)
    assert len(estimate.functions) == 27
    # From 9 functions up every invocation type appears.
    kinds = {source.type for f in estimate.functions for source in f.usage.sources}
    assert kinds == set(bench.INVOCATION_TYPES)


def test_the_invalid_workload_has_one_problem_in_a_thousand_functions(bench: ModuleType) -> None:
    with pytest.raises(WorkloadError) as caught:
        estimate_text(bench.invalidate(bench.generate_workload(2000)))
    assert [problem.path for problem in caught.value.problems] == [
        ("functions", 999, "memory_mb"), ("functions", 1999, "memory_mb")]


def test_stack_floor_script_validates_the_workload(tmp_path: Path, bench: ModuleType) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(bench.generate_workload(5), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(BENCH / "stack_floor.py"), "estimate", str(path), "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(done.stdout) == {"version": 1}


def test_one_quick_run_reports_every_floor(tmp_path: Path) -> None:
    if not (Path(sys.executable).parent / "lambda-cost").exists():
        pytest.skip("lambda-cost is not installed next to this interpreter")
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "5,9", "--repeat", "1", "--out", str(out)],
        capture_output=True, text=True,
    )
    # The exit status is the verdict on the targets, which depends on the machine; the report must exist either way.
    assert done.returncode in (0, 1), done.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert {"import_floor", "model_floor", "stack_floor"} <= figures.keys()
    five, nine = figures["sizes"]
    assert (five["functions"], nine["functions"]) == (5, 9)
    assert five["stack_ratio_best"] == pytest.approx(five["estimate"]["best_s"] / figures["stack_floor"]["best_s"])
    assert "stack_ratio_best" not in nine
    assert set(figures["verdicts"]) == {"startup@5", "startup-table@5"}
    assert five["table_import_ratio_best"] == pytest.approx(five["table"]["best_s"] / figures["import_floor"]["best_s"])
    assert "stack floor (bench/stack_floor.py)" in done.stdout


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instructions_are_counted_by_callgrind(bench: ModuleType) -> None:
    nothing = bench.count_instructions([sys.executable, "-c", "pass"], timeout=120)
    some_work = bench.count_instructions([sys.executable, "-c", "sum(range(300000))"], timeout=120)
    assert 1_000_000 < nothing < some_work
