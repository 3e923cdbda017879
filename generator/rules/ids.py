"""Ids and slugs: what names a file, a leaderboard or an address.

An id (a task's or dataset's file name, a leaderboard's id, a reference to one)
is lowercase letters and digits with single ``-``, ``_`` or ``.`` between them,
at most ``MAX_LENGTH`` characters: ids name files (``tasks/ID/LEADERBOARD.json``)
and addresses, and file systems cap a name at 255 bytes.  A slug is the id-like
form of any text (a heading, a model's name), for anchors and new ids.
"""
from __future__ import annotations

import hashlib
import re

PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
MAX_LENGTH = 100
RULE = "lowercase letters, digits and single '-', '_' or '.' between them"
_ID = re.compile(PATTERN)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def is_id(text: object) -> bool:
    return isinstance(text, str) and len(text) <= MAX_LENGTH and _ID.match(text) is not None


def slug(text: str, limit: int | None = None) -> str:
    """``text`` as lowercase words joined by '-' ('' when it has none).  With ``limit``, a
    longer slug is cut and keeps a short hash of the whole text, so that two long names
    stay apart."""
    out = _NOT_WORD.sub("-", str(text).lower()).strip("-")
    if limit is not None and len(out) > limit:
        digest = hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:8]
        out = out[: limit - 9].rstrip("-") + "-" + digest
    return out


def gh_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces as '-'."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")
