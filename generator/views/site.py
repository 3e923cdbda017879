"""The site as a whole: where each page and file goes, what a build works out once for
all its pages (``derive``: models, papers, neighbours, the feed, areas, computed whole
each build), and the files besides the pages (``site_files``: exports, badges,
data/models.json, the feed).  The pages' contexts are ``contexts``'s.  Nothing here
imports MkDocs.

``keep`` (``Keep``) lets a build take what the last one made from the same inputs: a
leaderboard's exports and badges, its feed entries, the parts of data/all.json and
data/models.json.  Without it everything is made.
"""
from __future__ import annotations

import heapq
import json
import re
import unicodedata
from html import escape as html_escape
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Callable, Hashable, TypeVar
from urllib.parse import unquote, urlencode

from markdown_it import MarkdownIt

from generator.outputs import exports
from generator.views import leaderboard as views
from generator.views.chart import Chart
from generator.project.model import Dataset, Leaderboard, Project, Task, arxiv_id
from generator.project.validate import majority
from generator.rules import ids, urls
from generator.rules import links as link_rules

#: The download links under every leaderboard: (format, label, copy button's label).
DOWNLOADS = (("csv", "CSV", None), ("json", "JSON", None), ("latex", "LaTeX", "Copy as LaTeX"),
             ("markdown", "Markdown", "Copy as markdown"))


# --- paths (decided in rules.urls; here for what the views hold) -----------------

page_url, root_of, model_path, paper_path = urls.page_url, urls.root_of, urls.model_path, urls.paper_path


def task_path(task: Task | str) -> str:
    return urls.task_path(task if isinstance(task, str) else task.id)


def dataset_path(dataset: Dataset | str) -> str:
    return urls.dataset_path(dataset if isinstance(dataset, str) else dataset.id)


def leaderboard_path(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's own page, the address people cite: tasks/TASK/LEADERBOARD.md."""
    return urls.leaderboard_path(lb.task_id, lb.id)


def site_file(lb: Leaderboard | views.LeaderboardView, fmt: str) -> str:
    return urls.site_file(lb.task_id, lb.id, fmt)


# --- what the pages draw ------------------------------------------------------

@dataclass(frozen=True)
class Download:
    label: str
    path: str  # relative to the site's root
    filename: str  # the name the browser saves it under
    copy: str | None  # the label of its "Copy as ..." button, if it has one


#: The most rows a page's table shows (a leaderboard's, a model's, a paper's), and the most
#: badges a leaderboard has: past it a page would pass a megabyte and a browser would crawl;
#: the rest are in the leaderboard's downloads (CSV, JSON...), which are always whole.
PAGE_ROWS = 500
#: What a leaderboard's table may weigh on its page (``row_bytes`` estimates each row as
#: drawn): with the chart, the filters and the theme, the page stays under a megabyte
#: however long its rows' notes and link lists are.
TABLE_BYTES = 740_000
#: The most results a leaderboard's chart draws as points besides its records (the first
#: in the default order): more would overlap into a blot and weigh more than the table.
CHART_POINTS = 200


def row_bytes(row: views.RowView) -> int:
    """About what a row weighs in a leaderboard's table (within a tenth on the bundled data
    and on the archive's ImageNet, whose rows list up to 30 repositories)."""
    return (900 + 7 * len(row.display_name) + len(row.notes or "") + 150 * len(row.cells)
            + 3 * len(row.paper or "") + 2 * len(row.paper_title or "")
            + sum(len(link.url) + len(link.label) + 50 for link in row.code + row.weights))


#: what a row's "Suggest a correction" button adds to it, when the site has the form
FIX_BYTES = 130


def rows_shown(view: views.LeaderboardView, extra: int = 0) -> int:
    """How many of the view's first rows its page shows: at most ``PAGE_ROWS``, and no more
    than ``TABLE_BYTES`` hold (at least one); ``extra``: bytes each row adds besides."""
    total = 0
    for n, row in enumerate(view.rows[:PAGE_ROWS]):
        total += row_bytes(row) + extra
        if total > TABLE_BYTES and n:
            return n
    return min(len(view.rows), PAGE_ROWS)


def page_links(page: str, task_ids) -> dict[str, str]:
    """Where a task's page as written (``Task.page``) links to a page beside it in the
    repository it came from (``named_entity_recognition.md``, ``./ccg.md#ccgbank``), by each
    such link's target as markdown-it reads it: the task whose file the name is, else the
    task ``import`` would name after it. A link found in none, and one into another folder
    (``../french/summarization.md``: not this site's task of that name), stays text."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = link_rules.safe_link
    found = {}
    for token in md.parse(page):
        for child in token.children or []:
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            path = re.split(r"[?#]", href, maxsplit=1)[0]
            name = path[2:] if path.startswith("./") else path
            if not name.lower().endswith(".md") or "/" in name \
                    or link_rules.scheme(href) is not None:
                continue  # not a page beside it (../french/summarization.md is another task)
            stem = unquote(PurePosixPath(name).stem)
            for task_id in (stem, ids.slug(stem)):  # a task's file name, or import's id
                if task_id in task_ids:
                    found[href] = task_id
                    break
    return found


def submit_url(form: str | None, task, lb) -> str | None:
    """The issue form for a result of ``lb`` (``build.form_base``), its task and
    leaderboard filled in through the form's query parameters (its fields' ids)."""
    if not form:
        return None
    return form + "&" + urlencode({"task": task.id, "leaderboard": lb.id,
                                   "title": f"[Result] {lb.title}"[:200]})


@dataclass(frozen=True)
class SiteBoard:
    """One leaderboard as a task page shows it."""

    view: views.LeaderboardView
    dataset: Dataset | None
    chart: Chart | None
    downloads: tuple[Download, ...]
    edit_url: str | None = None  # where its YAML file is edited (``edit_base``)
    shown: int = PAGE_ROWS  # how many rows its table shows (``rows_shown``)
    submit_url: str | None = None  # the issue form, this leaderboard filled in (``submit_url``)
    # the rows (by anchor) whose model, and whose paper, has this one result on the site: the
    # table links them to the row itself, not to a page (``folds``)
    one_model: frozenset = frozenset()
    one_paper: frozenset = frozenset()

    @property
    def rows(self) -> tuple[views.RowView, ...]:
        """The rows its table shows: the first ``shown`` in the default order."""
        return self.view.rows[:self.shown]

    @property
    def names(self) -> list[str]:
        """The display names of the rows shown, once each (for search)."""
        return list(dict.fromkeys(row.display_name for row in self.rows))


@dataclass
class Paper:
    key: str
    url: str
    title: str | None
    date: str | None
    entries: list[tuple[views.LeaderboardView, views.RowView, int]]  # view, its row, results on it

    @property
    def date_sort(self) -> str:
        return self.date or ""

    @property
    def name(self) -> str:
        """The title with its year ('Attention is all you need (2017)'), else the arXiv id,
        else the URL."""
        year = f" ({self.date[:4]})" if self.date else ""
        if self.title:
            return self.title + year
        return "arXiv:" + self.key[len("arxiv-"):] if self.key.startswith("arxiv-") else self.url


@dataclass
class Model:
    """A model (``views.model_name``) with every result reported under it, in any
    configuration (extra training data, multi-scale testing, ensemble...)."""
    key: str
    name: str
    entries: list[tuple[views.LeaderboardView, views.RowView]]

    @property
    def configurations(self) -> list[str]:
        return list(dict.fromkeys(row.display_name for _, row in self.entries))

    @property
    def firsts(self) -> int:
        """On how many leaderboards one of its results ranks first."""
        return len({id(view) for view, row in self.entries if row.rank == 1})

    @property
    def boards(self) -> int:
        return len({id(view) for view, _ in self.entries})




def models(project: Project, views_of: dict[str, views.LeaderboardView]) -> dict[str, Model]:
    """Every model with its results, keyed by ``views.model_key``, sorted by key; a model is
    named as most of its results name it (the first such name on a tie)."""
    found: dict[str, Model] = {}
    for lb in project.leaderboards:
        view = views_of[key_of(lb)]
        for row in view.rows:
            found.setdefault(row.model_key, Model(row.model_key, "", [])).entries.append((view, row))
    for model in found.values():
        _name(model)
    return dict(sorted(found.items()))


def _name(model: Model) -> None:
    counts: dict[str, int] = {}
    for _, row in model.entries:
        base = views.model_name(row.model)
        counts[base] = counts.get(base, 0) + 1
    model.name = max(counts.items(), key=lambda item: item[1])[0]


def neighbours(views_of: dict[str, views.LeaderboardView]) -> dict[str, dict[str, int]]:
    """How often each model ranks right beside each other (the row above or below, on any
    leaderboard): model key -> {model key: times}."""
    met: dict[str, dict[str, int]] = {}
    for view in views_of.values():
        keys = [row.model_key for row in view.rows]
        for a, b in zip(keys, keys[1:]):
            if a != b:
                for x, y in ((a, b), (b, a)):
                    counts = met.setdefault(x, {})
                    counts[y] = counts.get(y, 0) + 1
    return met


def rivals_of(key: str, all_models: dict[str, Model], met: dict[str, dict[str, int]],
              limit: int = 3) -> list[Model]:
    """The models ``key`` meets most often right beside it in the rankings (``neighbours``):
    whom a reader would compare it with."""
    return [all_models[k] for k, _ in sorted(met.get(key, {}).items(),
                                             key=lambda item: (-item[1], item[0]))[:limit]]


def compare_data(all_models: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 titles: dict[str, str]) -> dict:
    """What the compare page reads (data/models.json): each leaderboard once as [task id, id,
    title, task title, metric, results] and a 1 after them for one folded into its task's
    page (``folds_into_task``), and each model's best row per leaderboard as [leaderboard
    index, configuration, value shown, rank] (``compare_json``, read back)."""
    return json.loads(compare_json(all_models, views_of, titles))


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def compare_json(found: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 titles: dict[str, str], keep: "Keep | None" = None,
                 rows: dict[str, str] | None = None) -> str:
    """data/models.json: ``compare_data`` as compact JSON (what ``json.dumps`` writes), made
    of a part per leaderboard and per model (each kept by ``keep`` for the same inputs).
    ``rows``: the models with no page of their own (``Folded.models``), whose entry says
    where their one result's row is (``at``), for the page to link there."""
    keep = keep or fresh
    rows = rows or {}
    order = keep("compare-order", (tuple(views_of),), object)  # the same object: same order
    index: dict[str, int] = {}

    def model_part(key: str, model: Model) -> str:
        if not index:
            index.update((k, i) for i, k in enumerate(views_of))
        best: dict[int, views.RowView] = {}
        for view, row in model.entries:
            i = index[key_of(view)]
            if i not in best or (row.index < best[i].index):
                best[i] = row
        part = {"name": model.name, "configurations": model.configurations, "results": [
            [i, row.display_name, row.cells[0].shown if row.cells else None, row.rank]
            for i, row in sorted(best.items())]}
        if key in rows:
            part["at"] = rows[key]
        return _dump(key) + ":" + _dump(part)
    boards = []
    for key, v in views_of.items():
        title = titles.get(v.task_id, v.task_id)
        boards.append(keep(("compare-board", key), (v, title), lambda: _dump(
            [v.task_id, v.id, v.title, title, v.primary.label if v.primary else "",
             len(v.rows)] + ([1] if v.folded else []))))
    parts = [keep(("compare-model", key), (order, model.name, model.entries, rows.get(key)),
                  lambda: model_part(key, model)) for key, model in found.items()]
    return '{"boards":[' + ",".join(boards) + '],"models":{' + ",".join(parts) + "}}\n"


def downloads(view: views.LeaderboardView) -> tuple[Download, ...]:
    return tuple(Download(label, site_file(view, fmt),
                          exports.leaderboard_file(view, fmt).replace("/", "-"), copy)
                 for fmt, label, copy in DOWNLOADS)


def papers(project: Project,
           views_of: dict[str, views.LeaderboardView] | None = None) -> dict[str, Paper]:
    """Every paper with its results across leaderboards, keyed by paper_key, sorted by key
    (``views_of``: the leaderboards' views by ``key_of``, when they are computed already)."""
    if views_of is None:
        views_of = {key_of(lb): views.leaderboard_view(lb) for lb in project.leaderboards}
    found: dict[str, Paper] = {}
    said: dict[str, tuple[list, list]] = {}
    for view in views_of.values():
        for row in view.rows:
            if not row.paper:
                continue
            paper = found.get(row.paper_key)
            if paper is None:
                ident = arxiv_id(row.paper)  # arXiv's own address, not one a result wrote
                paper = found[row.paper_key] = Paper(row.paper_key, ARXIV_ABS + ident if ident
                                                     else row.paper, None, None, [])
                said[row.paper_key] = ([], [])
            titles, dates = said[row.paper_key]
            if row.paper_title:
                titles.append(row.paper_title)
            if row.date:
                dates.append(row.date)
            paper.entries.append((view, row, len(view.rows)))
    for key, paper in found.items():  # what most results say (validate warns at the others)
        paper.title, paper.date = majority(said[key][0]), majority(said[key][1])
    return dict(sorted(found.items()))


ARXIV_ABS = "https://arxiv.org/abs/"


def key_of(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's key in ``views``: TASK/LEADERBOARD."""
    return f"{lb.task_id}/{lb.id}"


# --- a model or paper of one result: its row, not a page --------------------------
#
# Most papers (every one of the synthetic data's, at x4 60,000 of them) and many models have
# one result on the whole site: a page of theirs would be 14 KB of theme around a one-row
# table that the row on its leaderboard's page already shows.  Such a model or paper has no
# page: every link to it goes to the row (``row_url``), and its old address holds a stub
# that sends the reader there (``stub``), so that no link from before breaks.

@dataclass(frozen=True)
class Folded:
    """The models and papers with no page of their own (``folds``): key -> their one
    result's row, from the site's root (``row_url``); and by leaderboard (``key_of``), the
    anchors of its rows whose (model anchors, paper anchors) these are."""
    models: dict[str, str]
    papers: dict[str, str]
    rows: dict[str, tuple[frozenset, frozenset]]

    def of(self, view: views.LeaderboardView) -> tuple[frozenset, frozenset]:
        return self.rows.get(key_of(view), _NONE)


_NONE = (frozenset(), frozenset())


def row_url(view: views.LeaderboardView, row: views.RowView) -> str:
    """A result's row, from the site's root: its permalink on the page that shows its
    leaderboard's rows (``tasks/TASK/LEADERBOARD/#ANCHOR``, or its task's page for a
    leaderboard folded into it: ``view.rows_href``)."""
    return view.rows_href + "#" + row.anchor


def folds(found_models: dict[str, Model], found_papers: dict[str, Paper]) -> Folded:
    """The models and papers with one result on the whole site whose row its leaderboard's
    page shows (``rows_shown``, counting the bytes of the correction button, so that the row
    is there with or without it): they get no page (see above).  A model or paper of two
    results or more, or whose one row is past the rows its page shows, keeps its page."""
    shown: dict[int, int] = {}
    rows: dict[str, tuple[set, set]] = {}

    def on_page(view: views.LeaderboardView, row: views.RowView) -> bool:
        if row.index < 1:
            return True  # a page shows at least one row
        n = shown.get(id(view))
        if n is None:
            n = shown[id(view)] = rows_shown(view, FIX_BYTES)
        return row.index < n
    folded_models, folded_papers = {}, {}
    for key, model in found_models.items():
        if len(model.entries) == 1 and on_page(*model.entries[0]):
            view, row = model.entries[0]
            folded_models[key] = row_url(view, row)
            rows.setdefault(key_of(view), (set(), set()))[0].add(row.anchor)
    for key, paper in found_papers.items():
        if len(paper.entries) == 1 and on_page(*paper.entries[0][:2]):
            view, row, _ = paper.entries[0]
            folded_papers[key] = row_url(view, row)
            rows.setdefault(key_of(view), (set(), set()))[1].add(row.anchor)
    return Folded(folded_models, folded_papers,
                  {k: (frozenset(m), frozenset(p)) for k, (m, p) in rows.items()})


#: A folded page's old address: a page of a few hundred bytes, no theme, that sends the
#: reader to the row (and search engines to the leaderboard's page, not indexing it).
STUB = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>%(name)s</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="%(canonical)s">
<meta http-equiv="refresh" content="0; url=%(href)s">
</head><body><p>%(kind)s %(name)s has one result: <a href="%(href)s">%(board)s</a>.</p></body></html>
"""


def stub(page: str, kind: str, name: str, target: str, board: str, site_url: str = "") -> str:
    """The stub at a folded model's or paper's old address (``page``: its page's path,
    ``models/KEY.md``): it sends the reader to ``target`` (``row_url``) at once, names it
    with a visible link, and says which page is canonical: the leaderboard's (absolute with
    ``site_url``; a fragment is no page of its own to a search engine)."""
    href = root_of(page) + target
    page_of = target.split("#", 1)[0]
    canonical = (site_url.rstrip("/") + "/" + page_of) if site_url else root_of(page) + page_of
    return STUB % {"name": html_escape(name), "kind": kind, "href": html_escape(href),
                   "canonical": html_escape(canonical), "board": html_escape(board)}


def stubs(data: SiteData, site_url: str = "") -> dict[str, str]:
    """The stub (``stub``) of every folded model and paper, by where it is written."""
    out = {}
    for kind, found, folded, path in (("Model", data.models, data.folded.models, model_path),
                                      ("Paper", data.papers, data.folded.papers, paper_path)):
        for key, target in folded.items():
            thing = found[key]
            view = thing.entries[0][0]
            board = f"{data.titles.get(view.task_id, view.task_id)} on {view.title}"
            out[stub_path(path(key))] = stub(path(key), kind, thing.name, target, board,
                                             site_url)
    return out


def stub_path(page: str) -> str:
    """Where a stub is written: ``models/KEY.md`` -> ``models/KEY/index.html``."""
    return urls.page_url(page) + "index.html"


# --- the indexes, split when big ----------------------------------------------------

#: The most an index page's entries may weigh (the papers', models' and datasets' indexes,
#: estimated by ``pages``): a bigger index (the archive's papers, 4,500 of them, and every
#: index past it) is split into pages of a group each (a year, an initial), a group that
#: weighs more into several, and its own page lists them.  With the theme, each stays under
#: half a megabyte whatever the site's size.
INDEX_BYTES = 400_000


def index_parts(entries: list, group_of: Callable, size_of: Callable[..., int],
                name_of: Callable[..., str], limit: int | None = None) -> list[tuple]:
    """The pages of an index whose ``entries`` (in its order) weigh more than ``limit``
    (``size_of`` each), else none: a page per group (``group_of``: (order, slug, label)),
    in the groups' order, each group's entries in their order, a group past ``limit`` in
    several pages (``SLUG``, ``SLUG-2``...).  Each is (slug, label, n, of, entries, first,
    last): the ``n``-th page of ``of`` of its group, its first and last entries' names
    (``name_of``); ``limit``: ``INDEX_BYTES`` unless given."""
    limit = INDEX_BYTES if limit is None else limit
    sizes = [size_of(entry) for entry in entries]
    if sum(sizes) <= limit:
        return []
    groups: dict[str, tuple[tuple, str, list]] = {}
    for entry, size in zip(entries, sizes):
        order, slug, label = group_of(entry)
        groups.setdefault(slug, (order, label, []))[2].append((entry, size))
    out = []
    for slug, (_, label, found) in sorted(groups.items(), key=lambda item: item[1][0]):
        chunks: list[list] = [[]]
        weight = 0
        for entry, size in found:
            if chunks[-1] and weight + size > limit:
                chunks.append([])
                weight = 0
            chunks[-1].append(entry)
            weight += size
        for n, chunk in enumerate(chunks, 1):
            out.append((slug if n == 1 else f"{slug}-{n}", label, n, len(chunks), chunk,
                        name_of(chunk[0]), name_of(chunk[-1])))
    return out


def year_group(date: str | None) -> tuple[tuple, str, str]:
    """A paper's group in a split index: its year, newest first; 'Undated' last."""
    if date and date[:4].isdigit():
        return (0, -int(date[:4])), date[:4], date[:4]
    return (1, 0), "undated", "Undated"


def initial_group(name: str) -> tuple[tuple, str, str]:
    """A name's group in a split index: its first letter or digit, accents set aside
    ('Élan' under E): '0–9', then A to Z, then 'Other' (other scripts, no letter)."""
    for ch in unicodedata.normalize("NFKD", name).casefold():
        if "a" <= ch <= "z":
            return (1, ch), ch, ch.upper()
        if "0" <= ch <= "9":
            return (0, ""), "0-9", "0–9"
        if unicodedata.category(ch)[0] in "LN":
            break
    return (2, ""), "other", "Other"


# --- what a build works out once for the whole site -------------------------------

T = TypeVar("T")
#: ``keep(key, inputs, make)``: what ``make()`` returns, or what it returned for ``key`` in
#: the last build when ``inputs`` (a value, or a tuple of them) are the same objects or
#: equal (``site.build.PageCache``)
Keep = Callable[[Hashable, object, Callable[[], T]], T]


def fresh(key: Hashable, inputs: object, make: Callable[[], T]) -> T:
    """The ``Keep`` of a build with no previous one: everything is made."""
    return make()


@dataclass
class SiteData:
    """The site-wide derivations every page and file draws from, computed whole for each
    build (a few tenths of a second on the Papers with Code archive): the leaderboards'
    views (each computed once per leaderboard, ``views.leaderboard_view``), the models,
    papers, the neighbours in the rankings, the feed, the task tree and the areas."""

    project: Project
    views: dict[str, views.LeaderboardView]  # by ``key_of``, in the project's order
    tasks_by_id: dict[str, Task]
    titles: dict[str, str]  # task id -> title
    children: dict[str, list[Task]]  # subtasks by the parent's id ('' for top-level tasks)
    by_dataset: dict[str, list[Leaderboard]]  # the leaderboards on each dataset, in order
    models: dict[str, Model]
    papers: dict[str, Paper]
    neighbours: dict[str, dict[str, int]]
    feed: list[FeedEntry]  # the newest ``FEED_SIZE``, newest first
    new_bests: list[FeedEntry]  # the ten newest that set a record, newest first
    areas: list[Area]
    empty_tasks: frozenset  # ids of the tasks with no result in their tree
    counts: dict[str, int]
    # task id -> (leaderboards, results) of the task with all its subtasks (``subtree_counts``)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    refs: dict = field(default_factory=dict)  # a task as a link, once per build (contexts)
    # the models and papers of one result, folded into its row: key -> the row (``folds``)
    folded: Folded = field(default_factory=lambda: Folded({}, {}, {}))


def derive(project: Project, keep: Keep | None = None, fold: bool = True) -> SiteData:
    """The ``SiteData`` of ``project``; ``keep`` keeps each leaderboard's feed entries;
    ``fold``: the models and papers of one result have no page of their own (``folds``;
    only where the leaderboards' pages are published)."""
    keep = keep or fresh
    views_of = board_views(project)
    titles = {t.id: t.title for t in project.tasks}
    children: dict[str, list[Task]] = {}
    for task in project.tasks:
        for parent in task.parents or [""]:
            children.setdefault(parent, []).append(task)
    by_dataset: dict[str, list[Leaderboard]] = {}
    for lb in project.leaderboards:
        if lb.dataset:
            by_dataset.setdefault(lb.dataset, []).append(lb)
    entries = []
    for key, view in views_of.items():
        title = titles.get(view.task_id, view.task_id)
        entries += keep(("feed", key), (view, title), lambda: _feed_entries(view, title))
    newest = lambda e: (e.date, e.id)  # noqa: E731
    totals = subtree_counts(project, children)
    found_models, found_papers = models(project, views_of), papers(project, views_of)
    return SiteData(
        project, views_of, {t.id: t for t in project.tasks}, titles, children, by_dataset,
        found_models, found_papers, neighbours(views_of),
        heapq.nlargest(FEED_SIZE, entries, key=newest),
        heapq.nlargest(10, (e for e in entries if e.record), key=newest), areas(project),
        frozenset(key for key, (_, results) in totals.items() if results == 0),
        project.counts(), totals,
        folded=folds(found_models, found_papers) if fold else Folded({}, {}, {}))


def busiest(data: SiteData) -> list[views.LeaderboardView]:
    """The ten leaderboards with the most results (the home page's)."""
    return heapq.nsmallest(10, data.views.values(),
                           key=lambda v: (-len(v.rows), v.task_id, v.id))


def site_files(project: Project, site_url: str = "", templates_dir: Path | None = None,
               site_name: str = "Leaderboards", keep: Keep | None = None,
               data: SiteData | None = None) -> dict[str, str]:
    """The files the site carries besides its pages: the exports under data/ with the JSON
    schema, the models' results for the compare page (data/models.json), a badge per ranked
    result under badges/, and the Atom feed feed.xml.  ``keep``: a leaderboard's exports
    and badges made from the same leaderboard, task title and dataset are the last build's."""
    from generator.outputs import render

    keep = keep or fresh
    data = data or derive(project, keep)
    files: dict[str, str] = {}

    def board_files(lb: Leaderboard, view: views.LeaderboardView) -> dict[str, str]:
        out = {site_file(lb, fmt): exports.exports_of(lb, project, fmt, templates_dir)
               for fmt in exports.FORMATS}
        for row in view.rows[:rows_shown(view)]:  # a badge for each result its page shows
            badge = result_badge(view, row)
            if badge:
                out[badge_path(view, row)] = render.render("result_badge.svg.j2",
                                                           templates_dir, badge=badge)
        return out
    for lb in project.leaderboards:
        key = key_of(lb)
        dataset = project.datasets.get(lb.dataset) if lb.dataset else None
        files.update(keep(("files", key), (lb, data.titles.get(lb.task_id), dataset),
                          lambda: board_files(lb, data.views[key])))
    files["data/schema.json"] = resources.files("generator").joinpath("schema").joinpath(
        "export.schema.json").read_text("utf-8")
    files["data/all.json"] = exports.all_json(project, keep)
    files["data/models.json"] = compare_json(data.models, data.views, data.titles, keep,
                                             data.folded.models)
    files.update(stubs(data, site_url))
    entries = data.feed
    files["feed.xml"] = keep("feed.xml", (tuple(entries), site_name, site_url), lambda: render.render(
        "site_feed.xml.j2", templates_dir, entries=entries, title=site_name, base=site_url,
        updated=entries[0].updated if entries else "1970-01-01T00:00:00Z"))
    return files


# --- badges and the feed ------------------------------------------------------------

FEED_SIZE = 200  # the newest entries; a reader's feed client keeps the older ones


@dataclass(frozen=True)
class Badge:
    left: str
    right: str
    colour: str

    @staticmethod
    def _width(text: str) -> int:  # Verdana 11 px: about 7 px a character, wide ones 11
        return 12 + sum(11 if ord(ch) > 0x2E80 else 7 for ch in text)

    @property
    def left_width(self) -> int:
        return self._width(self.left)

    @property
    def right_width(self) -> int:
        return self._width(self.right)

    @property
    def width(self) -> int:
        return self.left_width + self.right_width


def badge_path(view: views.LeaderboardView, row: views.RowView) -> str:
    return urls.badge_path(view.task_id, row.anchor)


def result_badge(view: views.LeaderboardView, row: views.RowView) -> Badge | None:
    """'#1 on PASCAL VOC 2012 — Validation set' | 'SDN-M2* + COCO + MS 88.80', for a ranked
    result (green for the first place)."""
    if row.rank is None or not row.cells or row.cells[0].text is None:
        return None
    return Badge(f"#{row.rank} on {view.title}", f"{row.display_name} {row.cells[0].shown}",
                 "#2e7d32" if row.rank == 1 else "#1565c0")


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: str  # RFC 3339
    href: str  # relative to the site's address
    summary: str
    date: str
    record: bool = False  # a new best on its leaderboard


def _rfc3339(date: str) -> str:
    parts = (date.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"



def _feed_entries(view: views.LeaderboardView, task_title: str) -> list[FeedEntry]:
    entries: list[FeedEntry] = []
    if view.primary is not None:
        lower = view.primary.lower_is_better
        best = None
        for row in sorted((r for r in view.rows if r.date), key=lambda r: (r.date, r.index)):
            value = row.cells[0].number
            record = value is not None and (best is None or (value < best if lower else value > best))
            best = value if record else best
            shown = row.cells[0].shown or "N/A"
            where = f"{view.title} ({task_title})"
            entries.append(FeedEntry(
                id=f"tag:leaderboards.invalid,{row.date[:4]}:{view.task_id}/{row.anchor}",
                title=f"{'New best' if record else 'New result'}: {row.display_name}, "
                      f"{view.primary.label} {shown} on {where}",
                updated=_rfc3339(row.date), href=f"{view.rows_href}#{row.anchor}",
                summary=f"{row.display_name} reached {view.primary.label} {shown} on {where}"
                        + (f", rank {row.rank} of {len(view.rows)}" if row.rank else ""),
                date=row.date, record=record))
    return entries



@dataclass
class Area:
    """A research area and its tasks (``Project.area_of``: a task's own, else its parent's);
    the tasks of no area are in one called ``OTHER``.  Its counts are its tasks' own, each
    task once: the areas' counts add up to the site's."""
    name: str
    anchor: str
    roots: list[Task]  # its tasks with no parent in the area, whose trees the index draws
    tasks: int
    leaderboards: int
    results: int


OTHER = "Other tasks"
HOME_FULL_LEADERBOARDS = 50  # up to this many, the home page lists every leaderboard's best


def areas(project: Project) -> list[Area]:
    """The areas by name (``OTHER`` last), each with its counts; empty when no task has one.
    A subtask of another area is a root of its own (the index lists every task once, under
    its area)."""
    if not any(t.area for t in project.tasks):
        return []
    found: dict[str, Area] = {}
    area_of = {task.id: project.area_of(task) or OTHER for task in project.tasks}
    for task in project.tasks:
        name = area_of[task.id]
        area = found.setdefault(name, Area(name, "area-" + urls.fold(name, "other"), [], 0, 0, 0))
        area.tasks += 1
        area.leaderboards += len(task.leaderboards)
        area.results += sum(len(lb.results) for lb in task.leaderboards)
        if not any(area_of.get(p) == name for p in task.parents):
            area.roots.append(task)
    return sorted(found.values(), key=lambda a: (a.name == OTHER, a.name.casefold()))


def dataset_area(project: Project, boards: list[Leaderboard]) -> str:
    """A dataset's area: the one most of its leaderboards' tasks are in (``OTHER`` counting
    only when no task has one), the first leaderboard's on a tie."""
    found = [project.area_of(task) if task else None
             for task in (project.task(lb.task_id) for lb in boards)]
    named = [a for a in found if a] or [OTHER]
    count = {a: named.count(a) for a in named}
    return max(dict.fromkeys(named), key=lambda a: count[a])


def datasets_by_area(project: Project, boards_by_dataset: dict[str, list[Leaderboard]]
                     ) -> list[tuple[str, str, list[Dataset]]]:
    """(area, anchor, datasets) with each dataset under its area (``dataset_area``), in the
    order of ``areas``; one group named '' when no task has an area. Datasets no
    leaderboard uses are left to the caller (``project.datasets`` minus these)."""
    names = [a.name for a in areas(project)]
    groups: dict[str, list[Dataset]] = {name: [] for name in names or [""]}
    for dataset in project.datasets.values():
        boards = boards_by_dataset.get(dataset.id)
        if not boards:
            continue
        area = dataset_area(project, boards) if names else ""
        groups.setdefault(area, []).append(dataset)
    return [(name, "area-" + urls.fold(name, "other"), found)
            for name, found in groups.items() if found]


def subtree_counts(project: Project, children: dict[str, list[Task]]
                   ) -> dict[str, tuple[int, int]]:
    """(leaderboards, results) of each task with all its subtasks, down every level, each
    subtask counted once however many ways lead to it (a task page leads to them all; the
    indexes fold the tasks with no result)."""
    below: dict[str, frozenset] = {}

    def tree(task: Task, path: frozenset) -> frozenset:
        if task.id in below:
            return below[task.id]
        found = {task.id}
        for sub in children.get(task.id, []):
            if sub.id not in path:  # validate refuses loops; a loop ends here all the same
                found |= tree(sub, path | {sub.id})
        below[task.id] = frozenset(found)
        return below[task.id]
    own = {t.id: (len(t.leaderboards), sum(len(lb.results) for lb in t.leaderboards))
           for t in project.tasks}
    out = {}
    for task in project.tasks:
        ids = tree(task, frozenset({task.id}))
        out[task.id] = (sum(own[i][0] for i in ids if i in own),
                        sum(own[i][1] for i in ids if i in own))
    return out


# A task page shows its leaderboards in full up to these sizes, and past them becomes an
# overview (each leaderboard's best result and a link to its own page), so that no page grows
# with the number of leaderboards: the seed's semantic segmentation (7 leaderboards, 58
# results) reads well on one page; the archive's Atari Games (62 leaderboards) did not.
FULL_TASK_LEADERBOARDS = 10
FULL_TASK_RESULTS = 300


def is_overview(task: Task) -> bool:
    return (len(task.leaderboards) > FULL_TASK_LEADERBOARDS
            or sum(len(lb.results) for lb in task.leaderboards) > FULL_TASK_RESULTS)


# A task of one leaderboard shown in full on its page (not an overview) would show it twice:
# on its page and on the leaderboard's own.  Its page alone shows it (the leaderboard's
# section, ``#LEADERBOARD``, and its rows' anchors, which are the same there); every link to
# the leaderboard goes there (``LeaderboardView.href``), and the leaderboard's own address,
# which permalinks and badges cite, holds a redirect to the task's page that keeps the
# fragment (``pages.RedirectPage``), listed in neither the sitemap nor the search.

def folds_into_task(task: Task) -> bool:
    """Whether ``task``'s one leaderboard has no page of its own but its task's."""
    return len(task.leaderboards) == 1 and not is_overview(task)


def board_views(project: Project) -> dict[str, views.LeaderboardView]:
    """Every leaderboard's view by ``key_of``, in the project's order, a leaderboard folded
    into its task's page (``folds_into_task``) marked ``folded`` (its view kept on it, as
    ``views.leaderboard_view`` keeps the other, for the rebuilds of `mkdocs serve`)."""
    out = {}
    for task in project.tasks:
        folded = folds_into_task(task)
        for lb in task.leaderboards:
            view = views.leaderboard_view(lb)
            if folded:
                kept = lb.__dict__.get("_folded_view")
                if kept is None or kept[0] is not view:
                    kept = lb.__dict__["_folded_view"] = (view, replace(view, folded=True))
                view = kept[1]
            out[key_of(lb)] = view
    return out  # the project's leaderboards are its tasks', in order

