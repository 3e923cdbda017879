"""The GitHub workflows: linted by actionlint and zizmor, and held to the security policy."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is installed with the test dependencies (pip install -e '.[test]')"
    return found


def load(path: Path) -> dict:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays a key
    return data


def test_the_two_workflows_exist():
    assert [p.name for p in FILES] == ["ci.yml", "pages.yml"]


def test_actionlint_has_no_findings():
    run = subprocess.run([tool("actionlint"), *map(str, FILES)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""


def test_zizmor_has_no_findings_even_pedantic():
    run = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", str(WORKFLOWS)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout + run.stderr
    assert "suppressed" not in run.stdout + run.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_security_policy(path):
    text = path.read_text(encoding="utf-8")
    data = load(path)
    assert "pull_request_target" not in data["on"] and "workflow_run" not in data["on"]
    assert data["permissions"] == {"contents": "read"}
    for line in re.findall(r"uses: (\S+)(.*)", text):
        ref, comment = line
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{ref} needs its version in a comment"
    for job in data["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] == "false"
            # untrusted values reach run: only through env
            assert "${{" not in step.get("run", ""), step.get("run")


def test_only_the_deploy_job_can_publish():
    ci, pages = load(WORKFLOWS / "ci.yml"), load(WORKFLOWS / "pages.yml")
    assert all("permissions" not in job for job in ci["jobs"].values())
    assert "permissions" not in pages["jobs"]["build"]
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": "false"}
    assert set(pages["on"]) == {"push", "workflow_dispatch"}
    assert "cache" not in (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")


def test_ci_runs_every_check():
    runs = " ".join(step.get("run", "") for step in load(WORKFLOWS / "ci.yml")["jobs"]["check"]["steps"])
    for command in ("python -m generator validate", "python -m generator readme --check",
                    "python -m pytest", "mkdocs build --strict", "python -m generator diff",
                    "GITHUB_STEP_SUMMARY"):
        assert command in runs
    assert set(load(WORKFLOWS / "ci.yml")["on"]) == {"pull_request", "push"}
