"""Hostile data in a real Chromium: every text field of tests/fixtures/hostile carries a
script payload (<script>, <img onerror>, "><svg onload>, javascript: and data: links,
raw HTML and javascript: links in markdown). Validation refuses all of them; built with
validation switched off, the site still shows them as text and runs none of them."""
from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading

import pytest
from conftest import _Quiet, search
from helpers import ROOT, run_module

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
PAGES = ["", "tasks/", "tasks/xss/", "datasets/", "datasets/xss-set/", "papers/",
         "papers/arxiv-1706.05587/", "contributing/"]
# the payload texts that must be visible, as text, on the task page
SHOWN = ["Task <script>window.__pwned='task.title'",
         "Model-A <img src=x onerror=\"window.__pwned='result.model'",
         "Board '><iframe src=\"javascript:window.__pwned='leaderboard.title'",
         "COCO <script>window.__pwned='result.extra_data'",
         "Task notes \"><svg onload=\"window.__pwned='task.notes'",
         "<script>window.__pwned='task.description block'",
         "[markdown link](javascript:window.__pwned='task.description link'"]


def test_validation_refuses_every_payload():
    run = run_module("validate", "--data", str(HOSTILE))
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.strip().endswith("invalid: 28 errors in tests/fixtures/hostile")
    fields = re.findall(r"^tests/fixtures/hostile/\S+:\d+:\d+: '(\w+)'", run.err, flags=re.M)
    assert len(fields) == 28
    assert set(fields) == {"name", "description", "label", "url", "license", "license_url",
                           "title", "notes", "unit", "model", "extra_data", "paper_title",
                           "paper", "body"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("hostile") / "site"
    site.mkdir()
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = dict(os.environ, LEADERBOARD_DATA=str(HOSTILE), SITE_URL=url + "/",
               NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "browser" / "build_unchecked.py"),
                           "build", "-q", "-d", str(site)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, site
    server.shutdown()
    server.server_close()


@pytest.fixture
def hostile_page(browser, hostile_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    page.dialogs, page.console = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: page.console.append(m.text))
    page.on("pageerror", lambda e: page.console.append(str(e)))
    yield page, hostile_site[0]
    context.close()


def _assert_inert(page, where: str) -> None:
    page.wait_for_timeout(150)  # let onerror/onload handlers fire, if any were parsed
    assert page.dialogs == [], f"{where}: a dialog opened: {page.dialogs}"
    assert page.evaluate("typeof window.__pwned") == "undefined", where
    found = page.evaluate("""() => {
        const bad = [];
        for (const el of document.querySelectorAll('*')) {
            for (const a of el.attributes) {
                if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name);
                if (/^(href|src|action|formaction|xlink:href)$/i.test(a.name) &&
                    /^\\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(el.tagName + ' ' + a.value);
            }
        }
        for (const s of document.querySelectorAll('script, iframe, object, embed'))
            if (/pwned|alert/.test(s.outerHTML)) bad.push(s.outerHTML.slice(0, 80));
        return bad; }""")
    assert found == [], f"{where}: live markup from the data: {found}"
    assert not [m for m in page.console if "pwned" in m or "alert" in m], page.console


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_payloads_as_text_and_runs_none(hostile_page, hostile_site, path):
    page, base = hostile_page
    site = hostile_site[1]
    assert (site / path / "index.html").exists() if path else (site / "index.html").exists()
    page.goto(f"{base}/{path}")
    _assert_inert(page, path or "home")
    assert "window.__pwned" in page.locator("body").inner_text(), path  # shown, as text


def test_task_page_shows_each_field_as_written(hostile_page):
    page, base = hostile_page
    page.goto(f"{base}/tasks/xss/")
    text = page.locator("article").inner_text()
    for shown in SHOWN:
        assert shown in text, shown
    # javascript: and data: links lead nowhere
    hrefs = page.eval_on_selector_all("article a", "as => as.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and re.match(r"\s*(javascript|data):", h, re.I)]
    footer = page.locator("footer").inner_text()
    assert "Source <script>window.__pwned='sources.name'" in footer
    _assert_inert(page, "task page")


def test_interacting_runs_nothing(hostile_page):
    """Sorting, filtering, the chart's details and the site search all handle the text."""
    page, base = hostile_page
    page.goto(f"{base}/tasks/xss/")
    table = page.locator("table.lb-table").first
    table.locator("thead button").nth(1).click()  # sort by model
    table.locator("thead button").nth(2).click()  # sort by the metric
    page.fill("input[name=q]", "<img")
    page.fill("input[name=q]", "")
    for point in page.locator("circle.lb-point").all():
        point.focus()
        point.hover()
    info = page.locator(".lb-chart-info").first.inner_text()
    assert "<img src=x onerror" in info or "<svg onload" in info
    _assert_inert(page, "after sorting, filtering and the chart")
    assert "onerror" in search(page, "onerror")
    _assert_inert(page, "search results")
