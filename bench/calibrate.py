"""Benchmark `lambda-cost calibrate` on generated REPORT lines against a bare Python pass over the same lines.

The lines are what an S3 export of a function's log group holds once filtered on REPORT: an ISO timestamp, then
the tab-separated REPORT line (trailing tab, the space before one tab), one in a hundred a cold start with Init
Duration, one in a thousand with Status: error. They are seeded, so a size always gives the same text.

In fresh subprocesses, each under bench/run.py's wrapper (wall time and peak RSS of that one child):

* the bare pass: `for line in f: rx.search(line)` with BARE_PATTERN, a plain regex that matches a REPORT line
  and captures its fields (not calibrate's own, so that the reference does not move with calibrate's code);
* `lambda-cost calibrate FILE --function bench --window 14d --format json` (start-up, reading, the estimate);
* for memory, `--memory-lines` lines (10M by default) piped from this script into `lambda-cost calibrate -`,
  never written to disk: the peak RSS of the pipeline (the largest of its processes).

Usage (with the project's virtualenv):

    python bench/calibrate.py [--lines 1000000] [--repeat 3] [--memory-lines 10000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

SEED = 20251001
RATIO_TARGET = 2.0  # calibrate / bare pass, at --lines
RSS_TARGET_MB = 200.0  # peak RSS at --memory-lines
START = 1_756_684_800  # 2025-09-01T00:00:00Z
SPACING_S = 1.2096  # 1M lines over 14 days
# bench/run.py's wrapper, with the child's CPU time too: on a shared machine wall time follows the other load,
# CPU time much less.
WRAPPER_CODE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss,
                  "returncode": done.returncode, "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""
BARE_PATTERN = (r"^(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|\+00:00)[\t ]+)?REPORT RequestId: (\S+)[\t ]+"
                r"Duration: ([\d.]+) ms[\t ]+Billed Duration: (\d+) ms[\t ]+Memory Size: (\d+) MB[\t ]+"
                r"Max Memory Used: (\d+) MB")
BARE_CODE = ("import re, sys\nrx = re.compile(sys.argv[2])\n"
             "with open(sys.argv[1]) as f:\n    for line in f: rx.search(line)")


def emit(lines: int, out: TextIO, seed: int = SEED) -> None:
    """Write `lines` REPORT lines; the text depends only on `lines` and `seed`."""
    rng = random.Random(seed)
    batch = []
    second, text = -1, ""
    for index in range(lines):
        moment = START + index * SPACING_S
        if int(moment) != second:  # formatting the date is the slow part: once a second
            second = int(moment)
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        stamp = f"{text}.{int(moment * 1000) % 1000:03d}Z"
        hundredths = rng.randint(100, 99_999)
        duration = f"{hundredths // 100}.{hundredths % 100:02d}"
        extra = ""
        if index % 100 == 0:
            extra = f"Init Duration: {rng.randint(10_000, 99_999) / 100:.2f} ms\t"
        elif index % 1000 == 1:
            extra = "Status: error\tError Type: Runtime.ExitError\t"
        batch.append(
            f"{stamp} REPORT RequestId: 4ce9340a-1234-4a1b-9f0e-{index:012x}\tDuration: {duration} ms\t"
            f"Billed Duration: {-(-hundredths // 100)} ms \tMemory Size: 512 MB\t"
            f"Max Memory Used: {rng.randint(60, 200)} MB\t{extra}\n"
        )
        if len(batch) == 10_000:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))


def measure_once(argv: list[str]) -> dict[str, float]:
    """One run of `argv` under a fresh wrapper: wall and CPU seconds, peak RSS (MB). A failing child is an error."""
    done = subprocess.run([sys.executable, "-c", WRAPPER_CODE, *argv], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {result['returncode']}:\n{result['stderr']}")
    return {"wall_s": result["wall_s"], "cpu_s": result["cpu_s"], "peak_rss_mb": result["maxrss_kib"] / 1024}


def measure(commands: dict[str, list[str]], repeat: int) -> dict[str, dict[str, Any]]:
    """Each command `repeat` times, round-robin; the best wall and CPU time of each, and its largest peak RSS."""
    runs: dict[str, list[dict[str, float]]] = {label: [] for label in commands}
    for attempt in range(repeat):
        for label, argv in commands.items():
            runs[label].append(measure_once(argv))
            last = runs[label][-1]
            print(f"  {label:<10} run {attempt + 1}/{repeat}: {last['wall_s']:7.2f} s wall, {last['cpu_s']:7.2f} s "
                  f"CPU, {last['peak_rss_mb']:6.1f} MB", file=sys.stderr, flush=True)
    return {label: {"runs": done, "best_wall_s": min(r["wall_s"] for r in done),
                    "best_cpu_s": min(r["cpu_s"] for r in done),
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in done)} for label, done in runs.items()}


def run(lines: int, repeat: int, memory_lines: int, lambda_cost: str) -> dict[str, Any]:
    results: dict[str, Any] = {"lines": lines, "memory_lines": memory_lines, "seed": SEED}
    with tempfile.TemporaryDirectory(prefix="lambda-cost-calibrate-bench-") as folder:
        path = Path(folder) / "report.log"
        with open(path, "w") as handle:
            emit(lines, handle)
        results["file_mb"] = path.stat().st_size / 2**20
        print(f"{lines:,} lines, {results['file_mb']:.0f} MB", file=sys.stderr)
        timed = measure({
            "bare": [sys.executable, "-c", BARE_CODE, str(path), BARE_PATTERN],
            "calibrate": [lambda_cost, "calibrate", str(path), "--function", "bench", "--window", "14d", "-f", "json"],
        }, repeat)
    results.update(timed)
    results["ratio_wall"] = timed["calibrate"]["best_wall_s"] / timed["bare"]["best_wall_s"]
    results["ratio_cpu"] = timed["calibrate"]["best_cpu_s"] / timed["bare"]["best_cpu_s"]
    if memory_lines:
        pipeline = (f"{shlex.quote(sys.executable)} {shlex.quote(__file__)} --emit {memory_lines} | "
                    f"{shlex.quote(lambda_cost)} calibrate - --function bench --window 14d -f json")
        results["memory"] = measure_once(["sh", "-c", pipeline])
        print(f"  {memory_lines:,} lines piped: {results['memory']['wall_s']:7.2f} s, "
              f"{results['memory']['peak_rss_mb']:6.1f} MB", file=sys.stderr)
    return results


def report(results: dict[str, Any]) -> bool:
    """The table, and whether the targets are met (the ratio on CPU time: the machine may be shared)."""
    ok_ratio = results["ratio_cpu"] <= RATIO_TARGET
    bare, calibrate = results["bare"], results["calibrate"]
    print(f"{results['lines']:,} REPORT lines ({results['file_mb']:.0f} MB)        wall      CPU")
    print(f"  bare pass (for line in f: rx.search(line))  {bare['best_wall_s']:6.2f} s {bare['best_cpu_s']:6.2f} s")
    print(f"  lambda-cost calibrate --format json         {calibrate['best_wall_s']:6.2f} s "
          f"{calibrate['best_cpu_s']:6.2f} s   peak {calibrate['peak_rss_mb']:.0f} MB")
    print(f"  ratio: wall {results['ratio_wall']:.2f}, CPU {results['ratio_cpu']:.2f} (target ≤ {RATIO_TARGET}): "
          f"{'PASS' if ok_ratio else 'FAIL'}")
    ok_rss = True
    if "memory" in results:
        rss = results["memory"]["peak_rss_mb"]
        ok_rss = rss < RSS_TARGET_MB
        print(f"{results['memory_lines']:,} lines through standard input: {results['memory']['wall_s']:.1f} s, "
              f"peak {rss:.0f} MB (target < {RSS_TARGET_MB:.0f} MB): {'PASS' if ok_rss else 'FAIL'}")
    return ok_ratio and ok_rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-lines", type=int, default=10_000_000, help="0: skip the memory run")
    parser.add_argument("--out", default="bench/results/calibrate.json")
    parser.add_argument("--emit", type=int, help=argparse.SUPPRESS)  # write lines to stdout (the memory run)
    options = parser.parse_args(argv)
    if options.emit is not None:
        emit(options.emit, sys.stdout)
        return 0
    lambda_cost = str(Path(sys.executable).parent / "lambda-cost")
    results = run(options.lines, options.repeat, options.memory_lines, lambda_cost)
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    return 0 if report(results) else 1


if __name__ == "__main__":
    sys.exit(main())
