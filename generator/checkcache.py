"""``validate --changed`` and ``validate PATH...``: the check of a change, without reading
again what did not change.

For each data file the cache keeps, by path and content hash, the file's own problems
(reading, YAML, schema, text, its values and dates: ``validate.check_task_alone``) and its
``validate.Facts`` (its id, the parents and datasets it names, its relative links).  The
checks across files (unknown or looping parents, unknown datasets, links to nothing, two
files with one id, sources.yml) run every time, over every file's facts, with the same code
as the full check, so the result is the full check's.  A file is read again when it is
named, when git sees it changed (``--changed``), or when its size, times or inode changed
and its content hash with them (as git's index does); the cache is dropped when the code or
the day changes (dates are checked against today).

The cache lives in ``.leaderboard-cache/`` beside the data folder (``.gitignore`` covers
it): a file of every entry, and a journal of the entries changed since, appended a run at
a time.  One that cannot be read or written is ignored.  It is read by an unpickler that
builds plain data only, so a cache file planted in a checkout cannot run code.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import collector, loader, pipeline, validate
from .problems import Problem
from .rules import files

FOLDER = ".leaderboard-cache"
_NAME = "validate.pickle"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code whose results the cache keeps; another version's are not used."""
    h = hashlib.sha256()
    package = resources.files("generator")
    for name in ("loader.py", "validate.py", "model.py", "problems.py", "pipeline.py",
                 "checkcache.py"):
        h.update(package.joinpath(name).read_bytes())
    for folder in ("rules", "schema"):
        for entry in sorted(package.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.name.endswith((".py", ".json")):
                h.update(entry.name.encode() + entry.read_bytes())
    return h.hexdigest()


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


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
    cache = _Cache.open(data_dir, today)
    base = os.path.abspath(data_dir)
    fresh_names = {os.path.relpath(os.path.abspath(p), base).replace(os.sep, "/") for p in fresh}
    stamps: dict[str, tuple] = {}
    found, problems = pipeline.discover(data_dir, stamps)
    facts: list[validate.Facts] = []
    entries, used, make = cache.entries, cache.used, validate.Facts
    for folder, kind in pipeline.KINDS.items():
        for path in found[folder]:
            name = f"{folder}/{path[path.rfind(os.sep) + 1:]}"  # the key: its path in the data
            stamp = stamps.get(path)
            entry = entries.get(name)
            if entry is not None and stamp is not None and entry[:4] == stamp \
                    and name not in fresh_names:  # unchanged: Cache.file's hit, inlined
                used[name] = entry
                if entry[5]:
                    problems += [Problem(path, *own) for own in entry[5]]
                f = make(*entry[6:])
                f.file = path if f.file else ""
                facts.append(f)
                continue
            own, f = cache.file(path, name, stamp or pipeline.file_stamp(path),
                                kind, today, name in fresh_names)
            problems += own
            facts.append(f)
    cache.hits = len(facts) - cache.misses  # those inlined too
    problems += pipeline.load_sources(data_dir)[1]
    locate = _Locator()
    problems += validate.check_across(facts, locate)
    problems += validate.relative_link_problems(facts, locate, data_dir.resolve().parent)
    problems.sort(key=lambda p: (p.file, p.line, p.col, p.message))
    cache.save()
    tasks = [f for f in facts if f.kind == "task"]
    counts = {"tasks": len(tasks), "datasets": len(facts) - len(tasks),
              "leaderboards": sum(f.leaderboards for f in tasks),
              "results": sum(f.results for f in tasks)}
    return Checked(problems, counts, cache.misses, cache.hits)


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


@dataclass
class _Cache:
    path: Path
    version: str
    entries: dict[str, tuple] = field(default_factory=dict)
    used: dict[str, tuple] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    journaled: int = -1  # entries read from the journal (-1: no cache of this version read)

    @classmethod
    def open(cls, data_dir: Path, today: dt.date) -> "_Cache":
        cache = cls(data_dir.resolve().parent / FOLDER / _NAME, f"{code_version()} {today}")
        try:
            with open(cache.path, "rb") as handle:
                version, entries = _Unpickler(handle).load()
            if version == cache.version and _valid(entries):
                cache.entries, cache.journaled = entries, 0
        except Exception:  # absent, unreadable or from another version: start empty
            return cache
        if cache.journaled == 0:
            cache.journaled = _read_journal(cache.journal, cache.version, cache.entries)
        return cache

    @property
    def journal(self) -> Path:
        """The entries changed since the cache file was written, appended a run at a time:
        a run that read a file or two does not write the whole cache again (which grows
        with the data: 15 ms for 15,000 files)."""
        return self.path.with_suffix(".journal")

    def file(self, path: str, name: str, stamp: tuple | None, kind: str, today: dt.date,
             fresh: bool):
        """(the file's own problems, its facts): ``name`` is its path in the data folder
        (``tasks/x.yml``), ``stamp`` its ``pipeline.file_stamp``."""
        entry = self.entries.get(name)
        if entry is not None and not fresh and stamp is not None and entry[:4] == stamp:
            return self._hit(name, path, entry)
        try:
            text = files.read_text(Path(path), loader.MAX_FILE_BYTES)
        except files.Unreadable:
            self.misses += 1
            loaded = pipeline.load_file(Path(path), kind, today)  # says why, at its place
            return loaded.problems, loaded.facts
        key = digest(text)
        if entry is not None and not fresh and entry[4] == key and stamp is not None:
            return self._hit(name, path, (*stamp, *entry[4:]))
        self.misses += 1
        loaded = pipeline.load_file(Path(path), kind, today, text)
        if stamp is not None:
            self.used[name] = (*stamp, key, [(p.line, p.col, p.message, p.severity)
                                             for p in loaded.problems] or (),
                               *_stored(loaded.facts))
        return loaded.problems, loaded.facts

    def _hit(self, name: str, path: str, entry: tuple):
        self.hits += 1
        self.used[name] = entry
        own = entry[5]
        facts = validate.Facts(*entry[6:])
        facts.file = path if facts.file else ""
        return [Problem(path, *p) for p in own] if own else [], facts

    def save(self) -> None:
        """Keep the entries of the files seen this time; say nothing if it cannot.  A few
        changed entries are appended to the journal; the cache file is written whole
        (and the journal emptied) when files are gone or the journal has grown."""
        if self.misses == 0 and self.used == self.entries:
            return
        gone = self.entries.keys() - self.used.keys()
        changed = {name: entry for name, entry in self.used.items()
                   if self.entries.get(name) is not entry}
        if not gone and not changed:
            return
        if self.journaled >= 0 and not gone and self.journaled + len(changed) <= JOURNAL_LIMIT:
            try:  # no file gone: the changed and new entries will do
                with open(self.journal, "ab") as handle:
                    pickle.dump((self.version, changed), handle,
                                protocol=pickle.HIGHEST_PROTOCOL)
                return
            except Exception:
                pass
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                       dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.version, self.used), handle, protocol=pickle.HIGHEST_PROTOCOL)
            try:  # its entries are in the file now (or were another run's, to read again)
                os.unlink(self.journal)
            except FileNotFoundError:
                pass
            os.replace(tmp, self.path)
        except Exception:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


JOURNAL_LIMIT = 256  # entries in the journal before the cache file is written whole


def _valid(entries) -> bool:
    return isinstance(entries, dict) and all(
        type(e) is tuple and len(e) == _WIDTH for e in entries.values())


def _read_journal(journal: Path, version: str, entries: dict[str, tuple]) -> int:
    """Add the journal's entries of ``version`` to ``entries``, in the order they were
    written; returns how many it holds.  A record cut short (a run stopped while writing)
    ends the reading: what is missing is read from the data files again."""
    count = 0
    try:
        with open(journal, "rb") as handle:
            while True:
                try:
                    record = _Unpickler(handle).load()
                except EOFError:
                    break
                if type(record) is tuple and len(record) == 2 and record[0] == version \
                        and _valid(record[1]):
                    entries.update(record[1])
                    count += len(record[1])
    except FileNotFoundError:
        pass
    except Exception:  # unreadable or cut short: the entries read so far are good
        count = JOURNAL_LIMIT + 1  # and the next save writes the cache file whole
    return count


def _stored(facts: validate.Facts) -> tuple:
    """A file's facts as the cache keeps them: plain data, its path only as whether it has
    one (the path is the entry's)."""
    kind, id_, file, *rest = astuple(facts)
    # an empty list as (): pickle writes one for all, and reads it back as fast
    return (kind, id_, bool(file), *(r if r or not isinstance(r, list) else () for r in rest))


# an entry, one flat tuple (half the time to unpickle of nested ones): the file's stamp
# (size, mtime, ctime, inode), its content's digest, its own problems, its facts (_stored)
_WIDTH = 4 + 1 + 1 + 8


class _Unpickler(pickle.Unpickler):
    """Plain data only (tuples, lists, dicts, strings, numbers): no class may be built."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"not in a validation cache: {module}.{name}")
