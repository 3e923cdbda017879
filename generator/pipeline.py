"""The build as named steps: discover files -> load -> model -> validate.

``load_project`` runs the first three stages and returns the model with every
problem found.  Commands that render call it, stop on errors, and pass the
model on; rendering never reads files of ``data/`` itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import loader, model, validate
from .problems import InputError, Problem, errors, general

YAML_SUFFIXES = (".yml", ".yaml")
SOURCES_FILE = "sources.yml"  # where the data comes from, credited in the site's footer
KINDS = {"tasks": "task", "datasets": "dataset"}


@dataclass
class Loaded:
    project: model.Project
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def discover(data_dir: Path) -> tuple[dict[str, list[Path]], list[Problem]]:
    """The YAML files of each kind, sorted by name, and problems with the layout."""
    problems: list[Problem] = []
    found: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    if not data_dir.is_dir():
        raise InputError(general("data folder not found", str(data_dir)))
    root = data_dir.resolve()
    for folder in KINDS:
        sub = data_dir / folder
        if not sub.is_dir():
            continue
        stems: dict[str, Path] = {}
        for path in sorted(sub.iterdir(), key=lambda p: p.name):
            if path.suffix not in YAML_SUFFIXES:
                continue
            if not _inside(path.resolve(), root):  # a link, or a linked folder, leading out
                problems.append(Problem(str(path), 1, 1,
                                        "symbolic link points outside the data folder"))
                continue
            stem = path.stem
            if not re.match(validate.ID_PATTERN, stem):
                problems.append(Problem(str(path), 1, 1,
                                        f"file name '{path.name}' is not a valid id: use lowercase "
                                        "letters, digits and single '-', '_' or '.' between them"))
                continue
            if stem in stems:
                problems.append(Problem(str(path), 1, 1,
                                        f"duplicate {KINDS[folder]} id '{stem}': "
                                        f"{stems[stem].name} has the same id"))
                continue
            stems[stem] = path
            found[folder].append(path)
    return found, problems


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def load_project(data_dir: Path | str, overrides: dict[Path, str] | None = None) -> Loaded:
    """Load, build and validate the data in ``data_dir``.

    ``overrides`` maps a file's path to the text to use instead of the file's own
    (how ``add`` validates a change before writing it).
    """
    data_dir = Path(data_dir)
    files, problems = discover(data_dir)
    overrides = {Path(p).resolve(): text for p, text in (overrides or {}).items()}
    tasks, datasets = [], {}
    for folder, kind in KINDS.items():
        for path in files[folder]:
            if path.resolve() in overrides:
                doc, found = loader.parse_text(overrides[path.resolve()], path)
            else:
                doc, found = loader.load_file(path)
            problems += found
            if doc is None:  # a stub, so that references to it do not cascade
                if kind == "task":
                    tasks.append(model.Task(id=path.stem, title=path.stem, leaderboards=[]))
                else:
                    datasets[path.stem] = model.Dataset(id=path.stem, name=path.stem)
                continue
            problems += validate.check_document(doc, kind)
            if kind == "task":
                tasks.append(model.build_task(doc, path.stem))
            else:
                datasets[path.stem] = model.build_dataset(doc, path.stem)
    tasks.sort(key=lambda t: (re.sub(r"^\W+", "", t.title).casefold(), t.id))
    sources, found = load_sources(data_dir)
    problems += found
    project = model.Project(tasks=tasks, datasets=dict(sorted(datasets.items())), sources=sources)
    problems += validate.check_project(project)
    problems.sort(key=lambda p: (p.file, p.line, p.col, p.message))
    return Loaded(project, problems)


def load_sources(data_dir: Path) -> tuple[list[model.Source], list[Problem]]:
    """data/sources.yml, checked like the other data files."""
    path = data_dir / SOURCES_FILE
    if not path.exists():
        return [], []
    if not _inside(path.resolve(), data_dir.resolve()):
        return [], [Problem(str(path), 1, 1, "symbolic link points outside the data folder")]
    doc, problems = loader.load_file(path)
    if doc is None:
        return [], problems
    problems += validate.check_document(doc, "sources")
    return model.build_sources(doc), problems


def load_valid_project(data_dir: Path | str) -> Loaded:
    """Load and validate; raise InputError when there is any error."""
    loaded = load_project(data_dir)
    if not loaded.ok:
        raise InputError(loaded.problems)
    return loaded
