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

from generator import loader

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
