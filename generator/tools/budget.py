"""The site budget (issue 29): what a built site weighs against what free hosting allows.

``budget(site_dir)`` measures a built site folder (``mkdocs build``'s output, as it would be
published): its total bytes and files, its largest HTML page and the pages over 1 MB, the
URLs of each sitemap file, the search index (plain and gzipped), and what a first view of a
page downloads, gzipped as a server sends it.  ``table`` prints it against ``LIMITS`` with
PASS or OVER on each line; ``python -m generator bench --budget-only SITE_DIR`` prints it for
one folder, and ``bench`` for every site it builds.

A first page view, as Chromium makes it on this site (checked with the network log,
2026-12-06): the page's HTML; the stylesheets, scripts, icon and (not lazy) images it links,
and the web fonts their ``@font-face`` rules name; then, from Material's script, its search
worker (the site's wrapper and Material's worker that it ``importScripts``) and, with
``navigation.instant``, ``sitemap.xml`` (Material reads it to know which links it may load
in place).  The search index comes too, unless the page holds the site's wiring that keeps it
until the reader opens the search (``data-lb-search``, ``generator.site.searchindex.DEFER``).
The pages measured: the home page, the largest section index (papers, models, datasets,
tasks), the largest leaderboard page and the largest page of all; the budget is the most of
them.

Nothing here imports MkDocs.
"""
from __future__ import annotations

import gzip
import heapq
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

MB = 1_000_000

#: The budget, for the site at the scale of all of Papers with Code (bench's x4): GitHub
#: Pages' 1 GB per site, the sitemap protocol's 50,000 URLs and 50 MB per file.
LIMITS = {"total_bytes": 1_000 * MB, "page_bytes": 1 * MB, "sitemap_urls": 50_000,
          "sitemap_bytes": 50 * MB, "first_view_gzip": 1 * MB}

SECTIONS = ("papers", "models", "datasets", "tasks")
WORST = 5  # the pages over 1 MB named

_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
_TAG = re.compile(r"<(link|script|img)\b([^>]*)>", re.I)
_ATTR = re.compile(r'([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))')
_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.I)
_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_IMPORT_SCRIPTS = re.compile(r"""importScripts\(\s*(['"][^)]*)\)""")
_LINK_FETCHED = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "manifest"}
_COMPRESSED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2", ".gz",
               ".zip"}


def gzipped(data: bytes, suffix: str = "") -> int:
    """Bytes on the wire, as a server that compresses (GitHub Pages does) sends ``data``:
    gzipped at level 6, or as they are when that is no smaller (images, fonts)."""
    if suffix.lower() in _COMPRESSED:
        return len(data)
    return min(len(data), len(gzip.compress(data, 6)))


def _url(site: Path, path: Path) -> str:
    """The page's address in the site: ``papers/`` for papers/index.html."""
    rel = path.relative_to(site).as_posix()
    if rel == "index.html":
        return "/"
    return rel[:-len("index.html")] if rel.endswith("/index.html") else rel


def _walk(site: Path):
    """(path, size) of every file under ``site``, and (folder, None) of every folder."""
    for folder, _, names in os.walk(site):
        yield folder, None
        for name in names:
            path = os.path.join(folder, name)
            try:
                yield path, os.stat(path).st_size
            except OSError:  # a broken link
                continue


def _sitemap(path: Path) -> dict | None:
    """URLs (or, for a sitemap index, sitemaps) and bytes of a sitemap file; None if the
    file is not one."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            return None
    head = raw[:2000]
    if b"<urlset" in head:
        kind, tag = "urlset", b"<url>"
    elif b"<sitemapindex" in head:
        kind, tag = "index", b"<sitemap>"
    else:
        return None
    count = len(re.findall(rb"<(?:\w+:)?" + tag[1:-1] + rb"[\s>]", raw))
    return {"kind": kind, "urls": count, "bytes": len(raw)}


def _attrs(text: str) -> dict:
    return {m[1].lower(): m[2] if m[2] is not None else m[3] if m[3] is not None else m[4]
            for m in _ATTR.finditer(text)}


class _Resolver:
    """Local files a page's references name, relative to the page (or the site's root for
    an absolute path); external addresses are listed apart."""

    def __init__(self, site: Path):
        self.site = site.resolve()
        self.sizes: dict[Path, int] = {}

    def local(self, base: Path, ref: str) -> Path | None:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path or ref.startswith("data:"):
            return None
        path = unquote(parts.path)
        candidates = []
        if path.startswith("/"):  # from the site's root, or from a site served in a folder
            segments = path.strip("/").split("/")
            candidates = [self.site.joinpath(*segments[i:]) for i in range(len(segments))]
        else:
            candidates = [(base / path)]
        for candidate in candidates:
            candidate = Path(os.path.normpath(candidate))
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if candidate.is_file() and str(candidate).startswith(str(self.site)):
                return candidate
        return None

    def wire(self, path: Path) -> int:
        if path not in self.sizes:
            self.sizes[path] = gzipped(path.read_bytes(), path.suffix)
        return self.sizes[path]


def first_view(site: Path, page: Path, resolver: _Resolver | None = None) -> dict:
    """What a first view of ``page`` (an HTML file in ``site``) downloads, gzipped: the
    total, and each part (a name in the site, its bytes)."""
    resolver = resolver or _Resolver(site)
    page = page.resolve()
    text = page.read_text(encoding="utf-8", errors="replace")
    base = page.parent
    fetched: dict[Path, str] = {}  # file -> why
    external: list[str] = []

    def add(ref: str | None, why: str, at: Path = base) -> Path | None:
        if not ref:
            return None
        found = resolver.local(at, ref)
        if found is None:
            if urlsplit(ref).scheme in ("http", "https") or ref.startswith("//"):
                external.append(ref)
            return None
        fetched.setdefault(found, why)
        return found

    for tag, rest in _TAG.findall(text):
        attrs = _attrs(rest)
        tag = tag.lower()
        if tag == "link" and _LINK_FETCHED & set((attrs.get("rel") or "").lower().split()):
            css = add(attrs.get("href"), "asset")
            if css is not None and css.suffix == ".css":
                for face in _FONT_FACE.findall(css.read_text(encoding="utf-8", errors="replace")):
                    first = _URL.search(face)  # a browser takes the first format it reads
                    if first:
                        add(first[1], "font", css.parent)
        elif tag == "script" and attrs.get("src"):
            add(attrs["src"], "asset")
        elif tag == "img" and (attrs.get("loading") or "").lower() != "lazy":
            add(attrs.get("src"), "image")
    config = _CONFIG.search(text)
    if config:
        try:
            config = json.loads(config[1])
        except ValueError:
            config = None
    if isinstance(config, dict):
        root = base / (config.get("base") or ".")
        worker = add(config.get("search"), "search worker")
        while worker is not None and worker.suffix == ".js":
            called = _IMPORT_SCRIPTS.search(worker.read_text(encoding="utf-8", errors="replace"))
            nested = called and json.loads("[" + called[1] + "]")
            worker = add(nested[0], "search worker", worker.parent) if nested else None
        if "navigation.instant" in (config.get("features") or []):
            add("sitemap.xml", "sitemap (instant navigation)", root)
        if config.get("search") and "data-lb-search=" not in text:
            add("search/search_index.json", "search index", root)
    html = gzipped(page.read_bytes(), ".html")
    parts = [(_url(site.resolve(), page), html)] + sorted(
        ((p.relative_to(resolver.site).as_posix(), resolver.wire(p)) for p in fetched
         if p != page), key=lambda part: -part[1])
    return {"page": _url(site.resolve(), page), "gzip": sum(b for _, b in parts),
            "html_gzip": html, "parts": parts, "why": {p.relative_to(resolver.site).as_posix():
                                                       why for p, why in fetched.items()},
            "external": external}


def _largest(paths) -> Path | None:
    best, size = None, -1
    for path in paths:
        try:
            s = path.stat().st_size
        except OSError:
            continue
        if s > size:
            best, size = path, s
    return best


def budget(site_dir: Path | str) -> dict:
    """The budget of the built site in ``site_dir``: a dict of plain values (bytes, counts,
    page addresses like ``papers/``); ``table`` prints it."""
    site = Path(site_dir).resolve()
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir}: not a built site (no index.html)")
    total = files = tar = 0
    html_pages = over = 0
    largest, largest_path = ("", 0), None
    worst: list[tuple[int, str]] = []
    sitemap_files = []
    leaderboards: list[Path] = []
    for path, size in _walk(site):
        if size is None:
            tar += 512
            continue
        total += size
        files += 1
        tar += 512 + -(-size // 512) * 512  # a header and the content in 512-byte blocks
        if path.endswith(".html"):
            html_pages += 1
            rel = _url(site, Path(path))
            if size > largest[1]:
                largest, largest_path = (rel, size), Path(path)
            if size > LIMITS["page_bytes"]:
                over += 1
                heapq.heappush(worst, (size, rel))
                if len(worst) > WORST:
                    heapq.heappop(worst)
            parts = Path(path).relative_to(site).parts
            if len(parts) == 4 and parts[0] == "tasks" and parts[3] == "index.html":
                leaderboards.append(Path(path))
        elif re.search(r"sitemap[^/]*\.xml(\.gz)?$", path):
            found = _sitemap(Path(path))
            if found:
                sitemap_files.append({"file": Path(path).relative_to(site).as_posix(), **found})
    sitemap_files.sort(key=lambda s: s["file"])
    plain = [s for s in sitemap_files if not s["file"].endswith(".gz")] or sitemap_files
    index = site / "search" / "search_index.json"
    index_bytes = index.read_bytes() if index.is_file() else b""
    try:
        entries = len(json.loads(index_bytes or b"{}").get("docs", []))
    except (ValueError, AttributeError):
        entries = 0

    resolver = _Resolver(site)
    views = {"home": site / "index.html"}
    section = _largest(site / s / "index.html" for s in SECTIONS)
    if section is not None:
        views["index"] = section
    if not leaderboards:  # a site whose leaderboards are on their task's page
        leaderboards = [p for p in site.glob("tasks/*/index.html")]
    board = _largest(leaderboards)
    if board is not None:
        views["leaderboard"] = board
    if largest_path is not None and largest_path not in views.values():
        views["largest"] = largest_path
    first = {kind: first_view(site, path, resolver) for kind, path in views.items()
             if path.is_file()}
    worst_view = max(first.values(), key=lambda v: v["gzip"])
    return {
        "site": str(site_dir), "total_bytes": total, "files": files, "tar_bytes": tar,
        "html_pages": html_pages,
        "largest": largest[0], "largest_bytes": largest[1], "over_1mb": over,
        "worst": [{"page": rel, "bytes": size} for size, rel in sorted(worst, reverse=True)],
        "sitemaps": plain, "sitemap_max_urls": max((s["urls"] for s in plain), default=0),
        "sitemap_max_bytes": max((s["bytes"] for s in plain), default=0),
        "sitemap_urls": sum(s["urls"] for s in plain if s["kind"] == "urlset"),
        "search_bytes": len(index_bytes), "search_gzip": gzipped(index_bytes, ".json"),
        "search_entries": entries,
        "first_view": {kind: {"page": v["page"], "gzip": v["gzip"], "html_gzip": v["html_gzip"],
                              "parts": v["parts"]} for kind, v in first.items()},
        "first_view_max": worst_view["gzip"], "first_view_page": worst_view["page"],
    }


def _size(n: int) -> str:
    if n >= 1_000 * MB:
        return f"{n / 1e9:.2f} GB"
    return f"{n / MB:.2f} MB" if n >= 100_000 else f"{n / 1000:.0f} KB"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "OVER"


def lines(b: dict) -> list[tuple[str, str, str]]:
    """(what, limit, value with PASS/OVER) for each line of the budget ``b``."""
    worst = ", ".join(f"{w['page']} {_size(w['bytes'])}" for w in b["worst"][:3])
    sitemaps = b["sitemaps"]
    biggest = max(sitemaps, key=lambda s: s["urls"]) if sitemaps else None
    views = b["first_view"]
    worst_view = next((v for v in views.values() if v["page"] == b["first_view_page"]), None)
    parts = "; ".join(f"{kind} {v['page']} {_size(v['gzip'])}" for kind, v in views.items())
    if worst_view:  # what weighs most in the worst: its HTML and the largest of the rest
        parts += f". {worst_view['page']}: HTML {_size(worst_view['html_gzip'])}, " + ", ".join(
            f"{name.rsplit('/', 1)[-1]} {_size(size)}" for name, size in worst_view["parts"][1:3])
    return [
        ("total size", "≤ 1 GB", f"{_size(b['total_bytes'])} in {b['files']:,} files "
                                 f"{_verdict(b['total_bytes'] <= LIMITS['total_bytes'])} "
                                 f"(as a tar: {_size(b['tar_bytes'])})"),
        ("largest page", "≤ 1 MB", f"{b['largest']} {_size(b['largest_bytes'])} "
                                   f"{_verdict(b['largest_bytes'] <= LIMITS['page_bytes'])}"),
        ("pages over 1 MB", "none", f"{b['over_1mb']} of {b['html_pages']:,} "
                                    f"{_verdict(not b['over_1mb'])}" + (f": {worst}" if worst else "")),
        ("sitemap URLs per file", "≤ 50,000 (50 MB)",
         (f"{b['sitemap_max_urls']:,} in {biggest['file']} ({_size(biggest['bytes'])}"
          + (f"; {len(sitemaps)} files, {b['sitemap_urls']:,} URLs" if len(sitemaps) > 1 else "")
          + ") " if biggest else "no sitemap ")
         + _verdict(b["sitemap_max_urls"] <= LIMITS["sitemap_urls"]
                    and b["sitemap_max_bytes"] <= LIMITS["sitemap_bytes"])),
        ("search index", "–", f"{_size(b['search_bytes'])}, {_size(b['search_gzip'])} gzipped, "
                              f"{b['search_entries']:,} entries"),
        ("first view, gzipped", "≤ 1 MB",
         f"{_size(b['first_view_max'])} at {b['first_view_page']} "
         f"{_verdict(b['first_view_max'] <= LIMITS['first_view_gzip'])} ({parts})"),
    ]


def table(budgets: list[tuple[str, dict]]) -> str:
    """The budgets of one or more sites (a name, a budget), a column each."""
    head = "| budget | limit | " + " | ".join(name for name, _ in budgets) + " |"
    rule = "|:--|:--|" + ":--|" * len(budgets)
    rows = [lines(b) for _, b in budgets]
    out = [head, rule]
    for i, (what, limit, _) in enumerate(rows[0]):
        out.append(f"| {what} | {limit} | " + " | ".join(r[i][2] for r in rows) + " |")
    return "\n".join(out)


def main(site_dir: Path, as_json: bool = False) -> int:
    """Print the budget of the built site in ``site_dir``; 0, or 2 if it is not one."""
    try:
        b = budget(site_dir)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(b, indent=1))
    else:
        print(f"site budget of {site_dir} (limits: the site at the scale of all of Papers with "
              "Code, bench's x4; gzipped at level 6 as a server sends it)\n")
        print(table([(Path(site_dir).name or str(site_dir), b)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), "--json" in sys.argv[2:]))
