"""The benchmark's parts that can be checked quickly: synthetic data and the report."""
from __future__ import annotations

from generator.tools.bench import page_budget, report, synthetic
from generator.project.pipeline import load_project


def test_synthetic_data_is_valid_and_sized(tmp_path):
    data = synthetic(tmp_path / "x", tasks=5, boards=12, results=80)
    loaded = load_project(data)
    assert loaded.ok, [p.format() for p in loaded.problems]
    counts = loaded.project.counts()
    assert (counts["tasks"], counts["leaderboards"]) == (5, 12)
    assert 60 <= counts["results"] <= 100
    for lb in loaded.project.leaderboards:
        assert [m.name for m in lb.metrics] == ["Accuracy", "Params"]
        assert all(r.paper and r.code and r.weights for r in lb.results)


BUDGET = {"html_pages": 20, "largest": "tasks/x/", "largest_bytes": 1_234_567,
          "largest_gzip": 123_456, "over_1mb": 1, "html_total": 9_000_000, "search_bytes": 45_000,
          "search_gzip": 9_000}


def test_report_prints_ratios_and_growth():
    rows = [{"data": "archive", "files": 10, "results": 100, "pages": 20, "a": 2.0, "b": 1.0,
             "c": 4.0, "d": 10.0, "e": 1.0, "peak_mb": 300, "budget": BUDGET},
            {"data": "synthetic x1", "files": 10, "results": 100, "pages": 20, "a": 2.0, "b": 1.0,
             "c": 4.0, "d": 10.0, "e": 1.0, "peak_mb": 300, "budget": BUDGET},
            {"data": "synthetic x4", "files": 40, "results": 400, "pages": 80, "a": 8.0, "b": 4.0,
             "c": 17.0, "d": 60.0, "e": 4.0, "peak_mb": 900, "budget": BUDGET}]
    for row, edit in zip(rows, [(8.0, 0.4, 3.0, 0.5), (2.0, 0.3, 1.0, 0.4), (8.0, 0.33, 3.0, 0.5)]):
        row.update(zip(("validate", "validate_changed", "serve_first", "edit_to_page"), edit))
    text = report(rows, {"leaderboard": "t/l", "rows": 5, "sort_median": 1.0, "sort_max": 2.0,
                         "filter_median": 3.0, "filter_max": 4.0}, 3, [1, 4])
    assert "| archive | 10 | 100 | 20 | 2.00 | 1.00 | 4.00 | 10.00 | 1.00 | 2.00 | 0.40 | 300 |" in text
    assert "growth of (c) from x1 to x4: 4.25x for 4x the data" in text
    assert "sort click median 1.0 ms" in text
    assert "| archive | 8.00 | 0.40 | 0.050 | 4.00 | 3.00 | 0.50 | 0.125 |" in text
    assert "growth from x1 to x4: validate --changed 1.10x, serve edit to page 1.25x" in text
    assert "| archive | 20 | tasks/x/ | 1.23 MB | 0.12 MB | 1 | 9.00 MB | 45 KB | 9 KB |" in text
    # the search index, a line per data scale; a budget of before it was deferred says so
    assert "| archive | 0 | 45 KB | 9 KB | 45 KB, on every first page |" in text
    rows[1]["budget"] = dict(BUDGET, search_entries=1234, search_first_view=0)
    text = report(rows, None, 3, [1, 4])
    assert "| synthetic x1 | 1,234 | 45 KB | 9 KB | nothing: the index comes when the search " \
           "opens |" in text


def test_the_page_budget_names_the_largest_page_and_the_search_index(tmp_path):
    import gzip
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x" * 2_000_000, encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text('{"docs": []}', encoding="utf-8")
    budget = page_budget(tmp_path)
    assert budget["largest"] == "a/" and budget["largest_bytes"] == 2_000_000
    assert budget["largest_gzip"] == len(gzip.compress(b"x" * 2_000_000, 6))
    assert (budget["over_1mb"], budget["html_pages"], budget["search_bytes"]) == (1, 2, 12)
    assert (budget["search_entries"], budget["search_first_view"]) == (0, 12)  # not wired
    (tmp_path / "index.html").write_text('<script data-lb-search="search.1.min.js">', encoding="utf-8")
    (tmp_path / "search" / "search_index.json").write_text('{"docs": [{}, {}]}', encoding="utf-8")
    assert (page_budget(tmp_path)["search_entries"], page_budget(tmp_path)["search_first_view"]) \
        == (2, 0)
