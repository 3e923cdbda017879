"""Write plain data as YAML a person would write: block style, keys in the
given order, multi-line text as literal blocks, numbers as they were written,
no anchors or aliases.  Used by the importers; the inverse of ``loader``.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from generator.project.loader import Integer, Number
from generator.rules import numbers

INDENT = "  "
_FLOW_SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ .+*@()/-]*$")
FLOW_WIDTH = 60


def _flow(value: Any) -> str | None:
    """``[a, b]`` or ``{k: v}`` for a short collection of simple scalars, else None."""
    def simple(x):
        if isinstance(x, str):
            return bool(_FLOW_SAFE.match(x)) and x == x.strip() and scalar(x) == x
        return x is None or isinstance(x, (int, float))
    if isinstance(value, list) and value and all(simple(x) for x in value):
        text = "[" + ", ".join(scalar(x) for x in value) + "]"
    elif isinstance(value, dict) and value and all(
            simple(k) and isinstance(k, str) and simple(v) for k, v in value.items()):
        text = "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    else:
        return None
    return text if len(text) <= FLOW_WIDTH else None


def dump(data: dict, header: str | None = None) -> str:
    lines: list[str] = [header] if header else []
    _mapping(data, 0, lines)
    return "\n".join(lines) + "\n"


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (Number, Integer)):
        return value.text
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and numbers.PLAIN.fullmatch(value):
        return "'" + value + "'"  # text that the loader would read as a number (1e3)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    if text.endswith("\n...\n"):
        text = text[:-5]
    return text.rstrip("\n")


def _is_block_text(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.rstrip("\n") \
        and not any(line != line.rstrip() for line in value.split("\n")) \
        and not value.startswith((" ", "\n")) and "\t" not in value and "\r" not in value


def _block(value: str, level: int, lines: list[str]) -> str:
    chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else \
        ("+" if value.endswith("\n\n") else "-")
    pad = INDENT * (level + 1)
    for line in value.rstrip("\n").split("\n") if chomp != "+" else value[:-1].split("\n"):
        lines.append(pad + line if line else "")
    return "|" + chomp


def _mapping(data: dict, level: int, lines: list[str], first_prefix: str | None = None) -> None:
    pad = INDENT * level
    for i, (key, value) in enumerate(data.items()):
        prefix = first_prefix if (i == 0 and first_prefix is not None) else pad
        k = scalar(str(key))
        _entry(prefix + k + ":", value, level, lines)


def _entry(head: str, value: Any, level: int, lines: list[str]) -> None:
    flow = _flow(value)
    if flow is not None:
        lines.append(head + " " + flow)
    elif isinstance(value, dict) and value:
        lines.append(head)
        _mapping(value, level + 1, lines)
    elif isinstance(value, list) and value:
        lines.append(head)
        _sequence(value, level + 1, lines)
    elif isinstance(value, dict):
        lines.append(head + " {}")
    elif isinstance(value, list):
        lines.append(head + " []")
    elif _is_block_text(value):
        at = len(lines)
        lines.append("")
        indicator = _block(value, level, lines)
        lines[at] = head + " " + indicator
    else:
        lines.append(head + " " + scalar(value))


def _sequence(items: list, level: int, lines: list[str]) -> None:
    pad = INDENT * (level - 1) + "- "
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, level, lines, first_prefix=pad)
        else:
            _entry(pad.rstrip(" "), item, level, lines)
