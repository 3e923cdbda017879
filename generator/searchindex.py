"""Adding pages MkDocs did not render to Material's search index (search/search_index.json).

The paper and dataset pages are written from a placeholder (``generator.stamping``), so the
search plugin never sees them; their entries are appended to the index it wrote.  Nothing
here imports MkDocs.
"""
from __future__ import annotations

import json
from pathlib import Path

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


def keep(site_dir: Path, order: list[str], kept: dict[str, list], finished: set[str],
         docs_added: list[dict]) -> dict[str, list]:
    """For a rebuild of `mkdocs serve`: put back the entries of the pages kept ``finished``
    (by URL; MkDocs did not index them this time) from ``kept`` (the last build's, by page
    URL), so the index is in MkDocs's page order (``order``) as a clean build writes it, and
    append ``docs_added`` as ``add`` does (one read and one write of the index, not two).
    Returns the entries of MkDocs's pages by page URL, for the next rebuild."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return {}
    index = json.loads(path.read_text(encoding="utf-8"))
    by_page = _group(index.get("docs", []))
    for url in finished:
        by_page[url] = kept.get(url, [])
    docs = [doc for url in dict.fromkeys(order) for doc in by_page.pop(url, [])]
    docs += [doc for rest in by_page.values() for doc in rest]
    if finished or docs_added:
        index["docs"] = docs + sorted(docs_added, key=lambda d: d["location"])
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    return _group(docs)


def _group(docs: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for doc in docs:
        out.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    return out
