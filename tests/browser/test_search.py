"""The site's search as a reader uses it, on the Papers with Code slice (tests/fixtures/
pwc-slice: ImageNet beside Mini-ImageNet, BERT beside BERTSP, BERT+MT and a BERT paper):
a name typed whole finds its page first, and the index is fetched when the search is
opened, not with every first page."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest


INDEX = "/search/search_index.json"


@pytest.fixture(scope="module")
def site_url(archive_url):
    return archive_url


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def reader(browser, site_url, request):
    phone = request.param < 600
    context = browser.new_context(viewport={"width": request.param, "height": 844 if phone else 900},
                                  is_mobile=phone, has_touch=phone)
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith("http://127.0.0.1") else route.abort())
    page = context.new_page()
    page.requested, page.errors = [], []
    page.on("request", lambda r: page.requested.append(urlsplit(r.url).path))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert page.errors == []


def open_search(page) -> None:
    """Open the search as a reader does: the search box on a wide screen, the magnifier in
    the header on a phone."""
    box = page.locator(".md-search__input")
    if page.evaluate("document.getElementById('__search').checked"):
        box.focus()  # open already
    elif page.viewport_size["width"] >= 960:  # Material's search box from 60em up
        box.click()
    else:
        page.locator("label.md-header__button[for=__search]").tap()
        box.wait_for(state="visible")


def first_results(page, term: str, count: int = 3) -> list[str]:
    """Type ``term`` and return the paths of the first ``count`` results (pages, in the
    order shown)."""
    open_search(page)
    page.keyboard.type(term, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    page.wait_for_timeout(300)  # the last keystroke's results
    links = page.locator(".md-search-result__item > .md-search-result__link")
    return [urlsplit(href).path for href in links.evaluate_all(
        "as => as.map(a => a.href)")[:count]]


@pytest.mark.parametrize("term,first", [
    # the dataset and its leaderboard, before Mini-ImageNet and the papers naming ImageNet
    ("ImageNet", {"/datasets/imagenet/", "/tasks/image-classification/imagenet/"}),
    # the model, before BERTSP (a rarer word that begins with "bert"), BERT+MT,
    # BERT-uncased and the BERT paper
    ("BERT", {"/models/bert/"}),
    ("bert", {"/models/bert/"}),
    # a task, before its leaderboard and Memex Question Answering
    ("Question Answering", {"/tasks/question-answering/"}),
])
def test_a_name_typed_whole_finds_its_page_first(reader, site_url, term, first):
    reader.goto(site_url + "/")
    top = first_results(reader, term)
    assert set(top[:len(first)]) == first, (term, top)


def test_the_first_page_view_does_not_fetch_the_search_index(reader, site_url):
    reader.goto(site_url + "/tasks/image-classification/imagenet/")
    reader.wait_for_load_state("load")
    reader.wait_for_timeout(1000)
    assert INDEX not in reader.requested  # nor the worker's work: nothing to index yet
    with reader.expect_request(lambda r: urlsplit(r.url).path == INDEX):
        open_search(reader)
    assert first_results(reader, "ImageNet", 1) == ["/datasets/imagenet/"]


def test_a_page_opened_from_a_search_highlights_the_words(reader, site_url):
    reader.goto(site_url + "/datasets/imagenet/?h=imagenet")
    reader.locator("article mark").first.wait_for(timeout=15_000)
    assert INDEX in reader.requested


def test_the_home_pages_search_button_opens_the_search_and_fetches_the_index(reader, site_url):
    reader.goto(site_url + "/")
    reader.wait_for_load_state("load")
    assert INDEX not in reader.requested
    with reader.expect_request(lambda r: urlsplit(r.url).path == INDEX):
        reader.locator("button.lb-search-open").click()
    assert first_results(reader, "BERT", 1) == ["/models/bert/"]
