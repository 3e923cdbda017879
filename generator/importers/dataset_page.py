"""Import: SotA-CV dataset description pages -> plain data for a dataset file.

Bullet lists whose items are each a single link become structured links
(paper, website, evaluation, download...); everything else stays markdown in the
description, with the page's ``###`` sections as ``##`` headings.  Empty
template sections (an empty Demo, a Resources table with no rows) are dropped.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from generator.project.problems import InputError, Problem
from generator.importers.markdown_page import Block, blocks_of, cell_links, inline_text

TEMPLATE_SENTENCE = "Links to helper scripts for extraction/transformation/visualization."


def link_kind(label: str, url: str, section: str) -> str:
    low = label.lower()
    if section == "downloads":
        return "download"
    if re.search(r"evaluation|benchmark|challenge|leaderboard|competition", low):
        return "evaluation"
    if re.search(r"website|homepage|official site", low):
        return "website"
    if low == "paper" or url.lower().endswith(".pdf") or "arxiv.org" in url:
        return "paper"
    if urlparse(url).path in ("", "/"):
        return "website"
    return "other"


def _link_items(block: Block) -> list[tuple[str, str]] | None:
    """The (label, url) of a bullet list whose every item is one link, else None."""
    if block.tokens[0].type != "bullet_list_open":
        return None
    items = []
    for tok in block.tokens:
        if tok.type == "inline":
            links, outside = cell_links(tok)
            if len(links) != 1 or outside:
                return None
            items.append(links[0])
    return items or None


def _is_template_leftover(page_lines: list[str], body: list[Block]) -> bool:
    text = "\n".join(page_lines[body[0].start:body[-1].end]).strip() if body else ""
    if not text:
        return True
    without = text.replace(TEMPLATE_SENTENCE, "").strip()
    return bool(re.fullmatch(r"\|[^\n]*\|\n\|[:\- |]+\|", without))  # a header-only table


def parse_dataset_page(path: Path, text: str) -> dict:
    lines = text.splitlines()
    blocks = blocks_of(text)
    if not blocks or blocks[0].kind != "heading" or blocks[0].level != 1:
        raise InputError(Problem(str(path), blocks[0].start + 1 if blocks else 1, 0,
                                 "not a dataset page: it must start with a '# Name' heading"))
    name = inline_text(blocks[0].inline)
    sections: list[tuple[str, int, list[Block]]] = [("", 0, [])]
    for b in blocks[1:]:
        if b.kind == "heading" and b.level in (2, 3):
            sections.append((inline_text(b.inline), b.level, []))
        else:
            sections[-1][2].append(b)
    links, parts = [], []
    for title, _level, body in sections:
        key = title.lower()
        if title and _is_template_leftover(lines, body):
            continue
        kept: list[Block] = []
        simple = key in ("", "description") or (
            key == "downloads" and not any(b.kind == "heading" for b in body))
        for b in body:
            items = _link_items(b) if simple else None
            if items:
                links += [{"kind": link_kind(label, url, key), "label": label, "url": url}
                          for label, url in items]
            else:
                kept.append(b)
        chunk = _source(lines, kept)
        if not chunk:
            continue
        parts.append(chunk if key in ("", "description") else f"## {title}\n\n{chunk}")
    data: dict = {"name": name}
    if parts:
        data["description"] = "\n\n".join(parts) + "\n"
    if links:
        data["links"] = links
    return data


def _source(lines: list[str], blocks: list[Block]) -> str:
    """The blocks' markdown, each kept as written, separated by blank lines."""
    chunks = ["\n".join(lines[b.start:b.end]).strip("\n") for b in blocks]
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(c for c in chunks if c)).strip()
