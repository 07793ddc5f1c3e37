"""the outputs and of accounts and budgets, as people at a desk, spreadsheets and CI pipelines use them."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, workload_yaml
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.numbers import ARITHMETIC, ZERO

runner = CliRunner()


def api(per_month: int = 5_000_000, **fields: Any) -> dict[str, Any]:
    """`api`: 1024 MB, 100 ms, synchronous; 5M requests cost $1.00 and 500,000 GB-s $8.33335 (free tier off)."""
    return {"name": "api", "memory_mb": 1024, "duration_ms": 100,
            "invocations": [{"type": "sync", "per_month": per_month}], **fields}


# --- Budgets of an account of several files ------------------------------------------------------------------


def two_folders(tmp_path: Path, one: dict[str, Any], two: dict[str, Any]) -> list[str]:
    """one/w.yaml and two/w.yaml, each `api` ($9.33335 a month, free tier off) with its own budget."""
    paths = []
    for folder, budget in (("one", one), ("two", two)):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "w.yaml"
        path.write_text(workload_yaml(api(), free_tier=False, budget=budget))
        paths.append(str(path))
    return paths


def test_a_files_component_budget_names_its_file(tmp_path: Path, monkeypatch: Any) -> None:
    """Two files limiting `requests` gave two rows "component requests", and the over-budget message did not
    say whose limit it was: each is named by its file's prefix, as its functions are."""
    monkeypatch.chdir(tmp_path)
    paths = two_folders(tmp_path, {"components": {"requests": 2}}, {"components": {"requests": "0.5"}})
    result = runner.invoke(app, ["estimate", *["/".join(Path(p).parts[-2:]) for p in paths], "-f", "json"])
    assert result.exit_code == 1
    checks = [(c["scope"], c["name"], c["status"]) for c in json.loads(result.stdout)["budget"]["checks"]]
    assert checks == [("component", "one/w/requests", "ok"), ("component", "two/w/requests", "over")]
    assert "over budget: component two/w/requests is $1.00, $0.50 over its limit of $0.50; largest: two/w/api " \
           "$1.00\n" in result.stderr


def test_the_accounts_budget_warns_at_the_share_the_files_give(tmp_path: Path, monkeypatch: Any) -> None:
    """`--budget` over several files warned at 80% while the JSON's `warn_at` said the first file's 90%."""
    monkeypatch.chdir(tmp_path)
    paths = two_folders(tmp_path, {"warn_at": "90%", "total": 100}, {"warn_at": 0.9, "total": 100})
    # The account: $18.6667 of $20.5 is 91%, past 90%.
    result = runner.invoke(app, ["estimate", *paths, "--budget", "20.5", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    budget = json.loads(result.stdout)["budget"]
    assert budget["warn_at"] == "0.9"
    assert [(c["scope"], c["warn_at"], c["status"]) for c in budget["checks"]] == [
        ("total", "0.9", "warning"), ("file", "0.9", "ok"), ("file", "0.9", "ok")]
    # $18.6667 of $21 is 88.9%: within the files' 90%, so no warning.
    quiet = runner.invoke(app, ["estimate", *paths, "--budget", "21", "-f", "json"])
    assert quiet.exit_code == 0 and "near budget" not in quiet.stderr


def test_files_that_warn_at_different_shares_leave_the_account_at_80_percent(tmp_path: Path) -> None:
    paths = two_folders(tmp_path, {"warn_at": "90%"}, {"warn_at": "95%"})
    result = runner.invoke(app, ["estimate", *paths, "--budget", "22", "-f", "json"])  # 84.8% of $22
    budget = json.loads(result.stdout)["budget"]
    assert (budget["warn_at"], budget["checks"][0]["status"]) == ("0.8", "warning")
    assert "(warning at 80%)" in result.stderr


# --- Budgets at their edges -----------------------------------------------------------------------------------


def test_over_by_less_than_a_cent_is_said_so(write: Any) -> None:
    """$9.33335 against $9.3333 is over, exit 1; the message said "$0.00 over its limit of $9.33"."""
    path = write("w.yaml", workload_yaml(api(), free_tier=False, budget={"total": "9.3333"}))
    result = runner.invoke(app, ["estimate", path, "-f", "json"])
    assert result.exit_code == 1
    assert result.stderr == "over budget: monthly total is $9.33, less than $0.01 over its limit of $9.33; " \
                            "largest: api $9.33\n"


def test_at_its_limit_a_budget_warns_and_a_limit_of_zero_allows_nothing(write: Any) -> None:
    at = write("at.yaml", workload_yaml(api(), free_tier=False, budget={"total": "9.33335"}))
    result = runner.invoke(app, ["estimate", at, "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["budget"]["checks"][0]["headroom"] == "0"
    assert result.stderr.startswith("near budget: monthly total is $9.33, 100% of its limit of $9.33 ")
    # The free tier covers 1M requests of 100 ms at 1024 MB: the total is $0, within a limit of $0.
    free = write("free.yaml", workload_yaml(api(1_000_000), budget={"total": 0}))
    assert runner.invoke(app, ["estimate", free]).exit_code == 0
    assert runner.invoke(app, ["estimate", at, "--budget", "0"]).exit_code == 1


def test_exactly_at_the_warning_share_warns(write: Any) -> None:
    """$9.33335 is exactly 80% of $11.6666875: a warning; a hair more limit and it is not."""
    statuses = []
    for limit in ("11.6666875", "11.6666876"):
        path = write(f"w{limit}.yaml", workload_yaml(api(), free_tier=False, budget={"total": limit}))
        result = runner.invoke(app, ["estimate", path, "-f", "json"])
        assert result.exit_code == 0
        statuses.append(json.loads(result.stdout)["budget"]["status"])
    assert statuses == ["warning", "ok"]


def test_a_warning_share_is_shown_as_given(write: Any) -> None:
    """warn_at 87.5% was shown as "(warning at 88%)"."""
    path = write("w.yaml", workload_yaml(api(), free_tier=False, budget={"total": "10.5", "warn_at": "87.5%"}))
    result = runner.invoke(app, ["estimate", path])
    assert result.exit_code == 0
    assert "near budget: monthly total is $9.33, 89% of its limit of $10.50 (warning at 87.5%)" in result.stderr


# --- --output --------------------------------------------------------------------------------------------------

EXAMPLE = str(ROOT / "examples" / "web-api.yaml")


def test_an_output_the_system_refuses_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    """A name too long for the file system was "internal error: OSError ... this is a bug" (exit 3), naming a
    temporary file; a CI gate must not read its own typo as a crash, nor a crash as a verdict."""
    target = tmp_path / ("x" * 300 + ".json")
    result = runner.invoke(app, ["estimate", EXAMPLE, "-f", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {target}: File name too long\n"
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_directory_is_an_input_error(tmp_path: Path, monkeypatch: Any) -> None:
    """As root no directory is read-only: the refusal is what the temporary file's creation raises."""
    import errno

    from lambda_cost import atomic

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".out.json.x1y2.tmp"))

    monkeypatch.setattr(atomic.tempfile, "NamedTemporaryFile", refused)
    (tmp_path / "out.json").write_text("kept\n")
    result = runner.invoke(app, ["estimate", EXAMPLE, "-f", "json", "-o", str(tmp_path / "out.json"), "--force"])
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {tmp_path / 'out.json'}: Permission denied\n"
    assert (tmp_path / "out.json").read_text() == "kept\n"


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, monkeypatch: Any) -> None:
    import errno

    from lambda_cost import atomic

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "out.csv"
    target.write_text("kept\n")
    result = runner.invoke(app, ["estimate", EXAMPLE, "-f", "csv", "-o", str(target), "--force"])
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {target}: No space left on device\n"
    assert target.read_text() == "kept\n" and list(tmp_path.iterdir()) == [target]


# --- Negative zero --------------------------------------------------------------------------------------------


def test_a_credit_too_small_to_show_is_0_not_minus_0(write: Any) -> None:
    """Other usage leaves 0.00001 of each free allowance: a credit of -0.00001 requests and GB-s, shown as 0 in the
    table and Markdown, never -0."""
    big = {"name": "big", "memory_mb": 128, "duration_ms": 1, "invocations": [{"type": "sync", "per_month": "10B"}]}
    used = {"requests": "999999.99999", "gb_seconds": "399999.99999"}
    path = write("w.yaml", workload_yaml(big, free_tier={"used_elsewhere": used}))
    table = runner.invoke(app, ["estimate", path]).stdout
    free_part = table.split("Free tier: one credit")[1]
    assert "  Free tier: requests          0   requests      $0.20 / 1M   $0.00\n" in free_part
    assert "  Free tier: duration          0   GB-s       $0.0000166667   $0.00\n" in free_part
    markdown = runner.invoke(app, ["estimate", path, "-f", "markdown"]).stdout
    assert "| Free tier: requests | 0 | requests | $0.20 / 1M | $0.00 |" in markdown
    assert "| (free tier) |  |  |  | 0 | 0 | $0.00 |" in markdown
    assert "-0 " not in table + markdown and "| -0 |" not in markdown


def test_a_fall_too_small_to_show_is_0_percent_not_minus_0(write: Any) -> None:
    base = write("base.yaml", workload_yaml(api(5_000_000), free_tier=False))
    head = write("head.yaml", workload_yaml(api(4_999_999), free_tier=False))
    table = runner.invoke(app, ["diff", base, head]).stdout
    assert "  api        $9.33   $9.33    $0.00   0.0%   changed\n" in table
    assert "    requests: $1.00 → $1.00 ($0.00, 0.0%)\n" in table
    markdown = runner.invoke(app, ["diff", base, head, "-f", "markdown"]).stdout
    assert markdown.startswith("### Lambda cost change: $0.00 (0.0%)\n")


# --- Unit prices -------------------------------------------------------------------------------------------------

ACME = """\
version: acme-2030
effective: 2030-01-01
extends: "2025-11-14"
summary: 8% off requests, 1/12 off duration
sources: [{title: ACME addendum, url: "https://example.com/acme"}]
scale: {requests: 0.92, duration: 0.9166666666666666666666666666666666}
"""


def test_unit_prices_read_alike_in_the_table_and_markdown(write: Any, tmp_path: Path) -> None:
    """A negotiated $0.184 per 1M requests showed as "$0.18 / 1M" (5M × $0.18/1M is not the $0.92 beside it), and
    the duration rate as 29 digits folded over two lines in the table but 10 decimals in Markdown."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "acme-2030.yaml").write_text(ACME)
    path = write("w.yaml", workload_yaml(api(), free_tier=False))
    args = ["estimate", path, "--pricing-dir", str(tmp_path / "mine")]
    table = runner.invoke(app, args).stdout
    assert "  Requests                               5,000,000   requests         $0.184 / 1M   $0.92\n" in table
    assert "  Duration, tier 1 (0–6B GB-s, x86_64)     500,000   GB-s       $0.00001527780833   $7.64\n" in table
    markdown = runner.invoke(app, [*args, "-f", "markdown"]).stdout
    assert "| Requests | 5,000,000 | requests | $0.184 / 1M | $0.92 |" in markdown
    assert "| Duration, tier 1 (0–6B GB-s, x86\\_64) | 500,000 | GB-s | $0.00001527780833 | $7.64 |" in markdown


def test_markdown_unit_prices_drop_trailing_zeros_as_the_table_does() -> None:
    """Markdown showed CloudWatch Logs at "$0.5000000000" a GB where the table shows "$0.50" (at least cents, as
    "$0.40 / 1M" beside it)."""
    markdown = runner.invoke(app, ["estimate", str(ROOT / "examples" / "full-platform.yaml"), "-f", "markdown"]).stdout
    assert "| CloudWatch Logs ingestion | 75.44 | GB | $0.50 | $37.72 |" in markdown
    assert "| Event pollers in provisioned mode (kafka) | 730 | EPU-hours | $0.185 | $135.05 |" in markdown


# --- Every format shows the JSON's figures ------------------------------------------------------------------------

ACCOUNTS = [["examples/web-api.yaml"], ["examples/event-pipeline.yaml"], ["examples/full-platform.yaml"],
            ["examples/web-api.yaml", "examples/event-pipeline.yaml"]]


def _shown(text: str) -> Decimal:
    """A figure as the table or Markdown shows it: `$1,234.56`, `-$0.02`, `**$9.41**`, `5,050,500`, `12%`."""
    return Decimal(text.strip("*").replace("$", "").replace(",", "").replace("%", "").replace(" / 1M", ""))


def _rounded(value: str, places: int) -> Decimal:
    """The README's display rule, independently: half to even at `places` decimals."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _shown_price(item: dict[str, str]) -> Decimal:
    """The unit price a person should see: requests per million, a discount in percent, 10 significant digits."""
    scale = {"requests": 6, "USD": 2}.get(item["unit"], 0)
    with localcontext(Context(prec=10, rounding=ROUND_HALF_EVEN)):
        return +Decimal(item["unit_price"]).scaleb(scale)


def _cells(line: str, separator: str) -> list[str]:
    return [cell.strip() for cell in re.split(separator, line.strip().strip("|")) if cell.strip()]


def _formats(paths: list[str], monkeypatch: Any) -> tuple[dict[str, Any], str, str, list[dict[str, str]]]:
    from lambda_cost.render import RenderOptions, get_renderer
    from lambda_cost.stages.account import estimate_workloads

    monkeypatch.chdir(ROOT)
    estimate = estimate_workloads(paths)
    options = RenderOptions(width=250)  # wide enough that no cell wraps
    document = json.loads(get_renderer("json")(estimate, options))
    csv_rows = list(csv.DictReader(io.StringIO(get_renderer("csv")(estimate, options))))
    return document, get_renderer("table")(estimate, options), get_renderer("markdown")(estimate, options), csv_rows


@pytest.mark.parametrize("paths", ACCOUNTS, ids=lambda paths: "+".join(Path(p).stem for p in paths))
def test_the_table_and_markdown_show_the_jsons_figures_rounded(paths: list[str], monkeypatch: Any) -> None:
    document, table, markdown, _ = _formats(paths, monkeypatch)
    unescaped = markdown.replace("\\", "")
    for function in document["functions"]:
        table_part = table.split(f"\n{function['name']}: ", 1)[1]
        markdown_part = unescaped.split(f"<summary>{function['name']} — ", 1)[1]
        for item in [*function["line_items"], *function["related_items"]]:
            row = next(line for line in table_part.splitlines() if line.strip().startswith(item["description"]))
            table_cells = _cells(row, r"\s{2,}")
            markdown_row = next(line for line in markdown_part.splitlines()
                                if line.startswith(f"| {item['description']} |"))
            markdown_cells = _cells(markdown_row, r" \| ")
            for cells in (table_cells, markdown_cells):
                assert cells[0] == item["description"] and cells[2] == item["unit"]
                assert _shown(cells[1]) == _rounded(item["quantity"], 2), (function["name"], cells)
                assert _shown(cells[3]) == _shown_price(item), (function["name"], cells)
                assert _shown(cells[4]) == _rounded(item["cost"], 2), (function["name"], cells)
            assert table_cells[1:] == markdown_cells[1:]  # the very same strings
        total = _rounded(function["total"], 2)
        assert _shown(re.split(r"\s{2,}", table_part.split("Function total", 1)[1].splitlines()[0])[-1]) == total
        summary = next(line for line in unescaped.splitlines() if line.startswith(f"| {function['name']} |"))
        _, _, _, _, requests, gb_seconds, cost = _cells(summary, r" \| ")
        assert (_shown(requests), _shown(gb_seconds), _shown(cost)) == (
            _rounded(function["requests"], 2), _rounded(function["gb_seconds"], 2), total)
    lambda_total = _rounded(document["total"], 2)
    assert _shown(table.split("Total for the month: ", 1)[1].splitlines()[0]) == lambda_total
    assert _shown(markdown.split("**Total: ", 1)[1].split(" / month", 1)[0]) == lambda_total
    for subtotal in document.get("files", []):
        line = next(line for line in table.splitlines() if line.startswith(f"  {subtotal['workload']} ("))
        lambda_part, _, with_related = line.split("): ", 1)[1].partition("; with related charges ")
        assert _shown(lambda_part) == _rounded(subtotal["total"], 2)
        assert _shown(with_related or lambda_part) == _rounded(subtotal["grand_total"], 2)
    for check in document["budget"]["checks"] if document["budget"] else []:
        label = {"total": "monthly total", "file": f"file {check['name']}", "function": f"function {check['name']}",
                 "component": f"component {check['name']}", "function_component": check["name"]}[check["scope"]]
        row = next(line for line in table.splitlines() if line.strip().startswith(label + "  "))
        markdown_row = next(line for line in unescaped.splitlines() if line.startswith(f"| {label} |"))
        for cells in (_cells(row, r"\s{2,}"), _cells(markdown_row, r" \| ")):
            assert [_shown(cell) for cell in cells[1:4]] == [
                _rounded(check[key], 2) for key in ("limit", "actual", "headroom")], cells


@pytest.mark.parametrize("paths", ACCOUNTS, ids=lambda paths: "+".join(Path(p).stem for p in paths))
def test_the_csv_holds_the_jsons_exact_figures_and_adds_up(paths: list[str], monkeypatch: Any) -> None:
    document, _, _, rows = _formats(paths, monkeypatch)
    expected = [
        {"function": function["name"], "region": function["region"], "architecture": function["architecture"],
         **{key: item[key] for key in ("component", "description", "quantity", "unit", "unit_price", "cost")},
         "section": section}
        for function in document["functions"]
        for section, items in (("lambda", function["line_items"]), ("related", function["related_items"]))
        for item in items
    ] + [  # the account's one free-tier credit, after the functions
        {"function": "(free tier)", "region": item["region"], "architecture": item["architecture"],
         **{key: item[key] for key in ("component", "description", "quantity", "unit", "unit_price", "cost")},
         "section": "free_tier"}
        for item in document["free_tier"]["line_items"]
    ]
    assert rows == expected
    with localcontext(ARITHMETIC):
        assert sum((Decimal(row["cost"]) for row in rows), ZERO) == Decimal(document["grand_total"])
        lambda_rows = [Decimal(row["cost"]) for row in rows if row["section"] in ("lambda", "free_tier")]
        assert sum(lambda_rows, ZERO) == Decimal(document["total"])
        for subtotal in document.get("files", []):
            own = [Decimal(row["cost"]) for row in rows
                   if row["function"].startswith(subtotal["prefix"] + "/") and row["section"] == "lambda"]
            assert sum(own, ZERO) == Decimal(subtotal["total"])


# --- CSV for spreadsheets ------------------------------------------------------------------------------------------

NAMES = ["=HYPERLINK(\"http://e.com\",\"x\")", "+1", "-api", "@SUM(A1)", "a,b", 'say "hi"', "two\nlines",
         "x;=1+1", "ok"]


def test_csv_names_are_text_to_every_spreadsheet(write: Any) -> None:
    """`x;=1+1` was written bare: Excel in a locale that separates by semicolons (German, French, Dutch...) splits
    it into a cell `=1+1,us-east-1,...`, a formula. A name with a semicolon is quoted, as one with a comma is."""
    path = write("w.yaml", workload_yaml(*({"name": name, "memory_mb": 128, "duration_ms": 1, "invocations": [
        {"type": "sync", "per_month": 1}]} for name in NAMES), free_tier=False))
    for args in (["estimate", path, "-f", "csv"], ["diff", path, path, "-f", "csv"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.split("\n")
        starts = {line.split(",", 1)[0] for line in lines[1:] if line}
        assert {'"\'=HYPERLINK(""http://e.com""', "'+1", "'-api", "'@SUM(A1)", '"a', '"say ""hi"""', '"two',
                'lines"', '"x;=1+1"', "ok"} <= starts
        names = {row[0] for row in csv.reader(io.StringIO(result.stdout))}
        assert names - {"function"} == {"'=HYPERLINK(\"http://e.com\",\"x\")", "'+1", "'-api", "'@SUM(A1)", "a,b",
                                        'say "hi"', "two\nlines", "x;=1+1", "ok"}


def test_the_csv_is_utf8_without_a_byte_order_mark_as_the_readme_says() -> None:
    output = runner.invoke(app, ["estimate", EXAMPLE, "-f", "csv"]).stdout
    assert output.startswith("function,region,")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "UTF-8 without a byte-order mark" in readme and "Data → From Text/CSV" in readme


# --- Markdown for pull-request comments ------------------------------------------------------------------------


def many(count: int, source_type: str = "sync") -> str:
    """`count` functions; with sqs sources each has a warning (a queue without max_receive_count)."""
    return workload_yaml(*({"name": f"fn-{i:03d}", "memory_mb": 512, "duration_ms": 100, "invocations": [
        {"type": source_type, "per_month": 1_000_000, "error_rate": 0.01}]} for i in range(count)))


def test_a_200_function_account_fits_in_a_github_comment(write: Any) -> None:
    """200 functions made 142,000 characters of Markdown, and GitHub refuses a comment over 65,536: the documented
    workflow's `gh pr comment` failed. Every function keeps its row; the details that do not fit are counted."""
    path = write("w.yaml", many(200))
    result = runner.invoke(app, ["estimate", path, "-f", "markdown"])
    assert result.exit_code == 0
    markdown = result.stdout
    assert len(markdown) <= 60_000
    for i in range(200):
        assert f"\n| fn-{i:03d} | us-east-1 | x86\\_64 | 512 MB | " in markdown
    assert "\n| **Total** |  |  |  |  |  | **$" in markdown
    shown = markdown.count("<details>")
    assert 0 < shown < 200 and shown == markdown.count("</details>")
    assert f"<summary>fn-{shown - 1:03d} — " in markdown and f"<summary>fn-{shown:03d} — " not in markdown
    assert (f"\n_The details of {200 - shown} more functions are left out to keep this comment within GitHub's "
            "limit of 65,536 characters: `--format table` or `--format json` has every function._\n") in markdown
    assert markdown.endswith("volumes and durations are monthly means.\n")


def test_warnings_come_before_details_and_are_counted_when_they_do_not_fit(write: Any) -> None:
    path = write("w.yaml", many(200, "sqs"))
    markdown = runner.invoke(app, ["estimate", path, "-f", "markdown"]).stdout
    assert len(markdown) <= 60_000
    assert markdown.count("\n| fn-") == 200
    warnings = markdown.split("\n**Warnings**\n\n", 1)[1].splitlines()
    assert 0 < len(warnings) - 1 < 200
    assert warnings[-1] == (f"- … {201 - len(warnings)} more warnings: `--format table` or `--format json` lists "
                            "them all")
    assert "<details>" not in markdown and "_The details of 200 more functions are left out" in markdown


def test_thousands_of_functions_keep_the_total_and_count_the_rows_left_out(write: Any) -> None:
    path = write("w.yaml", many(1500, "sqs"))
    markdown = runner.invoke(app, ["estimate", path, "-f", "markdown"]).stdout
    assert len(markdown) <= 60_000
    rows = [line for line in markdown.splitlines() if line.startswith("| fn-")]
    assert 0 < len(rows) < 1500 and rows[-1].startswith(f"| fn-{len(rows) - 1:03d} |")
    # the account's free-tier row and the total close the table whatever is left out
    assert f"\n| … {1500 - len(rows):,} more functions |  |  |  |  |  |  |\n| (free tier) |" in markdown
    assert "**Assumptions:**" in markdown and "<details>" not in markdown
    assert markdown.endswith("\n**Warnings**\n\n- … 1,500 more warnings: `--format table` or `--format json` "
                             "lists them all\n")


def test_a_small_account_is_shown_whole(write: Any) -> None:
    path = write("w.yaml", many(3, "sqs"))
    markdown = runner.invoke(app, ["estimate", path, "-f", "markdown"]).stdout
    # each function's details, and the account's free tier's
    assert markdown.count("<details>") == 4 and "left out" not in markdown and "more warnings" not in markdown
    assert markdown.split("**Warnings**")[1].count("\n- ") == 3


def test_a_diff_of_a_thousand_functions_fits_in_a_github_comment(write: Any) -> None:
    """The workflow posts the diff: 1,000 changed functions made 108,000 characters, which GitHub refuses."""
    base = write("base.yaml", many(1000))
    head = write("head.yaml", many(1000).replace("memory_mb: 512", "memory_mb: 1024"))
    result = runner.invoke(app, ["diff", base, head, "-f", "markdown", "--max-increase", "10%"])
    assert result.exit_code == 1
    markdown = result.stdout
    assert len(markdown) <= 60_000
    assert markdown.startswith("### Lambda cost change: +$") and "❌ FAIL: the increase exceeds" in markdown
    assert len([line for line in markdown.splitlines() if line.endswith(" | +80.6% | changed |")]) == 1000
    changes = [line for line in markdown.splitlines() if line.startswith("| fn-") and " | duration_tier_1 | " in line]
    assert 0 < len(changes) < 1000
    assert markdown.endswith(f"\n| … {1000 - len(changes)} more changes: `--format table` or `--format json` has "
                             "them all |  |  |  |  |\n\n</details>\n")


def test_a_diff_too_long_for_its_table_counts_the_functions_left_out(write: Any) -> None:
    base = write("base.yaml", many(1500))
    head = write("head.yaml", many(1500).replace("memory_mb: 512", "memory_mb: 1024"))
    markdown = runner.invoke(app, ["diff", base, head, "-f", "markdown"]).stdout
    assert len(markdown) <= 60_000
    rows = [line for line in markdown.splitlines() if line.startswith("| fn-") and line.endswith(" | changed |")]
    assert 0 < len(rows) < 1500 and rows[-1].startswith(f"| fn-{len(rows) - 1:03d} |")
    assert (f"\n| … {1500 - len(rows)} more functions: `--format table` or `--format json` has them all "
            "|  |  |  |  |  |\n") in markdown
    assert markdown.endswith("| … 1,500 more changes: `--format table` or `--format json` has them all "
                             "|  |  |  |  |\n\n</details>\n")


# --- Subtotals of an account of several files ------------------------------------------------------------------


def test_a_files_subtotal_shows_the_related_charges_its_budget_counts(tmp_path: Path, monkeypatch: Any) -> None:
    """logs.yaml's CloudWatch Logs cost $23.28: its budget row read $32.62 (file logs), its subtotal $9.33 and no
    figure said where the difference came from; the JSON's `files` had no related charges either."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logs.yaml").write_text(workload_yaml(api(log_bytes_per_invocation=10_000), free_tier=False,
                                                      budget={"total": 40}))
    (tmp_path / "plain.yaml").write_text(workload_yaml(api(), free_tier=False))
    document = json.loads(runner.invoke(app, ["estimate", "logs.yaml", "plain.yaml", "-f", "json"]).stdout)
    logs, plain_file = document["files"]
    assert list(logs) == ["workload", "prefix", "functions", "total", "related_total", "grand_total"]
    assert (logs["total"], logs["related_total"], logs["grand_total"]) == (
        "9.33335", "23.2830643653869628905", "32.6164143653869628905")
    assert (plain_file["total"], plain_file["related_total"], plain_file["grand_total"]) == (
        "9.33335", "0", "9.33335")
    assert document["budget"]["checks"][0]["actual"] == logs["grand_total"]
    table = runner.invoke(app, ["estimate", "logs.yaml", "plain.yaml"]).stdout
    assert "  logs.yaml (logs/…, 1 function): $9.33; with related charges $32.62\n" in table
    assert "  plain.yaml (plain/…, 1 function): $9.33\n" in table
    assert "  file logs   $40.00   $32.62      $7.38   warning\n" in table


def test_an_absurd_limit_is_refused_not_an_internal_error(write: Any) -> None:
    """`--budget 1e99999999`, `--max-increase 1e99999999` and `budget: {total: 1e99999999}` overflowed the decimal
    context: "internal error: Overflow ... this is a bug" (exit 3)."""
    path = write("w.yaml", workload_yaml(api(), free_tier=False))
    too_large = "'1e99999999' is too large: no value of a workload comes near 4,000 digits"
    result = runner.invoke(app, ["estimate", path, "--budget", "1e99999999"])
    assert (result.exit_code, result.stderr) == (2, f"error: --budget {too_large}\n")
    result = runner.invoke(app, ["diff", path, path, "--max-increase", "1e99999999"])
    assert (result.exit_code, result.stderr) == (2, f"error: --max-increase {too_large}\n")
    budget = write("b.yaml", workload_yaml(api(), free_tier=False, budget={"total": "1e99999999"}))
    result = runner.invoke(app, ["estimate", budget])
    assert result.exit_code == 2
    assert "b.yaml:4:3: budget.total: '1E+99999999' is too large: no value of a workload comes near 4,000 digits " \
        "(the workload's monthly total; for example total: 250)\n" in result.stderr


def test_the_tables_budget_rows_never_cut_a_name_short(write: Any) -> None:
    """A long function name was cut with an ellipsis in the budget table, so that its total and its duration
    budget read alike (`function checkout-xxx…`, `checkout-xxx…`); names fold onto more lines, as figures do."""
    name = "checkout-" + "x" * 100
    path = write("w.yaml", workload_yaml({**api(), "name": name}, free_tier=False, budget={
        "functions": {name: {"total": 5, "components": {"duration": 3}}}}))
    table = runner.invoke(app, ["estimate", path]).stdout
    budget = table.split("Budget: over\n\n", 1)[1]
    assert "…" not in budget
    first, second = "checkout-" + "x" * 50, "x" * 50
    assert budget.splitlines()[2:] == [
        "  function                                                      $5.00    $9.33     -$4.33   over",
        f"  {first}",
        f"  {second}",
        f"  {first}   $3.00    $8.33     -$5.33   over",
        f"  {second}.duration",
        "",
    ]


def test_the_diff_table_never_cuts_a_name_short(write: Any) -> None:
    """Two functions whose 60-character names differ at the end read alike in the diff table (`…`)."""
    names = ["payments-settlement-reconciliation-production-eu-west-1-v1",
             "payments-settlement-reconciliation-production-eu-west-1-v2"]
    base = write("base.yaml", workload_yaml(*({**api(), "name": name} for name in names), free_tier=False))
    head = write("head.yaml", workload_yaml(*({**api(), "name": name, "memory_mb": 2048} for name in names),
                                            free_tier=False))
    table = runner.invoke(app, ["diff", base, head]).stdout
    assert "…" not in table
    assert "  payments-settlement-reconciliation-production-eu-    $9.33   $17.67    +$8.33   +89.3%   changed\n" \
           "  west-1-v1\n" in table
    assert "  west-1-v2\n" in table


def test_files_that_disagree_on_the_savings_plan_are_named(write: Any) -> None:
    """The README did not say that files must agree on savings_plan, and the error did not say which files had
    which discount (the one for pricing versions does)."""
    a = write("a.yaml", workload_yaml(api(), savings_plan={"discount": 0.17}))
    b = write("b.yaml", workload_yaml(api()))
    result = runner.invoke(app, ["estimate", a, b])
    assert result.exit_code == 2
    assert result.stderr == (f"error: the files disagree on savings_plan ({a}: 17%, {b}: none), and an account has "
                             "one Compute Savings Plan\n  hint: give every file the same savings_plan, or none\n")
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "agree on `free_tier` (its `used_elsewhere` too) and `savings_plan`" in readme


# --- The JSON for pipelines ------------------------------------------------------------------------------------


def test_an_accounts_json_is_alone_on_stdout_and_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    two_folders(tmp_path, {"total": 5}, {"components": {"requests": "0.5"}})  # both over: exit 1
    command = [sys.executable, "-m", "lambda_cost", "estimate", "one/w.yaml", "two/w.yaml",
               str(ROOT / "examples" / "event-pipeline.yaml"), "-f", "json", "--no-free-tier"]
    outputs = []
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
        assert done.returncode == 1
        assert "over budget: file one/w is $9.33" in done.stderr and "warning: " in done.stderr  # people's: stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    document = json.loads(outputs[0])
    assert document["schema_version"] == 2 and document["budget"]["status"] == "over"
    assert not re.search(r'"-?[0-9.]+E[+-]?[0-9]+"|"-0"', outputs[0])  # plain decimals, no negative zero


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["estimate", EXAMPLE, "-f", "json"], ["diff", EXAMPLE, EXAMPLE, "-f", "markdown"]])
def test_standard_output_on_a_full_disk_is_not_an_internal_error(args: list[str]) -> None:
    """`lambda-cost estimate w.yaml -f json > report.json` on a full disk was "internal error ... this is a bug"."""
    import os
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "lambda_cost", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 2
    assert done.stderr.endswith("error: cannot write standard output: No space left on device\n")


def test_markdown_of_several_files_gives_each_files_part() -> None:
    # The table and the JSON gave a subtotal per file; the pull-request comment did not.
    files = ["examples/web-api.yaml", "examples/event-pipeline.yaml"]
    root = ROOT
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        markdown = runner.invoke(app, ["estimate", *files, "-f", "markdown"]).stdout
        document = json.loads(runner.invoke(app, ["estimate", *files, "-f", "json"]).stdout)
        single = runner.invoke(app, ["estimate", files[1], "-f", "markdown"]).stdout
    rows = [f"| {entry['workload']} | {entry['functions']} | ${Decimal(entry['total']):,.2f} |"
            for entry in document["files"]]
    # each file's gross subtotal: the account's one free-tier credit is its own row
    assert rows == ["| examples/web-api.yaml | 3 | $195.12 |", "| examples/event-pipeline.yaml | 4 | $108.84 |"]
    section = markdown.split("**By file**, gross (priced as one account: one free tier, shared tiers)\n\n")[1]
    assert section.splitlines()[:4] == ["| file | functions | monthly cost |", "|---|---:|---:|", *rows]
    assert "**By file**" not in single
