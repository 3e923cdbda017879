"""Issue 26: the table is the product, on a phone and on a desk.

Two sites are built once for this module: the bundled data, and tests/fixtures/table-layout
(a board eight metrics wide with long paper titles and many code links, one 45 rows long, one
empty). Chromium reads them at 390 and 1280 px, in the light and the dark scheme: the score
on screen at phone width, the table given the page's width at a desk, the column headings in
view wherever the reader scrolls, only the columns and filters the data can answer, the best
value marked unmistakably, honest empty states, and a permalink that shows its row. The
screenshots of a leaderboard, a model, a paper and the compare page at both widths in both
schemes are kept in test-artifacts/table-layout/ for a person to look at."""
from __future__ import annotations

import re

import pytest
from conftest import served_site
from helpers import ROOT

SHOTS = ROOT / "test-artifacts" / "table-layout"
FIXTURE = ROOT / "tests" / "fixtures" / "table-layout"
IMAGENET = "/tasks/image_classification/imagenet/"
SEG = "/tasks/semantic_segmentation/"
HEADER = 48  # Material's header, 2.4rem


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    with served_site(ROOT / "data", tmp_path_factory.mktemp("bundled") / "site") as url:
        yield url


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    with served_site(FIXTURE, tmp_path_factory.mktemp("layout") / "site") as url:
        yield url


class Reader:
    """A page at a width and scheme; requests off the machine refused, errors recorded."""

    def __init__(self, browser, width: int, scheme: str = "light"):
        phone = width < 600
        self.context = browser.new_context(
            viewport={"width": width, "height": 844 if phone else 900}, color_scheme=scheme,
            device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone)
        self.context.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith("http://127.0.0.1") else route.abort())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_timeout(150)
        return self.page

    def close(self):
        self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture
def reader(browser):
    opened = []

    def make(width: int, scheme: str = "light") -> Reader:
        opened.append(Reader(browser, width, scheme))
        return opened[-1]
    yield make
    for r in opened:
        r.close()


def boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().toJSON())")


# --- a phone: rank, model and score of the best row on screen, no sideways scrolling --------

def test_at_390_the_best_rows_rank_model_and_score_are_on_screen(bundled, reader):
    page = reader(390).open(bundled + IMAGENET)
    row = page.locator("table.lb-table tbody tr").first
    # the reader scrolls down to the table, never sideways
    page.evaluate("""() => { const r = document.querySelector('table.lb-table tbody tr');
        scrollTo(0, r.getBoundingClientRect().top + scrollY - innerHeight / 2); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("scrollX") == 0
    assert page.locator(".lb-scroll").first.evaluate("b => b.scrollLeft") == 0
    width, height = page.evaluate("[innerWidth, innerHeight]")
    cells = row.locator("td").all()[:3]
    texts = [c.inner_text().strip() for c in cells]
    assert texts[0] == "1" and texts[1].startswith("DenseNet-121") and texts[2] == "82.858"
    for cell, text in zip(cells, texts):
        box = cell.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= width + 0.5, (text, box, width)
        assert HEADER <= box["y"] and box["y"] + box["height"] <= height, (text, box)
    # rows stay short: compact links, no column of repositories
    tallest = page.evaluate("Math.max(...Array.from(document.querySelectorAll('table.lb-table tbody tr')).map(r => r.offsetHeight))")
    assert tallest < 80, tallest


# --- a desk: the table gets the page's width ------------------------------------------------

def test_at_1280_the_table_fits_or_has_a_box_900_px_wide(bundled, layout, reader):
    r = reader(1280)
    for url in (bundled + IMAGENET, layout + "/tasks/layout/wide/"):
        page = r.open(url)
        box = page.locator(".lb-scroll").filter(has=page.locator("table.lb-table")).first
        width, fits = box.evaluate("b => [b.getBoundingClientRect().width, b.scrollWidth <= b.clientWidth + 1]")
        assert width >= 900 or fits, (url, width)
        assert width >= 900, (url, width)  # and here both: the empty right column is given to it
        # no column is a sliver and no row a tower of links
        tallest = page.evaluate("Math.max(...Array.from(document.querySelectorAll('table.lb-table tbody tr')).map(r => r.offsetHeight))")
        assert tallest < 70, (url, tallest)
    # the bundled ImageNet fits whole: Year, Paper, Code and Weights on screen
    page = r.open(bundled + IMAGENET)
    heads = page.locator("table.lb-table thead th").all()
    assert [h.inner_text().split("\u00a0")[0].strip() for h in heads][-4:] == ["Year", "Paper", "Code", "Weights"]
    for head in heads:
        box = head.bounding_box()
        assert box["x"] + box["width"] <= 1280, head.inner_text()
    # a model page's Paper column shows titles, not word fragments
    page = r.open(layout + "/models/layoutnet-a00/")
    paper = page.locator("table.lb-summary td.lb-paper a").first
    assert paper.bounding_box()["width"] > 100 and paper.bounding_box()["height"] < 30  # one line


# --- the column headings stay in view -------------------------------------------------------

def _headings_in_view(page, row_index: int) -> None:
    """Row ``row_index`` (1-based) is at the top of what the table shows, and the column
    headings are visible right above it: on screen, under Material's header, not covered."""
    table = page.locator("table.lb-table").first
    row = table.locator(f"tbody tr:nth-child({row_index})")
    head = table.locator("thead th.lb-primary")  # the cells are what sticks
    r, h = row.bounding_box(), head.bounding_box()
    assert HEADER - 1 <= h["y"] <= HEADER + 1, h  # stuck right under the site's header
    assert abs(r["y"] - (h["y"] + h["height"])) <= 2, (r, h)  # the row right under them
    # nothing covers them: the point at the middle of the first metric heading is that heading
    hit = page.evaluate("""() => { const th = document.querySelector('table.lb-table thead th.lb-primary');
        const b = th.getBoundingClientRect();
        return th.contains(document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2)); }""")
    assert hit
    assert page.evaluate("scrollY") > 300  # the page did scroll: the headings moved with it


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("board", ["wide", "tall"])  # a box that scrolls; a table that fits
def test_headings_are_in_view_with_row_20_at_the_top(layout, reader, board, width):
    r = reader(width)
    page = r.open(layout + f"/tasks/layout/{board}/")
    fits = page.locator(".lb-scroll").filter(has=page.locator("table.lb-table")).first \
        .evaluate("b => b.classList.contains('lb-fits')")
    assert fits == (board == "tall"), "the wide board scrolls in its box, the tall one fits"
    page.locator("table.lb-table tbody tr:nth-child(20)").evaluate("r => r.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(150)
    _headings_in_view(page, 20)
    # a permalink to row 20 lands the same way
    anchor = page.locator("table.lb-table tbody tr:nth-child(20)").get_attribute("id")
    page = r.open(layout + f"/tasks/layout/{board}/#{anchor}")
    page.wait_for_timeout(150)
    _headings_in_view(page, 20)
    if width == 390 and board == "wide":  # the values scroll under the pinned rank and model
        box = page.locator(".lb-scroll").filter(has=page.locator("table.lb-table")).first
        before = page.locator("tbody tr:nth-child(20) td.lb-model").bounding_box()["x"]
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        page.wait_for_timeout(50)
        assert page.locator("tbody tr:nth-child(20) td.lb-model").bounding_box()["x"] == before
        assert page.locator("tbody tr:nth-child(20) td.lb-rank").bounding_box()["x"] >= 0


def test_a_page_scrolled_by_the_reader_keeps_the_headings_of_a_table_that_fits(layout, reader):
    page = reader(1280).open(layout + "/tasks/layout/tall/")
    table = page.locator("table.lb-table")
    y = page.evaluate("""() => { const r = document.querySelector('table.lb-table tbody tr:nth-child(20)');
        const h = document.querySelector('table.lb-table thead').offsetHeight;
        return r.getBoundingClientRect().top + scrollY - 48 - h; }""")
    page.mouse.move(640, 600)
    page.mouse.wheel(0, y)
    page.wait_for_function(f"Math.abs(scrollY - {y}) < 2")
    _headings_in_view(page, 20)
    assert table.locator("thead th.lb-primary").bounding_box()["y"] == HEADER


# --- only the facets the data can answer ----------------------------------------------------

def _headings(page) -> list[str]:
    return [t.split("\u00a0")[0].strip() for t in page.locator("table.lb-table thead th").all_inner_texts()]


def _filters(page) -> set[str]:
    return set(page.eval_on_selector_all("form.lb-filters input", "is => is.map(i => i.name)"))


def test_no_weights_column_or_filter_where_no_result_has_weights(bundled, layout, reader):
    r = reader(1280)
    page = r.open(layout + "/tasks/layout/wide/")
    assert "Weights" not in _headings(page) and {"Code", "Paper", "Year"} <= set(_headings(page))
    assert _filters(page) == {"code", "year", "q", "asof"}  # no extra data, multi-scale, weights
    page = r.open(layout + "/tasks/layout/tall/")  # dates only: no Paper, Code or Weights
    assert _headings(page)[-1] == "Year" and not {"Weights", "Code", "Paper"} & set(_headings(page))
    assert _filters(page) == {"year", "q", "asof"}
    page = r.open(bundled + IMAGENET)  # the bundled ImageNet has weights: column and filter
    assert "Weights" in _headings(page) and "weights" in _filters(page)
    page.locator("form.lb-filters input[name=weights]").check()
    assert page.locator("table.lb-table tbody tr:not([hidden])").count() > 0
    page = r.open(bundled + SEG)  # extra data and multi-scale testing where results have them
    assert {"extra", "ms", "code", "weights"} <= _filters(page)


# --- at a glance ----------------------------------------------------------------------------

def _contrast(a, b) -> float:
    def lum(c):
        r, g, b = (x / 255 for x in c[:3])
        f = lambda v: v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rgb(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", text)[:4])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_best_value_is_marked_at_3_to_1_with_its_margin_and_date(bundled, layout, reader, scheme):
    r = reader(1280, scheme)
    page = r.open(bundled + IMAGENET)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == \
        ("slate" if scheme == "dark" else "default")
    best = page.locator("table.lb-table tbody tr").first.locator("td.lb-best").first
    style = best.evaluate("""c => { const s = getComputedStyle(c);
        return [s.boxShadow, s.fontWeight, getComputedStyle(document.body).backgroundColor]; }""")
    ring = _rgb(re.search(r"rgba?\([^)]*\)", style[0])[0])
    page_bg = _rgb(style[2])
    assert int(style[1]) >= 700
    assert _contrast(ring, page_bg) >= 3, (ring, page_bg)  # against the row around it
    assert best.inner_text() == "82.858"  # the cell's text is the value; under it, the margin
    assert best.evaluate("c => getComputedStyle(c, '::after').content") == '"+0.122 over #2"'
    assert best.evaluate("c => getComputedStyle(c, '::after').display") == "block"
    glance = page.locator(".lb-glance").inner_text()
    assert glance == "Best: DenseNet-121, 82.858 Acc@1, +0.122 over #2; best since 2016-08."
    page = r.open(layout + "/tasks/layout/wide/")  # full dates: to the day
    assert page.locator(".lb-glance").inner_text().endswith("best since 2018-01-01.")
    # the filters move it: the best of what is shown, its margin and date
    page.fill("form.lb-filters input[name=q]", "B01")
    page.wait_for_timeout(50)
    assert page.locator(".lb-glance").inner_text().startswith("Best: LayoutNet-B01, 89.69 Top-1 accuracy (%)")
    assert page.locator("td[data-margin]").count() == 0  # no #2 among what is shown


def test_honest_empty_states(bundled, layout, reader):
    r = reader(1280)
    page = r.open(layout + "/tasks/layout/empty/")
    assert "No results yet." in page.locator("article").inner_text()
    assert not page.locator("table.lb-table thead").is_visible()  # no bare headings
    page = r.open(bundled + "/tasks/image_quality_assessment/")
    glance = page.locator(".lb-glance[data-glance-of='table-tid-2013-testing-set']").inner_text()
    assert glance == "No best: no result gives LCC, the metric it ranks by."
    page = r.open(bundled + "/")
    tid = page.locator("table[aria-label='Best result of every leaderboard'] tr", has_text="TID 2013").inner_text()
    assert "none yet" not in tid and "— no result gives LCC" in tid
    mpii = page.locator("table[aria-label='Best result of every leaderboard'] tr", has_text="MPII").inner_text()
    assert "none yet" in mpii  # no result at all: "none yet" is the truth


# --- small breakages ------------------------------------------------------------------------

def test_the_badge_icon_is_an_svg(bundled, reader):
    page = reader(1280).open(bundled + IMAGENET)
    button = page.locator("table.lb-table tbody tr").first.locator("button.lb-badge")
    svg = button.locator("svg")
    assert svg.count() == 1 and svg.locator("path").count() >= 1
    box = svg.bounding_box()
    assert box["width"] >= 10 and box["height"] >= 10
    # no text glyph that a font may lack
    assert button.evaluate("b => getComputedStyle(b, '::before').content") in ("none", "normal")
    assert button.inner_text().strip() == ""


def test_one_sort_indicator_per_header(bundled, reader):
    page = reader(1280).open(bundled + IMAGENET)
    table = page.locator("table.lb-table")

    def marks() -> list[int]:
        return table.locator("thead th").evaluate_all("""ths => ths.map(th => {
            const b = th.querySelector('button');
            const after = getComputedStyle(b, '::after').content;
            return ((b.innerText || '') + (after === 'none' ? '' : after)).match(/[↑↓▲▼]/g)?.length || 0; })""")

    heads = table.locator("thead th")
    for i in range(heads.count()):
        heads.nth(i).locator("button").click()
        counts = marks()
        sorted_ = heads.evaluate_all("ths => ths.findIndex(th => th.hasAttribute('aria-sort'))")
        assert sorted_ == i and counts[i] == 1, (i, counts)
        assert max(counts) == 1, counts


def test_a_permalink_to_a_row_the_filters_hide_shows_the_row(bundled, reader):
    r = reader(1280)
    # SDN-M2* + COCO + MS: extra training data, multi-scale testing, no code, from 2017-08
    anchor = "pascal-voc-2012-validation-set--sdn-m2-coco-ms"
    page = r.open(bundled + SEG + "?extra=0&ms=0&code=1&asof=2017-12#" + anchor)
    row = page.locator(f"tr#{anchor}")
    assert row.is_visible()
    box = row.bounding_box()
    assert HEADER <= box["y"] and box["y"] + box["height"] <= 900
    form = page.locator("form.lb-filters")
    assert form.locator("input[name=extra]").is_checked() and form.locator("input[name=ms]").is_checked()
    assert not form.locator("input[name=code]").is_checked()
    assert form.locator("input[name=asof]").input_value() == "2017-12"  # it did not hide the row
    note = page.locator(".lb-filter-note").inner_text()
    assert note.startswith("The linked result was hidden by the filters: extra training data shown, "
                           "multi-scale testing shown, \u201conly with code\u201d off.")
    assert "extra=0" not in page.url and "asof=2017-12" in page.url and page.url.endswith("#" + anchor)
    # on the leaderboard's own page, "as of" a month before it
    page = r.open(bundled + SEG + "pascal-voc-2012-validation-set/?asof=2017-01#" + anchor)
    assert page.locator(f"tr#{anchor}").is_visible()
    assert page.locator("form.lb-filters input[name=asof]").input_value() == ""


# --- screenshots of the pages with tables, with what they must show -------------------------

PAGES = {"leaderboard": IMAGENET, "model": "/models/deeplab-v3-xception-65/",
         "paper": "/papers/arxiv-1706.05587/", "compare": "/compare/?models=sdn-m2,deeplab-v3-xception-65"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_pages_with_tables_are_shot_and_read_well(bundled, reader, width, scheme):
    r = reader(width, scheme)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page = r.open(bundled + path)
        table = page.locator("article table:not(.lb-sr):not([hidden])").first
        table.wait_for(state="visible")
        # the top of the table in view (the first rows are what a reader looks for)
        page.evaluate("""() => { const b = document.querySelector('article table:not(.lb-sr):not([hidden])').closest('.lb-scroll');
            scrollTo(0, b.getBoundingClientRect().top + scrollY - 48 - 70); }""")
        page.wait_for_timeout(100)
        shot = SHOTS / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == \
            ("slate" if scheme == "dark" else "default")
        assert page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 1, name
        box = table.evaluate("t => { const b = t.closest('.lb-scroll'); return [b.getBoundingClientRect().width, b.scrollWidth <= b.clientWidth + 1]; }")
        if width == 1280:
            assert box[0] >= 900 or box[1], (name, box)
            assert page.locator(".md-sidebar--secondary").first.is_hidden(), name  # no empty column
        # the first row's three first cells (rank, model, score; leaderboard, result, rank) on screen
        first = table.locator("tbody tr").first.locator("td").all()[:3]
        for cell in first:
            b = cell.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, (name, cell.inner_text())
