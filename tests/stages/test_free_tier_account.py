"""The free tier as an account sees it: what other usage takes (used_elsewhere), the one account-level credit,
functions priced gross, and diffs that change only what changed. Expected figures are worked by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import ROOT, estimate_text, function, workload_yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.model.priced import FREE_TIER_ROW
from lambda_cost.numbers import ARITHMETIC, exact_sum
from lambda_cost.stages.diff import compare, load_snapshot
from lambda_cost.tables.catalog import TableCatalog

runner = CliRunner()
REQUEST = Decimal("0.0000002")
X86 = Decimal("0.0000166667")
ARM = Decimal("0.0000133334")
V1_ESTIMATE = ROOT / "tests" / "fixtures" / "freetier" / "web-api-v1.json"


def mobile_backend(**top: Any) -> str:
    """AWS's mobile backend: 3M requests of 120 ms at 1536 MB, 540,000 GB-s."""
    return workload_yaml(function("f", 1536, 120, invocations=[{"type": "sync", "per_month": 3_000_000}]), **top)


def test_functions_are_gross_and_the_credit_is_the_accounts() -> None:
    estimate = estimate_text(mobile_backend())
    (priced,) = estimate.functions
    assert not [i for i in priced.line_items if i.component.startswith("free_tier_")]
    assert priced.total == Decimal(540_000) * X86 + Decimal(3_000_000) * REQUEST  # 9.000018 + 0.6
    credit = {i.component: i for i in estimate.free_tier.items}
    assert (credit["free_tier_requests"].quantity, credit["free_tier_requests"].cost) == (-1_000_000, Decimal("-0.2"))
    assert (credit["free_tier_duration"].quantity, credit["free_tier_duration"].cost) == (-400_000,
                                                                                          Decimal("-6.66668"))
    assert estimate.free_tier.total == Decimal("-6.86668")
    assert estimate.total == Decimal("2.733338")  # AWS's $2.73, as before


def test_used_elsewhere_reduces_each_allowance() -> None:
    # 1,000,000 − 250,000 = 750,000 free requests: $0.15; 400,000 − 100,000 = 300,000 free GB-s: $5.00001.
    estimate = estimate_text(mobile_backend(free_tier={"used_elsewhere": {"requests": "250k", "gb_seconds": 100_000}}))
    free = estimate.free_tier
    assert (free.requests.left, free.requests.credited) == (750_000, 750_000)
    assert (free.gb_seconds.left, free.gb_seconds.credited) == (300_000, 300_000)
    assert free.total == Decimal("-0.15") - Decimal("5.00001")
    assert estimate.total == Decimal("9.600018") - Decimal("5.15001")


def test_more_than_the_allowance_used_elsewhere_leaves_none_and_says_so(write: Any) -> None:
    text = mobile_backend(free_tier={"used_elsewhere": {"gb_seconds": "1.5M"}})
    estimate = estimate_text(text)
    assert estimate.free_tier.gb_seconds.overused and estimate.free_tier.gb_seconds.credited == 0
    assert [i.component for i in estimate.free_tier.items if i.cost] == ["free_tier_requests"]
    result = runner.invoke(app, ["estimate", write("w.yaml", text), "--explain"])
    assert result.exit_code == 0, result.output
    assert ("duration: 400,000 GB-s a month − 1,500,000 used elsewhere, more than the allowance: none left; used "
            "here 540,000; credited min(0, 540,000) = 0 GB-s") in " ".join(result.stdout.split())


def test_used_elsewhere_exhausted_takes_every_component() -> None:
    estimate = estimate_text(mobile_backend(free_tier={"used_elsewhere": "exhausted"}))
    assert estimate.free_tier.enabled and estimate.free_tier.total == 0
    assert estimate.total == Decimal("9.600018")
    assert estimate.total == estimate_text(mobile_backend(free_tier=False)).total


def test_no_free_tier_on_the_command_line_wins_and_free_tier_keeps_used_elsewhere() -> None:
    text = mobile_backend(free_tier={"used_elsewhere": {"requests": "exhausted"}})
    assert estimate_text(text, free_tier=False).free_tier.enabled is False
    kept = estimate_text(text, free_tier=True).free_tier
    assert kept.requests.elsewhere is None and kept.gb_seconds.credited == 400_000


def test_explain_shows_the_credits_arithmetic(write: Any) -> None:
    path = write("w.yaml", mobile_backend(free_tier={"used_elsewhere": {"requests": "250k"}}))
    result = runner.invoke(app, ["estimate", path, "--explain"])
    text = " ".join(result.stdout.split())
    assert ("requests: 1,000,000 requests a month − 250,000 used elsewhere = 750,000 left; used here 3,000,000; "
            "credited min(750,000, 3,000,000) = 750,000 requests") in text
    assert "-750,000 requests × $0.0000002000 = -$0.150000" in text
    assert "-400,000 GB-s × $0.0000166667 = -$6.666680" in text
    document = json.loads(runner.invoke(app, ["estimate", path, "--format", "json", "--explain"]).stdout)
    assert document["schema_version"] == 2
    free = document["free_tier"]
    assert free["requests"] == {"allowance": "1000000", "used_elsewhere": "250000", "used_here": "3000000",
                                "used": "750000"}
    assert free["total"] == "-6.81668"
    assert [item["component"] for item in free["line_items"]] == ["free_tier_requests", "free_tier_duration"]
    assert free["line_items"][0]["explain"].endswith("-750,000 requests × $0.0000002000 = -$0.150000")


def test_bad_free_tier_values_are_every_one_refused_in_our_words(write: Any) -> None:
    path = write("bad.yaml", """\
        version: 1
        free_tier:
          used_elsewhere:
            requests: -5
            gb_secnds: 100k
            response_streaming_gb: exausted
        functions:
          - name: f
            memory_mb: 1024
            duration_ms: 100
            invocations: [{type: sync, per_month: 3M}]
        """)
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 2
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert lines[0] == f"error: {path}: 3 problems in the workload"
    assert lines[1].startswith(f"{path}:4:5: free_tier.used_elsewhere.requests: -5 is not a count of 0 or more; "
                               "write exhausted, or a number")
    assert lines[2] == (f"{path}:5:5: free_tier.used_elsewhere.gb_secnds: unknown key 'gb_secnds' "
                        "(did you mean 'gb_seconds'?)")
    assert lines[3].startswith(f"{path}:6:5: free_tier.used_elsewhere.response_streaming_gb: cannot read "
                               "'exausted' (did you mean 'exhausted'?); write exhausted, or a number")
    assert "Traceback" not in result.output


def test_bad_free_tier_shapes_are_refused_in_our_words(write: Any) -> None:
    def problem(value: str) -> str:
        path = write("bad.yaml", mobile_backend().replace("version: 1\n", f"version: 1\nfree_tier: {value}\n"))
        result = runner.invoke(app, ["validate", path])
        assert result.exit_code == 2
        (line,) = [line.strip() for line in result.stderr.splitlines()[1:]]
        return line.split(": ", 2)[2]

    assert problem("maybe").startswith("found the text 'maybe'; expected true or false or")
    assert problem("{used_elswhere: exhausted}") == "unknown key 'used_elswhere' (did you mean 'used_elsewhere'?)"
    assert problem("{used_elsewhere: [1]}").startswith(
        "found a list; used_elsewhere is exhausted, or a mapping of requests, gb_seconds, response_streaming_gb")
    assert problem("{used_elsewhere: all}").startswith("found 'all'; used_elsewhere is exhausted, or a mapping")
    assert problem("{used_elsewhere: exausted}").startswith(
        "found 'exausted' (did you mean 'exhausted'?); used_elsewhere is exhausted, or a mapping")


def test_a_one_function_change_changes_one_function_and_the_free_tier_row(write: Any) -> None:
    functions = [function("api", 1024, 120, invocations=[{"type": "sync", "per_month": 2_000_000}]),
                 function("worker", 512, 300, invocations=[{"type": "sync", "per_month": 1_000_000}]),
                 function("cron", 128, 50, architecture="arm64", invocations=[{"type": "sync", "per_month": 10_000}])]
    base = write("base.yaml", workload_yaml(*functions))
    functions[0] = {**functions[0], "duration_ms": 240}
    head = write("head.yaml", workload_yaml(*functions))
    catalog = TableCatalog()
    report = compare(load_snapshot(base, pricing=None, catalog=catalog),
                     load_snapshot(head, pricing=None, catalog=catalog))
    statuses = {f.total.name: f.status for f in report.functions}
    assert statuses == {"api": "changed", "worker": "unchanged", "cron": "unchanged", FREE_TIER_ROW: "changed"}
    (api,) = [f for f in report.functions if f.total.name == "api"]
    # 2M × 120 ms more at 1 GB: 240,000 GB-s × the x86 rate, nothing else.
    assert api.total.change == Decimal(240_000) * X86
    # The free GB-s (400,000 of 511,250) now spread over 751,250 GB-s: the x86 part of the credit moves, the row
    # shows it, and the total moves by the function's change plus the credit's.
    (row,) = [f for f in report.functions if f.total.name == FREE_TIER_ROW]
    assert report.total.change == exact_sum([api.total.change, row.total.change])
    result = runner.invoke(app, ["diff", base, head, "--format", "csv"])
    changed = {line.split(",")[0] for line in result.stdout.splitlines()[1:] if ",changed," in line}
    assert changed == {"api", FREE_TIER_ROW}


def test_a_change_within_the_free_tier_changes_one_function_only(write: Any) -> None:
    base = write("base.yaml", workload_yaml(function("a", 128, 10), function("b", 256, 10)))
    head = write("head.yaml", workload_yaml(function("a", 128, 20), function("b", 256, 10)))
    catalog = TableCatalog()
    report = compare(load_snapshot(base, pricing=None, catalog=catalog),
                     load_snapshot(head, pricing=None, catalog=catalog))
    # Both use far less than 400,000 GB-s, and 2M requests is beyond the free 1M: the credit of duration grows by
    # a's new GB-s, which are free: the total does not move; a alone is "changed", beside the credit's row.
    assert [(f.total.name, f.status) for f in report.functions] == [
        ("a", "changed"), ("b", "unchanged"), (FREE_TIER_ROW, "changed")]
    assert report.total.change == 0


def test_diff_reads_a_saved_version_1_estimate_as_version_2() -> None:
    """A v1 estimate (the free tier spread over its functions as free_tier_* items) against today's estimate of
    the same workload: every function gross, the credit one row, and nothing changed."""
    catalog = TableCatalog()
    saved = load_snapshot(str(V1_ESTIMATE), pricing=None, catalog=catalog)
    now = load_snapshot(str(ROOT / "examples" / "web-api.yaml"), pricing=None, catalog=catalog)
    assert saved.function_totals == now.function_totals
    assert saved.components == now.components
    report = compare(saved, now)
    assert {f.status for f in report.functions} == {"unchanged"}
    # thumbnails v1: $176.46 with -$0.10 and -$6.21 of free tier inside; gross $182.78.
    assert saved.function_totals["thumbnails"] == Decimal("182.7750574984375000000000054992")
    v1 = json.loads(V1_ESTIMATE.read_text())
    spread = [Decimal(i["cost"]) for f in v1["functions"] for i in f["line_items"]
              if i["component"].startswith("free_tier_")]
    assert saved.function_totals[FREE_TIER_ROW] == exact_sum(spread) == Decimal("-6.7930086635377590921930986761")
    assert saved.total == now.total


def test_a_per_function_budget_limits_the_gross_figure_and_the_total_the_net(write: Any) -> None:
    text = mobile_backend(budget={"total": 3, "functions": {"f": 9}, "components": {"duration": "2.34"}})
    estimate = estimate_text(text)
    assert estimate.budget is not None
    checks = {(c.scope, c.name): c for c in estimate.budget.checks}
    assert checks[("total", "")].actual == Decimal("2.733338")  # net: ok
    assert checks[("function", "f")].actual == Decimal("9.600018")  # gross: over 9
    assert checks[("function", "f")].status == "over"
    # A component across the workload is net of its part of the credit, as the total: 9.000018 − 6.66668.
    assert checks[("component", "duration")].actual == Decimal("2.333338")


def test_several_files_share_one_free_tier_row(write: Any) -> None:
    a = write("a.yaml", mobile_backend())
    b = write("b.yaml", mobile_backend())
    result = runner.invoke(app, ["estimate", a, b, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    assert {row[0] for row in rows} == {"a/f", "b/f", FREE_TIER_ROW}
    assert [row[3] for row in rows if row[0] == FREE_TIER_ROW] == ["free_tier_requests", "free_tier_duration"]
    document = json.loads(runner.invoke(app, ["estimate", a, b, "--format", "json"]).stdout)
    assert [f["total"] for f in document["files"]] == ["9.600018", "9.600018"]  # gross
    assert document["total"] == "12.333356"  # 2 × 9.600018 − 6.86668


def test_files_that_disagree_on_used_elsewhere_are_refused(write: Any) -> None:
    a = write("a.yaml", mobile_backend())
    b = write("b.yaml", mobile_backend(free_tier={"used_elsewhere": {"requests": "250k"}}))
    result = runner.invoke(app, ["estimate", a, b])
    assert result.exit_code == 2
    assert "the files disagree on free_tier" in result.stderr and "requests 250000" in result.stderr


_FUNCTION = st.fixed_dictionaries({
    "memory_mb": st.sampled_from([128, 512, 1769, 3008]),
    "duration_ms": st.integers(min_value=1, max_value=20_000),
    "architecture": st.sampled_from(["x86_64", "arm64"]),
    "region": st.sampled_from(["us-east-1", "eu-central-2", "ap-east-1"]),
    "per_month": st.integers(min_value=0, max_value=50_000_000),
    "streamed_kb": st.sampled_from([None, 7 * 1024, 20 * 1024]),
    "edge": st.booleans(),
})
_USED = st.one_of(st.just("exhausted"), st.integers(min_value=0, max_value=3_000_000))


@settings(max_examples=40, deadline=None)
@given(functions=st.lists(_FUNCTION, min_size=1, max_size=4), used=st.fixed_dictionaries(
    {}, optional={"requests": _USED, "gb_seconds": _USED, "response_streaming_gb": _USED}),
    discount=st.sampled_from([None, "0.17"]))
def test_gross_functions_and_the_credit_add_up_to_the_total(functions: list[dict[str, Any]], used: dict[str, Any],
                                                           discount: str | None) -> None:
    mappings = []
    for index, spec in enumerate(functions):
        fields: dict[str, Any] = {"architecture": spec["architecture"], "region": spec["region"],
                                  "invocations": [{"type": "sync", "per_month": spec["per_month"]}]}
        if spec["streamed_kb"] and spec["region"] == "us-east-1":
            fields["response_streaming"] = {"bytes_per_response": spec["streamed_kb"] * 1024}
        if spec["edge"] and spec["region"] == "us-east-1" and not spec["streamed_kb"]:
            fields = {"invocations": fields["invocations"], "region": "us-east-1",
                      "edge": {"trigger": "viewer-request"}}
            spec = {**spec, "memory_mb": 128, "duration_ms": min(spec["duration_ms"], 5000)}
        mappings.append(function(f"f{index}", spec["memory_mb"], spec["duration_ms"], **fields))
    top: dict[str, Any] = {"free_tier": {"used_elsewhere": used}}
    if discount:
        top["savings_plan"] = {"discount": discount}
    estimate = estimate_text(workload_yaml(*mappings, **top))
    free = estimate.free_tier
    with_related = exact_sum([*(f.total for f in estimate.functions), free.total,
                              *(f.related_total for f in estimate.functions)])
    assert exact_sum([*(f.total for f in estimate.functions), free.total]) == estimate.total
    assert with_related == estimate.grand_total
    assert not [i for f in estimate.functions for i in f.line_items if i.component.startswith("free_tier_")]
    # The credit never exceeds what the allowance left is worth at the dearest price it covers.
    for allowance, component in ((free.requests, "free_tier_requests"), (free.gb_seconds, "free_tier_duration"),
                                 (free.streaming_gb, "free_tier_response_streaming")):
        assert allowance is not None
        lines = [i for i in free.items if i.component == component]
        assert -exact_sum(i.quantity for i in lines) == allowance.credited <= allowance.left <= allowance.allowance
        dearest = max((i.unit_price for i in lines), default=Decimal(0))
        with_context = ARITHMETIC.multiply(allowance.left, dearest)
        assert -exact_sum(i.cost for i in lines) <= with_context
    assert free.total <= 0


def test_the_old_golden_web_api_total_is_unchanged() -> None:
    saved = json.loads(Path(V1_ESTIMATE).read_text())
    estimate = estimate_text((ROOT / "examples" / "web-api.yaml").read_text())
    assert str(estimate.total) == saved["total"]
