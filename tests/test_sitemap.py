"""generator.sitemap: the pages MkDocs did not render added, placeholders dropped, one date."""
from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from generator.site import sitemap

BASE = "https://example.org/lb/"
# as MkDocs 1.6 writes it
MKDOCS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
         <loc>https://example.org/lb/</loc>
         <lastmod>2031-01-02</lastmod>
    </url>
    <url>
         <loc>https://example.org/lb/papers/_stamp/</loc>
         <lastmod>2031-01-02</lastmod>
    </url>
    <url>
         <loc>https://example.org/lb/tasks/a&amp;b/</loc>
         <lastmod>2031-01-02</lastmod>
    </url>
</urlset>"""


def entries(xml: str) -> list[tuple[str, str | None]]:
    ns = {"s": sitemap.NS}
    return [(u.findtext("s:loc", namespaces=ns), u.findtext("s:lastmod", namespaces=ns))
            for u in ET.fromstring(xml).findall("s:url", ns)]


def test_pages_added_after_mkdocs_entries_sorted_placeholders_dropped_one_date():
    xml = sitemap.rewrite(MKDOCS, BASE, add=["papers/b/", "datasets/x/", "papers/a/"],
                          drop=["papers/_stamp/"], date="2026-11-25")
    assert entries(xml) == [(f"{BASE}", "2026-11-25"), (f"{BASE}tasks/a&b/", "2026-11-25"),
                            (f"{BASE}datasets/x/", "2026-11-25"), (f"{BASE}papers/a/", "2026-11-25"),
                            (f"{BASE}papers/b/", "2026-11-25")]
    assert xml == """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
        <loc>https://example.org/lb/</loc>
        <lastmod>2026-11-25</lastmod>
    </url>
    <url>
        <loc>https://example.org/lb/tasks/a&amp;b/</loc>
        <lastmod>2026-11-25</lastmod>
    </url>
    <url>
        <loc>https://example.org/lb/datasets/x/</loc>
        <lastmod>2026-11-25</lastmod>
    </url>
    <url>
        <loc>https://example.org/lb/papers/a/</loc>
        <lastmod>2026-11-25</lastmod>
    </url>
    <url>
        <loc>https://example.org/lb/papers/b/</loc>
        <lastmod>2026-11-25</lastmod>
    </url>
</urlset>
"""


def test_without_a_date_no_entry_has_one():
    xml = sitemap.rewrite(MKDOCS, BASE, add=["papers/a/"], date=None)
    assert [lastmod for _, lastmod in entries(xml)] == [None] * 4
    assert "lastmod" not in xml


def test_urls_are_escaped_and_the_output_is_the_same_whatever_the_order_given():
    added = ["papers/q&a<1>/", "papers/z/", "papers/a/"]
    one = sitemap.rewrite(MKDOCS, BASE, add=added, date="2026-01-01")
    assert one == sitemap.rewrite(MKDOCS, BASE, add=reversed(added), date="2026-01-01")
    assert "<loc>https://example.org/lb/papers/q&amp;a&lt;1&gt;/</loc>" in one
    assert sitemap.rewrite(one, BASE, date="2026-01-01") == one  # a second pass changes nothing


def test_without_site_url_mkdocs_writes_paths_and_so_does_this():
    xml = MKDOCS.replace(BASE, "/")
    out = sitemap.rewrite(xml, "", add=["papers/a/"], drop=["papers/_stamp/"])
    assert [loc for loc, _ in entries(out)] == ["/", "/tasks/a&b/", "/papers/a/"]


def test_an_empty_sitemap_stays_well_formed():
    empty = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{sitemap.NS}">\n</urlset>'
    assert entries(sitemap.rewrite(empty, BASE)) == []
    assert entries(sitemap.rewrite(empty, BASE, add=["papers/a/"])) == [(f"{BASE}papers/a/", None)]


def test_gzipped_is_the_same_bytes_each_time():
    text = sitemap.rewrite(MKDOCS, BASE, date="2026-01-01")
    assert sitemap.gzipped(text) == sitemap.gzipped(text)
    assert gzip.decompress(sitemap.gzipped(text)).decode("utf-8") == text


def test_update_rewrites_both_files_of_a_built_site(tmp_path):
    (tmp_path / "sitemap.xml").write_text(MKDOCS, encoding="utf-8")
    sitemap.update(tmp_path, BASE, add=["papers/a/"], drop=["papers/_stamp/"], date="2026-01-01")
    text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert [loc for loc, _ in entries(text)][-1] == f"{BASE}papers/a/"
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode("utf-8") == text
    site = tmp_path / "no-sitemap"
    site.mkdir()
    sitemap.update(site, BASE, add=["papers/a/"])  # a theme without a sitemap: nothing to do
    assert list(site.iterdir()) == []


def _git(*args: str, cwd) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE="2024-02-29T12:00:00+00:00",
               GIT_COMMITTER_DATE="2024-02-29T12:00:00+00:00", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="no git")
def test_commit_date_is_the_last_commit_s_day(tmp_path):
    _git("init", "-q", cwd=tmp_path)
    assert sitemap.commit_date(tmp_path) is None  # no commit yet
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    _git("add", "mkdocs.yml", cwd=tmp_path)
    _git("commit", "-q", "-m", "first", cwd=tmp_path)
    assert sitemap.commit_date(tmp_path) == "2024-02-29"
    (tmp_path / "sub").mkdir()
    assert sitemap.commit_date(tmp_path / "sub") == "2024-02-29"  # any folder of the checkout


def test_outside_a_checkout_there_is_no_date(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert sitemap.commit_date(tmp_path) is None
    assert sitemap.commit_date(tmp_path / "missing") is None
    assert sitemap.commit_date(None) is None
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all
    assert sitemap.commit_date(tmp_path) is None


@pytest.mark.parametrize("base", [BASE, ""])
@pytest.mark.parametrize("date", ["2026-11-25", None])
@pytest.mark.parametrize("urls,add", [(["./", "papers/_stamp/", "tasks/a&b/"], ["papers/b/", "x/<y>/"]),
                                      (["papers/_stamp/"], []), ([], [])])
def test_composed_for_serve_is_what_rewrite_makes_of_mkdocs_sitemap(urls, add, date, base):
    """`mkdocs serve` writes the sitemap from the page list (MkDocs's lacks the pages kept
    from the last build): the same bytes as the clean build's rewrite of MkDocs's (which
    lists the home, whose file URL is ./, at the site's URL, and no page without one)."""
    listed = [u.replace("./", "").replace("&", "&amp;") for u in urls] if base else []
    mkdocs = ('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + "".join(f"\n    <url>\n         <loc>{base}{u}</loc>\n"
                        f"         <lastmod>2031-01-02</lastmod>\n    </url>" for u in listed)
              + "\n</urlset>")
    drop = ["papers/_stamp/"]
    assert sitemap.compose(urls, base, add, drop, date) == \
        sitemap.rewrite(mkdocs, base, add, drop, date)


def test_a_big_site_s_sitemap_is_split_within_the_protocol(tmp_path, monkeypatch):
    """Issue 29: past SPLIT_AT pages, sitemap.xml (which instant navigation fetches on a
    first view) lists the site's own pages, the papers' and models' pages go to files of at
    most FILE_URLS each, and sitemap-index.xml names them all; every page is in one file."""
    monkeypatch.setattr(sitemap, "SPLIT_AT", 10)
    monkeypatch.setattr(sitemap, "FILE_URLS", 7)
    pages = [f"tasks/t{n}/" for n in range(5)] + [f"papers/p{n}/" for n in range(12)] + \
        [f"models/m{n}/" for n in range(3)]
    xml = sitemap.rewrite(MKDOCS, BASE, add=pages, drop=["papers/_stamp/"], date="2026-12-06")
    (tmp_path / "sitemap.xml").write_text(xml, encoding="utf-8")
    sitemap.write(tmp_path, xml, base=BASE)
    files = sorted(p.name for p in tmp_path.glob("sitemap*.xml"))
    assert files == ["sitemap-2.xml", "sitemap-3.xml", "sitemap-4.xml", "sitemap-index.xml",
                     "sitemap.xml"]
    listed = {name: entries((tmp_path / name).read_text(encoding="utf-8"))
              for name in files if name != "sitemap-index.xml"}
    assert [loc for loc, _ in listed["sitemap.xml"]] == [BASE, BASE + "tasks/a&b/"] + \
        [BASE + p for p in sorted(pages) if p.startswith("tasks/")]
    assert all(len(found) <= 7 for found in listed.values())
    every = [loc for found in listed.values() for loc, _ in found]
    assert sorted(every) == sorted([BASE, BASE + "tasks/a&b/"] + [BASE + p for p in pages])
    assert all(date == "2026-12-06" for found in listed.values() for _, date in found)
    index = ET.fromstring((tmp_path / "sitemap-index.xml").read_text(encoding="utf-8"))
    ns = {"s": sitemap.NS}
    assert [e.findtext("s:loc", namespaces=ns) for e in index.findall("s:sitemap", ns)] == \
        [BASE + name for name in ("sitemap.xml", "sitemap-2.xml", "sitemap-3.xml",
                                  "sitemap-4.xml")]
    for name in files:  # each with its gzipped twin, the same text
        assert gzip.decompress((tmp_path / (name + ".gz")).read_bytes()).decode() == \
            (tmp_path / name).read_text(encoding="utf-8")


def test_a_small_site_keeps_one_sitemap(tmp_path):
    xml = sitemap.rewrite(MKDOCS, BASE, add=["papers/a/"], date=None)
    (tmp_path / "sitemap.xml").write_text(xml, encoding="utf-8")
    sitemap.write(tmp_path, xml, base=BASE)
    assert sorted(p.name for p in tmp_path.glob("sitemap*")) == ["sitemap.xml", "sitemap.xml.gz"]
