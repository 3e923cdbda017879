"""Big HTML blocks lifted out of a page's markdown, and put back into its HTML.

Generated pages wrap their tables and charts in ``render.RAW_OPEN`` ... ``RAW_CLOSE``.
Python-Markdown (and MkDocs's search indexer after it) would parse every table cell, which
is most of a big build's time: the MkDocs plugin lifts each block out before Markdown runs,
leaving a marker, and puts the block back into the finished page.  Nothing here imports
MkDocs.
"""
from __future__ import annotations

import re

from generator.outputs.render import RAW_CLOSE, RAW_OPEN

_MARKER = re.compile(r'<div data-lb-raw="(\d+)"></div>')


def marker(index: int) -> str:
    """What stands in for block ``index``: an empty HTML block, which Markdown keeps as is."""
    return f'<div data-lb-raw="{index}"></div>'


def lift(markdown: str) -> tuple[str, list[str]]:
    """(the markdown with each block replaced by its marker, the blocks in order).
    An opening mark without a closing one takes the rest of the page as its block."""
    blocks: list[str] = []
    parts: list[str] = []
    rest = markdown
    while RAW_OPEN in rest:
        before, _, after = rest.partition(RAW_OPEN)
        block, _, rest = after.partition(RAW_CLOSE)
        parts += [before, f"\n{marker(len(blocks))}\n"]
        blocks.append(block)
    parts.append(rest)
    return "".join(parts), blocks


def restore(html: str, blocks: list[str], strip: bool = False) -> str:
    """Put each block in place of the first copy of its marker, in one pass: a block is
    never searched for markers itself.  ``strip`` trims the blocks' surrounding blank lines."""
    if not blocks:
        return html
    done: set[int] = set()

    def put(match: re.Match) -> str:
        index = int(match[1])
        if index >= len(blocks) or index in done:
            return match[0]
        done.add(index)
        return blocks[index].strip() if strip else blocks[index]
    return _MARKER.sub(put, html)


# where whitespace is the content: kept as written
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_LINE_BREAKS = re.compile(r"[ \t]*\n[ \t]*(?:\n[ \t]*)*")


def compact(html: str) -> str:
    """``html`` without the blank lines and indentation the theme's templates leave (a
    tenth of a generated page's bytes, mostly around its content): each run of line breaks,
    spaces and tabs that holds a line break becomes one line break, which HTML reads as the
    same white space; the inside of ``pre``, ``textarea``, ``script`` and ``style`` stays."""
    parts = _VERBATIM.split(html)
    out = []
    for k, part in enumerate(parts):
        kind = k % 3
        if kind == 0:
            out.append(_LINE_BREAKS.sub("\n", part))
        elif kind == 1:
            out.append(part)  # the verbatim element; (k % 3 == 2 is its tag name, dropped)
    return "".join(out)
