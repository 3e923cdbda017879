"""The site's pages as values: one frozen, typed context per generated page, built from the
site-wide derivations (``site.SiteData``), and the template that draws it.

A template receives exactly its context's fields (``values``), and each template's opening
comment names them (``tests/test_template_context.py`` holds the two together).  A context
holds what its page shows and nothing more, so that two builds' contexts of a page are
equal exactly when the page would read the same: a rebuild renders a page only when its
context differs from the last build's (``site.build.PageCache``).  Nothing here renders.

Every link in a template is written from ``root``, the relative path from the page to the
site's root (``{{ root }}tasks/ID/``).  Tables are HTML, prose fields are rendered by
markdown-it-py with raw HTML disabled, so Python-Markdown only sees headings and opaque
HTML blocks: fast to build, and a data file cannot inject markup.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import ClassVar, Iterator, Mapping

from generator.views.chart import progress
from generator.project.model import Dataset, Task
from generator.rules import urls
from generator.views import site
from generator.views import leaderboard as views
from generator.views.site import Area, FeedEntry, Keep, Model, Paper, SiteBoard, SiteData, busiest, dataset_path, datasets_by_area, downloads, fresh, is_overview, key_of, leaderboard_path, model_path, paper_path, rivals_of, root_of, task_path


# --- what several pages show of a task, dataset, paper or model --------------------

@dataclass(frozen=True)
class TaskRef:
    """A task as a link to it."""
    id: str
    title: str


@dataclass(frozen=True)
class TaskEntry:
    """A task as the indexes list it, with its counts: its own leaderboards and results and
    its subtasks' (``site.subtree_counts``)."""
    id: str
    title: str
    leaderboards: int
    results: int


@dataclass(frozen=True)
class AreaEntry:
    """A research area (``site.Area``) with the tasks of no parent in it."""
    name: str
    anchor: str
    tasks: int
    leaderboards: int
    results: int
    roots: tuple[TaskEntry, ...]


@dataclass(frozen=True)
class DatasetEntry:
    """A dataset as the indexes list it: the tasks using it and its counts."""
    id: str
    name: str
    tasks: tuple[TaskRef, ...]
    leaderboards: int
    results: int


@dataclass(frozen=True)
class PaperEntry:
    key: str
    name: str
    date: str | None
    results: int
    at: str | None = None  # a paper of one result: its row, from the root (``site.folds``)

    @property
    def date_sort(self) -> str:
        return self.date or ""


@dataclass(frozen=True)
class ModelEntry:
    key: str
    name: str
    boards: int
    firsts: int
    at: str | None = None  # a model of one result: its row, from the root (``site.folds``)


@dataclass(frozen=True)
class IndexPart:
    """One page of an index split in parts (``site.index_parts``): at
    ``SECTION/index/SLUG/``, the ``n``-th of the ``of`` pages of its group (a year, an
    initial), with ``count`` entries from ``first`` to ``last``."""
    slug: str
    label: str
    n: int
    of: int
    count: int
    first: str
    last: str


# --- one context per page type ------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """What every page has: the relative path to the site's root."""
    TEMPLATE: ClassVar[str] = ""
    root: str

    def values(self) -> dict:
        """The template's variables: the fields, as they are (not copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class HomePage(Page):
    TEMPLATE: ClassVar[str] = "site_home.md.j2"
    intro: str  # docs/index.md's text (trusted: not escaped)
    counts: Mapping[str, int]
    areas: tuple[AreaEntry, ...]
    full_home: bool  # few leaderboards: every one's best, and every dataset
    boards: tuple[tuple[TaskRef, views.LeaderboardView], ...]  # full_home: all, else none
    datasets: tuple[DatasetEntry, ...]  # full_home: all, else none
    busiest: tuple[tuple[str, views.LeaderboardView], ...]  # (task title, view), not full_home
    new_bests: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class TasksIndexPage(Page):
    TEMPLATE: ClassVar[str] = "site_tasks_index.md.j2"
    areas: tuple[AreaEntry, ...]
    children: Mapping[str, tuple[TaskEntry, ...]]  # by parent id ('' for the top level)
    empty_tasks: frozenset  # ids of the tasks with no result in their tree


@dataclass(frozen=True)
class DatasetsIndexPage(Page):
    TEMPLATE: ClassVar[str] = "site_datasets_index.md.j2"
    groups: tuple[tuple[str, str, tuple[DatasetEntry, ...]], ...]  # (area, anchor, datasets)
    unused: tuple[DatasetEntry, ...]  # the datasets no leaderboard uses
    # a big index is split (``site.index_parts``): its pages, and which this one is (None:
    # the index's own page, which lists the parts); ``total``: the entries of all of them
    parts: tuple[IndexPart, ...] = ()
    part: str | None = None
    total: int = 0


@dataclass(frozen=True)
class TaskPage(Page):
    TEMPLATE: ClassVar[str] = "site_task.md.j2"
    task: Task
    parents: tuple[TaskRef, ...]
    subtasks: tuple[TaskEntry, ...]  # with their counts, their own subtasks' included
    totals: TaskEntry  # the task's counts, its subtasks' included
    boards: tuple[SiteBoard, ...]
    overview: bool  # past the full-page limits: a table of its leaderboards instead
    task_edit_url: str | None
    # the page as written (task.page): its links to other tasks' pages (site.page_links)
    page_links: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LeaderboardPage(Page):
    TEMPLATE: ClassVar[str] = "site_leaderboard.md.j2"
    task: TaskRef
    parents: tuple[TaskRef, ...]
    board: SiteBoard


@dataclass(frozen=True)
class RedirectPage(Page):
    """A leaderboard folded into its task's page (``site.folds_into_task``) at its own
    address (``urls.redirect_path``): no page of the theme but a few hundred bytes that send
    the reader to the task's page with the address's fragment (a row's permalink) and query
    (the filters), left out of search engines.  ``root`` is its own page's."""
    TEMPLATE: ClassVar[str] = "site_redirect.html.j2"
    task: TaskRef
    board: str  # the leaderboard's title


@dataclass(frozen=True)
class DatasetPage(Page):
    TEMPLATE: ClassVar[str] = "site_dataset.md.j2"
    dataset: Dataset
    boards: tuple[tuple[TaskRef, views.LeaderboardView], ...]


@dataclass(frozen=True)
class PapersIndexPage(Page):
    TEMPLATE: ClassVar[str] = "site_papers_index.md.j2"
    papers: tuple[PaperEntry, ...]
    parts: tuple[IndexPart, ...] = ()  # as DatasetsIndexPage's
    part: str | None = None
    total: int = 0


@dataclass(frozen=True)
class PaperPage(Page):
    TEMPLATE: ClassVar[str] = "site_paper.md.j2"
    paper: Paper
    tasks_by_id: Mapping[str, TaskRef]  # the tasks of its results
    datasets: Mapping[str, Dataset]  # the datasets of its results
    page_rows: int = site.PAGE_ROWS  # the most rows its table shows


@dataclass(frozen=True)
class ModelsIndexPage(Page):
    TEMPLATE: ClassVar[str] = "site_models_index.md.j2"
    models: tuple[ModelEntry, ...]
    parts: tuple[IndexPart, ...] = ()  # as DatasetsIndexPage's
    part: str | None = None
    total: int = 0


@dataclass(frozen=True)
class ModelPage(Page):
    TEMPLATE: ClassVar[str] = "site_model.md.j2"
    model: Model
    tasks_by_id: Mapping[str, TaskRef]  # the tasks of its results
    rivals: tuple[ModelEntry, ...]  # the models it meets most often beside it
    page_rows: int = site.PAGE_ROWS  # the most rows its table shows
    # its papers of one result (no page: ``site.folds``): key -> their row, from the root
    one_paper: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ComparePage(Page):
    TEMPLATE: ClassVar[str] = "site_compare.md.j2"


PAGE_TYPES = (HomePage, TasksIndexPage, DatasetsIndexPage, TaskPage, LeaderboardPage,
              RedirectPage, DatasetPage, PapersIndexPage, PaperPage, ModelsIndexPage, ModelPage, ComparePage)


# --- building them ------------------------------------------------------------------

def page_contexts(data: SiteData, intro: str = "", edit_base: str | None = None,
                  keep: Keep | None = None, form: str | None = None
                  ) -> Iterator[tuple[str, Page]]:
    """(path relative to docs, context) of every generated page, in the site's order: home,
    the tasks and datasets indexes, each task with its leaderboards, each dataset, the papers
    and each paper, the models and each model, the compare page.  ``edit_base``: where the
    data files are edited (``https://github.com/OWNER/REPO/edit/main/data/``), for "Edit"
    links; ``keep`` keeps each leaderboard's chart and downloads (``site.SiteBoard``);
    ``form``: the repository's issue form for results (``build.form_base``), for "Submit a
    result" and "Suggest a correction"."""
    keep = keep or fresh
    project = data.project
    yield "index.md", home(data, intro)
    yield "tasks/index.md", tasks_index(data)
    yield from datasets_indexes(data)
    for task in project.tasks:
        yield from _task_pages(data, task, edit_base, keep, form)
    for dataset in project.datasets.values():
        path = dataset_path(dataset)
        yield path, DatasetPage(root_of(path), dataset, tuple(
            (_ref(data, lb.task_id), data.views[key_of(lb)])
            for lb in data.by_dataset.get(dataset.id, ())))
    yield from papers_indexes(data)
    root = root_of(paper_path("x"))
    for paper in data.papers.values():
        if paper.key in data.folded.papers:
            continue  # its one result's row stands for it (site.folds)
        boards = [view for view, _, _ in paper.entries]
        yield paper_path(paper.key), PaperPage(root, paper, _refs(data, boards), {
            v.dataset: project.datasets[v.dataset] for v in boards
            if v.dataset and v.dataset in project.datasets})
    entries = {key: _model_entry(m, data.folded.models.get(key))
               for key, m in data.models.items()}
    yield from models_indexes(data, tuple(entries.values()))
    root = root_of(model_path("x"))
    one_paper = data.folded.papers
    for key, model in data.models.items():
        if key in data.folded.models:
            continue  # its one result's row stands for it (site.folds)
        yield model_path(key), ModelPage(root, model, _refs(data, [v for v, _ in model.entries]),
                                         tuple(entries[m.key] for m in rivals_of(
                                             key, data.models, data.neighbours)),
                                         one_paper={
                                             row.paper_key: one_paper[row.paper_key]
                                             for _, row in model.entries
                                             if row.paper_key in one_paper})
    yield "compare.md", ComparePage(root_of("compare.md"))


def _ref(data: SiteData, task_id: str) -> TaskRef:
    ref = data.refs.get(task_id)
    if ref is None:
        ref = data.refs[task_id] = TaskRef(task_id, data.titles.get(task_id, task_id))
    return ref


def _refs(data: SiteData, boards) -> dict[str, TaskRef]:
    return {v.task_id: _ref(data, v.task_id) for v in boards if v.task_id in data.titles}


def _model_entry(model: Model, at: str | None = None) -> ModelEntry:
    return ModelEntry(model.key, model.name, model.boards, model.firsts, at)


def _task_entry(data: SiteData, task: Task) -> TaskEntry:
    leaderboards, results = data.totals.get(task.id, (0, 0))
    return TaskEntry(task.id, task.title, leaderboards, results)


def _area_entry(data: SiteData, area: Area) -> AreaEntry:
    return AreaEntry(area.name, area.anchor, area.tasks, area.leaderboards, area.results,
                     tuple(_task_entry(data, t) for t in area.roots))


def _dataset_entry(data: SiteData, dataset: Dataset) -> DatasetEntry:
    boards = data.by_dataset.get(dataset.id, [])
    return DatasetEntry(dataset.id, dataset.name,
                        tuple(_ref(data, t) for t in dict.fromkeys(lb.task_id for lb in boards)),
                        len(boards), sum(len(lb.results) for lb in boards))


def home(data: SiteData, intro: str) -> HomePage:
    full = len(data.views) <= site.HOME_FULL_LEADERBOARDS
    project = data.project
    return HomePage(
        "", intro, data.counts, tuple(_area_entry(data, a) for a in data.areas), full,
        tuple((_ref(data, lb.task_id), data.views[key_of(lb)]) for lb in project.leaderboards)
        if full else (),
        tuple(_dataset_entry(data, d) for d in project.datasets.values()) if full else (),
        () if full else tuple((data.titles[v.task_id], v) for v in busiest(data)),
        tuple(data.new_bests))


def tasks_index(data: SiteData) -> TasksIndexPage:
    """Each area's trees of tasks: under a task, its subtasks of the same area (one of
    another area is listed under its own)."""
    project = data.project
    area = {t.id: project.area_of(t) or site.OTHER for t in project.tasks} if data.areas else {}
    return TasksIndexPage(
        root_of("tasks/index.md"), tuple(_area_entry(data, a) for a in data.areas),
        {parent: tuple(_task_entry(data, t) for t in subs
                       if not parent or area.get(t.id) == area.get(parent))
         for parent, subs in data.children.items()},
        data.empty_tasks)


def datasets_index(data: SiteData) -> DatasetsIndexPage:
    groups = datasets_by_area(data.project, data.by_dataset)
    return DatasetsIndexPage(
        root_of("datasets/index.md"),
        tuple((name, anchor, tuple(_dataset_entry(data, d) for d in found))
              for name, anchor, found in groups),
        tuple(_dataset_entry(data, d) for d in data.project.datasets.values()
              if d.id not in data.by_dataset))


# --- the indexes of papers, models and datasets, split when big ---------------------
#
# Each estimate is what an entry weighs in its index's table as the template draws it
# (within about a tenth on the archive and the synthetic data; tests/test_index_split.py);
# ``site.index_parts`` splits an index whose entries weigh more than ``site.INDEX_BYTES``.

PART_ROOT = "../../../"  # from SECTION/index/SLUG/ to the site's root


def _paper_bytes(entry: PaperEntry) -> int:
    return 80 + len(PART_ROOT) + len(entry.at or entry.key) + len(entry.name) * 21 // 20 \
        + len(entry.date or "")


def _model_bytes(entry: ModelEntry) -> int:
    return 100 + len(PART_ROOT) + len(entry.at or entry.key) + len(entry.name) * 21 // 20


def _dataset_bytes(entry: DatasetEntry) -> int:
    return 150 + len(PART_ROOT) + len(entry.id) + len(entry.name) * 22 // 10 + sum(
        60 + len(PART_ROOT) + 2 * len(task.id) + len(task.title) for task in entry.tasks)


def _parts(section: str, found: list) -> tuple[tuple[str, IndexPart, tuple], ...]:
    """(path, part, its entries) of each page of a split index."""
    return tuple((f"{section}/index/{slug}.md",
                  IndexPart(slug, label, n, of, len(chunk), first, last), tuple(chunk))
                 for slug, label, n, of, chunk, first, last in found)


def papers_indexes(data: SiteData) -> Iterator[tuple[str, PapersIndexPage]]:
    """The papers index, newest first; past ``site.INDEX_BYTES`` its own page lists the
    pages of each year (a big year in several), and each of those lists its papers."""
    folded = data.folded.papers
    entries = sorted((PaperEntry(p.key, p.name, p.date, len(p.entries), folded.get(p.key))
                      for p in data.papers.values()), key=lambda e: e.key)
    entries.sort(key=lambda e: e.date_sort, reverse=True)  # the template's order
    found = site.index_parts(entries, lambda e: site.year_group(e.date), _paper_bytes,
                             lambda e: e.date or e.name)
    yield from _index_pages("papers", tuple(entries), found, PapersIndexPage)


def models_indexes(data: SiteData, entries: tuple[ModelEntry, ...]
                   ) -> Iterator[tuple[str, ModelsIndexPage]]:
    """The models index, by key; past ``site.INDEX_BYTES`` by initial (a big one in several
    pages), its own page listing them."""
    found = site.index_parts(list(entries), lambda e: site.initial_group(e.name),
                             _model_bytes, lambda e: e.name)
    yield from _index_pages("models", entries, found, ModelsIndexPage)


def _index_pages(section: str, entries: tuple, found, page) -> Iterator[tuple[str, Page]]:
    """An index of ``entries`` as one page, or, split (``found``: ``site.index_parts``),
    its own page listing the parts and a page per part."""
    whole = root_of(f"{section}/index.md")
    if not found:
        yield f"{section}/index.md", page(whole, entries)
        return
    parts = _parts(section, found)
    pages = tuple(part for _, part, _ in parts)
    yield f"{section}/index.md", page(whole, (), pages, None, len(entries))
    for path, part, chunk in parts:
        yield path, page(PART_ROOT, chunk, pages, part.slug, len(entries))


def datasets_indexes(data: SiteData) -> Iterator[tuple[str, DatasetsIndexPage]]:
    """The datasets index (``datasets_index``); past ``site.INDEX_BYTES`` by initial (a big
    one in several pages), each page grouping its datasets by area as the whole index does,
    its own page listing them."""
    page = datasets_index(data)
    used = [(name, anchor, entry) for name, anchor, group in page.groups for entry in group]
    everything = used + [(None, None, entry) for entry in page.unused]
    found = site.index_parts(everything, lambda e: site.initial_group(e[2].name),
                             lambda e: _dataset_bytes(e[2]), lambda e: e[2].name)
    if not found:
        yield "datasets/index.md", page
        return
    parts = _parts("datasets", found)
    pages = tuple(part for _, part, _ in parts)
    yield "datasets/index.md", DatasetsIndexPage(page.root, (), (), pages, None, len(everything))
    for path, part, chunk in parts:
        groups: dict[tuple[str, str], list[DatasetEntry]] = {}
        for name, anchor, entry in chunk:
            if name is not None:
                groups.setdefault((name, anchor), []).append(entry)
        yield path, DatasetsIndexPage(
            PART_ROOT, tuple((name, anchor, tuple(group)) for (name, anchor), group in groups.items()),
            tuple(entry for name, _, entry in chunk if name is None), pages, part.slug,
            len(everything))


def _task_pages(data: SiteData, task: Task, edit_base: str | None, keep: Keep,
                form: str | None = None):
    edit_url = f"{edit_base}tasks/{task.id}.yml" if edit_base else None
    project = data.project
    boards = []
    for lb in task.leaderboards:
        key = key_of(lb)
        view = data.views[key]
        dataset = project.datasets.get(lb.dataset) if lb.dataset else None
        submit = site.submit_url(form, task, lb)
        one = data.folded.of(view)  # its rows that stand for a model's or paper's page
        boards.append(keep(("board", key), (view, dataset, edit_url, submit, one), lambda: SiteBoard(
            view, dataset, progress(view, min(site.rows_shown(view), site.CHART_POINTS)), downloads(view), edit_url,
            site.rows_shown(view, site.FIX_BYTES if submit else 0), submit, *one)))
    parents = tuple(_ref(data, p) for p in task.parents if p in data.tasks_by_id)
    path = task_path(task)
    yield path, TaskPage(root_of(path), task, parents,
                         tuple(_task_entry(data, t) for t in data.children.get(task.id, ())),
                         _task_entry(data, task), tuple(boards), is_overview(task), edit_url,
                         site.page_links(task.page, data.tasks_by_id) if task.page else {})
    me = _ref(data, task.id)
    for board in boards:
        path = leaderboard_path(board.view)
        if board.view.folded:  # its task's page shows it: its address redirects there
            yield (urls.redirect_path(task.id, board.view.id),
                   RedirectPage(root_of(path), me, board.view.title))
            continue
        yield path, LeaderboardPage(root_of(path), me, parents, board)

