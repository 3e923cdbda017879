"""Hostile data in a real Chromium.

Every text field of every file of tests/fixtures/hostile (tasks, datasets, sources.yml), titles
included, carries a script payload: <script>, <img onerror>, "><svg onload>, the slash forms
that CommonMark does not read as HTML but browsers do (<svg/onload=...>, <img/src=x onerror=...>),
a </title/> that closes the document title, and link targets that decode to javascript:, data: or
vbscript: (character references, tabs, NUL and control characters, case, percent-encoding).
Validation refuses all of them; built with validation switched off (build_unchecked.py), the
site must still show them as text and run none of them, on every page it builds, also while
the reader sorts, filters, explores the chart and searches.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from conftest import _Quiet, _Server, search
from helpers import ROOT, run_module

from generator.project import pipeline
from generator.views import site as site_module
from generator.site import build as sitebuild_module

pytestmark = pytest.mark.browser

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
# values of the fixture that are not payloads: the paper shared with tasks/xss.yml's arXiv page
BENIGN = {"https://arxiv.org/abs/1706.05587"}
# keys whose values are text a stranger writes (plain text, markdown, or a URL)
TEXT_KEYS = {"title", "name", "label", "unit", "model", "paper_title", "extra_data", "license",
             "description", "notes", "body", "url", "license_url", "paper"}
# the payload texts that must be visible, as text, on tasks/xss/
SHOWN = ["Task <script>window.__pwned='task.title'",
         "Model-A <img src=x onerror=\"window.__pwned='result.model'",
         "Board '><iframe src=\"javascript:window.__pwned='leaderboard.title'",
         "COCO <script>window.__pwned='result.extra_data'",
         "Task notes \"><svg onload=\"window.__pwned='task.notes'",
         "<script>window.__pwned='task.description block'",
         "[markdown link](javascript:window.__pwned='task.description link'"]


# --- what the fixture holds ---------------------------------------------------

def _folded(text: str) -> str:
    return " ".join(text.split())


def _fixture_pages() -> dict[str, str | None]:
    """Every page the hostile site must have: {URL path: the data title its <title> must show,
    or None}. Generated pages come from the model, the hand-written ones from docs/."""
    project = pipeline.load_project(HOSTILE).project  # its problems are the point
    pages: dict[str, str | None] = {}
    for path in sitebuild_module.site_pages(project):
        if path.endswith("/index.html"):  # a folded leaderboard's redirect to its task's page
            task = project.task(path.split("/")[1])
            pages[path.removesuffix("index.html")] = _folded(task.title)
            continue
        pages[site_module.page_url(path)] = None
    for task in project.tasks:
        pages[site_module.page_url(site_module.task_path(task))] = _folded(task.title)
    for dataset in project.datasets.values():
        pages[site_module.page_url(site_module.dataset_path(dataset))] = _folded(dataset.name)
    for paper in site_module.papers(project).values():
        name = _folded(paper.name)
        # a name with control characters cannot be compared through the browser's title
        pages[site_module.page_url(site_module.paper_path(paper.key))] = \
            None if re.search(r"[\x00-\x1f\x7f]", paper.name) else name
    folded = site_module.derive(project).folded
    for kind, rows in (("papers", folded.papers), ("models", folded.models)):
        for key, row in rows.items():  # one result: a stub that sends to its row (site.folds)
            STUBS[f"{kind}/{key}/"] = row
            pages[f"{kind}/{key}/"] = _folded(project.task(row.split("/")[1]).title)
    # the hand-written pages the site publishes: not the manuals mkdocs.yml excludes
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    excluded = set(config.get("exclude_docs", "").split())
    for doc in sorted((ROOT / "docs").glob("*.md")):
        if doc.name != "index.md" and f"/{doc.name}" not in excluded:
            pages.setdefault(f"{doc.stem}/", None)
    pages["404.html"] = None
    return dict(sorted(pages.items()))


STUBS: dict[str, str] = {}  # the old address of a paper or model of one result -> its row
PAGES = _fixture_pages()


def hostile_fields() -> list[dict]:
    """Every text value of the fixture (BENIGN left out), with its file, key and the span of
    lines and columns (1-based, end exclusive) it occupies in the file."""
    fields = []
    for path in sorted(HOSTILE.rglob("*.yml")):
        rel = path.relative_to(ROOT).as_posix()

        def walk(node, key):
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    walk(v, k.value)
            elif isinstance(node, yaml.SequenceNode):
                for item in node.value:
                    walk(item, key)
            elif isinstance(node, yaml.ScalarNode) and key in TEXT_KEYS and node.value not in BENIGN:
                fields.append({"file": rel, "key": key, "value": node.value,
                               "start": (node.start_mark.line + 1, node.start_mark.column + 1),
                               "end": (node.end_mark.line + 1, node.end_mark.column + 1)})

        walk(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), None)
    return fields


# --- validation ---------------------------------------------------------------

def test_validation_refuses_every_payload():
    """`validate` names every hostile field of the fixture, at its place in the file."""
    run = run_module("validate", "--data", str(HOSTILE))
    assert run.code == 1
    assert "Traceback" not in run.err
    errors = []
    for line in run.err.splitlines():
        m = re.match(r"^(tests/fixtures/hostile/\S+?):(\d+):(\d+): (?!warning: )'(\w+)'", line)
        if m:
            errors.append((m[1], (int(m[2]), int(m[3])), m[4], line))
    summary = re.search(r"invalid: (\d+) errors? in tests/fixtures/hostile\s*$", run.err)
    assert summary, run.err[-500:]
    assert int(summary[1]) == len(run.problems), "the count does not match the errors listed"
    fields = hostile_fields()
    assert len(fields) > 150  # every text field of tasks, datasets and sources.yml
    missed = []
    for f in fields:
        if not any(file == f["file"] and key == f["key"] and f["start"] <= at < f["end"]
                   for file, at, key, _ in errors):
            missed.append(f"{f['file']}:{f['start'][0]}:{f['start'][1]}: '{f['key']}' "
                          f"{f['value'][:90]!r}")
    assert not missed, f"validation lets {len(missed)} of {len(fields)} hostile fields through:\n" \
                       + "\n".join(missed)
    assert int(summary[1]) >= len(fields)


# --- the site, built with validation switched off --------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("hostile") / "site"
    site.mkdir()
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
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
    page.dialogs, page.console, page.errors = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: (page.console.append(m.text),
                                  page.errors.append(m.text) if m.type == "error" else None))
    page.on("pageerror", lambda e: (page.console.append(str(e)), page.errors.append(str(e))))
    yield page, hostile_site[0]
    context.close()


# Everything in the DOM that would run or lead to script: event-handler attributes, URL
# attributes whose value -- as written, or as the browser resolves it (el.href, el.src...) --
# has the scheme javascript:, data: or vbscript:, srcdoc, frames and plugins, scripts that are
# not the theme's, and elements the parser put into <head> out of a broken <title>.
AUDIT = r"""() => {
    const bad = [];
    const SCRIPT = /^(javascript|data|vbscript):/i;
    // what the URL parser does first: drop tabs and newlines, trim C0 controls and spaces
    const clean = v => String(v).replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
    const resolved = v => { try { return new URL(v, document.baseURI).protocol; } catch (e) { return ''; } };
    const URL_ATTRS = /^(href|src|action|formaction|xlink:href|srcdoc|data|poster|background|cite|ping|srcset|codebase|lowsrc|dynsrc)$/i;
    const show = el => el.outerHTML.slice(0, 200);
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            if (/^on/i.test(a.name)) bad.push(`event handler ${a.name}: ${show(el)}`);
            if (!URL_ATTRS.test(a.name)) continue;
            if (/^srcdoc$/i.test(a.name)) { bad.push(`srcdoc: ${show(el)}`); continue; }
            if (SCRIPT.test(clean(a.value)) || SCRIPT.test(resolved(clean(a.value))))
                bad.push(`${a.name} ${JSON.stringify(a.value)}: ${show(el)}`);
        }
        for (const prop of ['href', 'src', 'action', 'formAction']) {
            let v = el[prop];
            if (v && typeof v === 'object' && 'baseVal' in v) v = v.baseVal;  // SVG
            if (typeof v === 'string' && v && SCRIPT.test(clean(v)))
                bad.push(`${prop} resolves to ${JSON.stringify(v)}: ${show(el)}`);
        }
    }
    for (const el of document.querySelectorAll('iframe, frame, object, embed, applet, base, meta[http-equiv]'))
        bad.push(`<${el.tagName.toLowerCase()}>: ${show(el)}`);
    for (const s of document.querySelectorAll('script')) {
        if (/alert\s*\(|__pwned|msgbox/.test(s.textContent)) bad.push(`script from the data: ${show(s)}`);
        if (s.src && new URL(s.src).origin !== location.origin) bad.push(`script from elsewhere: ${s.src}`);
    }
    if (document.head.querySelectorAll('title').length !== 1)
        bad.push(`<head> has ${document.head.querySelectorAll('title').length} <title> elements`);
    for (const el of document.head.querySelectorAll('svg, img, iframe, object, embed, math, a, form, input, textarea'))
        bad.push(`<${el.tagName.toLowerCase()}> inside <head> (a broken <title>): ${show(el)}`);
    return bad;
}"""


def audit(page, title: str | None = None, settle: int = 250) -> list[str]:
    """Every sign that a payload ran or is live on the page, as readable lines."""
    page.wait_for_timeout(settle)  # let onerror/onload handlers fire, if any were parsed
    problems = [f"a dialog opened: {m!r}" for m in page.dialogs]
    problems += [f"console error: {m[:300]}" for m in page.errors]
    page.dialogs.clear()  # each is reported once
    page.errors.clear()
    if page.evaluate("typeof window.__pwned") != "undefined":
        problems.append(f"window.__pwned = {page.evaluate('String(window.__pwned)')!r}")
    problems += page.evaluate(AUDIT)
    if title is not None:
        shown = page.evaluate("document.title")
        if title not in shown:
            problems.append(f"document.title is {shown!r}: it does not show {title!r} as text")
    return problems


def _visit(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    if path in STUBS:  # the stub sends the browser on at once: the row's page is audited
        page.wait_for_url(re.compile(re.escape(f"{base}/{STUBS[path]}") + "$"))
    page.wait_for_load_state("load")


# --- the auditor itself -----------------------------------------------------------

PLANTED = """<!doctype html><html><head><meta charset="utf-8">
<title>Planted </title/><svg/onload=window.__pwned='planted-title'> - Leaderboards</title></head>
<body>
<a id="p1" href="javascript:void(0)">plain</a>
<a id="p2" href="java&#x09;script:void(0)">tab reference</a>
<a id="p3" href="&#1; JaVaScRiPt:void(0)">control and case</a>
<a id="p4" href="data:text/html,hi">data</a>
<form action="vbscript:x"><button formaction="javascript:void(0)">go</button></form>
<svg><a xlink:href="javascript:void(0)"><text>svg link</text></a></svg>
<div onclick="void(0)">handler</div>
<iframe srcdoc="<p>frame</p>"></iframe>
<script>console.error('planted error')</script>
</body></html>"""


def test_audit_flags_planted_attacks(hostile_page):
    """The checks above do see an attack: a page with one of each is flagged for each."""
    page, base = hostile_page
    url = f"{base}/__planted__/"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html",
                                                body=PLANTED))
    page.goto(url)
    found = "\n".join(audit(page, title="Planted </title/><svg/onload=window.__pwned='planted-title'>"))
    for expected in ["window.__pwned = 'planted-title'", "does not show",
                     'id="p1"', 'id="p2"', 'id="p3"', 'id="p4"', 'action "vbscript:x"',
                     'formaction "javascript:void(0)"', 'xlink:href "javascript:void(0)"',
                     "event handler onclick", "event handler onload", "srcdoc", "<iframe>",
                     "console error: planted error"]:
        assert expected in found, f"the audit missed {expected!r}:\n{found}"


# --- every page ---------------------------------------------------------------------

def test_site_has_every_page_type(hostile_site):
    """The walk below covers home, the indexes, each task, leaderboard, dataset, paper and
    model page, the compare page and 404,
    and the built site has no page it does not visit."""
    site = hostile_site[1]
    built = {p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")}
    built = {"" if b == "./" else b for b in built} | {"404.html"}
    assert built == set(PAGES)
    kinds = {"", "tasks/", "datasets/", "papers/", "404.html", "tasks/xss/", "tasks/titles/",
             "tasks/links/", "datasets/xss-set/", "datasets/title-set/", "papers/arxiv-1706.05587/"}
    assert kinds <= set(PAGES)
    assert len([p for p in PAGES if p.startswith("papers/")]) >= 3
    # the leaderboards' own pages, the model pages and the compare page are walked too
    assert {"models/", "compare/"} <= set(PAGES)
    assert [p for p in PAGES if p.startswith("tasks/xss/") and p.count("/") == 3]
    assert len([p for p in PAGES if p.startswith("models/")]) >= 3
    # the progress chart is drawn on the dated leaderboard, with the models' names
    titles = (site / "tasks" / "titles" / "index.html").read_text(encoding="utf-8")
    assert 'class="lb-chart"' in titles and titles.count('class="lb-point') >= 3


@pytest.mark.parametrize("path", list(PAGES))
def test_page_runs_no_payload(hostile_page, path):
    """Each built page: no dialog, no window.__pwned, no console error, no event handler or
    script-scheme URL in the DOM, and the <title> shows the data's title as text."""
    page, base = hostile_page
    _visit(page, base, path)
    problems = audit(page, title=PAGES[path])
    assert not problems, f"/{path}:\n" + "\n".join(problems)


def test_task_page_shows_each_field_as_written(hostile_page):
    page, base = hostile_page
    _visit(page, base, "tasks/xss/")
    text = page.locator("article").inner_text()
    for shown in SHOWN:
        assert shown in text, shown
    footer = page.locator("footer").inner_text()
    assert "Source <script>window.__pwned='sources.name'" in footer
    assert "Credits </title/><svg/onload=alert('sources.name:svg')>" in footer
    problems = audit(page, title=PAGES["tasks/xss/"])
    assert not problems, "\n".join(problems)


def test_titles_are_shown_as_text(hostile_page):
    """The break-out titles appear as text in the <title>, the header, the heading, the
    leaderboard headings and the table headers."""
    page, base = hostile_page
    _visit(page, base, "tasks/titles/")
    title = PAGES["tasks/titles/"]
    assert title.startswith("Seg </title/><svg/onload=alert('task.title')>")
    assert page.evaluate("document.title").startswith(title)
    assert title in page.locator("article h1").first.inner_text()
    assert "</title/><svg/onload=alert('lb.title')>" in page.locator("article h2").first.inner_text()
    head = page.locator("table.lb-table thead").first.inner_text()
    assert "<svg/onload=alert('metric.name')>" in head
    problems = audit(page, title=title)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["tasks/xss/", "tasks/titles/", "tasks/links/"])
def test_interacting_runs_nothing(hostile_page, path):
    """Sorting, filtering, the chart's details and the site search all handle the text."""
    page, base = hostile_page
    _visit(page, base, path)
    seen: dict[str, str] = {}  # problem -> the step that first showed it

    def check(step: str) -> None:
        for problem in audit(page):
            seen.setdefault(problem, step)

    check("loading the page")
    for table in page.locator("table.lb-table").all():
        buttons = table.locator("thead button")
        for i in range(buttons.count()):
            buttons.nth(i).click()
            buttons.nth(i).click()
    check("sorting")
    for term in ["<svg", "onload", "</title/>", "javascript:", "=HYPERLINK"]:
        page.fill("input[name=q]", term)
    page.fill("input[name=q]", "")
    # every filter the page offers (issue 26: only those its results can answer; tasks/links
    # has code and weights, no extra training data or multi-scale testing)
    offered = [n for n in ["extra", "ms", "code", "weights"] if page.locator(f"input[name={n}]").count()]
    assert {"code", "weights"} <= set(offered)
    for name in offered:
        page.locator(f"input[name={name}]").first.click()
        page.locator(f"input[name={name}]").first.click()
    page.fill("input[name=asof]", "2019-01")
    page.fill("input[name=asof]", "")
    check("filtering")
    points = page.locator("circle.lb-point").all()
    infos = []
    for point in points:
        point.focus()
        point.hover()
        infos.append(page.locator(".lb-chart-info").first.inner_text())
    check("the chart's points")
    assert points, "no chart drawn"
    assert any(re.search(r"<(img|svg|script)", info) for info in infos), infos  # shown as text
    for term in ["onload", "svg", "Seg", "javascript"]:
        search(page, term)
        check(f"searching {term!r}")
        page.keyboard.press("Escape")
    assert not seen, f"/{path}:\n" + "\n".join(f"{step}: {p}" for p, step in seen.items())
