"""Writing outputs without ever leaving a half-written file, and saying why a write failed.

Every writer goes through ``write_text``: the text goes to a temporary file in
the same folder (``.NAME.XXXX.tmp``), which then replaces the target in one
rename, so a reader sees the old file or the new one and a killed or failed
write leaves the old file as it was.

A failure of the disk (read-only, full, a missing folder) is not a bug, so it
is raised as ``OutputError``: an ``OSError`` that knows what was being done
to which path, for the command line to print as one line
(``cannot write README.md: No space left on device``) instead of a traceback.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

from generator.project.problems import display_path


class OutputError(OSError):
    """An ``OSError`` with the verb and path a user needs: ``cannot VERB PATH: REASON``."""

    def __init__(self, verb: str, path: Path | str, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.verb = verb

    def __str__(self) -> str:
        return f"cannot {self.verb} {display_path(self.filename)}: {self.strerror}"


def describe(exc: OSError) -> str:
    """One line for any ``OSError``: ours say what failed; others name their path."""
    if isinstance(exc, OutputError):
        return str(exc)
    reason = exc.strerror or str(exc)
    if exc.filename is not None:
        return f"{display_path(os.fsdecode(exc.filename))}: {reason}"
    return reason


def default_mode(kind: str = "file") -> int:
    """The permissions a plain ``open``/``mkdir`` would give: temporary files and folders
    are created private (0600/0700), which must not leak into the published output."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if kind == "folder" else 0o666) & ~mask


def make_folder(folder: Path) -> None:
    """``mkdir -p``, failing as ``cannot create folder PATH: REASON``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("create folder", _first_missing(folder), exc) from None


def _first_missing(folder: Path) -> Path:
    """The outermost folder of ``folder`` that does not exist: the one that could not be made."""
    missing = folder
    for parent in folder.parents:
        if parent.exists():
            break
        missing = parent
    return missing


def write_text(path: Path | str, text: str, fsync: bool = True) -> None:
    """Replace ``path`` with ``text`` (UTF-8, line endings as given) in one rename.

    The file keeps its permissions; a new one gets the umask's.  ``fsync`` makes the
    new bytes durable before the rename, so even a power cut leaves old or new.
    """
    path = Path(path)
    make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError("write", path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            mode = default_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError("write", path, exc) from None
    except BaseException:
        _unlink(tmp)
        raise


class Spooler:
    """New files written into a fresh folder (a build's staging folder) by child processes,
    while the build goes on: on the archive a build writes 30,000 badges, exports and
    stamped pages, and the second core and the disk's waits then overlap the build's own
    work.  (A thread would not: it needs the interpreter lock around every write, and a busy
    build hands it over only every few milliseconds.)

    ``write_all(items)`` forks a child that iterates ``items`` (pairs of path and text, made
    lazily in the child) and writes each file in place: the folder is published only once
    the whole build has succeeded.  ``finish`` waits for every child and raises the first
    write error as the ``OSError`` it was; ``abandon`` stops them.  Where ``fork`` is not
    available, or with ``fork=False``, the files are written at once: a rebuild of
    `mkdocs serve` writes a handful, and forking a process as big as one holding the
    archive costs more than writing them.  With ``thread=True`` as well, a thread writes
    them: a handful, but among them data/all.json, tens of megabytes on the archive, whose
    writing the system does without the interpreter lock.
    """

    def __init__(self, fork: bool = True, thread: bool = False) -> None:
        self._children: list[tuple[int, int]] = []  # (pid, read end of its error pipe)
        self._threads: list[tuple[threading.Thread, list]] = []  # (thread, its error)
        self.fork, self.thread = fork, thread

    def write_all(self, items: Iterable[tuple[Path, str]]) -> None:
        if (not self.fork or not hasattr(os, "fork")) and self.thread:
            failed: list[BaseException] = []

            def write() -> None:
                try:
                    _write_new(items)
                except BaseException as exc:  # raised by finish, in the build's thread
                    failed.append(exc)
            thread = threading.Thread(target=write, daemon=True)
            thread.start()
            self._threads.append((thread, failed))
            return
        if not self.fork or not hasattr(os, "fork"):
            _write_new(items)
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write, report a failure on the pipe, never return
            status = 0
            try:
                os.close(read_end)
                _write_new(items)
            except OSError as exc:
                os.write(write_end, json.dumps([exc.errno, exc.strerror, os.fsdecode(
                    exc.filename) if exc.filename is not None else None]).encode())
                status = 1
            except BaseException as exc:  # a bug: say what it was, still in one piece
                os.write(write_end, json.dumps([None, repr(exc), None]).encode())
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        self._children.append((pid, read_end))

    def finish(self) -> None:
        threads, self._threads = self._threads, []
        errors = []
        for thread, failed in threads:
            thread.join()
            errors += failed
        if errors:
            raise errors[0]
        failures = []
        for pid, read_end in self._take():
            with os.fdopen(read_end, "rb") as pipe:
                report = pipe.read()
            os.waitpid(pid, 0)
            if report:
                failures.append(json.loads(report))
        if failures:
            errno_, reason, filename = failures[0]
            if errno_ is None:
                raise RuntimeError(f"writing the site failed: {reason}")
            raise OSError(errno_, reason, filename)

    def abandon(self) -> None:
        threads, self._threads = self._threads, []
        for thread, _ in threads:  # a thread cannot be stopped: its files go with the folder
            thread.join()
        for pid, read_end in self._take():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(read_end)

    def _take(self) -> list[tuple[int, int]]:
        children, self._children = self._children, []
        return children


def _write_new(items: Iterable[tuple[Path, str]]) -> None:
    """Write new files (``[(path, text)]``, UTF-8, line endings as given)."""
    made: set[Path] = set()
    for path, text in items:
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        write_file(path, text)


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to the file at ``path`` as it is (UTF-8, line endings as given), in
    place: for a file no reader sees until its folder is published."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class Lock:
    """An exclusive lock on ``.NAME.lock`` next to ``target``, so writers of one output
    take turns: flock, released by the kernel even if the process is killed.

    The lock file is removed on release, so nothing is left behind after a run; a
    waiter that then gets the lock on the removed file notices (its inode is no longer
    the one at the path) and tries again.  ``on_wait`` is called once if another
    process holds the lock; ``timeout`` (seconds) gives up with ``TimeoutError``.
    """

    def __init__(self, target: Path, on_wait: Callable[[], None] | None = None,
                 timeout: float | None = None, shown: Path | str | None = None):
        self.target = Path(target)
        self.shown = Path(shown) if shown is not None else self.target  # for messages
        self.path = self.target.with_name(f".{self.target.name}.lock")
        self.on_wait, self.timeout = on_wait, timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        make_folder(self.path.parent)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        waited = False
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise OutputError("write", self.shown, exc) from None
            try:
                if not self._flock(fd, deadline, waited):
                    waited = True
                    continue
                if self._is_current(fd):
                    self._fd = fd
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # locked a lock file its holder had just removed: take the new one

    def _flock(self, fd: int, deadline: float | None, waited: bool) -> bool:
        """Lock ``fd``: True once held; False after a first failed try (tell and retry)."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        if not waited:
            os.close(fd)
            if self.on_wait is not None:
                self.on_wait()
            return False
        if deadline is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return True
        while time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                pass
        raise TimeoutError(f"another run is still writing {display_path(self.shown)}; "
                           f"gave up after {self.timeout:g} s")

    def _is_current(self, fd: int) -> bool:
        try:
            here = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlink(str(self.path))  # while still holding it: see the class's docstring
        except OSError:
            pass  # a lock file left behind is harmless (and ignored by git)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "Lock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def link_from(previous: Path, path: Path) -> bool:
    """Make ``path`` the very file ``previous`` is (a hard link, in place of what ``path``
    was): a file of the last build that this one would write again byte for byte.  False
    if it cannot be (then write it)."""
    try:
        if not previous.is_file() or os.path.samefile(previous.parent, path.parent):
            return False
        tmp = f"{path}.lb-link"
        _unlink(tmp)
        os.link(previous, tmp)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
