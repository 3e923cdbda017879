"""Helpers shared by the tests: the repository's paths, the CLI, HTML comparison."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# Copies of the reference material the tests read, each folder with its licence and source
# (tests/fixtures/*/README.md); no test reads anything outside the repository.
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "seed" / "semantic_segmentation.md"
SOTA_CV = FIXTURES / "sota-cv"
PWC_SLICE = FIXTURES / "pwc-slice" / "evaluation-tables.json"
PWC_AREAS = FIXTURES / "pwc-areas" / "evaluation-tables.json"

@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """Lines of stderr that are file:line:col errors (warnings left out)."""
        return [l for l in self.err.splitlines()
                if re.match(r"^[^:]+:\d+:\d+: (?!warning: )", l)]


def run_module(*args: str, cwd: Path = ROOT) -> Run:
    """Run ``python -m generator`` as a separate process, as a user would."""
    proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr)


_MD = MarkdownIt("commonmark").enable("table")


def html(markdown: str, alignment: bool = True) -> str:
    """CommonMark + GFM tables, with whitespace inside table cells folded
    (and column alignment dropped when ``alignment`` is False)."""
    out = _MD.render(markdown)
    if not alignment:
        out = re.sub(r' style="text-align:(left|center|right)"', "", out)
    return re.sub(r"(<t[hd][^>]*>)(.*?)(</t[hd]>)",
                  lambda m: m[1] + " ".join(m[2].split()) + m[3], out, flags=re.S)


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first occurrence of ``old`` in a file; return its 1-based line."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1
