"""A disk that refuses (read-only, full, a path through a file) is one line and exit 2 for the
commands, one error line and exit 1 for MkDocs (which decides its exit code), never a
traceback; every previous output stays as it was and no temporary file is left.

The read-only and full places are real: tmpfs mounts (root only; skipped with the reason
otherwise).  A read-only place is a tmpfs filled and then remounted read-only, or, where
that remount is refused, a read-only bind mount of a filled folder.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from helpers import DATA, ROOT, run_module

TASK = "semantic_segmentation"
VOC = "pascal-voc-2012-validation-set"


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too), files with a hash."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in sorted(folder.rglob("*"))}


def _mount(*args: str) -> str | None:
    """None if it worked, else why not."""
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    return None if proc.returncode == 0 else (proc.stderr.strip() or f"exit {proc.returncode}")


@pytest.fixture
def place(tmp_path):
    """``place(name, size, fill, read_only)``: a tmpfs at tmp_path/name, filled by ``fill``."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mounted: list[Path] = []

    def make(name: str, size: str, fill: Callable[[Path], None], read_only: bool = False) -> Path:
        where = tmp_path / name
        where.mkdir()
        source = tmp_path / f"{name}-source"
        if read_only:  # fill a folder first, for the bind mount should the remount be refused
            source.mkdir()
            fill(source)
        why = _mount("-t", "tmpfs", "-o", f"size={size},mode=755", "tmpfs", str(where))
        if why:
            pytest.skip(f"cannot mount a tmpfs here: {why}")
        mounted.append(where)
        if not read_only:
            fill(where)
            return where
        shutil.copytree(source, where, dirs_exist_ok=True, symlinks=True)
        if _mount("-o", "remount,ro", str(where)):
            subprocess.run(["umount", str(where)], check=True)
            mounted.pop()
            why = _mount("--bind", "-o", "ro", str(source), str(where))
            if why:
                pytest.skip(f"cannot make a read-only place: remount and bind mount refused: {why}")
            mounted.append(where)
        try:
            (where / ".probe").touch()
        except OSError as exc:
            assert exc.errno == errno.EROFS
        else:
            pytest.skip("the read-only mount is writable")
        return where

    yield make
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_up(folder: Path) -> None:
    """Use every free byte of the file system ``folder`` is on."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC


def project(folder: Path) -> None:
    """A checkout's outputs: data, a stale README, and earlier export, pages and markdown."""
    shutil.copytree(DATA, folder / "data")
    assert run_module("export", "--format", "all", "--out", "out", cwd=folder).code == 0
    assert run_module("pages", "--out", "pages", cwd=folder).code == 0
    assert run_module("markdown", TASK, "--out", "page.md", cwd=folder).code == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (folder / "README.md").write_text(readme.replace("| Task ", "| Stale ", 1), encoding="utf-8")


COMMANDS = {
    "readme": (["readme"], "README.md"),
    "export": (["export", "--format", "all", "--out", "out"], "out"),
    "pages": (["pages", "--out", "pages"], "pages"),
    "markdown": (["markdown", TASK, "--out", "page.md"], "page.md"),
    "add": (["add", "--task", TASK, "--leaderboard", VOC, "--model", "NewNet",
             "--value", "Score=89.1"], f"data/tasks/{TASK}.yml"),
}


def one_line(run, pattern: str) -> None:
    assert run.code == 2, run.err
    assert "Traceback" not in run.err and run.out == ""
    assert len(run.err.splitlines()) == 1 and re.fullmatch(pattern, run.err.rstrip("\n")), run.err


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_on_a_read_only_copy_each_command_is_one_line(place, command):
    ro = place("ro", "8m", project, read_only=True)
    args, path = COMMANDS[command]
    run = run_module(*args, cwd=ro)
    one_line(run, re.escape(f"leaderboard: cannot write {path}: Read-only file system"))
    assert run_module("validate", cwd=ro).code == 0  # reading it is fine


@pytest.mark.slow
def test_a_folder_that_cannot_be_made_on_a_read_only_place(place):
    ro = place("ro", "8m", project, read_only=True)
    run = run_module("markdown", TASK, "--out", "new/deeper/page.md", cwd=ro)
    one_line(run, re.escape("leaderboard: cannot create folder new: Read-only file system"))
    run = run_module("export", "--format", "csv", "--out", "new/out", cwd=ro)
    one_line(run, re.escape("leaderboard: cannot create folder new: Read-only file system"))


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_on_a_full_disk_each_command_is_one_line_and_keeps_the_old_output(place, command):
    disk = place("full", "3m", project)
    fill_up(disk)
    before = tree(disk)
    args, path = COMMANDS[command]
    run = run_module(*args, cwd=disk)
    written = re.escape(path) + (r"/\S+" if command in ("export", "pages") else "")
    one_line(run, f"leaderboard: cannot write {written}: No space left on device")
    assert tree(disk) == before  # old outputs byte for byte, and no temporary file


def test_a_path_through_a_file_is_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("a file", encoding="utf-8")
    run = run_module("markdown", TASK, "--data", str(DATA), "--out", "notes.txt/page.md",
                     cwd=tmp_path)
    one_line(run, re.escape("leaderboard: cannot create folder notes.txt: File exists"))
    run = run_module("export", "--data", str(DATA), "--format", "csv", "--out", "notes.txt",
                     cwd=tmp_path)
    assert (run.code, run.err) == (1, "notes.txt: --out must be a folder, and this is a file\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def mkdocs(site: Path):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))


def built(folder: Path) -> None:
    assert mkdocs(folder / "site").returncode == 0


def mkdocs_error(run, pattern: str) -> None:
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [l for l in run.stderr.splitlines() if l.startswith("ERROR")]
    assert len(errors) == 1 and re.fullmatch(r"ERROR\s+-\s+" + pattern, errors[0]), run.stderr
    assert "Aborted with a BuildError!" in run.stdout + run.stderr


@pytest.mark.slow
def test_mkdocs_build_into_a_read_only_place(place):
    ro = place("ro", "16m", built, read_only=True)
    before = tree(ro)
    run = mkdocs(ro / "site")
    mkdocs_error(run, re.escape(f"cannot write {ro}/site: Read-only file system"))
    assert tree(ro) == before


@pytest.mark.slow
def test_mkdocs_build_on_a_full_disk_keeps_the_old_site(place):
    disk = place("full", "8m", built)
    fill_up(disk)
    before = tree(disk)
    run = mkdocs(disk / "site")
    mkdocs_error(run, re.escape(f"cannot write {disk}/site/") + r"\S+: No space left on device")
    assert tree(disk) == before  # the old site whole, and no staging folder or lock left
