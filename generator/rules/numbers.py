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
