"""The site budget (issue 29): measured on a built site folder, by `bench` and on its own
(`bench --budget-only SITE_DIR`)."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

from generator.tools import bench
from generator.tools.budget import LIMITS, budget, first_view, table


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bundled data, built by `mkdocs build` as it is published."""
    out = tmp_path_factory.mktemp("budget") / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)],
                         cwd=ROOT, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return out


def test_the_budget_of_a_built_site(site):
    b = budget(site)
    files = [p for p in site.rglob("*") if p.is_file()]
    assert (b["files"], b["total_bytes"]) == (len(files), sum(p.stat().st_size for p in files))
    assert b["tar_bytes"] > b["total_bytes"]
    pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    assert b["html_pages"] == len(pages)
    largest = pages[-1]
    assert b["largest_bytes"] == largest.stat().st_size
    assert (site / b["largest"] / "index.html").samefile(largest)
    assert (b["over_1mb"], b["worst"]) == (0, [])
    # one sitemap, a URL per published page (the 404 page is none)
    [sitemap] = b["sitemaps"]
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap == {"file": "sitemap.xml", "kind": "urlset", "urls": text.count("<url>"),
                       "bytes": len(text.encode())}
    assert b["sitemap_max_urls"] == sitemap["urls"] > 50
    index = (site / "search" / "search_index.json").read_bytes()
    assert b["search_bytes"] == len(index) and 0 < b["search_gzip"] < len(index)
    assert b["search_entries"] > 50
    # the first views measured: the home page, the largest section index, a leaderboard
    views = b["first_view"]
    assert views["home"]["page"] == "/"
    assert views["index"]["page"] in {"papers/", "models/", "datasets/", "tasks/"}
    assert views["leaderboard"]["page"].startswith("tasks/") \
        and views["leaderboard"]["page"].count("/") == 3
    home = views["home"]
    assert home["html_gzip"] == len(gzip.compress((site / "index.html").read_bytes(), 6))
    parts = dict(home["parts"])
    assert home["gzip"] == sum(parts.values())
    # what Chromium fetches on a first view (the network log): no search index, it waits
    assert {"/", "sitemap.xml", "assets/leaderboard.css", "assets/leaderboard.js",
            "assets/images/favicon.png"} <= set(parts)
    assert "search/search_index.json" not in parts
    assert parts["sitemap.xml"] == len(gzip.compress(text.encode(), 6))
    assert [n for n in parts if n.startswith("assets/javascripts/workers/leaderboards-search")]
    assert [n for n in parts if n.startswith("assets/javascripts/workers/search.")]
    assert b["first_view_max"] == max(v["gzip"] for v in views.values()) < LIMITS["first_view_gzip"]
    assert all("OVER" not in line for line in table([("small", b)]).splitlines())


def test_a_page_over_budget_a_sitemap_index_and_an_index_fetched_at_once(tmp_path):
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "index.html").write_bytes(os.urandom(1_500_000).hex().encode()[:1_200_000])
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="a.css"><img src="i.png"><img src="l.png" loading="lazy">'
        '<script id="__config" type="application/json">{"base": ".", "features": '
        '["navigation.instant"], "search": "w.js"}</script><script src="b.js"></script>',
        encoding="utf-8")
    (tmp_path / "a.css").write_text("@font-face{src:url(f.woff2) format('woff2'),url(f.ttf)}")
    for name in ("f.woff2", "f.ttf", "i.png", "l.png", "b.js", "m.js"):
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / "w.js").write_text('importScripts("m.js")\n')
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text('{"docs": [{}, {}, {}]}')
    urls = "".join(f"<url><loc>https://x.org/{i}/</loc></url>" for i in range(50_001))
    (tmp_path / "sitemap-1.xml").write_text(f'<urlset xmlns="x">{urls}</urlset>')
    (tmp_path / "sitemap.xml").write_text(
        '<sitemapindex xmlns="x"><sitemap><loc>https://x.org/sitemap-1.xml</loc></sitemap>'
        "</sitemapindex>")
    b = budget(tmp_path)
    assert (b["over_1mb"], b["worst"]) == (1, [{"page": "big/", "bytes": 1_200_000}])
    assert [(s["file"], s["kind"], s["urls"]) for s in b["sitemaps"]] == [
        ("sitemap-1.xml", "urlset", 50_001), ("sitemap.xml", "index", 1)]
    assert (b["sitemap_max_urls"], b["sitemap_urls"]) == (50_001, 50_001)
    home = first_view(tmp_path, tmp_path / "index.html")
    assert set(dict(home["parts"])) == {"/", "a.css", "f.woff2", "i.png", "b.js", "w.js", "m.js",
                                        "sitemap.xml", "search/search_index.json"}
    text = table([("x", b)])
    over = [line.split(" | ")[0].strip("| ") for line in text.splitlines() if "OVER" in line]
    assert over == ["largest page", "pages over 1 MB", "sitemap URLs per file"]
    assert "big/ 1.20 MB" in text


def test_bench_prints_the_budget_of_each_site_it_built_and_of_any_site_folder(site, cli):
    help_text = cli("bench", "--help").out
    assert "--budget-only" in help_text and "site budget" in help_text
    run = cli("bench", "--budget-only", str(site))
    assert run.code == 0, run.err
    assert "| total size | ≤ 1 GB |" in run.out and "| first view, gzipped | ≤ 1 MB |" in run.out
    assert "PASS" in run.out and "OVER" not in run.out
    assert cli("bench", "--budget-only", str(site / "nothing")).code == 2
    as_json = json.loads(cli("bench", "--budget-only", str(site), "--json").out)
    assert as_json["largest_bytes"] == budget(site)["largest_bytes"]
    # bench's report: a column per data scale, after the timings
    row = {"data": "archive", "files": 1, "results": 1, "pages": 1, "a": 1.0, "b": 1.0,
           "c": 1.0, "d": 2.0, "e": 1.0, "peak_mb": 1, "validate": 1.0, "validate_changed": 0.1,
           "serve_first": 1.0, "edit_to_page": 0.1, "budget": bench.page_budget(site),
           "site_budget": budget(site)}
    text = bench.report([row, dict(row, data="synthetic x4")], None, 1, [4])
    assert "| budget | limit | archive | synthetic x4 |" in text
    assert text.index("| data | files |") < text.index("| budget | limit |")
