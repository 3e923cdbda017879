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
