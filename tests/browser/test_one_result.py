"""A model or paper of one result has no page (site.folds): its old address sends the
reader to its row, the row the page's target, and the site's links go there at once."""
from __future__ import annotations

import re

BOARD = "/tasks/semantic_segmentation/pascal-voc-2012-validation-set/"
ROW = "pascal-voc-2012-validation-set--sdn-m2-coco-ms"  # SDN-M2's one result


def _at_row(page, anchor):
    page.wait_for_url(re.compile(re.escape(BOARD) + "#" + anchor + "$"))
    page.locator(f"tr#{anchor}").wait_for()
    # the row the address names is the one tinted: :target on a page loaded, marked by
    # leaderboard.js after Material's instant navigation (which sets no :target)
    return page.evaluate("a => { const row = document.getElementById(a);"
                         " return row.matches(':target, .lb-linked')"
                         " && getComputedStyle(row.cells[2]).backgroundImage !== 'none'; }",
                         anchor)


def test_a_one_result_models_old_address_lands_on_its_row(watched):
    page = watched.page
    page.goto(watched.base_url + "/models/sdn-m2/")
    assert _at_row(page, ROW)
    assert page.title().startswith("Semantic segmentation on PASCAL VOC 2012")
    assert page.evaluate("history.length") == 2  # the stub is not a step back: about:blank
    assert not watched.errors, watched.errors


def test_a_one_result_papers_old_address_lands_on_its_row(watched):
    page = watched.page
    page.goto(watched.base_url + "/papers/arxiv-1704.02157/")
    page.wait_for_url(re.compile(r"/tasks/depth_estimation/nyu-depth-v2/#nyu-depth-v2--ms-crf$"))
    page.locator("tr#nyu-depth-v2--ms-crf").wait_for()


def test_the_links_to_a_one_result_model_go_to_its_row(watched):
    page = watched.page
    page.goto(watched.base_url + "/models/")
    page.locator("table.lb-summary a", has_text="SDN-M2").click()
    assert _at_row(page, ROW)
    # the table's model and paper cells of that row name the row itself
    assert page.locator(f"tr#{ROW} td.lb-model a").get_attribute("href").endswith(BOARD + "#" + ROW)
    page.goto(watched.base_url + "/compare/?models=sdn-m2,deeplab-v3-xception-65")
    chosen = page.locator(".lb-compare-chosen a", has_text="SDN-M2")
    chosen.wait_for()
    assert chosen.get_attribute("href").endswith(BOARD + "#" + ROW)
    chosen.click()
    assert _at_row(page, ROW)
    assert not watched.errors, watched.errors
