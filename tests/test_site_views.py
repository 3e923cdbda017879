"""The site's views beyond one leaderboard: models, leaderboard pages, task overviews, areas,
repository links, and the relative-link warning."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from generator.views import site
from generator.site import build as sitebuild
from generator.views import leaderboard as views
from generator.project.model import Leaderboard, Metric, Result, Task
from generator.project.pipeline import load_project, load_valid_project
from helpers import DATA, PWC_SLICE, run_module


@pytest.fixture(scope="module")
def project():
    return load_valid_project(DATA).project


@pytest.fixture(scope="module")
def pages(project):
    return sitebuild.site_pages(project)


@pytest.mark.parametrize("name,model", [
    ("DeepLab_v3-Xception-65 + COCO", "DeepLab_v3-Xception-65"),
    ("XLNet (single model)", "XLNet"),
    ("XLNet (ensemble)", "XLNet"),
    ("SDN-M2*", "SDN-M2"),
    ("BERT-Large  (Devlin et al., 2018)", "BERT-Large"),
    ("(ensemble)", "(ensemble)"),  # nothing but configuration: kept as written
])
def test_a_model_is_its_name_without_the_configuration(name, model):
    assert views.model_name(name) == model


def test_one_model_gathers_its_configurations_with_their_ranks(project, pages):
    views_of = {site.key_of(lb): views.leaderboard_view(lb) for lb in project.leaderboards}
    model = site.models(project, views_of)["deeplab-v3-xception-65"]
    assert model.name == "DeepLab_v3-Xception-65"
    assert "DeepLab_v3-Xception-65 + COCO" in model.configurations
    assert len(model.configurations) >= 2
    ranks = {(v.id, row.display_name): row.rank for v, row in model.entries}
    assert ranks[("pascal-voc-2012-validation-set", "DeepLab_v3-Xception-65 + COCO")] == 2
    page = pages["models/deeplab-v3-xception-65.md"]
    assert "configurations: DeepLab_v3-Xception-65 + " in page
    assert ">2 of 9<" in page  # its rank on PASCAL VOC 2012 validation, of nine results
    assert "compare/?models=deeplab-v3-xception-65," in page
    # the table's model names lead to the model pages
    assert 'href="../../models/deeplab-v3-xception-65/"' in pages["tasks/semantic_segmentation.md"]


def test_the_compare_data_holds_each_models_best_row_per_leaderboard(project):
    views_of = {site.key_of(lb): views.leaderboard_view(lb) for lb in project.leaderboards}
    data = site.compare_data(site.models(project, views_of), views_of, {t.id: t.title for t in project.tasks})
    boards = {tuple(b[:2]): i for i, b in enumerate(data["boards"])}
    sdn = data["models"]["sdn-m2"]["results"]
    voc = boards[("semantic_segmentation", "pascal-voc-2012-validation-set")]
    assert [voc, "SDN-M2* + COCO + MS", "88.80", 1] in sdn


def test_every_leaderboard_has_its_own_page(project, pages):
    """Its own, or its task's when the task has only it (``folds_into_task``): then its own
    address is a redirect there."""
    for lb in project.leaderboards:
        folded = site.folds_into_task(project.task(lb.task_id))
        page = pages[f"tasks/{lb.task_id}.md" if folded else f"tasks/{lb.task_id}/{lb.id}.md"]
        assert f'id="table-{lb.id}"' in page
        assert (f"tasks/{lb.task_id}/{lb.id}/index.html" in pages) == folded
        assert (f"tasks/{lb.task_id}/{lb.id}.md" in pages) != folded
    voc = pages["tasks/semantic_segmentation/pascal-voc-2012-validation-set.md"]
    assert voc.startswith('---\ntitle: "Semantic segmentation on PASCAL VOC 2012 — Validation set"')
    assert '<form class="lb-filters"' in voc and 'href="../../../tasks/semantic_segmentation/"' in voc


# --- a task of one leaderboard: its page is the leaderboard's ----------------------------

FOLDED = ("object_detection", "ms-coco-2016")  # the bundled data's tasks of one leaderboard
FOLDED_TOO = ("pose_estimation", "mpii-human-pose-dataset")


def test_a_task_of_one_leaderboard_in_full_is_its_page(project, pages):
    folded = {t.id for t in project.tasks if site.folds_into_task(t)}
    assert folded == {FOLDED[0], FOLDED_TOO[0]}
    assert not site.folds_into_task(_big_task(1, site.FULL_TASK_RESULTS + 1))  # an overview
    assert not site.folds_into_task(_big_task(2, 1)) and site.folds_into_task(_big_task(1, 1))
    task, board = FOLDED
    page = pages[f"tasks/{task}.md"]
    # what the leaderboard's page had: its title, the filters, the table with the same row
    # anchors, the chart, the downloads; and no link to a page of its own
    lb = project.task(task).leaderboards[0]
    view = dataclasses.replace(views.leaderboard_view(lb), folded=False)
    anchors = [row.anchor for row in view.rows]
    assert page.startswith('---\ntitle: "Object detection on MS-COCO 2016"\n')
    assert '<form class="lb-filters"' in page and 'name="asof"' in page
    assert f"{{ #{board} }}" in page and f'<table class="lb-table" id="table-{board}"' in page
    assert all(f'<tr id="{a}"' in page for a in anchors) and len(anchors) == 10
    assert '<svg' in page and f'href="../../data/{task}/{board}.csv"' in page
    assert "page of this leaderboard" not in page
    # a task of several keeps both kinds of page, linked as before
    seg = pages["tasks/semantic_segmentation.md"]
    assert 'href="../../tasks/semantic_segmentation/pascal-context/">page of this leaderboard' \
        in seg
    assert seg.startswith('---\ntitle: "Semantic segmentation"\n')


def test_a_folded_leaderboards_address_redirects_to_its_task_keeping_the_row(pages):
    task, board = FOLDED
    stub = pages[f"tasks/{task}/{board}/index.html"]
    assert len(stub.encode()) < 700 and "md-" not in stub and "stylesheet" not in stub
    assert '<script>location.replace("../../../tasks/object_detection/" + location.search' \
           ' + location.hash)</script>' in stub
    assert '<noscript><meta http-equiv="refresh" content="0; url=../../../tasks/object_detection/">' \
           '</noscript>' in stub
    assert '<meta name="robots" content="noindex">' in stub
    assert '<link rel="canonical" href="../../../tasks/object_detection/">' in stub
    assert '<a href="../../../tasks/object_detection/">Object detection</a>' in stub


def test_every_link_to_a_folded_leaderboard_goes_to_its_task_page(project, pages):
    task, board = FOLDED
    old = f"tasks/{task}/{board}/"
    assert not [p for p, text in pages.items() if old in text and not p.endswith(".html")]
    home, coco = pages["index.md"], pages["datasets/coco_detection.md"]
    for text in (home, coco):
        assert f'href="{"" if text is home else "../../"}tasks/{task}/#{board}">MS-COCO 2016' in text
        assert f'tasks/{task}/#{board}--' in text  # its best result's row
    data = site.derive(project)
    paper = "arxiv-1506.01497"  # Faster R-CNN: five results there, a page of its own
    assert [v.id for v, _, _ in data.papers[paper].entries] == [board] * 5
    assert f'href="../../tasks/{task}/#{board}--' in pages[f"papers/{paper}.md"]
    assert f'href="../../tasks/{task}/#{board}">MS-COCO 2016' in pages[f"papers/{paper}.md"]
    # a model of results there and elsewhere: its page links the row on the task's page
    more = load_valid_project(DATA).project
    more.task(task).leaderboards[0].results.append(Result(model="DeepLab_v3-Xception-65",
                                                          values={}))
    model = sitebuild.site_pages(more)["models/deeplab-v3-xception-65.md"]
    assert f'href="../../tasks/{task}/#{board}--deeplab-v3-xception-65">MS-COCO 2016' in model
    assert 'href="../../tasks/semantic_segmentation/pascal-voc-2012-validation-set/#' in model
    # the feed, the search, the compare page's data
    feed = [e.href for e in data.feed if e.href.startswith(f"tasks/{task}/")]
    assert feed and all(h.startswith(f"tasks/{task}/#{board}--") for h in feed)
    from generator.site import searchindex
    where = {e["location"] for e in searchindex.entries(data)}
    assert f"tasks/{task}/#{board}" in where and old not in where
    assert "tasks/semantic_segmentation/pascal-context/" in where
    compare = site.compare_data(data.models, data.views, data.titles)["boards"]
    assert [task, board, "MS-COCO 2016", "Object detection", "mAP (%)", 10, 1] in compare
    assert all(len(b) == 6 for b in compare if b[0] not in (task, FOLDED_TOO[0]))


def _big_task(boards: int, results: int) -> Task:
    metric = Metric("Score", direction="higher")
    lbs = [Leaderboard(id=f"b{i}", title=f"Board {i}", metrics=[metric], task_id="big",
                       results=[Result(model=f"M{j}", values={}) for j in range(results)])
           for i in range(boards)]
    return Task(id="big", title="Big", leaderboards=lbs)


def test_a_task_page_becomes_an_overview_past_its_documented_size(project, pages):
    assert not site.is_overview(project.task("semantic_segmentation"))
    assert '<table class="lb-table"' in pages["tasks/semantic_segmentation.md"]
    assert site.is_overview(_big_task(site.FULL_TASK_LEADERBOARDS + 1, 1))
    assert site.is_overview(_big_task(1, site.FULL_TASK_RESULTS + 1))
    assert not site.is_overview(_big_task(site.FULL_TASK_LEADERBOARDS, 1))
    big = load_valid_project(DATA).project
    task = big.task("semantic_segmentation")
    task.leaderboards = [dataclasses.replace(lb, id=f"{lb.id}-{i}") for i, lb in
                         enumerate(task.leaderboards * 2)]
    page = sitebuild.site_pages(big)["tasks/semantic_segmentation.md"]
    assert '<table class="lb-table"' not in page  # no full table: one row per leaderboard
    assert page.count('<tr id="') == 14
    assert 'href="../../tasks/semantic_segmentation/pascal-voc-2012-validation-set-0/#' in page


def test_tasks_and_datasets_are_grouped_by_area_and_empty_tasks_folded(project):
    grouped = load_valid_project(DATA).project
    grouped.task("semantic_segmentation").area = "Computer Vision"
    grouped.task("depth_estimation").area = "Computer Vision"
    grouped.task("image_quality_assessment").area = "Image Processing"
    names = [(a.name, a.tasks) for a in site.areas(grouped)]
    assert names[0] == ("Computer Vision", 2) and names[-1][0] == site.OTHER
    pages = sitebuild.site_pages(grouped)
    index = pages["tasks/index.md"]
    assert index.index('id="area-computer-vision"') < index.index('id="area-image-processing"')
    assert "1 task without results yet" in index
    assert '<input type="search" class="lb-index-filter"' in index
    datasets = pages["datasets/index.md"]
    assert datasets.index("ADE20K") > datasets.index('id="area-computer-vision"')
    assert site.areas(project) == []  # no area anywhere: one list, as before
    assert "lb-empty" in sitebuild.site_pages(project)["tasks/index.md"]


def test_a_subtask_takes_its_parents_area(project):
    grouped = load_valid_project(DATA).project
    parent, child = grouped.tasks[0], grouped.tasks[1]
    parent.area, child.area, child.parents = "Vision", None, [parent.id]
    assert grouped.area_of(child) == "Vision"


@pytest.mark.slow  # imports the archive slice
def test_the_archive_import_keeps_each_tasks_area(tmp_path):
    run = run_module("import-pwc", str(PWC_SLICE), "--data", str(tmp_path / "data"))
    assert run.code == 0, run.err
    loaded = load_project(tmp_path / "data")
    areas = {t.area for t in loaded.project.tasks if not t.parents}
    assert "Computer Vision" in areas and None not in areas
    assert all(loaded.project.area_of(t) for t in loaded.project.tasks)


def test_edit_links_open_the_data_file_of_the_configured_repository(tmp_path):
    root = tmp_path
    assert sitebuild.edit_base("https://github.com/acme/lb", "edit/dev/docs/", root, root / "data") \
        == "https://github.com/acme/lb/edit/dev/data/"
    assert sitebuild.edit_base("https://github.com/acme/lb/", "", root, root / "data") \
        == "https://github.com/acme/lb/edit/main/data/"
    assert sitebuild.edit_base("", "edit/main/docs/", root, root / "data") is None
    assert sitebuild.edit_base("https://github.com/acme/lb", "", root / "site", root / "data") is None
    pages = sitebuild.site_pages(load_valid_project(DATA).project,
                            edit_base="https://github.com/acme/lb/edit/main/data/")
    edit = '"https://github.com/acme/lb/edit/main/data/tasks/semantic_segmentation.yml"'
    assert f'class="lb-edit" href={edit}' in pages["tasks/semantic_segmentation.md"]
    assert f'class="lb-edit" href={edit}' in pages["tasks/semantic_segmentation/pascal-context.md"]
    assert "lb-edit" not in sitebuild.site_pages(load_valid_project(DATA).project)["tasks/semantic_segmentation.md"]


def test_the_contributing_page_names_the_configured_repository():
    text = "Fork [it]([[repo_url]]); git clone [[fork_url]]; cd [[repo_name]]"
    assert sitebuild.fill_repository(text, "https://github.com/acme/sota") == \
        "Fork [it](https://github.com/acme/sota); git clone https://github.com/YOUR-NAME/sota.git; cd sota"
    assert "[[" not in sitebuild.fill_repository(text, None)
    assert sitebuild.task_of_page("tasks/x.md") == "x"
    assert sitebuild.task_of_page("tasks/index.md") is None and sitebuild.task_of_page("tasks/x/y.md") is None


def test_a_relative_link_that_names_no_file_is_a_warning_with_its_line(tmp_path):
    data = tmp_path / "repo" / "data"
    shutil.copytree(DATA, data)
    problems = [p for p in load_project(data).problems if "relative link" in p.message]
    assert [(Path(p.file).name, p.line, p.severity) for p in problems] == \
        [("semantic_segmentation.yml", 313, "warning")]
    assert "encoding/models/encnet_resnet50_ade-558e8904.zip" in problems[0].message
    target = tmp_path / "repo" / "encoding" / "models" / "encnet_resnet50_ade-558e8904.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"weights")
    assert not [p for p in load_project(data).problems if "relative link" in p.message]


def test_a_large_collection_gets_a_dashboard_home(project, monkeypatch):
    full = sitebuild.site_pages(project)["index.md"]
    assert "## Best results" in full and "## Most active leaderboards" not in full
    monkeypatch.setattr(site, "HOME_FULL_LEADERBOARDS", 5)
    home = sitebuild.site_pages(project)["index.md"]
    assert "## Best results" not in home and "## Most active leaderboards" in home
    busiest = home[home.index("## Most active"):home.index("## Recent new bests")]
    assert busiest.count("<tr><td>") == 10
    # the most results first: ImageNet's 18 first, MPII's one result not among them
    assert busiest.index("Image classification on ImageNet") < busiest.index("MS-COCO")
    assert "MPII" not in busiest
    recent = home[home.index("## Recent new bests"):]
    assert recent.count("<li><time") == 10 and "New best: " in recent
    assert 'href="datasets/">All 9 datasets</a>' in home
