"""The site at archive scale: the Papers with Code slice (tests/fixtures/pwc-slice, with
ImageNet's 199 rows) imported and built, then read at 1280 and 390 px. Screenshots of the
home page, the tasks index and the ImageNet leaderboard are kept in
test-artifacts/screenshots/ for a person to look at."""
from __future__ import annotations


import pytest

from conftest import phone_aware_context
from helpers import ROOT
from test_mobile import assert_readable_on_a_phone

SHOTS = ROOT / "test-artifacts" / "screenshots"
IMAGENET = "/tasks/image-classification/imagenet/"
PAGES = {"home": "/", "tasks": "/tasks/", "imagenet": IMAGENET}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_archive_pages_read_well_and_are_kept_as_screenshots(browser, archive_url, name, width):
    context = phone_aware_context(browser, width)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(archive_url + PAGES[name])
    page.wait_for_timeout(150)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"archive-{name}-{width}.png"), full_page=True)
    if width == 390:
        assert_readable_on_a_phone(page, f"archive {name}")
    # a row is never taller than a few lines: long link lists fold under "+N more"
    tallest = page.evaluate("""() => Math.max(0, ...Array.from(
        document.querySelectorAll('article table.lb-table tbody tr')).map(r => r.offsetHeight))""")
    assert tallest < 200, f"{name} at {width}px: a row {tallest}px tall"
    context.close()
    assert errors == []


def test_imagenet_folds_long_code_lists_and_sorts(browser, archive_url):
    context = phone_aware_context(browser, 1280)
    page = context.new_page()
    page.goto(archive_url + IMAGENET)
    table = page.locator("table.lb-table")
    assert table.locator("tbody tr").count() == 199
    more = table.locator("details.lb-more").first
    summary = more.locator("summary").inner_text()
    assert summary.startswith("+") and summary.endswith("more")
    hidden = int(summary.strip("+ more"))
    more.locator("summary").click()
    assert more.locator("a").count() == hidden
    first = table.locator("tbody tr").first.locator("td.lb-model").inner_text()
    table.locator("th button", has_text="Top 1 Accuracy").click()
    assert table.locator("tbody tr").first.locator("td.lb-model").inner_text() != first
    context.close()


def test_the_archive_home_and_tasks_index_go_by_area(browser, archive_url):
    context = phone_aware_context(browser, 1280)
    page = context.new_page()
    page.goto(archive_url + "/")
    areas = page.locator("table[aria-label='Research areas'] tbody tr td:first-child")
    names = areas.evaluate_all("cells => cells.map(c => c.innerText)")
    assert "Computer Vision" in names and "Natural Language Processing" in names
    page.goto(archive_url + "/tasks/")
    assert page.locator("h2#area-computer-vision").count() == 1
    visible = "() => Array.from(document.querySelectorAll('#lb-task-index li')).filter(li => li.offsetParent !== null).map(li => li.firstElementChild.innerText)"
    before = page.evaluate(visible)
    page.fill("input.lb-index-filter", "super")
    shown = page.evaluate(visible)
    assert shown and len(shown) < len(before)
    assert all("super" in name.lower() or any("super" in s.lower() for s in shown) for name in shown)
    assert "Image Classification" not in shown
    context.close()
