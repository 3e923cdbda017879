"""Issue 28 in a real browser: with the site's repository on GitHub, a leaderboard page
offers "Submit a result", and each row's button opens the issue form filled in with that
row (its permalink, model, values, paper, code, extra data), in a new tab; on a phone the
button gives way so the score stays in view."""
from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import served_site
from helpers import ROOT

pytestmark = pytest.mark.browser

REPO = "https://github.com/example-org/leaderboards"
PAGE = "/tasks/semantic_segmentation/pascal-voc-2012-validation-set/"


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("submit")
    shutil.copytree(ROOT / "data", base / "data")
    with served_site(base / "data", base / "site", REPO_URL=REPO) as url:
        yield url


def _page(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    # nothing leaves the machine: the form's address is only recorded
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + PAGE)
    page.evaluate("window.open = (href) => { window.__opened = href; return null; }")
    return context, page, errors


def test_a_row_suggests_a_correction_with_its_own_values(browser, repo_site):
    context, page, errors = _page(browser, repo_site, 1280)
    try:
        submit = page.locator("a.lb-submit").first.get_attribute("href")
        query = parse_qs(urlsplit(submit).query)
        assert submit.startswith(REPO + "/issues/new?")
        assert query["template"] == ["add-result.yml"]
        assert query["task"] == ["semantic_segmentation"]
        assert query["leaderboard"] == ["pascal-voc-2012-validation-set"]
        row = page.locator("table.lb-table tbody tr").first
        row_id = row.get_attribute("id")
        row.locator("button.lb-fix").click()
        opened = page.evaluate("window.__opened")
        assert opened, "the button opened nothing"
        url = urlsplit(opened)
        assert (url.netloc, url.path) == ("github.com", "/example-org/leaderboards/issues/new")
        form = parse_qs(url.query)
        assert form["template"] == ["add-result.yml"]
        assert form["correction_of"] == [row_id]
        assert form["model"] == ["SDN-M2*"] and form["title"] == ["[Correction] SDN-M2*"]
        assert form["values"] == ["Score=88.80"]
        assert form["paper"] == ["https://arxiv.org/abs/1708.04943"]
        assert form["extra_data"] == ["COCO"] and form["multi_scale"] == ["Yes"]
        # a row with code and weights carries them as LABEL=URL lines
        page.locator("table.lb-table tbody tr").nth(1).locator("button.lb-fix").click()
        second = parse_qs(urlsplit(page.evaluate("window.__opened")).query)
        assert second["model"] == ["DeepLab_v3-Xception-65"]
        assert second["weights"] == ["TensorFlow=http://download.tensorflow.org/models/"
                                     "deeplabv3_pascal_train_aug_2018_01_04.tar.gz"]
        assert second["code"][0].startswith("TensorFlow=https://github.com/")
        # both buttons sit inside the rank cell, clear of the model's name
        cell = row.locator("td.lb-rank").bounding_box()
        for button in ("button.lb-badge", "button.lb-fix"):
            box = row.locator(button).bounding_box()
            assert box["x"] >= cell["x"] and box["x"] + box["width"] <= cell["x"] + cell["width"]
        assert errors == []
    finally:
        context.close()


def test_on_a_phone_the_button_gives_way_and_the_score_stays_in_view(browser, repo_site):
    context, page, errors = _page(browser, repo_site, 390)
    try:
        row = page.locator("table.lb-table tbody tr").first
        assert not row.locator("button.lb-fix").is_visible()
        score = row.locator("td.lb-primary").bounding_box()
        assert score["x"] + score["width"] <= 390
        assert page.locator("a.lb-submit").first.is_visible()
        assert errors == []
    finally:
        context.close()
