"""Releases (issue 30): one version, `--version`, a changelog entry for it, the release notes
drawn from it, and the distributions as the release workflow builds and checks them, installed
into fresh virtualenvs where a new site's requirements.txt installs and builds."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from helpers import ROOT, run_module

import generator

spec = importlib.util.spec_from_file_location("release", ROOT / ".ci" / "release.py")
release = importlib.util.module_from_spec(spec)
spec.loader.exec_module(release)

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


# --- one version, and the commands that say it ----------------------------------------------

def test_one_version_source():
    """pyproject.toml's version is the one written down; the package reads it from the
    installed metadata (an editable install too), and nothing else spells it."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert generator.__version__ == metadata.version("leaderboard-generator") == VERSION
    assert "__version__ =" in (ROOT / "generator" / "__init__.py").read_text(encoding="utf-8")
    spelled = [p for p in (ROOT / "generator").rglob("*.py")
               if f'"{VERSION}"' in p.read_text(encoding="utf-8")]
    assert spelled == []


def test_version_option(cli):
    run = cli("--version")
    assert run.code == 0 and run.out == f"leaderboard-generator {VERSION}\n" and run.err == ""


def test_version_option_as_a_module_and_the_console_script():
    assert run_module("--version").out == f"leaderboard-generator {VERSION}\n"
    script = shutil.which("leaderboard") or shutil.which(
        "leaderboard", path=str(Path(sys.executable).parent))
    run = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout == f"leaderboard-generator {VERSION}\n"


# --- the changelog and the release notes -----------------------------------------------------

def test_the_changelog_has_an_entry_for_the_current_version():
    """Keep a Changelog: a title, an Unreleased section first, then one section per release,
    newest first, each '## [X.Y.Z] - YYYY-MM-DD' with at least one '### ' group."""
    assert CHANGELOG.startswith("# Changelog\n")
    assert "https://keepachangelog.com/" in CHANGELOG
    headings = re.findall(r"^## (.*)$", CHANGELOG, flags=re.M)
    assert headings[0] == "[Unreleased]"
    assert headings[1].startswith(f"[{VERSION}] - ")
    for heading in headings[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
    versions = [tuple(map(int, re.match(r"\[([\d.]+)\]", h)[1].split("."))) for h in headings[1:]]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    entry = release.notes(VERSION, CHANGELOG)
    assert "### " in entry
    # what it changes for a site's owner: the data format, templates, plugin options
    for group in ("### Data format", "### Templates", "### Plugin options"):
        assert group in entry


def test_release_notes_are_the_versions_section():
    notes = release.notes(VERSION, CHANGELOG)
    assert notes == release.notes(f"v{VERSION}", CHANGELOG)  # the tag reads the same
    assert not notes.startswith("## ") and "## [" not in notes and notes.endswith("\n")
    section = CHANGELOG.split(f"## [{VERSION}]", 1)[1].split("\n", 1)[1]
    section = re.split(r"^## ", section, flags=re.M)[0]
    assert notes == section.strip() + "\n"


def test_release_notes_of_a_small_changelog():
    text = ("# Changelog\n\n## [Unreleased]\n\n### Added\n- next\n\n"
            "## [0.2.0] - 2027-01-02\n\n### Changed\n- two\n\n## [0.1.0] - 2026-12-06\n\n"
            "### Added\n- one\n\n[Unreleased]: https://example.org/compare/v0.2.0...HEAD\n"
            "[0.2.0]: https://example.org/compare/v0.1.0...v0.2.0\n")
    assert release.notes("0.2.0", text) == "### Changed\n- two\n"
    assert release.notes("v0.1.0", text) == "### Added\n- one\n"  # link definitions left out
    with pytest.raises(release.Failed, match=r"no section '## \[0.3.0\] - DATE'"):
        release.notes("0.3.0", text)
    with pytest.raises(release.Failed, match="empty"):
        release.notes("0.1.0", "## [0.1.0] - 2026-12-06\n\n## [0.0.1] - 2026-01-01\n- x\n")
    with pytest.raises(release.Failed, match="cannot read"):
        release.notes("0.1.0", "## Version 0.1.0 of 6 December\n- x\n")


def test_release_notes_from_the_command_line():
    run = subprocess.run([sys.executable, ROOT / ".ci" / "release.py", "notes", f"v{VERSION}"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout == release.notes(VERSION, CHANGELOG)
    run = subprocess.run([sys.executable, ROOT / ".ci" / "release.py", "notes", "v9.9.9"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr == "release.py notes: CHANGELOG.md has no section '## [9.9.9] - DATE'\n"


def test_the_tag_must_be_the_version_with_a_dated_entry(tmp_path):
    assert release.check_tag(f"v{VERSION}") == VERSION
    with pytest.raises(release.Failed, match=rf"is not v \+ pyproject.toml's version \({VERSION}\)"):
        release.check_tag("v99.0.0")
    with pytest.raises(release.Failed):
        release.check_tag(VERSION)  # without the v
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{VERSION}]\n\n- x\n",
                                           encoding="utf-8")
    with pytest.raises(release.Failed, match="needs its date"):
        release.check_tag(f"v{VERSION}", root=tmp_path)


def test_the_wheels_expected_files_come_from_the_checkout():
    expected = release.wheel_expected()
    for name in ("generator/cli.py", "generator/templates/site_task.md.j2",
                 "generator/assets/leaderboard.js", "generator/schema/task.schema.json",
                 "generator/forms/add-result.yml", "generator/tools/skeleton/files/mkdocs.yml",
                 "generator/tools/skeleton/files/dot-github/dependabot.yml",
                 "generator/tools/skeleton/files/docs/contributing.md"):
        assert name in expected, name
    assert not any(n.endswith((".png", ".pyc")) for n in expected)


# --- the distributions, as the release workflow builds and checks them ------------------------

@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``python -m build`` (the sdist, then the wheel built from it) into a folder outside the
    repository, as the release workflow does."""
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


@pytest.mark.slow
def test_the_distributions_pass_twine_check_and_hold_every_file(dist):
    run = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("PASSED") == 2
    run = subprocess.run([sys.executable, ROOT / ".ci" / "release.py", "check-dist", dist],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (f"ok: leaderboard_generator-{VERSION}-py3-none-any.whl, "
                          f"leaderboard_generator-{VERSION}.tar.gz\n")


def test_check_dist_names_what_a_wheel_lacks(tmp_path):
    import zipfile
    stem = f"leaderboard_generator-{VERSION}"
    with zipfile.ZipFile(tmp_path / f"{stem}-py3-none-any.whl", "w") as wheel:
        wheel.writestr("generator/__init__.py", "")
        wheel.writestr(f"{stem}.dist-info/METADATA",
                       f"Metadata-Version: 2.4\nName: leaderboard-generator\nVersion: {VERSION}\n\n"
                       "# Leaderboards\n")
        wheel.writestr(f"{stem}.dist-info/entry_points.txt", "")
    import tarfile
    with tarfile.open(tmp_path / f"{stem}.tar.gz", "w:gz"):
        pass
    with pytest.raises(release.Failed) as failed:
        release.check_dist(tmp_path)
    message = str(failed.value)
    assert "lacks" in message and "generator/templates/site_task.md.j2" in message
    assert "entry_points.txt lacks 'leaderboard = generator.cli:main'" in message
    assert f"{stem}.tar.gz lacks pyproject.toml" in message


@pytest.fixture(scope="module")
def smoke(dist, tmp_path_factory) -> Path:
    """The release workflow's smoke test, run as it runs it: the wheel in a fresh virtualenv
    (--version, init), then the new site's requirements.txt in another (validate, readme
    --check, mkdocs build --strict). Returns its work folder."""
    work = tmp_path_factory.mktemp("smoke")
    assert ROOT not in work.parents
    run = subprocess.run([sys.executable, ROOT / ".ci" / "release.py", "smoke", dist,
                          "--work", work], capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.endswith(f"ok: leaderboard_generator-{VERSION}-py3-none-any.whl "
                               "installs, runs and builds a new site\n")
    return work


@pytest.mark.slow
def test_a_new_site_installs_from_its_requirements_and_builds(smoke, dist):
    """The acceptance: `leaderboard init` with the wheel installed in a fresh virtualenv pins
    this release, and in another fresh virtualenv `pip install --find-links dist -r
    requirements.txt` installs it unedited, and the site builds strictly."""
    site = smoke / "site"
    lines = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"leaderboard-generator=={VERSION}" in lines
    assert not any("PyPI" in line for line in lines)
    installed = subprocess.run([smoke / "site-venv" / "bin" / "python", "-m", "pip", "show",
                                "-f", "leaderboard-generator"], capture_output=True, text=True)
    assert f"Version: {VERSION}" in installed.stdout
    assert "Editable project location" not in installed.stdout  # the wheel, not this checkout
    from test_init import assert_sortable_task_page
    assert_sortable_task_page(site / "site")
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+)" class="md-nav__link">', home)
    assert links == ["tasks/", "datasets/", "papers/", "models/", "contributing/"]


def _activated(venv: Path) -> dict[str, str]:
    import os
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


@pytest.mark.slow
def test_the_installed_release_writes_markdown_and_exports(smoke):
    site, env = smoke / "site", _activated(smoke / "site-venv")

    def run(*cmd):
        proc = subprocess.run(cmd, cwd=site, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    markdown = run("leaderboard", "markdown", "image_classification")
    assert markdown.startswith("# Image classification\n") and "| DenseNet-121 " in markdown
    run("leaderboard", "export", "--format", "all", "--out", str(smoke / "exports"))
    exported = {p.relative_to(smoke / "exports").as_posix()
                for p in (smoke / "exports").rglob("*") if p.is_file()}
    assert {"all.json", "schema.json", "image_classification/imagenet.csv",
            "image_classification/imagenet.json", "image_classification/imagenet.tex",
            "image_classification/imagenet.md"} <= exported


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_the_sites_checks_show_what_a_pull_request_changes_on_the_site(smoke, dist, tmp_path):
    """The new site's step 'Site changes (job summary)', run as the runner runs it on a pull
    request that changes how the site is made (here docs/index.md; for Dependabot's,
    requirements.txt): the base commit built with its own requirements in a virtualenv of its
    own, compared page by page with the pull request's build."""
    import yaml
    repo = tmp_path / "repo"
    shutil.copytree(smoke / "site", repo, ignore=shutil.ignore_patterns("site", ".*.lock"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD").strip()
    home = repo / "docs" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + "\nA line the pull request adds.\n",
                    encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "head")
    env = {**_activated(smoke / "site-venv"), "PIP_FIND_LINKS": str(dist),
           "RUNNER_TEMP": str(tmp_path / "runner"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    (tmp_path / "runner").mkdir()
    build = subprocess.run(["mkdocs", "build", "--strict"], cwd=repo, env=env, capture_output=True,
                           text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    checks = yaml.safe_load((repo / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8"))
    [step] = [s for s in checks["jobs"]["check"]["steps"] if s.get("name") == "Site changes (job summary)"]

    def run_step(sha: str) -> str:
        (tmp_path / "summary.md").write_text("", encoding="utf-8")
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=repo,
                              env={**env, "BASE_SHA": sha}, capture_output=True, text=True,
                              timeout=1200)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return (tmp_path / "summary.md").read_text(encoding="utf-8")

    assert run_step("HEAD").startswith("The site is made as before")
    summary = run_step(base)
    assert summary.startswith("## Site changes\n")
    assert "0 added, 0 removed, 1 with changed content" in summary
    assert "### Pages whose content changed (1)\n\n- `/`\n" in summary
