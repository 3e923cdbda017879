"""Input: add one result to a leaderboard's YAML file, keeping the file as it was written.

The new entry is inserted as text right after the leaderboard's last result
(found through libyaml's node positions), so comments, blank lines, line
endings (LF or CRLF) and the formatting of everything else stay byte for byte.
The values are parsed from the options before any YAML is made, and the new
text is validated with the rest of the data before the file is replaced.  A
problem in the new lines is reported against the option that produced them,
not against a line of a file that was never written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.project import yamlwrite
from generator.project.loader import Integer, Number, _Loader, number_from_text
from generator.project.pipeline import load_project
from generator.project.problems import InputError, Problem, errors, general

# which option wrote each key of a new result, to name it in messages
OPTIONS = {"model": "--model", "extra_data": "--extra-data", "multi_scale": "--multi-scale",
           "values": "--value", "paper": "--paper", "paper_title": "--paper-title",
           "date": "--date", "weights": "--weights", "code": "--code"}


def parse_value(text: str) -> Number | Integer | None:
    if text.strip().upper() in ("N/A", "NA", "NULL", ""):
        return None
    number = number_from_text(text)
    if number is None:
        raise ValueError(text)
    return number


def parse_pair(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError(general(f"{what} must be written NAME=VALUE, not {text!r}"))
    return name.strip(), value.strip()


def build_result(model: str, values: list[str], paper: str | None, paper_title: str | None,
                 date: str | None, extra_data: list[str], multi_scale: bool,
                 weights: list[str], code: list[str]) -> dict:
    result: dict = {"model": model}
    if extra_data:
        result["extra_data"] = extra_data
    if multi_scale:
        result["multi_scale"] = True
    parsed = {}
    for item in values:
        name, raw = parse_pair(item, "--value")
        try:
            parsed[name] = parse_value(raw)
        except ValueError:
            raise InputError(general(f"--value {name}: {raw!r} is not a number or N/A")) from None
    result["values"] = parsed
    if paper:
        result["paper"] = paper
    if paper_title:
        result["paper_title"] = paper_title
    if date:
        result["date"] = date
    for key, items in (("weights", weights), ("code", code)):
        links = [dict(zip(("label", "url"), parse_pair(item, f"--{key}"))) for item in items]
        if links:
            result[key] = links
    return result


@dataclass
class Insertion:
    """The file's new text, and where in it the new lines are (1-based lines)."""

    text: str
    first: int          # the first new line
    keys: list[str]     # the result's key each new line belongs to
    removed: int = 0    # lines of the old text dropped (a `[]` on a line of its own, or
                        # the result that the new one replaces)
    board: int = 0      # which of the file's leaderboards gets the result
    lines: list[str] | None = None  # the new result's lines, unindented
    index: int | None = None  # the result it replaces (its place in the list), if any

    def old_line(self, line: int) -> int | None:
        """The line of the file as it is now that ``line`` of the new text was; None for
        a new line."""
        if line < self.first:
            return line
        if line < self.first + len(self.keys):
            return None
        return line - len(self.keys) + self.removed


def _mapping_get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None, None


def _content_end(node) -> tuple[int, bool]:
    """Where the content of ``node`` ends: (index, True if that index starts a line,
    as after a block scalar ``|``, whose end includes its line break)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        return end.index, end.column == 0 and end.line > node.start_mark.line
    if node.flow_style or not node.value:
        return node.end_mark.index, False
    if isinstance(node, yaml.SequenceNode):
        return _content_end(node.value[-1])
    key, value = node.value[-1]
    if isinstance(value, yaml.ScalarNode) and value.start_mark.index == value.end_mark.index:
        return _content_end(key)  # `key:` with nothing after: its mark is on a later line
    return _content_end(value)


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as libyaml counts them


def _newline(text: str) -> str:
    """The file's line ending, from its first line: CRLF files stay CRLF."""
    found = re.search(r"\r\n|\r|\n", text)
    return found[0] if found else "\n"


def _line_end(text: str, index: int) -> int:
    """The index just after the line break that ends the line holding ``index``."""
    found = re.compile(r"\r\n|\r|\n").search(text, index)
    return found.end() if found else len(text)


def _line_number(text: str, index: int) -> int:
    """The 1-based line of ``index``, counted as the YAML parser counts them."""
    return len(_BREAK.findall(text, 0, index)) + 1


def _new_lines(result: dict) -> tuple[list[str], list[str]]:
    """The result as block-list lines (``- model: ...``) and the key each line belongs to."""
    lines = yamlwrite.dump({"results": [result]}).split("\n")[1:]
    if lines and lines[-1] == "":
        lines.pop()
    keys, key = [], "model"
    for line in lines:
        rest = line[2:]
        if rest[:1] not in (" ", "-", "") and ":" in rest:
            key = rest.split(":", 1)[0]
        keys.append(key)
    return lines, keys


def _results_of(text: str, path: Path, leaderboard: str):
    """The nodes of ``leaderboard`` in the file's text: (its list of leaderboards, the
    leaderboard, its ``results`` key and list)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise InputError(general(f"cannot read it as YAML: {exc}", str(path))) from None
    _, boards = _mapping_get(root, "leaderboards")
    board = next((b for b in getattr(boards, "value", []) or []
                  if (_mapping_get(b, "id")[1] is not None
                      and _mapping_get(b, "id")[1].value == leaderboard)), None)
    if board is None:
        ids = [_mapping_get(b, "id")[1].value for b in getattr(boards, "value", []) or []
               if _mapping_get(b, "id")[1] is not None]
        raise InputError(general(f"no leaderboard '{leaderboard}' in {path.name} "
                                 f"(it has: {', '.join(ids) or 'none'})"))
    key, results = _mapping_get(board, "results")
    if results is None or not isinstance(results, yaml.SequenceNode):
        raise InputError(general(f"leaderboard '{leaderboard}' has no 'results' list", str(path)))
    return boards, board, key, results


def insert_result(text: str, path: Path, leaderboard: str, result: dict) -> Insertion:
    """``text`` with ``result`` appended to the results of ``leaderboard``."""
    boards, board, key, results = _results_of(text, path, leaderboard)
    if results.flow_style and results.value:
        raise InputError(general(f"the results of '{leaderboard}' are a flow list [...]; "
                                 "write them as a block list first", str(path)))
    nl = _newline(text)
    lines, keys = _new_lines(result)
    if results.flow_style:
        new = _replace_empty_list(text, key, results, lines, keys, nl)
    else:
        new = _append(text, results, lines, keys, nl)
    new.board, new.lines = boards.value.index(board), lines
    return new


def replace_result(text: str, path: Path, leaderboard: str, index: int, result: dict) -> Insertion:
    """``text`` with the ``index``-th result of ``leaderboard`` (0-based, in the file's order)
    replaced by ``result``, in its place: its lines (from its ``-`` to the end of its last
    line) go, the new ones take them; comments around it stay."""
    boards, board, _, results = _results_of(text, path, leaderboard)
    if results.flow_style or not 0 <= index < len(results.value):
        raise InputError(general(f"leaderboard '{leaderboard}' has no result {index + 1} written "
                                 "as an item of a block list; correct it by hand", str(path)))
    item = results.value[index]
    start = item.start_mark.index
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    if not re.fullmatch(r"[ \t]*-[ \t]+", text[line_start:start]):
        raise InputError(general(f"result {index + 1} of '{leaderboard}' does not start a line "
                                 "with '- '; correct it by hand", str(path)))
    end, at_line_start = _content_end(item)
    stop = end if at_line_start else _line_end(text, end)
    nl = _newline(text)
    lines, keys = _new_lines(result)
    indent = " " * results.start_mark.column
    head = text[:line_start]
    block = "".join(indent + line + nl for line in lines)
    removed = len(_BREAK.findall(text, line_start, stop)) \
        + (not text[line_start:stop].endswith(("\n", "\r")))  # a last line without a break
    new = Insertion(head + block + text[stop:], _line_number(head, len(head)), keys, removed)
    new.board, new.lines, new.index = boards.value.index(board), lines, index
    return new


def _append(text: str, results, lines: list[str], keys: list[str], nl: str) -> Insertion:
    """The new item after the last one of the block list ``results``."""
    # a block sequence starts at its first item's "-": its column is the items' indent,
    # whatever comments (with dashes of their own) stand around or inside the first item
    indent = " " * results.start_mark.column
    end, at_line_start = _content_end(results.value[-1])
    at = end if at_line_start else _line_end(text, end)
    head = text[:at]
    if head and not head.endswith(("\n", "\r")):
        head += nl  # the file ended without a line break
    block = "".join(indent + line + nl for line in lines)
    return Insertion(head + block + text[at:], _line_number(head, len(head)), keys)


def _check_reads_back(old: str, new: Insertion, path: Path, leaderboard: str) -> None:
    """Refuse unless the new text reads as ``old`` with the new result appended to the
    leaderboard's results (or in place of the one it replaces) and nothing else changed: a
    layout the insertion did not foresee must never turn the new lines into something else
    (or move a result)."""
    try:
        expected = yaml.load(old, Loader=_Loader)
        results = expected["leaderboards"][new.board]["results"]
        item = yaml.load("\n".join(new.lines or []), Loader=_Loader)[0]
        if new.index is None:
            results.append(item)
        else:
            results[new.index] = item
        same = yaml.load(new.text, Loader=_Loader) == expected
    except (yaml.YAMLError, LookupError, TypeError, AttributeError):
        same = False
    if not same:
        raise InputError(general(
            f"cannot add to the results of '{leaderboard}': the file's layout around them would "
            "read the new lines as something else; nothing was written. Add the result by hand "
            "(or write the results as a plain block list, '- model: ...' under 'results:')",
            str(path)))


def _replace_empty_list(text: str, key, results, lines: list[str], keys: list[str],
                        nl: str) -> Insertion:
    """``results: []`` becomes ``results:`` with the new item under it; a comment after
    the ``[]`` stays where it was on that line."""
    start, end = results.start_mark.index, results.end_mark.index
    line_end = _line_end(text, end)
    tail = text[end:line_end].rstrip("\r\n")  # spaces and a comment after `[]`, if any
    before = text[:start]
    indent = " " * key.start_mark.column
    block = "".join(indent + line + nl for line in lines)
    own_line = before.rstrip(" \t").endswith(("\n", "\r")) and key.start_mark.line < results.start_mark.line
    if tail.strip():
        # blank out `[]` so that the comment keeps its column
        head = before + " " * (end - start) + tail + nl
        removed = 0
    elif own_line:
        head = before.rstrip(" \t")  # drop the line that held only `[]`
        removed = 1
    else:
        head = before.rstrip(" \t") + nl
        removed = 0
    return Insertion(head + block + text[line_end:], _line_number(head, len(head)), keys, removed)


def task_file(data_dir: Path, task_id: str) -> Path:
    path = next((p for p in (data_dir / "tasks" / f"{task_id}.yml",
                             data_dir / "tasks" / f"{task_id}.yaml") if p.exists()), None)
    if path is None:
        known = sorted(p.stem for p in (data_dir / "tasks").glob("*.y*ml"))
        raise InputError(general(f"unknown task '{task_id}' (known: {', '.join(known) or 'none'})"))
    return path


def read(path: Path) -> str:
    """The file's text with its line endings as they are (``newline=""``)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def add(data_dir: Path, task_id: str, leaderboard: str, result: dict, *,
        replace: int | None = None, names: dict[str, str] = OPTIONS):
    """Validate and return (path, new text, the project with it) for adding ``result``
    (in place of the leaderboard's ``replace``-th result, 0-based, when given); writes
    nothing.  A problem in the new lines names what wrote the key, by ``names``."""
    path = task_file(data_dir, task_id)
    try:
        old = read(path)
    except UnicodeDecodeError:
        raise InputError(Problem(str(path), 1, 1, "file is not valid UTF-8")) from None
    new = (insert_result(old, path, leaderboard, result) if replace is None
           else replace_result(old, path, leaderboard, replace, result))
    loaded = load_project(data_dir, overrides={path: new.text})
    found = errors(loaded.problems)
    if found:
        raise InputError([general("the result was not added: the file would not validate")]
                         + [_as_now(p, path, new, result, names) for p in found])
    _check_reads_back(old, new, path, leaderboard)
    return path, new.text, loaded.project


def _as_now(problem: Problem, path: Path, new: Insertion, result: dict,
            names: dict[str, str] = OPTIONS) -> Problem:
    """A problem of the would-be text, told about the file as it is, or about an option
    (or what else wrote the key: ``names``)."""
    if Path(problem.file) != path or problem.line <= 0:
        return problem
    line = new.old_line(problem.line)
    if line is not None:
        return Problem(problem.file, line, problem.col, problem.message, problem.severity)
    key = new.keys[problem.line - new.first]
    option = names.get(key, key)
    if key == "values":
        metric = re.search(r"metric '([^']*)'", problem.message)
        if metric:
            option += f" {metric[1]}"
        elif len(result.get("values", {})) == 1:
            option += f" {next(iter(result['values']))}"
    return general(f"the new result: {option}: {problem.message}")
