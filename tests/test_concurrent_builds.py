"""Runs writing the same output take turns: two `mkdocs build -d OUT` at once leave OUT exactly
as one build does, and so do several `export`s; two `add`s to one file both land."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DATA, ROOT

from generator.site.fsutil import Lock

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in sorted(folder.rglob("*"))}


def start(args: list[str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    handle = open(log, "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=ENV, stdout=handle,
                            stderr=subprocess.STDOUT)
    handle.close()
    return proc


def build(site: Path, log: Path) -> subprocess.Popen:
    return start(["-m", "mkdocs", "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)], log)


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> dict[str, str]:
    """What one build writes."""
    folder = tmp_path_factory.mktemp("single")
    proc = build(folder / "site", folder / "log")
    assert proc.wait(300) == 0, (folder / "log").read_text()
    return tree(folder / "site")


@pytest.mark.slow
def test_two_builds_started_together_leave_the_site_of_one(tmp_path, single):
    site = tmp_path / "site"
    procs = [build(site, tmp_path / f"log{i}") for i in range(2)]
    codes = [proc.wait(300) for proc in procs]
    assert codes == [0, 0], [(tmp_path / f"log{i}").read_text() for i in range(2)]
    assert tree(site) == single and len(single) > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log0", "log1", "site"]


@pytest.mark.slow
def test_a_build_waits_for_the_one_before_and_says_so_once(tmp_path, single):
    """Both builds start while the site's lock is held, so both must wait."""
    site = tmp_path / "site"
    logs = [tmp_path / f"log{i}" for i in range(2)]
    with Lock(site):
        procs = [build(site, log) for log in logs]
        deadline = time.monotonic() + 120
        while not all("Waiting for another build" in log.read_text() for log in logs):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
                [log.read_text() for log in logs]
            time.sleep(0.05)
        assert not site.exists()
    assert [proc.wait(300) for proc in procs] == [0, 0]
    for log in logs:
        assert log.read_text().count(f"Waiting for another build of {site} to finish") == 1
    assert tree(site) == single
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log0", "log1", "site"]


@pytest.mark.slow
def test_exports_at_once_leave_the_output_of_one(tmp_path):
    out = tmp_path / "out"
    args = ["-m", "generator", "export", "--data", str(DATA), "--format", "all", "--out", str(out)]
    first = start(args, tmp_path / "log")
    assert first.wait(120) == 0
    single = tree(out)
    procs = [start(args, tmp_path / f"log{i}") for i in range(4)]
    assert [proc.wait(120) for proc in procs] == [0] * 4
    assert tree(out) == single
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["log", "log0", "log1", "log2", "log3", "out"]


@pytest.mark.slow
def test_two_adds_to_one_file_at_once_both_land(tmp_path, data_copy):
    procs = [start(["-m", "generator", "add", "--data", str(data_copy), "--task",
                    "semantic_segmentation", "--leaderboard", "pascal-voc-2012-validation-set",
                    "--model", f"Net{i}", "--value", f"Score=8{i}.5"], tmp_path / f"log{i}")
             for i in range(4)]
    assert [proc.wait(120) for proc in procs] == [0] * 4
    text = (data_copy / "tasks" / "semantic_segmentation.yml").read_text(encoding="utf-8")
    assert all(f"  - model: Net{i}\n    values: {{Score: 8{i}.5}}\n" in text for i in range(4))
    assert sorted(p.name for p in (data_copy / "tasks").iterdir()) == \
        sorted(p.name for p in (DATA / "tasks").iterdir())  # no lock or temporary file left
