"""Output: the generated sections of README.md.

README.md holds sections between ``<!-- BEGIN GENERATED: NAME -->`` and
``<!-- END GENERATED: NAME -->``; each is drawn by ``templates/readme_NAME.md.j2``.
Text outside the markers is never touched.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

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
    return render.render(f"readme_{name}.md.j2", templates, **context)


def regenerate(text: str, project: Project, path: str = "README.md", templates=None) -> str:
    """The README text with every generated section drawn anew."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    open_name, open_line, seen = None, 0, set()
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip("\r\n")
        begin, end = BEGIN.match(stripped), END.match(stripped)
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
            open_name = None
        elif begin:
            raise InputError(Problem(path, number, 1, f"BEGIN marker inside section '{open_name}' "
                                                      f"opened at line {open_line}"))
    if open_name is not None:
        raise InputError(Problem(path, open_line, 1, f"section '{open_name}' has no END marker"))
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
