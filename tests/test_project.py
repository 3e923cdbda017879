"""The project's promises to a new user: the README's two commands, and CI running them."""
from __future__ import annotations

import re

from helpers import ROOT


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)


def test_readme_has_exactly_two_setup_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    build, test = commands
    assert "pip install" in build and "mkdocs build --strict" in build
    assert "apt-get install -y chromium" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_and_nothing_looser():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [l for l in script.splitlines() if l.strip() and not l.startswith("#")]
    assert lines[-1] == _readme_commands()[1]
    assert "set -euo pipefail" in lines
