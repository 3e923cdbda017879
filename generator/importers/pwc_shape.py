"""The shape of a Papers with Code export: what ``pwc.convert`` reads, checked before it reads
any of it, so that an entry of the wrong shape is an error at its line of the JSON
(``read_archive``) and never a traceback halfway through."""
from __future__ import annotations

import gzip
import json
import json.decoder
import json.scanner
import zlib
from pathlib import Path

from generator.importers import plain_text
from generator.project.problems import InputError, Problem, general


def read_archive(path: Path) -> list:
    """The export's tasks; an entry of the wrong shape anywhere in it is an error at its line
    (of the JSON, decompressed), before anything is converted or written."""
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise InputError(general(f"cannot read: {exc.strerror or exc}", str(path))) from None
    except (UnicodeDecodeError, json.JSONDecodeError, EOFError, zlib.error) as exc:
        raise InputError(general(f"not a Papers with Code export (JSON, optionally gzipped): {exc}",
                                 str(path))) from None
    except RecursionError:
        raise InputError(general("not a Papers with Code export: nested too deeply",
                                 str(path))) from None
    if not isinstance(data, list) or not all(isinstance(t, dict) and "task" in t for t in data):
        raise InputError(general("not a Papers with Code evaluation-tables export: expected a list "
                                 "of tasks with 'task', 'datasets' and 'subtasks'", str(path)))
    found = shape_problem(data)
    if found is not None:
        steps, message = found
        line, col = _position(text, steps)
        raise InputError(Problem(str(path), line, col, message))
    return data



MAX_SUBTASK_DEPTH = 50  # the 2020 archive nests four deep
_TEXT = (str, int, float)  # a name or title; numbers are read as their text


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def shape_problem(archive: list) -> tuple[list, str] | None:
    """The first entry of the export whose shape ``convert`` cannot read, as (its path in the
    JSON: keys and indices, the message naming it as the report does), or None."""
    stack = [([i], node, (f"task {i + 1}",), 0) for i, node in reversed(list(enumerate(archive)))]
    while stack:
        steps, node, where, depth = stack.pop()
        problem = _task_problem(node, where, depth)
        where = where[:-1]  # the task's name stands for its number from here
        if problem is not None:
            return steps + problem[0], problem[1]
        name = plain_text(node.get("task")) or "Unnamed task"
        for i, ds in enumerate(node.get("datasets") or []):
            problem = _dataset_problem(ds, f"{' › '.join((*where, name))} › dataset {i + 1}")
            if problem is not None:
                return steps + ["datasets", i] + problem[0], problem[1]
        subtasks = list(enumerate(node.get("subtasks") or []))
        stack += [(steps + ["subtasks", i], sub, (*where, name, f"subtask {i + 1}"), depth + 1)
                  for i, sub in reversed(subtasks)]
    return None


def _field(node: dict, key: str, kinds: tuple, what: str, where: str):
    """([key], message) when ``node[key]`` is neither null nor of ``kinds``."""
    value = node.get(key)
    if value is None or (isinstance(value, kinds) and not isinstance(value, bool)):
        return None
    return [key], f"{where}: '{key}' must be {what}, not {_kind(value)}"


def _items(node: dict, key: str, kinds: tuple, what: str, where: str):
    """([key, i], message) for the first item of the list ``node[key]`` not of ``kinds``."""
    for i, item in enumerate(node.get(key) or []):
        if not isinstance(item, kinds) or isinstance(item, bool):
            return [key, i], f"{where}: item {i + 1} of '{key}' must be {what}, not {_kind(item)}"
    return None


def _first(*checks):
    return next((c for c in checks if c is not None), None)


def _task_problem(node, where: tuple, depth: int):
    """``where``: the names of the parent tasks, then this task's number ('subtask 2')."""
    if not isinstance(node, dict):
        return [], f"{' › '.join(where)}: a task must be an object, not {_kind(node)}"
    label = " › ".join((*where[:-1], plain_text(node.get("task")) or "Unnamed task"))
    if depth > MAX_SUBTASK_DEPTH:
        return [], f"{label}: subtasks nest more than {MAX_SUBTASK_DEPTH} deep"
    return _first(_field(node, "task", _TEXT, "text", label),
                  _field(node, "description", _TEXT, "text", label),
                  _field(node, "categories", (list,), "a list", label),
                  _field(node, "datasets", (list,), "a list", label),
                  _field(node, "subtasks", (list,), "a list", label),
                  _items(node, "categories", _TEXT, "text", label))


def _dataset_problem(ds, label: str):
    if not isinstance(ds, dict):
        return [], f"{label}: a dataset must be an object, not {_kind(ds)}"
    label = f"{label.rsplit(' › ', 1)[0]} › {plain_text(ds.get('dataset')) or 'Unnamed dataset'}"
    found = _first(_field(ds, "dataset", _TEXT, "text", label),
                   _field(ds, "description", _TEXT, "text", label),
                   _field(ds, "dataset_links", (list,), "a list", label),
                   _field(ds, "sota", (dict,), "an object with 'metrics' and 'rows'", label),
                   _links_problem(ds, "dataset_links", label))
    if found is not None or not ds.get("sota"):
        return found
    sota = ds["sota"]
    found = _first(_field(sota, "metrics", (list,), "a list", label),
                   _field(sota, "rows", (list,), "a list", label),
                   _items(sota, "metrics", _TEXT, "a metric's name", label))
    if found is not None:
        return ["sota"] + found[0], found[1]
    for i, row in enumerate(sota.get("rows") or []):
        found = _row_problem(row, f"{label} › row {i + 1}")
        if found is not None:
            return ["sota", "rows", i] + found[0], found[1]
    return None


def _row_problem(row, label: str):
    if not isinstance(row, dict):
        return [], f"{label}: a row must be an object, not {_kind(row)}"
    if row.get("model_name") is not None and isinstance(row["model_name"], _TEXT):
        label = f"{label.rsplit(' › ', 1)[0]} › {plain_text(row['model_name']) or 'Unnamed model'}"
    found = _first(*(_field(row, key, _TEXT, "text", label)
                     for key in ("model_name", "paper_title", "paper_date")),
                   _field(row, "paper_url", (str,), "a URL", label),
                   _field(row, "metrics", (dict,), "an object of metric: value", label),
                   _field(row, "model_links", (list,), "a list", label),
                   _field(row, "code_links", (list,), "a list", label),
                   _links_problem(row, "model_links", label),
                   _links_problem(row, "code_links", label))
    if found is not None:
        return found
    for name, value in (row.get("metrics") or {}).items():
        if isinstance(value, (dict, list)):
            return ["metrics"], (f"{label}: the value of '{name}' must be a number or text, "
                                 f"not {_kind(value)}")
    return None


def _links_problem(node: dict, key: str, label: str):
    for i, link in enumerate(node.get(key) or []):
        if not isinstance(link, dict):
            return [key, i], f"{label}: link {i + 1} of '{key}' must be an object, not {_kind(link)}"
        found = _first(_field(link, "url", (str,), "a URL", label),
                       _field(link, "title", _TEXT, "text", label))
        if found is not None:
            return [key, i] + found[0], found[1]
    return None


def _position(text: str, steps: list) -> tuple[int, int]:
    """(line, column) in ``text`` of the innermost object or list on the path ``steps``,
    found by parsing once more with the pure-Python scanner, which can tell where each
    object starts (only when there is an error to show)."""
    starts: dict[int, int] = {}

    def parse_object(s_and_end, *args):
        value, end = json.decoder.JSONObject(s_and_end, *args)
        starts[id(value)] = s_and_end[1] - 1
        return value, end

    def parse_array(s_and_end, *args):
        value, end = json.decoder.JSONArray(s_and_end, *args)
        starts[id(value)] = s_and_end[1] - 1
        return value, end

    decoder = json.JSONDecoder()
    decoder.parse_object, decoder.parse_array = parse_object, parse_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    try:
        node = decoder.decode(text)
    except (RecursionError, ValueError):
        return 1, 1
    at = starts.get(id(node), 0)
    for step in steps:
        node = node[step]
        at = starts.get(id(node), at)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
