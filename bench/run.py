"""Benchmark `lambda-cost estimate` against the cost of parsing the same YAML with PyYAML's C loader.

For each size N, a deterministic workload of N functions (seeded random; every invocation type, both architectures,
three regions) is written as block-style YAML to a temporary folder. Then, in fresh subprocesses:

* the floor: PyYAML's CSafeLoader loading the file, and nothing else;
* `lambda-cost estimate FILE --format json` (the console script next to sys.executable);
* for the smallest size, the same estimate as a table, the import floor: `python -c "import typer, rich, pydantic,
  yaml"`, and two references that show what the stack itself costs at start-up: the import floor plus one
  one-field pydantic model (the model floor), and bench/stack_floor.py, a typer command that loads the file and
  validates one field (the stack floor);
* at the memory target's size, an invalid copy of the workload (one function in a thousand with an impossible
  memory_mb), whose estimate exits 2 after locating every problem.

Each measured child runs under its own wrapper process, so RUSAGE_CHILDREN's max RSS is that one child's peak.
Wall time is taken inside the wrapper, around the child alone. A table with PASS/FAIL against the targets is printed
and the figures are written as JSON.

Usage (with the project's virtualenv):

    python bench/run.py [--sizes 5,1000,10000,100000] [--repeat 3] [--out bench/results/latest.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SEED = 20240601
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
ARCHITECTURES = ("x86_64", "arm64")
INVOCATION_TYPES = ("sync", "async", "sqs", "kinesis", "dynamodb", "msk", "kafka", "mq", "documentdb")
STREAM_TYPES = ("kinesis", "dynamodb", "msk", "kafka", "documentdb")
RATE_FIELDS = ("per_month", "per_day", "per_hour", "per_second")
MEMORY_CHOICES = (128, 256, 512, 1024, 1536, 1769, 2048, 3008, 4096, 10240)

# Targets (#2's, and #14's where it set them).
RATIO_TARGETS = {10_000: 1.3, 100_000: 0.65}  # estimate / YAML floor, at these sizes
RSS_TARGET_MB = 600.0  # peak RSS (MiB) at this size
RSS_SIZE = 100_000
INVALID_RSS_TARGET_MB = 1024.0  # peak RSS (MiB) of the invalid workload's estimate at RSS_SIZE
INVALID_EVERY = 1000  # one function in this many is invalid
STARTUP_SIZE = 5  # at this size, estimate / import floor
STARTUP_TARGETS = {"estimate": 1.7, "table": 2.2}  # --format json, and the default table
LINEAR_TOLERANCE = 1.25  # per-function time, largest / second-largest size

FLOOR_CODE = "import sys, yaml; yaml.load(open(sys.argv[1]).read(), Loader=yaml.CSafeLoader)"
IMPORT_FLOOR_CODE = "import typer, rich, pydantic, yaml"
# pydantic imports its schema machinery lazily, at the first model: the least any pydantic validation costs.
MODEL_FLOOR_CODE = IMPORT_FLOOR_CODE + "\nclass M(pydantic.BaseModel):\n    a: int\nM(a=1)"
STACK_FLOOR_SCRIPT = Path(__file__).parent / "stack_floor.py"

# Runs one command with stdout to /dev/null and prints its wall time, peak RSS (KiB) and exit status as JSON.
# A fresh wrapper per run keeps RUSAGE_CHILDREN's ru_maxrss to the one child it waited for.
WRAPPER_CODE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = usage.ru_maxrss
if sys.platform == "darwin":
    rss //= 1024
print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kib": rss,
                  "returncode": done.returncode,
                  "stderr": done.stderr.decode("utf-8", "replace")[-2000:]}))
"""


@dataclass
class Measurement:
    """Repeated runs of one command: wall times, CPU times and peak RSS."""

    command: str
    times_s: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)
    # User and system CPU time: on a machine shared with other work it varies much less than wall time, which the
    # targets are judged on; reported beside it.
    cpu_s: list[float] = field(default_factory=list)

    @property
    def best_s(self) -> float:
        return min(self.times_s)

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    @property
    def max_rss_mb(self) -> float:
        return max(self.peak_rss_mb)

    def summary(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "best_s": self.best_s,
            "median_s": self.median_s,
            "max_peak_rss_mb": self.max_rss_mb,
            "best_cpu_s": min(self.cpu_s),
        }


# ---------------------------------------------------------------------------------------------------------------
# Workload generation


def _number(rng: random.Random, low: int, high: int) -> str:
    """A volume as a human might write it: an integer, sometimes with a decimal part."""
    value = rng.randint(low, high)
    return f"{value}.5" if rng.random() < 0.1 else str(value)


def _invocation_lines(rng: random.Random, kind: str) -> list[str]:
    rate = rng.choice(RATE_FIELDS)
    volume = {
        "per_month": _number(rng, 1_000, 50_000_000),
        "per_day": _number(rng, 100, 2_000_000),
        "per_hour": _number(rng, 10, 100_000),
        "per_second": _number(rng, 0, 50),
    }[rate]
    error_rates = ("0", "0.001", "0.01", "0.02", "0.05", "0.1")
    extra: list[str] = []
    if kind == "sync":
        if rng.random() < 0.5:
            extra.append(f"client_retries: {rng.randint(0, 3)}")
    elif kind == "async":
        if rng.random() < 0.6:
            extra.append(f"max_retries: {rng.randint(0, 2)}")
    elif kind == "sqs":
        fifo = rng.random() < 0.2
        if fifo:
            extra.append("fifo: true")
        bounded = rng.random() < 0.8
        batch = rng.randint(1, 10) if fifo else rng.choice((1, 10, 50, 100, 1000) if bounded else (1, 10, 50))
        extra.append(f"batch_size: {batch}")
        if bounded:
            extra.append(f"max_receive_count: {rng.randint(1, 10)}")
        else:  # retried forever: keep the batch failure rate well below 1, or the cost has no bound
            error_rates = ("0", "0.0001", "0.001")
    elif kind in STREAM_TYPES:
        bounded = rng.random() < 0.8
        extra.append(f"batch_size: {rng.choice((1, 10, 100, 500, 1000, 10000) if bounded else (1, 10, 100))}")
        if bounded:
            extra.append(f"max_retry_attempts: {rng.choice((0, 1, 2, 5, 10, 100))}")
        else:
            if rng.random() < 0.5:
                extra.append("max_retry_attempts: -1")
            error_rates = ("0", "0.0001", "0.001")
    elif kind == "mq":
        extra.append(f"batch_size: {rng.choice((1, 10, 100, 1000))}")
    lines = [f"- type: {kind}", f"  {rate}: {volume}"]
    if rng.random() < 0.8:
        lines.append(f"  error_rate: {rng.choice(error_rates)}")
    lines.extend("  " + line for line in extra)
    return lines


def _function_lines(rng: random.Random, index: int) -> list[str]:
    lines = [f"- name: fn-{index:06d}", f"  memory_mb: {rng.choice(MEMORY_CHOICES)}"]
    if rng.random() < 0.5:
        lines.append(f"  architecture: {ARCHITECTURES[rng.randrange(2)]}")
    longest = duration = rng.randint(1, 30_000)
    lines.append(f"  duration_ms: {duration}")
    if rng.random() < 0.3:
        longest = max(longest, error_duration := rng.randint(1, 60_000))
        lines.append(f"  error_duration_ms: {error_duration}")
    if rng.random() < 0.2:
        lines.append(f"  ephemeral_storage_mb: {rng.choice((512, 1024, 2048, 10240))}")
    if rng.random() < 0.3:  # a timeout no attempt exceeds
        timeout = rng.choice([t for t in (3, 30, 60, 300, 900) if t * 1000 >= longest])
        lines.append(f"  timeout_s: {timeout}")
    if rng.random() < 0.6:
        lines.append(f"  region: {rng.choice(REGIONS)}")
    lines.append("  invocations:")
    # The first source cycles through every type, so each type appears from 9 functions up.
    kinds = [INVOCATION_TYPES[index % len(INVOCATION_TYPES)]]
    kinds += [rng.choice(INVOCATION_TYPES) for _ in range(rng.choice((0, 0, 1, 2)))]
    for kind in kinds:
        lines.extend("    " + line for line in _invocation_lines(rng, kind))
    return lines


def generate_workload(size: int, seed: int = SEED) -> str:
    """A version-1 workload of `size` functions as block-style YAML; the same size and seed give the same text."""
    rng = random.Random(f"{seed}:{size}")
    lines = [
        f"# Benchmark workload: {size} functions, generated by bench/run.py (seed {seed}).",
        "version: 1",
        "region: us-east-1",
        "free_tier: true",
        "functions:",
    ]
    for index in range(size):
        lines.extend("  " + line for line in _function_lines(rng, index))
    return "\n".join(lines) + "\n"


def invalidate(text: str, every: int = INVALID_EVERY) -> str:
    """The workload with one function in `every` given memory_mb 99999 (the most is 10240): every one a problem."""
    lines = text.split("\n")
    seen = 0
    for number, line in enumerate(lines):
        if line.startswith("    memory_mb: "):
            seen += 1
            if seen % every == 0:
                lines[number] = "    memory_mb: 99999"
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Measurement

# The exit status each command is expected to end with (0 unless given): the invalid workload's estimate exits 2.
EXPECTED_EXIT = {"invalid": 2}


def measure_once(argv: list[str], timeout: float | None, expected_exit: int = 0) -> tuple[float, float, float]:
    """Run `argv` once under a fresh wrapper: (wall seconds, CPU seconds, peak RSS MiB). Another exit status is an
    error."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER_CODE, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    result = json.loads(done.stdout)
    if result["returncode"] != expected_exit:
        raise RuntimeError(f"{' '.join(argv)} exited {result['returncode']}:\n{result['stderr']}")
    return float(result["wall_s"]), float(result["cpu_s"]), result["maxrss_kib"] / 1024


def measure(commands: dict[str, list[str]], repeat: int, timeout: float | None) -> dict[str, Measurement]:
    """Run each command `repeat` times, round-robin, so that a slow spell of the machine hits all of them alike."""
    measurements = {label: Measurement(command=" ".join(argv)) for label, argv in commands.items()}
    for attempt in range(repeat):
        for label, argv in commands.items():
            wall, cpu, rss = measure_once(argv, timeout, EXPECTED_EXIT.get(label, 0))
            measurements[label].times_s.append(wall)
            measurements[label].cpu_s.append(cpu)
            measurements[label].peak_rss_mb.append(rss)
            print(f"  {label:<12} run {attempt + 1}/{repeat}: {wall:8.3f} s ({cpu:.3f} s CPU), {rss:8.1f} MB",
                  file=sys.stderr, flush=True)
    return measurements


def count_instructions(argv: list[str], timeout: float | None) -> int:
    """Instructions one run of `argv` executes, counted by valgrind's callgrind: the same figure on a busy machine."""
    with tempfile.TemporaryDirectory(prefix="lambda-cost-callgrind-") as scratch:
        out = Path(scratch) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=True,
        )
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"callgrind gave no instruction count for {' '.join(argv)}")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run(
    sizes: list[int], repeat: int, out: Path, timeout: float | None, keep: Path | None, instructions: bool = False
) -> dict[str, Any]:
    python = sys.executable
    lambda_cost = Path(sys.executable).parent / "lambda-cost"
    if not lambda_cost.exists():
        raise SystemExit(f"no lambda-cost next to {python}; run this with the virtualenv's python")

    results: dict[str, Any] = {
        "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": _versions(),
        "seed": SEED,
        "repeat": repeat,
        "targets": {
            "ratio_max": {str(size): target for size, target in RATIO_TARGETS.items()},
            "peak_rss_mb_max": RSS_TARGET_MB,
            "peak_rss_size": RSS_SIZE,
            "invalid_peak_rss_mb_max": INVALID_RSS_TARGET_MB,
            "startup_ratio_max": STARTUP_TARGETS,
            "startup_size": STARTUP_SIZE,
        },
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="lambda-cost-bench-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            path = folder / f"workload-{size}.yaml"
            text = generate_workload(size)
            path.write_text(text, encoding="utf-8")
            megabytes = path.stat().st_size / 1_000_000
            print(f"size {size} ({megabytes:.2f} MB): {path}", file=sys.stderr, flush=True)
            commands = {
                "yaml floor": [python, "-c", FLOOR_CODE, str(path)],
                "estimate": [str(lambda_cost), "estimate", str(path), "--format", "json"],
            }
            if size == STARTUP_SIZE:
                commands["table"] = [str(lambda_cost), "estimate", str(path)]  # to a pipe: 100 columns, no colour
                commands["imports"] = [python, "-c", IMPORT_FLOOR_CODE]
                commands["model floor"] = [python, "-c", MODEL_FLOOR_CODE]
                commands["stack floor"] = [python, str(STACK_FLOOR_SCRIPT), "estimate", str(path), "--format", "json"]
            if size == RSS_SIZE:
                invalid = folder / f"invalid-{size}.yaml"
                invalid.write_text(invalidate(text), encoding="utf-8")
                commands["invalid"] = [str(lambda_cost), "estimate", str(invalid), "--format", "json"]
            del text
            measured = measure(commands, repeat, timeout)
            floor, estimate = measured["yaml floor"], measured["estimate"]
            entry: dict[str, Any] = {
                "functions": size,
                "file_mb": megabytes,
                "floor": floor.summary(),
                "estimate": estimate.summary(),
                "ratio_best": estimate.best_s / floor.best_s,
                "ratio_median": estimate.median_s / floor.median_s,
                "cpu_ratio_best": min(estimate.cpu_s) / min(floor.cpu_s),
            }
            if "invalid" in measured:
                entry["invalid"] = measured["invalid"].summary()
            if size == STARTUP_SIZE:
                imports, stack = measured["imports"], measured["stack floor"]
                entry["table"] = measured["table"].summary()
                entry["table_import_ratio_best"] = measured["table"].best_s / imports.best_s
                results["import_floor"] = imports.summary()
                results["model_floor"] = measured["model floor"].summary()
                results["stack_floor"] = stack.summary()
                entry["import_ratio_best"] = estimate.best_s / imports.best_s
                entry["import_ratio_median"] = estimate.median_s / imports.median_s
                entry["stack_ratio_best"] = estimate.best_s / stack.best_s
                entry["stack_ratio_median"] = estimate.median_s / stack.median_s
                if instructions:
                    print("counting instructions (callgrind)", file=sys.stderr, flush=True)
                    results["instructions"] = {
                        label: count_instructions(commands[label], timeout)
                        for label in ("imports", "model floor", "stack floor", "estimate", "table")
                    }
            results["sizes"].append(entry)
    results["linearity"] = _linearity(results["sizes"])
    results["verdicts"] = _verdicts(results)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in ("lambda-cost", "pyyaml", "pydantic", "pydantic-core", "typer", "rich"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _linearity(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Time per function at the largest size over that at the second-largest: about 1 when time grows linearly.

    Also given net of start-up, taking the smallest size's estimate time as the fixed cost.
    """
    ordered = sorted(entries, key=lambda e: e["functions"])
    if len(ordered) < 2:
        return None
    second, largest = ordered[-2], ordered[-1]
    base = ordered[0]["estimate"]["best_s"] if len(ordered) >= 3 else None

    def per_function(entry: dict[str, Any], fixed: float) -> float:
        return (entry["estimate"]["best_s"] - fixed) / entry["functions"]

    raw = per_function(largest, 0.0) / per_function(second, 0.0)
    net = None
    if base is not None and per_function(second, base) > 0:
        net = per_function(largest, base) / per_function(second, base)
    return {
        "sizes": [second["functions"], largest["functions"]],
        "per_function_ms": [per_function(second, 0.0) * 1000, per_function(largest, 0.0) * 1000],
        "ratio": raw,
        "net_of_startup_s": base,
        "net_ratio": net,
        "roughly_linear": (net if net is not None else raw) <= LINEAR_TOLERANCE,
    }


def _verdicts(results: dict[str, Any]) -> dict[str, bool]:
    verdicts: dict[str, bool] = {}
    for entry in results["sizes"]:
        size = entry["functions"]
        if size in RATIO_TARGETS:
            verdicts[f"ratio@{size}"] = entry["ratio_best"] <= RATIO_TARGETS[size]
        if size == RSS_SIZE:
            verdicts[f"rss@{size}"] = entry["estimate"]["max_peak_rss_mb"] <= RSS_TARGET_MB
            verdicts[f"invalid-rss@{size}"] = entry["invalid"]["max_peak_rss_mb"] <= INVALID_RSS_TARGET_MB
        if "import_ratio_best" in entry:
            verdicts[f"startup@{size}"] = entry["import_ratio_best"] <= STARTUP_TARGETS["estimate"]
            verdicts[f"startup-table@{size}"] = entry["table_import_ratio_best"] <= STARTUP_TARGETS["table"]
    return verdicts


def print_table(results: dict[str, Any]) -> None:
    header = (
        f"{'functions':>9}  {'file MB':>8}  {'floor s (best/med)':>19}  {'estimate s (best/med)':>22}"
        f"  {'ratio':>6}  {'peak RSS MB':>11}  targets"
    )
    print(header)
    print("-" * len(header))
    for entry in results["sizes"]:
        size = entry["functions"]
        floor, estimate = entry["floor"], entry["estimate"]
        notes = []
        if size in RATIO_TARGETS:
            target = RATIO_TARGETS[size]
            notes.append(f"ratio≤{target} {_verdict(entry['ratio_best'] <= target)}")
        if size == RSS_SIZE:
            notes.append(f"RSS≤{RSS_TARGET_MB:.0f}MB {_verdict(estimate['max_peak_rss_mb'] <= RSS_TARGET_MB)}")
            invalid = entry["invalid"]["max_peak_rss_mb"]
            notes.append(f"invalid file: {invalid:.0f} MB (≤{INVALID_RSS_TARGET_MB:.0f}) "
                         f"{_verdict(invalid <= INVALID_RSS_TARGET_MB)}")
        if "import_ratio_best" in entry:
            for key, label, target in (("import_ratio_best", "json", STARTUP_TARGETS["estimate"]),
                                       ("table_import_ratio_best", "table", STARTUP_TARGETS["table"])):
                notes.append(f"{label} {entry[key]:.2f}× import floor (≤{target}) {_verdict(entry[key] <= target)}")
        print(
            f"{size:>9}  {entry['file_mb']:>8.2f}  {floor['best_s']:>9.3f}/{floor['median_s']:<9.3f}"
            f"  {estimate['best_s']:>10.3f}/{estimate['median_s']:<11.3f}  {entry['ratio_best']:>6.2f}"
            f"  {estimate['max_peak_rss_mb']:>11.1f}  {'; '.join(notes)}"
        )
    if "import_floor" in results:
        imports = results["import_floor"]
        print(
            f"import floor (python -c '{IMPORT_FLOOR_CODE}'): best {imports['best_s']:.3f} s, "
            f"median {imports['median_s']:.3f} s, peak RSS {imports['max_peak_rss_mb']:.1f} MB"
        )
        for key, label in (("model_floor", "model floor (+ one pydantic model)"),
                           ("stack_floor", "stack floor (bench/stack_floor.py)")):
            if key in results:
                reference = results[key]
                print(
                    f"{label}: best {reference['best_s']:.3f} s, median {reference['median_s']:.3f} s = "
                    f"{reference['best_s'] / imports['best_s']:.2f}× import floor"
                )
        for entry in results["sizes"]:
            if "table" in entry:
                table = entry["table"]
                print(f"estimate as a table at {entry['functions']} functions: best {table['best_s']:.3f} s, "
                      f"median {table['median_s']:.3f} s")
        counts = results.get("instructions")
        if counts:
            print("instructions (callgrind, one run each): " + ", ".join(
                f"{label} {count / 1e6:.0f} M ({count / counts['imports']:.2f}×)" for label, count in counts.items()
            ))
        for entry in results["sizes"]:
            if "stack_ratio_best" in entry:
                print(f"estimate at {entry['functions']} functions: {entry['stack_ratio_best']:.2f}× stack floor")
    linear = results.get("linearity")
    if linear:
        small, large = linear["sizes"]
        text = (
            f"linearity: {linear['per_function_ms'][1]:.4f} ms/function at {large} vs "
            f"{linear['per_function_ms'][0]:.4f} at {small} (×{linear['ratio']:.2f})"
        )
        if linear["net_ratio"] is not None:
            text += f"; net of {linear['net_of_startup_s']:.3f} s start-up ×{linear['net_ratio']:.2f}"
        text += f" → {'roughly linear' if linear['roughly_linear'] else 'NOT linear'} (≤{LINEAR_TOLERANCE})"
        print(text)
    print("CPU time, estimate / YAML floor (best of each): " + ", ".join(
        f"{entry['functions']}: {entry['cpu_ratio_best']:.2f}" for entry in results["sizes"]))
    print("ratio = estimate best / floor best; peak RSS is the largest of the estimate runs")


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, comma-separated")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=_sizes, default=_sizes("5,1000,10000,100000"), help="numbers of functions")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command per size (best and median)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "latest.json")
    parser.add_argument("--timeout", type=float, default=None, help="seconds before one child run is abandoned")
    parser.add_argument("--keep", type=Path, default=None, help="write the workloads here and keep them")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the start-up commands' instructions with valgrind (callgrind)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind on PATH")
    results = run(args.sizes, args.repeat, args.out, args.timeout, args.keep, args.instructions)
    print_table(results)
    print(f"figures written to {args.out}")
    return 0 if all(results["verdicts"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
