"""The site's sitemap, finished: the pages MkDocs did not render listed, the placeholders
taken out, and every page dated by the last commit.

MkDocs dates each page by the build's day, so two builds of the same sources would differ;
the last commit's date is the same in both (outside a git checkout there is no date and no
``<lastmod>``).  The XML is parsed and written with ``xml.etree``, entries keep MkDocs's
order and the added ones come after it, sorted; a character XML forbids (U+FFFE, a
control character) in a page's address is dropped, so the sitemap always parses.
Nothing here imports MkDocs.
"""
from __future__ import annotations

import gzip
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable
from urllib.parse import urljoin

from generator.rules.text import xml_chars
from generator.site.fsutil import link_from

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_URL, _LOC, _LASTMOD = f"{{{NS}}}url", f"{{{NS}}}loc", f"{{{NS}}}lastmod"
ET.register_namespace("", NS)  # written as the default namespace, without a prefix


def rewrite(xml: str, base: str, add: Iterable[str] = (), drop: Iterable[str] = (),
            date: str | None = None) -> str:
    """The sitemap ``xml`` with an entry for each URL of ``add`` (relative to the site,
    like ``papers/x/``), without the entries of ``drop``, and ``date`` (YYYY-MM-DD) as
    every entry's ``<lastmod>``, or none if it is None.  ``base`` is the site's URL
    (``site_url``, ending in /); MkDocs writes absolute paths when it is empty."""
    root = ET.fromstring(xml_chars(xml))  # a page path MkDocs wrote may hold what XML forbids
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
    text = xml_chars(ET.tostring(root, encoding="unicode", short_empty_elements=False))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'


def compose(urls: Iterable[str], base: str, add: Iterable[str] = (), drop: Iterable[str] = (),
            date: str | None = None) -> str:
    """What ``rewrite`` makes of MkDocs's sitemap listing the pages at ``urls`` (relative to
    the site, in its order), without parsing one: for a rebuild of `mkdocs serve`, whose
    MkDocs left out the pages it kept from the last build."""
    # as MkDocs lists a page: by its canonical URL, and none without a site_url
    root = base if base.endswith("/") else base + "/"
    listed = [root + url if _PLAIN.match(url) and "/." not in url else urljoin(root, "" if url in (".", "./") else url)
              for url in urls] if base else []
    base = base or "/"
    dropped = {base + url for url in drop}
    locs = [loc for loc in listed if loc not in dropped]
    locs += [base + url for url in sorted(set(add) - set(drop))]
    lastmod = f"        <lastmod>{date}</lastmod>\n" if date is not None else ""
    entries = "".join(f"    <url>\n        <loc>{_escape(loc)}</loc>\n{lastmod}    </url>\n"
                      for loc in locs)
    body = f"\n{entries}" if entries else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">{body}</urlset>\n'


_PLAIN = re.compile(r"[A-Za-z0-9_~%-][^:?#]*\Z")  # with no "/." in it: a path urljoin appends as it is


def _escape(text: str) -> str:  # as xml.etree writes text, and rewrite cleans it
    return xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: a sitemap file lists at most this many pages (the protocol's limit is 50,000 and 50 MB)
FILE_URLS = 50_000
#: past this many pages the sitemap is split (``files_of``): sitemap.xml, which Material's
#: instant navigation fetches on a page's first load, lists the site's own pages and the
#: pages of papers and models go to sitemap-2.xml..., all named by sitemap-index.xml
SPLIT_AT = 5_000
INDEX = "sitemap-index.xml"
_SIDE = re.compile(r"/(papers|models)/")
_ENTRY = re.compile(r"    <url>\n.*?    </url>\n", re.S)
_LOC_OF = re.compile(r"<loc>(.*?)</loc>", re.S)


def files_of(text: str, base: str = "") -> dict[str, str]:
    """The sitemap files of ``text`` (one sitemap as ``rewrite``/``compose`` write it):
    {"sitemap.xml": text} for a site of at most ``SPLIT_AT`` pages; past that, sitemap.xml
    lists the site's own pages (home, tasks, leaderboards, datasets, the hand-written
    pages: what instant navigation follows), sitemap-2.xml... the papers' and models'
    pages, each file at most ``FILE_URLS``, and sitemap-index.xml names every file, the one
    to give search engines.  ``base``: the site's URL, for the index's addresses."""
    entries = _ENTRY.findall(text)
    if len(entries) <= SPLIT_AT:
        return {"sitemap.xml": text}
    head, _, _ = text.partition("<urlset")
    opening = "<urlset" + text.partition("<urlset")[2].partition(">")[0] + ">"
    main = [e for e in entries if not _SIDE.search(_LOC_OF.search(e)[1])]
    side = [e for e in entries if _SIDE.search(_LOC_OF.search(e)[1])]
    chunks = [main[k:k + FILE_URLS] for k in range(0, len(main), FILE_URLS)] or [[]]
    chunks += [side[k:k + FILE_URLS] for k in range(0, len(side), FILE_URLS)]
    names = ["sitemap.xml"] + [f"sitemap-{n}.xml" for n in range(2, len(chunks) + 1)]
    out = {name: f"{head}{opening}\n{''.join(chunk)}</urlset>\n"
           for name, chunk in zip(names, chunks)}
    root = base if base.endswith("/") else (base + "/" if base else "/")
    listed = "".join(f"    <sitemap>\n        <loc>{_escape(root + name)}</loc>\n    </sitemap>\n"
                     for name in names)
    out[INDEX] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n'
                  f"{listed}</sitemapindex>\n")
    return out


def write(site_dir: Path, text: str, previous: Path | None = None, base: str = "") -> None:
    """The finished sitemap files (``files_of``), each with its .gz; nothing if the site
    has no sitemap (a theme without one).  ``previous``: the site of the last build, whose
    sitemap was this very ``text``: its files are linked, not written again."""
    if not (site_dir / "sitemap.xml").exists():
        return
    for name, body in files_of(text, base).items():
        for file in (name, name + ".gz"):
            if previous is None or not link_from(previous / file, site_dir / file):
                data = body.encode("utf-8")
                (site_dir / file).write_bytes(data if file == name else
                                              gzipped(text) if name == "sitemap.xml"
                                              and body is text else gzip.compress(data, mtime=0))


def update(site_dir: Path, base: str, add: Iterable[str] = (), drop: Iterable[str] = (),
           date: str | None = None) -> None:
    """``rewrite`` the built site's sitemap.xml and write its files (``write``); nothing if
    the site has no sitemap (a theme without one)."""
    path = site_dir / "sitemap.xml"
    if not path.exists():
        return
    write(site_dir, rewrite(path.read_text(encoding="utf-8"), base, add, drop, date), base=base)


def gzipped(text: str) -> bytes:
    """``sitemap.xml.gz``: the same bytes for the same text (no time or name in the header;
    the last one is kept, for the rebuilds of `mkdocs serve` that list the same pages)."""
    if _last[0] is not text and _last[0] != text:
        data = text.encode("utf-8")
        _last[:] = [text, data, gzip.compress(data, mtime=0)]
    return _last[2]


_last: list = [None, b"", b""]  # the last text gzipped, it encoded, and gzipped


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
