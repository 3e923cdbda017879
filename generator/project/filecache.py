"""The one per-file cache: each data file as last checked, by its path, dated by its stamp
(size, modification and change times, inode: what git's index compares) and its
content's digest.

An entry holds the file's own problems and its ``validate.Facts`` (what the checks across
files need), and in memory the loaded file too (``pipeline.LoadedFile``: its document and
the task or dataset built from it).  `mkdocs serve` keeps one in memory between its builds
(``pipeline.load_project(cache=...)``): a file whose stamp did not change is the very same
objects as before, so what was made from it (views, pages) is found again by identity.
``validate --changed`` keeps one on disk (``open``/``save``) as plain data: the problems
and facts, not the loaded file.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import astuple, dataclass, field
from pathlib import Path

from generator.project import validate
from generator.project.problems import Problem


def stamp_of(path: str | os.PathLike) -> tuple | None:
    """What dates a file's content without reading it (size, times, inode), as git's index
    does; None if it cannot be read."""
    try:
        return stamp(os.stat(path))
    except OSError:
        return None


def stamp(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


@dataclass
class Entry:
    stamp: tuple
    digest: str | None  # of the content; None where not worked out (in memory)
    problems: list[Problem]  # the file's own
    facts: validate.Facts
    loaded: object = None  # the pipeline.LoadedFile, in memory only


@dataclass
class FileCache:
    """Entries by name (a path), and what the last use did with them (``used``: the
    entries of the files seen, which ``save`` and the next load keep)."""

    version: str = ""  # what the entries were made by and for (code, day): another's are void
    entries: dict[str, Entry] = field(default_factory=dict)
    used: dict[str, Entry] = field(default_factory=dict)
    read: int = 0  # files read afresh by the last use
    kept: int = 0  # files whose entry was used as it was
    changed: set = field(default_factory=set)  # (kind, id) of each file read afresh or gone

    def start(self, version: str) -> None:
        """A new use (a load, a check): entries of another version are dropped."""
        if version != self.version:
            self.entries, self.version = {}, version
        self.used, self.read, self.kept, self.changed = {}, 0, 0, set()

    def get(self, name: str, now: tuple | None) -> Entry | None:
        """The entry of the file ``name`` if its stamp is ``now``, marked as used."""
        entry = self.entries.get(name)
        if entry is None or now is None or entry.stamp != now:
            return None
        self.kept += 1
        self.used[name] = entry
        return entry

    def renew(self, name: str, entry: Entry, now: tuple) -> Entry:
        """The entry of a file whose stamp changed but not its content (touched, checked out
        again): kept, with the new stamp."""
        self.kept += 1
        self.used[name] = renewed = Entry(now, entry.digest, entry.problems, entry.facts,
                                          entry.loaded)
        return renewed

    def put(self, name: str, entry: Entry) -> None:
        self.read += 1
        was = self.entries.get(name)
        if was is not None:  # its id may have been another's
            self.changed.add((was.facts.kind, was.facts.id))
        self.changed.add((entry.facts.kind, entry.facts.id))
        if entry.stamp is not None:
            self.used[name] = entry

    def finish(self) -> None:
        """The entries of the files seen are the cache's from now on; the others are gone."""
        self.changed |= {(e.facts.kind, e.facts.id) for name, e in self.entries.items()
                         if name not in self.used}
        self.entries = self.used

    # --- on disk (validate --changed) ------------------------------------------------

    @classmethod
    def open(cls, path: Path, version: str) -> "FileCache":
        """The cache saved at ``path`` by this ``version``; an empty one if there is none,
        it cannot be read, or it is of another version or shape."""
        cache = cls(version)
        try:
            with open(path, "rb") as handle:
                saved_version, rows = _Unpickler(handle).load()
            if saved_version == version and isinstance(rows, dict) and all(
                    type(r) is tuple and len(r) == _WIDTH for r in rows.values()):
                cache.entries = {name: _entry(name, row) for name, row in rows.items()}
        except Exception:  # absent, unreadable or another's: start empty
            pass
        return cache

    def save(self, path: Path) -> None:
        """Write the entries used (``finish`` first) as plain data, whole; say nothing if it
        cannot, and write nothing when nothing changed."""
        if not self.read and self.used.keys() == self.entries.keys():
            return
        rows = {name: _row(e) for name, e in self.used.items() if e.digest is not None}
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ignore = path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.version, rows), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except Exception:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


# an entry on disk, one flat tuple (half the time to unpickle of nested ones): the stamp
# (size, mtime, ctime, inode), the digest, the own problems as (line, col, message,
# severity), the facts without their path (the entry's) but whether they have one
_WIDTH = 4 + 1 + 1 + 8


def _row(e: Entry) -> tuple:
    kind, id_, file, *rest = astuple(e.facts)
    return (*e.stamp, e.digest, [(p.line, p.col, p.message, p.severity) for p in e.problems]
            or (), kind, id_, bool(file),
            *(r if r or not isinstance(r, list) else () for r in rest))


def _entry(name: str, row: tuple) -> Entry:
    """``name`` is the file's path as the data folder's listing gives it."""
    facts = validate.Facts(*row[6:])
    facts.file = name if facts.file else ""
    return Entry(row[:4], row[4], [Problem(name, *p) for p in row[5]] if row[5] else [], facts)


class _Unpickler(pickle.Unpickler):
    """Plain data only (tuples, lists, dicts, strings, numbers): no class may be built."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"not in a validation cache: {module}.{name}")
