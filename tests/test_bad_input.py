"""The bad-input corpus (tests/bad_input/): every case gives exactly one error, naming the
file, line and column, and exit 1.

* ``tasks/*.yml``, ``datasets/*.yml``: a data file wrong in one way, dropped into a copy of
  the valid ``base/`` data; its first line says the error it must give:
  ``# error: LINE:COL: message``;
* ``sources/*.yml``: the same, as ``data/sources.yml``;
* ``pages/*.md``: markdown pages the importer must refuse, with the error each must give
  in ``pages/errors.txt``;
* below them, the cases a file cannot hold: a 50 MB file, bytes that are not UTF-8, a BOM,
  an empty file, links out of ``data/``, file names that are not ids.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from helpers import ROOT

from generator.project import loader

CORPUS = ROOT / "tests" / "bad_input"
BASE = CORPUS / "base"
YAML_CASES = sorted(p.relative_to(CORPUS) for kind in ("tasks", "datasets", "sources")
                    for p in (CORPUS / kind).glob("*.yml"))
PAGE_ERRORS = dict(line.split(":", 1) for line in
                   (CORPUS / "pages" / "errors.txt").read_text(encoding="utf-8").splitlines()
                   if line and not line.startswith("#"))


def test_the_corpus_is_big_enough():
    assert len(YAML_CASES) + len(PAGE_ERRORS) >= 40
    assert sorted(PAGE_ERRORS) == sorted(p.name for p in (CORPUS / "pages").glob("*.md"))


def _base_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    return data


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _only_error(run) -> str:
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    errors = [line for line in run.err.splitlines() if line.startswith(("data/", "error:"))
              or ".md:" in line]
    assert len(errors) == 1, run.err
    return errors[0]


@pytest.mark.parametrize("case", YAML_CASES, ids=str)
def test_data_file_case(cli, tmp_path, case):
    text = (CORPUS / case).read_text(encoding="utf-8")
    expected = text.splitlines()[0].removeprefix("# error: ")
    data = _base_copy(tmp_path)
    target = Path("sources.yml") if case.parts[0] == "sources" else case
    (data / target).write_text(text, encoding="utf-8")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == f"data/{target}:{expected}"


@pytest.mark.parametrize("page", sorted(PAGE_ERRORS), ids=str)
def test_page_case_is_refused_and_nothing_is_written(cli, tmp_path, page):
    data = _base_copy(tmp_path)
    shutil.copy(CORPUS / "pages" / page, tmp_path / page)
    before = _tree(data)
    run = cli("import", page, "--data", "data", cwd=tmp_path)
    assert _only_error(run) == f"{page}:{PAGE_ERRORS[page]}"
    assert _tree(data) == before


def _validate_one(cli, tmp_path, name: str, content: bytes) -> str:
    data = _base_copy(tmp_path)
    (data / "tasks" / name).write_bytes(content)
    return _only_error(cli("validate", "--data", "data", cwd=tmp_path))


def test_a_50_mb_file_is_refused_unread(cli, tmp_path):
    content = b"title: Big\nleaderboards: []\n" + b"# padding\n" * (5 * 1024 * 1024)
    assert len(content) > 50 * 1024 * 1024
    assert _validate_one(cli, tmp_path, "big.yml", content) == \
        f"data/tasks/big.yml:1:1: file is larger than {loader.MAX_FILE_BYTES // 2**20} MiB"


def test_bytes_that_are_not_utf8(cli, tmp_path):
    content = "title: Case\nleaderboards: []\ndescription: caf".encode() + b"\xe9 cr\xe8me\n"
    assert _validate_one(cli, tmp_path, "latin1.yml", content) == \
        "data/tasks/latin1.yml:3:17: file is not valid UTF-8"


def test_a_bom_is_read_past_and_positions_are_not_shifted(cli, tmp_path):
    content = "\ufefftitle: Case <b>bold</b>\nleaderboards: []\n".encode()
    assert _validate_one(cli, tmp_path, "bom.yml", content) == \
        "data/tasks/bom.yml:1:8: 'title' must be plain text, not HTML: '<b>' (it would be shown as text)"
    data = tmp_path / "data"
    (data / "tasks" / "bom.yml").write_bytes("\ufefftitle: Case\nleaderboards: []\n".encode())
    assert cli("validate", "--data", "data", cwd=tmp_path).code == 0


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only a comment\n"], ids=["empty", "blank", "comment"])
def test_an_empty_file(cli, tmp_path, content):
    assert _validate_one(cli, tmp_path, "empty.yml", content) == "data/tasks/empty.yml:1:1: file is empty"


def test_a_symlink_out_of_data_is_not_followed(cli, tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text("title: Secret\nleaderboards: []\n", encoding="utf-8")
    data = _base_copy(tmp_path)
    os.symlink(secret, data / "tasks" / "leak.yml")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == "data/tasks/leak.yml:1:1: symbolic link points outside the data folder"


def test_a_linked_folder_out_of_data_is_not_followed(cli, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "leak.yml").write_text("name: Leak\n", encoding="utf-8")
    data = _base_copy(tmp_path)
    shutil.rmtree(data / "datasets")
    os.symlink(outside, data / "datasets")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert run.code == 1
    assert "data/datasets/leak.yml:1:1: symbolic link points outside the data folder" in run.err


def test_a_symlinked_sources_file_out_of_data(cli, tmp_path):
    data = _base_copy(tmp_path)
    (data / "sources.yml").unlink()
    os.symlink("/etc/hostname", data / "sources.yml")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == "data/sources.yml:1:1: symbolic link points outside the data folder"


@pytest.mark.parametrize("name", ["...yml", "a\\b.yml", "Bad Name.yml", "-lead.yml", "x..y.yml"])
def test_a_file_name_that_is_not_an_id(cli, tmp_path, name):
    assert _validate_one(cli, tmp_path, name, b"title: X\nleaderboards: []\n") == (
        f"data/tasks/{name}:1:1: file name '{name}' is not a valid id: use lowercase letters, "
        "digits and single '-', '_' or '.' between them")


def test_two_files_with_one_id(cli, tmp_path):
    data = _base_copy(tmp_path)
    shutil.copy(data / "tasks" / "base.yml", data / "tasks" / "base.yaml")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == "data/tasks/base.yml:1:1: duplicate task id 'base': base.yaml has the same id"


def test_a_page_that_is_not_utf8(cli, tmp_path):
    _base_copy(tmp_path)
    (tmp_path / "page.md").write_bytes(b"# Title\n\n## Results caf\xe9\n")
    run = cli("import", "page.md", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == "page.md:3: file is not valid UTF-8"


@pytest.mark.parametrize("levels", [100_000, 1_200, 950, loader.MAX_DEPTH + 1])
def test_a_list_nested_100000_deep_is_an_error_not_a_crash(cli, tmp_path, levels):
    """libyaml's composer recurses in C: about 24,000 levels used to kill the process; from
    PyYAML 6.0.4 libyaml stops at 1,000 levels with its own words.  Whichever PyYAML is
    installed: one error, this program's, on the line and inside the value that nests too
    deep, exit 1, and nothing written."""
    content = ("title: X\nleaderboards: []\nnotes: " + "[" * levels + "]" * levels + "\n").encode()
    data = _base_copy(tmp_path)
    (data / "tasks" / "deep.yml").write_bytes(content)
    before = _tree(tmp_path)
    line = _only_error(cli("validate", "--data", "data", cwd=tmp_path))
    where, _, message = line.partition(": ")
    file, row, col = where.rsplit(":", 2)
    assert (file, row) == ("data/tasks/deep.yml", "3")
    assert len("notes: ") < int(col) <= len("notes: ") + levels  # at a bracket of the value
    assert "nest" in message and f"{loader.MAX_DEPTH} levels" in message, message
    assert _tree(tmp_path) == before


def test_bad_utf8_after_wide_characters_is_placed_by_character(cli, tmp_path):
    content = "title: X\nleaderboards: []\ndescription: 日本語 ".encode() + b"\xff\n"
    assert _validate_one(cli, tmp_path, "wide.yml", content) == \
        "data/tasks/wide.yml:3:18: file is not valid UTF-8"


@pytest.mark.parametrize("name", ["upper.YML", "mixed.Yaml"])
def test_an_extension_in_capitals_is_refused_not_skipped(cli, tmp_path, name):
    suffix = name.split(".")[1]
    assert _validate_one(cli, tmp_path, name, b"title: X\nleaderboards: []\n") == (
        f"data/tasks/{name}:1:1: file name '{name}' must end in lowercase '.{suffix.lower()}' "
        "to be read")


def test_an_id_too_long_for_file_names(cli, tmp_path):
    name = "a" * 101 + ".yml"
    assert _validate_one(cli, tmp_path, name, b"title: X\nleaderboards: []\n") == (
        f"data/tasks/{name}:1:1: file name '{name}' is too long: an id has at most 100 "
        "characters (it names files and addresses)")


def test_a_fifo_is_refused_without_waiting_for_it(cli, tmp_path):
    data = _base_copy(tmp_path)
    os.mkfifo(data / "tasks" / "pipe.yml")  # reading it would block forever
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == \
        "data/tasks/pipe.yml:1:1: 'pipe.yml' is not a regular file; a data file must be a plain file"


def test_a_fifo_as_sources_file(cli, tmp_path):
    data = _base_copy(tmp_path)
    (data / "sources.yml").unlink()
    os.mkfifo(data / "sources.yml")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == \
        "data/sources.yml:1:1: 'sources.yml' is not a regular file; a data file must be a plain file"


def test_a_symlink_loop_is_an_error(cli, tmp_path):
    data = _base_copy(tmp_path)
    os.symlink("loop-b.yml", data / "tasks" / "loop-a.yml")
    os.symlink("loop-a.yml", data / "tasks" / "loop-b.yml")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err
    assert "data/tasks/loop-a.yml:1:1: cannot read it: a symbolic link loop" in run.err.splitlines()
    assert "data/tasks/loop-b.yml:1:1: cannot read it: a symbolic link loop" in run.err.splitlines()


def test_a_folder_named_like_a_data_file(cli, tmp_path):
    data = _base_copy(tmp_path)
    (data / "tasks" / "folder.yml").mkdir()
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert _only_error(run) == \
        "data/tasks/folder.yml:1:1: 'folder.yml' is a folder; a data file must be a plain file"


def test_a_data_folder_without_tasks(cli, tmp_path):
    data = _base_copy(tmp_path)
    shutil.rmtree(data / "tasks")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.splitlines() == ["data: no tasks/ folder: a data folder holds tasks/ (one file "
                                    "per task) and datasets/; is this the right folder?"]


def test_other_files_are_named_not_skipped_silently(cli, tmp_path):
    data = _base_copy(tmp_path)
    (data / "tasks" / "notes.txt").write_text("not data\n", encoding="utf-8")
    (data / "tasks" / ".gitkeep").write_text("", encoding="utf-8")
    run = cli("validate", "--data", "data", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        "data/tasks/notes.txt: warning: not read: only .yml and .yaml files in tasks/ are data files"]
