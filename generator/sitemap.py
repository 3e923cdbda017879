"""The site's sitemap, finished: the pages MkDocs did not render listed, the placeholders
taken out, and every page dated by the last commit.

MkDocs dates each page by the build's day, so two builds of the same sources would differ;
the last commit's date is the same in both (outside a git checkout there is no date and no
``<lastmod>``).  The XML is parsed and written with ``xml.etree``, entries keep MkDocs's
order and the added ones come after it, sorted.  Nothing here imports MkDocs.
"""
from __future__ import annotations

import gzip
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_URL, _LOC, _LASTMOD = f"{{{NS}}}url", f"{{{NS}}}loc", f"{{{NS}}}lastmod"
ET.register_namespace("", NS)  # written as the default namespace, without a prefix


def rewrite(xml: str, base: str, add: Iterable[str] = (), drop: Iterable[str] = (),
            date: str | None = None) -> str:
    """The sitemap ``xml`` with an entry for each URL of ``add`` (relative to the site,
    like ``papers/x/``), without the entries of ``drop``, and ``date`` (YYYY-MM-DD) as
    every entry's ``<lastmod>``, or none if it is None.  ``base`` is the site's URL
    (``site_url``, ending in /); MkDocs writes absolute paths when it is empty."""
    root = ET.fromstring(xml)
    base = base or "/"
    dropped = {base + url for url in drop}
    for url in root.findall(_URL):
        if (url.findtext(_LOC) or "").strip() in dropped:
            root.remove(url)
    for relative in sorted(set(add) - set(drop)):
        ET.SubElement(ET.SubElement(root, _URL), _LOC).text = base + relative
    for url in root.findall(_URL):
        for old in url.findall(_LASTMOD):
            url.remove(old)
        if date is not None:
            ET.SubElement(url, _LASTMOD).text = date
    for element in root.iter():  # MkDocs's own indentation goes: ET.indent writes anew
        element.text = element.text.strip() if element.text else element.text
        element.tail = None
    ET.indent(root, space="    ")
    text = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'


def update(site_dir: Path, base: str, add: Iterable[str] = (), drop: Iterable[str] = (),
           date: str | None = None) -> None:
    """``rewrite`` the built site's sitemap.xml, and write sitemap.xml.gz to match; nothing
    if the site has no sitemap (a theme without one)."""
    path = site_dir / "sitemap.xml"
    if not path.exists():
        return
    text = rewrite(path.read_text(encoding="utf-8"), base, add, drop, date)
    path.write_text(text, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzipped(text))


def gzipped(text: str) -> bytes:
    """``sitemap.xml.gz``: the same bytes for the same text (no time or name in the header)."""
    return gzip.compress(text.encode("utf-8"), mtime=0)


def commit_date(root: Path | None) -> str | None:
    """The date (YYYY-MM-DD) of the last commit of the checkout holding ``root``, or None
    (not a checkout, no commit yet, no git)."""
    if root is None:
        return None
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    date = proc.stdout.strip()
    return date if proc.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
