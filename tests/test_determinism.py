"""Two builds of the same data are byte-identical: site, markdown pages, README, exports
and the standalone pages, whatever the hash seed, time zone, locale or the order the file
system lists files in, or the day (the second build lists every folder in reverse, through
tests/determinism/sitecustomize.py, and its data folder is written in reverse order)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DATA, ROOT

REVERSED_LISTINGS = ROOT / "tests" / "determinism"
RUNS = {
    "a": {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8"},
    # MkDocs takes the build's date from SOURCE_DATE_EPOCH when set: here, another day
    "b": {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "POSIX",
          "PYTHONPATH": str(REVERSED_LISTINGS), "SOURCE_DATE_EPOCH": "978307200"},
}


def _copy_in_order(src: Path, dst: Path, reverse: bool) -> None:
    dst.mkdir(parents=True)
    for path in sorted(src.iterdir(), key=lambda p: p.name, reverse=reverse):
        if path.is_dir():
            _copy_in_order(path, dst / path.name, reverse)
        else:
            shutil.copy2(path, dst / path.name)


def _build(out: Path, extra_env: dict[str, str]) -> None:
    data = out.parent / f"data-{out.name}"
    _copy_in_order(DATA, data, reverse="PYTHONPATH" in extra_env)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON"))}
    env.update(extra_env, LEADERBOARD_DATA=str(data), NO_MKDOCS_2_WARNING="1")
    shutil.copy(ROOT / "README.md", out.parent / f"README-{out.name}.md")

    def run(*args: str) -> None:
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, f"{args}: {proc.stderr}"

    run("-m", "mkdocs", "build", "--strict", "-q", "-d", str(out / "site"))
    for task in sorted(p.stem for p in DATA.joinpath("tasks").glob("*.yml")):
        run("-m", "generator", "markdown", task, "--data", str(data),
            "--out", str(out / "markdown" / f"{task}.md"))
    run("-m", "generator", "readme", "--data", str(data), "--readme",
        str(out.parent / f"README-{out.name}.md"))
    shutil.move(out.parent / f"README-{out.name}.md", out / "README.md")
    run("-m", "generator", "export", "--data", str(data), "--format", "all", "--out", str(out / "exports"))
    run("-m", "generator", "pages", "--data", str(data), "--out", str(out / "pages"))


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path):
    for name, env in RUNS.items():
        _build(tmp_path / name, env)
    files = [p for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert len(files) > 300  # the whole site and every output are compared
    diff = subprocess.run(["diff", "-r", str(tmp_path / "a"), str(tmp_path / "b")],
                          capture_output=True, text=True)
    assert diff.returncode == 0 and diff.stdout == "", diff.stdout[:3000]
    commit_date = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip()
    sitemap = (tmp_path / "a" / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<lastmod>") == sitemap.count("<loc>") == \
        sitemap.count(f"<lastmod>{commit_date}</lastmod>")


def test_the_reversed_listing_is_in_effect(tmp_path):
    """The second build really does see folders listed backwards."""
    env = dict(os.environ, PYTHONPATH=str(REVERSED_LISTINGS))
    code = "import os; print(os.listdir(%r)); print([e.name for e in os.scandir(%r)])" % (
        str(DATA / "tasks"), str(DATA / "tasks"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout
    names = sorted(p.name for p in (DATA / "tasks").iterdir())
    assert out.splitlines() == [repr(names[::-1])] * 2
