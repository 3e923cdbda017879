"""generator.blocks: the big HTML blocks lifted out of a page's markdown and put back."""
from __future__ import annotations

from generator.site.blocks import lift, marker, restore
from generator.outputs.render import RAW_CLOSE, RAW_OPEN, raw

TABLE = '<table class="lb-table"><tr><td>*not emphasis*</td></tr></table>'


def test_a_page_without_blocks_is_left_alone():
    page = "# Title\n\nSome *text*.\n"
    assert lift(page) == (page, [])
    assert restore("<p>html</p>", []) == "<p>html</p>"


def test_each_block_becomes_a_marker_of_its_own_line():
    page = f"# Title\n\n{raw(TABLE)}\n\nBetween.\n\n{raw('<svg></svg>')}\nEnd.\n"
    markdown, blocks = lift(page)
    assert [b.strip() for b in blocks] == [TABLE, "<svg></svg>"]
    assert RAW_OPEN not in markdown and RAW_CLOSE not in markdown and "lb-table" not in markdown
    assert markdown == (f"# Title\n\n\n{marker(0)}\n\n\nBetween.\n\n\n{marker(1)}\n\nEnd.\n")


def test_restore_puts_each_block_where_its_marker_is():
    markdown, blocks = lift(f"{raw('<b>one</b>')}\n\n{raw('<i>two</i>')}\n")
    html = f"<h1>x</h1>\n{marker(0)}\n<p>y</p>\n{marker(1)}\n"  # as Markdown leaves them
    assert restore(html, blocks, strip=True) == "<h1>x</h1>\n<b>one</b>\n<p>y</p>\n<i>two</i>\n"
    assert restore(html, blocks) == f"<h1>x</h1>\n{blocks[0]}\n<p>y</p>\n{blocks[1]}\n"


def test_lift_then_restore_gives_the_page_back_when_markdown_changes_nothing():
    page = f"before\n{raw(TABLE)}\nafter\n"
    markdown, blocks = lift(page)
    assert restore(markdown, blocks, strip=True) == f"before\n\n{TABLE}\n\nafter\n"


def test_a_block_is_never_searched_for_markers():
    """A block that holds marker text (it cannot from escaped data, but whatever it holds)
    is put in as it is, and each marker is used once."""
    blocks = [f"<p>{marker(1)}</p>", "<b>second</b>"]
    html = f"{marker(0)}\n{marker(1)}\n{marker(1)}\n{marker(7)}"
    assert restore(html, blocks) == f"<p>{marker(1)}</p>\n<b>second</b>\n{marker(1)}\n{marker(7)}"


def test_an_unclosed_block_runs_to_the_end_of_the_page():
    markdown, blocks = lift(f"intro\n{RAW_OPEN}<table>")
    assert blocks == ["<table>"] and markdown == f"intro\n\n{marker(0)}\n"


def test_compact_drops_the_theme_s_blank_lines_and_keeps_verbatim_text():
    from generator.site.blocks import compact
    from html.parser import HTMLParser

    page = ("<div>\n   \n   <p>a\n    b</p>  \n<pre><code>  x\n\n   y</code></pre>\n\n\n  "
            "<script>\n  var a = 1;\n\n</script>\n  <textarea> t\n\n t</textarea>\n<style>\n\n"
            "a { }\n</style></div>")
    out = compact(page)
    assert out == ("<div>\n<p>a\nb</p>\n<pre><code>  x\n\n   y</code></pre>\n<script>\n  var a = 1;"
                   "\n\n</script>\n<textarea> t\n\n t</textarea>\n<style>\n\na { }\n</style></div>")

    class Text(HTMLParser):  # what a browser reads: the same words, in the same elements
        def __init__(self):
            super().__init__()
            self.seen = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)

        def handle_data(self, data):
            self.seen.append(" ".join(data.split()))
    before, after = Text(), Text()
    before.feed(page)
    after.feed(out)
    assert [x for x in before.seen if x] == [x for x in after.seen if x]
