"""``validate --changed`` and ``validate PATH...``: the check of a change, without checking
again what did not change.

For each data file the cache keeps, by path and content hash, the file's own problems
(reading, YAML, schema, text, its values and dates: ``validate.check_task_alone``) and its
``validate.Facts`` (its id, the parents and datasets it names, its relative links).  The
checks across files (unknown or looping parents, unknown datasets, links to nothing, two
files with one id, sources.yml) run every time, over every file's facts, with the same code
as the full check, so the result is the full check's.  Every file is read and hashed; one is
parsed and checked again when it is named, when git sees it changed (``--changed``), or when
its content hash is not the cached one.  The cache is dropped when the code or the day
changes (dates are checked against today).

The cache is the project's one per-file cache (``filecache.FileCache``), kept in
``.leaderboard-cache/`` beside the data folder (``.gitignore`` covers it) and written whole
by a run that read a file.  It is trusted only when its signature holds: an HMAC under a key
kept in the user's cache folder (``filecache.machine_key``), outside every repository.  A
cache committed to the repository or copied from another machine, one cut short, edited or
of another shape is ignored and rebuilt, without a word; the pickle is read only once the
signature holds, and then by an unpickler that builds plain data only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from generator.project import collector
from generator.project import loader
from generator.project import pipeline
from generator.project import validate
from generator.project.filecache import Entry, FileCache, digest_bytes, machine_key, stamp_of
from generator.project.problems import Problem
from generator.rules import files

FOLDER = ".leaderboard-cache"
_NAME = "validate.pickle"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code whose results the cache keeps; another version's are not used."""
    h = hashlib.sha256()
    package = resources.files("generator")
    for folder in ("project", "rules", "schema"):
        for entry in sorted(package.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".json")):
                h.update(entry.name.encode() + entry.read_bytes())
    return h.hexdigest()


@dataclass
class Checked:
    problems: list[Problem]
    counts: dict[str, int]
    read: int  # files read and checked afresh
    kept: int  # files whose own problems and facts came from the cache


def check(data_dir: Path, fresh: list[Path] = (), today: dt.date | None = None) -> Checked:
    """Every problem the full check (``pipeline.load_project``) finds, and the counts."""
    with collector.paused():  # the cache's entries are many objects and no cycles
        return _check(data_dir, fresh, today)


def _check(data_dir: Path, fresh: list[Path], today: dt.date | None) -> Checked:
    today = today or dt.date.today()
    where = data_dir.resolve().parent / FOLDER / _NAME
    key = machine_key()
    cache = FileCache.open(where, f"{code_version()} {today}", key)
    cache.start(cache.version)
    named = {os.path.abspath(p) for p in fresh}
    stamps: dict[str, tuple] = {}
    found, problems = pipeline.discover(data_dir, stamps)
    facts: list[validate.Facts] = []
    for folder, kind in pipeline.KINDS.items():
        for path in found[folder]:
            now = stamps.get(path) or stamp_of(path)
            entry = _entry(cache, path, kind, now, today, os.path.abspath(path) in named)
            problems += entry.problems
            facts.append(entry.facts)
    cache.finish()
    problems += pipeline.load_sources(data_dir)[1]
    locate = _Locator()
    problems += validate.check_across(facts, locate)
    problems += validate.paper_problems(facts, locate)
    problems += validate.relative_link_problems(facts, locate, data_dir.resolve().parent)
    problems.sort(key=lambda p: (p.file, p.line, p.col, p.message))
    cache.save(where, key)
    tasks = [f for f in facts if f.kind == "task"]
    counts = {"tasks": len(tasks), "datasets": len(facts) - len(tasks),
              "leaderboards": sum(f.leaderboards for f in tasks),
              "results": sum(f.results for f in tasks)}
    return Checked(problems, counts, cache.read, cache.kept)


def _entry(cache: FileCache, path: str, kind: str, now: tuple | None, today: dt.date,
           named: bool) -> Entry:
    """The file's entry: the cached one when the content's hash is the cached entry's (and
    the file was not named), else the file checked afresh."""
    try:
        with open(path, "rb") as handle:  # the hash is of the bytes: no decoding for a hit
            raw = handle.read(loader.MAX_FILE_BYTES + 1)
    except OSError:
        raw = None
    key = digest_bytes(raw) if raw is not None and len(raw) <= loader.MAX_FILE_BYTES else None
    was = cache.entries.get(path)
    if key is not None and was is not None and not named and was.digest == key \
            and now is not None:
        return cache.renew(path, was, now)
    try:
        text = files.read_text(Path(path), loader.MAX_FILE_BYTES)
    except files.Unreadable:
        loaded = pipeline.load_file(Path(path), kind, today)  # says why, at its place
        cache.read += 1
        return Entry(now, None, loaded.problems, loaded.facts)
    loaded = pipeline.load_file(Path(path), kind, today, text)
    entry = Entry(now, key, loaded.problems, loaded.facts)
    cache.put(path, entry)
    return entry


class _Locator:
    """A problem at a path of a file that the cache answered for: the file is parsed again,
    once, to find the line (rare: only when a change elsewhere makes a problem in it)."""

    def __init__(self) -> None:
        self.docs: dict[str, loader.Document | None] = {}

    def __call__(self, file: str, path: tuple, message: str, severity: str = "error") -> Problem:
        if file not in self.docs:
            self.docs[file] = loader.load_file(Path(file))[0]
        doc = self.docs[file]
        if doc is None:
            return Problem(file, 1, 1, message, severity)
        return doc.problem(path, message, severity=severity)
