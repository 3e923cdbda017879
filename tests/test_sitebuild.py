"""generator.sitebuild: which data a build reads, the files it gives MkDocs, the footer's
credits and the one line for a disk error; all without MkDocs."""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
from helpers import DATA, FIXTURES

from generator.outputs import render
from generator.site import build as sitebuild
from generator.site import stamping
from generator.project.model import Source
from generator.project.pipeline import load_project
from generator.site.publish import Output


@pytest.fixture(scope="module")
def project():
    return sitebuild.load(DATA)


# --- which data -----------------------------------------------------------------

def test_the_data_folder_is_the_option_unless_the_environment_names_another(tmp_path):
    assert sitebuild.data_folder(tmp_path, "data", {}) == tmp_path / "data"
    assert sitebuild.data_folder(tmp_path, "data", {"LEADERBOARD_DATA": ""}) == tmp_path / "data"
    other = tmp_path / "elsewhere"
    assert sitebuild.data_folder(tmp_path, "data", {"LEADERBOARD_DATA": str(other)}) == other
    # a relative one is taken from mkdocs.yml's folder, like the option
    assert sitebuild.data_folder(tmp_path, "data", {"LEADERBOARD_DATA": "copy"}) == tmp_path / "copy"


def test_invalid_data_stops_the_build_with_every_problem(data_copy):
    task = data_copy / "tasks" / "semantic_segmentation.yml"
    task.write_text(task.read_text(encoding="utf-8").replace("values: {Score: 88.80}",
                                                             "values: {Score: .nan}", 1),
                    encoding="utf-8")
    with pytest.raises(sitebuild.SiteError) as caught:
        sitebuild.load(data_copy)
    message = str(caught.value)
    assert message.startswith("the leaderboard data is invalid:\n")
    assert re.search(r"semantic_segmentation\.yml:\d+:\d+: value of metric 'Score' must be a "
                     r"finite number, not \.nan", message)


def test_a_missing_data_folder_is_a_message_not_a_traceback(tmp_path):
    with pytest.raises(sitebuild.SiteError, match="cannot be read:\n.*data folder not found"):
        sitebuild.load(tmp_path / "nowhere")


# --- the files handed to MkDocs -------------------------------------------------

def test_every_section_by_default_with_placeholders_for_the_stamped_ones(project):
    generated = sitebuild.generate(project, "# Intro\n")
    files, stamped = generated.files, generated.stamped
    assert files["index.md"].count("# Intro") == 1
    for path in ("tasks/index.md", "datasets/index.md", "papers/index.md",
                 "tasks/semantic_segmentation.md"):
        assert path in files, path
    assert {"data/all.json", "data/schema.json"} <= set(generated.direct)
    assert sorted(stamped) == ["datasets/", "models/", "papers/", "tasks/*/"]
    assert files["papers/_stamp.md"] == files["datasets/_stamp.md"] == stamping.PLACEHOLDER
    assert files["models/_stamp.md"] == files["tasks/_stamp/_stamp.md"] == stamping.PLACEHOLDER
    # a page per leaderboard, as deep as its placeholder, but a task's only one (its task's
    # page is its page): a redirect at its address, handed to MkDocs as a file of its own
    assert "tasks/semantic_segmentation/ade20k-validation-set.md" in dict(stamped["tasks/*/"])
    assert len(stamped["tasks/*/"]) == len(project.leaderboards) - 2
    assert files["tasks/object_detection/ms-coco-2016/index.html"].startswith("<!doctype html>")
    assert "tasks/object_detection/ms-coco-2016.md" not in dict(stamped["tasks/*/"])
    assert "datasets/ade20k.md" not in files
    assert "datasets/ade20k.md" in dict(stamped["datasets/"])
    assert all(stamping.stampable(p) for pages in stamped.values() for p in pages)
    assert sorted(p for p in files if stamping.stampable(p)) == [
        "datasets/_stamp.md", "models/_stamp.md", "papers/_stamp.md", "tasks/_stamp/_stamp.md"]
    for pages in stamped.values():  # each page has the title stamping puts in
        for path, markdown in pages.items():
            assert stamping.front_matter_title(markdown)[0], path


def test_the_sections_left_out_are_not_published_home_and_exports_are(project):
    everything = sitebuild.generate(project)
    tasks_only = sitebuild.generate(project, sections=["tasks"])
    assert sorted(tasks_only.stamped) == ["tasks/*/"]  # the leaderboards' own pages
    others = ("papers/", "datasets/", "models/", "compare.md")
    assert not [p for p in tasks_only.files if p.startswith(others)]
    assert {p: t for p, t in everything.files.items() if not p.startswith(others)} \
        == tasks_only.files
    papers_only = sitebuild.generate(project, sections=("papers",))
    assert sorted(papers_only.stamped) == ["papers/"]
    assert "index.md" in papers_only.files and "data/all.json" in papers_only.direct
    # without the leaderboards' pages no paper or model is folded into a row (site.folds):
    # every one has its page, and no stub is written
    folded = {p for p in everything.direct if sitebuild.is_stub(p)}
    assert folded and not [p for p in papers_only.direct if sitebuild.is_stub(p)]
    assert any(path[:-3] + "/index.html" in folded for path in papers_only.stamped["papers/"])
    assert papers_only.direct.keys() == everything.direct.keys() - folded
    assert not [p for p in papers_only.files if p.startswith(("tasks/", "datasets/"))]


def test_a_rebuild_takes_out_the_redirect_of_a_leaderboard_gone(tmp_path):
    """`mkdocs serve` carries the last build's tasks/ over: a folded leaderboard's redirect
    (a file MkDocs copies, not a page) goes with its task, as its pages do."""
    before = sitebuild.generate(load_project(DATA).project)
    project = load_project(DATA).project
    project.tasks = [t for t in project.tasks if t.id != "object_detection"]
    now = sitebuild.generate(project, previous=before)
    old, staging = tmp_path / "old", tmp_path / "staging"
    kept = ["tasks/semantic_segmentation/index.html", "tasks/pose_estimation/index.html",
            "tasks/pose_estimation/mpii-human-pose-dataset/index.html"]
    gone = ["tasks/object_detection/index.html", "tasks/object_detection/ms-coco-2016/index.html"]
    for path in kept + gone:
        (old / path).parent.mkdir(parents=True, exist_ok=True)
        (old / path).write_text("x", encoding="utf-8")
    staging.mkdir()
    assert sitebuild.carry_over(old, staging, before, now) == ["tasks"]
    assert [p for p in kept + gone if (staging / p).exists()] == kept
    assert not (staging / "tasks" / "object_detection").exists()


def test_a_template_override_replaces_the_shipped_one(project, tmp_path):
    shipped = (render.shipped_templates() / "site_home.md.j2").read_text(encoding="utf-8")
    (tmp_path / "site_home.md.j2").write_text(shipped + "\nOVERRIDDEN HOME\n", encoding="utf-8")
    generated = sitebuild.generate(project, templates_dir=tmp_path)
    assert "OVERRIDDEN HOME" in generated.files["index.md"]
    assert "OVERRIDDEN HOME" not in sitebuild.generate(project).files["index.md"]


def test_generate_is_deterministic(project):
    assert sitebuild.generate(project) == sitebuild.generate(project)


# --- the footer -------------------------------------------------------------------

def test_the_footer_credits_each_source_with_its_licence():
    sources = [Source("SotA-CV", "https://github.com/Lextal/SotA-CV", "MIT",
                      "https://example.org/LICENSE"),
               Source("Notes"), Source("Plain", license="CC0")]
    assert sitebuild.footer(sources) == (
        'Data: <a href="https://github.com/Lextal/SotA-CV">SotA-CV</a> '
        '(<a href="https://example.org/LICENSE">MIT</a>); Notes; Plain (CC0)')
    assert sitebuild.footer([]) is None


def test_the_footer_of_hostile_sources_holds_no_markup_and_no_script_link():
    loaded = load_project(FIXTURES / "hostile")  # invalid on purpose: its sources are read
    html = sitebuild.sources_html(loaded.project.sources)
    assert len(loaded.project.sources) >= 4
    assert "<script" not in html and "<svg" not in html and "<img" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h == "#" or h.startswith("https://") for h in hrefs), hrefs
    assert re.sub(r'<a href="[^"]*">|</a>', "", html).count("<") == 0


# --- a disk error that ends a build -----------------------------------------------

def test_a_file_of_the_staging_folder_is_named_where_it_was_going(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = Output(tmp_path / "site")
    staging = output.open()
    try:
        full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(staging / "papers" / "x.html"))
        assert sitebuild.error_line(full, output) == \
            f"cannot write {Path('site') / 'papers' / 'x.html'}: No space left on device"
        copy = OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "docs" / "a.css"),
                       None, str(staging / "assets" / "a.css"))  # a copy names its source first
        assert sitebuild.error_line(copy, output) == \
            f"cannot write {Path('site') / 'assets' / 'a.css'}: Read-only file system"
        elsewhere = FileNotFoundError(errno.ENOENT, "No such file or directory", "docs/x.md")
        assert sitebuild.error_line(elsewhere, output) == "docs/x.md: No such file or directory"
    finally:
        output.abandon()


def test_other_errors_are_left_to_mkdocs():
    assert sitebuild.error_line(ValueError("x"), None) is None
    assert sitebuild.error_line(BrokenPipeError(errno.EPIPE, "Broken pipe"), None) is None
    assert sitebuild.error_line(OSError(errno.EACCES, "Permission denied", "site"), None) == \
        "site: Permission denied"


def test_badges_and_exports_are_written_past_mkdocs_and_pages_handed_to_it(tmp_path):
    from generator.site import build as sitebuild
    from generator.site.fsutil import Spooler
    from generator.project.pipeline import load_valid_project
    from helpers import DATA
    generated = sitebuild.generate(load_valid_project(DATA).project)
    assert generated.direct and all(p.startswith(("badges/", "data/")) or sitebuild.is_stub(p)
                                    for p in generated.direct)
    assert {"data/all.json", "data/schema.json"} <= set(generated.direct)
    assert not [p for p in generated.files if p.startswith(("badges/", "data/"))]
    assert "feed.xml" in generated.files and "index.md" in generated.files
    spooler = Spooler()
    sitebuild.write_direct(tmp_path, generated.direct, spooler)
    spooler.finish()
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(generated.direct)
    for path, text in generated.direct.items():  # byte for byte: CSV keeps its CRLF
        assert (tmp_path / path).read_bytes().decode("utf-8") == text


def test_a_failed_write_in_the_spooler_is_raised_as_the_os_error(tmp_path):
    from generator.site.fsutil import Spooler
    (tmp_path / "taken").write_text("a file where a folder should be", encoding="utf-8")
    spooler = Spooler()
    spooler.write_all([(tmp_path / "ok.txt", "fine"), (tmp_path / "taken" / "x.svg", "<svg/>"),
                       (tmp_path / "later.txt", "not written after a failure")])
    with pytest.raises(OSError) as caught:
        spooler.finish()
    assert caught.value.errno in (errno.EEXIST, errno.ENOTDIR)
    assert str(tmp_path / "taken") in caught.value.filename
    assert (tmp_path / "ok.txt").read_text(encoding="utf-8") == "fine"
    assert not (tmp_path / "later.txt").exists()
    assert sitebuild.error_line(caught.value, None) == \
        f"{caught.value.filename}: {caught.value.strerror}"


def test_an_abandoned_spooler_leaves_no_process_behind(tmp_path):
    from generator.site.fsutil import Spooler
    spooler = Spooler()
    spooler.write_all(((tmp_path / f"{i}.txt", "x") for i in range(100_000)))
    pids = [pid for pid, _ in spooler._children]
    spooler.abandon()
    assert pids
    for pid in pids:  # killed and reaped: no such process, not even a zombie
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert len(list(tmp_path.iterdir())) < 100_000
