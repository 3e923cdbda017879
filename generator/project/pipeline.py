"""The build as named steps: discover files -> load -> model -> validate.

``load_project`` runs the first three stages and returns the model with every
problem found.  Commands that render call it, stop on errors, and pass the
model on; rendering never reads files of ``data/`` itself.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.project import collector
from generator.project import loader
from generator.project import model
from generator.project import validate
from generator.project.filecache import Entry, FileCache, stamp_of
from generator.rules import ids, urls
from generator.project.problems import InputError, Problem, errors, general

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


def discover(data_dir: Path, stamps: dict[str, tuple] | None = None
             ) -> tuple[dict[str, list[str]], list[Problem]]:
    """The YAML files of each kind (their paths, under ``data_dir``), sorted by name, and
    problems with the layout.

    Every entry of ``tasks/`` and ``datasets/`` is either read or reported: a data file
    whose extension is not lowercase, a link that leads out of the folder or in a loop, a
    FIFO or other special file, a folder named like a data file.  Hidden entries (``.x``)
    without a YAML extension are left alone; anything else that is not a data file gets a warning.
    ``stamps``: filled with each file's ``filecache.stamp_of`` by its path as returned, from the
    folder's listing (one stat per file, which the caches need anyway).
    """
    problems: list[Problem] = []
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    if not data_dir.is_dir():
        raise InputError(general("data folder not found", str(data_dir)))
    if not (data_dir / "tasks").is_dir():
        raise InputError(general("no tasks/ folder: a data folder holds tasks/ (one file per "
                                 "task) and datasets/; is this the right folder?", str(data_dir)))
    root = data_dir.resolve()
    for folder in KINDS:
        sub = data_dir / folder
        if not sub.is_dir():
            continue
        stems: dict[str, str] = {}
        # entries that are not links, in a folder that is where it says: no need to resolve
        plain_folder = _inside(sub.resolve(), root) and sub.resolve() == root / folder
        prefix = str(sub) + os.sep
        with os.scandir(sub) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        paths, longest = found[folder], ids.MAX_LENGTH  # (the loop runs once per data file)
        taken = urls.DATA_FILES | {urls.INDEX}
        for entry in entries:
            name = entry.name
            stem = name[:name.rfind(".")] if "." in name else name
            path = prefix + name
            if plain_folder and name.endswith(YAML_SUFFIXES) and not name.startswith(".") \
                    and entry.is_file(follow_symlinks=False):  # no link: the common case
                problem = None if _ID(stem) and len(stem) <= longest and stem not in taken \
                    and not urls.is_device_name(stem) else _name_problem(path, name, stem, folder)
            else:
                problem = _entry_problem(Path(path), root, folder, plain_folder)
            if problem is not None:
                if problem.message:
                    problems.append(problem)
                continue
            if stem in stems:
                problems.append(Problem(path, 1, 1,
                                        f"duplicate {KINDS[folder]} id '{stem}': "
                                        f"{stems[stem]} has the same id"))
                continue
            stems[stem] = name
            paths.append(path)
            if stamps is not None:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stamps[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)  # filecache.stamp
    return found, problems


def _entry_problem(path: Path, root: Path, folder: str,
                   plain_folder: bool = False) -> Problem | None:
    """Why an entry of a data folder is not read as a data file (a Problem with no message:
    silently left alone), or None when it is one.  ``plain_folder``: the entry's folder is
    ``root``'s own (no link on the way), so an entry that is no link needs no resolving."""
    name = path.name
    suffix = path.suffix
    if name.startswith(".") and suffix.lower() not in YAML_SUFFIXES:
        return Problem(str(path), 0, 0, "")  # .gitkeep, editors' swap files
    if suffix.lower() not in YAML_SUFFIXES:
        return Problem(str(path), 0, 0, f"not read: only .yml and .yaml files in {folder}/ are "
                                        "data files", severity="warning")
    if suffix not in YAML_SUFFIXES:
        return Problem(str(path), 1, 1, f"file name '{name}' must end in lowercase "
                                        f"'{suffix.lower()}' to be read")
    try:
        info = os.lstat(path) if plain_folder else None
        if info is not None and not stat.S_ISLNK(info.st_mode):
            target = root / folder / path.name  # where it is: inside the data folder
        else:
            target = path.resolve(strict=True)
            info = target.stat()
    except (OSError, RuntimeError) as exc:  # a loop, or a link to nothing
        why = "a symbolic link loop" if "loop" in str(exc).lower() or \
            getattr(exc, "errno", None) == 40 else "a link to nothing"
        return Problem(str(path), 1, 1, f"cannot read it: {why}")
    if not _inside(target, root):  # a link, or a linked folder, leading out
        return Problem(str(path), 1, 1, "symbolic link points outside the data folder")
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return Problem(str(path), 1, 1, f"'{name}' is {what}; a data file must be a plain file")
    return _name_problem(str(path), name, path.stem, folder)


_ID = re.compile(ids.PATTERN).match


def _name_problem(path: str, name: str, stem: str, folder: str) -> Problem | None:
    """Why a data file's name is no id, or cannot be one (``urls.id_problem``), or None."""
    if not _ID(stem):
        return Problem(path, 1, 1, f"file name '{name}' is not a valid id: use lowercase "
                                        "letters, digits and single '-', '_' or '.' between them")
    if len(stem) > ids.MAX_LENGTH:
        return Problem(path, 1, 1, f"file name '{name}' is too long: an id has at most "
                                        f"{ids.MAX_LENGTH} characters (it names files and addresses)")
    why = urls.id_problem(KINDS[folder], stem) if folder in KINDS else None
    return Problem(path, 1, 1, f"file name '{name}': {why}") if why else None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def load_project(data_dir: Path | str, overrides: dict[Path, str] | None = None,
                 cache: FileCache | None = None) -> Loaded:
    """Load, build and validate the data in ``data_dir``.

    ``overrides`` maps a file's path to the text to use instead of the file's own, or for
    a file not written yet (``data_dir/tasks/ID.yml``, ``data_dir/datasets/ID.yml``): how
    ``add`` and the importers validate what they would write before writing it.
    ``cache`` (``mkdocs serve``'s rebuilds) hands back each file whose stamp did not change
    since the previous load as it was loaded then; the checks across files run in full
    either way (a few hundredths of a second on the Papers with Code archive).
    """
    with collector.paused():
        return _load_project(Path(data_dir), overrides or {}, cache)


@dataclass
class LoadedFile:
    """One data file, loaded: its document (None if unreadable), its own problems, the task
    or dataset built from it (a stub when unreadable, so that references to it do not
    cascade) and what the checks across files need of it."""

    doc: "loader.Document | None"
    problems: list[Problem]
    built: "model.Task | model.Dataset"
    facts: validate.Facts


def load_file(path: Path, kind: str, today, text: str | None = None) -> LoadedFile:
    """Read (or take ``text``), parse and check one data file on its own."""
    if text is None:
        doc, problems = loader.load_file(path)
    else:
        doc, problems = loader.parse_text(text, path)
    if doc is None:
        built = model.Task(id=path.stem, title=path.stem, leaderboards=[]) if kind == "task" \
            else model.Dataset(id=path.stem, name=path.stem)
        return LoadedFile(None, problems, built, validate.Facts(kind, path.stem, ""))
    problems = problems + validate.check_document(doc, kind)
    if kind == "task":
        built = model.build_task(doc, path.stem)
        return LoadedFile(doc, problems + validate.check_task_alone(built, today), built,
                          validate.task_facts(built))
    built = model.build_dataset(doc, path.stem)
    return LoadedFile(doc, problems + validate.check_dataset_alone(built), built,
                      validate.dataset_facts(built))


def _load_project(data_dir: Path, overrides: dict[Path, str],
                  cache: FileCache | None = None) -> Loaded:
    stamps: dict[str, tuple] = {}
    if overrides and not (data_dir / "tasks").is_dir():
        files, problems = {kind: [] for kind in KINDS}, []  # a data folder the import creates
    else:
        files, problems = discover(data_dir, stamps)
    if overrides:
        files = {folder: [Path(p) for p in paths] for folder, paths in files.items()}
    overrides = {Path(p): text for p, text in overrides.items()}
    known = {p.resolve() for folder in files.values() for p in folder} if overrides else set()
    new = [p for p in overrides if p.parent.name in files and p.resolve() not in known]
    for folder in {p.parent.name for p in new}:  # files to be written
        files[folder] = sorted([*files[folder], *(p for p in new if p.parent.name == folder)],
                               key=lambda p: p.name)
    overrides = {p.resolve(): text for p, text in overrides.items()}
    today = dt.date.today()
    if cache is not None:
        cache.start(f"{data_dir.resolve()} {today}")  # dates are checked against today
    tasks, datasets, facts, docs = [], {}, [], {}
    for folder, kind in KINDS.items():
        for path in files[folder]:
            if overrides and Path(path).resolve() in overrides:
                loaded = load_file(Path(path), kind, today, overrides[Path(path).resolve()])
            elif cache is not None:  # a path as discovered, a string
                now = stamps.get(path) or stamp_of(path)
                entry = cache.get(path, now)
                if entry is None:
                    loaded = load_file(Path(path), kind, today)
                    cache.put(path, Entry(now, None, loaded.problems, loaded.facts, loaded))
                else:
                    loaded = entry.loaded
            else:
                loaded = load_file(Path(path), kind, today)
            problems += loaded.problems
            facts.append(loaded.facts)
            if loaded.doc is not None:
                docs[str(path)] = loaded.doc
            if kind == "task":
                tasks.append(loaded.built)
            else:
                datasets[os.path.splitext(os.path.basename(path))[0]] = loaded.built
    if cache is not None:
        cache.finish()
    tasks.sort(key=_task_order)
    sources, found = load_sources(data_dir)
    project = model.Project(tasks=tasks, datasets=dict(sorted(datasets.items())), sources=sources)
    problems += found + _across(facts, docs, data_dir)
    problems.sort(key=_problem_order)
    return Loaded(project, problems)


def _task_order(task: model.Task) -> tuple:
    return re.sub(r"^\W+", "", task.title).casefold(), task.id


def _problem_order(p: Problem) -> tuple:
    return p.file, p.line, p.col, p.message


def _across(facts: list[validate.Facts], docs: dict, data_dir: Path) -> list[Problem]:
    """The checks across files (``docs``: each file's document, by its path as read)."""
    def locate(file: str, path: tuple, message: str, severity: str = "error") -> Problem:
        return docs[file].problem(path, message, severity=severity)
    return validate.check_across(facts, locate) + validate.paper_problems(facts, locate) \
        + validate.relative_link_problems(facts, locate, data_dir.resolve().parent)


def load_sources(data_dir: Path) -> tuple[list[model.Source], list[Problem]]:
    """data/sources.yml, checked like the other data files."""
    path = data_dir / SOURCES_FILE
    if not path.exists() and not path.is_symlink():
        return [], []
    problem = _entry_problem(path, data_dir.resolve(), ".")
    if problem is not None and problem.message and problem.severity == "error":
        return [], [problem]
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
