"""Input: a result submitted through the issue form "Add a result" (``submission``).

The form is ``generator/forms/add-result.yml`` (``FORM``), the one copy that
``.github/ISSUE_TEMPLATE/add-result.yml`` and the sites ``leaderboard init`` makes hold as
it is.  GitHub writes a filled form into the issue's body as a ``### Label`` heading per
field followed by its value (``_No response_`` when left empty); the labels are read from
the form itself, so the form and this reader cannot drift apart.

Every field is checked first, and each problem names the field by its label
(``Values: line 2: 'mIoU=high' is not a number``).  The result then goes the way of
``add``: validated with the rest of the data before the file is touched, only its lines
written, comments kept.  A correction (``Correction of``: a result's permalink) takes the
place of the result it corrects, in its lines.  The summary is ``diff``'s comparison of the
data before and after, as markdown.

The body comes from a stranger, and what is printed may be posted back on GitHub or land in
a workflow's log: the body is capped (``MAX_BODY`` bytes, each field's lines and length),
control characters and GitHub's expression syntax ``${{`` are refused, and every line
printed is inert -- no workflow command (``log_line``), no mention, issue link or image
(``diff.inert``; names and messages are markdown-escaped).
"""
from __future__ import annotations

import re
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

import yaml

from generator.outputs.render import md_code, md_text
from generator.project.model import Leaderboard, Project, Result, Task
from generator.project.pipeline import Loaded, load_project
from generator.project.problems import InputError, Problem, display_path, general, log_line, shown
from generator.rules.numbers import number_from_text
from generator.site.fsutil import Lock, write_text
from generator.tools import add as adding
from generator.tools import diff
from generator.views.leaderboard import result_anchors

#: The form, as package data of ``generator``.
FORM = "forms/add-result.yml"
#: The longest body read, in bytes (GitHub allows 65,536 characters in an issue's body).
MAX_BODY = 65536
#: Lines a multi-line field may hold.
MAX_LINES = {"values": 100, "code": 20, "weights": 20, "notes": 50}
#: Characters a field may hold (one line, unless it is in ``MAX_LINES``).
MAX_CHARS = {"model": 200, "paper_title": 500, "extra_data": 500, "notes": 3000}
MAX_CHARS_DEFAULT = 2000
#: How many known names a problem lists (the tasks of a site, its leaderboards).
MAX_LISTED = 10
NO_RESPONSE = "_No response_"

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HEADING = re.compile(r"^###[ \t]+(.*?)[ \t]*$")
_ID = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_HTTP = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
_DATE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$")
_PLUS_MINUS = re.compile(r"\s*(?:±|\+/-|\+-)\s*")
_NA = ("N/A", "NA", "NULL")


# --- the form ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    id: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()

    @property
    def one_line(self) -> bool:
        return self.type in ("input", "dropdown")


def form_text() -> str:
    """The form's YAML, as shipped in the package."""
    return resources.files("generator").joinpath(FORM).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def form_fields() -> dict[str, Field]:
    """The form's fields by id, in the form's order."""
    form = yaml.safe_load(form_text())
    out = {}
    for element in form["body"]:
        if element["type"] == "markdown":
            continue
        attributes = element["attributes"]
        options = tuple(o if isinstance(o, str) else o["label"]
                        for o in attributes.get("options", ()))
        out[element["id"]] = Field(element["id"], attributes["label"], element["type"],
                                   bool(element.get("validations", {}).get("required")), options)
    return out


def form_name() -> str:
    return yaml.safe_load(form_text())["name"]


def _label(field_id: str) -> str:
    return form_fields()[field_id].label


# --- problems --------------------------------------------------------------------------------

def _quote(text: str, limit: int = 80) -> str:
    """User text quoted in a message: on one line, cut when long."""
    text = shown(text)
    return repr(text[:limit] + "…" if len(text) > limit else text)


class Problems:
    """The problems found, each naming the form's field by its label."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.fields: set[str] = set()  # the fields with a problem

    def add(self, field_id: str | None, message: str) -> None:
        text = f"{_label(field_id)}: {message}" if field_id else message
        if field_id:
            self.fields.add(field_id)
        if all(p.message != text for p in self.found):
            self.found.append(general(text))

    def __bool__(self) -> bool:
        return bool(self.found)


# --- the body --------------------------------------------------------------------------------

def read_body(path: Path) -> str:
    """The body's text (``-``: standard input), at most ``MAX_BODY`` bytes, with its line
    endings made \\n."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_BODY + 1)
    else:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise InputError(general(f"the issue's body is longer than {MAX_BODY:,} bytes; a "
                                 "result needs far less: nothing was read"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(general("the issue's body is not UTF-8 text")) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_body(text: str, problems: Problems) -> dict[str, str | None]:
    """Each field's value by id (None: left empty, or not in the body), as GitHub writes a
    filled form: ``### Label``, then the value up to the next field's heading."""
    fields = form_fields()
    by_label = {f.label: f.id for f in fields.values()}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        field_id = by_label.get(heading[1]) if heading else None
        if field_id is not None:
            if field_id in sections:
                problems.add(field_id, f"the heading '### {heading[1]}' is in the issue twice; "
                                       "edit the issue so that each field is there once")
            current = sections[field_id] = []
        elif current is not None:
            current.append(line)
        # text before the first field's heading is not part of the form: not read
    if not sections:
        problems.add(None, f"this issue was not written with the form '{form_name()}': none "
                           "of its fields is there (a heading '### "
                           f"{next(iter(fields.values())).label}' and so on); open a new "
                           "issue with that form")
        return {}
    values: dict[str, str | None] = {}
    for field_id, f in fields.items():
        value = "\n".join(sections.get(field_id, [])).strip("\n")
        value = "\n".join(line.rstrip() for line in value.split("\n")).strip()
        values[field_id] = None if value in ("", NO_RESPONSE) else value
    return values


def _check_text(values: dict[str, str | None], problems: Problems) -> None:
    """What no field may hold, whatever it is: too much, control characters, ``${{``."""
    for field_id, value in values.items():
        if value is None:
            continue
        f = form_fields()[field_id]
        control = _CONTROL.search(value)
        if control:
            problems.add(field_id, f"holds the control character {shown(control[0])}, which "
                                   "no result needs; remove it")
            values[field_id] = None
            continue
        if "${{" in value:
            problems.add(field_id, "holds '${{', the expression syntax of GitHub's "
                                   "workflows, which no result needs; remove it")
            values[field_id] = None
            continue
        lines = value.split("\n")
        limit = MAX_CHARS.get(field_id, MAX_CHARS_DEFAULT)
        if f.one_line and len(lines) > 1:
            problems.add(field_id, f"must be one line, not {len(lines)}")
            values[field_id] = None
        elif len(lines) > MAX_LINES.get(field_id, MAX_LINES["notes"]):
            problems.add(field_id, f"has {len(lines)} lines; at most "
                                   f"{MAX_LINES.get(field_id, MAX_LINES['notes'])}")
            values[field_id] = None
        elif len(value) > limit:
            problems.add(field_id, f"is {len(value):,} characters long; at most {limit:,}")
            values[field_id] = None


# --- the fields ------------------------------------------------------------------------------

@dataclass
class Submission:
    """What the body asks for."""

    task: Task
    leaderboard: Leaderboard
    result: dict
    corrects: Result | None = None  # the published result it replaces
    index: int | None = None        # that result's place in the file's list
    kept: list[str] = field(default_factory=list)  # fields left empty, kept as published


def _listed(names: list[str]) -> str:
    shown_names = ", ".join(names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown_names + (f" and {more} more" if more > 0 else "") if names else "none"


def _find_task(project: Project, value: str | None, problems: Problems) -> Task | None:
    if value is None:
        return None
    task = project.task(value.lower()) if _ID.match(value.lower()) else None
    if task is None:
        problems.add("task", f"no task {_quote(value)} on this site (its tasks: "
                             f"{_listed(sorted(t.id for t in project.tasks))})")
    return task


def _find_board(task: Task | None, value: str | None, problems: Problems) -> Leaderboard | None:
    if value is None or task is None:
        return None
    board = next((lb for lb in task.leaderboards if lb.id == value.lower()), None)
    if board is None:
        known = _listed([lb.id for lb in task.leaderboards])
        problems.add("leaderboard", f"task '{task.id}' has no leaderboard {_quote(value)} "
                                    f"(its leaderboards: {known})")
    return board


def _values(text: str | None, board: Leaderboard | None,
            problems: Problems) -> tuple[dict, dict]:
    """``METRIC=NUMBER`` lines (``±`` allowed) as the result's values and uncertainties."""
    values: dict = {}
    uncertainty: dict = {}
    if text is None:
        return values, uncertainty
    metrics = [m.name for m in board.metrics] if board else None
    for n, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        name, sep, raw = line.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name:
            problems.add("values", f"line {n}: {_quote(line)} is not written METRIC=NUMBER")
            continue
        if metrics is not None and name not in metrics:
            same = [m for m in metrics if m.casefold() == name.casefold()]
            if len(same) == 1:
                name = same[0]
            else:
                problems.add("values", f"line {n}: {_quote(name)} is not a metric of this "
                                       f"leaderboard (its metrics: {_listed(metrics)})")
                continue
        if name in values:
            problems.add("values", f"line {n}: a second value for {_quote(name)}")
            continue
        parts = _PLUS_MINUS.split(raw)
        if len(parts) == 1 and raw.upper() in _NA:
            values[name] = None
            continue
        number = number_from_text(parts[0])
        plus = number_from_text(parts[1]) if len(parts) == 2 else None
        if number is None or len(parts) > 2 or (len(parts) == 2 and plus is None):
            hint = " (write the number alone, without its unit)" if raw.endswith("%") else ""
            problems.add("values", f"line {n}: {_quote(line)} is not a number{hint}; write "
                                   "METRIC=NUMBER, METRIC=NUMBER±NUMBER or METRIC=N/A")
            continue
        if plus is not None and plus < 0:
            problems.add("values", f"line {n}: the ± part of {_quote(name)} is negative")
            continue
        values[name] = number
        if plus is not None:
            uncertainty[name] = plus
    return values, uncertainty


def _links(field_id: str, text: str | None, problems: Problems) -> list[dict]:
    links = []
    for n, line in enumerate((text or "").split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        if _HTTP.match(line):
            problems.add(field_id, f"line {n}: {_quote(line)} has no label: write LABEL=URL, "
                                   "e.g. PyTorch=https://…")
            continue
        label, sep, url = (part.strip() for part in line.partition("="))
        if not sep or not label:
            problems.add(field_id, f"line {n}: {_quote(line)} is not written LABEL=URL")
        elif not _HTTP.match(url):
            problems.add(field_id, f"line {n}: {_quote(url)} is not an http(s) address")
        else:
            links.append({"label": label, "url": url})
    return links


def _corrected(value: str | None, task: Task | None, board: Leaderboard | None,
               problems: Problems) -> tuple[Result | None, int | None]:
    """The published result that ``Correction of`` names by its permalink, and its place in
    the file's list of results."""
    if value is None or task is None or board is None:
        return None, None
    anchor = unquote(value.rsplit("#", 1)[-1]).strip()
    names = result_anchors(board)
    anchors = {names[id(result)]: result for result in board.results}
    result = anchors.get(anchor) or anchors.get(f"{board.id}--{anchor}")
    if result is None:
        other = next((lb for lb in task.leaderboards
                      if lb is not board and anchor.startswith(f"{lb.id}--")), None)
        where = f"; it is a permalink of leaderboard '{other.id}'" if other else ""
        problems.add("correction_of", f"no result of {task.id} / {board.id} has the permalink "
                                      f"{_quote(anchor)}{where} (copy the link of the result's "
                                      "row, or leave the field empty for a new result)")
        return None, None
    return result, result.src.path[-1] if result.src else board.results.index(result)


def read_submission(values: dict[str, str | None], project: Project,
                    problems: Problems) -> Submission | None:
    """The submission the fields ask for, or None (with the problems) when they do not
    make one."""
    fields = form_fields()
    for field_id, f in fields.items():
        if f.required and values.get(field_id) is None and field_id not in problems.fields:
            problems.add(field_id, "required, but left empty")
    task = _find_task(project, values.get("task"), problems)
    board = _find_board(task, values.get("leaderboard"), problems)
    numbers, uncertainty = _values(values.get("values"), board, problems)
    if values.get("values") is not None and "values" not in problems.fields \
            and not any(v is not None for v in numbers.values()):
        problems.add("values", "no number: give at least one metric's value")
    notes = values.get("notes")
    if notes is not None and re.search(r"!\[|<img", notes, re.IGNORECASE):
        problems.add("notes", "holds an image; notes are text (link to a figure instead)")
    paper = values.get("paper")
    if paper is not None and not _HTTP.match(paper):
        problems.add("paper", f"{_quote(paper)} is not an http(s) address")
    date = values.get("date")
    if date is not None and not _DATE.match(date):
        problems.add("date", f"{_quote(date)} is not a date written YYYY-MM or YYYY-MM-DD "
                             "(or YYYY)")
    multi = values.get("multi_scale")
    options = fields["multi_scale"].options
    if multi is not None and multi not in options:
        problems.add("multi_scale", f"{_quote(multi)} is not one of the choices "
                                    f"({', '.join(options)})")
    extra = [x.strip() for x in (values.get("extra_data") or "").split(",") if x.strip()]
    weights = _links("weights", values.get("weights"), problems)
    code = _links("code", values.get("code"), problems)
    corrects, index = _corrected(values.get("correction_of"), task, board, problems)
    if problems or task is None or board is None:
        return None
    result: dict = {"model": values["model"]}
    if corrects is not None and corrects.id:
        result["id"] = corrects.id  # its permalink and badge stay where they are
    if extra:
        result["extra_data"] = extra
    if multi == options[-1]:
        result["multi_scale"] = True
    result["values"] = numbers
    if uncertainty:
        result["uncertainty"] = uncertainty
    for key in ("paper", "paper_title", "date"):
        if values.get(key) is not None:
            result[key] = values[key]
    if weights:
        result["weights"] = weights
    if code:
        result["code"] = code
    if values.get("notes") is not None:
        result["notes"] = values["notes"]
    kept: list[str] = []
    if corrects is not None:
        result, kept = _as_published(corrects, result)
    return Submission(task, board, result, corrects, index, kept)


def _published(result: Result) -> dict:
    """The published result as its file writes it."""
    try:
        data = result.src.doc.data
        for step in result.src.path:
            data = data[step]
    except (AttributeError, LookupError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _as_published(published: Result, result: dict) -> tuple[dict, list[str]]:
    """A correction as the published result is written, so that it changes only the lines
    it must: the fields the row's "Suggest a correction" link does not fill in (Paper
    title, Notes) keep their published text when left empty; a date that is only the
    paper's arXiv month, which the row shows, stays unwritten; and the keys come in the
    published order (a new key after the one before it in the usual order).  Also the
    labels of the fields kept."""
    old = _published(published)
    kept = []
    for key in ("paper_title", "notes"):
        if key not in result and isinstance(old.get(key), str):
            result[key] = old[key]
            kept.append(_label(key))
    if "date" not in old and result.get("date") == published.effective_date \
            and result.get("paper") == published.paper:
        del result["date"]
    order = [key for key in old if key in result]
    usual = [key for key in ("model", "id", "extra_data", "multi_scale", "values",
                             "uncertainty", "paper", "paper_title", "date", "weights", "code",
                             "notes") if key in result]
    for i, key in enumerate(usual):
        if key not in order:
            before = [k for k in usual[:i] if k in order]
            order.insert(order.index(before[-1]) + 1 if before else 0, key)
    return {key: result[key] for key in order}, kept


# --- applying it -----------------------------------------------------------------------------

@dataclass
class Outcome:
    """What ``submit`` did: the summary (markdown), a title for a pull request, the file
    written (None on a dry run) and the problems (then nothing was written)."""

    summary: str
    title: str | None = None
    path: Path | None = None
    problems: list[Problem] = field(default_factory=list)


def submit(body: str, data_dir: Path, dry_run: bool = False) -> Outcome:
    """Check the body and apply it to the data in ``data_dir``; on any problem nothing is
    written and the outcome carries the problems."""
    problems = Problems()
    values = parse_body(body, problems)
    if problems:
        return _failed(problems.found)
    _check_text(values, problems)
    # read, check and write under the task file's lock, as `add` does
    lock = _lock(data_dir, values.get("task")) if not dry_run else None
    with lock or nullcontext():
        before = load_project(data_dir)
        submission = read_submission(values, before.project, problems)
        if submission is None:
            return _failed(problems.found)
        try:
            path, text, project = adding.add(data_dir, submission.task.id,
                                             submission.leaderboard.id, submission.result,
                                             replace=submission.index, names=_names())
        except InputError as error:
            return _failed(error.problems)
        if submission.corrects is not None:
            board = next(lb for lb in project.task(submission.task.id).leaderboards
                         if lb.id == submission.leaderboard.id)
            now = next((r for r in board.results
                        if r.src and r.src.path[-1] == submission.index), None)
            if now == submission.corrects:
                problems.add("correction_of", "the correction is the result as it is "
                                              "published: change what is wrong in it")
                return _failed(problems.found)
        if not dry_run:
            write_text(path, text)
    summary = _summary(submission, before, Loaded(project, []), path, dry_run)
    return Outcome(summary, _title(submission), None if dry_run else path)


def _lock(data_dir: Path, task_id: str | None) -> Lock | None:
    if not task_id or not _ID.match(task_id.lower()):
        return None
    try:
        return Lock(adding.task_file(data_dir, task_id.lower()))
    except InputError:  # no such task: told with the other problems
        return None


def _names() -> dict[str, str]:
    """The field that wrote each key of the new result, to name it in a problem."""
    names = {key: _label(key) for key in ("model", "extra_data", "multi_scale", "values",
                                          "paper", "paper_title", "date", "weights", "code",
                                          "notes")}
    return names | {"uncertainty": _label("values"), "id": _label("correction_of")}


def _failed(problems: list[Problem]) -> Outcome:
    lines = ["## The submission needs a fix", "",
             "Nothing was changed. Edit the issue to fix what follows; the check runs again "
             "on each edit.", ""]
    for problem in problems:
        if problem.file:  # a line of a data file: as the command prints it
            lines.append(f"- {md_code(problem.format())}")
        else:
            lines.append(f"- {diff.inert(md_text(problem.message))}")
    return Outcome(_inert("\n".join(lines) + "\n"), problems=list(problems))


def _display(result: dict) -> str:
    return Result(result["model"], {}, extra_data=result.get("extra_data", []),
                  multi_scale=result.get("multi_scale", False)).display_name


def _title(submission: Submission) -> str:
    """A title for the pull request: one line of plain text, mentioning and linking
    nothing."""
    verb = "Correct result" if submission.corrects is not None else "Add result"
    model = " ".join(shown(_display(submission.result)).split())
    if len(model) > 80:
        model = model[:79] + "…"
    return log_line(diff.unlinked(f"{verb}: {model} on {submission.task.id} / "
                                  f"{submission.leaderboard.id}"))


def _summary(submission: Submission, before: Loaded, after: Loaded, path: Path,
             dry_run: bool) -> str:
    corrects = submission.corrects
    model = diff.inert(md_text(_display(submission.result)))
    if corrects is None:
        lines = [f"## New result: {model}", ""]
    else:
        lines = [f"## Correction of {diff.inert(md_text(corrects.display_name))}", ""]
    c = after.project.counts()
    lines += [f"On {diff.inert(md_text(submission.task.title))} — "
              f"{diff.inert(md_text(submission.leaderboard.title))} "
              f"({md_code(submission.task.id)} / {md_code(submission.leaderboard.id)}). "
              f"Validation: passed ({c['tasks']} tasks, {c['leaderboards']} leaderboards, "
              f"{c['results']} results).", ""]
    if submission.kept:
        lines += [f"Left empty, so kept as published: {', '.join(submission.kept)}.", ""]
    changes = diff.compare(before.project, after.project)
    for change in changes:
        lines += diff.change_lines(change)
    if not changes:
        lines += ["No change to what the leaderboards show.", ""]
    new_lines = "".join(line + "\n" for line in adding._new_lines(submission.result)[0])
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", new_lines)), default=0))
    verb = "would be written to" if dry_run else "written to"
    lines += [f"<details><summary>The lines {verb} {diff.inert(md_text(display_path(path)))}"
              "</summary>", "", f"{fence}yaml", new_lines.rstrip("\n"), fence, "", "</details>"]
    return _inert("\n".join(lines) + "\n")


def _inert(text: str) -> str:
    """Text to print or post: no line of it a workflow command."""
    return log_line(text)


# --- the command ---------------------------------------------------------------------------

def main(body_path: Path, data_dir: Path, summary: Path | None = None,
         title: Path | None = None, dry_run: bool = False) -> int:
    """``submission``: 0 when the result was added (the summary on stdout), 1 with the
    problems (on stderr, and as markdown on stdout) when nothing was."""
    try:
        body = read_body(body_path)
    except InputError as error:
        outcome = _failed(error.problems)
    else:
        outcome = submit(body, data_dir, dry_run)
    if summary is not None:
        write_text(summary, outcome.summary)
    sys.stdout.write(outcome.summary)
    if outcome.problems:
        for problem in outcome.problems:  # as every command prints them, and inert
            print(diff.unlinked(problem.format()), file=sys.stderr)
        return 1
    if title is not None and outcome.title is not None:
        write_text(title, outcome.title + "\n")
    return 0
