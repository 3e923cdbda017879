"""Importing the Papers with Code evaluation-tables export."""
from __future__ import annotations

import copy
import errno
import gzip
import json
import os
import re
import shutil
import subprocess

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


def _board(name: str, metrics: list[str], rows: list[dict]) -> dict:
    return {"dataset": name, "description": "", "dataset_links": [], "dataset_citations": [],
            "subdatasets": [], "sota": {"metrics": metrics, "rows": [
                {"model_name": f"M{i}", "metrics": values, "paper_title": "", "paper_url": "",
                 "paper_date": "2020-06-11", "code_links": [], "model_links": []}
                for i, values in enumerate(rows)]}}


def test_every_direction_by_default_or_against_the_name_is_listed_for_review(cli, tmp_path):
    """Issue 27: an error stored largest first over five values keeps the archive's order but
    is listed against its name; a short order does not outvote a name (FLOPS, stored by
    accuracy); a one-row board of an error acronym takes the name, one of an unknown name the
    default, which is listed too."""
    task = dict(SUB, task="Hate Speech Detection", datasets=[
        _board("Ethos", ["Subset Loss"], [{"Subset Loss": v} for v in
                                           ("0.29", "0.16", "0.14", "0.13", "0.11")]),
        _board("Food-101", ["Accuracy", "FLOPS"], [{"Accuracy": a, "FLOPS": f} for a, f in
                                                   (("89.4", "361M"), ("89.0", "299M"),
                                                    ("88.5", "266M"), ("87.4", "198M"))]),
        _board("WMCA", ["ACER", "Modelness"], [{"ACER": "2.3", "Modelness": "0.5"}])])
    path = tmp_path / "archive.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "data"))
    assert run.code == 0, run.err
    doc = yaml.safe_load((tmp_path / "data" / "tasks" / "hate-speech-detection.yml").read_text())
    got = {(lb["title"], m["name"]): m["direction"] for lb in doc["leaderboards"]
           for m in lb["metrics"]}
    assert got == {("Ethos", "Subset Loss"): "higher", ("Food-101", "Accuracy"): "higher",
                   ("Food-101", "FLOPS"): "lower", ("WMCA", "ACER"): "lower",
                   ("WMCA", "Modelness"): "higher"}
    assert "; for review: 1 decided by default, 1 against the name (every one listed in the " \
           "report)" in run.err
    report = (tmp_path / "data" / "pwc-import-report.txt").read_text(encoding="utf-8")
    assert "\n## Directions decided by default (1): " in report
    assert "\ndirection by default: Hate Speech Detection › WMCA › Modelness\n" in report
    assert "\n## Directions decided against the name (1): " in report
    assert "\ndirection against the name: Hate Speech Detection › Ethos › Subset Loss: higher " \
           "(order): 'Subset Loss': higher is better: the source stores its rows in this order " \
           "(against: name says lower)" in report
    # a reviewed list settles it, and then it is no longer against anything to review
    reviewed = tmp_path / "reviewed.yml"
    reviewed.write_text("Subset Loss: lower\nModelness: higher\n", encoding="utf-8")
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "again"), "--directions",
              str(reviewed))
    assert run.code == 0, run.err
    assert "; for review: 0 decided by default, 0 against the name" in run.err
    doc = yaml.safe_load((tmp_path / "again" / "tasks" / "hate-speech-detection.yml").read_text())
    assert doc["leaderboards"][0]["metrics"][0]["direction"] == "lower"
    # ... and so does the command line, before the list
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "third"), "--directions",
              str(reviewed), "--higher-is-better", "Subset Loss", "--lower-is-better", "ACER")
    assert run.code == 0, run.err
    assert "; for review: 0 decided by default, 1 against the name" in run.err
    report = (tmp_path / "third" / "pwc-import-report.txt").read_text(encoding="utf-8")
    assert "\ndirection against the name: Hate Speech Detection › Ethos › Subset Loss: higher " \
           "(explicit): 'Subset Loss': --higher-is-better (against: name says lower)" in report
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "fourth"), "--higher-is-better",
              "ACER", "--lower-is-better", "ACER")
    assert run.code == 1 and "--lower-is-better and --higher-is-better both name 'ACER'" in run.err


# --- issue 25: a failed import leaves the data folder as it was ------------------------------

def tree(folder) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under ``folder``, hidden ones too."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def leftovers(folder) -> list[str]:
    """What a run left beside ``folder``: staging copies, locks, temporary files."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


@pytest.fixture
def existing(tmp_path):
    """A data folder that already holds a task and a sources file, as an import finds it."""
    from helpers import DATA
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def late_malformed_archive() -> list:
    """The small archive, then a last task whose second row's metrics are a list."""
    late = copy.deepcopy(SUB)
    late["task"] = "Late Task"
    rows = late["datasets"][0]["sota"]["rows"]
    rows.append(dict(rows[0], model_name="Broken Row", metrics=["68.2"]))
    return [*archive(), late]


def test_a_malformed_entry_late_in_the_export_is_one_line_at_its_line(cli, tmp_path, existing):
    path = tmp_path / "archive.json"
    text = json.dumps(late_malformed_archive(), indent=1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    broken = next(i for i, l in enumerate(lines) if '"Broken Row"' in l)
    line = next(i for i, l in enumerate(lines[broken - 3:], broken - 2) if '"metrics": [' in l)
    before = tree(existing)
    run = cli("import-pwc", str(path), "--data", str(existing))
    assert run.code == 1 and run.out == "" and "Traceback" not in run.err
    assert len(run.err.splitlines()) == 1, run.err
    assert re.fullmatch(
        re.escape(f"{path}:") + r"\d+:\d+: " + re.escape(
            "Late Task › Mini-ImageNet - 5-Shot › Broken Row: 'metrics' must be an object of "
            "metric: value, not a list"), run.err.strip()), run.err
    assert int(run.err.split(":")[1]) == line  # the line of the broken row's "metrics": [
    assert tree(existing) == before and leftovers(existing) == []
    fixed = late_malformed_archive()
    fixed[-1]["datasets"][0]["sota"]["rows"][-1]["metrics"] = {"Accuracy": "60.1%"}
    path.write_text(json.dumps(fixed), encoding="utf-8")
    run = cli("import-pwc", str(path), "--data", str(existing))
    assert run.code == 0, run.err
    assert (existing / "tasks" / "late-task.yml").is_file()


@pytest.mark.parametrize("entry,message", [
    (lambda a: a[0].update(datasets="ImageNet"), "Image Classification: 'datasets' must be a list, not a string"),
    (lambda a: a[0]["subtasks"].append(7), "Image Classification › subtask 2: a task must be an object, not a number"),
    (lambda a: a[0]["datasets"][0]["sota"]["rows"][0]["code_links"][0].update(url=5),
     "Image Classification › ImageNet › Net A: 'url' must be a URL, not a number"),
    (lambda a: a[0]["datasets"][0].update(sota=[]),
     "Image Classification › ImageNet: 'sota' must be an object with 'metrics' and 'rows', not a list"),
])
def test_each_shape_the_importer_cannot_read_is_a_clear_error(cli, tmp_path, entry, message):
    data = archive()
    entry(data)
    path = tmp_path / "archive.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    run = cli("import-pwc", str(path), "--data", str(tmp_path / "data"))
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.startswith(f"{path}:1:") and run.err.rstrip("\n").endswith(message), run.err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("fail_at", [1, 4])
def test_a_disk_that_fails_midway_leaves_the_folder_as_it_was(cli, tmp_path, existing,
                                                              monkeypatch, fail_at):
    """The 1st or 4th file written fails as a full disk would: one line naming the file in
    the data folder, exit 2, the folder byte for byte as before, nothing left beside it, and
    a re-run (the disk freed) imports everything."""
    from generator.site import fsutil
    path = tmp_path / "archive.json.gz"
    path.write_bytes(gzip.compress(json.dumps(archive()).encode()))
    before = tree(existing)
    real, calls = fsutil.write_text, []

    def full(target, text, fsync=True):
        calls.append(target)
        if len(calls) == fail_at:
            raise fsutil.OutputError("write", target, OSError(errno.ENOSPC, "No space left on device"))
        real(target, text, fsync)
    monkeypatch.setattr(fsutil, "write_text", full)
    run = cli("import-pwc", str(path), "--data", str(existing))
    assert run.code == 2 and run.out == "", run.err
    assert re.fullmatch(re.escape(f"leaderboard: cannot write {existing}/") + r"\S+\.(yml|txt)"
                        + re.escape(": No space left on device"), run.err.strip()), run.err
    assert tree(existing) == before and leftovers(existing) == []
    monkeypatch.setattr(fsutil, "write_text", real)
    run = cli("import-pwc", str(path), "--data", str(existing))
    assert run.code == 0, run.err
    after = tree(existing)
    assert {k: v for k, v in after.items() if k in before and k != "sources.yml"} == \
        {k: v for k, v in before.items() if k != "sources.yml"}  # the old files as they were
    assert "tasks/image-classification.yml" in after and "pwc-import-report.txt" in after
    assert "Papers with Code" in after["sources.yml"].decode()
    assert cli("validate", "--data", str(existing)).code == 0


def test_the_current_folder_is_not_swapped_away(cli, tmp_path, existing, monkeypatch):
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive()), encoding="utf-8")
    before = tree(existing)
    run = cli("import-pwc", str(path), "--data", ".", cwd=existing)
    assert run.code == 1 and "is the current folder or holds it" in run.err
    assert tree(existing) == before


@pytest.mark.slow
def test_on_a_full_disk_the_import_is_one_line_and_the_folder_stays(cli, tmp_path, existing):
    """A real file system that fills up during the import (a tmpfs; root only)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        data = disk / "data"
        shutil.copytree(existing, data)
        with open(disk / "filler", "wb", buffering=0) as handle:
            for size in (1 << 16, 1 << 12, 1):
                try:
                    while True:
                        handle.write(b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
        os.truncate(disk / "filler", os.path.getsize(disk / "filler") - 12 * 1024)
        # room for about three small files: the import fails midway, not at its first file
        path = tmp_path / "archive.json"
        path.write_text(json.dumps(archive()), encoding="utf-8")
        before = tree(data)
        run = cli("import-pwc", str(path), "--data", str(data))
        assert run.code == 2 and "No space left on device" in run.err and "Traceback" not in run.err
        assert len(run.err.splitlines()) == 1, run.err
        assert tree(data) == before and leftovers(data) == []
        (disk / "filler").unlink()
        assert cli("import-pwc", str(path), "--data", str(data)).code == 0
        assert (data / "tasks" / "image-classification.yml").is_file()
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
