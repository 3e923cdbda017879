"""Replacing an output folder whole, one writer at a time, without MkDocs (generator.publish)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT

from generator.site import publish
from generator.site.fsutil import Lock, OutputError, write_text
from generator.project.problems import InputError
from generator.site.publish import MARKER, Output, StagedFolder, swap_in


def listing(folder: Path) -> list[str]:
    """Every entry under ``folder``, hidden ones too."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "page.html").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_swap_in_replaces_the_folder_whole_and_removes_the_old_one(tmp_path, atomic):
    target = site(tmp_path / "site", "old")
    (target / "stale.html").write_text("gone", encoding="utf-8")
    staging = site(tmp_path / ".site.building-x", "new")
    swap_in(staging, target, atomic=atomic)
    assert listing(tmp_path) == ["site", "site/index.html", "site/sub", "site/sub/page.html"]
    assert (target / "index.html").read_text(encoding="utf-8") == "new"


def test_swap_in_to_a_new_place_is_one_rename(tmp_path):
    staging = site(tmp_path / ".site.building-x", "new")
    swap_in(staging, tmp_path / "site")
    assert listing(tmp_path) == ["site", "site/index.html", "site/sub", "site/sub/page.html"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_exchange_is_available_here(tmp_path):
    a, b = site(tmp_path / "a", "a"), site(tmp_path / "b", "b")
    assert publish.exchange(a, b)
    assert (a / "index.html").read_text(encoding="utf-8") == "b"


WATCH = textwrap.dedent("""
    import os, sys
    page, stop, ready = sys.argv[1:]
    open(ready, "w").close()
    checks = missing = 0
    while not os.path.exists(stop):
        checks += 1
        if not os.path.isfile(page):
            missing += 1
    print(checks, missing)
""")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_the_site_never_goes_missing_while_it_is_replaced(tmp_path):
    """Another process looks at the page all the time while the site is replaced 100 times."""
    target = site(tmp_path / "site", "0")
    stop, ready = tmp_path / "stop", tmp_path / "ready"
    watcher = subprocess.Popen([sys.executable, "-c", WATCH, str(target / "index.html"), str(stop),
                                str(ready)], stdout=subprocess.PIPE, text=True)
    while not ready.exists():
        time.sleep(0.01)
    for i in range(1, 101):
        output = Output(target)
        folder = output.open()
        (folder / "index.html").write_text(str(i), encoding="utf-8")
        output.publish()
    stop.touch()
    checks, missing = map(int, watcher.communicate(timeout=60)[0].split())
    assert checks > 1000 and missing == 0
    assert (target / "index.html").read_text(encoding="utf-8") == "100"
    assert listing(tmp_path) == ["ready", "site", "site/index.html", "stop"]


def test_a_failed_run_leaves_the_folder_as_it_was_and_nothing_beside_it(tmp_path):
    target = site(tmp_path / "site", "old")
    before = listing(tmp_path)
    output = Output(target)
    folder = output.open()
    (folder / "index.html").write_text("half", encoding="utf-8")
    output.abandon()
    assert listing(tmp_path) == before
    assert (target / "index.html").read_text(encoding="utf-8") == "old"


def test_a_run_removes_what_a_killed_run_left(tmp_path):
    target = site(tmp_path / "site", "old")
    for leftover in (".site.building-abc123", ".site.old-def456"):
        site(tmp_path / leftover, "killed")
    (tmp_path / ".other.building-abc").mkdir()  # another output's: not ours to remove
    output = Output(target)
    output.open()
    output.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.building-abc", "site"]


def test_the_new_folder_gets_the_old_ones_permissions_not_mkdtemps(tmp_path):
    target = tmp_path / "site"
    output = Output(target)
    output.open()
    output.publish()
    assert target.stat().st_mode & 0o777 == 0o777 & ~_umask()
    target.chmod(0o750)
    output = Output(target)
    output.open()
    output.publish()
    assert target.stat().st_mode & 0o777 == 0o750


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_link_to_the_output_keeps_pointing_at_the_new_folder(tmp_path):
    real = tmp_path / "real"
    with StagedFolder(real, "export") as out:
        out.write_text("index.html", "old")
    (tmp_path / "link").symlink_to(real)
    with StagedFolder(tmp_path / "link", "export") as out:
        out.write_text("index.html", "new")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "link" / "index.html").read_text(encoding="utf-8") == "new"


def test_the_lock_makes_a_second_writer_wait_and_tells_it_once(tmp_path):
    target = tmp_path / "site"
    first = Lock(target)
    first.acquire()
    waits: list[str] = []
    got = threading.Event()

    def second() -> None:
        with Lock(target, on_wait=lambda: waits.append("waiting")):
            got.set()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert not got.is_set() and waits == ["waiting"]
    first.release()
    thread.join(10)
    assert got.is_set() and waits == ["waiting"]
    assert list(tmp_path.iterdir()) == []  # the lock file goes with the last holder


def test_a_lock_that_is_not_released_in_time_is_a_clear_error(tmp_path):
    with Lock(tmp_path / "site"):
        with pytest.raises(TimeoutError, match=r"another run is still writing .*site; "
                                               r"gave up after 0.2 s"):
            Lock(tmp_path / "site", timeout=0.2).acquire()


def test_three_writers_take_turns(tmp_path):
    """Each holder checks nobody else is inside: the lock file is removed on release, and
    a waiter that locked the removed file must notice and take the new one."""
    inside, overlaps = [], []

    def writer() -> None:
        for _ in range(30):
            with Lock(tmp_path / "site"):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(1)
                time.sleep(0.001)
                inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert overlaps == [] and list(tmp_path.iterdir()) == []


def test_staged_folder_refuses_a_folder_it_did_not_write(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not replacing this folder: it is not empty and was not "
                                         "written by 'export'"):
        with StagedFolder(mine, "export") as out:
            out.write_text("a.json", "{}")
    assert listing(tmp_path) == ["mine", "mine/notes.txt"]


def test_staged_folder_replaces_what_it_wrote_and_an_empty_folder(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with StagedFolder(out_dir, "export") as out:
        out.write_text("task/a.json", "1")
    with StagedFolder(out_dir, "export") as out:
        out.write_text("task/b.json", "2")
    assert listing(tmp_path) == ["out", f"out/{MARKER}", "out/task", "out/task/b.json"]


def test_staged_folder_refuses_the_current_folder_and_its_parents(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for out in (".", "..", str(tmp_path)):
        with pytest.raises(InputError, match="is the current folder or holds it"):
            with StagedFolder(Path(out), "export"):
                pass
    assert listing(tmp_path) == ["work"]


def test_an_error_inside_the_block_leaves_the_old_output(tmp_path):
    out_dir = tmp_path / "out"
    with StagedFolder(out_dir, "export") as out:
        out.write_text("a.json", "old")
    before = {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()}
    with pytest.raises(RuntimeError):
        with StagedFolder(out_dir, "export") as out:
            out.write_text("a.json", "new")
            raise RuntimeError("midway")
    assert {p: p.read_bytes() for p in out_dir.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_errors_name_the_output_not_the_staging_folder(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(OutputError) as caught:
        with StagedFolder(tmp_path / "out", "export") as out:
            out.write_text("a.json", "1")
            out.write_text("a.json/b.json", "2")  # a.json is a file: cannot be a folder
    assert str(caught.value) == f"cannot write {tmp_path}/out/a.json/b.json: File exists"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


KILLED = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from generator.site import fsutil, publish
    where = Path(sys.argv[1])
    real_replace = os.replace
    os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed just before the rename
    if sys.argv[2] == "file":
        fsutil.write_text(where / "README.md", "new")
    else:
        with publish.StagedFolder(where / "out", "export") as out:
            out.write_text("task/a.json", "new")
            os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_what_a_killed_writer_leaves_is_ignored_by_git_and_cleared_by_the_next_run(tmp_path, what):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_bytes((ROOT / ".gitignore").read_bytes())
    (repo / "README.md").write_text("old", encoding="utf-8")
    with StagedFolder(repo / "out", "export") as out:
        out.write_text("task/a.json", "old")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "outputs"], check=True)
    proc = subprocess.run([sys.executable, "-c", KILLED, str(repo), what], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == -9
    left = [p.name for p in repo.iterdir() if p.name.startswith(".") and p.name not in
            (".git", ".gitignore")]
    assert left, "the kill should have left something behind"
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain",
                             "--untracked-files=all"], capture_output=True, text=True).stdout
    assert status == ""  # untouched outputs, and every leftover is ignored
    assert (repo / "README.md").read_text(encoding="utf-8") == "old"
    assert (repo / "out" / "task" / "a.json").read_text(encoding="utf-8") == "old"
    if what == "folder":
        with StagedFolder(repo / "out", "export") as out:
            out.write_text("task/a.json", "new")
        assert sorted(p.name for p in repo.iterdir()) == [".git", ".gitignore", "README.md", "out"]
    else:
        write_text(repo / "README.md", "new")  # the .tmp left by the killed write stays, ignored
        assert (repo / "README.md").read_text(encoding="utf-8") == "new"
