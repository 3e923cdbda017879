"""No partial output: a failed command or build leaves every previous output as it was."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, ROOT, replace_once

from generator.site.fsutil import write_text

BROKEN = ("values: {Score: 88.80}", "values: {Score: .nan}")


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def mkdocs_build(config: Path, site: Path, data: Path):
    env = dict(os.environ, LEADERBOARD_DATA=str(data), NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "-f", str(config), "-d", str(site)],
                          cwd=config.parent, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the site's sources (config, docs, templates) and data, with a built site;
    the installed plugin does the rest."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "templates", root / "templates")  # the plugin's `templates:`
    shutil.copytree(DATA, root / "data")
    run = mkdocs_build(root / "mkdocs.yml", root / "site", root / "data")
    assert run.returncode == 0, run.stderr
    return root


@pytest.mark.slow
def test_invalid_data_fails_the_build_and_keeps_the_previous_site(project, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(project / "data", data)
    line = replace_once(data / "tasks" / "semantic_segmentation.yml", *BROKEN)
    before = tree(project / "site")
    run = mkdocs_build(project / "mkdocs.yml", project / "site", data)
    assert run.returncode != 0
    assert f"semantic_segmentation.yml:{line}:21: value of metric 'Score' must be a finite " \
           "number, not .nan" in run.stderr
    assert tree(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == ["data", "docs", "mkdocs.yml", "site", "templates"]


@pytest.mark.slow
def test_a_build_that_strict_mode_aborts_keeps_the_previous_site(project, tmp_path):
    """The data is fine but a page links nowhere: MkDocs --strict fails after writing
    every page, which used to leave the new half-checked site in place."""
    broken = tmp_path / "project"
    shutil.copytree(project, broken, ignore=shutil.ignore_patterns("site"))
    with open(broken / "docs" / "contributing.md", "a", encoding="utf-8") as handle:
        handle.write("\nSee [the missing page](missing.md).\n")
    site = project / "site"
    before = tree(site)
    run = mkdocs_build(broken / "mkdocs.yml", site, broken / "data")
    assert run.returncode != 0
    assert "missing.md" in run.stderr and "Aborted with 1 warnings in strict mode" in run.stdout + run.stderr
    assert tree(site) == before
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.slow
def test_a_successful_build_replaces_the_site_whole(project, tmp_path):
    site = tmp_path / "site"
    (site / "stale").mkdir(parents=True)
    (site / "stale" / "index.html").write_text("old page", encoding="utf-8")
    run = mkdocs_build(project / "mkdocs.yml", site, project / "data")
    assert run.returncode == 0, run.stderr
    assert not (site / "stale").exists()
    assert tree(site) == tree(project / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_commands_given_invalid_data_write_nothing(cli, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    out = tmp_path / "out"
    assert cli("export", "--data", str(data), "--format", "all", "--out", str(out)).code == 0
    assert cli("pages", "--data", str(data), "--out", str(out / "pages")).code == 0
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    (readme.parent / "page.md").write_text("previous page\n", encoding="utf-8")
    before = tree(tmp_path)
    replace_once(data / "tasks" / "semantic_segmentation.yml", *BROKEN)
    changed = tree(tmp_path)
    for args in (["export", "--format", "all", "--out", str(out)],
                 ["pages", "--out", str(out / "pages")],
                 ["readme", "--readme", str(readme)],
                 ["markdown", "semantic_segmentation", "--out", str(tmp_path / "page.md")]):
        run = cli(*args, "--data", str(data))
        assert run.code == 1, args
        assert "must be a finite number, not .nan" in run.err
        assert tree(tmp_path) == changed, args
    assert {k: v for k, v in changed.items() if not k.startswith("data/")} == \
        {k: v for k, v in before.items() if not k.startswith("data/")}


def test_a_write_that_fails_midway_keeps_the_old_file(tmp_path):
    target = tmp_path / "README.md"
    target.write_text("the previous README\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):  # fails after the first bytes reached the disk
        write_text(target, "x" * 100_000 + "\ud800")
    assert target.read_text(encoding="utf-8") == "the previous README\n"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_export_replaces_its_folder_whole(cli, tmp_path):
    out = tmp_path / "out"
    assert cli("export", "--format", "json", "--out", str(out)).code == 0
    (out / "from-an-old-run.json").write_text("{}", encoding="utf-8")
    run = cli("export", "--format", "csv", "--out", str(out))
    assert run.code == 0, run.err
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert ".leaderboard-output" in names
    assert {Path(n).suffix for n in names - {".leaderboard-output"}} == {".csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("command", ["export", "pages"])
def test_a_folder_the_generator_did_not_write_is_never_replaced(cli, tmp_path, command):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("months of work", encoding="utf-8")
    before = tree(tmp_path)
    args = ["--data", str(DATA)] + (["--format", "all"] if command == "export" else [])
    run = cli(command, *args, "--out", str(mine), cwd=tmp_path)
    assert (run.code, run.out) == (1, "")
    assert run.err == (f"mine: not replacing this folder: it is not empty and was not written by "
                       f"'{command}' (no .leaderboard-output file); choose a new or empty folder\n")
    run = cli(command, *args, "--out", ".", cwd=mine)
    assert run.code == 1 and "is the current folder or holds it" in run.err
    assert tree(tmp_path) == before
