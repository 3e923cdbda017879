"""Dates, exports (JSON, CSV, LaTeX, markdown) and paper pages."""
from __future__ import annotations

import csv
import json

import jsonschema
import pytest
from helpers import ROOT

from generator.outputs.exports import exports
from generator.project.model import arxiv_id, arxiv_month
from generator.project.pipeline import load_valid_project
from generator.views.site import papers
from generator.site.build import site_pages


@pytest.fixture(scope="module")
def project():
    return load_valid_project(ROOT / "data").project


@pytest.mark.parametrize("url,date", [
    ("https://arxiv.org/abs/1706.05587", "2017-06"),
    ("http://arxiv.org/abs/1409.4842v1", "2014-09"),
    ("https://arxiv.org/pdf/1608.05442.pdf", "2016-08"),
    ("https://arxiv.org/abs/hep-th/9901001", "1999-01"),
    ("http://openaccess.thecvf.com/content_cvpr_2018/CameraReady/3454.pdf", None),
])
def test_dates_come_from_arxiv_ids(url, date):
    ident = arxiv_id(url)
    assert (arxiv_month(ident) if ident else None) == date


def test_explicit_date_wins_and_future_arxiv_dates_are_errors(cli, data_copy):
    task = data_copy / "tasks" / "semantic_segmentation.yml"
    text = task.read_text(encoding="utf-8")
    text = text.replace("    paper: https://arxiv.org/abs/1708.04943\n",
                        "    paper: https://arxiv.org/abs/1708.04943\n    date: 2017-08-15\n", 1)
    task.write_text(text.replace("https://arxiv.org/abs/1606.00915", "https://arxiv.org/abs/3012.00915", 1),
                    encoding="utf-8")
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1 and len(run.problems) == 1
    assert "date 2030-12 of arXiv 3012.00915 is in the future" in run.problems[0]


def test_json_exports_validate_against_the_published_schema(cli, tmp_path):
    out = tmp_path / "x"
    run = cli("export", "--format", "json", "--out", str(out))
    assert run.code == 0, run.err
    schema = json.loads((out / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(p for p in out.rglob("*.json") if p.name != "schema.json")
    assert len(files) == 1 + 16
    for path in files:
        validator.validate(json.loads(path.read_text(encoding="utf-8")))
    voc = json.loads((out / "semantic_segmentation" / "pascal-voc-2012-validation-set.json").read_text())
    first = voc["results"][0]
    assert (first["rank"], first["display_name"], first["values"], first["values_text"]) == \
        (1, "SDN-M2* + COCO + MS", {"Score": 88.8}, {"Score": "88.80"})
    assert first["paper"]["arxiv"] == "1708.04943" and first["date"] == "2017-08"


def test_csv_has_one_header_row_and_a_row_per_result(cli, tmp_path):
    assert cli("export", "--format", "csv", "--out", str(tmp_path)).code == 0
    path = tmp_path / "semantic_segmentation" / "pascal-voc-2012-validation-set.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: spreadsheets read it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["rank", "model", "extra_data", "multi_scale", "Score"]
    assert len(rows) - 1 == 9
    iqa = list(csv.reader((tmp_path / "image_quality_assessment" / "tid-2013-testing-set.csv")
                          .read_text(encoding="utf-8-sig").splitlines()))
    assert iqa[1][4] == ""  # N/A is an empty cell


def test_latex_is_a_booktabs_table_with_escapes(cli, tmp_path, data_copy):
    task = data_copy / "tasks" / "semantic_segmentation.yml"
    task.write_text(task.read_text(encoding="utf-8").replace("model: SDN-M3\n", "model: SDN_M3 50% & co\n", 1),
                    encoding="utf-8")
    out = tmp_path / "out"  # not tmp_path itself: export replaces its folder whole, data copy too
    assert cli("export", "--format", "latex", "--data", str(data_copy), "--out", str(out)).code == 0
    tex = (out / "semantic_segmentation" / "pascal-voc-2012-validation-set.tex").read_text()
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex
    body = tex.split("\\midrule\n")[1].split("\\bottomrule")[0].strip().splitlines()
    assert len(body) == 9
    assert "SDN\\_M3 50\\% \\& co & 79.90 \\\\" in body
    # this leaderboard sets no highlight rule: nothing bold, as in the README and on the site
    assert body[0] == "SDN-M2* + COCO + MS & 88.80 \\\\" and "textbf" not in tex


def test_markdown_export_is_the_table(project, tmp_path, cli):
    assert cli("export", "--format", "markdown", "--out", str(tmp_path)).code == 0
    table = (tmp_path / "semantic_segmentation" / "pascal-voc-2012-validation-set.md").read_text()
    assert table.startswith("| Model ") and table.count("\n") == 2 + 9


def test_exports_are_deterministic(project):
    assert exports(project) == exports(project)


def test_paper_page_lists_its_results_on_every_dataset(project):
    paper = papers(project)["arxiv-1611.10080"]
    boards = {lb.id for lb, _row, _total in paper.entries}
    assert boards == {"pascal-voc-2012-validation-set", "pascal-voc-2012-testing-set", "pascal-context",
                      "ade20k-validation-set", "ade20k-testing-set", "cityscapes-validation-set",
                      "cityscapes-testing-set"}
    page = site_pages(project)["papers/arxiv-1611.10080.md"]
    for dataset in ("PASCAL VOC 2012 — Segmentation", "PASCAL Context", "ADE20K",
                    "Cityscapes — Semantic Segmentation"):
        assert dataset in page
    assert page.count("<tr><td>") == len(paper.entries) == 13
    assert "../../tasks/semantic_segmentation/pascal-voc-2012-validation-set/#pascal-voc-2012-validation-set--resnet-38-model-a2-2" in page


def test_all_json_taken_over_task_by_task_is_the_whole_dumped_at_once(tmp_path):
    """`mkdocs serve` writes data/all.json from each task's part, taking over the parts of
    the tasks (and datasets) an edit left alone: the same text as dumping it whole, after
    an edit too, with a task title that holds the splice mark and JSON's specials."""
    import shutil

    from generator.outputs import exports as ex
    from generator.project.filecache import FileCache
    from generator.project.pipeline import load_project
    from generator.site.build import PageCache

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    task = sorted((data / "tasks").glob("*.yml"))[0]
    text = task.read_text(encoding="utf-8")
    task.write_text(text.replace("title:", 'title: "\\u0000tasks \\" \\\\ é"  #', 1),
                    encoding="utf-8")
    memory = FileCache()
    project = load_project(data, cache=memory).project
    memo = PageCache()
    assert ex.all_json(project, memo) == ex.all_json(project)
    titles = {t["id"]: t["title"] for t in json.loads(ex.all_json(project))["tasks"]}
    assert titles[task.stem].startswith("\x00tasks \" \\ é")
    other = sorted((data / "tasks").glob("*.yml"))[1]
    other.write_text(other.read_text(encoding="utf-8").replace("title:", "title: Edited  #", 1),
                     encoding="utf-8")
    edited = load_project(data, cache=memory).project
    made = []
    again = PageCache(memo)
    counting = lambda key, inputs, make: again(key, inputs, lambda: made.append(key) or make())
    assert ex.all_json(edited, counting) == ex.all_json(edited)
    assert made == [("all.json", other.stem)]
