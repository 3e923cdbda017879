"""`submission`: a result sent with the issue form "Add a result", read as GitHub writes the
issue's body.  Every body here is built from the form file's own labels, so the form and
the reader cannot drift apart; good bodies add only their lines (comments kept), bad ones
change nothing and name the form's field, hostile ones are refused or printed inert."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, html, run_module

from generator.project.pipeline import load_project
from generator.views.leaderboard import result_anchors

FORM = ROOT / "generator" / "forms" / "add-result.yml"
TEMPLATE = ROOT / ".github" / "ISSUE_TEMPLATE" / "add-result.yml"
TASK = "semantic_segmentation"
VOC = "pascal-voc-2012-validation-set"
IDS = ["task", "leaderboard", "model", "values", "paper", "paper_title", "code", "weights",
       "extra_data", "multi_scale", "date", "notes", "correction_of"]


def form() -> dict:
    return yaml.safe_load(FORM.read_text(encoding="utf-8"))


def labels() -> dict[str, str]:
    """Each field's label by id, from the form file."""
    return {e["id"]: e["attributes"]["label"] for e in form()["body"] if e["type"] != "markdown"}


def body(**fields: str) -> str:
    """An issue's body as GitHub writes a filled form: each field, in the form's order, as
    '### Label', a blank line, the value (or '_No response_'), a blank line."""
    unknown = set(fields) - set(labels())
    assert not unknown, unknown
    return "\r\n\r\n".join(f"### {label}\r\n\r\n{fields.get(fid) or '_No response_'}"
                           for fid, label in labels().items())


GOOD = dict(task=TASK, leaderboard=VOC, model="NewNet", values="Score=89.10±0.15",
            paper="https://arxiv.org/abs/2101.00001", paper_title="NewNet: a new net",
            code="PyTorch=https://github.com/example/newnet", extra_data="COCO",
            multi_scale="Yes", date="2021-01", notes="Trained for 100 epochs.")


def task_file(data: Path) -> Path:
    return data / "tasks" / f"{TASK}.yml"


def snapshot(data: Path) -> dict[str, str]:
    return {p.relative_to(data).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file()}


def submit(cli, data: Path, tmp_path: Path, text: str, *options: str):
    path = tmp_path / "body.md"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return cli("submission", str(path), "--data", str(data), *options)


def new_lines(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """(the lines of ``before`` replaced, the lines of ``after`` replacing them), checking
    that nothing else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = next(i for i, (a, b) in enumerate(zip(old + [b""], new + [b""])) if a != b)
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start:len(old) - end], new[start:len(new) - end]


def outside_code(markdown: str) -> str:
    """The markdown without its fenced code blocks and code spans (where GitHub links and
    mentions nothing)."""
    markdown = re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.M | re.S)
    return re.sub(r"(`+).*?\1", "", markdown)


def assert_inert(text: str, markdown: bool = True) -> None:
    """Nothing a workflow's log reads as a command, and nothing GitHub links, mentions or
    loads when the text is posted as a comment (``markdown``: no markup either; the lines of
    stderr quote the text as it was given, with every address broken)."""
    assert not re.search(r"^\s*::", text, flags=re.M) and "##[" not in text
    rest = outside_code(text) if markdown else text
    assert not re.search(r"@[A-Za-z0-9]", rest), rest
    assert not re.search(r"(?<![\w/])#\d", rest), rest
    assert not re.search(r"https?://", rest), rest
    if markdown:  # as CommonMark renders it: no link, image or tag but <details>
        rendered = html(text)
        assert not re.search(r"<(?!/?(?:details|summary|p|h2|h3|ul|li|strong|code|pre)\b)\w",
                             rendered), rendered


# --- the form ------------------------------------------------------------------------------

def test_the_issue_template_is_the_packaged_form():
    """One source: the repository's issue form is the file the package ships (and that
    `leaderboard init` writes into a new site)."""
    assert TEMPLATE.read_bytes() == FORM.read_bytes()


def test_the_form_is_an_issue_form_with_the_agreed_fields():
    """GitHub's issue-form syntax (the keys SchemaStore's github-issue-forms schema allows),
    and the field ids the site's links and the workflow rely on."""
    data = form()
    assert set(data) <= {"name", "description", "title", "labels", "assignees", "body",
                         "projects", "type"}
    assert data["name"] and data["description"] and data["title"] == "[Result] "
    assert data["labels"] == ["submission"]
    allowed = {"markdown": {"value"},
               "input": {"label", "description", "placeholder", "value"},
               "textarea": {"label", "description", "placeholder", "value", "render"},
               "dropdown": {"label", "description", "multiple", "options", "default"}}
    for element in data["body"]:
        assert element["type"] in allowed
        assert set(element) <= {"type", "id", "attributes", "validations"}
        assert set(element["attributes"]) <= allowed[element["type"]], element
        assert set(element.get("validations", {})) <= {"required"}
        if element["type"] != "markdown":
            assert re.fullmatch(r"[A-Za-z0-9_-]+", element["id"])
            assert element["attributes"]["label"].strip()
    fields = [e for e in data["body"] if e["type"] != "markdown"]
    assert [e["id"] for e in fields] == IDS
    assert len({e["attributes"]["label"] for e in fields}) == len(fields)  # a heading each
    required = {e["id"] for e in fields if e.get("validations", {}).get("required")}
    assert required == {"task", "leaderboard", "model", "values"}
    kinds = {e["id"]: e["type"] for e in fields}
    assert {i for i, k in kinds.items() if k == "textarea"} == {"values", "code", "weights", "notes"}
    assert kinds["multi_scale"] == "dropdown"
    assert next(e for e in fields if e["id"] == "multi_scale")["attributes"]["options"] == ["No", "Yes"]


def test_the_form_is_package_data():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"forms/*.yml"' in config


# --- good bodies ---------------------------------------------------------------------------

def test_a_good_body_adds_exactly_its_lines_and_keeps_comments(tmp_path, data_copy):
    path = task_file(data_copy)
    text = path.read_text(encoding="utf-8").replace(
        "  results:\n  - model: SDN-M2*", "  results:   # best first\n  # the seed's rows\n"
                                         "  - model: SDN-M2*", 1)
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    (tmp_path / "body.md").write_text(body(**GOOD), encoding="utf-8")
    summary, title = tmp_path / "summary.md", tmp_path / "title.txt"
    run = run_module("submission", str(tmp_path / "body.md"), "--data", str(data_copy),
                     "--summary", str(summary), "--title", str(title))
    assert run.code == 0, run.err
    removed, added = new_lines(before, path.read_bytes())
    assert removed == [] and added == [
        b"  - model: NewNet\n", b"    extra_data: [COCO]\n", b"    multi_scale: true\n",
        b"    values: {Score: 89.10}\n", b"    uncertainty: {Score: 0.15}\n",
        b"    paper: https://arxiv.org/abs/2101.00001\n",
        b"    paper_title: 'NewNet: a new net'\n", b"    date: 2021-01\n", b"    code:\n",
        b"    - label: PyTorch\n", b"      url: https://github.com/example/newnet\n",
        b"    notes: Trained for 100 epochs.\n"]
    assert b"  results:   # best first\n  # the seed's rows\n" in path.read_bytes()
    # the summary is diff's: the new best, the rank, the rank changes
    assert "## New result: NewNet + COCO + MS" in run.out
    assert "**New best Score: 89.10** by NewNet + COCO + MS (was 88.80 by SDN-M2\\* + COCO + MS)" \
        in run.out
    assert "- Added: NewNet + COCO + MS (rank 1)" in run.out
    assert "SDN-M2\\* + COCO + MS: 1 → 2" in run.out
    assert summary.read_text(encoding="utf-8") == run.out
    assert title.read_text(encoding="utf-8") == \
        f"Add result: NewNet + COCO + MS on {TASK} / {VOC}\n"
    assert_inert(run.out)
    assert run_module("validate", "--data", str(data_copy)).code == 0


def test_a_dry_run_and_stdin(cli, tmp_path, data_copy, monkeypatch):
    before = snapshot(data_copy)
    run = submit(cli, data_copy, tmp_path, body(**GOOD), "--dry-run")
    assert run.code == 0, run.err
    assert "would be written to" in run.out and snapshot(data_copy) == before
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body(**GOOD).encode())))
    run = cli("submission", "-", "--data", str(data_copy))
    assert run.code == 0, run.err
    assert snapshot(data_copy) != before


def permalink(data: Path, index: int) -> str:
    board = next(lb for lb in load_project(data).project.task(TASK).leaderboards if lb.id == VOC)
    anchor = result_anchors(board)[id(board.results[index])]
    return f"https://example-org.github.io/leaderboards/tasks/{TASK}/{VOC}/#{anchor}"


def test_a_correction_replaces_the_result_in_its_lines(tmp_path, data_copy):
    path = task_file(data_copy)
    before = path.read_bytes()
    fields = dict(task=TASK, leaderboard=VOC, model="DeepLab_v3-Xception-65", extra_data="COCO",
                  values="Score=83.60", paper="https://arxiv.org/abs/1706.05587",
                  weights="TensorFlow=http://download.tensorflow.org/models/"
                          "deeplabv3_pascal_train_aug_2018_01_04.tar.gz",
                  code="TensorFlow=https://github.com/tensorflow/models/tree/master/research/"
                       "deeplab",
                  multi_scale="No", correction_of=permalink(data_copy, 1))
    (tmp_path / "body.md").write_text(body(**fields), encoding="utf-8")
    summary = tmp_path / "summary.md"
    title = tmp_path / "title.txt"
    run = run_module("submission", str(tmp_path / "body.md"), "--data", str(data_copy),
                     "--summary", str(summary), "--title", str(title))
    assert run.code == 0, run.err
    assert new_lines(before, path.read_bytes()) == ([b"    values: {Score: 83.58}\n"],
                                                    [b"    values: {Score: 83.60}\n"])
    assert "## Correction of DeepLab_v3-Xception-65 + COCO" in run.out
    assert "- Changed: DeepLab_v3-Xception-65 + COCO: Score 83.58 → 83.60" in run.out
    assert title.read_text(encoding="utf-8").startswith("Correct result: DeepLab_v3-Xception-65")
    # the same again changes nothing: refused
    again = run_module("submission", str(tmp_path / "body.md"), "--data", str(data_copy))
    assert again.code == 1 and f"{labels()['correction_of']}: the correction is the result" in again.err


def test_a_correction_by_its_anchor_alone_keeps_the_results_id(cli, tmp_path, data_copy):
    path = task_file(data_copy)
    text = path.read_text(encoding="utf-8").replace(
        "  - model: SDN-M3\n", "  - model: SDN-M3\n    id: sdn-m3-voc\n", 1)
    path.write_text(text, encoding="utf-8")
    fields = dict(task=TASK, leaderboard=VOC, model="SDN-M3 (corrected)", values="Score=80.00",
                  paper="https://arxiv.org/abs/1708.04943", correction_of=f"{VOC}--sdn-m3-voc")
    run = submit(cli, data_copy, tmp_path, body(**fields))
    assert run.code == 0, run.err
    after = path.read_text(encoding="utf-8")
    assert "  - model: SDN-M3 (corrected)\n    id: sdn-m3-voc\n    values: {Score: 80.00}\n" in after
    assert after.count("model: SDN-M3\n") == text.count("model: SDN-M3\n") - 1


def test_a_correction_as_the_rows_link_fills_it_in_changes_only_what_it_corrects(
        cli, tmp_path, data_copy):
    """The row's "Suggest a correction" fills in what the row shows: not the paper's title
    or the notes (left empty, they stay as published), and the date the row shows, which
    for an arXiv paper is its month (not written when the result does not write it)."""
    path = task_file(data_copy)
    text = path.read_text(encoding="utf-8").replace(
        "  - model: SDN-M3\n    values: {Score: 79.90}\n",
        "  - model: SDN-M3\n    values: {Score: 79.90}\n    paper_title: Stacked Deconvolutional"
        " Network\n    notes: |\n      Single model.\n      Test set: val.\n", 1)
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    fields = dict(task=TASK, leaderboard=VOC, model="SDN-M3", values="Score=79.95±0.05",
                  paper="https://arxiv.org/abs/1708.04943", date="2017-08",
                  correction_of=f"{VOC}--sdn-m3")
    run = submit(cli, data_copy, tmp_path, body(**fields))
    assert run.code == 0, run.err
    assert new_lines(before, path.read_bytes()) == (
        [b"    values: {Score: 79.90}\n"],
        [b"    values: {Score: 79.95}\n", b"    uncertainty: {Score: 0.05}\n"])
    assert f"kept as published: {labels()['paper_title']}, {labels()['notes']}." in run.out


# --- bad bodies: nothing changes, the field is named ---------------------------------------

BAD = {
    "missing model": (dict(GOOD, model=""), "model", "required, but left empty"),
    "bad number": (dict(GOOD, values="Score=89.1\nScore2=high"), "values",
                   "line 2: 'Score2' is not a metric"),
    "not a number": (dict(GOOD, values="Score=high"), "values",
                     "line 1: 'Score=high' is not a number"),
    "a unit": (dict(GOOD, values="Score=89.1%"), "values", "without its unit"),
    "no number at all": (dict(GOOD, values="Score=N/A"), "values", "no number"),
    "unknown leaderboard": (dict(GOOD, leaderboard="voc-2099"), "leaderboard",
                            f"task '{TASK}' has no leaderboard 'voc-2099' (its leaderboards: {VOC}"),
    "unknown task": (dict(GOOD, task="time_travel"), "task",
                     "no task 'time_travel' on this site (its tasks: depth_estimation"),
    "duplicate permalink": (dict(GOOD, model="SDN-M2*", values="Score=88.80",
                                 paper="https://arxiv.org/abs/1708.04943"), "model",
                            "duplicate result"),
    "bad date": (dict(GOOD, date="last spring"), "date", "is not a date"),
    "bad choice": (dict(GOOD, multi_scale="Sometimes"), "multi_scale", "is not one of the choices"),
    "link without a label": (dict(GOOD, code="https://github.com/example/newnet"), "code",
                             "has no label"),
    "unknown correction": (dict(GOOD, correction_of=f"#{VOC}--no-such-net"), "correction_of",
                           "has the permalink"),
    "two lines for one": (dict(GOOD, model="NewNet\nsecond line"), "model", "must be one line"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_body_changes_nothing_and_names_the_field(cli, tmp_path, data_copy, case):
    fields, field, message = BAD[case]
    before = snapshot(data_copy)
    summary = tmp_path / "summary.md"
    run = submit(cli, data_copy, tmp_path, body(**fields), "--summary", str(summary),
                 "--title", str(tmp_path / "title.txt"))
    assert run.code == 1
    assert snapshot(data_copy) == before
    assert f"{labels()[field]}: " in run.err and message in run.err, run.err
    assert "## The submission needs a fix" in run.out and "Nothing was changed" in run.out
    assert summary.read_text(encoding="utf-8") == run.out
    assert not (tmp_path / "title.txt").exists()
    assert_inert(run.out)


def test_every_problem_is_told_at_once(cli, tmp_path, data_copy):
    run = submit(cli, data_copy, tmp_path, body(**dict(GOOD, values="Score=x", date="soon",
                                                       paper="ftp://example.org/p.pdf")))
    assert run.code == 1
    for field in ("values", "date", "paper"):
        assert f"error: {labels()[field]}: " in run.err


def test_a_body_not_from_the_form(cli, tmp_path, data_copy):
    before = snapshot(data_copy)
    run = submit(cli, data_copy, tmp_path, "I got 99.9 on VOC, please add it!\n\n### Results\n\n99.9")
    assert run.code == 1 and "not written with the form 'Add a result'" in run.err
    assert snapshot(data_copy) == before


# --- hostile bodies: refused, or inert -----------------------------------------------------

REFUSED = {
    "a script link": (dict(GOOD, paper="javascript:alert(1)"), "paper"),
    "a script link in code": (dict(GOOD, code="x=javascript:alert(document.cookie)"), "code"),
    "a script link in notes": (dict(GOOD, notes="[see](javascript:alert(1))"), "notes"),
    "HTML in the model": (dict(GOOD, model='<img src=x onerror="alert(1)">'), "model"),
    "HTML in notes": (dict(GOOD, notes="<script>alert(1)</script>"), "notes"),
    "an image in notes": (dict(GOOD, notes="![](https://tracker.example/pixel.png)"), "notes"),
    "a NUL": (dict(GOOD, model="New\x00Net"), "model"),
    "an escape sequence": (dict(GOOD, notes="\x1b[31mred"), "notes"),
    "an expression": (dict(GOOD, model="${{ secrets.GITHUB_TOKEN }}"), "model"),
    "an expression in a link": (dict(GOOD, code="x=https://e.org/${{ github.token }}"), "code"),
    "text-direction controls": (dict(GOOD, model="NewNet\u202egnp.exe"), "model"),
    "a huge value": (dict(GOOD, notes="x" * 5000), "notes"),
    "too many lines": (dict(GOOD, values="\n".join(f"Score=1.{i}" for i in range(200))), "values"),
    "a field given twice": (dict(GOOD, notes=f"fine\n\n### {labels()['model']}\n\nEvilNet"), "model"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_hostile_body_is_refused(cli, tmp_path, data_copy, case):
    fields, field = REFUSED[case]
    before = snapshot(data_copy)
    run = submit(cli, data_copy, tmp_path, body(**fields))
    assert run.code == 1, run.out
    assert snapshot(data_copy) == before
    assert f"{labels()[field]}: " in run.err, run.err
    assert_inert(run.out)
    assert_inert(run.err, markdown=False)


def test_a_huge_body_is_not_read(cli, tmp_path, data_copy):
    before = snapshot(data_copy)
    run = submit(cli, data_copy, tmp_path, body(**dict(GOOD, notes="x" * 70_000)))
    assert run.code == 1 and "longer than 65,536 bytes" in run.err
    assert snapshot(data_copy) == before
    run = submit(cli, data_copy, tmp_path, "\n" * 70_000)
    assert run.code == 1 and snapshot(data_copy) == before


def test_a_body_that_is_not_utf8(cli, tmp_path, data_copy):
    path = tmp_path / "body.md"
    path.write_bytes(body(**GOOD).encode("utf-8") + b"\xff\xfe")
    run = cli("submission", str(path), "--data", str(data_copy))
    assert run.code == 1 and "not UTF-8" in run.err


def test_names_that_command_or_ping_are_printed_inert(cli, tmp_path, data_copy):
    """Text that is only text in the data (a model's name) but would be a workflow command
    in a log, or a mention, an issue link, an address or math in a comment: added as it is,
    printed inert."""
    model = "::error::pwned ##[warning]x @octocat #12 GH-3 www.example.org $x$"
    fields = dict(GOOD, model=model,
                  notes="::set-output name=x::y\n@maintainers see #1 and https://example.org")
    run = submit(cli, data_copy, tmp_path, body(**fields), "--title", str(tmp_path / "t"))
    assert run.code == 0, run.err
    assert_inert(run.out)
    title = (tmp_path / "t").read_text(encoding="utf-8")
    assert title.count("\n") == 1 and not re.search(r"@[A-Za-z0-9]|#\d", title)
    board = next(lb for lb in load_project(data_copy).project.task(TASK).leaderboards
                 if lb.id == VOC)
    assert board.results[-1].model == model  # the data holds the name as given


def test_problems_quoting_hostile_text_are_inert(cli, tmp_path, data_copy):
    fields = dict(GOOD, values="::error::x=1\n@octocat=2", date="#123",
                  paper="https://example.org/ ![x](https://tracker.example/p.png)")
    run = submit(cli, data_copy, tmp_path, body(**fields))
    assert run.code == 1
    assert_inert(run.out)
    assert_inert(run.err, markdown=False)
