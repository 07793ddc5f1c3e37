"""bench/calibrate.py: its generated lines are deterministic and read back to what they hold."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

from lambda_cost.usage.read import read_inputs

BENCH = Path(__file__).parent.parent / "bench" / "calibrate.py"


def test_generated_lines_are_deterministic_and_all_counted(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_calibrate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_calibrate"] = module
    spec.loader.exec_module(module)
    first, second = io.StringIO(), io.StringIO()
    module.emit(2000, first)
    module.emit(2000, second)
    assert first.getvalue() == second.getvalue()
    log = tmp_path / "bench.log"
    log.write_text(first.getvalue())
    reading = read_inputs([str(log)], "bench")
    tally = reading.tallies["bench"]
    assert (tally.invocations, tally.cold_starts, tally.failed) == (2000, 20, 2)
    assert reading.summaries[0].malformed == 0 and reading.summaries[0].skipped == 0
