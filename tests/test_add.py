"""`add` writes only the new lines: line endings, comments and their columns stay as they were,
and a problem is told about the file as it is or the option that caused it."""
from __future__ import annotations

import re

import pytest
import yaml

TASK = "semantic_segmentation"
VOC = "pascal-voc-2012-validation-set"
POSE = "pose_estimation"
MPII = "mpii-human-pose-dataset"


def add(cli, data, *args: str, task: str = TASK, board: str = VOC):
    return cli("add", "--data", str(data), "--task", task, "--leaderboard", board, *args)


def task_file(data, task: str = TASK):
    return data / "tasks" / f"{task}.yml"


def new_lines(before: bytes, after: bytes) -> list[bytes]:
    """The lines of ``after`` that are not in ``before``, checking nothing else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = next(i for i, (a, b) in enumerate(zip(old + [b""], new)) if a != b)
    added = len(new) - len(old)
    assert new[:start] == old[:start] and new[start + added:] == old[start:]
    return new[start:start + added]


def test_a_crlf_file_stays_crlf(cli, data_copy):
    path = task_file(data_copy)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    run = add(cli, data_copy, "--model", "NewNet", "--value", "Score=89.10",
              "--code", "PyTorch=https://github.com/example/newnet")
    assert run.code == 0, run.err
    after = path.read_bytes()
    assert new_lines(before, after) == [
        b"  - model: NewNet\r\n", b"    values: {Score: 89.10}\r\n", b"    code:\r\n",
        b"    - label: PyTorch\r\n", b"      url: https://github.com/example/newnet\r\n"]
    assert after.count(b"\n") == after.count(b"\r\n")
    assert cli("validate", "--data", str(data_copy)).code == 0


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_a_comment_after_an_empty_list_stays_on_its_line_and_column(cli, data_copy, newline):
    path = task_file(data_copy, POSE)
    text = path.read_text(encoding="utf-8").replace("  results: []\n", "  results: []   # none yet\n")
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    run = add(cli, data_copy, "--model", "HRNet-W32", "--value", "Score=0.92",
              task=POSE, board=MPII)
    assert run.code == 0, run.err
    after = path.read_bytes().decode("utf-8")
    expected = (f"  results:      # none yet{newline}  - model: HRNet-W32{newline}"
                f"    values: {{Score: 0.92}}{newline}sections:{newline}")
    assert expected in after
    assert after.replace(expected, f"  results: []   # none yet{newline}sections:{newline}") \
        == text.replace("\n", newline)
    data = yaml.safe_load(after)
    assert data["leaderboards"][0]["results"] == [{"model": "HRNet-W32", "values": {"Score": 0.92}}]


def test_an_empty_list_on_a_line_of_its_own(cli, data_copy):
    path = task_file(data_copy, POSE)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  results: []\n", "  results:\n    []\n"), encoding="utf-8")
    run = add(cli, data_copy, "--model", "HRNet-W32", "--value", "Score=0.92",
              task=POSE, board=MPII)
    assert run.code == 0, run.err
    assert path.read_text(encoding="utf-8") == text.replace(
        "  results: []\n", "  results:\n  - model: HRNet-W32\n    values: {Score: 0.92}\n")


def test_a_file_without_a_final_line_break(cli, data_copy):
    path = task_file(data_copy, "image_classification")
    text = path.read_text(encoding="utf-8")
    voc = "pascal-voc-classification"
    # make this leaderboard the file's last thing, ending without a line break
    body = text[:text.index("sections:\n")]
    path.write_text(body.rstrip("\n"), encoding="utf-8")
    run = add(cli, data_copy, "--model", "ResNet", "--value", "Score=90.1",
              task="image_classification", board=voc)
    assert run.code == 0, run.err
    assert path.read_text(encoding="utf-8") == body.replace(
        "  results: []\n", "  results:\n  - model: ResNet\n    values: {Score: 90.1}\n")


def test_comments_after_the_last_result_stay_where_they_are(cli, data_copy):
    """Inserted after the last result's last line: a comment at the end of that line stays
    on it, and comment lines after it (perhaps about the next leaderboard) stay after it."""
    path = task_file(data_copy)
    last = "research/deeplab\n- id: pascal-voc-2012-testing-set\n"  # the end of VOC val
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(last, "research/deeplab   # mobile\n\n# the test set follows\n"
                                       "- id: pascal-voc-2012-testing-set\n", 1), encoding="utf-8")
    run = add(cli, data_copy, "--model", "NewNet", "--value", "Score=70.5")
    assert run.code == 0, run.err
    assert "research/deeplab   # mobile\n  - model: NewNet\n    values: {Score: 70.5}\n" \
           "\n# the test set follows\n- id: pascal-voc-2012-testing-set\n" \
           in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["--value", "Scor=80.1"],
     "error: the new result: --value Scor: value for undeclared metric 'Scor'; did you mean 'Score'?"),
    (["--value", "Score=80.1", "--paper", "javascript:alert(1)"],
     "error: the new result: --paper: 'paper' must be an http(s) URL: 'javascript:alert(1)'"),
    (["--value", "Score=80.1", "--date", "2020-13-01"],
     "error: the new result: --date: 'date' is not a real date: '2020-13-01'"),
])
def test_a_problem_in_the_new_result_names_the_option_not_an_unwritten_line(cli, data_copy, args,
                                                                           message):
    before = task_file(data_copy).read_bytes()
    run = add(cli, data_copy, "--model", "Bad", *args)
    assert run.code == 1
    assert run.err.splitlines() == ["error: the result was not added: the file would not validate",
                                    message]
    assert task_file(data_copy).read_bytes() == before


def test_a_problem_after_the_new_lines_points_at_the_line_as_the_file_is(cli, data_copy):
    path = task_file(data_copy)
    text = path.read_text(encoding="utf-8")
    at = text.index("- id: pascal-voc-2012-testing-set")  # the leaderboard after VOC val
    bad = text.index("values: {Score:", at)
    line = text.count("\n", 0, bad) + 1
    path.write_text(text[:bad] + "values: {Score: high" + text[text.index("}", bad):],
                    encoding="utf-8")
    run = add(cli, data_copy, "--model", "NewNet", "--value", "Score=89.1")
    assert run.code == 1
    where = [l for l in run.err.splitlines() if re.match(r"^\S+\.yml:\d+:\d+: ", l)]
    assert len(where) == 1 and where[0].startswith(f"{path}:{line}:")
    assert "must be a number" in where[0]


def test_exponent_values_are_numbers(cli, data_copy):
    run = add(cli, data_copy, "--model", "Tiny", "--value", "Score=1e-3")
    assert run.code == 0, run.err
    assert "    values: {Score: 1e-3}\n" in task_file(data_copy).read_text(encoding="utf-8")


def test_values_are_checked_before_any_yaml_is_made(cli, data_copy):
    before = task_file(data_copy).read_bytes()
    run = add(cli, data_copy, "--model", "X", "--value", "Score=1e3e3")
    assert (run.code, run.err) == (1, "error: --value Score: '1e3e3' is not a number or N/A\n")
    assert task_file(data_copy).read_bytes() == before


# --- issue 25: however the results are laid out, add inserts right or refuses ----------------

TINY = """# yaml-language-server: $schema=../../generator/schema/task.schema.json
title: Tiny task
leaderboards:
- id: tiny
  title: Tiny board
  metrics:
  - name: Score
  results:
{results}- id: after
  title: The next board
  metrics:
  - name: Score
  results: []
"""
LAYOUTS = {  # the results of 'tiny', each written another way; the items' indent
    "a comment with a dash after the first model": (
        "  - model: Net A  # A - B\n    values: {Score: 1.5}\n", "  "),
    "a comment line with a dash before the first result": (
        "  # see - here\n  - model: Net A\n    values: {Score: 1.5}\n", "  "),
    "a comment line with a dash inside the first result": (
        "  - model: Net A\n    # see - here\n    values: {Score: 1.5}\n", "  "),
    "a comment with a dash right after the first dash": (
        "  - # see - here\n    model: Net A\n    values: {Score: 1.5}\n", "  "),
    "a dash alone on its line": (
        "  -\n    # see - here\n    model: Net A\n    values: {Score: 1.5}\n", "  "),
    "items indented under the key": (
        "    - model: Net A  # a - b\n      values: {Score: 1.5}\n"
        "    - model: Net B\n      values: {Score: 0.5}\n", "    "),
    "wide dashes": ("  -   model: Net A\n      values: {Score: 1.5}\n", "  "),
    "flow mappings as items": (
        "  - {model: Net A, values: {Score: 1.5}}  # a - b\n"
        "  - {model: Net B,\n     values: {Score: 0.5}}\n", "  "),
    "a kept block scalar last": (
        "  - model: Net A\n    values: {Score: 1.5}\n    notes: |+\n      a - b\n\n", "  "),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_whatever_the_layout_only_the_new_lines_are_written(cli, data_copy, layout):
    results, indent = LAYOUTS[layout]
    path = data_copy / "tasks" / "tiny.yml"
    path.write_text(TINY.format(results=results), encoding="utf-8")
    before = path.read_bytes()
    expected = yaml.safe_load(before)
    run = add(cli, data_copy, "--model", "New - Net", "--value", "Score=2.5", task="tiny",
              board="tiny")
    assert run.code == 0, run.err
    after = path.read_bytes()
    assert new_lines(before, after) == [f"{indent}- model: New - Net\n".encode(),
                                        f"{indent}  values: {{Score: 2.5}}\n".encode()]
    expected["leaderboards"][0]["results"].append({"model": "New - Net", "values": {"Score": 2.5}})
    assert yaml.safe_load(after) == expected
    assert cli("validate", "--data", str(data_copy)).code == 0


def test_a_flow_list_of_results_is_refused_with_how_to_fix_it(cli, data_copy):
    path = data_copy / "tasks" / "tiny.yml"
    path.write_text(TINY.format(results="").replace(
        "  results:\n- id: after", "  results: [{model: Net A, values: {Score: 1.5}}]\n- id: after"),
        encoding="utf-8")
    before = path.read_bytes()
    run = add(cli, data_copy, "--model", "New", "--value", "Score=2.5", task="tiny", board="tiny")
    assert (run.code, run.err) == (1, f"{path}: the results of 'tiny' are a flow list [...]; "
                                      "write them as a block list first\n")
    assert path.read_bytes() == before


def test_new_lines_that_would_read_as_something_else_are_refused(cli, data_copy, monkeypatch):
    """Should the place found for the new lines ever be wrong (here: forced after the first
    result of two), the file is read back before it is written: add refuses, and the file
    stays as it was, instead of a result landing anywhere else."""
    from generator.tools import add as add_tool
    path = data_copy / "tasks" / "tiny.yml"
    path.write_text(TINY.format(results=LAYOUTS["items indented under the key"][0]),
                    encoding="utf-8")
    before = path.read_bytes()
    real = add_tool._append

    def after_the_first(text, results, *args):
        first = yaml.SequenceNode(results.tag, results.value[:1], results.start_mark,
                                  results.end_mark, results.flow_style)
        return real(text, first, *args)
    monkeypatch.setattr(add_tool, "_append", after_the_first)
    run = add(cli, data_copy, "--model", "New", "--value", "Score=2.5", task="tiny", board="tiny")
    assert run.code == 1
    assert run.err == (f"{path}: cannot add to the results of 'tiny': the file's layout around "
                       "them would read the new lines as something else; nothing was written. "
                       "Add the result by hand (or write the results as a plain block list, "
                       "'- model: ...' under 'results:')\n")
    assert path.read_bytes() == before
