"""Building a site with Zensical, the second builder: it reads mkdocs.yml but runs no hooks
or MkDocs plugins, so it builds from docs/ overlaid with `python -m generator pages --out`
and a copy of mkdocs.yml without the leaderboards plugin (and the hook it replaces).  Used by
`bench --zensical` and tests/test_zensical.py."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path


def builder_config(text: str) -> str:
    """mkdocs.yml without what only MkDocs runs: the ``hooks:`` block and the
    ``leaderboards`` plugin entry (with its options); everything else as written."""
    out, skipping = [], None
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        if skipping is not None:
            if line.strip() and indent > skipping:
                continue
            skipping = None
        if re.match(r"hooks:\s*$", line):
            skipping = 0
            continue
        if re.match(r"\s*- leaderboards\b", line):
            skipping = indent
            continue
        out.append(line)
    return "".join(out)


def command() -> list[str]:
    found = shutil.which("zensical") or shutil.which("zensical", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "zensical"]


def build(data: Path, root: Path, work: Path) -> dict:
    """Zensical's build of ``data``'s site (``root``: the folder of mkdocs.yml and docs/) in
    ``work``: {"seconds", "ok", "pages", "message"} (its last line when it fails)."""
    docs = work / "docs"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(root / "docs", docs)
    start = time.perf_counter()
    pages = subprocess.run([sys.executable, "-m", "generator", "pages", "--data", str(data),
                            "--docs", str(root / "docs"), "--out", str(work / "generated")],
                           cwd=root, capture_output=True, text=True, timeout=3600)
    if pages.returncode:
        return {"seconds": time.perf_counter() - start, "ok": False, "pages": 0,
                "message": (pages.stderr.strip().splitlines() or ["pages failed"])[-1]}
    shutil.copytree(work / "generated", docs, dirs_exist_ok=True)
    (work / "mkdocs.yml").write_text(builder_config((root / "mkdocs.yml").read_text(
        encoding="utf-8")), encoding="utf-8")
    run = subprocess.run([*command(), "build", "-f", "mkdocs.yml"], cwd=work,
                         capture_output=True, text=True, timeout=3600)
    lines = (run.stdout + run.stderr).strip().splitlines() or [""]
    site = work / "site"
    return {"seconds": time.perf_counter() - start, "ok": run.returncode == 0,
            "pages": sum(1 for _ in site.rglob("index.html")) if site.is_dir() else 0,
            "message": lines[-1][:300]}
