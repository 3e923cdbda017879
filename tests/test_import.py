"""Importing SotA-CV-style pages: round trips, decisions reported, bad input refused."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from helpers import ROOT, SOTA_CV, html, run_module

PAGES = sorted((SOTA_CV / "content").glob("*.md"))
FIXTURES = ROOT / "tests" / "fixtures" / "pages"


def _without_placeholders(text: str) -> str:
    return "".join(l for l in text.splitlines(keepends=True) if not l.startswith("| Model name |"))


def _import_and_render(cli, page: Path, data: Path, *extra: str) -> tuple[str, str]:
    run = cli("import", str(page), "--data", str(data), *extra)
    assert run.code == 0, run.err
    out = cli("markdown", page.stem, "--data", str(data))
    assert out.code == 0, out.err
    return out.out, run.err


def test_all_six_reference_pages_are_found():
    assert [p.stem for p in PAGES] == ["depth_estimation", "image_classification",
                                       "image_quality_assessment", "object_detection",
                                       "pose_estimation", "semantic_segmentation"]


@pytest.mark.parametrize("page", [p for p in PAGES if p.stem != "image_classification"],
                         ids=lambda p: p.stem)
def test_reference_page_round_trips_to_the_same_html(cli, tmp_path, page):
    rendered, _ = _import_and_render(cli, page, tmp_path / "data")
    source = _without_placeholders(page.read_text(encoding="utf-8"))
    assert html(rendered, alignment=False) == html(source, alignment=False)


def test_imagenet_differs_only_in_the_bold_cells_the_importer_reported(cli, tmp_path):
    """The source bolds 95.300/95.234 but not 95.992/95.530 under a 'top 5' rule: no rule
    explains its bold cells, so the importer says so and applies the closest rule."""
    page = SOTA_CV / "content" / "image_classification.md"
    rendered, notes = _import_and_render(cli, page, tmp_path / "data")
    assert "bold cells of 'ImageNet' follow no rule" in notes
    assert "highlight: 5" in notes
    changed = re.findall(r"(\d+\.\d+) (now bold|no longer bold)", notes)
    assert sorted(changed) == [("95.234", "no longer bold"), ("95.300", "no longer bold"),
                               ("95.530", "now bold"), ("95.992", "now bold")]
    source = _without_placeholders(page.read_text(encoding="utf-8"))
    for value, change in changed:  # apply the reported changes to the source
        source = source.replace(f"**{value}**", value) if change == "no longer bold" \
            else source.replace(f"| {value} |", f"| **{value}** |")
    assert html(rendered, alignment=False) == html(source, alignment=False)


def test_tricky_page_round_trips(cli, tmp_path):
    page = FIXTURES / "tricky_page.md"
    rendered, notes = _import_and_render(cli, page, tmp_path / "data")
    assert html(rendered) == html(page.read_text(encoding="utf-8"))
    task = (tmp_path / "data" / "tasks" / "tricky_page.yml").read_text(encoding="utf-8")
    assert "model: Net|v2 (日本語)" in task
    assert "extra_data: [ImageNet]" in task and "multi_scale: true" in task
    assert "'Params, M' of 'Pipes | and unicode 日本語': lower is better" in notes
    assert "stub" in notes  # tricky_set has no page beside it


def test_decisions_are_reported_with_page_lines(cli, tmp_path):
    run = cli("import", str(SOTA_CV / "content" / "depth_estimation.md"), "--data",
              str(tmp_path / "data"))
    assert "depth_estimation.md:12: warning: 'Score' of 'KITTI < 50 m.': lower is better " \
           "(the task's main metric is Root Mean Square Error (RMSE))" in run.err
    run = cli("import", str(SOTA_CV / "content" / "pose_estimation.md"), "--data",
              str(tmp_path / "data"))
    assert "pose_estimation.md:21: warning: dropped template placeholder row 'Model name'" in run.err
    page = cli("markdown", "pose_estimation", "--data", str(tmp_path / "data")).out
    assert "### MPII Human Pose Dataset" in page and "| Model " in page  # header-only table


def test_lower_is_better_option(cli, tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# T\n\n## Results\n\n### B\n\n| Model | Score | Weights | Paper | Code |\n"
                    "|:--|:-:|:--|:--|:--|\n| a | 1 | N/A | N/A | N/A |\n| b | 2 | N/A | N/A | N/A |\n",
                    encoding="utf-8")
    run = cli("import", str(page), "--data", str(tmp_path / "d1"))
    assert "taken as higher-is-better but its rows are sorted ascending" in run.err
    assert "--lower-is-better 'Score'" in run.err
    run = cli("import", str(page), "--data", str(tmp_path / "d2"), "--lower-is-better", "Score")
    assert "lower is better (--lower-is-better)" in run.err
    assert "direction: lower" in (tmp_path / "d2" / "tasks" / "p.yml").read_text()


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


BAD_PAGES = [
    ("ragged.md", "# T\n\n## Results\n\n### B\n\n| Model | Score | Weights | Paper | Code |\n"
                  "|:--|:-:|:--|:--|:--|\n| a | 1 | N/A | N/A | N/A |\n| b | 2 | N/A | N/A |\n",
     "ragged.md:10: table row has 4 cells, its header has 5"),
    ("extra.md", "# T\n\n## Results\n\n### B\n\n| Model | Score | Weights | Paper | Code |\n"
                 "|:--|:-:|:--|:--|:--|\n| a | 1 | N/A | N/A | N/A | x |\n",
     "extra.md:9: table row has 6 cells, its header has 5"),
    ("score.md", "# T\n\n## Results\n\n### B\n\n| Model | Score | Weights | Paper | Code |\n"
                 "|:--|:-:|:--|:--|:--|\n| a | 1 | N/A | N/A | N/A |\n| b | high | N/A | N/A | N/A |\n",
     "score.md:10: score 'high' in column 'Score' is not a number or N/A"),
    # not the SotA-CV layout, so read loosely: its one table names no rows (issue 16)
    ("notapage.md", "Just some notes.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
     "notapage.md:3: no leaderboard found, so nothing was written: its one table is not a "
     "leaderboard (no column names the rows)"),
    ("js.md", "# T\n\n## Results\n\n### B\n\n| Model | Score | Weights | Paper | Code |\n"
              "|:--|:-:|:--|:--|:--|\n| a | 1 | [x](javascript:alert(1)) | N/A | N/A |\n",
     "js.md:9: Weights link 'javascript:alert(1)' is not an http(s) URL"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,text,message", BAD_PAGES, ids=[b[0] for b in BAD_PAGES])
def test_bad_pages_give_one_error_with_the_line_and_write_nothing(tmp_path, name, text, message):
    data = tmp_path / "data"
    (data / "tasks").mkdir(parents=True)
    (data / "tasks" / "keep.yml").write_text("title: Keep\nleaderboards: []\n", encoding="utf-8")
    before = _tree(data)
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    run = run_module("import", str(page), "--data", str(data), cwd=tmp_path)
    assert run.code == 1
    assert run.err.strip() == message
    assert _tree(data) == before


def test_reimport_refuses_and_keeps_edited_data(cli, tmp_path):
    data = tmp_path / "data"
    page = SOTA_CV / "content" / "object_detection.md"
    assert cli("import", str(page), "--data", str(data)).code == 0
    task = data / "tasks" / "object_detection.yml"
    task.write_text(task.read_text(encoding="utf-8") + "# edited by hand\n", encoding="utf-8")
    before = _tree(data)
    run = cli("import", str(page), "--data", str(data))
    assert run.code == 1
    assert "task 'object_detection' already exists" in run.err and "nothing was written" in run.err
    assert _tree(data) == before
    # under another id it works, and the existing dataset file is kept, not overwritten
    run = cli("import", str(page), "--data", str(data), "--task-id", "object_detection_2")
    assert run.code == 0 and "kept " in run.out and "coco_detection.yml" in run.out


def test_import_dataset_page(cli, tmp_path):
    data = tmp_path / "data"
    run = cli("import-dataset", str(SOTA_CV / "content" / "datasets" / "coco_detection.md"),
              "--data", str(data))
    assert run.code == 0, run.err
    text = (data / "datasets" / "coco_detection.yml").read_text(encoding="utf-8")
    assert "name: COCO Dataset 2016 — Detection" in text
    assert "kind: paper\n  label: 'Microsoft COCO: Common Objects in Context'" in text
    assert "kind: download\n  label: Train images" in text
    assert "## Technical details" in text and "## Demo" not in text  # empty section dropped
    assert cli("validate", "--data", str(data)).code == 0
    again = cli("import-dataset", str(SOTA_CV / "content" / "datasets" / "coco_detection.md"),
                "--data", str(data))
    assert again.code == 1 and "already exists" in again.err


def test_bundled_data_holds_all_of_sota_cv(cli):
    run = cli("validate")
    assert run.code == 0
    assert run.out.strip() == "valid: 6 tasks, 9 datasets, 16 leaderboards, 89 results"
    for page in PAGES:
        assert (ROOT / "data" / "tasks" / f"{page.stem}.yml").exists()


def test_a_lower_is_better_column_no_name_pattern_knows_round_trips(cli, tmp_path):
    """'Outliers, %' and 'D1-all, %' match no name pattern; the page's order (ascending) and
    bold (on the smallest values) say lower is better, and the importer follows the page
    instead of overruling it: the regenerated page renders to the same HTML."""
    page = FIXTURES / "lower_is_better_page.md"
    rendered, notes = _import_and_render(cli, page, tmp_path / "data")
    assert html(rendered) == html(page.read_text(encoding="utf-8"))
    task = (tmp_path / "data" / "tasks" / "lower_is_better_page.yml").read_text(encoding="utf-8")
    assert task.count("direction: lower") == 2 and "highlight: 1" in task
    assert "'D1-all, %' of 'KITTI 2015': lower is better ('D1-all, %': lower is better: the page " \
           "sets its best values in bold)" in notes


def test_a_papers_title_in_its_link_text_is_kept_and_a_table_kept_as_text_is_named(cli, tmp_path):
    page = tmp_path / "titled.md"
    page.write_text("# T\n\n## Results\n\n### Stats\n\n| Dataset | Size |\n|:--|--:|\n| A | 10 |\n\n"
                    "### B\n\n| Model | Score | Weights | Paper | Code |\n|:--|:-:|:--|:--|:--|\n"
                    "| a | 1 | N/A | [Attention Is All You Need](https://arxiv.org/abs/1706.03762) | N/A |\n",
                    encoding="utf-8")
    rendered, notes = _import_and_render(cli, page, tmp_path / "data")
    task = (tmp_path / "data" / "tasks" / "titled.yml").read_text(encoding="utf-8")
    assert "paper_title: Attention Is All You Need" in task
    assert "[Attention Is All You Need](https://arxiv.org/abs/1706.03762)" in rendered
    assert "titled.md:7: warning: the table under 'Stats' is kept as text, not read as a " \
           "leaderboard: its columns Dataset | Size are not Model | metrics... | Weights | Paper | " \
           "Code" in notes
    from generator.site import build as sitebuild
    from generator.project.pipeline import load_valid_project
    pages = sitebuild.site_pages(load_valid_project(tmp_path / "data").project)
    # its one result's row stands for its page (site.folds): the index names it so
    assert ">Attention Is All You Need (2017)</a>" in pages["papers/index.md"]


def test_imported_files_point_editors_at_a_schema_that_is_there(cli, tmp_path):
    page = FIXTURES / "lower_is_better_page.md"
    site = tmp_path / "site"  # laid out as `leaderboard init` writes a site: schema/ beside data/
    (site / "schema").mkdir(parents=True)
    (site / "schema" / "task.schema.json").write_text("{}", encoding="utf-8")
    assert cli("import", str(page), "--data", str(site / "data")).code == 0
    first = (site / "data" / "tasks" / "lower_is_better_page.yml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/task.schema.json"
    assert cli("import", str(page), "--data", str(tmp_path / "bare" / "data")).code == 0
    text = (tmp_path / "bare" / "data" / "tasks" / "lower_is_better_page.yml").read_text()
    assert "yaml-language-server" not in text  # no schema there: no line pointing nowhere
