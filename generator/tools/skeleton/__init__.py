"""``leaderboard init DIR``: a new leaderboard site that validates and builds as written.

The site's files are package data in ``files/`` (shipped in the wheel), copied with a few
``@NAME@`` placeholders filled in.  Files whose name starts with ``dot-`` are written with a
``.`` instead (``dot-github/`` -> ``.github/``): package data globs skip dotfiles.  Added at
init time, not kept in ``files/``:

* ``schema/``: copies of this package's JSON Schemas, which the data files' first line
  (``# yaml-language-server: $schema=../../schema/task.schema.json``) names.  A copy in the
  site, rather than a path into the installed package, because the site is a repository of
  its own: the path works on every clone and in every editor, whichever environment the
  generator is installed in.  ``leaderboard init`` of a newer version writes newer copies.
* ``requirements.txt``: the generator the workflows install, pinned to the release installed
  (see ``requirement()``).
* ``.github/ISSUE_TEMPLATE/add-result.yml``: the form "Add a result", this package's one copy
  (``generator/forms/``), which ``leaderboard submission`` reads and
  ``.github/workflows/submission.yml`` applies.

* ``docs/assets/``: this repository's ``docs/assets/`` (the tables' sort and filter script
  and their styles, which the plugin does not add by itself), shipped in the wheel as
  ``generator/assets``.
* the README's generated sections, drawn from the example data, so ``leaderboard readme
  --check`` passes in the new site.

Everything is written into a staging folder beside DIR first, validated there, and only
then moved in: a failed init leaves nothing behind.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from importlib import metadata, resources
from pathlib import Path

from generator import DIST
from generator.outputs import readme
from generator.outputs import render
from generator.site.fsutil import write_text
from generator.project.pipeline import load_valid_project
from generator.project.problems import InputError, display_path, general

SCHEMAS = ("task.schema.json", "dataset.schema.json", "sources.schema.json")
FORM = ".github/ISSUE_TEMPLATE/add-result.yml"


def site_name(target: Path) -> str:
    """A name from the folder: ``my-cv-site`` -> ``My cv site``."""
    folder = Path(os.path.abspath(target)).name
    words = re.sub(r"[-_.\s]+", " ", folder).strip() or "Leaderboards"
    return words[:1].upper() + words[1:]


def requirement() -> str:
    """The ``requirements.txt`` line for this generator: the release installed,
    ``leaderboard-generator==X.Y.Z``, from PyPI like the rest of the file.  Dependabot
    (``.github/dependabot.yml``) proposes the next release as a pull request."""
    try:
        return f"{DIST}=={metadata.version(DIST)}"
    except metadata.PackageNotFoundError:
        return f"{DIST}  # not installed as a package: say which release to install"


def _requirements_text() -> str:
    return ("# The leaderboard generator (the `leaderboard` command and the MkDocs plugin): the\n"
            "# release this site was made with, installed by the checks, Pages and submission\n"
            "# workflows. Dependabot proposes the next release as a pull request; its checks\n"
            "# show what the new release changes on the site. The releases and what each\n"
            "# changes: the generator's CHANGELOG.md.\n"
            + requirement() + "\n"
            "mkdocs>=1.6\nmkdocs-material>=9.5\n")


def _files_root():
    return resources.files(__name__).joinpath("files")


def _assets_root() -> Path:
    """The tables' script and styles: ``generator/assets`` in an installed wheel,
    ``docs/assets`` beside the package in a checkout (and an editable install)."""
    here = Path(__file__).resolve().parents[2]  # the package
    for folder in (here / "assets", here.parent / "docs" / "assets"):
        if (folder / "leaderboard.js").is_file():
            return folder
    raise FileNotFoundError("the package's assets are missing: reinstall it")


def _walk(folder, prefix: str = ""):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = "." + entry.name[len("dot-"):] if entry.name.startswith("dot-") else entry.name
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry, f"{prefix}{name}/")
        else:
            yield f"{prefix}{name}", entry.read_text("utf-8")


def files(name: str) -> dict[str, str]:
    """{relative path: text} of a new site called ``name``, its README's sections not drawn."""
    shipped = sorted(p.name for p in render.shipped_templates().glob("*.j2"))
    fill = {
        "@SITE_NAME_YAML@": json.dumps(name, ensure_ascii=False),  # a YAML double-quoted string
        "@SITE_NAME_MD@": render.md_text(name),
        "@TEMPLATE_LIST@": "\n".join(f"- `{t}`" for t in shipped),
    }
    out = {}
    for path, text in _walk(_files_root()):
        for key, value in fill.items():
            text = text.replace(key, value)
        out[path] = text
    for asset in sorted(_assets_root().iterdir()):
        if asset.suffix in (".js", ".css"):
            out[f"docs/assets/{asset.name}"] = asset.read_text("utf-8")
    schemas = resources.files("generator").joinpath("schema")
    for schema in SCHEMAS:
        out[f"schema/{schema}"] = schemas.joinpath(schema).read_text("utf-8")
    out["requirements.txt"] = _requirements_text()
    out[FORM] = resources.files("generator").joinpath("forms").joinpath("add-result.yml").read_text(
        "utf-8")
    return out


def init(target: Path | str, name: str | None = None) -> list[str]:
    """Write a new site into ``target`` (absent or empty); return the paths written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(general(f"{display_path(target)} already exists and is not empty: "
                                 "init writes a new site into a new or empty folder"))
    name = name if name is not None else site_name(target)
    if not name.strip():
        raise InputError(general("--name: the site's name is empty"))
    parent = Path(os.path.abspath(target)).parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{Path(os.path.abspath(target)).name}.init-",
                                    suffix=".tmp", dir=parent))
    try:
        written = files(name)
        for path, text in written.items():
            write_text(staging / path, text, fsync=False)
        project = load_valid_project(staging / "data").project
        text = readme.regenerate(written["README.md"], project, "README.md")
        write_text(staging / "README.md", text, fsync=False)
        target.mkdir(exist_ok=True)
        for entry in sorted(staging.iterdir()):
            os.replace(entry, target / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(written)
