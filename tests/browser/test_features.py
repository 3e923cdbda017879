"""Progress charts, filters, as-of, permalinks, paper pages, downloads and copy buttons."""
from __future__ import annotations

import re

SEG = "/tasks/semantic_segmentation/"
VOC = "table-pascal-voc-2012-validation-set"


def rows(page, table=VOC) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#{table} tbody tr:not([hidden])",
        "rows => rows.map(r => Array.from(r.cells).slice(0, 3).map(c => c.innerText.trim()))")


def test_progress_chart_has_a_point_per_dated_result(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    chart = page.locator("#pascal-voc-2012-validation-set ~ figure.lb-chart").first
    points = chart.locator("circle.lb-point")
    assert points.count() == 9
    assert chart.locator("circle.lb-record").count() >= 2
    desc = chart.locator("desc").text_content()
    assert desc.startswith("9 results from 2016-06 to 2017-08") and "88.80" in desc
    points.nth(0).focus()
    info = chart.locator(".lb-chart-info").inner_text()
    assert re.match(r"^.+: \d+\.\d\d, \d{4}-\d\d", info)
    # readable in both schemes: the dots are not drawn in the background colour
    for scheme in ("default", "slate"):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        stroke, background = page.evaluate("""() => [
            getComputedStyle(document.querySelector('circle.lb-point:not(.lb-record)')).stroke,
            getComputedStyle(document.body).backgroundColor]""")
        assert stroke != background


def test_unticking_extra_data_hides_coco_rows_and_ranks_restart(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    first = rows(page)[0]
    assert first[0] == "1" and first[1].startswith("SDN-M2*") and "+ COCO" in first[1]
    page.locator("form.lb-filters input[name=extra]").uncheck()
    visible = rows(page)
    assert visible and not any("COCO" in r[1] for r in visible)
    assert [r[0] for r in visible] == ["1", "2", "3", "4", "5"]
    assert visible[0][1] == "ResNet-38 Model A2-2"
    assert "extra=0" in page.url
    assert "Showing" in page.locator(".lb-filter-note").inner_text()
    # the chart's text for screen readers follows: its summary and the new bests
    chart = page.locator(f"figure.lb-chart[data-chart-of='{VOC}']")
    desc = chart.locator("svg > desc").text_content()
    assert desc.startswith("5 of 9 results shown; the best of them: ") and "ResNet-38 Model A2-2" in desc
    shown = chart.locator("table.lb-sr tbody tr:not([hidden])")
    assert shown.count() == 5
    records = chart.locator("circle.lb-record").evaluate_all("cs => cs.map(c => c.getAttribute('data-name'))")
    marked = shown.evaluate_all("rs => rs.filter(r => r.cells[3].textContent === 'yes').map(r => r.cells[1].textContent)")
    assert marked == records and "ResNet-38 Model A2-2" in marked
    page.reload()
    assert not page.locator("form.lb-filters input[name=extra]").is_checked()
    assert rows(page) == visible


def test_shared_url_restores_filters_and_text_search(watched):
    page = watched.page
    page.goto(watched.base_url + SEG + "?ms=0&code=1&q=resnet-38")
    assert page.locator("form.lb-filters input[name=q]").input_value() == "resnet-38"
    visible = rows(page)
    assert visible and all("ResNet-38" in r[1] for r in visible)
    ade = rows(page, "table-ade20k-testing-set")
    assert [r[1] for r in ade] == ["ResNet-38 Model A2-2"]


def test_as_of_shows_the_leaderboard_as_it_stood(watched):
    page = watched.page
    page.goto(watched.base_url + SEG + "?asof=2016-12")
    visible = rows(page)
    # papers up to 2016-12: DeepLab_v2 (arXiv 1606) and the ResNet-38 models (1611)
    assert [r[1] for r in visible] == ["ResNet-38 Model A1-2 + COCO", "ResNet-38 Model A2-2",
                                       "DeepLab_v2", "ResNet-38 Model A1-2", "ResNet-38 Model A2-1"]
    assert [r[0] for r in visible] == ["1", "2", "3", "4", "5"]
    page.locator("form.lb-filters input[name=asof]").fill("")
    page.locator("form.lb-filters input[name=asof]").dispatch_event("change")
    assert len(rows(page)) == 9


def test_rows_have_permalinks_and_link_to_their_model_and_paper(watched):
    page = watched.page
    anchor = "pascal-voc-2012-validation-set--resnet-38-model-a2-2"
    page.goto(watched.base_url + SEG + "#" + anchor)
    assert page.evaluate(f"document.querySelector('#{anchor}').matches(':target')")
    assert page.locator(f"#{anchor} a.lb-permalink").get_attribute("href").endswith("#" + anchor)
    page.locator(f"#{anchor} td.lb-model a").click()
    page.wait_for_url(re.compile(r"/models/resnet-38-model-a2-2/"))
    page.locator("h1", has_text="ResNet-38 Model A2-2").wait_for()
    page.go_back()
    page.wait_for_url(re.compile(re.escape(SEG)))
    page.locator(f"#{anchor} td.lb-paper a").first.click()  # the paper, by its title or arXiv id
    page.wait_for_url(re.compile(r"/papers/arxiv-1611\.10080/"))
    text = page.locator("article").inner_text()
    for dataset in ("PASCAL VOC 2012", "PASCAL Context", "ADE20K", "Cityscapes"):
        assert dataset in text


def test_downloads_and_copy_buttons(watched, browser):
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=watched.base_url)
    page.goto(watched.base_url + SEG)
    downloads = page.locator("#pascal-voc-2012-validation-set ~ p.lb-downloads").first
    csv_url = downloads.locator("a", has_text="CSV").evaluate("a => a.href")
    body = page.request.get(csv_url).text()
    assert body.lstrip("\ufeff").splitlines()[0].startswith("rank,model")
    assert len(body.strip().splitlines()) == 10
    downloads.locator("button", has_text="Copy as LaTeX").click()
    page.wait_for_function("document.querySelector('button.lb-copy').textContent === 'Copied'")
    latex = page.evaluate("navigator.clipboard.readText()")
    # no highlight rule on this leaderboard: nothing bold, as in the README and the table
    assert "\\toprule" in latex and "SDN-M2* + COCO + MS & 88.80 \\\\" in latex
    downloads.locator("button", has_text="Copy as markdown").click()
    page.wait_for_timeout(300)
    markdown = page.evaluate("navigator.clipboard.readText()")
    assert markdown.startswith("| Model") and "| 88.80 |" in markdown


def test_chart_ticks_say_exactly_where_their_gridlines_are(watched):
    """Each y tick's label is the value at its gridline: the gridline's position, mapped back
    through the dots' own scale (two dots of known value), gives the label's number."""
    page = watched.page
    page.goto(watched.base_url + SEG)
    for chart in page.locator("figure.lb-chart").all():
        labels = chart.locator(".lb-axis text[text-anchor=end]").all_text_contents()
        ys = [float(y) for y in chart.locator(".lb-axis line.lb-grid").evaluate_all(
            "ls => ls.map(l => l.getAttribute('y1'))")]
        points = chart.locator("circle.lb-point").evaluate_all(
            "ps => ps.map(p => [parseFloat(p.getAttribute('cy')), "
            "parseFloat(p.getAttribute('aria-label').split(': ')[1])])")
        (y_a, v_a), (y_b, v_b) = min(points), max(points)
        if y_a == y_b:
            continue
        for label, y in zip(labels, ys):
            value = v_a + (y - y_a) * (v_b - v_a) / (y_b - y_a)
            step = abs(float(labels[1]) - float(labels[0]))
            assert abs(value - float(label)) < step * 0.01, (label, value)
        values = [v for _, v in points]
        assert float(labels[0]) <= min(values) and float(labels[-1]) >= max(values)
        best = chart.locator(".lb-best-label").text_content()
        assert best.startswith("best ")


def test_chart_is_one_tab_stop_and_arrow_keys_walk_its_points(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    chart = page.locator("#pascal-voc-2012-validation-set ~ figure.lb-chart").first
    assert chart.locator("[tabindex='0']").count() == 1  # the svg, not each dot
    chart.locator("svg").focus()
    page.keyboard.press("ArrowRight")
    first = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert first and second and first != second
    assert chart.locator(".lb-chart-info").inner_text() == second
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == first
    # the same points, as a table for screen readers
    assert chart.locator("table.lb-sr tbody tr").count() == chart.locator("circle.lb-point").count()


def test_chart_text_is_legible_on_a_phone(watched):
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(watched.base_url + SEG)
    sizes = page.locator("figure.lb-chart").first.locator(".lb-axis text, .lb-best-label") \
        .evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 12, sizes
    # every chart's best label stands inside the screen, whatever the best point's place
    outside = page.eval_on_selector_all("figure.lb-chart .lb-best-label", """ls => ls
        .map(l => l.getBoundingClientRect())
        .filter(r => r.left < 0 || r.right > window.innerWidth).length""")
    assert outside == 0


def test_as_of_recomputes_ranks_best_counts_and_chart(watched):
    """'As of 2016-12' on PASCAL VOC 2012 validation: only results published by then remain;
    the header counts them, the best value is the best among them, the chart hides later dots
    and draws its best-so-far line through the remaining ones."""
    page = watched.page
    page.goto(watched.base_url + SEG + "?asof=2016-12")
    table = page.locator(f"#{VOC}")
    visible = rows(page)
    assert visible and visible[0][0] == "1"
    count = page.locator(f"[data-results-of='{VOC}']").inner_text()
    total = table.locator("tbody tr").count()
    assert count == f"{len(visible)} of {total} results"
    best = table.locator("tbody tr:not([hidden]) td.lb-best").first
    shown_values = [float(v) for v in table.locator("tbody tr:not([hidden]) td.lb-num").evaluate_all(
        "cs => cs.map(c => c.getAttribute('data-sort')).filter(v => v !== '')")]
    assert float(best.get_attribute("data-sort")) == max(shown_values)
    assert table.locator("tbody tr[hidden] td.lb-best").count() == 0
    chart = page.locator(f"figure.lb-chart[data-chart-of='{VOC}']")
    dates = chart.locator("circle.lb-point").evaluate_all(
        "ps => ps.filter(p => p.style.display !== 'none').map(p => p.getAttribute('aria-label'))")
    assert dates and all(re.search(r", (\d{4}-\d\d)", d)[1] <= "2016-12" for d in dates)
    hidden = chart.locator("circle.lb-point").evaluate_all(
        "ps => ps.filter(p => p.style.display === 'none').length")
    assert hidden > 0
    label = chart.locator(".lb-best-label").text_content()
    assert label.startswith(f"best {max(shown_values):.2f} (")
    # the line ends at the best remaining value's height
    step = chart.locator(".lb-step").get_attribute("d")
    top_dot = chart.locator("circle.lb-record").evaluate_all(
        "ps => ps.filter(p => p.style.display !== 'none').map(p => p.getAttribute('cy'))")[-1]
    assert step.rsplit("H", 1)[0].endswith(top_dot)
    page.locator("form.lb-filters input[name=asof]").fill("")
    page.locator("form.lb-filters input[name=asof]").dispatch_event("input")
    assert page.locator(f"[data-results-of='{VOC}']").inner_text() == f"{total} results"


def test_every_leaderboard_has_a_year_column_that_sorts_and_hides(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    table = page.locator(f"#{VOC}")
    header = table.locator("thead th.lb-year button")
    header.click()  # newest first
    years = table.locator("tbody td.lb-year").all_inner_texts()
    dated = [y for y in years if y != "–"]
    assert dated and dated == sorted(dated, reverse=True) and years[:len(dated)] == dated
    page.locator("form.lb-filters input[name=year]").uncheck()
    assert not table.locator("thead th.lb-year").is_visible()
    assert "year=0" in page.url


def test_paper_tables_sort(watched):
    page = watched.page
    page.goto(watched.base_url + "/papers/arxiv-1706.05587/")
    table = page.locator("table.lb-sortable")
    table.locator("thead th", has_text="Rank").locator("button").click()
    ranks = [int(r.split(" of ")[0]) for r in
             table.locator("tbody td:nth-child(3)").all_inner_texts() if not r.startswith("–")]
    assert ranks == sorted(ranks) and len(ranks) > 3
    table.locator("thead th", has_text="Model").locator("button").click()
    models = table.locator("tbody td:nth-child(4)").all_inner_texts()
    assert models == sorted(models, key=str.casefold)


def test_a_rows_badge_is_copied_as_markdown_and_served(watched):
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(watched.base_url + SEG)
    row = page.locator(f"#{VOC} tbody tr").first
    row.locator("button.lb-badge").click()
    page.wait_for_timeout(200)
    snippet = page.evaluate("navigator.clipboard.readText()")
    match = re.fullmatch(r"\[!\[(.+)\]\((http://127\.0\.0\.1:\d+/badges/[^)]+\.svg)\)\]\((http://[^)]+#"
                         + row.get_attribute("id") + r")\)", snippet)
    assert match and match[1].startswith("SDN-M2* + COCO + MS: #1 on PASCAL VOC 2012"), snippet
    svg = page.request.get(match[2])
    assert svg.ok and "88.80" in svg.text() and "#1 on" in svg.text()
    assert row.locator("td.lb-rank").inner_text().strip() == "1"  # the glyph is not text


def test_search_finds_paper_and_dataset_pages_and_leads_to_no_404(watched):
    from urllib.parse import urlsplit

    from conftest import search
    page = watched.page
    page.goto(watched.base_url + "/")
    for term, wanted in (("ADE20K", "/datasets/ade20k/"), ("1706.05587", "/papers/arxiv-1706.05587/")):
        search(page, term)
        hrefs = page.locator(".md-search-result__link").evaluate_all("as => as.map(a => a.href)")
        paths = [urlsplit(h).path for h in hrefs]  # the links carry ?h=TERM#anchor
        assert wanted in paths, (term, hrefs)
        for href in hrefs:
            assert page.request.get(href.split("#")[0]).status == 200, href
        assert "LBSTAMPTITLE" not in page.locator(".md-search-result").inner_text()
        page.keyboard.press("Escape")


def test_a_row_permalink_keeps_its_fragment_while_scrolling(watched):
    page = watched.page
    anchor = "pascal-voc-2012-testing-set--sdn-m3-coco"
    page.goto(watched.base_url + SEG + "#" + anchor)
    page.wait_for_timeout(300)
    for _ in range(6):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(150)
    assert page.evaluate("window.location.hash") == "#" + anchor
    assert page.locator(f"tr#{anchor}").count() == 1


def test_a_leaderboard_has_a_page_of_its_own_with_filters_and_permalinks(watched):
    page = watched.page
    page.goto(watched.base_url + SEG)
    page.locator("#pascal-voc-2012-validation-set ~ p.lb-meta a", has_text="page of this leaderboard").first.click()
    page.wait_for_url(re.compile(r"/tasks/semantic_segmentation/pascal-voc-2012-validation-set/$"))
    page.locator("h1", has_text="Semantic segmentation on PASCAL VOC 2012 — Validation set").wait_for()
    assert page.title().startswith("Semantic segmentation on PASCAL VOC 2012")
    assert len(rows(page)) == 9
    page.locator("form.lb-filters input[name=extra]").uncheck()
    assert all("COCO" not in r[1] for r in rows(page)) and rows(page)[0][0] == "1"
    anchor = "pascal-voc-2012-validation-set--sdn-m2-coco-ms"
    page.goto(watched.base_url + SEG + "pascal-voc-2012-validation-set/#" + anchor)
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert page.evaluate("location.hash") == "#" + anchor


def test_a_model_page_lists_its_results_with_their_ranks(watched):
    page = watched.page  # a model of several results (one of one result has no page)
    page.goto(watched.base_url + "/models/deeplab-v3-xception-65/")
    assert page.locator("h1").inner_text() == "DeepLab_v3-Xception-65"
    table = page.locator("table.lb-summary").first
    texts = table.locator("tbody tr").evaluate_all("rs => rs.map(r => r.innerText)")
    voc = [t for t in texts if "PASCAL VOC 2012 — Validation set" in t]
    assert voc and "2 of 9" in voc[0] and "83.58" in voc[0]
    # sortable like every table of the site
    table.locator("th button", has_text="Rank").click()
    assert table.locator("th[aria-sort]").count() == 1


def test_the_compare_view_keeps_its_models_in_the_address(watched):
    page = watched.page
    page.goto(watched.base_url + "/compare/?models=sdn-m2,deeplab-v3-xception-65")
    table = page.locator("table.lb-compare-table")
    table.wait_for(state="visible")
    head = table.locator("thead th").evaluate_all("hs => hs.map(h => h.innerText)")
    assert head == ["Leaderboard", "Metric", "SDN-M2", "DeepLab_v3-Xception-65"]
    voc = table.locator("tbody tr", has_text="PASCAL VOC 2012 — Validation set").inner_text()
    assert "88.80 (#1 of 9)" in voc and "(#2 of 9)" in voc
    page.fill("input[name=model]", "DeepLab_v2")
    page.locator(".lb-compare-form button[type=submit]").click()
    page.wait_for_function("location.search.includes('deeplab-v2')")
    assert page.evaluate("new URLSearchParams(location.search).get('models')") == \
        "sdn-m2,deeplab-v3-xception-65,deeplab-v2"
    assert table.locator("thead th").count() == 5
    # three at most: the form says so instead of failing
    assert page.locator(".lb-compare-form button[type=submit]").is_disabled()
    page.locator("button.lb-compare-remove").first.click()
    assert page.evaluate("new URLSearchParams(location.search).get('models')") == \
        "deeplab-v3-xception-65,deeplab-v2"
    assert "%2C" not in page.evaluate("location.search")  # shared as written
    assert page.evaluate("document.activeElement.name") == "model"  # the keyboard stays in the form
    # a result's name as the tables show it finds its model
    page.fill("input[name=model]", "SDN-M2* + COCO + MS")
    page.locator(".lb-compare-form button[type=submit]").click()
    page.wait_for_function("location.search.includes('sdn-m2')")


def test_search_finds_leaderboard_and_model_pages(watched):
    from urllib.parse import urlsplit

    from conftest import search
    page = watched.page
    page.goto(watched.base_url + "/")
    for term, wanted in (("PASCAL Context", "/tasks/semantic_segmentation/pascal-context/"),
                         ("DeepLab_v3-Xception-65", "/models/deeplab-v3-xception-65/")):
        search(page, term)
        hrefs = page.locator(".md-search-result__link").evaluate_all("as => as.map(a => a.href)")
        paths = [urlsplit(h).path for h in hrefs]
        assert wanted in paths, (term, hrefs)
        page.keyboard.press("Escape")
