"""The website in a real browser: sorting, keyboard, instant navigation, dark mode,
offline, accessibility."""
from __future__ import annotations

import re

import pytest
from conftest import search
from helpers import ROOT

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"

SEG = "/tasks/semantic_segmentation/"


def column(page, table_id: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr", f"rows => rows.map(r => r.cells[{index}].innerText.trim())")


def header(page, table_id: str, name: str):
    return page.locator(f"#{table_id} thead th").filter(has_text=re.compile(rf"^{name}")).first


def natural(name: str):
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", name)]


def test_score_header_sorts_numerically_both_ways(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    table = "table-pascal-voc-2012-validation-set"
    assert column(page, table, 2)[0] == "88.80"  # default: best first
    score = header(page, table, "Score")
    assert score.get_attribute("aria-sort") == "descending"
    score.locator("button").click()
    values = column(page, table, 2)
    assert values[0] == "77.33" and values == sorted(values, key=float)
    assert score.get_attribute("aria-sort") == "ascending"
    score.locator("button").click()
    values = column(page, table, 2)
    assert values[0] == "88.80" and values == sorted(values, key=float, reverse=True)
    assert score.get_attribute("aria-sort") == "descending"


def test_na_stays_last_both_ways_and_names_sort_alphabetically(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    table = "table-ade20k-validation-set"
    assert column(page, table, 2)[-1] == "N/A"
    score = header(page, table, "Score").locator("button")
    for _ in range(2):
        score.click()
        values = column(page, table, 2)
        assert values[-1] == "N/A" and "N/A" not in values[:-1]
    model = header(page, table, "Model")
    model.locator("button").click()
    names = column(page, table, 1)
    shown = [n.replace("\n", " ") for n in names]
    assert model.get_attribute("aria-sort") == "ascending"
    assert [n.split(" ")[0] for n in shown] == [n.split(" ")[0] for n in sorted(shown, key=natural)]
    model.locator("button").click()
    assert column(page, table, 1) == list(reversed(names))
    assert header(page, table, "Score").get_attribute("aria-sort") is None


def test_rank_stays_with_its_row_when_sorting(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    table = "table-cityscapes-testing-set"
    ranks = dict(zip(column(page, table, 1), column(page, table, 0)))
    assert list(ranks.values()) == ["1", "2", "3", "4", "4", "6"]  # 78.40 twice: a shared rank
    header(page, table, "Model").locator("button").click()
    assert dict(zip(column(page, table, 1), column(page, table, 0))) == ranks


def test_headers_sort_from_the_keyboard(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    table = "table-pascal-voc-2012-testing-set"
    button = header(page, table, "Score").locator("button")
    button.focus()
    page.keyboard.press("Enter")
    assert column(page, table, 2)[0] == "80.25"
    page.keyboard.press("Space")
    assert column(page, table, 2)[0] == "87.80"
    page.keyboard.press("Shift+Tab")  # back to Model, then sort it with Enter
    page.keyboard.press("Enter")
    assert header(page, table, "Model").get_attribute("aria-sort") == "ascending"


def test_sorting_works_after_instant_navigation(watched):
    page = watched.page
    # Material takes over links only once it has fetched sitemap.xml, after the load event:
    # a click before then is an ordinary page load
    page.goto(watched.base_url + "/", wait_until="networkidle")
    page.evaluate("window.__same_document = true")
    page.locator("table.lb-summary a", has_text="Depth").first.click()
    page.wait_for_url(re.compile(r"/tasks/depth_estimation/"))
    page.wait_for_selector("#table-nyu-depth-v2")
    assert page.evaluate("window.__same_document === true"), "navigation reloaded the page"
    table = "table-nyu-depth-v2"
    assert column(page, table, 2) == ["0.509", "0.586", "0.635"]  # lower is better: best first
    header(page, table, "Score").locator("button").click()
    assert column(page, table, 2) == ["0.635", "0.586", "0.509"]


def test_dark_mode_toggle(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme() == "default"
    page.locator("label[title='Switch to dark mode']").first.click()
    assert scheme() == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"


def test_search_finds_a_model_name(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    assert "RefineNet" in search(page, "RefineNet")


def test_wide_tables_scroll_inside_their_container_on_mobile(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "/tasks/image_classification/")
    overflow = page.evaluate("""() => {
        const wrap = document.querySelector('#table-imagenet').parentElement;
        return {wrap: wrap.scrollWidth > wrap.clientWidth,
                page: document.documentElement.scrollWidth > window.innerWidth + 1};
    }""")
    context.close()
    assert overflow == {"wrap": True, "page": False}


A11Y_PAGES = ["/", "/tasks/", SEG, "/datasets/", "/datasets/ade20k/", "/papers/",
              "/papers/arxiv-1706.05587/", "/contributing/",
              SEG + "pascal-voc-2012-validation-set/", "/models/", "/models/deeplab-v3-xception-65/",
              "/compare/?models=sdn-m2,deeplab-v3-xception-65"]


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(browser, base_url, scheme, width):
    """axe-core on every page type, light and dark, desktop and phone."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme="dark" if scheme == "slate" else "light")
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    found = {}
    for path in A11Y_PAGES:
        page.goto(base_url + path)
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""")
        if violations:
            found[path] = violations
    context.close()
    assert found == {}
