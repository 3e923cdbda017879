"""Validation: every kind of problem reported once, with file, line and column."""
from __future__ import annotations

import re

import pytest
from helpers import replace_once, run_module

TASK = "tasks/semantic_segmentation.yml"


def _problem(run, path, line, text):
    """The one reported problem at path:line whose message contains text."""
    hits = [p for p in run.problems if re.match(rf"^{re.escape(str(path))}:{line}:\d+: ", p)
            and text in p]
    assert len(hits) == 1, f"wanted {path}:{line} '{text}' in:\n{run.err}"
    return hits[0]


def test_five_problems_in_one_run_are_five_errors(data_copy, tmp_path):
    """The issue's acceptance case, through the real command line."""
    task = data_copy / TASK
    dup = replace_once(task, "  title: PASCAL VOC 2012 — Validation set\n",
                       "  title: PASCAL VOC 2012 — Validation set\n  title: again\n") + 1
    typo = replace_once(task, "    paper: https://arxiv.org/abs/1708.04943",
                        "    papr: https://arxiv.org/abs/1708.04943")
    string = replace_once(task, "values: {Score: 83.58}", 'values: {Score: "83.58"}')
    js = replace_once(task, "url: https://github.com/itijyou/ademxapp",
                      "url: javascript:alert(1)")
    unknown = replace_once(task, "dataset: ade20k", "dataset: ade21k")
    run = run_module("validate", "--data", str(data_copy), cwd=tmp_path)
    assert run.code == 1
    assert len(run.problems) == 5, run.err
    path = "data/" + TASK
    assert _problem(run, path, dup, "duplicate key 'title'").startswith(f"{path}:{dup}:3: ")
    assert _problem(run, path, typo, "unknown key 'papr'; did you mean 'paper'?")
    assert _problem(run, path, string, "value of metric 'Score' must be a number")
    assert _problem(run, path, js, "must be an http(s) URL: 'javascript:alert(1)'")
    assert _problem(run, path, unknown, "unknown dataset 'ade21k'; did you mean 'ade20k'?")
    assert "Traceback" not in run.err


@pytest.mark.parametrize("old,new,message", [
    ("values: {Score: 88.80}", "values: {Score: .nan}", "must be a finite number, not .nan"),
    ("values: {Score: 88.80}", "values: {Score: .inf}", "must be a finite number, not .inf"),
    ("values: {Score: 88.80}", "values: {Scor: 88.80}", "value for undeclared metric 'Scor'; did you mean 'Score'?"),
    ("values: {Score: 88.80}", "values: {Score: 88.805}", "value 88.805 has more decimals than metric 'Score' prints (2)"),
    ("values: {Score: 88.80}", "values: {Score: true}", "must be a number or null (N/A), not the boolean true"),
    ("paper: https://arxiv.org/abs/1708.04943", "paper: data:text/html,hi", "must be an http(s) URL"),
    ("paper: https://arxiv.org/abs/1708.04943", "paper: file:///etc/passwd", "must be an http(s) URL"),
    ("paper: https://arxiv.org/abs/1708.04943", "paper: https://arxiv.org/abs/1708.04943\n    date: 2017-13-01", "'date' is not a real date"),
    ("paper: https://arxiv.org/abs/1708.04943", "paper: https://arxiv.org/abs/1708.04943\n    date: 2999-01-01", "'date' 2999-01-01 is in the future"),
    ("paper: https://arxiv.org/abs/1708.04943", "paper: https://arxiv.org/abs/1708.04943\n    date: last year", "'date' must be a date written YYYY-MM-DD"),
    ("  - model: SDN-M2*\n", "  - model: 42\n", "'model' must be a string, not the number 42"),
    ("    direction: higher\n", "    direction: up\n", "'direction' must be one of 'higher', 'lower'"),
    ("- id: pascal-voc-2012-validation-set", "- id: Pascal VOC", "'id' must be an id"),
])
def test_each_problem_kind_is_reported_at_its_line(cli, data_copy, old, new, message):
    line = replace_once(data_copy / TASK, old, new)
    if "\n" in new and not new.startswith("\n") and new.index("\n") < len(new) - 1 and old.count("\n") == 0:
        line += new.count("\n")  # the problem is on the added line
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1
    assert len(run.problems) == 1, run.err
    assert re.match(rf"^.*semantic_segmentation\.yml:{line}:\d+: ", run.problems[0]), run.err
    assert message in run.problems[0]


def test_missing_required_key_points_at_its_mapping(cli, data_copy):
    line = replace_once(data_copy / TASK, "  title: PASCAL Context\n", "") - 1
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1
    assert len(run.problems) == 1
    assert f":{line}:3: missing required key 'title' in 'leaderboards'" in run.problems[0]


def test_duplicate_leaderboard_id(cli, data_copy):
    text = (data_copy / TASK).read_text(encoding="utf-8")
    first = text.count("\n", 0, text.index("- id: pascal-voc-2012-testing-set")) + 1
    line = replace_once(data_copy / TASK, "- id: pascal-context", "- id: pascal-voc-2012-testing-set")
    run = cli("validate", "--data", str(data_copy))
    assert [p.split(": ", 1)[1] for p in run.problems] == [
        f"duplicate leaderboard id 'pascal-voc-2012-testing-set' (first used at line {first})"]
    assert f":{line}:" in run.problems[0]


def test_duplicate_result(cli, data_copy):
    task = data_copy / TASK
    text = task.read_text(encoding="utf-8")
    block = text[text.index("  - model: SDN-M3\n"):]
    block = block[: block.index("  - model:", 5)]
    at = text.index("  - model: SDN-M3\n")
    task.write_text(text[:at] + block + text[at:], encoding="utf-8")
    line = text.count("\n", 0, at) + 1 + block.count("\n")
    run = cli("validate", "--data", str(data_copy))
    assert len(run.problems) == 1, run.err
    assert f":{line}:" in run.problems[0]
    assert f"duplicate result: 'SDN-M3' with the same values is already listed at line {line - block.count(chr(10))}" \
        in run.problems[0]


def test_unknown_parent_task(cli, data_copy):
    replace_once(data_copy / TASK, "title: Semantic segmentation\n",
                 "title: Semantic segmentation\nparent: dense_prediction\n")
    run = cli("validate", "--data", str(data_copy))
    assert len(run.problems) == 1 and ":3:" in run.problems[0]
    assert "unknown parent task 'dense_prediction'" in run.problems[0]


def test_invalid_yaml_points_at_the_line(cli, data_copy):
    line = replace_once(data_copy / TASK, "values: {Score: 88.80}", "values: {Score: 88.80")
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1 and len(run.problems) == 1
    assert "invalid YAML" in run.problems[0]
    assert re.search(r":(\d+):", run.problems[0]) and int(re.search(r":(\d+):", run.problems[0])[1]) >= line


def test_aliases_are_refused(cli, data_copy):
    line = replace_once(data_copy / TASK, "values: {Score: 83.58}", "values: *scores")
    replace_once(data_copy / TASK, "values: {Score: 88.80}", "values: &scores {Score: 88.80}")
    run = cli("validate", "--data", str(data_copy))
    assert len(run.problems) == 1, run.err
    assert f":{line}:13: YAML anchors, aliases and merge keys are not allowed" in run.problems[0]


def test_non_utf8_bytes(cli, data_copy):
    path = data_copy / TASK
    raw = path.read_bytes().replace(b"SDN-M3", b"SDN-M\xff", 1)
    path.write_bytes(raw)
    run = cli("validate", "--data", str(data_copy))
    assert len(run.problems) == 1 and "file is not valid UTF-8" in run.problems[0]


def test_empty_file_and_bad_file_name(cli, data_copy):
    (data_copy / "tasks" / "empty.yml").write_text("", encoding="utf-8")
    (data_copy / "tasks" / "Bad Name.yml").write_text("title: x\nleaderboards: []\n", encoding="utf-8")
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1
    assert any("empty.yml:1:1: file is empty" in p for p in run.problems)
    assert any("Bad Name.yml:1:1: file name 'Bad Name.yml' is not a valid id" in p for p in run.problems)


def test_dataset_file_problems(cli, data_copy):
    line = replace_once(data_copy / "datasets" / "ade20k.yml", "- kind: paper", "- kind: papers")
    run = cli("validate", "--data", str(data_copy))
    assert len(run.problems) == 1, run.err
    assert f"ade20k.yml:{line}:" in run.problems[0] and "'kind' must be one of" in run.problems[0]


def test_relative_link_is_a_warning_not_an_error(cli):
    run = cli("validate")
    assert run.code == 0
    warnings = [l for l in run.err.splitlines() if "warning:" in l]
    assert len(warnings) == 1 and "encoding/models/encnet_resnet50_ade-558e8904.zip" in warnings[0]


def test_a_missing_data_folder_is_one_clear_line(cli, tmp_path):
    run = cli("validate", "--data", str(tmp_path / "nope"))
    assert run.code == 1
    assert run.err.strip().endswith("nope: data folder not found")
    assert len(run.err.strip().splitlines()) == 1


def test_exponent_notation_is_a_number(cli, data_copy):
    """YAML 1.1 leaves 1e-3 a string; the data reads it as a number, as YAML 1.2 and JSON do
    (this metric prints two decimals: 8.36e1 shows as 83.60)."""
    task = data_copy / TASK
    replace_once(task, "values: {Score: 83.58}", "values: {Score: 8.36e1}")
    assert cli("validate", "--data", str(data_copy)).code == 0
    page = cli("markdown", "semantic_segmentation", "--data", str(data_copy)).out
    assert re.search(r"^\| DeepLab_v3-Xception-65 \+ COCO +\| 83\.60 +\|", page, re.M)
    line = replace_once(task, "values: {Score: 8.36e1}", "values: {Score: '8.36e1'}")
    run = cli("validate", "--data", str(data_copy))
    assert run.code == 1
    assert re.search(rf"{TASK}:{line}:\d+: value of metric 'Score' must be a number or null "
                     r"\(N/A\), not the string '8.36e1'", run.err), run.err
