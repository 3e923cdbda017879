"""`mkdocs serve`'s rebuilds (generator/plugin.py with the file cache and the page cache):
after each edit of the data, the site a rebuild writes is the site a clean `mkdocs build`
of the same data writes, file for file."""
from __future__ import annotations

import filecmp
import os
import random
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT
from test_rebuild import EDITS

pytestmark = pytest.mark.slow


def _tree(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _differences(built, clean):
    a, b = _tree(built), _tree(clean)
    out = [f"only in the rebuild: {p}" for p in sorted(set(a) - set(b))]
    out += [f"only in the clean build: {p}" for p in sorted(set(b) - set(a))]
    out += [f"differs: {p}" for p in sorted(set(a) & set(b))
            if not filecmp.cmp(built / p, clean / p, shallow=False)]
    return out


def test_each_rebuild_writes_the_site_a_clean_build_writes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    env = dict(os.environ, LEADERBOARD_DATA=str(data), NO_MKDOCS_2_WARNING="1",
               SITE_URL="http://127.0.0.1:8000/")
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "serve_rebuilds.py"),
                               str(ROOT / "mkdocs.yml"), str(tmp_path / "serve")],
                              cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    rng = random.Random(3)
    rebuilt = []
    try:
        for step in range(5):
            if step:
                edit = rng.choice(EDITS)
                edit(data, rng)
            if step == 2:  # a mistake first: the build fails, the next one starts from it
                task = sorted((data / "tasks").glob("*.yml"))[0]
                good = task.read_text(encoding="utf-8")
                task.write_text(good + "\nleaderboards: [\n", encoding="utf-8")
                server.stdin.write(f"{tmp_path / 'failed'}\n")
                server.stdin.flush()
                assert server.stdout.readline().startswith("failed")
                task.write_text(good, encoding="utf-8")
            built = tmp_path / f"rebuild-{step}"
            server.stdin.write(f"{built}\n")
            server.stdin.flush()
            answer = server.stdout.readline()
            assert answer.startswith("built"), answer
            _, _, changed, reused, rendered, pages, converted = answer.split()
            if step:  # a rebuild: only what the edit touched was read, rendered, converted
                assert int(changed) <= 3 and int(reused) >= 12, answer
                assert int(rendered) < int(pages) and int(converted) < int(pages), answer
                # MkDocs converts again only the pages the edit changed (a task page, an
                # index or two), not every page it handles
                assert int(converted) <= 7, answer
                rebuilt.append((int(rendered), int(converted), int(pages)))
            clean = tmp_path / f"clean-{step}"
            proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(clean)],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            found = _differences(built, clean)
            assert not found, f"step {step}: {found[:10]}"
    finally:
        server.stdin.close()
        server.wait(timeout=60)
    assert len(rebuilt) == 4


def test_a_rebuild_refuses_a_link_out_of_the_data_folder_as_a_clean_build_does(tmp_path):
    """What a clean build and `validate` refuse, `mkdocs serve` refuses on its next rebuild:
    a data file replaced by a symbolic link to a file outside the data folder (the file
    cache must not hand back what it read through the old name)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    env = dict(os.environ, LEADERBOARD_DATA=str(data), NO_MKDOCS_2_WARNING="1",
               SITE_URL="http://127.0.0.1:8000/")
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "serve_rebuilds.py"),
                               str(ROOT / "mkdocs.yml"), str(tmp_path / "serve")],
                              cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)

    def build(name: str) -> str:
        server.stdin.write(f"{tmp_path / name}\n")
        server.stdin.flush()
        return server.stdout.readline()

    task = data / "tasks" / "depth_estimation.yml"
    outside = tmp_path / "outside.yml"
    try:
        assert build("first").startswith("built")
        outside.write_text(task.read_text(encoding="utf-8").replace(
            "title: ", "title: Linked ", 1), encoding="utf-8")
        task.unlink()
        task.symlink_to(outside)
        assert build("linked").startswith("failed")
        (data / "tasks" / "another.yml").symlink_to(outside)
        assert build("new-link").startswith("failed")
        clean = subprocess.run([sys.executable, "-m", "generator", "validate", "--data", str(data)],
                               cwd=ROOT, capture_output=True, text=True)
        assert clean.returncode == 1 and "symbolic link points outside the data folder" in clean.stderr
        (data / "tasks" / "another.yml").unlink()
        task.unlink()
        shutil.copy(ROOT / "data" / "tasks" / "depth_estimation.yml", task)
        assert build("restored").startswith("built")
        assert not (tmp_path / "restored" / "tasks" / "another").exists()
        assert "Linked" not in (tmp_path / "restored" / "tasks" / "depth_estimation" /
                                "index.html").read_text(encoding="utf-8")
    finally:
        server.stdin.close()
        server.wait(timeout=60)
