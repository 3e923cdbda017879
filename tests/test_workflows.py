"""The GitHub workflows: linted by actionlint and zizmor, and held to the security policy; the
submission workflow (issue 28) also run here, step by step (tests/workflow_sim.py)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
import workflow_sim
from helpers import DATA, ROOT
from test_contributing import runner_commands

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "add-result.yml"
SUBMISSION = WORKFLOWS / "submission.yml"


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is installed with the test dependencies (pip install -e '.[test]')"
    return found


def load(path: Path) -> dict:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 'on' stays a key
    return data


def test_the_workflows_exist():
    assert [p.name for p in FILES] == ["ci.yml", "pages.yml", "release.yml", "submission.yml"]


def test_actionlint_has_no_findings():
    run = subprocess.run([tool("actionlint"), *map(str, FILES)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""


def test_zizmor_has_no_findings_even_pedantic():
    # the whole of .github/: the workflows and the Dependabot configuration
    run = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", str(ROOT / ".github")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout + run.stderr
    assert "suppressed" not in run.stdout + run.stderr
    for path in [*FILES, ROOT / ".github" / "dependabot.yml"]:
        assert f"completed {path}" in run.stderr, path


def test_an_action_is_pinned_to_one_commit_everywhere():
    """The same action at the same commit (and version comment) in every workflow."""
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for action, sha, version in re.findall(r"uses: ([\w.-]+/[\w.-]+)@(\w+) # (v\S+)",
                                               path.read_text(encoding="utf-8")):
            pins.setdefault(action, set()).add(f"{sha} {version}")
    assert pins and all(len(found) == 1 for found in pins.values()), pins


def test_dependabot_keeps_the_pinned_actions_current():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    [update] = config["updates"]
    assert update["package-ecosystem"] == "github-actions" and update["directory"] == "/"
    assert update["schedule"] == {"interval": "weekly"} and update["cooldown"]["default-days"] >= 7


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_security_policy(path):
    text = path.read_text(encoding="utf-8")
    data = load(path)
    assert "pull_request_target" not in data["on"] and "workflow_run" not in data["on"]
    # read-only, or nothing at all above the jobs that need more (submission.yml)
    assert data["permissions"] in ({"contents": "read"}, {})
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


def test_the_release_workflow_builds_checks_and_publishes_with_least_permissions():
    """release.yml (issue 30): on a version tag only; nothing above the jobs; build with
    contents read, the OIDC token only in the PyPI job (environment pypi, the publish action
    pinned), contents write only where the GitHub release is made."""
    release = load(WORKFLOWS / "release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {}
    assert release["concurrency"]["cancel-in-progress"] == "false"
    jobs = release["jobs"]
    assert list(jobs) == ["build", "pypi", "github-release"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    assert jobs["pypi"]["needs"] == "build" and jobs["github-release"]["needs"] == "pypi"
    assert jobs["pypi"]["environment"]["name"] == "pypi"
    assert "id-token" not in str({k: v for k, v in jobs.items() if k != "pypi"})
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert re.search(r"uses: pypa/gh-action-pypi-publish@[0-9a-f]{40} # v\d+\.\d+\.\d+\n", text)
    pypi_steps = [s.get("uses", "").split("@")[0] for s in jobs["pypi"]["steps"]]
    assert pypi_steps == ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
    assert "with" not in jobs["pypi"]["steps"][1]  # no password: trusted publishing
    assert "secrets." not in text
    build = " ".join(s.get("run", "") for s in jobs["build"]["steps"])
    for command in ("python -m pip install -c constraints.txt build twine",
                    'python .ci/release.py check-tag "$GITHUB_REF_NAME"', "python -m build",
                    "python -m twine check --strict dist/*", "python .ci/release.py check-dist dist",
                    "python .ci/release.py smoke dist"):
        assert command in build, command
    steps = jobs["github-release"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert 'python3 .ci/release.py notes "$GITHUB_REF_NAME" > "$RUNNER_TEMP/notes.md"' in runs
    assert 'gh release create "$GITHUB_REF_NAME" dist/*' in runs
    assert '--notes-file "$RUNNER_TEMP/notes.md"' in runs and "--verify-tag" in runs
    [create] = [s for s in steps if s.get("name") == "Create the release"]
    assert create["env"] == {"GH_TOKEN": "${{ github.token }}", "GH_REPO": "${{ github.repository }}"}


def test_the_release_is_documented_and_its_notes_come_from_the_changelog():
    doc = " ".join((ROOT / "docs" / "releasing.md").read_text(encoding="utf-8").split())
    for words in ("trusted publisher", "release.yml", "environment `pypi`", "CHANGELOG.md",
                  "pyproject.toml", "git tag", "Required reviewers"):
        assert words in doc, words


def test_ci_runs_every_check():
    runs = " ".join(step.get("run", "") for step in load(WORKFLOWS / "ci.yml")["jobs"]["check"]["steps"])
    for command in ("python -m generator validate", "python -m generator readme --check",
                    "python -m pytest", "mkdocs build --strict", "python -m generator diff",
                    "GITHUB_STEP_SUMMARY"):
        assert command in runs
    assert set(load(WORKFLOWS / "ci.yml")["on"]) == {"pull_request", "push"}


# --- submission.yml: a result submitted with the issue form (issue 28) ----------------------

def test_the_issue_form_parses_and_labels_its_issues():
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    assert form["labels"] == ["submission"] and form["title"].startswith("[Result]")
    ids = {item["id"] for item in form["body"] if "id" in item}
    assert {"task", "leaderboard", "model", "values", "paper", "code", "correction_of"} <= ids


def test_the_submission_workflow_runs_only_for_the_forms_issues():
    data = load(SUBMISSION)
    assert data["on"] == {"issues": {"types": ["opened", "edited"]}}
    assert data["permissions"] == {}
    assert data["concurrency"] == {"group": "submission-${{ github.event.issue.number }}",
                                   "cancel-in-progress": "false"}
    [job] = data["jobs"].values()
    condition = " ".join(job["if"].split())
    for part in ("contains(github.event.issue.labels.*.name, 'submission')",
                 "github.event.issue.state == 'open'", "!github.event.issue.pull_request",
                 "(github.event.action == 'opened' || github.event.changes.body)"):
        assert part in condition
    assert job["permissions"] == {"contents": "write", "pull-requests": "write",
                                  "issues": "write"}
    # the optional token is a secret scoped by an environment that records no deployment
    assert job["environment"] == {"name": "submission", "deployment": "false"}


def test_the_issue_body_reaches_the_shell_only_through_the_environment():
    text = SUBMISSION.read_text(encoding="utf-8")
    data = load(SUBMISSION)
    steps = data["jobs"]["submission"]["steps"]
    uses_body = [s for s in steps if "github.event.issue.body" in str(s)]
    assert [s["env"] for s in uses_body] == [{"ISSUE_BODY": "${{ github.event.issue.body }}"}]
    assert text.count("github.event.issue.body") == 1
    assert text.count("github.event.issue.title") == 0  # the title is the submitter's too
    for step in steps:
        assert "${{" not in step.get("run", "")
        for name, value in step.get("env", {}).items():
            if "secrets." in value:  # the secret only where git and gh need it
                assert name == "GH_TOKEN" or value == "${{ secrets.SUBMISSION_TOKEN != '' }}"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'python -m generator submission "$RUNNER_TEMP/body.md" --data data' in runs
    assert "python -m generator readme" in runs and "python -m pip install -c constraints.txt -e ." in runs
    assert "--body-file" in runs and "--body " not in runs and "git push --force" not in runs


def test_the_credential_helper_gives_git_the_token_from_the_environment(tmp_path):
    script = load(SUBMISSION)["jobs"]["submission"]["steps"]
    push = next(s["run"] for s in script if s.get("name") == "Push the branch")
    helper = re.search(r"-c credential\.helper='([^']+)'", push)[1]
    run = subprocess.run(["git", "-c", "credential.helper=", "-c", f"credential.helper={helper}",
                          "credential", "fill"], input="protocol=https\nhost=github.com\n\n",
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "GH_TOKEN": "s3cret", "GIT_TERMINAL_PROMPT": "0"})
    assert run.returncode == 0, run.stderr
    assert "username=x-access-token\npassword=s3cret\n" in run.stdout


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "repo"
    site.mkdir()
    shutil.copytree(DATA, site / "data")
    shutil.copy(ROOT / "README.md", site / "README.md")
    workflow_sim.checkout(site)
    return site


GOOD = {"task": "semantic_segmentation", "leaderboard": "pascal-voc-2012-validation-set",
        "model": "NewNet", "values": "Score=89.10", "paper": "https://arxiv.org/abs/1902.00001",
        "code": "PyTorch=https://github.com/example/newnet"}


@pytest.mark.slow
def test_a_good_submission_becomes_a_pull_request_and_an_answer(tmp_path):
    site = _site(tmp_path)
    origin = site.parent / "repo-origin.git"
    run = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(
        workflow_sim.body_from_form(FORM, GOOD)), tmp_path / "sim")
    assert run.failed is None, run.logs
    assert "Answer with the problems" not in run.steps
    # the branch: one commit on main, the data file and the README tables, credited
    branch = "submission/issue-5"
    changed = workflow_sim.git(origin, "diff", "--name-only", "main", branch).split()
    assert changed == ["README.md", "data/tasks/semantic_segmentation.yml"]
    assert workflow_sim.git(origin, "rev-list", "--count", f"main..{branch}").strip() == "1"
    message = workflow_sim.git(origin, "log", "-1", "--format=%B", branch)
    assert message.startswith("Add result: NewNet on semantic_segmentation / ")
    assert "Co-authored-by: octo-cat <583231+octo-cat@users.noreply.github.com>" in message
    readme = workflow_sim.git(origin, "show", f"{branch}:README.md")
    assert "NewNet" in readme
    # the pull request, then the answer on the issue, both from the summary
    create, comment = run.gh
    assert create["command"] == "pr create" and create["head"] == branch
    assert create["base"] == "main" and create["title"].startswith("Add result: NewNet")
    assert "Closes #5." in create["body"] and "## New result: NewNet" in create["body"]
    assert "Close and reopen it to run them" in create["body"]  # opened with github.token
    assert create["token"] == "github-token" and create["repo"] == "example-org/leaderboards"
    assert comment["command"] == "issue comment" and comment["number"] == "5"
    assert "ready for review in #100" in comment["body"] and "## New result: NewNet" in comment["body"]
    assert comment["token"] == "github-token"
    # the checkout itself is untouched apart from the branch: the body is not in the repository
    assert workflow_sim.git(site, "status", "--porcelain") == ""


@pytest.mark.slow
def test_an_edit_replaces_the_branch_and_updates_the_pull_request(tmp_path):
    site = _site(tmp_path)
    origin = site.parent / "repo-origin.git"
    sim = tmp_path / "sim"
    first = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(
        workflow_sim.body_from_form(FORM, GOOD)), sim)
    assert first.failed is None, first.logs
    workflow_sim.git(site, "checkout", "-q", "main")  # the next run's checkout: a fresh main
    edited = workflow_sim.body_from_form(FORM, {**GOOD, "values": "Score=89.20"})
    second = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(edited, action="edited"), sim)
    assert second.failed is None, second.logs
    branch = "submission/issue-5"
    assert workflow_sim.git(origin, "rev-list", "--count", f"main..{branch}").strip() == "1"
    assert "Score: 89.20" in workflow_sim.git(origin, "diff", "main", branch)
    edit, comment = second.gh
    assert edit["command"] == "pr edit" and edit["number"] == "100" and "Closes #5." in edit["body"]
    assert "ready for review in #100" in comment["body"]
    # an edit that breaks it: the problems, and the pull request keeps the last good version
    workflow_sim.git(site, "checkout", "-q", "main")
    broken = workflow_sim.body_from_form(FORM, {**GOOD, "values": "Scor=high"})
    third = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(broken, action="edited"), sim)
    assert third.failed is None and third.steps[-1] == "Answer with the problems", third.logs
    [answer] = third.gh
    assert "'Scor' is not a metric of this leaderboard" in answer["body"]
    assert "The pull request #100 still holds the submission as it was before this edit." \
        in answer["body"]
    assert "Score: 89.20" in workflow_sim.git(origin, "diff", "main", branch)


def test_a_bad_submission_is_answered_with_its_problems_and_changes_nothing(tmp_path):
    site = _site(tmp_path)
    origin = site.parent / "repo-origin.git"
    body = workflow_sim.body_from_form(FORM, {**GOOD, "leaderboard": "nope", "values": "x"})
    run = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(body), tmp_path / "sim")
    assert run.failed is None, run.logs
    assert run.steps == ["Read the issue", "Apply the submission", "Answer with the problems"]
    [answer] = run.gh
    assert answer["command"] == "issue comment" and answer["token"] == "github-token"
    assert answer["body"].startswith("## The submission needs a fix")
    assert workflow_sim.git(origin, "branch", "--list").split() == ["*", "main"]
    assert workflow_sim.git(site, "status", "--porcelain") == ""


HOSTILE = [
    '$(touch pwned) `touch pwned` ${{ github.token }} "; touch pwned; "',
    "::error file=README.md::forged\n::set-output name=result::applied\nEOF\n",
    "<script>alert(1)</script> @octocat [x](javascript:alert(1))",
]


@pytest.mark.parametrize("text", HOSTILE, ids=["shell", "workflow-commands", "markup"])
def test_a_hostile_body_stays_data(tmp_path, text):
    """Shell syntax, expressions, workflow commands and markup in every field: nothing runs,
    no output is forged, the answer is a comment and nothing is pushed."""
    site = _site(tmp_path)
    origin = site.parent / "repo-origin.git"
    answers = {key: text for key in ("task", "leaderboard", "model", "values", "paper", "code",
                                     "notes", "correction_of")}
    run = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(
        workflow_sim.body_from_form(FORM, answers), login="octo-cat"), tmp_path / "sim")
    assert run.failed is None, run.logs
    assert run.steps[-1] == "Answer with the problems"
    assert not list(tmp_path.rglob("pwned")) and "pwned" not in os.listdir(site)
    assert workflow_sim.git(origin, "branch", "--list").split() == ["*", "main"]
    assert [g["command"] for g in run.gh] == ["issue comment"]
    assert runner_commands(run.logs) == [], run.logs  # the log holds no workflow command
    # the body reached the program as written
    [body_file] = (tmp_path / "sim").glob("runner-temp-*/body.md")
    assert text.split("\n")[0] in body_file.read_text(encoding="utf-8")


@pytest.mark.slow
def test_with_a_submission_token_the_pull_request_runs_the_checks(tmp_path):
    site = _site(tmp_path)
    run = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(
        workflow_sim.body_from_form(FORM, GOOD), submission_token="pat-token"), tmp_path / "sim")
    assert run.failed is None, run.logs
    create, comment = run.gh
    assert create["token"] == "pat-token" and "Close and reopen" not in create["body"]
    assert comment["token"] == "github-token"  # the answer comes from the workflow itself


def test_a_fault_of_the_workflow_is_answered_too(tmp_path):
    site = _site(tmp_path)
    shutil.rmtree(site / "data")  # no data: the program answers nothing the submitter can fix
    run = workflow_sim.run(SUBMISSION, site, workflow_sim.Event(
        workflow_sim.body_from_form(FORM, GOOD)), tmp_path / "sim")
    assert run.failed == "Apply the submission", run.logs
    assert run.steps[-1] == "Answer when the workflow failed"
    [answer] = run.gh
    assert "https://github.com/example-org/leaderboards/actions/runs/42" in answer["body"]


def test_the_contributing_page_documents_submitting_from_the_browser():
    """docs/contributing.md: the way in, the form, what the workflow does and what a
    maintainer sets up; its screenshots exist (a strict build refuses a missing image)."""
    text = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    for words in ("## Submit a result from the browser", "Submit a result",
                  "issues/new?template=add-result.yml", "submission/issue-NUMBER",
                  "Suggest a correction", "Correction of", "label `submission`",
                  "SUBMISSION_TOKEN", "Allow GitHub Actions to create and approve pull requests",
                  "nothing is merged without review", "closes the issue"):
        assert words in flat, words
    images = re.findall(r"^!\[.+\]\((assets/[^)]+)\)$", text, flags=re.M)
    assert images == ["assets/contributing-submit-link.png", "assets/contributing-form.png"]
    for image in images:
        assert (ROOT / "docs" / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
