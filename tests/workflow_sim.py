"""Runs the submission workflow's steps on this machine, as the runner would run them.

Each ``run:`` script goes to bash (``bash -e -o pipefail``, the runner's default), with the
step's ``env:`` evaluated from a fake ``issues`` event, ``$GITHUB_OUTPUT`` and
``$RUNNER_TEMP`` as on GitHub, ``origin`` a bare repository beside the checkout and ``gh`` a
stand-in that records what it was asked (comments, pull requests) in a JSON-lines log.
Steps that ``uses:`` an action (checkout, setup-python) and the Install step are what this
machine already did.  An expression the workflow holds and this file does not know fails the
run, so the two cannot drift apart silently.
"""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FAKE_GH = r'''#!PYTHON
"""gh, as far as the submission workflow uses it."""
import json, os, sys
from pathlib import Path

log = Path(os.environ["FAKE_GH_LOG"])
state = Path(os.environ["FAKE_GH_STATE"])
prs = json.loads(state.read_text()) if state.exists() else {}
args = sys.argv[1:]


def option(name):
    return args[args.index(name) + 1] if name in args else None


def record(**entry):
    entry.update(token=os.environ.get("GH_TOKEN"), repo=os.environ.get("GH_REPO"))
    if option("--body-file"):
        entry["body"] = Path(option("--body-file")).read_text(encoding="utf-8")
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


if args[:2] == ["issue", "comment"]:
    record(command="issue comment", number=args[2])
elif args[:2] == ["pr", "list"]:
    number = prs.get(option("--head"))
    print(number if number is not None else "")
elif args[:2] == ["pr", "create"]:
    number = str(100 + len(prs))
    prs[option("--head")] = number
    state.write_text(json.dumps(prs))
    record(command="pr create", head=option("--head"), base=option("--base"),
           title=option("--title"))
    print(f"https://github.com/example-org/leaderboards/pull/{number}")
elif args[:2] == ["pr", "edit"]:
    record(command="pr edit", number=args[2], title=option("--title"))
else:
    sys.exit(f"fake gh: not a command the workflow uses: {args}")
'''


@dataclass
class Event:
    """The parts of an ``issues`` event the workflow reads."""

    body: str
    number: int = 5
    action: str = "opened"
    login: str = "octo-cat"
    user_id: int = 583231
    submission_token: str = ""


@dataclass
class Result:
    steps: list[str] = field(default_factory=list)   # the names of the steps that ran
    failed: str | None = None                         # the step that failed
    gh: list[dict] = field(default_factory=list)      # what gh was asked, in order
    logs: str = ""                                    # every script's output


def _expressions(event: Event, outputs: dict[str, dict[str, str]]) -> dict[str, str]:
    token = event.submission_token or "github-token"
    return {
        "github.event.issue.number": str(event.number),
        "github.repository": "example-org/leaderboards",
        "github.server_url": "https://github.com",
        "github.run_id": "42",
        "github.event.issue.body": event.body,
        "github.token": "github-token",
        "secrets.SUBMISSION_TOKEN || github.token": token,
        "secrets.SUBMISSION_TOKEN != ''": "true" if event.submission_token else "false",
        "github.event.issue.user.login": event.login,
        "github.event.issue.user.id": str(event.user_id),
        "github.event.repository.default_branch": "main",
        "steps.pr.outputs.number": outputs.get("pr", {}).get("number", ""),
    }


def _evaluate(text: str, known: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        expression = match[1].strip()
        assert expression in known, f"the simulation does not know ${{{{ {expression} }}}}"
        return known[expression]
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def _condition(condition: str | None, outputs: dict, failed: bool) -> bool:
    if condition is None:
        return not failed
    if condition == "failure()":
        return failed
    match = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) == '(\w+)'", condition)
    assert match, f"the simulation does not know the condition {condition!r}"
    return not failed and outputs.get(match[1], {}).get(match[2]) == match[3]


def _outputs(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        found[key] = value
    return found


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def checkout(site: Path) -> Path:
    """Make ``site`` the checkout of a repository whose ``origin`` is a bare one beside it,
    its default branch ``main`` holding what the folder holds."""
    origin = site.parent / f"{site.name}-origin.git"
    git(site.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "site")
    git(site, "remote", "add", "origin", str(origin))
    git(site, "push", "-q", "origin", "main")
    return origin


def run(workflow: Path, site: Path, event: Event, tmp: Path, path_dirs: list[str] = ()) \
        -> Result:
    """Run the job's steps in ``site`` (a checkout made by ``checkout``) for ``event``."""
    job = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["submission"]
    tmp.mkdir(parents=True, exist_ok=True)
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH.replace("PYTHON", sys.executable, 1), encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    runner_temp = Path(tempfile.mkdtemp(prefix="runner-temp-", dir=tmp))  # one per run
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GH_"))}
    base_env.update(
        PATH=os.pathsep.join([str(bin_dir), *path_dirs, str(Path(sys.executable).parent),
                              os.environ.get("PATH", "")]),
        RUNNER_TEMP=str(runner_temp), GITHUB_ACTIONS="true",
        FAKE_GH_LOG=str(tmp / "gh.jsonl"), FAKE_GH_STATE=str(tmp / "gh-state.json"),
        GIT_CONFIG_NOSYSTEM="1", HOME=str(tmp))
    outputs: dict[str, dict[str, str]] = {}
    result = Result()
    for step in job["steps"]:
        if "uses" in step or step.get("name") == "Install":
            continue
        if not _condition(step.get("if"), outputs, result.failed is not None):
            continue
        known = _expressions(event, outputs)
        env = dict(base_env)
        for scope in (job.get("env", {}), step.get("env", {})):
            env.update({k: _evaluate(str(v), known) for k, v in scope.items()})
        output = runner_temp / f"output-{len(result.steps)}"
        output.write_text("", encoding="utf-8")
        env["GITHUB_OUTPUT"] = str(output)
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                               step["run"]], cwd=site, env=env, capture_output=True, text=True,
                              timeout=300)
        result.steps.append(step["name"])
        result.logs += proc.stdout + proc.stderr
        if "id" in step:
            outputs[step["id"]] = _outputs(output)
        if proc.returncode != 0 and result.failed is None:
            result.failed = step["name"]
    log = tmp / "gh.jsonl"
    if log.exists():
        result.gh = [json.loads(l) for l in log.read_text(encoding="utf-8").splitlines()]
        log.unlink()
    return result


def body_from_form(form: Path, answers: dict[str, str]) -> str:
    """An issue body as GitHub writes one from the form: each field's label as a heading,
    then the answer (or '_No response_')."""
    fields = [f for f in yaml.safe_load(form.read_text(encoding="utf-8"))["body"] if "id" in f]
    assert set(answers) <= {f["id"] for f in fields}, set(answers) - {f["id"] for f in fields}
    parts = []
    for item in fields:
        answer = answers.get(item["id"], "")
        if item["type"] == "checkboxes":
            answer = "\n".join(f"- [{'X' if answer else ' '}] {o['label']}"
                               for o in item["attributes"]["options"])
        parts.append(f"### {item['attributes']['label']}\n\n{answer or '_No response_'}")
    return "\n\n".join(parts)
