"""`leaderboard init DIR`: a new site that validates, is fresh, lints and builds as written."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from helpers import ROOT

from generator.tools import skeleton

EXPECTED = {
    ".github/workflows/checks.yml", ".github/workflows/pages.yml",
    ".github/workflows/submission.yml", ".github/ISSUE_TEMPLATE/add-result.yml", ".gitignore",
    ".github/dependabot.yml", "docs/contributing.md",
    ".pre-commit-config.yaml", "README.md", "mkdocs.yml", "requirements.txt",
    "data/sources.yml", "data/tasks/image_classification.yml",
    "data/datasets/imagenet_classification.yml", "docs/index.md", "templates/README.md",
    "docs/assets/leaderboard.css", "docs/assets/leaderboard.js",
    "schema/task.schema.json", "schema/dataset.schema.json", "schema/sources.schema.json",
}
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is installed with the test dependencies (pip install -e '.[test]')"
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One site written by init, shared by the read-only tests below."""
    target = tmp_path_factory.mktemp("init") / "my-cv_site"
    skeleton.init(target)
    return target


def written(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_init_writes_the_site_and_says_what_next(cli, tmp_path):
    run = cli("init", "new-site", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.out.splitlines() == ["wrote a leaderboard site to new-site (21 files)",
                                    "next: cd new-site && git init && mkdocs build --strict"]
    assert written(tmp_path / "new-site") == EXPECTED
    assert os.listdir(tmp_path) == ["new-site"]  # no staging folder left beside it


def test_the_new_site_validates_and_its_readme_is_fresh(cli, site):
    run = cli("validate", cwd=site)
    assert run.code == 0 and run.out == "valid: 1 task, 1 dataset, 1 leaderboard, 3 results\n"
    assert run.err == ""
    run = cli("readme", "--check", cwd=site)
    assert run.code == 0, run.out + run.err
    readme = (site / "README.md").read_text(encoding="utf-8")
    for name in ("summary", "leaderboards"):
        assert f"<!-- BEGIN GENERATED: {name} -->" in readme
        assert f"<!-- END GENERATED: {name} -->" in readme
    assert "| DenseNet-121 " in readme  # the sections are drawn, not empty


def test_the_site_is_named_after_its_folder_unless_told(site, tmp_path):
    assert yaml.load((site / "mkdocs.yml").read_text(encoding="utf-8"),
                     Loader=yaml.BaseLoader)["site_name"] == "My cv site"
    assert (site / "README.md").read_text(encoding="utf-8").startswith("# My cv site\n")
    skeleton.init(tmp_path / "x", name='A "quoted" <name> # not a comment')
    config = yaml.load((tmp_path / "x" / "mkdocs.yml").read_text(encoding="utf-8"),
                       Loader=yaml.BaseLoader)
    assert config["site_name"] == 'A "quoted" <name> # not a comment'
    assert (tmp_path / "x" / "README.md").read_text(encoding="utf-8").startswith(
        '# A "quoted" &lt;name\\> # not a comment\n')  # render.md_text's escapes


def test_mkdocs_yml_uses_the_plugin(site):
    config = yaml.load((site / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["plugins"] == ["search", {"leaderboards": {"data": "data",
                                                            "templates": "templates"}}]
    assert "hooks" not in config and config["strict"] == "true"
    assert config["extra_javascript"] == ["assets/leaderboard.js"]
    assert config["extra_css"] == ["assets/leaderboard.css"]


def test_the_tables_script_and_styles_are_this_repositorys():
    """The plugin adds no assets: a new site gets this repository's docs/assets/ (one copy,
    shipped in the wheel as generator/assets), byte for byte."""
    from generator.tools import skeleton
    written = skeleton.files("Site")
    ours = sorted(p.name for p in (ROOT / "docs" / "assets").iterdir()
                  if p.suffix in (".js", ".css"))  # not the docs' screenshots
    assert sorted(p[len("docs/assets/"):] for p in written if p.startswith("docs/assets/")) == ours
    for name in ours:
        assert written[f"docs/assets/{name}"] == (ROOT / "docs" / "assets" / name).read_text(
            encoding="utf-8"), name


@pytest.mark.slow
def test_the_new_site_builds_strictly_with_sortable_tables(site, tmp_path):
    out = tmp_path / "built"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                         cwd=site, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert_sortable_task_page(out)


def assert_sortable_task_page(built: Path) -> None:
    """The example task's page: its table with sortable headers, three rows, and the sort
    script, which the built site holds."""
    task = built / "tasks" / "image_classification"
    page = (task / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<table class="lb-table"[^>]*data-leaderboard="image_classification/imagenet"',
                     page)
    assert len(re.findall(r'<th [^>]*data-sort-type="number"', page)) >= 3  # rank, two metrics
    assert page.count('<td class="lb-model"') == 3
    script = re.search(r'<script src="((?:\.\./)*assets/leaderboard\.js)"', page)
    assert script, "the task page loads the sort script"
    assert (task / script[1]).resolve().is_file()


def test_every_data_file_names_a_schema_the_site_holds(site):
    data_files = sorted((site / "data").rglob("*.yml"))
    assert len(data_files) == 3
    package = resources.files("generator").joinpath("schema")
    for path in data_files:
        match = MODELINE.match(path.read_text(encoding="utf-8"))
        assert match, f"{path.name} starts with the schema modeline"
        schema = (path.parent / match[1]).resolve()
        assert schema.parent == (site / "schema").resolve(), match[1]
        assert schema.read_text("utf-8") == package.joinpath(schema.name).read_text("utf-8")
    kinds = {p.parent.name: MODELINE.match(p.read_text(encoding="utf-8"))[1] for p in data_files}
    assert kinds == {"tasks": "../../schema/task.schema.json",
                     "datasets": "../../schema/dataset.schema.json",
                     "data": "../schema/sources.schema.json"}


def test_the_workflows_pass_the_repositorys_workflow_lint(site):
    workflows = site / ".github" / "workflows"
    files = sorted(map(str, workflows.glob("*.yml")))
    run = subprocess.run([tool("actionlint"), *files], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "", run.stdout + run.stderr
    # the whole of .github/: zizmor audits the Dependabot configuration too
    run = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", str(site / ".github")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout + run.stderr
    assert "suppressed" not in run.stdout + run.stderr
    assert "completed " + str(site / ".github" / "dependabot.yml") in run.stderr


def test_the_workflows_keep_the_repositorys_security_policy(site):
    for path in sorted((site / ".github" / "workflows").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=yaml.BaseLoader)
        assert "pull_request_target" not in data["on"] and "workflow_run" not in data["on"]
        assert data["permissions"] in ({"contents": "read"}, {})  # {}: submission.yml
        for ref, comment in re.findall(r"uses: (\S+)(.*)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
            assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), ref
        for job in data["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] == "false"
                assert "${{" not in step.get("run", ""), step.get("run")
    checks = (site / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8")
    for command in ("pip install -r requirements.txt", "leaderboard validate",
                    "leaderboard readme --check", "leaderboard diff", "mkdocs build --strict"):
        assert command in checks
    # the same actions at the same commits as this repository's own workflows
    ours = "".join(p.read_text(encoding="utf-8") for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    for path in sorted((site / ".github" / "workflows").glob("*.yml")):
        uses = set(re.findall(r"uses: (\S+)", path.read_text(encoding="utf-8")))
        assert uses <= set(re.findall(r"uses: (\S+)", ours)), path.name


def test_the_site_takes_submissions_from_the_browser(site):
    """The issue form is the package's one copy, byte for byte; the submission workflow runs
    the site's own commands, and the README says how to turn both on."""
    form = site / ".github" / "ISSUE_TEMPLATE" / "add-result.yml"
    package = resources.files("generator").joinpath("forms").joinpath("add-result.yml")
    assert form.read_text(encoding="utf-8") == package.read_text("utf-8")
    assert form.read_text(encoding="utf-8") == \
        (ROOT / ".github" / "ISSUE_TEMPLATE" / "add-result.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(form.read_text(encoding="utf-8"))["labels"] == ["submission"]
    workflow = (site / ".github" / "workflows" / "submission.yml").read_text(encoding="utf-8")
    for command in ("pip install -r requirements.txt", "leaderboard submission",
                    "leaderboard readme"):
        assert command in workflow
    assert "python -m generator" not in workflow and "constraints.txt" not in workflow
    readme = " ".join((site / "README.md").read_text(encoding="utf-8").split())
    for words in (".github/ISSUE_TEMPLATE/add-result.yml", ".github/workflows/submission.yml",
                  "label `submission`", "SUBMISSION_TOKEN", "submission/issue-NUMBER",
                  "Allow GitHub Actions to create and approve pull requests",
                  "Submit a result", "Suggest a correction"):
        assert words in readme, words


@pytest.mark.slow
def test_the_sites_submission_workflow_turns_an_issue_into_a_pull_request(site, tmp_path):
    """The new site's workflow, run step by step as on GitHub (tests/workflow_sim.py), with
    the site's `leaderboard` command: a body written from the form's own labels becomes a
    pushed branch with the data file and the README tables, a pull request and an answer."""
    import workflow_sim
    repo = tmp_path / "repo"
    shutil.copytree(site, repo)
    origin = workflow_sim.checkout(repo)
    body = workflow_sim.body_from_form(
        repo / ".github" / "ISSUE_TEMPLATE" / "add-result.yml",
        {"task": "image_classification", "leaderboard": "imagenet", "model": "NewNet",
         "values": "Acc@1=91.0"})
    run = workflow_sim.run(repo / ".github" / "workflows" / "submission.yml", repo,
                           workflow_sim.Event(body), tmp_path / "sim")
    assert run.failed is None, run.logs
    assert workflow_sim.git(origin, "diff", "--name-only", "main", "submission/issue-5").split() \
        == ["README.md", "data/tasks/image_classification.yml"]
    assert [g["command"] for g in run.gh] == ["pr create", "issue comment"], run.gh


def test_the_new_sites_submission_workflow_is_this_one():
    """leaderboard init writes the same workflow, with the site's own install and command."""
    ours = (ROOT / ".github" / "workflows" / "submission.yml").read_text(encoding="utf-8")
    theirs = skeleton.files("Site")[".github/workflows/submission.yml"]
    assert theirs == ours.replace("python -m pip install -c constraints.txt -e .",
                                  "python -m pip install -r requirements.txt") \
        .replace("python -m generator ", "leaderboard ") \
        .replace("See docs/contributing.md.", "See README.md.")


def test_the_pre_commit_hooks_run_the_sites_own_commands(site):
    config = yaml.safe_load((site / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"leaderboard-validate", "leaderboard-readme"}
    for hook in hooks.values():
        assert hook["entry"].startswith("leaderboard ") and hook["pass_filenames"] is False
        assert re.search(hook["files"], "data/tasks/image_classification.yml")


def test_requirements_pin_the_installed_release(site):
    """The release this generator is, from the package index like the rest: a line that
    installs as written, which Dependabot moves on to the next release."""
    from importlib import metadata
    text = (site / "requirements.txt").read_text(encoding="utf-8")
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert lines == [f"leaderboard-generator=={metadata.version('leaderboard-generator')}",
                     "mkdocs>=1.6", "mkdocs-material>=9.5"]
    assert "PyPI" not in text and "git+" not in text


def test_dependabot_proposes_each_release_and_the_checks_show_the_site_changes(site):
    config = yaml.safe_load((site / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"pip", "github-actions"}
    for update in updates.values():
        assert update["directory"] == "/" and update["schedule"] == {"interval": "weekly"}
    checks = yaml.load((site / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8"),
                       Loader=yaml.BaseLoader)
    steps = {s.get("name"): s for s in checks["jobs"]["check"]["steps"]}
    assert "leaderboard diff" in steps["Leaderboard changes (job summary)"]["run"]
    site_changes = steps["Site changes (job summary)"]
    assert site_changes["if"] == "github.event_name == 'pull_request'"
    for part in ("requirements.txt mkdocs.yml templates docs", '-r "$base/requirements.txt"',
                 'leaderboard site-diff "$RUNNER_TEMP/base-site" site >> "$GITHUB_STEP_SUMMARY"'):
        assert part in site_changes["run"], part
    names = list(steps)
    assert names.index("Build the site") < names.index("Site changes (job summary)")


def test_the_site_tells_its_readers_how_to_contribute(site):
    config = yaml.load((site / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert config["nav"] == [{"Home": "index.md"}, {"Tasks": "tasks/index.md"},
                             {"Datasets": "datasets/index.md"}, {"Papers": "papers/index.md"},
                             {"Models": "models/index.md"}, {"Contributing": "contributing.md"}]
    page = (site / "docs" / "contributing.md").read_text(encoding="utf-8")
    for words in ("[[repo_url]]/issues/new?template=add-result.yml", "Submit a result",
                  "pip install -r requirements.txt", "leaderboard validate", "leaderboard readme"):
        assert words in page, words
    assert "python -m generator" not in page


@pytest.mark.parametrize("existing", ["file.txt", ".hidden"])
def test_init_refuses_a_folder_that_is_not_empty(cli, tmp_path, existing):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / existing).write_text("mine\n", encoding="utf-8")
    run = cli("init", "site", cwd=tmp_path)
    assert run.code == 1 and run.out == ""
    assert run.err == ("error: site already exists and is not empty: init writes a new site "
                       "into a new or empty folder\n")
    assert written(tmp_path / "site") == {existing}
    assert os.listdir(tmp_path) == ["site"]


def test_init_fills_an_empty_folder_and_the_current_one(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    assert cli("init", "empty", cwd=tmp_path).code == 0
    assert written(tmp_path / "empty") == EXPECTED
    (tmp_path / "here").mkdir()
    run = cli("init", ".", "--name", "Here", cwd=tmp_path / "here")
    assert run.code == 0, run.err
    assert written(tmp_path / "here") == EXPECTED
    assert sorted(os.listdir(tmp_path)) == ["empty", "here"]
