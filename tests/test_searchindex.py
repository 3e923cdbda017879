"""Pages written from a placeholder join the search index; placeholders do not (no MkDocs)."""
from __future__ import annotations

import json

from generator.site import searchindex
from generator.site import stamping


def test_stamped_pages_give_search_entries_by_title_and_facts():
    page = ('---\ntitle: "A paper &amp; its title (2017)"\n---\n\n# A paper\n\n'
            '<p class="lb-meta"><a href="https://arxiv.org/abs/1706.05587">'
            'https://arxiv.org/abs/1706.05587</a> · 2017-06 · 3 results</p>\n')
    docs = stamping.search_docs({"papers/": {"papers/arxiv-1706.05587.md": page}})
    assert docs == [{"location": "papers/arxiv-1706.05587/",
                     "title": "A paper &amp; its title (2017)",
                     "text": "https://arxiv.org/abs/1706.05587 · 2017-06 · 3 results "
                             "arxiv.org abs 1706.05587"}]
    assert "exclude: true" in stamping.PLACEHOLDER


def test_entries_are_appended_to_the_index_the_search_plugin_wrote(tmp_path):
    (tmp_path / "search").mkdir()
    index = tmp_path / "search" / "search_index.json"
    index.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": [
        {"location": "", "title": "Home", "text": ""}]}), encoding="utf-8")
    searchindex.add(tmp_path, [{"location": "papers/b/", "title": "B", "text": ""},
                               {"location": "papers/a/", "title": "A", "text": ""}])
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    assert [d["location"] for d in docs] == ["", "papers/a/", "papers/b/"]
    searchindex.add(tmp_path / "no-site", [{"location": "x/", "title": "X", "text": ""}])  # no index: nothing
