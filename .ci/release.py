#!/usr/bin/env python3
"""The release's checks, one definition for .github/workflows/release.yml and the tests
(tests/test_release.py). Standard library only: it runs before anything is installed.

    python .ci/release.py notes VERSION        the CHANGELOG.md section of VERSION (release notes)
    python .ci/release.py check-tag TAG        TAG is v + pyproject's version, with a dated entry
    python .ci/release.py check-dist DIR       DIR's sdist and wheel: names, metadata, files
    python .ci/release.py smoke DIR            DIR's wheel in fresh virtualenvs: --version, init,
                                               the new site's requirements.txt and a strict build

Each prints what it found wrong and exits 1, or exits 0.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = "leaderboard-generator"
# "## [0.1.0] - 2026-12-06" (Keep a Changelog); "## 0.1.0 - ..." and "## [0.1.0]" read too
HEADING = re.compile(r"^## \[?(?P<version>[^\]\s]+)\]?(?:\s+-\s+(?P<date>\S+))?\s*$")


class Failed(Exception):
    """What is wrong, one line each."""


def project_version(root: Path = ROOT) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def sections(changelog: str) -> dict[str, tuple[str | None, str]]:
    """{version: (date, body)} of every ``## `` section; the body without its heading, and
    without the link definitions Keep a Changelog puts at the end of the file."""
    found: dict[str, tuple[str | None, str]] = {}
    current, date, lines = None, None, []

    def close():
        if current is not None:
            found[current] = (date, "\n".join(lines).strip() + "\n")

    for line in changelog.splitlines():
        match = HEADING.match(line)
        if match:
            close()
            current, date, lines = match["version"], match["date"], []
        elif line.startswith("## "):
            raise Failed(f"CHANGELOG.md: a section heading I cannot read: {line!r}")
        elif current is not None and not re.match(r"^\[[^\]]+\]: \S+", line):
            lines.append(line)
    close()
    return found


def notes(version: str, changelog: str) -> str:
    """The release notes of ``version``: its changelog section's body."""
    entry = sections(changelog).get(version.removeprefix("v"))
    if entry is None:
        raise Failed(f"CHANGELOG.md has no section '## [{version.removeprefix('v')}] - DATE'")
    if not entry[1].strip():
        raise Failed(f"CHANGELOG.md: the section of {version} is empty")
    return entry[1]


def check_tag(tag: str, root: Path = ROOT) -> str:
    version = project_version(root)
    if tag != f"v{version}":
        raise Failed(f"the tag {tag} is not v + pyproject.toml's version ({version}): tag "
                     f"v{version}, or change the version in pyproject.toml first")
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    notes(version, changelog)
    date = sections(changelog)[version][0]
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise Failed(f"CHANGELOG.md: the section of {version} needs its date: "
                     f"'## [{version}] - YYYY-MM-DD'")
    return version


def wheel_expected(root: Path = ROOT) -> set[str]:
    """The files the wheel must hold, from the checkout: every module, the templates, the
    schemas, the tables' script and styles, the issue form and init's skeleton."""
    names = {p.relative_to(root).as_posix() for p in (root / "generator").rglob("*.py")
             if "__pycache__" not in p.parts}
    names |= {f"generator/templates/{p.name}" for p in (root / "templates").glob("*.j2")}
    names |= {f"generator/assets/{p.name}" for p in (root / "docs" / "assets").iterdir()
              if p.suffix in (".js", ".css")}  # not the docs' screenshots
    for folder, pattern in (("schema", "*.json"), ("forms", "*.yml"), ("importers", "*.yml")):
        names |= {p.relative_to(root).as_posix() for p in (root / "generator" / folder).glob(pattern)}
    skeleton = root / "generator" / "tools" / "skeleton" / "files"
    names |= {p.relative_to(root).as_posix() for p in skeleton.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    return names


def check_dist(folder: Path, root: Path = ROOT) -> list[str]:
    """The one sdist and one wheel of this version in ``folder``, their metadata, and the
    wheel's files; returns the wheel's and the sdist's names."""
    version = project_version(root)
    stem = f"{DIST.replace('-', '_')}-{version}"
    wheels, sdists = sorted(folder.glob("*.whl")), sorted(folder.glob("*.tar.gz"))
    problems = []
    if [p.name for p in wheels] != [f"{stem}-py3-none-any.whl"]:
        problems.append(f"{folder}: expected one wheel {stem}-py3-none-any.whl, found "
                        f"{[p.name for p in wheels]}")
    if [p.name for p in sdists] != [f"{stem}.tar.gz"]:
        problems.append(f"{folder}: expected one sdist {stem}.tar.gz, found "
                        f"{[p.name for p in sdists]}")
    if problems:
        raise Failed("\n".join(problems))
    wheel, sdist = wheels[0], sdists[0]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta = Parser().parsestr(archive.read(f"{stem}.dist-info/METADATA").decode("utf-8"))
        entry_points = archive.read(f"{stem}.dist-info/entry_points.txt").decode("utf-8")
    missing = sorted(wheel_expected(root) - names)
    if missing:
        problems.append(f"{wheel.name} lacks {len(missing)} file(s): {', '.join(missing)}")
    if (meta["Name"], meta["Version"]) != (DIST, version):
        problems.append(f"{wheel.name}: METADATA names {meta['Name']} {meta['Version']}")
    if not meta.get_payload().lstrip().startswith("# Leaderboards"):
        problems.append(f"{wheel.name}: the long description is not the README")
    for line in ("leaderboard = generator.cli:main",
                 "leaderboards = generator.plugin:LeaderboardsPlugin"):
        if line not in entry_points:
            problems.append(f"{wheel.name}: entry_points.txt lacks '{line}'")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    for needed in ("pyproject.toml", "README.md", "templates/site_task.md.j2",
                   "docs/assets/leaderboard.js", "generator/schema/task.schema.json",
                   "generator/tools/skeleton/files/mkdocs.yml"):
        if needed not in members:
            problems.append(f"{sdist.name} lacks {needed}")
    if problems:
        raise Failed("\n".join(problems))
    return [wheel.name, sdist.name]


def _venv(path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh virtualenv and the environment of a shell with it activated, with nothing
    pointing back at this checkout."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PATH"] = f"{path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(path)
    return path / "bin", env


def _run(cmd: list, cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    shown = " ".join(str(c) for c in cmd)
    print(f"$ {shown}", flush=True)
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise Failed(f"{shown} (in {cwd}) exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def smoke(folder: Path, work: Path, root: Path = ROOT) -> None:
    """As a new site's owner: the wheel in a fresh virtualenv, ``leaderboard --version`` and
    ``leaderboard init``; then, in another fresh virtualenv, the new site's own
    ``requirements.txt`` as written (the wheel found in ``folder``, the rest from the package
    index) and ``mkdocs build --strict``."""
    version = project_version(root)
    folder = folder.resolve()
    [wheel] = folder.glob("*.whl")
    work.mkdir(parents=True, exist_ok=True)
    expected = f"{DIST} {version}"

    bin_, env = _venv(work / "wheel-venv")
    _run([bin_ / "python", "-m", "pip", "install", "--quiet", wheel], work, env)
    for command in ([bin_ / "leaderboard", "--version"],
                    [bin_ / "python", "-m", "generator", "--version"]):
        said = _run(command, work, env).strip()
        if said != expected:
            raise Failed(f"{' '.join(map(str, command))} says {said!r}, not {expected!r}")
    where = _run([bin_ / "python", "-c", "import generator; print(generator.__file__)"],
                 work, env).strip()
    if not Path(where).is_relative_to(work / "wheel-venv"):
        raise Failed(f"the virtualenv imports {where}, not the wheel it installed")
    _run([bin_ / "leaderboard", "init", "site"], work, env)
    site = work / "site"
    pin = f"{DIST}=={version}"
    if pin not in (site / "requirements.txt").read_text(encoding="utf-8").splitlines():
        raise Failed(f"the new site's requirements.txt does not pin {pin}")

    bin_, env = _venv(work / "site-venv")
    _run([bin_ / "python", "-m", "pip", "install", "--quiet", "--find-links", folder,
          "-r", "requirements.txt"], site, env)
    said = _run([bin_ / "leaderboard", "--version"], site, env).strip()
    if said != expected:
        raise Failed(f"the site's requirements installed {said!r}, not {expected!r}")
    _run([bin_ / "leaderboard", "validate"], site, env)
    _run([bin_ / "leaderboard", "readme", "--check"], site, env)
    _run([bin_ / "mkdocs", "build", "--strict"], site, env)
    for page in ("index.html", "tasks/image_classification/index.html", "contributing/index.html"):
        if not (site / "site" / page).is_file():
            raise Failed(f"the new site's build has no {page}")
    print(f"ok: {wheel.name} installs, runs and builds a new site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("notes").add_argument("version")
    sub.add_parser("check-tag").add_argument("tag")
    sub.add_parser("check-dist").add_argument("folder", type=Path)
    smoke_parser = sub.add_parser("smoke")
    smoke_parser.add_argument("folder", type=Path)
    smoke_parser.add_argument("--work", type=Path, help="where to make the virtualenvs and "
                              "the site (default: a temporary folder, removed after)")
    args = parser.parse_args(argv)
    try:
        if args.command == "notes":
            sys.stdout.write(notes(args.version, (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")))
        elif args.command == "check-tag":
            print(f"ok: {args.tag} is the version in pyproject.toml, with a CHANGELOG.md entry "
                  f"({check_tag(args.tag)})")
        elif args.command == "check-dist":
            print("ok: " + ", ".join(check_dist(args.folder)))
        elif args.work:
            smoke(args.folder, args.work)
        else:
            with tempfile.TemporaryDirectory(prefix="release-smoke-") as tmp:
                smoke(args.folder, Path(tmp))
    except Failed as exc:
        print(f"release.py {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
