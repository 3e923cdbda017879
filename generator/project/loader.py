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

from generator.project.problems import Problem
from generator.rules import files
from generator.rules import numbers
from generator.rules.numbers import Integer, Number, number_from_text

try:  # libyaml's parser when available: several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

#: Largest data file accepted, in bytes.
MAX_FILE_BYTES = files.MAX_BYTES
#: How deep collections may nest.  The format needs 7 (task, leaderboards, a leaderboard,
#: results, a result, its links, a link); deeper is an error, not a crash.
MAX_DEPTH = 12

Path_ = tuple  # a path into a document: keys and list indices


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

    def build(self, node, path: Path_ | None, depth: int = 0):
        if self.record:
            self.doc.positions[path] = self._pos(node)
        if id(node) in self.seen:  # the composer hands an alias back as the same node
            raise _AliasFound(node)
        self.seen.add(id(node))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            return self._refuse_tag(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _Refused(node, _TOO_DEEP)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth + 1)
        if self.record:
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return [self.build(item, None, depth + 1) for item in node.value]

    def _mapping(self, node, path: Path_, depth: int) -> dict:
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
                out[key] = self.build(value_node, path + (key,), depth)
            else:
                out[key] = self.build(value_node, None, depth)
        return out

    def _scalar(self, node, path: Path_):
        tag, text = node.tag, node.value
        if tag == "tag:yaml.org,2002:str":
            if not node.style and text[:1] in _NUMBER_START and "e" in text.lower():
                number = numbers.from_plain(text)  # 1e-3: a number, as YAML 1.2 reads it
                if number is not None:
                    return number
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            number = numbers.from_plain(text)
            if number is not None:
                return number
            if tag == "tag:yaml.org,2002:float" and text.lower().lstrip("+-") in (".inf", ".nan"):
                return Number(_CONSTRUCTOR.construct_yaml_float(node), text)  # "not finite"
            if numbers.PLAIN.fullmatch(text):
                shown = text if len(text) <= 24 else f"{text[:12]}...({len(text)} digits)"
                raise _Refused(node, f"number {shown} is too large; a value must fit a "
                                     "64-bit float (at most about 1.8e308)")
            raise _Refused(node, numbers.why_not_plain(text))
        if tag == "tag:yaml.org,2002:timestamp":
            return text  # dates stay text; the validator checks their form
        return self._refuse_tag(node)

    def _refuse_tag(self, node):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(node, f"YAML tag '{tag}' is not allowed in data files")


_NUMBER_START = frozenset("-0123456789")
_TOO_DEEP = (f"collections nest more than {MAX_DEPTH} levels deep here; "
             "no data file needs that many")
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
    try:
        text = files.read_text(path, MAX_FILE_BYTES)
    except files.Unreadable as exc:
        return None, [Problem(str(path), exc.line, exc.col, exc.message)]
    return parse_text(text, path)


#: Characters YAML reads as line breaks that nothing else does: they would shift every
#: position after them, and a reader of the file does not see a line break there.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")
#: Where a tag (!!float, !custom) or an anchor (&name) may start a token.
_TAG_OR_ANCHOR = re.compile(r"(?:^|[\s\[{,])[!&][^\s]", re.M)
#: Below this many possible levels of nesting, libyaml composes a document safely (its
#: composer recurses in C: about 24,000 levels overflow the stack and kill the process) and
#: under its own limit (PyYAML 6.0.4's libyaml refuses more than 1,000 levels, in its words):
#: a text that may nest deeper is checked first, so the error is always this program's.
_SAFE_NESTING = 900
_LONG_INDENT = re.compile(r"^[ \t?:-]{400}", re.M)


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _pre_check(text: str, where: str) -> Problem | None:
    """What must be refused before YAML reads the text at all."""
    for ch in _ODD_BREAKS:
        at = text.find(ch)
        if at >= 0:
            name = {"\x85": "next line (U+0085)", "\u2028": "line separator (U+2028)",
                    "\u2029": "paragraph separator (U+2029)"}[ch]
            return Problem(where, *_position(text, at),
                           f"invalid character: {name}, which YAML reads as a line break; "
                           "use a normal line break or a space")
    if text.count("[") + text.count("{") > _SAFE_NESTING or _LONG_INDENT.search(text):
        mark = _too_deep(text)
        if mark is not None:
            return Problem(where, mark.line + 1, mark.column + 1, _TOO_DEEP)
    return None


def _too_deep(text: str):
    """Where collections first nest deeper than MAX_DEPTH, read as a stream of events
    (which, unlike composing, does not recurse); None if they never do.  libyaml reads
    ahead and may stop at its own nesting limit (PyYAML 6.0.4) before it has said where
    ours was passed: then PyYAML's pure-Python parser, which has no such limit, reads it."""
    for parser in (_Loader, yaml.SafeLoader) if _Loader is not yaml.SafeLoader \
            else (yaml.SafeLoader,):
        depth = 0
        try:
            for event in yaml.parse(text, Loader=parser):
                if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        return event.start_mark
                elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    depth -= 1
        except yaml.YAMLError:
            continue  # composing reports it, unless it nests too deep before it
        return None
    return None


def _tag_or_anchor(text: str, where: str) -> Problem | None:
    """An explicit tag (``!!float 50.1``) or an anchor that no alias uses: composing
    resolves both away, so the tokens are looked at (only when the text may hold one)."""
    if not _TAG_OR_ANCHOR.search(text):
        return None
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.TagToken):
            handle, suffix = token.value
            tag = (handle or "") + suffix
            return Problem(where, token.start_mark.line + 1, token.start_mark.column + 1,
                           f"YAML tag '{tag}' is not allowed in data files; write the value "
                           "without it")
        if isinstance(token, yaml.AnchorToken):
            return Problem(where, token.start_mark.line + 1, token.start_mark.column + 1,
                           "YAML anchors, aliases and merge keys are not allowed in data files")
    return None


def parse_text(text: str, path: Path) -> tuple[Document | None, list[Problem]]:
    problems: list[Problem] = []
    where = str(path)
    refused = _pre_check(text, where)
    if refused:
        return None, [refused]
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return None, [_yaml_problem(exc, where, text)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, col = _position(text, exc.position)
        return None, [Problem(where, line, col, f"invalid YAML: character U+{exc.character:04X} "
                                                "is not allowed in a YAML file")]
    except yaml.YAMLError as exc:
        return None, [Problem(where, 1, 1, "invalid YAML: " + " ".join(str(exc).split()))]
    except RecursionError:  # PyYAML's pure-Python composer, without libyaml
        return None, [Problem(where, 1, 1, _TOO_DEEP)]
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
    refused = _tag_or_anchor(text, where)
    if refused:
        return None, [refused]
    return doc, problems


_OPENED = {"quoted scalar": "the quoted string", "flow sequence": "the list '['",
           "flow mapping": "the mapping '{'", "block mapping": "the mapping",
           "block collection": "the list"}


def _yaml_problem(exc: yaml.MarkedYAMLError, where: str, text: str) -> Problem:
    """PyYAML's error at the place a person should look: an unclosed quote or bracket is
    reported where it opens, not at the end of the file."""
    problem = exc.problem or ""
    at_end = exc.problem_mark is not None and exc.problem_mark.index >= len(text.rstrip())
    if exc.context_mark is not None and ("end of stream" in problem or at_end):
        mark = exc.context_mark
        opened = (exc.context or "").removeprefix("while scanning a ").removeprefix("while parsing a ")
        opened = _OPENED.get(opened, opened)
        reason = f"{opened} opened here is never closed" if opened else problem
    else:
        mark = exc.problem_mark or exc.context_mark
        reason = problem or exc.context or "invalid YAML"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(where, line, col, f"invalid YAML: {reason}")



def _first_alias_mark(text: str):
    """Where the first alias or merge key stands (only called on that error)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
        if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
            return event.start_mark
    return None
