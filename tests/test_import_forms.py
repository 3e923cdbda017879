"""`import` of the forms hand-written leaderboards take beyond the pages it was built on
(issue 27): a page is never refused for one part, the row's name is found by its content,
every number a cell holds is read, and what the source says (links, units, notes, rows not
imported) is kept.  Each page here is written as such repositories write them."""
from __future__ import annotations

import yaml

from generator.project.pipeline import load_project
from helpers import run_module


def _import(tmp_path, text, *extra, name="page.md"):
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    run = run_module("import", str(page), "--data", str(data), "--report",
                     str(tmp_path / "report.txt"), *extra, cwd=tmp_path)
    report = (tmp_path / "report.txt").read_text(encoding="utf-8") \
        if (tmp_path / "report.txt").exists() else ""
    return data, run, report


def _boards(data):
    out = {}
    for path in sorted((data / "tasks").glob("*.yml")):
        task = yaml.safe_load(path.read_text(encoding="utf-8"))
        for lb in task["leaderboards"]:
            out[lb["title"]] = lb
        out.setdefault("_pages", []).append(task.get("page", ""))
    return out


MIXED = """\
# Reading Comprehension

Maintained by [the team](mailto:team@example.org) and <someone@example.org>.

## Statistics

| Dataset | #Train | #Test |
|---|---|---|
| A | 100 | 10 |
| A | 100 | 10 |

## Papers

| Date | First Author | Title | Params | EM | F1 |
|---|---|---|---|---|---|
| 2019-01 | Devlin | [BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805) | 340M | 84.1 | 90.9 |
| 2019-07 | Liu | RoBERTa: A Robustly Optimized BERT Pretraining Approach | 355M | 88.9 | 94.6 |
| 2020-03 | Clark | ELECTRA: Pre-training Text Encoders as Discriminators | - | - | - |

## Leaderboard

| Model | SQuAD | CMRC（dev） | Accuracy | Notes |
|---|---|---|---|---|
| BERT-wwm [paper](https://arxiv.org/abs/1906.08101) [code](https://github.com/ymcui/Chinese-BERT-wwm) | F1:92.30 EM:86.60 | 59.6（56.7) | 69.13% | trained on 8 GPUs |
| [MacBERT](https://github.com/ymcui/MacBERT) | F1:93.10 EM:87.20 | 60.1（57.0) | 70.02% | |
| RoBERTa-wwm | F1:92.80 EM:86.90 | 60.0（56.9) | 69.80% | large |
"""


def test_one_bad_part_does_not_refuse_the_page(tmp_path):
    data, run, report = _import(tmp_path, MIXED)
    assert run.code == 0, run.err
    assert load_project(data).ok
    boards = _boards(data)
    # the statistics table is reported, not imported (its duplicate rows refused nothing)
    assert "page.md:7: not a leaderboard (its rows are dataset and its columns count " \
           "them" in report
    # the mailto link is kept as words, and said at its line
    page = boards["_pages"][0]
    assert "the team (team@example.org) and someone@example.org." in page
    assert "mailto" not in page
    assert "page.md:3: page text: '[the team](mailto:team@example.org)': a link the data " \
           "does not allow: kept as text" in report
    assert "Papers" in boards and "Leaderboard" in boards


def test_the_name_is_found_by_content_and_links_become_the_paper(tmp_path):
    data, run, report = _import(tmp_path, MIXED)
    papers = _boards(data)["Papers"]
    bert = papers["results"][0]
    assert bert["model"] == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert bert["paper"] == "https://arxiv.org/abs/1810.04805"
    assert bert["values"] == {"Params": 340, "EM": 84.1, "F1": 90.9}
    assert {m["name"]: m.get("unit") for m in papers["metrics"]}["Params"] == "M"
    # the all-dash row is not an empty result: it stays on the page as written
    assert [r["model"] for r in papers["results"]] == [
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "RoBERTa: A Robustly Optimized BERT Pretraining Approach"]
    assert "page.md:18:3: Title: 'ELECTRA: Pre-training Text Encoders as Discriminators': " \
           "no value: every score is empty or a dash" in report
    assert "| 2020-03 | Clark | ELECTRA: Pre-training Text Encoders as Discriminators | - |" \
        in _boards(data)["_pages"][0]


def test_every_number_a_cell_holds_is_read(tmp_path):
    data, _, _ = _import(tmp_path, MIXED)
    board = _boards(data)["Leaderboard"]
    names = [m["name"] for m in board["metrics"]]
    assert names == ["SQuAD F1", "SQuAD EM", "CMRC（dev）", "CMRC（dev） (in brackets)", "Accuracy"]
    first = board["results"][0]
    assert first["model"] == "BERT-wwm"
    assert first["values"] == {"SQuAD F1": 92.3, "SQuAD EM": 86.6, "CMRC（dev）": 59.6,
                               "CMRC（dev） (in brackets)": 56.7, "Accuracy": 69.13}
    assert first["paper"] == "https://arxiv.org/abs/1906.08101"
    assert first["code"] == [{"label": "code", "url": "https://github.com/ymcui/Chinese-BERT-wwm"}]
    assert first["notes"] == "trained on 8 GPUs"
    assert {m["name"]: m.get("unit") for m in board["metrics"]}["Accuracy"] == "%"
    macbert = board["results"][1]
    assert macbert["model"] == "MacBERT" and "notes" not in macbert
    assert macbert["code"] == [{"label": "MacBERT", "url": "https://github.com/ymcui/MacBERT"}]


TRANSPOSED = """\
# Abdominal organ segmentation

Dice similarity coefficient (%) of each method.

| Organ | nnU-Net | TransUNet | Swin-UNETR |
|---|---|---|---|
| Spleen | 97.2 | 96.1 | 96.9 |
| Liver | 96.8 | 95.9 | 96.5 |
| Kidney | 88.4 | 87.0 | 88.1 |

95% Hausdorff distance (mm).

| Organ | nnU-Net | TransUNet | Swin-UNETR |
|---|---|---|---|
| Spleen | 1.9 | 3.2 | 2.4 |
| Liver | 2.5 | 3.9 | 2.8 |
| Kidney | 6.1 | 7.4 | 6.6 |

<table>
<tr><th>Model</th><th>Scores</th></tr>
<tr><td>GPT-2</td><td><ul><li>Perplexity: 35.76</li><li>BLEU: 20.1</li></ul></td></tr>
<tr><td>LSTM</td><td><ul><li>Perplexity: 48.70</li><li>BLEU: 17.3</li></ul></td></tr>
</table>
"""


def test_a_table_with_methods_as_columns_is_turned(tmp_path):
    data, run, report = _import(tmp_path, TRANSPOSED)
    assert run.code == 0, run.err
    boards = _boards(data)
    dice = next(lb for title, lb in boards.items() if "Dice" in title)
    assert [r["model"] for r in dice["results"]] == ["nnU-Net", "TransUNet", "Swin-UNETR"]
    assert dice["results"][0]["values"] == {"Spleen": 97.2, "Liver": 96.8, "Kidney": 88.4}
    assert all("direction" not in m for m in dice["metrics"])
    hd = next(lb for title, lb in boards.items() if "Hausdorff" in title)
    # the sentence names the measure: a distance, lower is better for every organ
    assert [m.get("direction") for m in hd["metrics"]] == ["lower"] * 3
    assert "methods as its columns" in report or "turned" in report


def test_list_items_in_an_html_cell_are_labelled_values(tmp_path):
    data, _, _ = _import(tmp_path, TRANSPOSED)
    lm = next(lb for lb in _boards(data).values()
              if isinstance(lb, dict) and lb["results"][0]["model"] == "GPT-2")
    assert lm["results"][0]["values"] == {"Perplexity": 35.76, "BLEU": 20.1}
    assert {m["name"]: m.get("direction") for m in lm["metrics"]} == {
        "Perplexity": "lower", "BLEU": None}


def test_the_report_is_written_when_nothing_can_be(tmp_path):
    (tmp_path / "data" / "tasks").mkdir(parents=True)
    (tmp_path / "data" / "tasks" / "reading-comprehension.yml").write_text(
        "title: Kept\nleaderboards: []\n", encoding="utf-8")
    data, run, report = _import(tmp_path, MIXED)
    assert run.code == 1 and "already exists" in run.err
    assert report.startswith("1 pages, 3 tables") and "nothing was written" in report
    assert (data / "tasks" / "reading-comprehension.yml").read_text(encoding="utf-8") == \
        "title: Kept\nleaderboards: []\n"


def test_directions_to_review_are_listed_and_the_command_line_settles_them(tmp_path):
    page = "# T\n\n| Model | Score | Hits |\n|---|---|---|\n| a | 3 | 1 |\n| b | 1 | 2 |\n"
    data, run, report = _import(tmp_path, page)
    assert "directions to review: 2 decided by default, 0 against the name" in report
    assert "## Directions decided by default (2)" in report
    assert "page.md:3: T: higher (default): 'Score'" in report
    data, run, report = _import(tmp_path / "again" if (tmp_path / "again").mkdir() is None
                                else tmp_path, page, "--lower-is-better", "Score")
    assert run.code == 0, run.err
    metrics = _boards(data)["T"]["metrics"]
    assert metrics == [{"name": "Score", "direction": "lower"}, {"name": "Hits"}]
    assert "directions to review: 1 decided by default" in report


def test_a_folder_is_read_with_its_subfolders_but_not_hidden_ones(tmp_path):
    repo = tmp_path / "repo"
    (repo / "projects" / "a").mkdir(parents=True)
    (repo / ".github").mkdir()
    board = "| Model | Acc |\n|---|---|\n| x | 1 |\n| y | 2 |\n"
    (repo / "README.md").write_text("# Top\n\n" + board, encoding="utf-8")
    (repo / "projects" / "a" / "README.md").write_text("# Deep\n\n" + board, encoding="utf-8")
    (repo / ".github" / "PULL_REQUEST_TEMPLATE.md").write_text("# Hidden\n\n" + board,
                                                               encoding="utf-8")
    run = run_module("import", str(repo), "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert run.code == 0, run.err
    assert sorted(p.stem for p in (tmp_path / "data" / "tasks").glob("*.yml")) == ["deep", "top"]


HELD_OUT = """\
# 排行榜

## SuperCLUE排行榜（2023年11月）

| 排名 | 模型 | 总分 |
|---|---|---|
| - | GPT4 | 83.92 |
| 🏅️ | 文心一言4.0 | 79.02 |
| 🥈 | 通义千问2.0 | 76.54 |

## SuperCLUE排行榜（2023年12月）

| 排名 | 模型 | 总分 |
|---|---|---|
| 1 | GPT4 | 84.10 |
| 2 | 文心一言4.0 | 80.00 |

## Challenge

|Date|First Author|Title|Published In|DSC|
|---|---|---|---|---|
|20190606|Zhu|V-NAS: Neural Architecture Search [(arxiv)](https://arxiv.org/abs/1906.02817) [(pytorch)](https://github.com/x/vnas)|CVPR'19|84.5|
|20200101|Mediclouds|TBA|-|83.1|
|20200301|Isensee|nnU-Net [code](https://github.com/MIC-DKFZ/nnUNet)|MICCAI'19|86.0|
|20200302|Isensee|nnU-Net|MICCAI'19|85.7|
"""


def test_held_out_forms_keep_every_table_and_name(tmp_path):
    data, run, report = _import(tmp_path, HELD_OUT)
    assert run.code == 0, run.err
    boards = {k: v for k, v in _boards(data).items() if k != "_pages"}
    # two titles the id cannot spell apart are still two leaderboards
    assert len(boards) == 3
    nov, dec = [lb for t, lb in boards.items() if t.startswith("SuperCLUE")]
    assert nov["id"] != dec["id"]
    # the rank (medals too) is the row's place, not a metric; nothing unread
    assert [m["name"] for m in nov["metrics"]] == ["总分"]
    assert "cells not read: 0" in report and "the row's place" in report
    challenge = boards["Challenge"]
    names = [r["model"] for r in challenge["results"]]
    assert names == ["V-NAS: Neural Architecture Search", "Mediclouds (TBA)", "nnU-Net", "nnU-Net"]
    assert challenge["results"][0]["paper"] == "https://arxiv.org/abs/1906.02817"
    assert challenge["results"][0]["code"] == [{"label": "(pytorch)", "url": "https://github.com/x/vnas"}]
    # a date column that holds no year says what it holds in the notes
    assert "Published In: CVPR'19" in challenge["results"][0]["notes"]


def test_an_html_header_with_row_and_column_spans_names_every_column(tmp_path):
    page = """# Detection

<table>
<thead>
  <tr><th rowspan=2>Detector</th><th colspan=2>COCO</th><th rowspan=2>FPS</th></tr>
  <tr><th>AP</th><th>AP50</th></tr>
</thead>
<tbody>
<tr><th colspan=4>One-stage</th></tr>
<tr><td>YOLOv3</td><td>33.0</td><td>57.9</td><td>20</td></tr>
<tr><td>RetinaNet</td><td>39.1</td><td>59.1</td><td>5</td></tr>
<tr><th colspan=4>Two-stage</th></tr>
<tr><td>Faster R-CNN</td><td>36.2</td><td>59.1</td><td>7</td></tr>
</tbody>
</table>

<table>
<thead>
  <tr><th rowspan=2>Challenge</th><th rowspan=2>Object Classes</th><th colspan=2>Number of Images</th></tr>
  <tr><th>Train</th><th>Val</th></tr>
</thead>
<tr><td>VOC07</td><td>20</td><td>2,501</td><td>2,510</td></tr>
<tr><td>VOC12</td><td>20</td><td>5,717</td><td>5,823</td></tr>
</table>
"""
    data, run, report = _import(tmp_path, page)
    assert run.code == 0, run.err
    board = _boards(data)["Detection"]
    assert [m["name"] for m in board["metrics"]] == ["COCO AP", "COCO AP50", "FPS"]
    assert [(r["model"], r.get("notes")) for r in board["results"]] == [
        ("YOLOv3", "group: One-stage"), ("RetinaNet", "group: One-stage"),
        ("Faster R-CNN", "group: Two-stage")]
    assert "its columns count them: a table of statistics" in report


def test_the_visual_review_s_forms(tmp_path):
    """What a reader saw wrong on the site of the wild imports: a table inside a list item
    shown twice (as text and as a leaderboard), a spacer row left as an empty table, 'Ours'
    and 'Ours*' both called 'Ours', results on different datasets ranked together."""
    page = """# Results

## Left Atrium
* The training set has 16 labelled scans.

  |Method|Dice|
  |---|---|
  |MC-Net|90.34|
  |Ours|91.24|
  |Ours*|91.51|
  |||

<table>
<tr><th>Research Paper</th><th>Datasets</th><th>Metric</th></tr>
<tr><td>Capsules</td><td><ul><li>MultiMNIST</li></ul></td><td><ul><li>Test Error: 5%</li></ul></td></tr>
<tr><td>Shake-Shake</td><td><ul><li>CIFAR-10</li></ul></td><td><ul><li>Test Error: 2.86%</li></ul></td></tr>
</table>
"""
    data, run, report = _import(tmp_path, page)
    assert run.code == 0, run.err
    boards = _boards(data)
    kept = boards["_pages"][0]
    assert "|MC-Net|" not in kept and kept.count("<!-- leaderboard:") == 2
    atrium = next(lb for t, lb in boards.items() if t.startswith("Left Atrium"))
    assert [r["model"] for r in atrium["results"]] == ["MC-Net", "Ours", "Ours*"]
    assert "no name" not in report  # the spacer row is nothing, not a row lost
    errors = next(lb for t, lb in boards.items() if t != "_pages" and "Capsules" in str(lb))
    assert [m["name"] for m in errors["metrics"]] == ["MultiMNIST Test Error",
                                                      "CIFAR-10 Test Error"]
