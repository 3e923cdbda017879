"""What strangers' text may hold (``check_text``, a pass of ``validate``): names and titles
are one line of plain text (no HTML, no invisible direction controls); markdown fields
have no raw HTML and link only to http(s) URLs, relative paths or anchors."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

from generator.project.loader import Document
from generator.project.problems import Problem
from generator.rules import text as text_rules
from generator.rules.links import safe_link


PLAIN_TEXT_KEYS = text_rules.PLAIN_TEXT_KEYS
MARKDOWN_KEYS = text_rules.MARKDOWN_KEYS
#: Keys whose values are whole numbers: 0.0 is YAML's float, not what they mean.
INTEGER_KEYS = frozenset({"decimals", "highlight", "level"})
URL_KEYS = frozenset({"url", "paper", "license_url"})
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
HTML_TAG = _TAG = re.compile(  # CommonMark's raw HTML: open and closing tags, comments, declarations
    rf"<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>"
    r"|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")


def check_text(doc: Document) -> list[Problem]:
    """Problems with the text fields of ``doc``, wherever they stand in it."""
    problems: list[Problem] = []

    def path_of(chain: tuple) -> tuple:  # (parent chain, key) links -> the path, when needed
        keys = []
        while chain:
            chain, key = chain
            keys.append(key)
        return tuple(reversed(keys))

    def walk(node: Any, chain: tuple, key: str | None) -> None:
        # the path is kept as a chain of links and spelled out only for a problem: half a
        # million values on the archive, nearly all of them fine
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (chain, k), k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (chain, i), key)
        elif isinstance(node, str):
            if key in PLAIN_TEXT_KEYS:
                if _SUSPECT.search(node):
                    problems.extend(doc.problem(path_of(chain), m)
                                    for m in _plain_text_problems(key, node))
            elif key in MARKDOWN_KEYS:
                problems.extend(_markdown_problems(doc, path_of(chain), key, node))
            elif key in URL_KEYS and _SUSPECT.search(node):
                problems.extend(doc.problem(path_of(chain), m)
                                for m in text_rules.character_problems(key, node))
        elif isinstance(node, float) and key in INTEGER_KEYS:
            problems.append(doc.problem(path_of(chain), f"'{key}' must be a whole number written "
                                                        f"without a decimal point, not {_describe(node)}"))

    walk(doc.data, (), None)
    return problems


# one character class, scanned fast, with where a noncharacter may be (the precise checks
# then judge)
_SUSPECT = re.compile("[<\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      "\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff\u180e\u00ad"
                      + text_rules.NONCHARACTER_NEAR.pattern[1:-1] + "]|^\\s|\\s$")


def _plain_text_problems(key: str, text: str) -> list[str]:
    if not _SUSPECT.search(text):  # nearly every name: one scan, nothing to report
        return []
    out = text_rules.character_problems(key, text)
    if text and text_rules.is_blank(text):
        out.append(f"'{key}' shows nothing: it holds only spaces or invisible characters")
    tag = text_rules.browser_markup(text)
    if tag:
        out.append(f"'{key}' must be plain text, not HTML: {_snippet(text, tag.start())!r} "
                   "(it would be shown as text)")
    return out


def _snippet(text: str, at: int) -> str:
    end = text.find(">", at)
    end = len(text) if end < 0 or end - at > 60 else end + 1
    return text[at:end]


@lru_cache(maxsize=1)
def _markdown_parser() -> MarkdownIt:
    """Markdown as the site reads it, but with raw HTML and every link target kept, to find them."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True
    return md


@lru_cache(maxsize=1024)
def _markdown_issue(text: str) -> tuple[int, str, str | None] | None:
    """The first thing markdown ``text`` may not hold: (its line in the text, the piece as
    shown, the link target for a link, else None), or None when it holds nothing such.
    Cached by text: the archive's 1,553 tasks share one notes text."""
    for token in _markdown_parser().parse(text):
        first = token.map[0] if token.map else 0
        if token.type == "html_block":
            tag = _TAG.search(token.content) or text_rules.browser_markup(token.content)
            return first, _snippet(token.content, tag.start() if tag else 0).strip(), None
        for child in token.children or []:
            if child.type == "html_inline":
                return first, child.content, None
            if child.type == "text" and "<" in child.content:
                # what CommonMark leaves as text but a looser renderer or a browser reads as
                # a tag: <svg/onload=...>, </title/> (written literally, not as &lt;)
                tag = text_rules.browser_markup(child.content)
                shown = _snippet(child.content, tag.start()) if tag else ""
                if tag and shown in text:
                    return first, shown, None
            elif child.type in ("link_open", "image"):
                target = str(child.attrGet("href") or child.attrGet("src") or "")
                if not safe_link(target):
                    return first, "", target
    return None


def _markdown_problems(doc: Document, path: tuple, key: str, text: str) -> list[Problem]:
    problems = [doc.problem(path, m)
                for m in text_rules.character_problems(key, text, markdown=True)]
    if key == "page":  # its marker lines are not HTML for a reader: each becomes a table
        text = text_rules.PAGE_MARKER.sub("", text)
    if problems or ("<" not in text and "](" not in text and "]:" not in text):
        return problems  # no raw HTML, autolink, link or link definition to look at
    issue = _markdown_issue(text)
    if issue is None:
        return problems
    lines = text.split("\n")
    line_in_text, shown, target = issue
    if target is not None:
        shown = _shown_target(target, lines)
    for i in range(line_in_text, len(lines)):
        if shown in lines[i]:
            line_in_text = i
            break
    line, col = _where_in_text(doc, path, line_in_text)
    message = (f"'{key}' links to {target!r}; a link must be an http(s) URL, a relative path "
               "or an #anchor") if target is not None else \
        f"'{key}' must be markdown without raw HTML: {shown!r}"
    return [Problem(str(doc.path), line, col, message)]


def _where_in_text(doc: Document, path: tuple, line_in_text: int) -> tuple[int, int]:
    """Line and column of a line of a text field: inside a block scalar (``|``), where that
    line stands in the file; otherwise where the field starts."""
    line, col = doc.where(path)
    if _is_block_scalar(doc, line, col):  # content starts on the next line, indented
        content = doc.text.split("\n")[line + line_in_text] if doc.text else ""
        line, col = line + 1 + line_in_text, len(content) - len(content.lstrip(" ")) + 1
    return line, col


def _shown_target(target: str, lines: list[str]) -> str:
    """The target as written in the source, to find its line (markdown-it hands it back
    decoded and percent-encoded)."""
    for candidate in (target, target[:12], target.split(":")[0][:8]):
        if candidate and any(candidate in line for line in lines):
            return candidate
    return target


def raw_html_in(text: str) -> list[str]:
    """The raw HTML pieces markdown would pass through (outside code), in order."""
    found = []
    for token in _markdown_parser().parse(text):
        if token.type == "html_block":
            found += [m[0] for m in _TAG.finditer(token.content)]
        found += [c.content for c in token.children or [] if c.type == "html_inline"]
    return found


def _is_block_scalar(doc: Document, line: int, col: int) -> bool:
    if doc.text is None:
        return False
    source = doc.text.split("\n")[line - 1][col - 1:]
    return source[:1] in ("|", ">")


# --- semantic pass ----------------------------------------------------------

# the checks of one file alone: what validate --changed keeps for a file that did not change


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        short = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {short!r}"
    if isinstance(value, (int, float)):
        return f"the number {getattr(value, 'text', value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
