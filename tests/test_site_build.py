"""The site as MkDocs builds it, and the standalone pages step for other builders."""
from __future__ import annotations

import re
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from generator.tools import bench
from helpers import DATA, ROOT, run_module


def mkdocs(*args: str, data: Path | None = None, cwd: Path = ROOT, **kwargs):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if data is not None:
        env["LEADERBOARD_DATA"] = str(data)
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, **kwargs)


def _status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True).stdout


def test_pages_step_writes_every_page_without_mkdocs(tmp_path):
    out = tmp_path / "pages"
    run = run_module("pages", "--out", str(out))
    assert run.code == 0, run.err
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.md"))
    for page in ("index.md", "tasks/index.md", "datasets/index.md", "papers/index.md",
                 "tasks/semantic_segmentation.md", "datasets/ade20k.md",
                 "papers/arxiv-1611.10080.md"):
        assert page in written
    papers = [p for p in written if p.startswith("papers/") and p != "papers/index.md"]
    models = [p for p in written if p.startswith("models/") and p != "models/index.md"]
    boards = [p for p in written if p.count("/") == 2 and p.startswith("tasks/")]
    assert len(boards) == 14 and "tasks/semantic_segmentation/pascal-context.md" in boards
    # the two tasks of one leaderboard are their leaderboard's page: its address redirects
    redirects = sorted(str(p.relative_to(out)) for p in (out / "tasks").rglob("index.html"))
    assert redirects == ["tasks/object_detection/ms-coco-2016/index.html",
                         "tasks/pose_estimation/mpii-human-pose-dataset/index.html"]
    assert "models/deeplab-v3-xception-65.md" in models and "compare.md" in written
    # home, 4 indexes (tasks, datasets, papers, models), compare; 6 tasks, 9 datasets
    assert len(written) == 6 + 6 + 9 + len(papers) + len(models) + 14 and len(papers) > 10
    # a paper or model of one result has no page: a stub at its address sends to its row
    stubs = sorted(str(p.relative_to(out)) for folder in ("papers", "models")
                   for p in (out / folder).rglob("index.html"))
    assert "models/sdn-m2/index.html" in stubs and "models/sdn-m2.md" not in models
    assert len(stubs) + len(papers) + len(models) == 24 + 46  # every paper and model
    exports = sorted(str(p.relative_to(out)) for p in (out / "data").rglob("*.*"))
    assert "data/all.json" in exports and "data/schema.json" in exports
    assert "data/semantic_segmentation/pascal-voc-2012-validation-set.md.txt" in exports
    assert len(exports) == 3 + 16 * 4  # all.json, schema.json, models.json
    home = (out / "index.md").read_text(encoding="utf-8")
    assert home.startswith((ROOT / "docs" / "index.md").read_text(encoding="utf-8").strip())
    task = (out / "tasks" / "semantic_segmentation.md").read_text(encoding="utf-8")
    assert "## PASCAL VOC 2012 — Validation set { #pascal-voc-2012-validation-set }" in task
    assert '<table class="lb-table"' in task


MANUALS = ["architecture.md", "migration.md", "performance.md", "releasing.md", "templates.md"]
READER_NAV = [("Home", None), ("Tasks", "tasks/"), ("Datasets", "datasets/"),
              ("Papers", "papers/"), ("Models", "models/"), ("Contributing", "contributing/")]


def _nav(page: Path) -> list[tuple[str, str]]:
    """The primary navigation's entries of a built page: (title, link); a section, and the
    page itself, as (title, None)."""
    html = page.read_text(encoding="utf-8")
    primary = html.split('<nav class="md-nav md-nav--primary"', 1)[1]
    entries = []
    for match in re.finditer(r'<li class="md-nav__item[^"]*">\s*(?:<a href="([^"]*)" class='
                             r'"md-nav__link[^"]*">|<input[^>]*>\s*<label[^>]*>)\s*'
                             r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', primary):
        if not (match[1] or "").startswith("#"):
            entries.append((match[2], match[1]))
    return entries


def test_the_sites_navigation_is_for_its_readers():
    """mkdocs.yml: the home, the four indexes and the contributing page; the data format
    published for contributors, outside the navigation; the generator's manuals excluded.
    mkdocs.manuals.yml, the option that publishes them, keeps the same navigation before its
    section Manuals and excludes nothing."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert [list(e.items())[0] for e in config["nav"]] == [
        ("Home", "index.md"), ("Tasks", "tasks/index.md"), ("Datasets", "datasets/index.md"),
        ("Papers", "papers/index.md"), ("Models", "models/index.md"),
        ("Contributing", "contributing.md")]
    assert "/format.md" in config["not_in_nav"].split()
    assert sorted(config["exclude_docs"].split()) == [f"/{m}" for m in MANUALS]
    manuals = yaml.load((ROOT / "mkdocs.manuals.yml").read_text(encoding="utf-8"),
                        Loader=yaml.BaseLoader)
    assert manuals["INHERIT"] == "mkdocs.yml" and manuals["exclude_docs"] == ""
    assert manuals["nav"][:-1] == config["nav"]
    section = manuals["nav"][-1]["Manuals"]
    assert sorted(list(e.values())[0] for e in section) == sorted(["format.md", *MANUALS])
    # a published page links no manual: such a link would lead nowhere on the site
    for page in ("index.md", "contributing.md", "format.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        for manual in MANUALS:
            assert f"]({manual}" not in text, (page, manual)


@pytest.mark.slow
def test_the_manuals_are_published_where_a_site_owner_asks(tmp_path):
    run = mkdocs("build", "--strict", "-f", "mkdocs.manuals.yml", "-d", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    for page in ["format.md", *MANUALS]:
        assert (tmp_path / "site" / page.removesuffix(".md") / "index.html").is_file(), page
    nav = _nav(tmp_path / "site" / "index.html")
    assert nav[:len(READER_NAV)] == READER_NAV and nav[len(READER_NAV)] == ("Manuals", None)
    assert [t for t, _ in nav[len(READER_NAV) + 1:]] == [
        "Data format", "Migrating pages", "Templates", "Performance", "Architecture", "Releasing"]


@pytest.mark.slow
def test_mkdocs_build_is_strict_and_writes_nothing_into_the_repository(tmp_path):
    before = _status()
    run = mkdocs("build", "--strict", "-d", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert _status() == before
    assert sorted(p.name for p in (ROOT / "docs").glob("*.md")) == \
        ["architecture.md", "contributing.md", "format.md", "index.md", "migration.md",
         "performance.md", "releasing.md", "templates.md"]
    # the site speaks to its readers (issue 30): the manuals stay in docs/, out of the site
    built = tmp_path / "site"
    for manual in MANUALS:
        assert not (built / manual.removesuffix(".md")).exists(), manual
    for page in ("contributing", "format"):
        assert (built / page / "index.html").is_file(), page
    assert _nav(built / "index.html") == READER_NAV
    page = (tmp_path / "site" / "tasks" / "semantic_segmentation" / "index.html").read_text()
    assert 'id="pascal-voc-2012-validation-set"' in page  # the permalink anchor
    assert "88.80" in page and 'data-sort="88.8"' in page
    # nothing of the page loads from another host
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


@pytest.mark.slow
def test_invalid_data_fails_the_build_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    task = data / "tasks" / "object_detection.yml"
    task.write_text(task.read_text(encoding="utf-8")
                    .replace("values: {mAP: 43", "values: {mAP: forty-three", 1), encoding="utf-8")
    run = mkdocs("build", "--strict", "-d", str(tmp_path / "site"), data=data)
    assert run.returncode != 0
    assert "object_detection.yml:" in run.stderr and "must be a number" in run.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


@pytest.mark.slow
def test_serve_rebuilds_when_data_changes(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "data", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, project / name)
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/")
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload",
                                   "-a", f"127.0.0.1:{port}"], cwd=project, env=env,
                                  stdout=subprocess.DEVNULL, stderr=out)
    url = f"http://127.0.0.1:{port}/tasks/depth_estimation/"

    def shows(text: str) -> bool:
        """Whether the page comes to show ``text`` within a minute."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if text in _get(url):
                    return True
            except OSError:
                pass
            time.sleep(0.3)
        return False
    try:
        assert shows("2.271")
        task = project / "data" / "tasks" / "depth_estimation.yml"
        task.write_text(task.read_text(encoding="utf-8").replace("2.271", "2.111"), encoding="utf-8")
        assert shows("2.111")
        # saved as many editors save: a new file renamed over the old one
        saved = task.with_name(".depth_estimation.yml.swp")
        saved.write_text(task.read_text(encoding="utf-8").replace("2.111", "2.333"),
                         encoding="utf-8")
        os.replace(saved, task)
        assert shows("2.333")
        # and then it rests: a build reads the data (sources.yml), which is no change
        time.sleep(2)
        rebuilds = log.read_bytes().count(b"Detected file changes")
        time.sleep(3)
        assert log.read_bytes().count(b"Detected file changes") == rebuilds
        assert 2 <= rebuilds <= 4
    finally:
        bench.stop_server(server)  # as Ctrl-C: MkDocs removes its temporary site


@pytest.mark.slow
def test_with_a_github_repo_every_leaderboard_page_links_to_the_result_form(tmp_path):
    """Issue 28: built with REPO_URL on GitHub, each leaderboard page offers "Submit a result"
    (the issue form, its task and leaderboard filled in through the form's query parameters)
    and each row a button to suggest a correction; without a repository, neither."""
    from urllib.parse import parse_qs, urlsplit
    import html as htmllib
    import yaml

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1",
               REPO_URL="https://github.com/example-org/leaderboards")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                          str(tmp_path / "site")], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    boards = [(task.stem, lb["id"]) for task in sorted((DATA / "tasks").glob("*.yml"))
              for lb in yaml.safe_load(task.read_text(encoding="utf-8"))["leaderboards"]]
    assert boards
    for task, board in boards:
        page = (tmp_path / "site" / "tasks" / task / board / "index.html").read_text()
        if "location.replace" in page:  # a task's one leaderboard: on the task's page
            page = (tmp_path / "site" / "tasks" / task / "index.html").read_text()
            assert f'id="table-{board}"' in page
        links = [htmllib.unescape(m) for m in re.findall(
            r'<a class="lb-submit" href="([^"]+)"', page)]
        assert len(links) == 1, (task, board)
        url = urlsplit(links[0])
        assert (url.scheme, url.netloc, url.path) == (
            "https", "github.com", "/example-org/leaderboards/issues/new")
        query = parse_qs(url.query)
        assert query["template"] == ["add-result.yml"]
        assert query["task"] == [task] and query["leaderboard"] == [board]
        assert 'data-form="https://github.com/example-org/leaderboards/issues/new?' in page
        assert page.count('class="lb-fix"') == page.count("<tr id=")
    plain = mkdocs("build", "--strict", "-d", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stderr
    page = next(text for text in (p.read_text() for p in (tmp_path / "plain" / "tasks").glob(
        "*/*/index.html")) if "location.replace" not in text)  # a leaderboard's page
    assert "lb-submit" not in page and "lb-fix" not in page and "data-form" not in page
