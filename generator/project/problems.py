"""Problems found in input files, and how they are printed.

Every stage reports what is wrong as a ``Problem``: a file, a 1-based line and
column, and one sentence.  The command line prints them as
``path:LINE:COL: message`` so editors and CI annotations can jump to them.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


# what would break a message's line (control characters, Unicode line separators) or hide
# in it (zero-width and text-direction characters): shown as escapes
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u00ad\u061c\u180e\u200b-\u200f"
                          "\u202a-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        """One line, whatever the message quotes: control characters are shown escaped."""
        prefix = "warning: " if self.severity == "warning" else ""
        message = _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], self.message)
        if not self.file:
            return f"{prefix or 'error: '}{message}"
        if self.line <= 0:  # about a file or folder as a whole
            return f"{display_path(self.file)}: {prefix}{message}"
        if self.col <= 0:  # a line of a page
            return f"{display_path(self.file)}:{self.line}: {prefix}{message}"
        return f"{display_path(self.file)}:{self.line}:{self.col}: {prefix}{message}"


def general(message: str, file: str = "") -> Problem:
    """A problem not tied to a line: a missing folder, an unknown task name."""
    return Problem(file, 0, 0, message)


class InputError(Exception):
    """Bad input that stops a command: carries the problems to print."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def display_path(path: str | os.PathLike) -> str:
    """The path relative to the working directory when it lies below it."""
    p = Path(path)
    try:  # not resolve(): a symbolic link is named as written, not as where it leads
        return str(Path(os.path.abspath(p)).relative_to(Path(os.path.abspath(Path.cwd()))))
    except (ValueError, OSError):
        return str(p)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
