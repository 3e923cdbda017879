"""A real site build served on 127.0.0.1 and a real Chromium (Debian's) driven by Playwright."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives Chromium: mark it ``browser`` (and ``slow``: each
    needs the site built once), so ``-m "not slow and not browser"`` leaves them out.
    A conftest's hook sees the whole session's items, so only this folder's are marked."""
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)

# An N/A result added to ADE20K's validation table, so sorting can be seen to keep it last.
NA_ROW = """  - model: Unscored-Net
    values: {Score: null}
    paper: https://arxiv.org/abs/1706.05587
"""


def build_site(data: Path, out: Path, site_url: str, **env_more: str) -> None:
    # site_url must be where the site is served: Material's instant navigation only takes
    # over links that match the sitemap's host and port
    env = dict(os.environ, LEADERBOARD_DATA=str(data), SITE_URL=site_url, NO_MKDOCS_2_WARNING="1",
               **env_more)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # a page closed mid-download (the browser moved on) is not a failure worth a traceback
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def served_site(data: Path, site: Path, **env: str):
    """The site of ``data`` built into ``site`` for the address it is served at (``env``:
    settings such as REPO_URL), served on 127.0.0.1 while the block runs: its base URL."""
    site.mkdir(exist_ok=True)
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        build_site(data, site, url + "/", **env)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    base = tmp_path_factory.mktemp("site")
    with served_site(_fixture_data(base), base / "site") as url:
        yield url


@pytest.fixture(scope="session")
def archive_url(tmp_path_factory):
    """The Papers with Code slice imported and built once for the session (the archive and
    search tests read the same site)."""
    from helpers import PWC_SLICE, run_module
    base = tmp_path_factory.mktemp("archive")
    run = run_module("import-pwc", str(PWC_SLICE), "--data", str(base / "data"))
    assert run.code == 0, run.err
    with served_site(base / "data", base / "site") as url:
        yield url


def _fixture_data(base: Path) -> Path:
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    task = data / "tasks" / "semantic_segmentation.yml"
    text = task.read_text(encoding="utf-8")
    marker = "- id: ade20k-testing-set"
    assert marker in text
    task.write_text(text.replace(marker, NA_ROW + marker, 1), encoding="utf-8")
    return data


def phone_aware_context(browser, width: int):
    """A browser context at ``width``: under 600 px a phone (touch, 2x pixels, 844 high);
    nothing it asks of another host than 127.0.0.1 leaves the machine."""
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 844 if phone else 900},
                                  device_scale_factor=2 if phone else 1, is_mobile=phone,
                                  has_touch=phone)
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    return context


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


class Watched:
    """A page with every request and console error recorded."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request):
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            self.outside.append(request.url)


@pytest.fixture
def watched(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # anything that tries to leave the machine is recorded and refused
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    w = Watched(context.new_page(), base_url)
    yield w
    context.close()
    assert w.outside == [], f"requests left 127.0.0.1: {w.outside}"
    assert w.errors == [], f"console errors: {w.errors}"


def search(page, term: str) -> str:
    """Type ``term`` into Material's search and return the results' text. Its worker
    builds the index after the page loads, so retype until it answers."""
    page.locator(".md-search__input").first.click()
    for _ in range(20):
        page.keyboard.press("Control+A")
        page.keyboard.type(term, delay=20)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    return page.locator(".md-search-result").inner_text()
