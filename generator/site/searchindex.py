"""Adding pages MkDocs did not render to Material's search index (search/search_index.json).

The paper and dataset pages are written from a placeholder (``generator.site.stamping``), so the
search plugin never sees them; their entries are appended to the index it wrote.  Nothing
here imports MkDocs.
"""
from __future__ import annotations

import json
from pathlib import Path

from generator.site import stamping
from generator.site.fsutil import link_from

INDEX = Path("search") / "search_index.json"


def add(site_dir: Path, docs: list[dict]) -> None:
    """Append ``docs`` (each ``location``, ``title``, ``text``) to the site's index, in a
    stable order; nothing to do if the site has no index (search switched off)."""
    path = Path(site_dir) / INDEX
    if not docs or not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index.setdefault("docs", []).extend(sorted(docs, key=lambda d: d["location"]))
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


class Kept:
    """What a rebuild of `mkdocs serve` takes over for its index from the last build's:
    MkDocs's pages' entries by page URL, with their JSON (``pages``: URL -> (entries,
    JSON)); the stamped pages' entries' JSON with the markdown they were made from
    (``stamped``: path -> (markdown, JSON)), and those pages in the index's order.  The
    JSON is kept encoded (UTF-8): the index is written joined from them as they are."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[list, bytes]] = {}
        self.stamped: dict[str, tuple[str, bytes]] = {}
        self.order: list[str] = []
        self.rest: tuple[bytes, bytes] | None = None  # the index's JSON before and after


_DOCS = "\x00lb-docs\x00"  # where the entries go in the index's JSON


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _encoded(value) -> bytes:
    return _json(value).encode("utf-8")


def keep(site_dir: Path, order: list[str], finished: set[str],
         stamped: dict[str, dict[str, str]], changed: set[str] | None, kept: Kept,
         previous: Path | None = None) -> Kept:
    """For a rebuild of `mkdocs serve`: the index MkDocs wrote, with the entries of the
    pages kept ``finished`` (by URL; MkDocs did not index them this time) put back from
    ``kept`` so that it is in MkDocs's page order (``order``) as a clean build writes it,
    and the stamped pages' entries (``stamped``: {section: {path: markdown}}) appended as
    ``add`` does: what a clean build writes.  ``changed``: the only stamped pages that may
    differ from the last build's, which had the same pages (None: any may).  The JSON is
    joined from each page's, kept from the last build where its entries are; when it is
    the last build's, byte for byte, the index of ``previous`` (the site that build wrote)
    is linked instead.  Returns what the next rebuild takes over (``kept`` is taken over,
    changed in place)."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return Kept()
    index = json.loads(path.read_text(encoding="utf-8"))
    by_page = _group(index.get("docs", []))
    now, parts = Kept(), []
    same = changed is not None and bool(kept.order)
    for url in [*dict.fromkeys(order), *by_page]:
        if url in now.pages:
            continue
        done = kept.pages.get(url) if url in finished else None
        if done is None:
            entries = by_page.get(url, [])
            done = (entries, b",".join(_encoded(doc) for doc in entries))
            same = same and url in kept.pages and kept.pages[url][1] == done[1]
        now.pages[url] = done
        if done[1]:
            parts.append(done[1])
    same = same and list(now.pages) == list(kept.pages)
    if changed is not None and kept.order:  # taken over, changed in place
        now.stamped, now.order = kept.stamped, kept.order
        for section_pages in stamped.values():
            for page in changed:
                if page in section_pages:
                    was = now.stamped.get(page)
                    now.stamped[page] = (section_pages[page], _encoded(
                        stamping.search_doc(page, section_pages[page])))
                    same = same and was is not None and now.stamped[page][1] == was[1]
    else:
        for section_pages in stamped.values():
            for page, markdown in section_pages.items():
                done = kept.stamped.get(page)
                if done is None or done[0] is not markdown:
                    done = (markdown, _encoded(stamping.search_doc(page, markdown)))
                now.stamped[page] = done
        now.order = sorted(now.stamped, key=stamping.page_url)
    index["docs"] = _DOCS
    now.rest = tuple(_encoded(index).split(_encoded(_DOCS), 1))
    if same and now.rest == kept.rest and previous is not None \
            and link_from(previous / INDEX, path):
        return now
    parts += [now.stamped[page][1] for page in now.order]
    head, tail = now.rest
    with open(path, "wb") as out:
        out.writelines((head, b"[", b",".join(parts), b"]", tail))
    return now


def _group(docs: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for doc in docs:
        out.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    return out
