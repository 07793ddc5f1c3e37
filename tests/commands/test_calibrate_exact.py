"""The workload calibrate writes estimates to what the logs say was billed: a hand-computed log to the GB-s, and a
property over generated logs (calibrate, then estimate, equals the direct sum over the lines, scaled)."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path

from conftest import estimate_text
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_cost.commands.calibrate import run as calibrate

FIXTURES = Path(__file__).parent.parent / "fixtures" / "usage"
LINE = ("REPORT RequestId: {n}\tDuration: {d}.00 ms\tBilled Duration: {b} ms\tMemory Size: {m} MB\t"
        "Max Memory Used: 60 MB\t{extra}\n")


def calibrated(paths: list[str], **options: object) -> str:
    out = io.StringIO()
    assert calibrate(paths, stdout=out, quiet=True, **options) == 0  # type: ignore[arg-type]
    return out.getvalue()


def test_a_hand_computed_log_is_reproduced_to_the_gb_second(tmp_path: Path) -> None:
    """Five invocations at 128 MB billed 27 + 147 (a cold start: Billed Duration holds INIT) + 610 (a SnapStart
    restore: it holds the billed restore) + 3000 (a timeout) + 1 = 3,785 ms in 73 hours. A month is 10 windows:
    50 invocations and 37.85 s × 0.125 GB = 4.73125 GB-s. Rounding the mean success duration (196.25 ms) up,
    as an estimate of guessed durations does, would bill 4.735 GB-s."""
    log = tmp_path / "api.log"
    log.write_text(
        LINE.format(n=1, d=26, b=27, m=128, extra="")
        + LINE.format(n=2, d=15, b=147, m=128, extra="Init Duration: 130.49 ms\t")
        + LINE.format(n=3, d=306, b=610, m=128, extra="Restore Duration: 511.25 ms\tBilled Restore Duration: 303 ms\t")
        + "2025-09-01T00:00:03.000Z 00000000-0000-0000-0000-000000000004 Task timed out after 3.00 seconds\n"
        + LINE.format(n="00000000-0000-0000-0000-000000000004", d=3001, b=3000, m=128, extra="")
        + LINE.format(n=5, d=0, b=1, m=128, extra="")
    )
    text = calibrated([str(log)], function="api", window="73h")
    assert "duration_ms: 196.25 " in text and "error_duration_ms: 3000 " in text
    assert "per_month: 50 " in text and "error_rate: 0.2 " in text and "durations_billed: true" in text
    assert "\n    init_duration_ms" not in text  # INIT is inside Billed Duration: a key would bill it twice
    [priced] = estimate_text(text, free_tier=False).functions
    assert priced.requests == 50
    assert priced.gb_seconds == Decimal("4.73125")
    assert priced.extras is not None and priced.extras.init_gb_seconds == 0


LINES = st.lists(
    st.tuples(st.integers(1, 20_000), st.sampled_from(["", "Status: error\t", "Status: timeout\t"]),
              st.booleans()),
    min_size=1, max_size=40,
)


@settings(max_examples=30, deadline=None)
@given(lines=LINES, memory=st.integers(128, 10_240), hours=st.integers(1, 2_000))
def test_calibrate_then_estimate_equals_the_direct_sum_scaled(
    lines: list[tuple[int, str, bool]], memory: int, hours: int
) -> None:
    body = "".join(LINE.format(n=i, d=max(b - 1, 0), b=b, m=memory,
                               extra=status + ("Init Duration: 99.99 ms\t" if cold else ""))
                   for i, (b, status, cold) in enumerate(lines))
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "generated.log"
        log.write_text(body)
        text = calibrated([str(log)], function="fn", window=f"{hours}h")
    [priced] = estimate_text(text, free_tier=False).functions
    scale = Decimal(730) / hours
    expected_gb_s = Decimal(sum(b for b, _, _ in lines)) / 1000 * memory / 1024 * scale
    # The estimate carries quantities to 18 decimal places; the workload's values hold 28 significant digits.
    assert abs(priced.gb_seconds - expected_gb_s) <= max(expected_gb_s * Decimal("1e-24"), Decimal("1e-17"))
    assert abs(priced.requests - len(lines) * scale) <= max(len(lines) * scale * Decimal("1e-24"), Decimal("1e-17"))
