"""Fixtures shared by the tests: the CLI run in-process, and a scratch copy of data/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DATA, Run

from generator.cli import main


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run the command line in-process from a chosen folder: cli(args, cwd=...)."""
    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's --help and usage errors
            code = exc.code
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)
    return run


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of the bundled data, to break on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
