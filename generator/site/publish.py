"""Replacing an output folder whole: build beside it, then swap it in.

Used by ``mkdocs build`` (through the plugin) and by ``export``/``pages``.  The
steps, none of which needs MkDocs:

1. take the folder's lock (``fsutil.Lock``: ``.NAME.lock`` beside it), so two
   runs writing one folder take turns instead of mixing their files;
2. write into a fresh staging folder beside it (``.NAME.building-XXXX``: a
   unique name, on the same file system so that renames work);
3. swap it in.  On Linux ``renameat2(RENAME_EXCHANGE)`` exchanges the two
   folders in one step, so the output path always holds a complete folder;
   the old one is then removed.  Where that call is missing (another OS, or a
   file system that does not support it) the old folder is renamed aside
   (``.NAME.old-XXXX``) and the new one renamed in: the old site stays whole
   until then, but for the instant between the two renames the path does not
   exist.

A run that fails or is killed leaves the old folder as it was; a killed run's
staging folder is removed by the next run (under the lock), and ``.gitignore``
covers all these names.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable

from generator.site.fsutil import Lock, OutputError, default_mode, make_folder, write_file, write_text
from generator.project.problems import InputError, display_path, general

MARKER = ".leaderboard-output"  # in folders written by `export` / `pages`: safe to replace
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "ppc64le": 357, "s390x": 347}


def _renameat2() -> Callable[[str, str], int] | None:
    """``renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)`` through libc (glibc 2.28+),
    else through ``syscall`` on the architectures whose number is known; None elsewhere."""
    if platform.system() != "Linux":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    func = getattr(libc, "renameat2", None)
    if func is not None:
        return lambda a, b: func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                 _RENAME_EXCHANGE)
    number, syscall = _SYS_RENAMEAT2.get(platform.machine()), getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    return lambda a, b: syscall(number, _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                                _RENAME_EXCHANGE)


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the platform cannot."""
    func = _renameat2()
    if func is None:
        return False
    if func(str(a), str(b)) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, target: Path, atomic: bool = True,
            remover: Callable[[Path], None] | None = None) -> None:
    """Put ``staging`` at ``target``; the old ``target`` is removed once replaced (by
    ``remover``, default ``remove``).  ``atomic=False`` takes the two-rename way (what
    platforms without an exchange get)."""
    remover = remover or remove
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    if atomic and exchange(staging, target):
        remover(staging)  # it holds the old folder now
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, old)  # replaces the empty folder just made
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)
        raise
    remover(old)


def remove(path: Path) -> None:
    """Best effort: what is left (gitignored) goes with the next run's ``sweep``."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


_removing: list[threading.Thread] = []


def _remove_in_thread(path: Path) -> None:
    thread = threading.Thread(target=remove, args=(path,), daemon=True)
    thread.start()
    _removing.append(thread)


def finish_removals() -> None:
    """Wait for the replaced sites still being removed (``Output.remove_later``)."""
    while _removing:
        _removing.pop().join()


def sweep(target: Path) -> None:
    """Remove what killed runs left beside ``target``; only safe while holding its lock."""
    for prefix in (f".{target.name}.building-", f".{target.name}.old-"):
        for path in target.parent.glob(f"{glob_escape(prefix)}*"):
            remove(path)


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


class Output:
    """One output folder being rebuilt: lock, staging folder, swap (or nothing, on failure).

    ``open()`` returns the folder to write into; ``publish()`` swaps it in;
    ``abandon()`` throws it away.  Both release the lock.  ``staged=False`` writes into
    the folder itself (for ``mkdocs build --dirty``, which updates a site in place) but
    still takes the lock.
    """

    def __init__(self, target: Path | str, on_wait: Callable[[], None] | None = None,
                 timeout: float | None = None):
        # the folder a symbolic link leads to is the one replaced, not the link
        self.target = Path(os.path.realpath(os.path.abspath(target)))
        self.shown = Path(target)  # how the user wrote it, for messages
        self.lock = Lock(self.target, on_wait, timeout, shown=self.shown)
        self.staging: Path | None = None
        # remove the replaced site in a thread, while the new one is served (`mkdocs serve`);
        # what is left when the process ends goes with the next run's sweep
        self.remove_later = False

    def open(self, staged: bool = True) -> Path:
        make_folder(self.target.parent)
        self.lock.acquire()
        try:
            if not staged:
                return self.target
            sweep(self.target)
            try:
                staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.building-",
                                                dir=self.target.parent))
            except OSError as exc:
                raise OutputError("write", self.shown, exc) from None
            self.staging = staging
            try:
                mode = self.target.stat().st_mode & 0o7777 if self.target.is_dir() \
                    else default_mode("folder")
                os.chmod(staging, mode)  # mkdtemp's folder is private
            except OSError as exc:
                raise OutputError("write", self.shown, exc) from None
            return staging
        except BaseException:
            self.abandon()
            raise

    def publish(self) -> None:
        try:
            if self.staging is not None:
                try:
                    swap_in(self.staging, self.target,
                            remover=_remove_in_thread if self.remove_later else None)
                except OSError as exc:
                    raise OutputError("replace", self.shown, exc) from None
                self.staging = None
        finally:
            self.abandon()

    def abandon(self) -> None:
        try:
            if self.staging is not None:
                remove(self.staging)
                self.staging = None
        finally:
            self.lock.release()


class StagedFolder:
    """``with StagedFolder(DIR, "export") as out: out.write_text("a/b.json", text)``:
    everything is written beside DIR and swapped in whole when the block ends without
    an error; else DIR stays as it was.

    DIR must be new, empty, or written by an earlier run (it holds ``MARKER``): a
    mistyped ``--out`` must never replace someone's folder.
    """

    def __init__(self, target: Path | str, command: str,
                 on_wait: Callable[[], None] | None = None):
        self.output = Output(target, on_wait)
        self.command = command
        self.folder: Path | None = None

    def __enter__(self) -> "StagedFolder":
        self._refuse_unless_replaceable(locked=False)
        self.folder = self.output.open()
        try:
            self._refuse_unless_replaceable(locked=True)
        except BaseException:
            self.output.abandon()
            raise
        return self

    def _refuse_unless_replaceable(self, locked: bool) -> None:
        target, shown = self.output.target, self.output.shown
        here = Path(os.path.realpath(os.getcwd()))
        if not locked and (target == here or target in here.parents):
            raise InputError(general(f"--out {shown} is the current folder or holds it; "
                                     "choose a folder of its own for the output"))
        if not os.path.lexists(target):
            return
        if not target.is_dir():
            raise InputError(general("--out must be a folder, and this is a file", str(shown)))
        if locked and any(True for _ in target.iterdir()) and not (target / MARKER).is_file():
            raise InputError(general(
                f"not replacing this folder: it is not empty and was not written by "
                f"'{self.command}' (no {MARKER} file); choose a new or empty folder",
                str(shown)))

    def write_text(self, relative: str, text: str) -> None:
        assert self.folder is not None
        path = self.folder / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # the staging folder is private until swapped in: no temporary file per
            # file, and no fsync (a crash loses the staging folder, never the output)
            write_file(path, text)
        except OSError as exc:
            raise OutputError("write", self.output.shown / relative, exc) from None

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:
            self.output.abandon()
            return
        try:
            write_text(self.folder / MARKER,
                       f"Written by `leaderboard {self.command}`. The next run replaces this "
                       "folder whole: do not keep other files here.\n", fsync=False)
        except OSError as exc:
            self.output.abandon()
            raise OutputError("write", self.output.shown, exc) from None
        self.output.publish()

    @property
    def shown(self) -> str:
        return display_path(self.output.shown)
