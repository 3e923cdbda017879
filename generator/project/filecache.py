"""The one per-file cache: each data file as last checked, by its path, dated by its stamp
(size, modification and change times, inode: what git's index compares) and its
content's digest.

An entry holds the file's own problems and its ``validate.Facts`` (what the checks across
files need), and in memory the loaded file too (``pipeline.LoadedFile``: its document and
the task or dataset built from it).  `mkdocs serve` keeps one in memory between its builds
(``pipeline.load_project(cache=...)``): a file whose stamp did not change is the very same
objects as before, so what was made from it (views, pages) is found again by identity.
``validate --changed`` keeps one on disk (``open``/``save``) as plain data: the problems
and facts, not the loaded file, found by the content's digest and signed with a key that
never leaves this machine (``machine_key``), so only a cache this user's runs wrote is used.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import secrets
import stat
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
    return digest_bytes(text.encode("utf-8", "surrogatepass"))


def digest_bytes(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


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
    def open(cls, path: Path, version: str, key: bytes | None) -> "FileCache":
        """The cache saved at ``path`` by this ``version`` and signed with ``key`` (this
        machine's, ``machine_key``); an empty one if there is none, no key, or it cannot be
        read, was signed by another key (a cache committed to the repository, copied from
        elsewhere, edited), or is of another version or shape.  The signature is checked
        before a byte of the pickle is read."""
        cache = cls(version)
        if key is None or not _own_folder(path.parent):
            return cache
        try:  # a plain file, not through a link: never a device, a FIFO or a file elsewhere
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(
                os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return cache
                raw = handle.read(_MAX_BYTES + 1)
        except OSError:
            return cache
        payload = _verified(raw, key)
        if payload is None:
            return cache
        try:
            saved_version, rows = _Unpickler(io.BytesIO(payload)).load()
        except Exception:  # signed by this key but not readable: one of ours cut short
            return cache
        if saved_version != version or type(rows) is not dict:
            return cache
        for name, row in rows.items():
            entry = _entry(name, row)
            if entry is not None:  # one out of shape is dropped: its file is read again
                cache.entries[name] = entry
        return cache

    def save(self, path: Path, key: bytes | None) -> None:
        """Write the entries used (``finish`` first) as plain data, whole, signed with
        ``key``; say nothing if it cannot (or there is no key), and write nothing when
        nothing changed."""
        if key is None or (not self.read and self.used.keys() == self.entries.keys()):
            return
        rows = {name: _row(e) for name, e in self.used.items() if e.digest is not None}
        payload = pickle.dumps((self.version, rows), protocol=pickle.HIGHEST_PROTOCOL)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _own_folder(path.parent):  # a link committed in its place: write nothing
                return
            ignore = path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC + _mac(key, payload) + payload)
            os.replace(tmp, path)
        except Exception:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def _own_folder(folder: Path) -> bool:
    """Whether the cache's folder is a plain folder of its own, not a symbolic link (one
    committed to the repository would send the cache's files anywhere)."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False


# --- the signature ---------------------------------------------------------------------
# A cache file is MAGIC, then an HMAC-SHA256 of MAGIC and the payload under this machine's
# key, then the payload (a pickle of plain data).  The key is 32 random bytes in the user's
# cache folder, outside every repository, readable by the user alone: a cache that a pull
# request carries, or that was made on another machine, fails the check and is rebuilt.

_MAGIC = b"leaderboard-generator validate cache 2\n"
_MAX_BYTES = 512 * 1024 * 1024  # a larger file is no cache of ours
KEY_BYTES = 32


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _MAGIC + payload, hashlib.sha256).digest()


def _verified(raw: bytes, key: bytes) -> bytes | None:
    """The payload of a cache file if this key signed it, else None."""
    head = len(_MAGIC) + hashlib.sha256().digest_size
    if len(raw) > _MAX_BYTES or len(raw) < head or not raw.startswith(_MAGIC):
        return None
    mac, payload = raw[len(_MAGIC):head], raw[head:]
    return payload if hmac.compare_digest(mac, _mac(key, payload)) else None


def key_path() -> Path:
    """Where this user's key lives: ``$XDG_CACHE_HOME/leaderboard-generator/cache-key``
    (``~/.cache/...`` when the variable is unset or not an absolute path)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "leaderboard-generator" / "cache-key"


def machine_key() -> bytes | None:
    """This user's key for signing caches, made (mode 0600) on first use; None when it
    cannot be read or made, or is not the user's own file readable by the user alone (then
    no cache is read or written)."""
    try:
        path = key_path()
        try:
            return _read_key(path)
        except FileNotFoundError:
            pass
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-key.", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
            try:
                os.link(tmp, path)  # never over a key another run made meanwhile
            except FileExistsError:
                pass
            except OSError:  # no hard links here
                os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return _read_key(path)
    except (OSError, RuntimeError, ValueError):  # RuntimeError: no home folder
        return None


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077 or not mine \
                or st.st_size != KEY_BYTES:
            raise ValueError("not a key of this user's alone")
        key = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(key) != KEY_BYTES:
        raise ValueError("a key cut short")
    return key


# --- entries on disk -----------------------------------------------------------------
# An entry on disk, one flat tuple (half the time to unpickle of nested ones): the
# content's digest, the own problems as (line, col, message, severity), the facts without
# their path (the entry's) but whether they have one.  No stamp: on disk an entry is found
# by the content's digest alone.
_WIDTH = 1 + 1 + 9


def _row(e: Entry) -> tuple:
    kind, id_, file, *rest = astuple(e.facts)
    return (e.digest, [(p.line, p.col, p.message, p.severity) for p in e.problems] or (),
            kind, id_, bool(file), *(r if r or not isinstance(r, list) else () for r in rest))


def _entry(name: object, row: object) -> Entry | None:
    """The entry of the file ``name`` (its path as the data folder's listing gives it), or
    None when the row is not one ``_row`` makes: every field's type is checked, so nothing
    later meets a value it does not expect."""
    if type(name) is not str or type(row) is not tuple or len(row) != _WIDTH:
        return None
    key, problems, kind, id_, has_file, parents, datasets, relative, boards, results, papers = row
    if type(key) is not str or kind not in ("task", "dataset") or type(id_) is not str \
            or type(has_file) is not bool or type(boards) is not int \
            or type(results) is not int:
        return None
    if not _problem_rows(problems) or not all(
            _references(r) for r in (parents, datasets, relative, papers)):
        return None
    facts = validate.Facts(kind, id_, name if has_file else "", list(parents),
                           list(datasets), list(relative), boards, results, list(papers))
    return Entry(None, key, [Problem(name, *p) for p in problems], facts)


def _problem_rows(rows: object) -> bool:
    return type(rows) in (list, tuple) and all(
        type(p) is tuple and len(p) == 4 and type(p[0]) is int and type(p[1]) is int
        and type(p[2]) is str and p[3] in ("error", "warning") for p in rows)


def _references(rows: object) -> bool:
    """(path in the file, text) pairs, a path being a tuple of keys and indexes."""
    return type(rows) in (list, tuple) and all(
        type(r) is tuple and len(r) == 2 and type(r[0]) is tuple and type(r[1]) is str
        and all(type(k) in (str, int) for k in r[0]) for r in rows)


class _Unpickler(pickle.Unpickler):
    """Plain data only (tuples, lists, dicts, strings, numbers): no class may be built.  A
    second wall: only a payload this machine signed is unpickled at all."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"not in a validation cache: {module}.{name}")
