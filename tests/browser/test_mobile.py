"""The site on a phone (390 x 844): every page type readable, wide tables scrolling inside
their own box, names never broken inside a word. Screenshots of every page type are kept
in test-artifacts/screenshots/ (ignored by git) for a person to look at."""
from __future__ import annotations

import pytest
from helpers import ROOT

SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = {"home": "/", "tasks": "/tasks/", "task": "/tasks/semantic_segmentation/",
         "datasets": "/datasets/", "dataset": "/datasets/ade20k/", "papers": "/papers/",
         "paper": "/papers/arxiv-1706.05587/", "contributing": "/contributing/",
         "leaderboard": "/tasks/semantic_segmentation/pascal-voc-2012-validation-set/",
         "models": "/models/", "model": "/models/deeplab-v3-xception-65/",
         "compare": "/compare/?models=sdn-m2,deeplab-v3-xception-65"}


def assert_readable_on_a_phone(page, name: str) -> None:
    """No sideways scrolling of the page, every wide table in its own scroll box, no word
    broken inside."""
    # the page is laid out at the screen's width: a phone widens its layout to fit anything
    # wider (a hidden table did), and then the header scrolls away
    assert page.evaluate("window.innerWidth") <= 391, f"{name}: laid out wider than the screen"
    # the page itself never scrolls sideways: a wide table scrolls in its own box
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name}: the page is {overflow}px wider than the screen"
    loose = page.evaluate("""() => Array.from(document.querySelectorAll('article table:not(.lb-sr)'))
        .filter(t => t.getBoundingClientRect().width > t.parentElement.getBoundingClientRect().width + 1)
        .filter(t => getComputedStyle(t.parentElement).overflowX !== 'auto')
        .map(t => t.className || t.getAttribute('aria-label'))""")
    assert loose == [], f"{name}: tables wider than their column without a scroll box: {loose}"
    # no word is broken inside: a line never ends between two letters or digits of a word
    broken = page.evaluate("""() => {
        const out = [];
        for (const cell of document.querySelectorAll('article td')) {
            if (cell.closest('.lb-sr')) continue;
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let previous = null;  // [char, top] of the last character, none after a space
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++) {
                    const ch = node.data[i];
                    if (/\\s/.test(ch)) { previous = null; continue; }
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const rect = range.getClientRects()[0];
                    if (!rect) continue;
                    if (previous && /[\\p{L}\\p{N}]/u.test(ch) && /[\\p{L}\\p{N}]/u.test(previous[0])
                        && Math.abs(rect.top - previous[1]) > 2) {
                        out.push(cell.innerText.trim().slice(0, 40));
                    }
                    previous = [ch, rect.top];
                }
            }
        }
        return out; }""")
    assert broken == [], f"{name}: names broken inside a word: {broken[:5]}"


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    yield page, base_url
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_type_fits_a_phone(phone, name):
    page, base = phone
    page.goto(base + PAGES[name])
    page.wait_for_timeout(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    assert_readable_on_a_phone(page, name)

def test_a_wide_table_keeps_the_model_in_view_while_scrolling(phone):
    page, base = phone
    page.goto(base + PAGES["task"])
    box = page.locator(".lb-scroll").filter(has=page.locator("table.lb-table")).first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # it does scroll
    model = box.locator("td.lb-model").first
    before = model.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    page.wait_for_timeout(50)
    assert abs(model.bounding_box()["x"] - box.bounding_box()["x"]) < 2 or \
        model.bounding_box()["x"] == before  # sticky: still at the box's left edge
    assert model.is_visible()
