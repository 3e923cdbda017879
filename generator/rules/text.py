"""What text fields may hold.

Two kinds of text field:

* **plain text** (names, titles, labels, tags, units): one line, shown as written;
* **markdown** (descriptions, notes, section bodies, a task's page): markdown without raw
  HTML; a task's ``page`` may also hold marker lines, ``<!-- leaderboard: ID -->``, each
  where one of its leaderboards' tables goes (``PAGE_MARKER``).

Neither may hold control characters, noncharacters (U+FFFE, U+FDD0...) or lone
surrogates, Unicode line or paragraph separators, or the invisible characters that
reorder text (bidi overrides), and a name must show something once spaces and
zero-width characters are taken away.  Names are
compared for duplicates as a reader sees them (``same_name``).
"""
from __future__ import annotations

import re
import unicodedata

PLAIN_TEXT_KEYS = frozenset({"title", "name", "label", "unit", "model", "paper_title",
                             "extra_data", "license", "area"})
MARKDOWN_KEYS = frozenset({"description", "notes", "body", "page"})
#: A line of a task's ``page`` that stands for one of its leaderboards' tables.
PAGE_MARKER = re.compile(r"^<!-- leaderboard: ([a-z0-9]+(?:[._-][a-z0-9]+)*) -->[ \t]*$", re.M)


def page_marker(board_id: str) -> str:
    return f"<!-- leaderboard: {board_id} -->"

#: C0 and C1 control characters (markdown may keep line breaks and tabs), DEL.
_CONTROL_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MARKDOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SEPARATOR = re.compile("[\u2028\u2029]")
#: Characters that change the order or direction of the text around them.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
#: Characters that take no room: a name of only these shows as nothing.
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad]")
#: What a browser's HTML parser reads as markup: a tag, an end tag, a comment or
#: declaration, a processing instruction (broader than CommonMark's raw HTML:
#: ``<svg/onload=...>`` and ``</title/>`` are tags to a browser).
BROWSER_MARKUP = re.compile(r"<[A-Za-z/!?]")

#: Where a noncharacter may be: U+FDD0-U+FDEF, U+FFFE, U+FFFF, the halves of surrogate
#: pairs (alone), and every code point from U+1FFFE up (``is_noncharacter`` then tells):
#: one character class is scanned several times faster than one listing the 34 of them.
NONCHARACTER_NEAR = re.compile("[\ufdd0-\ufdef\ud800-\udfff\ufffe\uffff\U0001fffe-\U0010ffff]")


def is_noncharacter(ch: str) -> bool:
    """U+FDD0-U+FDEF, the last two code points of every plane (U+FFFE, U+1FFFF, ...), or
    half of a surrogate pair: code points that are not characters."""
    point = ord(ch)
    return 0xFDD0 <= point <= 0xFDEF or 0xD800 <= point <= 0xDFFF or point & 0xFFFE == 0xFFFE


def first_noncharacter(text: str) -> str | None:
    return next((m[0] for m in NONCHARACTER_NEAR.finditer(text) if is_noncharacter(m[0])), None)
#: What XML 1.0 does not allow anywhere in a document (not even as ``&#...;``): C0 controls
#: but tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow, so a feed, a badge or a
    sitemap stays well-formed whatever the data held (validation refuses them too)."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text


_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\x00": "a NUL byte",
          "\x85": "a next-line character (U+0085)"}


def _describe(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    if "\ud800" <= ch <= "\udfff":
        return f"U+{ord(ch):04X} (half of a surrogate pair, alone)"
    if is_noncharacter(ch):
        return f"U+{ord(ch):04X} (a noncharacter, which XML and feeds do not allow)"
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else " (a control character)")


def character_problems(key: str, text: str, markdown: bool = False) -> list[str]:
    """Characters no text field may hold, as messages (the first of each kind)."""
    out = []
    control = (_CONTROL_MARKDOWN if markdown else _CONTROL_PLAIN).search(text)
    if control:
        ch = control[0]
        if not markdown and ch in "\n\r":
            out.append(f"'{key}' must be one line; it holds a line break")
        else:
            out.append(f"'{key}' holds {_describe(ch)}, which is not allowed in text; remove it")
    nonchar = first_noncharacter(text)
    if nonchar:
        out.append(f"'{key}' holds {_describe(nonchar)}; remove it")
    separator = _SEPARATOR.search(text)
    if separator:
        out.append(f"'{key}' holds {_describe(separator[0])}, which some programs read as a "
                   "line break; use a normal line break or a space")
    bidi = BIDI.search(text)
    if bidi:
        out.append(f"'{key}' holds an invisible text-direction character U+{ord(bidi[0]):04X}, "
                   "which can disguise what is shown")
    return out


def visible(text: str) -> str:
    """The text without zero-width characters and surrounding white space."""
    return ZERO_WIDTH.sub("", text).strip()


def is_blank(text: str) -> bool:
    return not visible(text)


def same_name(text: str) -> str:
    """A name as a reader tells names apart: NFKC-normalised, zero-width characters
    removed, white space folded and trimmed (``'SDN\u200b '`` and ``'SDN'`` are one name)."""
    return " ".join(unicodedata.normalize("NFKC", ZERO_WIDTH.sub("", text)).split())


def browser_markup(text: str) -> re.Match | None:
    """The first place a browser would read as markup, if any."""
    return BROWSER_MARKUP.search(text)
