"""Importing the Papers with Code evaluation-tables export."""
from __future__ import annotations

import gzip
import json

import pytest
import yaml

from generator.importers.pwc import kind_of

SUB = {"task": "Few-Shot Image Classification", "description": "Few shots.", "categories": [],
       "subtasks": [], "synonyms": [], "source_link": None,
       "datasets": [{"dataset": "Mini-ImageNet - 5-Shot", "description": "", "dataset_links": [],
                     "dataset_citations": [], "subdatasets": [],
                     "sota": {"metrics": ["Accuracy"], "rows": [
                         {"model_name": "ProtoNet", "metrics": {"Accuracy": "68.20%"},
                          "paper_title": "Prototypical Networks", "paper_url": "https://arxiv.org/abs/1703.05175v2",
                          "paper_date": "2017-03-15", "code_links": [], "model_links": []}]}}]}


def archive():
    rows = [
        {"model_name": "Net A", "metrics": {"Top 1 Error": "3.5%", "Params": "1.2M", "MS-SSIM": "0.91"},
         "paper_title": "A", "paper_url": "https://arxiv.org/abs/1905.00001", "paper_date": "2019-05-01",
         "code_links": [{"title": "a/a", "url": "https://github.com/a/a"},
                        {"title": "bad", "url": "ftp://example.org/x"}],
         "model_links": [{"title": "weights", "url": "https://example.org/w"}]},
        {"model_name": "Net B", "metrics": {"Top 1 Error": "-", "Params": "25", "MS-SSIM": "0.88"},
         "paper_title": "B", "paper_url": "", "paper_date": "2999-01-01", "code_links": [],
         "model_links": []},
        {"model_name": "Net B", "metrics": {"Top 1 Error": "-", "Params": "25", "MS-SSIM": "0.88"},
         "paper_title": "B", "paper_url": "", "paper_date": None, "code_links": [], "model_links": []},
        {"model_name": "Net C", "metrics": {"Top 1 Error": "2.1±0.1", "Params": "N/A", "MS-SSIM": ""},
         "paper_title": "C", "paper_url": "https://example.org/c.pdf", "paper_date": "2020-01-02",
         "code_links": [], "model_links": []},
    ]
    image = {"task": "Image Classification", "description": "Label images.", "categories": [],
             "synonyms": [], "source_link": None, "subtasks": [SUB],
             "datasets": [{"dataset": "ImageNet", "description": "1k classes", "dataset_citations": [],
                           "dataset_links": [{"title": "Website", "url": "https://image-net.org"}],
                           "subdatasets": [], "sota": {"metrics": ["Top 1 Error", "Params", "MS-SSIM"],
                                                       "rows": rows}},
                          {"dataset": "Empty", "description": "", "dataset_links": [],
                           "dataset_citations": [], "subdatasets": [], "sota": {"metrics": [], "rows": []}}]}
    meta = {"task": "Meta-Learning", "description": "", "categories": [], "synonyms": [],
            "source_link": None, "datasets": [], "subtasks": [SUB]}
    return [image, meta]


@pytest.fixture
def imported(cli, tmp_path):
    path = tmp_path / "archive.json.gz"
    path.write_bytes(gzip.compress(json.dumps(archive()).encode()))
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "data"))
    assert run.code == 0, run.err
    return tmp_path / "data", run


def test_import_validates_and_counts(cli, imported):
    data, run = imported
    assert cli("validate", "--data", str(data)).out.strip() == \
        "valid: 3 tasks, 3 datasets, 2 leaderboards, 4 results"
    assert "tasks: 3 (1 repeats of a subtask under another parent merged" in run.err
    assert "the archive lists 3 leaderboards and 6 rows counting repeats: 2 + 1 in repeats; " \
           "4 results + 1 merged into an identical row + 1 in repeats" in run.err


def test_subtask_under_two_parents_is_one_task(imported):
    data, _ = imported
    task = yaml.safe_load((data / "tasks" / "few-shot-image-classification.yml").read_text())
    assert task["parent"] == ["image-classification", "meta-learning"]


def test_values_units_directions_and_links(imported):
    data, _ = imported
    task = yaml.safe_load((data / "tasks" / "image-classification.yml").read_text())
    board = task["leaderboards"][0]
    assert board["metrics"] == [
        {"name": "Top 1 Error", "direction": "lower", "unit": "%"},
        {"name": "Params", "direction": "lower", "unit": "M"},  # '1.2M': the magnitude is the unit
        {"name": "MS-SSIM", "direction": "higher"}]  # the reviewed list overrides the name rule
    a, b, c = board["results"]
    assert a["values"] == {"Top 1 Error": 3.5, "Params": 1.2, "MS-SSIM": 0.91}
    assert a["code"] == [{"label": "a/a", "url": "https://github.com/a/a"}]  # ftp link left out
    assert a["weights"] == [{"label": "weights", "url": "https://example.org/w"}]
    assert a["date"] == "2019-05-01" and a["paper"] == "https://arxiv.org/abs/1905.00001"
    assert b["values"] == {"Top 1 Error": None, "Params": 25, "MS-SSIM": 0.88} and "date" not in b
    assert c["values"] == {"Top 1 Error": 2.1, "Params": None, "MS-SSIM": None}
    assert c["uncertainty"] == {"Top 1 Error": 0.1}  # '2.1±0.1': the value and its ±
    assert "Results from [Papers with Code" in task["notes"] and "CC-BY-SA 4.0" in task["notes"]


def test_values_read_past_their_form_and_merged_rows_are_reported(imported):
    data, run = imported
    assert "values not imported" not in run.err  # every value of this archive is read
    assert "values read past magnitude 1 (e.g. Image Classification › ImageNet › Net A: '1.2M'), " \
           "uncertainty 1 (e.g. Image Classification › ImageNet › Net C: '2.1±0.1')" in run.err
    report = (data / "pwc-import-report.txt").read_text()
    assert "row merged into an identical one: Image Classification › ImageNet › Net B" in report
    assert "link left out: Image Classification › ImageNet › Net A: 'ftp://example.org/x'" in report
    assert "date left out: Image Classification › ImageNet › Net B: '2999-01-01'" in report


def test_attribution_is_carried_into_the_data(imported):
    data, _ = imported
    sources = yaml.safe_load((data / "sources.yml").read_text())
    assert sources[0]["license"] == "CC-BY-SA 4.0" and "paperswithcode" in sources[0]["url"]


def test_reimport_refuses_and_writes_nothing(cli, imported, tmp_path):
    data, _ = imported
    before = sorted(p.read_bytes() for p in data.rglob("*.yml"))
    run = cli("import-pwc", str(tmp_path / "archive.json.gz"), "--data", str(data))
    assert run.code == 1 and "already exists" in run.err
    assert sorted(p.read_bytes() for p in data.rglob("*.yml")) == before


def test_not_an_export(cli, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"a": 1}')
    run = cli("import-pwc", str(bad), "--data", str(tmp_path / "data"))
    assert run.code == 1 and "not a Papers with Code evaluation-tables export" in run.err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("text,kind", [
    ("2,200", "a number with thousands separators"), ("78.0 (average)", "a number with a note in brackets"),
    ("54.60/55.55", "several numbers in one cell"), ("Yes", "text instead of a number"), ("87:1", "other")])
def test_kinds_of_unparseable_values(text, kind):
    assert kind_of(text) == kind


def test_a_dataset_named_with_no_letter_gets_a_fallback_name_and_is_reported(cli, tmp_path):
    """The archive has a leaderboard whose dataset is called '0'."""
    task = dict(SUB, task="Question Answering", datasets=[dict(
        SUB["datasets"][0], dataset="0")])
    path = tmp_path / "archive.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "data"))
    assert run.code == 0, run.err
    assert "datasets named with no letter, given a fallback name: 1, e.g. Question Answering › '0'" \
        in run.err
    board = yaml.safe_load((tmp_path / "data" / "tasks" / "question-answering.yml").read_text())
    assert board["leaderboards"][0]["title"] == "Unnamed Question Answering dataset (0)"
