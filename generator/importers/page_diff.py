"""Import: how a migrated page, written back from the data in its own layout, differs from
the page it came from, as a reader sees them: both rendered to HTML by markdown-it-py
(CommonMark + tables, raw HTML on, as GitHub-like renderers read them) and compared block
by block.  The import report states every difference, page by page."""
from __future__ import annotations

import difflib
import html
import re
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def html_blocks(text: str) -> list[tuple[int, str, str]]:
    """The page's top-level blocks as (source line, kind, HTML)."""
    md = _renderer()
    tokens = md.parse(text)
    blocks, i = [], 0
    while i < len(tokens):
        j, depth = i, tokens[i].nesting
        while depth > 0:
            j += 1
            depth += tokens[j].nesting
        tok = tokens[i]
        kind = tok.tag if tok.type == "heading_open" else tok.type.removesuffix("_open")
        blocks.append((tok.map[0] + 1 if tok.map else 0, kind,
                       md.renderer.render(tokens[i:j + 1], md.options, {}).strip()))
        i = j + 1
    return blocks


def render_html(text: str) -> str:
    return _renderer().render(text)


def differences(original: str, regenerated: str) -> list[str]:
    """Each way ``regenerated`` renders differently from ``original``, one line each, at the
    original's line; none when the two render to the same HTML."""
    a, b = html_blocks(original), html_blocks(regenerated)
    if [x[2] for x in a] == [x[2] for x in b]:
        return []
    out = []
    matcher = difflib.SequenceMatcher(None, [x[2] for x in a], [x[2] for x in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        after = a[i1 - 1][0] if i1 else 0
        while olds or news:
            if olds and news and olds[0][1] == news[0][1]:  # a block of the same kind, changed
                (line, kind, old), (_, _, new) = olds.pop(0), news.pop(0)
                if kind == "table":
                    out += [f"line {line}: table: {d}" for d in _table_differences(old, new)]
                else:
                    out.append(f"line {line}: {kind} reads differently: {_first_change(old, new)}")
                after = line
            elif olds and not any(kind == olds[0][1] for _, kind, _ in news):
                line, kind, h = olds.pop(0)
                out.append(f"line {line}: {kind} not in the written-back page: {_snippet(h)}")
                after = line
            else:
                _, kind, h = news.pop(0)
                out.append(f"after line {after}: {kind} added: {_snippet(h)}")
    return out


_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t([hd])(?: style=\"text-align:(\w+)\")?>(.*?)</t[hd]>", re.S)


def _cells(table: str) -> list[list[tuple[str, str]]]:
    """Rows of (alignment, cell's text) of a rendered table; the header row first."""
    return [[(m[2] or "", _text(m[3])) for m in _CELL.finditer(row)]
            for row in _ROW.findall(table)]


def _table_differences(old: str, new: str) -> list[str]:
    a, b = _cells(old), _cells(new)
    out = []
    head_a, head_b = ([c for _, c in rows[0]] if rows else [] for rows in (a, b))
    if head_a != head_b:
        out.append(f"columns {head_a} are written back as {head_b}")
    align_a, align_b = ([al or "none" for al, _ in rows[0]] if rows else [] for rows in (a, b))
    if head_a == head_b and align_a != align_b:
        out.append(f"column alignment {align_a} is written back as {align_b}")
    if len(a) != len(b):
        out.append(f"{len(a) - 1} rows are written back as {len(b) - 1}")
    changed = []
    columns = {name: k for k, name in enumerate(head_b)}
    rows_a, rows_b = a[1:], b[1:]
    if rows_a and rows_b and len(rows_a) == len(rows_b):
        # the same rows in another order (best first) are one difference, not one per cell
        key = lambda row: row[0][1] if row else ""
        if [key(r) for r in rows_a] != [key(r) for r in rows_b] and \
                sorted(key(r) for r in rows_a) == sorted(key(r) for r in rows_b):
            out.append("rows are written back best first; the page had them in another order")
            order = {key(r): k for k, r in enumerate(rows_b)}
            rows_b = [rows_b[order[key(r)]] for r in rows_a]
    for r, (row_a, row_b) in enumerate(zip(rows_a, rows_b), start=1):
        for k, (_, text) in enumerate(row_a):
            name = head_a[k] if k < len(head_a) else f"column {k + 1}"
            other = row_b[columns[name]][1] if name in columns and columns[name] < len(row_b) \
                else None
            if other is not None and other != text:
                changed.append(f"row {r}, {name!r}: {text!r} -> {other!r}")
    if changed:
        out.append(f"{len(changed)} cells read differently: " + "; ".join(changed[:3]) +
                   (f"; and {len(changed) - 3} more" if len(changed) > 3 else ""))
    if not out:
        out.append(f"markup differs: {_first_change(old, new)}")
    return out


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _snippet(fragment: str, limit: int = 70) -> str:
    text = _text(fragment) or fragment
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _first_change(old: str, new: str) -> str:
    at = next((k for k, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
    start = max(0, at - 25)
    return f"{old[start:at + 35]!r} -> {new[start:at + 35]!r}"


def compare_written_back(plan, layout: str = "nlp-progress") -> dict[str, list[str]]:
    """For each page a loose import kept (its report's ``layouts``), the differences between
    the page and the page ``markdown --layout`` writes back from the checked ``plan``."""
    from generator.outputs import render
    from generator.importers import read_page

    by_id = {task.id: task for task in plan.tasks}
    out = {}
    for page, task_ids in plan.report.layouts.items():
        tasks = [by_id[t] for t in task_ids if t in by_id]
        written = "\n".join(render.task_markdown(task, plan.project, layout=layout)
                            for task in tasks)
        out[page] = differences(read_page(Path(page)), written)
    return out
