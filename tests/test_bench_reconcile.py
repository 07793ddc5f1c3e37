"""bench/reconcile.py: its generated bill reconciles, and one quick run reports the floor and the ratio."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "bench" / "reconcile.py"


def test_a_small_run_reports_both_figures(tmp_path: Path) -> None:
    out = tmp_path / "reconcile.json"
    done = subprocess.run([sys.executable, str(BENCH), "--lines", "26000", "--repeat", "1", "--out", str(out),
                           "--keep", str(tmp_path / "files")], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr  # 1: the ratio target missed, which a tiny bill always does
    summary = json.loads(out.read_text())
    assert (summary["lines"], summary["functions"], summary["target"]) == (26000, 1000, 1.5)
    assert summary["floor"]["best_s"] > 0 and summary["reconcile"]["best_s"] > 0
    assert "ratio" in done.stdout
    # The bill has every kind of line: reconciled, Lambda's usage and the other service's are told apart.
    report = subprocess.run([sys.executable, "-m", "lambda_cost", "reconcile", str(tmp_path / "files" /
                             "workload.yaml"), "--bill", str(tmp_path / "files" / "cur2.parquet"), "-f", "json"],
                            capture_output=True, text=True, timeout=120)
    document = json.loads(report.stdout)
    components = {row["component"] for row in document["rows"]}
    assert {"requests", "duration_x86_64", "duration_arm64", "savings_plan", "data_transfer",
            "free_tier_requests"} <= components
    assert document["unknown_usage_types"] == []
    assert document["bill"]["line_items"] == 24000  # 2,000 of the 26,000 are another service's
