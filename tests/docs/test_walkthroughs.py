"""README walkthroughs followed end to end as a new user would: where a step failed or disagreed with the README."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_ci_docs import run_price_step
from typer.testing import CliRunner

from lambda_cost.cli import app
from lambda_cost.tables.catalog import TableCatalog

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "web-api.yaml"
runner = CliRunner()


def acme_overlay() -> str:
    """The private table of README "Your own tables", as shown."""
    text = README.split("\n### Your own tables\n", 1)[1]
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)[0]


def acme_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "acme"
    directory.mkdir()
    (directory / "acme-2025.yaml").write_text(acme_overlay())
    return directory


def estimate(path: Path, *options: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["estimate", str(path), "-f", "json", "-q", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_acme_overlay_extends_the_public_version_in_force_on_its_date() -> None:
    # It said `extends: "2022-08-01"` while taking effect on 2025-01-01, so it dropped every dimension AWS added in
    # between (SnapStart, response streaming, Kafka provisioned mode): see the next test.
    overlay = yaml.safe_load(acme_overlay())
    shipped = sorted(path.stem for path in (ROOT / "pricing").glob("*.yaml"))
    in_force = [version for version in shipped if dt.date.fromisoformat(version) <= overlay["effective"]]
    assert overlay["extends"] == in_force[-1] == "2024-11-22"


def test_acme_overlay_prices_what_the_shipped_tables_of_its_date_price(tmp_path: Path) -> None:
    streaming = tmp_path / "streaming.yaml"
    streaming.write_text(
        "version: 1\nfunctions:\n  - name: s\n    memory_mb: 512\n    duration_ms: 100\n"
        "    response_streaming: {bytes_per_response: 1000}\n"
        "    invocations:\n      - type: sync\n        per_month: 1M\n"
    )
    directory = str(acme_dir(tmp_path))
    # --as-of a date in 2025 picks the overlay, the newest version then in force
    for options in (["--pricing", "acme-2025"], ["--as-of", "2025-06-01"]):
        result = runner.invoke(app, ["estimate", str(streaming), "--pricing-dir", directory, "-f", "json", *options])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["pricing"]["version"] == "acme-2025"


def test_acme_overlay_is_8_percent_off_duration_only(tmp_path: Path) -> None:
    directory = str(acme_dir(tmp_path))
    base = estimate(EXAMPLE)
    acme = estimate(EXAMPLE, "--pricing-dir", directory, "--pricing", "acme-2025")
    assert base["pricing"]["version"] == TableCatalog().versions[-1] and acme["pricing"]["version"] == "acme-2025"
    compared = 0
    for plain, scaled in zip(base["functions"], acme["functions"], strict=True):
        for one, other in zip(plain["line_items"], scaled["line_items"], strict=True):
            assert one["component"] == other["component"] and one["quantity"] == other["quantity"]
            # the free tier's duration credit is valued at the duration rate, so it is scaled too
            factor = Decimal("0.92") if "duration" in one["component"] else Decimal(1)
            assert Decimal(other["unit_price"]) == Decimal(one["unit_price"]) * factor
            compared += factor != 1
    assert compared == 3  # per function: its duration
    # the free tier's duration credit is valued at the duration rate, so it is scaled too
    for one, other in zip(base["free_tier"]["line_items"], acme["free_tier"]["line_items"], strict=True):
        factor = Decimal("0.92") if "duration" in one["component"] else Decimal(1)
        assert Decimal(other["unit_price"]) == Decimal(one["unit_price"]) * factor
    thumbnails = [item for item in acme["functions"][1]["line_items"] if item["component"] == "duration_tier_1"]
    assert thumbnails[0]["unit_price"] == "0.000015333364"  # 0.0000166667 × 0.92


@pytest.mark.parametrize(("base", "notice"), [
    (None, "::notice::workload.yaml: nothing on the base branch to compare with; posting its estimate"),
    # it said "nothing on the base branch" here too, though the base branch has the workload
    ("version: 1\nfunctions: []\n",
     "::notice::workload.yaml: the base branch's workload does not validate; posting its estimate"),
])
def test_github_actions_notice_says_why_there_is_no_diff(tmp_path: Path, base: str | None, notice: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    price, status, comment = run_price_step(tmp_path, base, EXAMPLE.read_text())
    assert price.returncode == 0, price.stderr
    assert status == "status=0" and comment.read_text().startswith("### Lambda cost estimate: workload.yaml")
    assert price.stdout.splitlines() == [notice]


def test_init_from_says_package_type_is_a_default_when_the_template_has_none(tmp_path: Path) -> None:
    # "Every value carries a comment saying where it came from": `package_type: zip  # PackageType` claimed a
    # property the template does not have; defaults (128 MB, x86_64, 3 s) carry no comment.
    out = tmp_path / "workload.yaml"
    template = ROOT / "tests" / "fixtures" / "templates" / "cfn-plain-lambda.yaml"
    result = runner.invoke(app, ["init", "--from", str(template), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in out.read_text().splitlines() if "package_type:" in line]
    assert lines == [
        "    package_type: zip",  # WorkerFunction: no PackageType
        "    package_type: image             # PackageType",  # ImageFunction: PackageType: Image
        "    package_type: zip",  # BrokerFunction
    ]
