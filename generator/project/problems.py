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
        """One line, whatever the message or the file's name holds: control characters are
        shown escaped, and nothing in it is a command to a CI runner (``log_line``)."""
        prefix = "warning: " if self.severity == "warning" else ""
        message = shown(self.message)
        if not self.file:
            return log_line(f"{prefix or 'error: '}{message}")
        path = shown(display_path(self.file))
        if path.lstrip().startswith(":"):  # the line would start a "::" command
            path = "./" + path
        if self.line <= 0:  # about a file or folder as a whole
            return log_line(f"{path}: {prefix}{message}")
        if self.col <= 0:  # a line of a page
            return log_line(f"{path}:{self.line}: {prefix}{message}")
        return log_line(f"{path}:{self.line}:{self.col}: {prefix}{message}")

    def annotation(self) -> str:
        """The problem as a GitHub Actions workflow command (``::error file=…,line=…::…``),
        so that it shows on its line in a pull request: every field escaped by the runner's
        rules, so no file name or message can end the command or start another."""
        level = "warning" if self.severity == "warning" else "error"
        where = f"file={workflow_property(display_path(self.file))},line={self.line}," \
                f"col={self.col}" if self.file else ""
        return f"::{level} {where}::{workflow_data(shown(self.message))}" if where \
            else f"::{level}::{workflow_data(shown(self.message))}"


def shown(text: str) -> str:
    """``text`` on one line: control characters, line separators and invisible characters
    as their escapes (``\\n``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], text)


# --- what a CI log reads as a command ---------------------------------------------------
# The GitHub Actions runner reads a line of a step's output (stdout or stderr) as a workflow
# command when, leading blanks aside, it starts with "::" (``::error file=x::message``), or
# when it holds "##[" anywhere (the older form, ``##[error]message``), each followed by a
# command's name.  Data quoted in a log line must never form either.

_WORD_JOINER = "\u2060"  # no width, no break: the line reads the same
# a line's start (the runner ends a line at \r or \n), its blanks, then "::"
_COMMAND_START = re.compile(r"((?:^|[\r\n])[^\S\r\n]*:):")


def log_line(text: str) -> str:
    """Text to print in a CI log, each of its lines inert: a line starting with "::" gets a
    word joiner between the colons, every "##[" one before the "["."""
    text = text.replace("##[", "##" + _WORD_JOINER + "[")
    return _COMMAND_START.sub(lambda m: m[1] + _WORD_JOINER + ":", text)


def workflow_data(text: str) -> str:
    """The message of a workflow command, escaped as the runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property's value (``file=…``) of a workflow command, escaped as the runner
    unescapes it: a ':' or ',' would end it."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


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
