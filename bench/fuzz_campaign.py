"""A fuzz campaign outside CI: the strategies and checks of tests/fuzz, tens of thousands of inputs, a tally.

    python bench/fuzz_campaign.py --inputs 5000            # per input kind; about an hour on two cores
    python bench/fuzz_campaign.py --inputs 200 --kind workloads --seed 7

Each input kind runs `--inputs` inputs through the same commands and judge as tests/fuzz/test_fuzz_inputs.py, but
a failure is counted and kept (the first three of each kind of failure, with the input) instead of stopping the run.
Prints one line per kind (inputs, commands run, internal errors, other failures, the slowest input) and, with
--json, writes the tally. Exit code 1 when any input failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "fuzz"), str(ROOT / "tests")]  # fuzz_kit, and the conftest it shares

import fuzz_kit  # noqa: E402 - after the path
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402


@dataclass
class Tally:
    """What one input kind did."""

    inputs: int = 0
    runs: int = 0
    exit_codes: Counter[int] = field(default_factory=Counter)
    internal_errors: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    slowest_s: float = 0.0


def _signature(error: BaseException) -> str:
    """A failure's kind: its first line without paths and numbers, so that one bug counts once."""
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return re.sub(r"\d+", "N", re.sub(r"/tmp/\S+", "FILE", first))[:160]


def campaign(kinds: dict[str, Any], kind: str, inputs: int, run_seed: int) -> Tally:
    strategy, check = kinds[kind]
    tally = Tally()

    def one(value: Any) -> None:
        tally.inputs += 1
        started = time.perf_counter()
        try:
            runs = check(value)
        except Exception as error:  # a failed check, or anything else the input raised in the test itself
            text = str(error)
            signature = _signature(error)
            tally.failures[signature] += 1
            if "exit code 3" in text or "internal error" in text or "escaped run_guarded" in text:
                tally.internal_errors += 1
            tally.examples.setdefault(signature, [])
            if len(tally.examples[signature]) < 3:
                tally.examples[signature].append(f"{text[:2000]}\ninput: {value!r}"[:6000])
            return
        finally:
            tally.slowest_s = max(tally.slowest_s, time.perf_counter() - started)
        tally.runs += len(runs)
        tally.exit_codes.update(run.exit_code for run in runs)

    test = seed(run_seed)(settings(
        max_examples=inputs, deadline=None, database=None, derandomize=False,
        suppress_health_check=list(HealthCheck),
    )(given(strategy)(one)))
    test()
    return tally


def main(argv: list[str] | None = None) -> int:
    kinds = fuzz_kit.kinds()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=1000, help="inputs per kind (default 1000)")
    parser.add_argument("--kind", action="append", choices=sorted(kinds), help="only these kinds (repeatable)")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--json", type=Path, help="write the tally here")
    args = parser.parse_args(argv)
    results = {}
    failed = False
    for kind in args.kind or list(kinds):
        started = time.perf_counter()
        tally = campaign(kinds, kind, args.inputs, args.seed)
        elapsed = time.perf_counter() - started
        failed = failed or bool(tally.failures)
        codes = dict(sorted(tally.exit_codes.items()))
        print(f"{kind:16} {tally.inputs:7,} inputs {tally.runs:7,} runs  exit codes {codes}"
              f"  internal errors {tally.internal_errors}  other failures {sum(tally.failures.values())}"
              f"  slowest {tally.slowest_s:.1f} s  ({elapsed:.0f} s)", flush=True)
        for signature, count in tally.failures.most_common():
            print(f"    {count:5} × {signature}")
        results[kind] = {"inputs": tally.inputs, "runs": tally.runs, "exit_codes": dict(tally.exit_codes),
                         "internal_errors": tally.internal_errors, "failures": dict(tally.failures),
                         "examples": tally.examples, "slowest_s": round(tally.slowest_s, 2),
                         "elapsed_s": round(elapsed, 1)}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
