"""Output: the generated sections of README.md.

README.md holds sections between ``<!-- BEGIN GENERATED: NAME -->`` and
``<!-- END GENERATED: NAME -->``; each is drawn by ``templates/readme_NAME.md.j2``.
Text outside the markers is never touched.

A marker is a line of its own at the start of the line, outside code blocks (a README
may show the markers in a fenced example), and an END closes the BEGIN of the same name.
Nothing the data holds can forge one: a marker line the data would put into a section
(in a fenced code block of some notes) is written one space in, where it is no marker,
and a code block the data leaves open is closed before the END marker.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from functools import lru_cache

from markdown_it import MarkdownIt

from generator.outputs import render
from generator.project.model import Project
from generator.project.problems import InputError, Problem
from generator.rules import files

BEGIN = re.compile(r"^<!-- BEGIN GENERATED: ([a-z_]+) -->[ \t]*$")
END = re.compile(r"^<!-- END GENERATED: ([a-z_]+) -->[ \t]*$")
SECTIONS = ("summary", "leaderboards")


def section(name: str, project: Project, templates=None) -> str:
    if name == "leaderboards":
        context = {"tasks": [(t, render.markdown_boards(t, project)) for t in project.tasks]}
    else:
        context = {"project": project, "dataset_urls": {
            d.id: render.dataset_website(d) for d in project.datasets.values()}}
    return unforgeable(render.render(f"readme_{name}.md.j2", templates, **context))


# lines as markdown counts them: only CR LF, CR and LF end one (str.splitlines would also
# split at a form feed or U+2028, and the line numbers would drift from markdown-it's)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@lru_cache(maxsize=1)
def _blocks() -> MarkdownIt:
    """CommonMark's block structure only (where code blocks start and end): no inline pass."""
    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def code_lines(text: str) -> dict[int, int]:
    """{index of a line in a code block (0-based): the 1-based line where the block opens},
    fenced or indented, at any depth, as CommonMark reads ``text``."""
    inside: dict[int, int] = {}
    for token in _blocks().parse(text):
        if token.type in ("fence", "code_block") and token.map:
            inside.update(dict.fromkeys(range(*token.map), token.map[0] + 1))
    return inside


def _open_fence(text: str) -> str | None:
    """The line that closes the code block ``text`` leaves open at its end, or None."""
    lines = _LINE.findall(text)
    for token in reversed(_blocks().parse(text)):
        if token.type != "fence" or token.level != 0 or not token.map:
            continue
        last = lines[token.map[1] - 1].rstrip("\r\n") if token.map[1] - 1 < len(lines) else ""
        closed = token.map[1] - token.map[0] > 1 and re.fullmatch(
            rf" {{0,3}}{re.escape(token.markup[0])}{{{len(token.markup)},}}[ \t]*", last)
        return None if closed else token.markup
    return None


def unforgeable(section_text: str) -> str:
    """A generated section as it can stand between its markers: a line the data made that
    reads as a marker moves one space in (in a code block it shows so; elsewhere an
    indented HTML comment is no marker), and a fenced code block left open is closed, so
    that it cannot swallow the END marker and the text after it."""
    lines = _LINE.findall(section_text)
    for i, line in enumerate(lines):
        stripped = line.rstrip("\r\n")
        if BEGIN.match(stripped) or END.match(stripped):
            lines[i] = " " + line
    text = "".join(lines)
    fence = _open_fence(text)
    if fence is not None:
        text = text.rstrip("\n") + "\n" + fence + "\n"
    return text


def regenerate(text: str, project: Project, path: str = "README.md", templates=None) -> str:
    """The README text with every generated section drawn anew."""
    lines = _LINE.findall(text)
    in_code = code_lines(text)
    out: list[str] = []
    open_name, open_line, seen, hidden = None, 0, set(), None
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip("\r\n")
        begin, end = BEGIN.match(stripped), END.match(stripped)
        if (begin or end) and number - 1 in in_code:  # shown in a code block: not a marker
            if end and open_name is not None and end[1] == open_name and hidden is None:
                hidden = (number, in_code[number - 1])
            begin = end = None
        if open_name is None:
            if end:
                raise InputError(Problem(path, number, 1, f"END marker for '{end[1]}' without a BEGIN"))
            out.append(line)
            if begin:
                name = begin[1]
                if name not in SECTIONS:
                    raise InputError(Problem(path, number, 1, f"unknown generated section '{name}' "
                                                              f"(known: {', '.join(SECTIONS)})"))
                if name in seen:
                    raise InputError(Problem(path, number, 1, f"section '{name}' appears twice"))
                open_name, open_line = name, number
        elif end:
            if end[1] != open_name:
                raise InputError(Problem(path, number, 1, f"END marker for '{end[1]}' closes "
                                                          f"'{open_name}' opened at line {open_line}"))
            body = "\n" + section(open_name, project, templates).strip("\n") + "\n\n"
            out.append(body.replace("\n", "\r\n") if line.endswith("\r\n") else body)
            out.append(line)
            seen.add(open_name)
            open_name, hidden = None, None
        elif begin:
            raise InputError(Problem(path, number, 1, f"BEGIN marker inside section '{open_name}' "
                                                      f"opened at line {open_line}"))
    if open_name is not None:
        why = "" if hidden is None else (f": the one at line {hidden[0]} is inside a code block "
                                         f"opened at line {hidden[1]}; close that block first")
        raise InputError(Problem(path, open_line, 1,
                                 f"section '{open_name}' has no END marker{why}"))
    if not seen:
        raise InputError(Problem(path, 1, 1, "no generated sections: add a pair of markers "
                                             "<!-- BEGIN GENERATED: summary --> and "
                                             "<!-- END GENERATED: summary -->"))
    return "".join(out)


def diff(old: str, new: str, path: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"{path} (committed)", tofile=f"{path} (from data)"))


def read(path: Path) -> str:
    """The README as it is on disk, line endings included (a CRLF file stays CRLF)."""
    try:
        return files.read_text(path)
    except files.Unreadable as exc:
        raise InputError(Problem(str(path), exc.line, exc.col, exc.message)) from None
