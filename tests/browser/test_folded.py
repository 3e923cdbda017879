"""A task of one leaderboard is that leaderboard's page (site.folds_into_task): the
leaderboard's own address, which permalinks and badges cite, sends the reader there with the
row it named (its fragment) and the filters (its query), scrolled to the row and the row the
page's target; the links of the site go there at once."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

TASK = "/tasks/object_detection/"
BOARD = "ms-coco-2016"
OLD = TASK + BOARD + "/"
ROW = "ms-coco-2016--ssd-mobilenet-v1"  # the ninth of ten: the page must scroll to it


def _row_in_view(page, anchor):
    return page.evaluate("""anchor => {
        const row = document.getElementById(anchor), box = row.getBoundingClientRect();
        return {target: document.querySelector(":target") === row, top: box.top,
                bottom: box.bottom, height: innerHeight, scrolled: scrollY,
                tint: getComputedStyle(row.cells[1]).backgroundColor};
    }""", anchor)


def test_a_permalink_to_the_leaderboards_address_lands_on_the_row_of_the_task_page(watched):
    page = watched.page
    page.goto(watched.base_url + OLD + "#" + ROW)
    page.wait_for_url(re.compile(re.escape(TASK) + "#" + ROW + "$"))
    page.locator(f"tr#{ROW}").wait_for()
    page.wait_for_timeout(300)
    seen = _row_in_view(page, ROW)
    assert seen["target"] and seen["scrolled"] > 0, seen
    assert 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen  # in view
    plain = page.evaluate("getComputedStyle(document.querySelector('tbody tr:first-child')"
                          ".cells[1]).backgroundColor")
    assert seen["tint"] != plain  # the targeted row is tinted
    assert page.locator("h1").inner_text().startswith("Object detection")
    assert page.title().startswith("Object detection on MS-COCO 2016")
    # the redirect is not a step of the history: back leaves the site's page it came from
    assert page.evaluate("history.length") == 2  # about:blank, then the task's page
    assert not watched.errors, watched.errors


def test_the_filters_of_the_address_come_along(watched):
    page = watched.page
    page.goto(watched.base_url + OLD + "?year=0&weights=1#" + ROW)
    page.wait_for_url(re.compile(re.escape(TASK) + r"\?.*#" + ROW + "$"))
    form = page.locator("form.lb-filters")
    form.wait_for()
    assert page.evaluate("Object.fromEntries(new URLSearchParams(location.search))") == \
        {"year": "0", "weights": "1"}
    assert form.locator("input[name=weights]").is_checked()
    assert not form.locator("input[name=year]").is_checked()
    assert page.locator(f"tr#{ROW}").is_visible()


def test_without_scripts_the_address_still_leads_to_the_task_page(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + OLD + "#" + ROW)
        page.wait_for_url(re.compile(re.escape(TASK) + "$"), timeout=5000)
        assert page.locator(f"tr#{ROW}").count() == 1
    finally:
        context.close()


def test_the_redirect_is_small_and_no_page_of_the_theme(watched):
    response = watched.page.request.get(watched.base_url + OLD)
    text = response.text()
    assert response.ok and len(text.encode()) < 700, len(text)
    assert '<meta name="robots" content="noindex">' in text and "md-header" not in text
    assert "location.hash" in text and 'rel="canonical"' in text
    sitemap = watched.page.request.get(watched.base_url + "/sitemap.xml").text()
    assert TASK in sitemap and OLD not in sitemap


def test_the_sites_links_and_search_go_to_the_task_page(watched):
    from conftest import search
    page = watched.page
    page.goto(watched.base_url + "/datasets/coco_detection/")
    link = page.locator("table a", has_text="MS-COCO 2016").first
    assert urlsplit(link.get_attribute("href")).fragment == BOARD
    link.click()
    page.wait_for_url(re.compile(re.escape(TASK) + "#" + BOARD + "$"))
    search(page, "MS-COCO 2016")
    hrefs = page.locator(".md-search-result__link").evaluate_all("as => as.map(a => a.href)")
    found = [h for h in hrefs if urlsplit(h).path == TASK]
    assert found and not [h for h in hrefs if urlsplit(h).path == OLD], hrefs
    assert any(urlsplit(h).fragment == BOARD for h in found), hrefs
    page.keyboard.press("Escape")
    # the compare page: two models that share this leaderboard
    page.goto(watched.base_url + "/compare/?models=ssd-mobilenet-v1,ssd-mobilenet-v2")
    row = page.locator("table.lb-compare-table tbody tr", has_text="MS-COCO 2016")
    row.wait_for()
    href = row.locator("a").first.get_attribute("href")
    assert urlsplit(href).path.endswith(TASK) and urlsplit(href).fragment == BOARD, href
