"""The bundled data reproduces the seed page, with nothing lost."""
from __future__ import annotations

import re
import shutil

from helpers import DATA, SEED, html, run_module

from generator.project.pipeline import load_valid_project
from generator.outputs.render import task_markdown


SEED_DATASETS = ["pascal_voc_2012_segmentation", "pascal_context", "ade20k", "cityscapes_semantic"]


def test_validate_counts_the_seed(cli, tmp_path):
    (tmp_path / "tasks").mkdir()
    (tmp_path / "datasets").mkdir()
    shutil.copy(DATA / "tasks" / "semantic_segmentation.yml", tmp_path / "tasks")
    for dataset in SEED_DATASETS:
        shutil.copy(DATA / "datasets" / f"{dataset}.yml", tmp_path / "datasets")
    run = cli("validate", "--data", str(tmp_path))
    assert run.code == 0, run.err
    assert run.out.strip() == "valid: 1 task, 4 datasets, 7 leaderboards, 48 results"


def test_markdown_renders_the_same_html_as_the_seed(tmp_path):
    out = tmp_path / "page.md"
    run = run_module("markdown", "semantic_segmentation", "--out", str(out))
    assert run.code == 0, run.err
    assert html(out.read_text(encoding="utf-8")) == html(SEED.read_text(encoding="utf-8"))


def test_markdown_goes_to_stdout_by_default(cli):
    run = cli("markdown", "semantic_segmentation")
    assert run.code == 0
    assert html(run.out) == html(SEED.read_text(encoding="utf-8"))


def _seed_rows():
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] != "Model":
            rows.append(cells)
    return rows


def test_every_value_keeps_its_printed_precision(cli):
    page = cli("markdown", "semantic_segmentation").out
    seed_scores = [row[1] for row in _seed_rows()]
    page_scores = [c[1] for c in (
        [x.strip() for x in l.strip().strip("|").split("|")]
        for l in page.splitlines() if l.startswith("| ") and not l.startswith("| Model"))]
    assert len(seed_scores) == 48
    assert page_scores == seed_scores  # 88.80 stays 88.80, 79.00 stays 79.00
    assert "88.80" in page_scores and "79.00" in page_scores


def test_links_labels_and_na_survive():
    project = load_valid_project("data").project
    page = task_markdown(project.task("semantic_segmentation"), project)
    seed_links = re.findall(r"\[([^\]]*)\]\(([^)]*)\)", SEED.read_text(encoding="utf-8"))
    page_links = re.findall(r"\[([^\]]*)\]\(([^)]*)\)", page)
    assert page_links == seed_links
    assert page.count("N/A") == SEED.read_text(encoding="utf-8").count("N/A")


def test_seed_tags_become_structured_fields():
    project = load_valid_project("data").project
    lb = project.task("semantic_segmentation").leaderboards[0]
    sdn = lb.results[0]
    assert (sdn.model, sdn.extra_data, sdn.multi_scale) == ("SDN-M2*", ["COCO"], True)
    assert sdn.display_name == "SDN-M2* + COCO + MS"
    assert not any("+" in r.model for t in project.tasks for l in t.leaderboards for r in l.results)


def test_description_note_and_dataset_links_are_kept(cli):
    page = cli("markdown", "semantic_segmentation").out
    assert "Mean Intersection over Union (mIoU)" in page
    assert page.count("**NB**: evaluation of ADE20K") == 1
    for dataset in ("pascal_voc_2012_segmentation", "pascal_context", "ade20k", "cityscapes_semantic"):
        assert f"[Dataset description](datasets/{dataset}.md)" in page


def test_tables_are_padded_into_aligned_columns(cli):
    page = cli("markdown", "semantic_segmentation").out
    for block in re.findall(r"((?:^\|.*\|\n)+)", page, flags=re.M):
        bars = {tuple(i for i, ch in enumerate(line) if ch == "|") for line in block.splitlines()}
        assert len(bars) == 1, block  # every row's pipes stand in the same columns
