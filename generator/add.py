"""Input: add one result to a leaderboard's YAML file, keeping the file as it was written.

The new entry is inserted as text right after the leaderboard's last result
(found through libyaml's node positions), so comments, blank lines and the
formatting of everything else stay byte for byte.  The new text is validated
with the rest of the data before the file is replaced.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from . import yamlwrite
from .loader import Integer, Number, _Loader, number_from_text
from .pipeline import load_project
from .problems import InputError, errors, general

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


def _mapping_get(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return k, v
    return None, None


def _last_line(node) -> int:
    """The 0-based line where the content of ``node`` ends (its last scalar)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    children = node.value if isinstance(node, yaml.SequenceNode) else \
        [x for pair in node.value for x in pair]
    return max(_last_line(c) for c in children) if children else node.start_mark.line


def insert_result(text: str, path: Path, leaderboard: str, result: dict) -> str:
    """``text`` with ``result`` appended to the results of ``leaderboard``."""
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
    item = yamlwrite.dump({"results": [result]}).splitlines()[1:]
    lines = text.splitlines(keepends=True)
    if results.flow_style or not results.value:
        if results.value:
            raise InputError(general(f"the results of '{leaderboard}' are a flow list [...]; "
                                     "write them as a block list first", str(path)))
        # results: []  ->  a block list under the key
        dash = key.start_mark.column
        block = "".join(" " * dash + line + "\n" for line in item)
        start, end = results.start_mark.index, results.end_mark.index
        return text[:start].rstrip(" ") + "\n" + block + text[end:].lstrip(" ").removeprefix("\n")
    first = results.value[0]
    dash = first.start_mark.column - 2
    at = _last_line(results.value[-1]) + 1
    block = "".join(" " * dash + line + "\n" for line in item)
    if at > len(lines):
        lines.append("\n" if lines and not lines[-1].endswith("\n") else "")
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return "".join(lines[:at]) + block + "".join(lines[at:])


def add(data_dir: Path, task_id: str, leaderboard: str, result: dict):
    """Validate and return (path, new text, the project with it) for adding ``result``;
    writes nothing."""
    path = next((p for p in (data_dir / "tasks" / f"{task_id}.yml",
                             data_dir / "tasks" / f"{task_id}.yaml") if p.exists()), None)
    if path is None:
        known = sorted(p.stem for p in (data_dir / "tasks").glob("*.y*ml"))
        raise InputError(general(f"unknown task '{task_id}' (known: {', '.join(known) or 'none'})"))
    new_text = insert_result(path.read_text(encoding="utf-8"), path, leaderboard, result)
    loaded = load_project(data_dir, overrides={path: new_text})
    found = errors(loaded.problems)
    if found:
        raise InputError([general("the result was not added: the file would not validate")]
                         + found)
    return path, new_text, loaded.project
