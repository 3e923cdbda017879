"""The MkDocs plugin (generator/plugin.py): its options, its registration, and real builds
for what only a build shows: sections left out, rebuilds in one process (as `mkdocs serve`
runs them) starting clean, `--dirty`, the data option."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from helpers import DATA, ROOT, replace_once

from generator.outputs import render
from generator.plugin import LeaderboardsPlugin

BROKEN = ("values: {Score: 88.80}", "values: {Score: .nan}")


def options(tmp_path: Path, **given):
    plugin = LeaderboardsPlugin()
    errors, warnings = plugin.load_config(given, str(tmp_path / "mkdocs.yml"))
    return plugin.config, [f"{key}: {error}" for key, error in errors], warnings


# --- options and registration (no build) ------------------------------------------

def test_the_options_default_to_the_folders_beside_mkdocs_yml(tmp_path):
    config, errors, warnings = options(tmp_path)
    assert (errors, warnings) == ([], [])
    assert config.data_ == str(tmp_path / "data") and config["data"] == config.data_
    assert config.templates == str(tmp_path / "templates")
    assert config.sections == ["tasks", "datasets", "papers", "models"]
    config, errors, _ = options(tmp_path, data="../elsewhere", templates="/abs/t",
                                sections=["papers"])
    assert errors == [] and config.sections == ["papers"]
    assert config.data_ == str(tmp_path.parent / "elsewhere") and config.templates == "/abs/t"


@pytest.mark.parametrize("given,message", [
    ({"sections": ["tasks", "paper"]},
     "sections: Expected one of: ('tasks', 'datasets', 'papers', 'models') but received: 'paper'"),
    ({"sections": "tasks"}, "sections: expected a list such as [tasks], drawn from tasks, "
                            "datasets, papers, models"),
    ({"data": 3}, "data: Expected type: <class 'str'> but received: <class 'int'>"),
])
def test_a_wrong_option_is_named_with_what_it_takes(tmp_path, given, message):
    assert options(tmp_path, **given)[1] == [message]


def test_an_unknown_option_is_a_warning_which_strict_builds_refuse(tmp_path):
    _, errors, warnings = options(tmp_path, section=["tasks"])
    assert errors == [] and warnings == [("section", "Unrecognised configuration name: section")]


def test_the_package_registers_the_plugin():
    found = [e for e in entry_points(group="mkdocs.plugins") if e.name == "leaderboards"]
    assert [e.value for e in found] == ["generator.plugin:LeaderboardsPlugin"]
    assert found[0].load() is LeaderboardsPlugin


def test_this_repository_uses_the_plugin_and_no_hook():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert not config.hooks
    assert list(config.plugins) == ["material/search", "leaderboards"]
    plugin = config.plugins["leaderboards"]
    assert isinstance(plugin, LeaderboardsPlugin)
    assert dict(plugin.config) == {"data": str(ROOT / "data"), "templates": str(ROOT / "templates"),
                                   "sections": ["tasks", "datasets", "papers", "models"]}
    assert not (ROOT / "generator" / "mkdocs_hook.py").exists()
    for name in ("mkdocs.yml", "README.md", "pyproject.toml", *(f"docs/{p.name}" for p in
                                                                (ROOT / "docs").glob("*.md"))):
        assert "mkdocs_hook" not in (ROOT / name).read_text(encoding="utf-8"), name


# --- real builds ------------------------------------------------------------------

def project(tmp_path: Path, plugin_options: str = "", nav: bool = True) -> Path:
    """A site of its own: this repository's docs and data, and a config using the plugin."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(DATA, root / "data")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    start = config.index("  - leaderboards:")
    end = config.index("\n", config.index("sections:", start))
    config = config[:start] + "  - leaderboards" + plugin_options + config[end:]
    if not nav:  # the sections left out are in the navigation: strict builds would refuse
        config = config[:config.index("nav:")] + config[config.index("not_in_nav:"):]
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def mkdocs(root: Path, *args: str, env: dict | None = None):
    environ = {k: v for k, v in os.environ.items() if k != "LEADERBOARD_DATA"}
    environ.update(env or {}, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args],
                          cwd=root, env=environ, capture_output=True, text=True, timeout=300)


def pages(site: Path) -> set[str]:
    return {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}


@pytest.mark.slow
def test_sections_left_out_are_not_published(tmp_path):
    root = project(tmp_path, ":\n      sections: [tasks]", nav=False)
    run = mkdocs(root)
    assert run.returncode == 0, run.stderr
    built = pages(root / "site")
    assert {"tasks", "tasks/semantic_segmentation", "."} <= built
    assert not [p for p in built if p.startswith(("papers", "datasets"))]
    assert (root / "site" / "data" / "all.json").is_file()  # the exports always
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "/tasks/semantic_segmentation/" in sitemap and "/papers/" not in sitemap


@pytest.mark.slow
def test_the_data_and_templates_options_and_the_environment_that_overrides_data(tmp_path):
    root = project(tmp_path, ":\n      data: mydata\n      templates: mytemplates")
    shutil.move(root / "data", root / "mydata")
    (root / "mytemplates").mkdir()
    shipped = (render.shipped_templates() / "site_home.md.j2").read_text(encoding="utf-8")
    (root / "mytemplates" / "site_home.md.j2").write_text(shipped + "\nOVERRIDDEN HOME\n",
                                                          encoding="utf-8")
    run = mkdocs(root)
    assert run.returncode == 0, run.stderr
    assert "OVERRIDDEN HOME" in (root / "site" / "index.html").read_text(encoding="utf-8")
    other = tmp_path / "other"
    shutil.copytree(DATA, other)
    replace_once(other / "tasks" / "semantic_segmentation.yml", *BROKEN)
    run = mkdocs(root, "-d", str(tmp_path / "site2"), env={"LEADERBOARD_DATA": str(other)})
    assert run.returncode == 1 and "must be a finite number, not .nan" in run.stderr
    assert str(other / "tasks") in run.stderr or "other/tasks/" in run.stderr
    assert not (tmp_path / "site2").exists()


@pytest.mark.slow
def test_dirty_builds_update_the_site_in_place(tmp_path):
    root = project(tmp_path)
    assert mkdocs(root).returncode == 0
    before = pages(root / "site")
    page = root / "site" / "tasks" / "semantic_segmentation" / "index.html"
    inode = (root / "site").stat().st_ino
    replace_once(root / "data" / "tasks" / "semantic_segmentation.yml", "88.80", "88.70")
    run = mkdocs(root, "--dirty", "--no-strict")  # MkDocs warns of any --dirty build
    assert run.returncode == 0, run.stderr
    assert (root / "site").stat().st_ino == inode  # the same folder, not a staged one
    assert pages(root / "site") == before
    assert "88.70" in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in root.iterdir()) == ["data", "docs", "mkdocs.yml", "site"]


@pytest.mark.slow
def test_rebuilds_in_one_process_start_clean(tmp_path, monkeypatch):
    """As `mkdocs serve` does: one plugin instance, the config loaded again for each build,
    a failed build between two good ones."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    root = project(tmp_path)
    monkeypatch.delenv("LEADERBOARD_DATA", raising=False)
    monkeypatch.setenv("SITE_URL", "https://example.org/")
    site = tmp_path / "served"
    first = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    plugin = first.plugins["leaderboards"]
    first.plugins.on_startup(command="serve", dirty=False)
    task = root / "data" / "tasks" / "semantic_segmentation.yml"
    try:
        build(first)
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        written = list(plugin.build.written)
        locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
        assert written and len(locs) == len(set(locs)) > len(written)
        assert plugin.build.data_dir == root / "data" and plugin.build.templates_dir is None
        replace_once(task, *BROKEN)
        broken = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        assert broken.plugins["leaderboards"] is plugin
        with pytest.raises(Abort):
            build(broken)
        assert plugin.build is None or plugin.build.output is None  # the lock is released
        assert (site / "sitemap.xml").read_text(encoding="utf-8") == sitemap
        replace_once(task, "values: {Score: .nan}", "values: {Score: 77.70}")
        again = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        build(again)
    finally:
        first.plugins.on_shutdown()
    assert plugin.build.written == written  # not twice over
    assert (site / "sitemap.xml").read_text(encoding="utf-8") == sitemap
    assert "77.70" in (site / "tasks" / "semantic_segmentation" / "index.html").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "served"]


def test_the_mkdocs_internals_the_plugin_relies_on_are_those_of_mkdocs_1_6():
    """generator/plugin/compat.py reaches past MkDocs's plugin events (a page file MkDocs
    lists but does not build); a new MkDocs must be checked against it first."""
    import types

    import mkdocs

    from generator.plugin.compat import KeptPage

    assert mkdocs.__version__.startswith("1.6."), mkdocs.__version__
    kept = KeptPage.of("tasks/x.md", types.SimpleNamespace(site_dir="/site",
                                                           use_directory_urls=True))
    assert (kept.dest_uri, kept.url, kept.generated_by) == ("tasks/x/index.html", "tasks/x/",
                                                            "leaderboards")
    assert not kept.is_documentation_page() and not kept.is_static_page()
