"""`import` on hand-written leaderboard pages in loose forms (NLP-progress, MIT; five pages
in tests/fixtures/nlp-progress): every table reported, every value as the page writes it."""
from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from generator.importers import page_diff
from generator.importers.loose_page import LooseReport, cell_value, parse_loose_page
from generator.project.pipeline import load_project
from helpers import FIXTURES, ROOT, run_module

PAGES = FIXTURES / "nlp-progress"


@pytest.mark.parametrize("raw,number,notes", [
    ("88.32", "88.32", []),
    ("**89.85**", "89.85", []),
    ("91.6/91.1*", None, None),  # a pair: split by the table, not here
    ("28.5*", "28.5", ["marked *"]),
    ("53.94\\* (53.6)", "53.94", ["marked *", "53.6"]),
    ("0.351(!)", "0.351", ["!"]),
    ("85.9<sup>[\\*](#footnote)</sup>", "85.9", ["footnote *"]),
    ("60.7+", "60.7", ["marked +"]),
    ("---", "none", []),
    ("−", "none", []),
])
def test_a_cell_is_read_as_written_with_its_marks_as_notes(raw, number, notes):
    value, _, found, problem = cell_value(raw)
    if number is None:
        assert problem
        return
    assert problem is None
    assert (str(value) if value is not None else "none") == number
    assert found == notes


def test_a_cell_with_an_uncertainty_keeps_both_numbers():
    value, plus, _, problem = cell_value("84.3 ± 0.2")
    assert (str(value), str(plus), problem) == ("84.3", "0.2", None)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    data = tmp_path_factory.mktemp("nlp") / "data"
    # the folder's own pages (a folder is read with its subfolders; same-html/ is another test's)
    run = run_module("import", *map(str, sorted(PAGES.glob("*.md"))), "--data", str(data))
    assert run.code == 0, run.err
    return data, run


def _board(data, task, title):
    doc = yaml.safe_load((data / "tasks" / f"{task}.yml").read_text(encoding="utf-8"))
    return next(lb for lb in doc["leaderboards"] if lb["title"] == title)


def test_the_pages_import_and_validate_with_a_report(imported):
    data, run = imported
    loaded = load_project(data)
    assert loaded.ok, [p.format() for p in loaded.problems]
    report = (data / "import-report.txt").read_text(encoding="utf-8")
    assert report.startswith("7 pages, 49 tables: ")  # the six and the folder's README
    # the headline counts every table with numbers, leaderboard or not
    assert "rows in the 46 tables with numbers: 255; imported as results: 238 (93.3 %); " \
        "leaderboard rows: 241; rows not imported: 0" in run.err
    # example tables and statistics are reported as not leaderboards, with their line
    assert re.search(r"ccg\.md:9: not a leaderboard \(no column of numbers\): columns \['Vinken'", report)
    assert re.search(r"taxonomy_learning\.md:\d+: not a leaderboard \(its rows are partition", report)
    # two numbers on two lines of one cell: the first is the value, the second a note
    cnn = _board(data, "relationship-extraction", "Multi-Way Classification of Semantic Relations "
                 "Between Pairs of Nominals (SemEval 2010 Task 8) — End-to-End Models")["results"]
    attention = next(r for r in cnn if r["model"].startswith("Attention CNN"))
    assert attention["values"] == {"F1": 84.3} and "F1: also 85.9" in attention["notes"]
    assert "relationship_extraction.md:76:1: Model: 'CNN-based Models': a label for the rows below it" in report


def test_values_are_the_pages_numbers(imported):
    data, _ = imported
    parsing = _board(data, "combinatory-categorical-grammar", "Parsing — CCGBank")
    first = parsing["results"][0]
    assert first["model"] == "Prange et al. (2021), non-constructive"
    assert first["values"] == {"Labeled F-score": 90.91}
    assert first["paper"] == "https://doi.org/10.1162/tacl_a_00364"
    assert first["paper_title"] == "Supertagging the Long Tail with Tree-Structured Decoding of Complex Categories"
    text = (data / "tasks" / "combinatory-categorical-grammar.yml").read_text(encoding="utf-8")
    assert "Labeled F-score: 90.91" in text or "'Labeled F-score': 90.91" in text


def test_a_pair_of_values_becomes_two_metrics_and_marks_become_notes(imported):
    data, _ = imported
    board = _board(data, "semantic-textual-similarity", "SentEval")
    names = [m["name"] for m in board["metrics"]]
    assert names[:2] == ["MRPC (1)", "MRPC (2)"]
    gensen = next(r for r in board["results"] if r["model"].startswith("GenSen"))
    assert gensen["values"]["MRPC (1)"] == 78.6 and gensen["values"]["MRPC (2)"] == 84.4
    xlnet = next(r for r in board["results"] if r["model"].startswith("XLNet"))
    assert "marked *" in xlnet["notes"] and xlnet["values"]["SICK-R"] is None


def test_group_rows_become_notes_and_the_paper_source_column_names_the_model(imported):
    data, _ = imported
    doc = yaml.safe_load((data / "tasks" / "relation-prediction.yml").read_text(encoding="utf-8")) \
        if (data / "tasks" / "relation-prediction.yml").exists() else None
    tasks = {p.stem for p in (data / "tasks").glob("*.yml")}
    assert "entity-linking" in tasks and doc is None
    entity = yaml.safe_load((data / "tasks" / "entity-linking.yml").read_text(encoding="utf-8"))
    boards = [lb for lb in entity["leaderboards"] if "Disambiguation-Only" in lb["title"]]
    assert boards and all(r["model"] and "values" in r for lb in boards for r in lb["results"])
    relation = yaml.safe_load((data / "tasks" / "relationship-extraction.yml").read_text(encoding="utf-8"))
    noted = [r for lb in relation["leaderboards"] for r in lb["results"]
             if r.get("notes", "").startswith("group: CNN-based Models")]
    assert any(r["model"].startswith("CR-CNN") for r in noted)


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    run = run_module("import", str(PAGES / "ccg.md"), str(PAGES / "taxonomy_learning.md"),
                     "--data", str(tmp_path / "data"), "--dry-run")
    assert run.code == 0, run.err
    assert "## Tables" in run.out and "not a leaderboard" in run.out
    assert "nothing written" in run.err
    # each table left out is a warning at its line, not only a line of the report
    assert re.search(r"ccg\.md:9: warning: table not imported: not a leaderboard \(no column of "
                     r"numbers\); columns \['Vinken'", run.err)
    assert not (tmp_path / "data").exists()


def test_a_column_mapping_file_settles_what_headers_cannot(tmp_path):
    mapping = tmp_path / "columns.json"
    mapping.write_text(json.dumps({"columns": {"Bio specifc taggers?": "ignore"}}), encoding="utf-8")
    report = LooseReport()
    tasks = parse_loose_page(PAGES / "ccg.md", (PAGES / "ccg.md").read_text(encoding="utf-8"),
                             report, {"Bio specifc taggers?": "ignore"})
    bio = next(lb for lb in tasks["combinatory-categorical-grammar"]["leaderboards"]
               if lb["title"].endswith("Bioinfer"))
    assert all("notes" not in r for r in bio["results"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"columns": {"X": "colour"}}), encoding="utf-8")
    run = run_module("import", str(PAGES / "ccg.md"), "--data", str(tmp_path / "d"),
                     "--columns", str(bad), "--dry-run")
    assert run.code != 0 and "colour" in run.err and "Traceback" not in run.err
    run = run_module("import", str(PAGES / "ccg.md"), "--data", str(tmp_path / "d"),
                     "--columns", str(mapping), "--dry-run")
    assert run.code == 0, run.err


def test_the_sota_cv_layout_still_takes_its_exact_path(tmp_path):
    from helpers import SOTA_CV
    page = SOTA_CV / "content" / "depth_estimation.md"
    run = run_module("import", str(page), "--data", str(tmp_path / "data"))
    assert run.code == 0, run.err
    assert "imported task 'depth_estimation'" in run.out


def test_every_imported_value_stands_as_written_on_its_rows_line(imported):
    """The check docs/migration.md reports for the whole of NLP-progress, on the fixtures:
    each value is found, as written, on a line of the pages that also names its model."""
    import html

    def norm(s: str) -> str:  # links, tags, escapes and emphasis dropped
        s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
        s = re.sub(r"<[^>]+>", " ", html.unescape(s)).replace("\\", "").replace("*", "").replace("_", "")
        return " ".join(s.split())

    lines = [norm(line) for page in PAGES.glob("*.md")
             for line in page.read_text(encoding="utf-8").splitlines()]
    squeezed = [line.replace(" ", "") for line in lines]  # names compared without spaces
    data, _ = imported
    checked = 0
    for path in (data / "tasks").glob("*.yml"):
        for lb in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["leaderboards"]:
            for result in lb["results"]:
                model = norm(result["model"]).replace(" ", "")[:12]
                for metric, value in result["values"].items():
                    if value in ("null", "~", ""):
                        continue
                    checked += 1
                    number = re.compile(r"(?<![\d.])" + re.escape(value) + r"(?![\d])")
                    assert any(model in flat and number.search(line)
                               for line, flat in zip(lines, squeezed)), \
                        (path.name, result["model"], metric, value)
    assert checked > 250


def test_an_html_table_with_two_header_rows_is_read(imported):
    data, _ = imported
    board = _board(data, "dialogue", "Dialogue state tracking — MultiWOZ — Belief Tracking")
    assert [m["name"] for m in board["metrics"]] == [
        "MultiWOZ 2.0 Joint Accuracy", "MultiWOZ 2.0 Slot", "MultiWOZ 2.1 Joint Accuracy",
        "MultiWOZ 2.1 Slot"]
    dstqa = next(r for r in board["results"] if r["model"].startswith("DSTQA"))
    assert dstqa["model"] == "DSTQA (Zhou et al, 2019)"
    assert dstqa["values"] == {"MultiWOZ 2.0 Joint Accuracy": 51.44, "MultiWOZ 2.0 Slot": 97.24,
                               "MultiWOZ 2.1 Joint Accuracy": 51.17, "MultiWOZ 2.1 Slot": 97.21}
    # rows in the order results came (worst first) do not turn an accuracy around
    assert all("direction" not in m for m in board["metrics"])


@pytest.mark.slow  # seven command runs
def test_a_page_written_back_in_its_layout_imports_to_the_same_data(imported, tmp_path):
    """import -> markdown --layout nlp-progress -> import: the same leaderboards, metrics and
    results (in ranked order rather than the page's)."""
    data, _ = imported
    pages = tmp_path / "pages"
    for task in sorted(p.stem for p in (data / "tasks").glob("*.yml")):
        run = run_module("markdown", task, "--data", str(data), "--layout", "nlp-progress",
                         "--out", str(pages / f"{task}.md"))
        assert run.code == 0, run.err
    text = (pages / "semantic-textual-similarity.md").read_text(encoding="utf-8")
    assert "| Model " in text and "| Paper / Source " in text and "| Notes " in text
    again = tmp_path / "again"
    run = run_module("import", str(pages), "--data", str(again))
    assert run.code == 0, run.err

    def boards(folder):
        out = {}
        for path in sorted((folder / "tasks").glob("*.yml")):
            for lb in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["leaderboards"]:
                out[(path.stem, lb["id"])] = (lb["title"], json.dumps(lb["metrics"], sort_keys=True),
                                             sorted(json.dumps(r, sort_keys=True) for r in lb["results"]))
        return out

    first, second = boards(data), boards(again)
    assert len(first) == 42 and first == second


# --- pages written back as they were -------------------------------------------------

def _written_back(data, task):
    run = run_module("markdown", task, "--data", str(data), "--layout", "nlp-progress")
    assert run.code == 0, run.err
    return run.out


def test_a_page_whose_tables_are_best_first_is_written_back_to_the_same_html(tmp_path):
    page = PAGES / "same-html" / "constituency_parsing.md"
    data = tmp_path / "data"
    run = run_module("import", str(page), "--data", str(data))
    assert run.code == 0, run.err
    written = _written_back(data, "constituency-parsing")
    original = page.read_text(encoding="utf-8")
    assert written != original  # the tables are drawn anew from the data...
    assert page_diff.render_html(written) == page_diff.render_html(original)  # ...to the same HTML
    report = (data / "import-report.txt").read_text(encoding="utf-8")
    assert f"{page.relative_to(ROOT)}: the same HTML" in report or f"{page}: the same HTML" in report


def test_each_page_keeps_its_text_and_the_report_states_every_difference(imported):
    data, _ = imported
    report = (data / "import-report.txt").read_text(encoding="utf-8")
    section = report.split("## Pages written back\n", 1)[1]
    tasks = {"ccg.md": ["combinatory-categorical-grammar"], "dialogue.md": ["dialogue"],
             "entity_linking.md": ["entity-linking"],
             "relationship_extraction.md": ["relationship-extraction"],
             "semantic_textual_similarity.md": ["semantic-textual-similarity"],
             "taxonomy_learning.md": ["taxonomy-learning"]}
    for name, task_ids in tasks.items():
        original = (PAGES / name).read_text(encoding="utf-8")
        written = "\n".join(_written_back(data, t) for t in task_ids)
        found = page_diff.differences(original, written)
        # the report lists exactly these, under the page
        listed = re.search(rf"^\S*{re.escape(name)}: (\d+) differences\n((?:  .*\n)*)", section, re.M)
        assert listed, name
        lines = [l[2:] for l in listed[2].splitlines() if "raw HTML not kept" not in l]
        assert lines == found, name
        # every heading and every paragraph without raw HTML is kept as it was
        kept = {h for _, kind, h in page_diff.html_blocks(written)}
        for line, kind, block in page_diff.html_blocks(original):
            if kind in ("h1", "h2", "h3", "h4", "paragraph") and "<" not in re.sub(
                    r"</?(p|h\d|a( href=\"[^\"]*\")?|em|strong|code)>", "", block):
                assert block in kept, f"{name}:{line}: {block[:80]}"
    # the raw HTML a page's text cannot keep is listed at its line
    assert re.search(r"relationship_extraction\.md: \d+ differences\n(  .*\n)*  line \d+: raw HTML "
                     r"not kept \(a task's page is markdown only\): '<a name=\"footnote\">'", section)


def test_the_text_of_a_page_survives_a_second_import(imported, tmp_path):
    data, _ = imported
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "entity_linking.md"
    page.write_text(_written_back(data, "entity-linking"), encoding="utf-8")
    again = tmp_path / "again"
    assert run_module("import", str(page), "--data", str(again)).code == 0
    first, second = (yaml.safe_load((d / "tasks" / "entity-linking.yml").read_text(encoding="utf-8"))
                     for d in (data, again))
    assert "page" in first and second["page"] == first["page"]


def test_a_leaderboard_marker_that_names_no_leaderboard_is_an_error_at_its_line(imported, tmp_path):
    data, _ = imported
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    path = copy / "tasks" / "entity-linking.yml"
    text = path.read_text(encoding="utf-8")
    marker = re.search(r"<!-- leaderboard: ([a-z0-9-]+) -->", text)
    path.write_text(text.replace(marker[0], "<!-- leaderboard: no-such-board -->", 1), encoding="utf-8")
    line = text[:marker.start()].count("\n") + 1
    run = run_module("validate", "--data", str(copy))
    assert run.code == 1
    assert f"entity-linking.yml:{line}:" in run.err
    assert "the marker line names no leaderboard of this task: 'no-such-board'" in run.err


def test_a_page_written_back_escapes_what_validation_would_refuse(tmp_path):
    from generator.outputs import render
    from generator.project.loader import Document
    from generator.project.model import Project, build_task
    board = lambda id_, title, model, value: {
        "id": id_, "title": title, "metrics": [{"name": "Acc"}],
        "results": [{"model": model, "values": {"Acc": value}}]}
    data = {"title": "T", "leaderboards": [board("b", "Board", "M", 1.0),
                                           board("c", "Other <b>", "N", 2.0)],
            "page": "# T\n\n<script>alert(1)</script>\n\n<!-- leaderboard: b -->\n\n"
                    "<!-- leaderboard: b --> <img src=x onerror=alert(1)>\n[x](javascript:alert(1))\n"}
    task = build_task(Document(tmp_path / "t.yml", data), "t")
    out = render.task_markdown(task, Project(tasks=[task], datasets={}), layout="nlp-progress")
    html = page_diff.render_html(out)
    assert not re.search(r"<(script|img|b)\b", html) and "href=\"javascript" not in html
    assert "&lt;script&gt;alert(1)" in html  # shown as text
    assert out.count("| M ") == 1  # a leaderboard is placed once
    assert html.index(">M<") < html.index(">N<")  # the unplaced one follows at the end
    assert re.search(r"<h2>Other .*</h2>", html)


@pytest.mark.parametrize("fail_at", [1, 2])
def test_an_import_that_fails_midway_leaves_the_data_folder_as_it_was(cli, tmp_path, monkeypatch,
                                                                       fail_at):
    """Every importer writes all or nothing (``importers.staging``): a disk that fails on the
    1st or 2nd file leaves the folder byte for byte as it was, nothing beside it, and a re-run
    imports."""
    import errno
    from generator.site import fsutil
    from helpers import DATA
    from test_import_pwc import leftovers, tree

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    pages = [FIXTURES / "nlp-progress" / name for name in ("ccg.md", "dialogue.md")]
    before = tree(data)
    real, calls = fsutil.write_text, []

    def full(target, text, fsync=True):
        calls.append(target)
        if len(calls) == fail_at:
            raise fsutil.OutputError("write", target, OSError(errno.ENOSPC, "No space left on device"))
        real(target, text, fsync)
    monkeypatch.setattr(fsutil, "write_text", full)
    run = cli("import", *map(str, pages), "--data", str(data))
    assert run.code == 2 and "No space left on device" in run.err and "Traceback" not in run.err
    assert tree(data) == before and leftovers(data) == []
    monkeypatch.setattr(fsutil, "write_text", real)
    run = cli("import", *map(str, pages), "--data", str(data))
    assert run.code == 0, run.err
    assert (data / "tasks" / "dialogue.yml").is_file() and cli("validate", "--data", str(data)).code == 0
