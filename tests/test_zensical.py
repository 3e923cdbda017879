"""Zensical, the second builder: it reads mkdocs.yml but runs no hooks or MkDocs plugins, so it
builds from docs/ overlaid with `python -m generator pages --out DIR` and a copy of mkdocs.yml
without the leaderboards plugin (and the hook it replaces).  Installed with the test extra."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, ROOT

from generator.project.pipeline import load_valid_project
from generator.tools.zensical import builder_config, command as zensical_command

try:
    import zensical  # noqa: F401
except ImportError:  # pragma: no cover - the test extra installs it
    pytest.skip("Zensical is not installed (pip install -e '.[test]' installs it)",
                allow_module_level=True)


def test_builder_config_drops_only_the_hook_and_the_plugin():
    text = ("site_name: x\nsite_url: !ENV [SITE_URL, \"http://127.0.0.1:8000/\"]\n"
            "hooks:\n  - generator/mkdocs_hook.py\nnav:\n  - Home: index.md\n"
            "plugins:\n  - search\n  - leaderboards:\n      data: data\n      templates: t\n"
            "  - other\nwatch:\n  - data\n")
    assert builder_config(text) == ("site_name: x\nsite_url: !ENV [SITE_URL, "
                                    "\"http://127.0.0.1:8000/\"]\nnav:\n  - Home: index.md\n"
                                    "plugins:\n  - search\n  - other\nwatch:\n  - data\n")


@pytest.mark.slow
def test_zensical_builds_the_bundled_site_from_pages_output(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    generated = tmp_path / "generated"
    run = subprocess.run([sys.executable, "-m", "generator", "pages", "--data", str(DATA),
                          "--docs", str(ROOT / "docs"), "--out", str(generated)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    shutil.copytree(generated, docs, dirs_exist_ok=True)
    config = builder_config((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "leaderboards" not in config and "hooks:" not in config
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")

    build = subprocess.run([*zensical_command(), "build", "--strict", "-f", "mkdocs.yml"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    site = tmp_path / "site"
    assert (site / "assets" / "leaderboard.js").is_file()

    project = load_valid_project(DATA).project
    assert project.tasks
    for task in project.tasks:
        page = (site / "tasks" / task.id / "index.html").read_text(encoding="utf-8")
        tables = re.findall(r'<table class="lb-table" id="([^"]+)"', page)
        assert len(tables) == len(task.leaderboards), task.id
        for lb in task.leaderboards:
            assert f'data-leaderboard="{task.id}/{lb.id}"' in page, (task.id, lb.id)
        assert re.search(r'<script src="(\.\./)+assets/leaderboard\.js"', page), task.id
        if any(lb.results for lb in task.leaderboards):
            assert "<tbody>" in page and "<td" in page, task.id


@pytest.mark.slow
def test_the_bench_step_builds_a_data_folder_with_zensical(tmp_path):
    """`bench --zensical` (issue 29): Zensical's build of a data folder's site from
    `pages --out`, as the bench runs it on the archive and each synthetic scale."""
    from generator.tools import zensical
    found = zensical.build(DATA, ROOT, tmp_path / "z")
    assert found["ok"], found["message"]
    assert found["pages"] > len(load_valid_project(DATA).project.tasks)
    assert (tmp_path / "z" / "site" / "assets" / "leaderboard.js").is_file()
