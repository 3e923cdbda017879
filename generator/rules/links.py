"""Which link targets may be followed: http(s) URLs and relative links, nothing else.

A target is judged by what a browser would finally follow, not by its raw text:
markdown renderers decode entities (``&#106;avascript:``), some keep them for the
browser to decode, browsers drop tabs and newlines anywhere in a URL and control
characters and spaces around it, and percent-encoding can hide a scheme's colon.
So the target is decoded (entities, then percent-encoding, a few rounds, since
either can hide the other), stripped, and only then is its scheme read.
"""
from __future__ import annotations

import html
import re
from urllib.parse import unquote

#: Schemes a link may use; anything else (javascript:, vbscript:, data:, file:...) may not.
ALLOWED_SCHEMES = ("http", "https")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# browsers remove tabs and line breaks from every URL; a backslash escapes the next
# character in CommonMark (``javascript\:``), and is never part of a scheme
_DROPPED_ANYWHERE = re.compile(r"[\t\n\r\\]")
_AROUND = "".join(map(chr, range(0x21))) + "\x7f"  # C0 controls and space, stripped at the ends
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def decoded(url: str) -> str:
    """The target as a browser would finally read it, for judging only."""
    text = str(url)
    for _ in range(4):
        before = text
        text = unquote(html.unescape(text), errors="replace")
        if text == before:
            break
    text = _DROPPED_ANYWHERE.sub("", text).strip(_AROUND)
    return _CONTROL.sub("", text)


def scheme(url: str) -> str | None:
    """The lowercased scheme a browser would see (``javascript``), or None for a relative link."""
    found = _SCHEME.match(decoded(url))
    return found[1].lower() if found else None


def safe_link(url: str) -> bool:
    """Whether ``url`` may be a link target: http(s), or relative (a path or ``#anchor``)."""
    if str(url)[:8].lower().startswith(("http://", "https://")):
        return True  # written out as http(s) from its first character: no decoding changes that
    found = scheme(url)
    return found is None or found in ALLOWED_SCHEMES


def is_absolute_http(url: str) -> bool:
    # written out as http(s) from its first character: decoding cannot change the scheme
    # (as in safe_link), so the common case skips it
    return str(url)[:8].lower().startswith(("http://", "https://"))


def href(url: str) -> str:
    """``url`` fit for an ``href``: as written when it is safe (controls removed), else ``#``."""
    clean = _CONTROL.sub("", str(url)).strip()
    return clean if safe_link(clean) else "#"
