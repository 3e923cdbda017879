"""generator.stamping: paper and dataset pages written from their section's placeholder."""
from __future__ import annotations

import json

from generator.site import stamping
from generator.outputs.render import raw
from generator.site.stamping import BODY_MARK, TITLE_MARK

# the placeholder page as MkDocs and the theme finish it: the title mark in <title> and the
# heading, the body mark in the content, the placeholder's URL in the canonical link
TEMPLATE = (f'<html><head><title>{TITLE_MARK} - Site</title>'
            f'<link rel="canonical" href="https://example.org/papers/_stamp/"></head>'
            f'<body><h1>{TITLE_MARK}</h1>{BODY_MARK}'
            f'<a href="../_stamp/">self</a></body></html>')


def page(title: str | None, heading: str, body: str) -> str:
    front = f"---\ntitle: {json.dumps(title)}\n---\n\n" if title is not None else ""
    return f"{front}# {heading}\n{body}"


def test_which_pages_are_stamped():
    assert stamping.stampable("papers/arxiv-1706.05587.md")
    assert stamping.stampable("datasets/ade20k.md")
    for path in ("papers/index.md", "datasets/index.md", "tasks/semantic_segmentation.md",
                 "index.md", "papers/x.txt"):
        assert not stamping.stampable(path), path
    assert stamping.section_of("papers/x.md") == "papers/"


def test_placeholder_names():
    assert stamping.placeholder_path("papers/") == "papers/_stamp.md"
    assert stamping.placeholder_url("datasets/") == "datasets/_stamp/"
    assert stamping.placeholder_section("datasets/_stamp.md") == "datasets/"
    assert stamping.placeholder_section("tasks/_stamp.md") is None
    assert stamping.placeholder_section("papers/index.md") is None
    # the placeholder leaves itself out of the search index (its marks are not a page)
    assert stamping.PLACEHOLDER == f"---\ntitle: {TITLE_MARK}\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n{BODY_MARK}\n"


def test_front_matter_title_is_the_json_string():
    text = page("A &lt;b&gt; &quot;title&quot;", "ignored", "body\n")
    assert stamping.front_matter_title(text) == ('A &lt;b&gt; &quot;title&quot;', "# ignored\nbody\n")
    assert stamping.front_matter_title("# No front matter\n") == (None, "# No front matter\n")
    assert stamping.front_matter_title("---\nother: 1\n---\n# H\n") == (None, "# H\n")


def test_a_page_takes_its_title_body_and_url():
    markdown = page("Deep &lt;Lab&gt;", "Deep <Lab>", "\nSome *text*.\n\n## Results on X\n\n"
                    + str(raw('<table class="lb-table"><tr><td>*1*</td></tr></table>')) + "\n")
    url, html = stamping.stamp(TEMPLATE, "papers/", "papers/arxiv-1706.05587.md", markdown)
    assert url == "papers/arxiv-1706.05587/"
    assert html == ('<html><head><title>Deep &lt;Lab&gt; - Site</title>'
                    '<link rel="canonical" href="https://example.org/papers/arxiv-1706.05587/">'
                    '</head><body><h1>Deep &lt;Lab&gt;</h1>'
                    '<p>Some <em>text</em>.</p>\n<h2 id="results-on-x">Results on X</h2>\n'
                    '<table class="lb-table"><tr><td>*1*</td></tr></table>\n'
                    '<a href="../_stamp/">self</a></body></html>')


def test_without_front_matter_the_heading_is_the_title():
    url, html = stamping.stamp(TEMPLATE, "datasets/", "datasets/ade20k.md",
                               page(None, "ADE20K `scene` parsing", "\nText.\n"))
    assert url == "datasets/ade20k/"
    assert "<title>ADE20K <code>scene</code> parsing - Site</title>" in html
    assert "<p>Text.</p>" in html and BODY_MARK not in html and TITLE_MARK not in html


def test_write_section_writes_one_folder_per_page(tmp_path):
    pages = [("papers/a.md", page("A", "A", "\nalpha\n")), ("papers/b.md", page("B", "B", "\nbeta\n"))]
    urls = stamping.write_section(tmp_path, TEMPLATE, "papers/", pages)
    assert urls == ["papers/a/", "papers/b/"]
    assert "<p>beta</p>" in (tmp_path / "papers" / "b" / "index.html").read_text(encoding="utf-8")
    (tmp_path / "papers" / "_stamp").mkdir()
    (tmp_path / "papers" / "_stamp" / "index.html").write_text(TEMPLATE, encoding="utf-8")
    stamping.remove_placeholders(tmp_path, ["papers/", "datasets/"])
    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == ["a", "b"]


def test_leaderboard_pages_are_stamped_from_a_placeholder_at_their_depth(tmp_path):
    assert stamping.stampable("tasks/image-classification/imagenet.md")
    assert stamping.section_of("tasks/image-classification/imagenet.md") == "tasks/*/"
    assert stamping.stampable("models/xlnet.md")
    assert not stamping.stampable("tasks/a/b/c.md") and not stamping.stampable("other/x.md")
    section = "tasks/*/"
    assert stamping.placeholder_path(section) == "tasks/_stamp/_stamp.md"
    assert stamping.placeholder_section("tasks/_stamp/_stamp.md") == section
    # the placeholder is as deep as the pages: its relative links hold for them unchanged
    template = TEMPLATE.replace("papers/_stamp/", "tasks/_stamp/_stamp/")
    url, html = stamping.stamp(template, section, "tasks/t/lb.md", page("T on LB", "x", "\nbody\n"))
    assert url == "tasks/t/lb/"
    assert 'href="https://example.org/tasks/t/lb/"' in html and "<title>T on LB - Site</title>" in html
    (tmp_path / "tasks" / "_stamp" / "_stamp").mkdir(parents=True)
    (tmp_path / "tasks" / "t").mkdir()
    stamping.remove_placeholders(tmp_path, [section])
    assert sorted(p.name for p in (tmp_path / "tasks").iterdir()) == ["t"]
