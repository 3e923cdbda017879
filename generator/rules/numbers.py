"""How a number is written in the data, and reading numbers written as text.

A data file writes a number in plain decimal notation: ``50.1``, ``-3``, ``0.001``,
or with an exponent, ``1e-3``.  YAML 1.1 also reads ``1:30`` (base 60, 90),
``017`` (octal), ``0x1F``, ``1_050.1`` and ``+5`` as numbers; a reader of the
file would not, so those are refused with a message saying how to write them.
The exponent form is read as a number although YAML 1.1 leaves ``1e3`` a string
(YAML 1.2, JSON and the editors' schema validation read it as a number).

A value keeps the text it was written with (``88.80`` stays ``88.80``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

PLAIN = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_LOOSE = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?((?:[eE][+-]?\d+)?)")


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


def from_plain(text: str) -> Number | Integer | None:
    """A number in the data's own notation (``PLAIN``), or None if ``text`` is not one
    or is too large for a float."""
    if not PLAIN.fullmatch(text):
        return None
    if "." in text or "e" in text or "E" in text:
        value = float(text)
        return Number(value, text) if math.isfinite(value) else None
    if len(text) > 300 and not _fits_float(int(text)):
        return None
    return Integer(int(text), text)


def _fits_float(value: int) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def why_not_plain(text: str) -> str:
    """Why YAML's reading of ``text`` as a number is refused, and how to write it."""
    if ":" in text:
        how = "YAML reads it in base 60"
    elif re.fullmatch(r"[+-]?0[0-9_]+", text) or text.lower().startswith(("0o", "0x", "0b")):
        how = "YAML reads a leading 0, 0o, 0x or 0b as another base"
    elif "_" in text:
        how = "YAML drops the underscores"
    elif text.startswith("+"):
        how = "leave out the '+'"
    else:
        how = "write digits with one optional '.' and exponent"
    return (f"number {text!r} is not in plain decimal notation ({how}); write it like "
            "50.1, -3 or 1e-3, or quote it if it is text")


def number_from_text(text: str) -> Number | Integer | None:
    """A number written in prose or a table cell ('88.80', '+5', '.5', '1e-3'), as the data
    would write it ('5', '0.5'), keeping its digits; None if it is not a finite number."""
    found = _LOOSE.fullmatch(text.strip())
    if not found or not (found[2] or found[3]):
        return None
    sign, whole, frac, exp = found.groups()
    whole = whole.lstrip("0") or "0"
    canonical = ("-" if sign == "-" else "") + whole + (f".{frac}" if frac else "") + exp
    return from_plain(canonical)


# --- cells of other sources' tables ------------------------------------------------------

#: What a source writes for "no value".
MISSING = frozenset({"", "-", "--", "—", "–", "n/a", "na", "none", "null", "nan", "?"})
#: Magnitude suffixes: the value keeps its digits and the suffix becomes the unit.
MAGNITUDES = {"K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12}
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
_UNCERTAIN = re.compile(r"^(?P<value>.+?)\s*(?:±|\+/-|\+-|\\pm)\s*(?P<plus>[^±]+)$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,(\d{1,2}|\d{4,})$")


@dataclass(frozen=True)
class Cell:
    """A number read from another source's table cell, and what surrounded it."""

    number: Number | Integer | None  # None: the source says "no value"
    uncertainty: Number | Integer | None = None  # 2.42 ± 0.01
    suffix: str | None = None  # '%', or a magnitude 'K', 'M', 'B'...
    note: str | None = None  # how it was read, when that is worth reporting


def read_cell(text: str) -> Cell | None:
    """A cell as written in a leaderboard table ('85.1%', '15.9M', '2.42 ± 0.01', '**70.3**',
    '99,45', '—'); None when it holds something else (report it)."""
    text = " ".join(str(text).replace("\ufeff", "").split())
    while (emphasis := _EMPHASIS.match(text)):
        text = emphasis[2].strip()
    if text.lower() in MISSING:
        return Cell(None)
    uncertain = _UNCERTAIN.match(text)
    if uncertain:
        value, plus = read_cell(uncertain["value"]), read_cell(uncertain["plus"])
        if value is None or plus is None or value.number is None or plus.number is None \
                or (plus.suffix and value.suffix and plus.suffix != value.suffix):
            return None  # '85.2 ± 0.3%': the suffix is both's
        return Cell(value.number, plus.number, value.suffix or plus.suffix, "uncertainty")
    suffix = None
    if text.endswith("%"):
        text, suffix = text[:-1].rstrip(), "%"
    elif text[-1:] in MAGNITUDES and text[:-1].rstrip()[-1:].isdigit():
        text, suffix = text[:-1].rstrip(), text[-1]
    note = None
    if _DECIMAL_COMMA.match(text):
        text, note = text.replace(",", "."), "decimal comma"
    number = number_from_text(text)
    if number is None:
        return None
    return Cell(number, None, suffix, note or ("magnitude" if suffix in MAGNITUDES else None))
