"""Stage 1: read YAML files into plain data, remembering where every value was.

PyYAML's composer (the C one from libyaml when present) turns a file into nodes
that carry line and column; we construct plain Python values from those nodes
ourselves so that we can

* record the position of every mapping key and value (for ``file:line:col``),
* reject duplicate keys, which PyYAML would silently let the last one win,
* reject anchors and aliases (no "billion laughs" expansion, and data files
  stay plain),
* keep the text a number was written with: ``88.80`` stays ``88.80``.

Nothing here knows about tasks or leaderboards.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # libyaml's parser when available: several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

#: Largest data file accepted, in bytes.  Real task files are a few hundred KiB.
MAX_FILE_BYTES = 20 * 1024 * 1024

Path_ = tuple  # a path into a document: keys and list indices


class Number(float):
    """A float that remembers how it was written (``88.80``)."""

    text: str

    def __new__(cls, value: float, text: str):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class Integer(int):
    """An int that remembers how it was written."""

    text: str

    def __new__(cls, value: int, text: str):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def number_from_text(text: str) -> Number | Integer | None:
    """A number written as text ('88.80', '43', '1e-3') keeping that text; None if it is not one."""
    text = text.strip()
    if not NUMBER_TEXT.fullmatch(text):
        return None
    text = text.lstrip("+")
    return Number(float(text), text) if any(c in text for c in ".eE") else Integer(int(text), text)


@dataclass
class Document:
    """One parsed file: its data and where each part of it stands."""

    path: Path
    data: Any
    text: str | None = None  # kept so that positions can be found when a message needs one
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    located: bool = False

    def _locate(self) -> None:
        """Map every value and key to its position: parsed again, only when a message needs it
        (a valid file never pays for this bookkeeping)."""
        self.located = True
        if self.text is not None:
            node = yaml.compose(self.text, Loader=_Loader)
            _Builder(self, [], record=True).build(node, ())

    def where(self, path: Path_ = (), key: bool = False) -> tuple[int, int]:
        """(line, col), 1-based, of the value at ``path`` or of its key.

        Falls back to the nearest enclosing value that has a position.
        """
        if not self.located:
            self._locate()
        table = self.key_positions if key else self.positions
        if path in table:
            return table[path]
        while path:
            path = path[:-1]
            if path in self.positions:
                return self.positions[path]
        return (1, 1)

    def problem(self, path: Path_, message: str, *, key: bool = False,
                severity: str = "error") -> Problem:
        line, col = self.where(tuple(path), key=key)
        return Problem(str(self.path), line, col, message, severity)


class _Builder:
    """Plain values from nodes; with ``record``, also the position of every value and key."""

    def __init__(self, doc: Document, problems: list[Problem], record: bool = False):
        self.doc = doc
        self.problems = problems
        self.record = record
        self.seen: set[int] = set()

    def _pos(self, node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node, path: Path_ | None):
        if self.record:
            self.doc.positions[path] = self._pos(node)
        if id(node) in self.seen:  # the composer hands an alias back as the same node
            raise _AliasFound(node)
        self.seen.add(id(node))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            return self._refuse_tag(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if self.record:
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return [self.build(item, None) for item in node.value]
        return self._scalar(node, path)

    def _mapping(self, node, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _AliasFound(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(str(self.doc.path), *self._pos(key_node),
                                             "a mapping key must be a plain string"))
                continue
            key = key_node.value
            if key in out:
                first = next(k for k, _ in node.value if k.value == key)
                self.problems.append(Problem(
                    str(self.doc.path), *self._pos(key_node),
                    f"duplicate key '{key}' (first defined at line {first.start_mark.line + 1})"))
                continue
            if self.record:
                self.doc.key_positions[path + (key,)] = self._pos(key_node)
                out[key] = self.build(value_node, path + (key,))
            else:
                out[key] = self.build(value_node, None)
        return out

    def _scalar(self, node, path: Path_):
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag == "tag:yaml.org,2002:int":
            try:
                return Integer(_CONSTRUCTOR.construct_yaml_int(node), text)
            except ValueError:
                return text
        if tag == "tag:yaml.org,2002:float":
            return Number(_CONSTRUCTOR.construct_yaml_float(node), text)
        if tag == "tag:yaml.org,2002:timestamp":
            return text  # dates stay text; the validator checks their form
        return self._refuse_tag(node)

    def _refuse_tag(self, node):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(node, f"YAML tag '{tag}' is not allowed in data files")


_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _AliasFound(Exception):
    def __init__(self, node):
        self.node = node


class _Refused(Exception):
    """Something the file must not hold; the file is not read further."""

    def __init__(self, node, message: str):
        self.node, self.message = node, message


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def load_file(path: Path) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file.  Returns the document (None if unreadable) and problems."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(where, 1, 1,
                                  f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(where, 1, 1, f"cannot read file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(where, line, col, "file is not valid UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> tuple[Document | None, list[Problem]]:
    problems: list[Problem] = []
    where = str(path)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(where, line, col, f"invalid YAML: {reason}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        return None, [Problem(where, line, col, f"invalid YAML: character U+{exc.character:04X} "
                                                "is not allowed in a YAML file")]
    except yaml.YAMLError as exc:
        return None, [Problem(where, 1, 1, "invalid YAML: " + " ".join(str(exc).split()))]
    if not nodes or nodes[0] is None:
        return None, [Problem(where, 1, 1, "file is empty")]
    if len(nodes) > 1:
        return None, [Problem(where, nodes[1].start_mark.line + 1, 1,
                              "a data file holds one YAML document, found several")]
    doc = Document(path=path, data=None, text=text)
    builder = _Builder(doc, problems)
    try:
        doc.data = builder.build(nodes[0], ())
    except _AliasFound as exc:
        mark = _first_alias_mark(text) or exc.node.start_mark
        return None, [Problem(where, mark.line + 1, mark.column + 1,
                              "YAML anchors, aliases and merge keys are not allowed in data files")]
    except _Refused as exc:
        mark = exc.node.start_mark
        return None, [Problem(where, mark.line + 1, mark.column + 1, exc.message)]
    return doc, problems



def _first_alias_mark(text: str):
    """Where the first alias or merge key stands (only called on that error)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
        if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
            return event.start_mark
    return None
