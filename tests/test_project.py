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


def test_both_setup_commands_install_the_pinned_versions_inside_the_declared_ranges():
    """A new clone installs what CI installs: constraints.txt pins an exact version of every
    package pyproject.toml asks for (inside its range), and both commands use it."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    for command in _readme_commands():
        assert "pip install -c constraints.txt -e " in command, command
    for workflow in ("ci.yml", "pages.yml"):  # the checks and the deploy install the same
        text = (ROOT / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
        installs = [l for l in text.splitlines() if "pip install" in l and "-e " in l]
        assert installs and all("-c constraints.txt" in l for l in installs), (workflow, installs)
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pin = Requirement(line)
            (spec,) = pin.specifier
            assert spec.operator == "==" and "*" not in spec.version, line
            pins[canonicalize_name(pin.name)] = spec.version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in
              project["dependencies"] + project["optional-dependencies"]["test"]]
    for requirement in wanted:
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} has no pin in constraints.txt"
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
