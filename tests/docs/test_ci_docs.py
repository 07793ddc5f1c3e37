"""The documented CI integrations, run as written: the pre-commit hook, the GitHub Actions steps, jq."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "web-api.yaml"
JQ_GATE = "lambda-cost estimate workload.yaml --format json | jq -e '(.grand_total | tonumber) < 500' > /dev/null"


def environment(**extra: str) -> dict[str, str]:
    """PATH with this interpreter's scripts first, so `lambda-cost` is the one under test."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "NO_COLOR": "1", **extra}


def over_budget(tmp_path: Path) -> Path:
    path = tmp_path / "over.yaml"
    path.write_text(EXAMPLE.read_text().replace("total: 250", "total: 100"))
    return path


def test_pre_commit_hook(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "lambda-cost-budget" and hook["pass_filenames"] is False
    command = shlex.split(hook["entry"])
    ok = subprocess.run([*command, str(EXAMPLE)], env=environment(), capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    over = subprocess.run([*command, str(over_budget(tmp_path))], env=environment(), capture_output=True, text=True)
    assert over.returncode == 1
    assert "over budget: monthly total" in over.stderr


def workflow_steps() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    workflow = yaml.safe_load((ROOT / "docs" / "github-actions-lambda-cost.yml").read_text())
    steps = {step.get("name", ""): step for step in workflow["jobs"]["cost"]["steps"]}
    return workflow["env"], steps


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


@pytest.mark.parametrize(("memory", "expected"), [("2048", "0"), ("4096", "1")])
def test_github_actions_steps(tmp_path: Path, memory: str, expected: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env, steps = workflow_steps()
    repo = tmp_path / "repo"
    repo.mkdir()
    workload = repo / env["WORKLOAD"]
    workload.write_text(EXAMPLE.read_text())
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "base", cwd=repo)
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo)
    # The pull request: the thumbnailer's memory changes (2048 MB: unchanged; 4096 MB: about +94%).
    workload.write_text(EXAMPLE.read_text().replace("memory_mb: 2048", f"memory_mb: {memory}"))
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    outputs = tmp_path / "github_output"
    variables = environment(**env, GITHUB_BASE_REF="main", RUNNER_TEMP=str(runner_temp),
                            GITHUB_OUTPUT=str(outputs))
    price = subprocess.run(["bash", "-eo", "pipefail", "-c", steps["Price the change"]["run"]], cwd=repo,
                           env=variables, capture_output=True, text=True)
    assert price.returncode == 0, price.stderr
    assert outputs.read_text().strip() == f"status={expected}"
    assert (runner_temp / "lambda-cost.md").read_text().startswith("### Lambda cost change: ")
    gate = steps["Fail over the gate"]["run"].replace("${{ steps.diff.outputs.status }}", expected)
    assert subprocess.run(["bash", "-c", gate], cwd=repo, env=variables).returncode == int(expected)


def test_jq_gate_from_the_readme(tmp_path: Path) -> None:
    assert JQ_GATE in (ROOT / "README.md").read_text()
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (.ci/run installs it)")
    shutil.copy(EXAMPLE, tmp_path / "workload.yaml")
    passed = subprocess.run(["bash", "-o", "pipefail", "-c", JQ_GATE], cwd=tmp_path, env=environment())
    assert passed.returncode == 0
    (tmp_path / "workload.yaml").write_text(EXAMPLE.read_text().replace("per_day: 200000", "per_day: 2000000"))
    failed = subprocess.run(["bash", "-o", "pipefail", "-c", JQ_GATE], cwd=tmp_path, env=environment())
    assert failed.returncode != 0
    # Without a budget of its own, what the account pays for logs counts too: 5M x 200 kB = $470 of CloudWatch.
    unbudgeted = EXAMPLE.read_text().split("budget:")[0]
    logged = unbudgeted.replace("    timeout_s: 30\n", "    timeout_s: 30\n    log_bytes_per_invocation: 200000\n")
    assert logged != unbudgeted
    (tmp_path / "workload.yaml").write_text(logged)
    logs = subprocess.run(["bash", "-o", "pipefail", "-c", JQ_GATE], cwd=tmp_path, env=environment())
    assert logs.returncode != 0


def run_price_step(tmp_path: Path, base: str | None, head: str) -> tuple[subprocess.CompletedProcess[str], str, Path]:
    """The documented "Price the change" step on a repository whose base branch has `base` (None: no workload)."""
    env, steps = workflow_steps()
    repo = tmp_path / "repo"
    repo.mkdir()
    workload = repo / env["WORKLOAD"]
    (repo / "README").write_text("a repository\n")
    if base is not None:
        workload.write_text(base)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "base", cwd=repo)
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo)
    workload.write_text(head)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    outputs = tmp_path / "github_output"
    variables = environment(**env, GITHUB_BASE_REF="main", RUNNER_TEMP=str(runner_temp), GITHUB_OUTPUT=str(outputs))
    price = subprocess.run(["bash", "-eo", "pipefail", "-c", steps["Price the change"]["run"]], cwd=repo,
                           env=variables, capture_output=True, text=True)
    status = outputs.read_text().strip() if outputs.exists() else ""
    return price, status, runner_temp / "lambda-cost.md"


@pytest.mark.parametrize(("base", "limit", "expected"), [
    (None, "250", "status=0"),  # the pull request adds the workload: its estimate, within its budget
    (None, "100", "status=1"),  # ... over its budget: the gate fails
    ("version: 1\nfunctions: []\n", "250", "status=0"),  # the base cannot be priced; the pull request may fix it
])
def test_github_actions_step_without_a_usable_base(tmp_path: Path, base: str | None, limit: str,
                                                   expected: str) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = EXAMPLE.read_text().replace("total: 250", f"total: {limit}")
    price, status, comment = run_price_step(tmp_path, base, head)
    assert price.returncode == 0, price.stderr
    assert status == expected
    assert comment.read_text().startswith("### Lambda cost estimate: ")
    why = ("nothing on the base branch to compare with" if base is None
           else "the base branch's workload does not validate")
    assert f"{why}; posting its estimate" in price.stdout
