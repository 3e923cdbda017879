"""Reading a text file someone else wrote: a data file, a page to import, the README.

One way for every stage: only a regular file (a FIFO would block the read, a device
never end), at most a given size (checked before and while reading), UTF-8 (a bad byte
reported at its line and character column), a byte-order mark skipped, line endings
kept as written.
"""
from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # real task files are a few hundred KiB


@dataclass
class Unreadable(Exception):
    """Why a file could not be read as text, and where (1-based; 1:1 for the whole file)."""

    line: int
    col: int
    message: str


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text; raises Unreadable."""
    too_big = f"file is larger than {max_bytes // (1024 * 1024)} MiB"
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(1, 1, "not a regular file: a data file must be a plain file")
        if info.st_size > max_bytes:
            raise Unreadable(1, 1, too_big)
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Unreadable(1, 1, f"cannot read file: {exc.strerror}") from None
    if len(raw) > max_bytes:  # it grew while we looked
        raise Unreadable(1, 1, too_big)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        col = len(raw[start: exc.start].decode("utf-8", errors="replace")) + 1
        raise Unreadable(line, col, "file is not valid UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text
