"""The site's search: an entry per generated page, made from the data, and the wiring that
makes Material's search rank names first and load its index only when it is opened.

Material for MkDocs indexes the pages MkDocs renders (search/search_index.json) and searches
them in the browser with Lunr, in a worker.  The generated pages are not left to it:

- ``entries``: every task, leaderboard, dataset, model and paper page has one short entry,
  made from the data: its name as the title (what a reader types), a line saying what it
  is (``Dataset · 14 leaderboards, 310 results``) as the text, and a ``boost`` by its kind
  and its size, so that of the pages whose names hold the words typed, the big dataset and
  its leaderboards come before a paper that names them once.  A model or paper of one
  result has no page (``site.folds``): its entry is its row's (``tasks/TASK/LEADERBOARD/
  #ANCHOR``), which Material lists under the leaderboard's page (it needs that page's entry
  first: the entries are sorted by location); a row whose model and paper are both folded
  has one entry, the model's name with the paper's title and arXiv id in its text.  No table is indexed.  The
  task pages say ``search: exclude`` (Material would index their whole text); the pages
  written from a placeholder (``stamping``) never reach it.  ``add`` (a build) and ``keep``
  (a rebuild of `mkdocs serve`) append them to the index the search plugin wrote.
- ``SEPARATOR``: names are split into words at punctuation too (``BERT+AC``, ``NCBI_BERT``,
  ``Sentence-BERT:``), where Material's default splits at spaces and hyphens only; a site
  that sets its own ``separator`` keeps it.
- ``wire``: every page gets a short script before Material's: the index is fetched when the
  reader opens the search (as Material itself does for a site opened from ``file://``), not
  on every first page view; and Material's worker is started through ``WORKER``, which makes
  a word typed whole count ``EXACT`` times its completions (Material searches ``imagenet*``,
  and the rarer ``imagenet64x64`` would otherwise outrank ``imagenet`` itself).

Nothing here imports MkDocs.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from generator.site.fsutil import link_from

if TYPE_CHECKING:
    from generator.views.site import SiteData

INDEX = Path("search") / "search_index.json"

#: Material's separator for English (``[\s\-]+``), and the one the site's index uses instead:
#: spaces, hyphens and punctuation; a dot only before a non-digit (``SQuAD1.1``, arXiv ids
#: and values stay whole); the HTML entities of escaped names.
DEFAULT_SEPARATOR = r"[\s\-]+"
SEPARATOR = r"""[\s\-_+,:;!?=()\[\]{}/|"*·]+|&(?:amp|lt|gt|quot|#39);|\.(?!\d)"""
_SPLIT = re.compile(SEPARATOR)
_STOP = frozenset("a an and at by for from in of on or the to with".split())

#: What each kind of page weighs in the ranking, before its size (``boost``).
KINDS = {"task": 5.0, "leaderboard": 5.0, "dataset": 4.0, "model": 3.0, "paper": 1.5}


def boost(kind: str, name: str, results: int) -> float:
    """A page's weight among those whose names hold the words typed: its kind's, growing
    with the results it holds (1 + log10(1 + results): 1 for none, 3 for 100, 4 for 1,000),
    and shrinking with the words of its name (divided by their square root), so that the
    name that is the words typed comes before the longer ones that hold them."""
    words = [w for w in _SPLIT.split(name.lower()) if w and w not in _STOP]
    return round(KINDS[kind] * (1 + math.log10(1 + results)) / math.sqrt(max(1, len(words))), 1)


@lru_cache(maxsize=1 << 16)  # a rebuild of `mkdocs serve` makes most of them again
def _entry(location: str, kind: str, title: str, text: str, results: int) -> dict:
    """An entry (shared: not to be changed)."""
    title = " ".join(title.split())
    return {"location": location, "title": html.escape(title, quote=False),
            "text": html.escape(" ".join(text.split()), quote=False),
            "boost": boost(kind, title, results)}


_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|[*_`#>|]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


@lru_cache(maxsize=1 << 12)
def summary(markdown: str | None, limit: int = 160) -> str:
    """The first sentence of a description as plain text, at most ``limit`` characters (cut
    at a word, with an ellipsis)."""
    text = " ".join(_MARKUP.sub(lambda m: m[1] or " ", markdown or "").split())
    first = _SENTENCE.split(text, 1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def entries(data: "SiteData", sections: Iterable[str] = ("tasks", "datasets", "papers",
                                                           "models")) -> list[dict]:
    """The search entries of the generated pages of ``sections`` (Material's ``docs``
    items, with a ``boost``), sorted by location.  The text says what the page is (shown
    under its title) and little more: each of its words costs every reader's browser time
    to index (a task's first sentence, a paper's arXiv id)."""
    from generator.rules import urls
    from generator.views import site

    project, sections = data.project, set(sections)
    out = []
    if "tasks" in sections:
        for task in project.tasks:
            about = summary(task.description)
            out.append(_entry(urls.page_url(urls.task_path(task.id)), "task", task.title,
                              f"Task · {about}" if about else "Task",
                              data.totals.get(task.id, (0, 0))[1]))
        for view in data.views.values():
            title = f"{data.titles.get(view.task_id, view.task_id)} on {view.title}"
            out.append(_entry(view.href, "leaderboard",  # a folded one: its task's page
                              title, "Leaderboard", len(view.rows)))
    if "datasets" in sections:
        for dataset in project.datasets.values():
            results = sum(len(lb.results) for lb in data.by_dataset.get(dataset.id, []))
            out.append(_entry(urls.page_url(urls.dataset_path(dataset.id)), "dataset",
                              dataset.name, "Dataset", results))
    folded = data.folded  # a model or paper of one result: its entry is its row's
    rows: dict[str, dict] = {}
    if "models" in sections:
        for key, model in data.models.items():
            if key in folded.models:
                rows[folded.models[key]] = _entry(folded.models[key], "model", model.name,
                                                  "Model", 1)
                continue
            out.append(_entry(urls.page_url(urls.model_path(key)), "model", model.name,
                              "Model", len(model.entries)))
    if "papers" in sections:
        for key, paper in data.papers.items():
            text = f"Paper · arXiv {key[len('arxiv-'):]}" if key.startswith("arxiv-") \
                else "Paper"  # found by its arXiv id too
            if key in folded.papers:
                at = folded.papers[key]
                model = rows.get(at)  # the row's model has no page either: one entry
                rows[at] = _entry(at, "paper", paper.name, text, 1) if model is None else \
                    _entry(at, "model", html.unescape(model["title"]), f"Model · {text}"
                           + (f" · {paper.title}" if paper.title else ""), 1)
                continue
            out.append(_entry(urls.page_url(urls.paper_path(key)), "paper", paper.name, text,
                              len(paper.entries)))
    out += rows.values()
    return sorted(out, key=lambda d: d["location"])


def _configure(index: dict) -> None:
    """The site's separator, unless the site set its own."""
    config = index.get("config")
    if isinstance(config, dict) and config.get("separator") in (None, DEFAULT_SEPARATOR):
        config["separator"] = SEPARATOR


def add(site_dir: Path, docs: list[dict]) -> None:
    """Append ``docs`` (``entries``) to the site's index, in a stable order, and set its
    separator; nothing to do if the site has no index (search switched off)."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    _configure(index)
    index.setdefault("docs", []).extend(sorted(docs, key=lambda d: d["location"]))
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --- the wiring: the index loaded when the search opens, exact words first ------------

#: How many times a word typed whole counts against the longer words it begins.
EXACT = 10

#: The worker the pages start: Material's (``importScripts``), its Lunr searching each word
#: typed whole ``EXACT`` times besides its completions.  Material turns ``imagenet`` into
#: ``imagenet*``; this searches ``imagenet^10 imagenet*``.
WORKER = """// Material for MkDocs' search worker, with a word typed whole ranked above the longer
// words it begins (written by the leaderboards plugin: generator/site/searchindex.py)
importScripts(%(material)s)
if (self.lunr && lunr.Index) (function (search) {
  lunr.Index.prototype.search = function (query) {
    return search.call(this, String(query).split(" ").map(function (term) {
      var word = /^([^\\s*+\\-~^:][^\\s*~^:]*)\\*$/.exec(term)
      return word ? word[1] + "^%(exact)d " + term : term
    }).join(" "))
  }
})(lunr.Index.prototype.search)
"""

#: Run before Material's script: its request for the index waits until the reader opens
#: the search (a tap or click on it, the focus in it, its keys), or goes at once on a page
#: opened from a search (``?q=``, ``?h=``: it highlights the words).
DEFER = ("(function(){var X=XMLHttpRequest.prototype,open=X.open,send=X.send,held=[],"
         "go=/[?&][qh]=/.test(location.search);"
         "X.open=function(m,u){this.lbIndex=/\\/search\\/search_index\\.json(\\?|$)/"
         ".test(String(u));return open.apply(this,arguments)};"
         "X.send=function(){if(this.lbIndex&&!go){held.push([this,arguments]);return}"
         "return send.apply(this,arguments)};"
         "function start(){if(go)return;go=true;held.splice(0).forEach(function(h){"
         "send.apply(h[0],h[1])})}"
         "function near(e,where){var t=e.target;return t&&t.closest&&t.closest(where)}"
         "addEventListener('change',function(e){if(e.target&&e.target.id=='__search'"
         "&&e.target.checked)start()},true);"
         "addEventListener('focusin',function(e){if(near(e,'.md-search'))start()},true);"
         "addEventListener('pointerdown',function(e){if(near(e,'.md-search,"
         "label[for=\"__search\"],.lb-search-open'))start()},true)})()")

_CONFIG_WORKER = re.compile(r'("search":\s*"[^"]*?)(search\.[0-9a-f]+\.min\.js)(")')
_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js">')
_WIRED = re.compile(r'<script data-lb-search="(search\.[0-9a-f]+\.min\.js)">')


@lru_cache(maxsize=8)
def worker(material: str) -> tuple[str, str]:
    """(file name, text) of the worker that wraps Material's (``search.HASH.min.js``), to
    be written beside it; the name changes with the text, so no browser keeps an old one."""
    text = WORKER % {"material": json.dumps(material), "exact": EXACT}
    return f"leaderboards-search.{hashlib.sha1(text.encode()).hexdigest()[:8]}.js", text


def wire(page: str) -> tuple[str, str | None]:
    """A page's HTML with the search wired (``DEFER`` before Material's script, and its
    worker ``worker``'s), and the name of Material's worker; a page wired already, or
    without Material's search, as it is (with None for the latter)."""
    at = page.rfind('<script id="__config"')  # the theme's scripts close the page
    if at < 0:
        return page, None
    wired = _WIRED.search(page, at)
    if wired:
        return page, wired[1]
    config, bundle = _CONFIG_WORKER.search(page, at), _BUNDLE.search(page, at)
    if not config or not bundle or config.start() > bundle.start():
        return page, None
    material = config[2]
    name, _ = worker(material)
    script = f'<script data-lb-search="{material}">{DEFER}</script>'
    return "".join((page[:config.start()], config[1], name, config[3],
                    page[config.end():bundle.start()], script, page[bundle.start():])), material


def write_worker(site_dir: Path, material: str | None) -> None:
    """Write the worker the wired pages start, beside Material's."""
    if material is None:
        return
    name, text = worker(material)
    path = Path(site_dir) / "assets" / "javascripts" / "workers" / name
    if path.parent.is_dir():
        path.write_text(text, encoding="utf-8")


class Kept:
    """What a rebuild of `mkdocs serve` takes over for its index from the last build's:
    MkDocs's pages' entries by page URL, with their JSON (``pages``: URL -> (entries,
    JSON)); the generated pages' entries' JSON (``encoded``: by what each holds) and the
    list of them in the index's order (``ours``).  The JSON is kept encoded (UTF-8): the
    index is written joined from them as they are."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[list, bytes]] = {}
        self.encoded: dict[tuple, bytes] = {}
        self.ours: list[bytes] = []
        self.rest: tuple[bytes, bytes] | None = None  # the index's JSON before and after


_DOCS = "\x00lb-docs\x00"  # where the entries go in the index's JSON


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _encoded(value) -> bytes:
    return _json(value).encode("utf-8")


def keep(site_dir: Path, order: list[str], finished: set[str], docs: list[dict],
         kept: Kept, previous: Path | None = None) -> Kept:
    """For a rebuild of `mkdocs serve`: the index MkDocs wrote, with the entries of the
    pages kept ``finished`` (by URL; MkDocs did not index them this time) put back from
    ``kept`` so that it is in MkDocs's page order (``order``) as a clean build writes it,
    and ``docs`` (``entries``) appended as ``add`` does: what a clean build writes.  The
    JSON is joined from each page's and each entry's, kept from the last build where they
    are the same; when the whole is the last build's, byte for byte, the index of
    ``previous`` (the site that build wrote) is linked instead.  Returns what the next
    rebuild takes over."""
    path = Path(site_dir) / INDEX
    if not path.is_file():
        return Kept()
    index = json.loads(path.read_text(encoding="utf-8"))
    _configure(index)
    by_page = _group(index.get("docs", []))
    now, parts = Kept(), []
    same = kept.rest is not None
    for url in [*dict.fromkeys(order), *by_page]:
        if url in now.pages:
            continue
        done = kept.pages.get(url) if url in finished else None
        if done is None:
            entries = by_page.get(url, [])
            done = (entries, b",".join(_encoded(doc) for doc in entries))
            same = same and url in kept.pages and kept.pages[url][1] == done[1]
        now.pages[url] = done
        if done[1]:
            parts.append(done[1])
    same = same and list(now.pages) == list(kept.pages)
    for doc in sorted(docs, key=lambda d: d["location"]):
        key = (doc["location"], doc["title"], doc["text"], doc.get("boost"))
        encoded = kept.encoded.get(key)
        if encoded is None:
            encoded = _encoded(doc)
        now.encoded[key] = encoded
        now.ours.append(encoded)
    same = same and now.ours == kept.ours
    index["docs"] = _DOCS
    now.rest = tuple(_encoded(index).split(_encoded(_DOCS), 1))
    if same and now.rest == kept.rest and previous is not None \
            and link_from(previous / INDEX, path):
        return now
    parts += now.ours
    head, tail = now.rest
    with open(path, "wb") as out:
        out.writelines((head, b"[", b",".join(parts), b"]", tail))
    return now


def _group(docs: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for doc in docs:
        out.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
    return out
