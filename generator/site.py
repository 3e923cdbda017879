"""Output: the website's generated pages, as markdown files with HTML bodies.

``site_pages`` returns {path: text} for every generated page: home, the task,
dataset and paper indexes, one page per task, dataset and paper.  Any builder
that reads mkdocs.yml can use them: MkDocs gets them through the plugin
(``plugins: - leaderboards``); ``python -m generator pages --out DIR`` writes
them for the others.  Nothing here imports MkDocs.

Every page is drawn by a ``site_*.md.j2`` template from plain data: the
leaderboards' views (``views.leaderboard_view``), their charts and downloads,
and ``root``, the relative path from the page to the site's root, from which
templates write every link (``{{ root }}tasks/ID/``).  Tables are HTML, prose
fields are rendered by markdown-it-py with raw HTML disabled, so
Python-Markdown only sees headings and opaque HTML blocks: fast to build, and
a data file cannot inject markup.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import exports, views
from .chart import Chart, progress
from .model import Dataset, Leaderboard, Project, Task
from .rules import ids

#: The download links under every leaderboard: (format, label, copy button's label).
DOWNLOADS = (("csv", "CSV", None), ("json", "JSON", None), ("latex", "LaTeX", "Copy as LaTeX"),
             ("markdown", "Markdown", "Copy as markdown"))


# --- paths ------------------------------------------------------------------

def page_url(path: str) -> str:
    """The directory URL of a page: tasks/x.md -> tasks/x/, index.md -> '' (use_directory_urls)."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def root_of(path: str) -> str:
    """The relative path from a page to the site's root: '' for the home page, '../../' for
    tasks/x.md (served as tasks/x/)."""
    return "../" * page_url(path).count("/")


def task_path(task: Task | str) -> str:
    return f"tasks/{task if isinstance(task, str) else task.id}.md"


def dataset_path(dataset: Dataset | str) -> str:
    return f"datasets/{dataset if isinstance(dataset, str) else dataset.id}.md"


def paper_path(key: str) -> str:
    return f"papers/{key}.md"


def leaderboard_path(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's own page, the address people cite: tasks/TASK/LEADERBOARD.md."""
    return f"tasks/{lb.task_id}/{lb.id}.md"


def model_path(key: str) -> str:
    return f"models/{key}.md"


def site_file(lb: Leaderboard | views.LeaderboardView, fmt: str) -> str:
    """Where the site keeps a leaderboard's export.  Markdown is stored as .md.txt: builders
    would render a .md file as a page (the download link names it .md again)."""
    path = f"data/{lb.task_id}/{lb.id}{exports.SUFFIX[fmt]}"
    return path + ".txt" if fmt == "markdown" else path


# --- what the pages draw ------------------------------------------------------

@dataclass(frozen=True)
class Download:
    label: str
    path: str  # relative to the site's root
    filename: str  # the name the browser saves it under
    copy: str | None  # the label of its "Copy as ..." button, if it has one


@dataclass(frozen=True)
class SiteBoard:
    """One leaderboard as a task page shows it."""

    view: views.LeaderboardView
    dataset: Dataset | None
    chart: Chart | None
    downloads: tuple[Download, ...]
    edit_url: str | None = None  # where its YAML file is edited (``edit_base``)


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
        return len({(view.task_id, view.id) for view, row in self.entries if row.rank == 1})

    @property
    def boards(self) -> int:
        return len({(view.task_id, view.id) for view, _ in self.entries})


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


def _patched(before: dict, changed: dict) -> dict:
    """``before`` with the values of ``changed`` (None: gone), still sorted by key:
    ``before`` itself, changed in place, where the keys allow it (a rebuild's, which the
    old project does not use again; a copy would touch each of its values)."""
    if all(before.get(key) is not None for key, value in changed.items() if value is not None) \
            and all(key in before for key, value in changed.items() if value is None):
        out = before  # the same keys, or fewer: the order holds
        for key, value in changed.items():
            if value is None:
                del out[key]
            else:
                out[key] = value
        return out
    merged = {**before, **changed}
    return dict(sorted((k, v) for k, v in merged.items() if v is not None))


def _entries_now(before: list, boards: set[str], fresh: list, positions: dict[str, int]) -> list:
    """A model's or paper's entries after a change: those of the leaderboards it did not
    touch (``boards``), and ``fresh`` of those it did, in the order of the leaderboards."""
    entries = [e for e in before if key_of(e[0]) not in boards] + fresh
    entries.sort(key=lambda e: (positions[key_of(e[0])], e[1].index))
    return entries


def patch_models(before: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 positions: dict[str, int], boards: set[str], keys: set[str]) -> dict[str, Model]:
    """``models`` after a change of the leaderboards ``boards`` (``key_of``; those in
    ``views_of`` now), which held the models ``keys`` before or now; the others are the
    very same objects; ``before`` is changed where it can be (``_patched``)."""
    fresh: dict[str, list] = {key: [] for key in keys}
    for board in boards:
        view = views_of.get(board)
        for row in view.rows if view is not None else ():
            fresh[row.model_key].append((view, row))
    changed: dict[str, Model | None] = {}
    for key in keys:
        old = before.get(key)
        entries = _entries_now(old.entries if old else [], boards, fresh[key], positions)
        if not entries:
            changed[key] = None
            continue
        model = changed[key] = Model(key, "", entries)
        _name(model)
    return _patched(before, changed)


def patch_papers(before: dict[str, Paper], views_of: dict[str, views.LeaderboardView],
                 positions: dict[str, int], boards: set[str], keys: set[str]) -> dict[str, Paper]:
    """``papers`` after a change of the leaderboards ``boards``, which held the papers
    ``keys`` before or now (``patch_models``)."""
    fresh: dict[str, list] = {key: [] for key in keys}
    for board in boards:
        view = views_of.get(board)
        for row in view.rows if view is not None else ():
            if row.paper:
                fresh[row.paper_key].append((view, row, len(view.rows)))
    changed: dict[str, Paper | None] = {}
    for key in keys:
        old = before.get(key)
        entries = _entries_now(old.entries if old else [], boards, fresh[key], positions)
        changed[key] = _paper(key, entries) if entries else None
    return _patched(before, changed)


def _paper(key: str, entries: list) -> Paper:
    paper = Paper(key, entries[0][1].paper, None, None, entries)
    for _, row, _ in entries:
        paper.title = paper.title or row.paper_title
        paper.date = paper.date or row.date
    return paper


def neighbours(views_of: dict[str, views.LeaderboardView]) -> dict[str, dict[str, int]]:
    """How often each model ranks right beside each other (the row above or below, on any
    leaderboard): model key -> {model key: times}."""
    met: dict[str, dict[str, int]] = {}
    for view in views_of.values():
        _meet(met, view, 1)
    return met


def _meet(met: dict, view: views.LeaderboardView, step: int, copied: set | None = None) -> None:
    keys = [row.model_key for row in view.rows]
    for a, b in zip(keys, keys[1:]):
        if a == b:
            continue
        for x, y in ((a, b), (b, a)):
            if copied is not None and x not in copied:  # the previous build's, untouched
                met[x] = dict(met.get(x, {}))
                copied.add(x)
            counts = met.setdefault(x, {})
            n = counts.get(y, 0) + step
            if n:
                counts[y] = n
            else:
                del counts[y]


def patch_neighbours(before: dict[str, dict[str, int]], old_views: list, new_views: list
                     ) -> dict[str, dict[str, int]]:
    """``neighbours`` after the leaderboards ``old_views`` became ``new_views``: ``before``
    itself, changed in place (a model's counts changed are a new dict all the same)."""
    met, copied = before, set()
    for group, step in ((old_views, -1), (new_views, 1)):
        for view in group:
            _meet(met, view, step, copied)
    return met


def rivals_of(key: str, all_models: dict[str, Model], met: dict[str, dict[str, int]],
              limit: int = 3) -> list[Model]:
    """The models ``key`` meets most often right beside it in the rankings (``neighbours``):
    whom a reader would compare it with."""
    return [all_models[k] for k, _ in sorted(met.get(key, {}).items(),
                                             key=lambda item: (-item[1], item[0]))[:limit]]


def rivals(all_models: dict[str, Model], views_of: dict[str, views.LeaderboardView],
           limit: int = 3) -> dict[str, list[Model]]:
    """``rivals_of`` each model."""
    met = neighbours(views_of)
    return {key: rivals_of(key, all_models, met, limit) for key in all_models}


def compare_data(all_models: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 titles: dict[str, str]) -> dict:
    """What the compare page reads (data/models.json): each leaderboard once, and each model's
    best row per leaderboard as [leaderboard index, configuration, value shown, rank]
    (``compare_json``, read back)."""
    return json.loads(compare_json(all_models, views_of, titles))


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
    for lb in project.leaderboards:
        view = views_of[key_of(lb)]
        for row in view.rows:
            if not row.paper:
                continue
            paper = found.setdefault(row.paper_key, Paper(row.paper_key, row.paper, None, None, []))
            paper.title = paper.title or row.paper_title
            paper.date = paper.date or row.date
            paper.entries.append((view, row, len(view.rows)))
    return dict(sorted(found.items()))


def _once(project: Project, name: str, make):
    """``make()`` computed once per loaded project and kept on it, as each leaderboard's view
    is (the model is not changed once loaded): the pages and the files both need the models
    and the feed's entries.  A rebuild of `mkdocs serve` fills them in beforehand from the
    previous project's (``touched``)."""
    cached = project.__dict__.get(f"_{name}")
    if cached is None:
        cached = project.__dict__[f"_{name}"] = make()
    return cached


def views_by_key(project: Project) -> dict[str, views.LeaderboardView]:
    """Every leaderboard's view by ``key_of``, in the project's order, once per project."""
    return _once(project, "views", lambda: {key_of(lb): views.leaderboard_view(lb)
                                            for lb in project.leaderboards})


def key_of(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's key in ``views``: TASK/LEADERBOARD."""
    return f"{lb.task_id}/{lb.id}"


def positions(project: Project) -> dict[str, int]:
    """Each leaderboard's place in the project's order, by ``key_of``."""
    return _once(project, "positions", lambda: {k: i for i, k in enumerate(views_by_key(project))})


def tasks_by_id(project: Project) -> dict[str, Task]:
    return _once(project, "tasks_by_id", lambda: {t.id: t for t in project.tasks})


def children_of(project: Project) -> dict[str, list[Task]]:
    """Each task's subtasks by the parent's id ('' for the tasks of no parent), in order."""
    def make():
        children: dict[str, list[Task]] = {}
        for task in project.tasks:
            for parent in task.parents or [""]:
                children.setdefault(parent, []).append(task)
        return children
    return _once(project, "children", make)


def boards_by_dataset(project: Project) -> dict[str, list[Leaderboard]]:
    """The leaderboards on each dataset, in order."""
    def make():
        found: dict[str, list[Leaderboard]] = {}
        for lb in project.leaderboards:
            if lb.dataset:
                found.setdefault(lb.dataset, []).append(lb)
        return found
    return _once(project, "boards_by_dataset", make)


def empty_tasks(project: Project) -> frozenset:
    """The ids of the tasks with no result in their tree (the indexes fold them)."""
    return _once(project, "empty", lambda: frozenset(
        key for key, n in subtree_results(project, children_of(project)).items() if n == 0))


def all_models(project: Project) -> dict[str, Model]:
    return _once(project, "models", lambda: models(project, views_by_key(project)))


def all_papers(project: Project) -> dict[str, Paper]:
    return _once(project, "papers", lambda: papers(project, views_by_key(project)))


def all_neighbours(project: Project) -> dict[str, dict[str, int]]:
    return _once(project, "neighbours", lambda: neighbours(views_by_key(project)))


def counts(project: Project) -> dict[str, int]:
    return _once(project, "counts", project.counts)


def task_titles(project: Project) -> dict[str, str]:
    return _once(project, "titles", lambda: {t.id: t.title for t in project.tasks})


def project_areas(project: Project) -> list["Area"]:
    return _once(project, "areas", lambda: areas(project))


def busiest(project: Project) -> list[views.LeaderboardView]:
    """The ten leaderboards with the most results (the home page's)."""
    return _once(project, "busiest", lambda: heapq.nsmallest(
        10, views_by_key(project).values(), key=lambda v: (-len(v.rows), v.task_id, v.id)))


@dataclass
class Reuse:
    """What a rebuild (``mkdocs serve``) takes from the previous build: its pages and files,
    and what the change touched: the tasks, leaderboards (``key_of``), datasets, papers and
    models whose pages may read differently. Every other page and file is handed back as
    it was.  The build takes over ``pages`` and ``files`` (the previous build's dicts) and
    changes them in place; it notes which pages and files it made again (``rendered``,
    ``files_changed``) and which of the previous build's are gone (``dropped``,
    ``files_dropped``)."""

    pages: dict[str, str]
    files: dict[str, str]
    tasks: set[str] = field(default_factory=set)
    boards: set[str] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    memo: "Memo | None" = None  # the previous build's
    old: Project | None = None  # the previous build's data
    # the leaderboards in the same order as before (no task added, gone or retitled, no
    # leaderboard added or gone); and the tasks' parents, areas and datasets as before; and
    # each leaderboard with as many results as before
    same_order: bool = False
    same_shape: bool = False
    same_counts: bool = False
    old_views: list = field(default_factory=list)  # of the leaderboards touched, before
    # the old project's views by ``key_of`` that ``_inherit`` replaced in the dict it took over
    was: dict = field(default_factory=dict)
    # the touched models and papers before (None: there was none), by key: the old
    # project's dicts of them are patched in place
    was_models: dict = field(default_factory=dict)
    was_papers: dict = field(default_factory=dict)
    new_views: list = field(default_factory=list)  # and now
    rendered: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)  # of the pages rendered, the new ones
    dropped: set[str] = field(default_factory=set)
    files_changed: set[str] = field(default_factory=set)
    files_dropped: set[str] = field(default_factory=set)


@dataclass
class Memo:
    """What a build worked out on the way to its pages and files that the next rebuild of
    `mkdocs serve` may take over, each kept with the objects it was made from (a data file
    that did not change is loaded as the same objects, ``pipeline.Memory``), so that it is
    used only for the very same inputs:

    - ``indexes``: an index page by path -> (what the page shows of the data, its text);
    - ``exported``: a task's part of data/all.json by task id -> (task, its datasets, JSON);
    - ``feed``: a leaderboard's feed entries by ``key_of`` -> (view, task title, entries);
    - ``compared``: data/models.json's parts: a leaderboard's by ``key_of`` -> (view, task
      title, JSON), a model's by key -> (model, JSON), and the leaderboards' order;
    - ``feed_xml``: (the entries it shows, its text)."""

    indexes: dict[str, tuple] = field(default_factory=dict)
    exported: dict[str, tuple] = field(default_factory=dict)
    feed: dict[str, tuple] = field(default_factory=dict)
    compared_boards: dict[str, tuple] = field(default_factory=dict)
    compared_models: dict[str, tuple] = field(default_factory=dict)
    compared_order: tuple = ()
    feed_xml: tuple | None = None


def _board(project: Project, key: str) -> Leaderboard | None:
    task_id, _, lb_id = key.partition("/")
    task = tasks_by_id(project).get(task_id)
    return next((lb for lb in task.leaderboards if lb.id == lb_id), None) if task else None


def touched(old: Project, new: Project, changed: set[tuple[str, str]], pages: dict[str, str],
            files: dict[str, str]) -> Reuse:
    """What a change of the files ``changed`` ((kind, id) of each task or dataset file read
    again, added or gone) touches, from the project before (``old``) and after (``new``):

    - the leaderboards of a changed task, and those on a changed dataset;
    - their tasks, and each changed task's parents, children, ancestors and descendants
      (which show its title, its area and its results' count);
    - the datasets, papers and models of those leaderboards' rows, and the models shown
      beside a model whose name changed (its rivals);
    - the indexes, home, compare page and the files across the site, always (not here).

    It works from what changed, not from all the data: the new project's views, models,
    papers and the like are the old ones', patched (``_inherit``)."""
    reuse = Reuse(pages, files, old=old)
    tasks_changed = {i for kind, i in changed if kind == "task"}
    datasets_changed = {i for kind, i in changed if kind == "dataset"}
    reuse.datasets |= datasets_changed
    old_ids, new_ids = tasks_by_id(old), tasks_by_id(new)
    new.__dict__["_by_id"] = new_ids  # Project.task's
    both = [(old_ids[i], new_ids[i]) for i in tasks_changed if i in old_ids and i in new_ids]
    reuse.same_order = len(both) == len(tasks_changed) and all(
        o.title == n.title and [lb.id for lb in o.leaderboards] == [lb.id for lb in n.leaderboards]
        for o, n in both)
    reuse.same_shape = reuse.same_order and all(
        o.parents == n.parents and o.area == n.area
        and [lb.dataset for lb in o.leaderboards] == [lb.dataset for lb in n.leaderboards]
        for o, n in both)
    reuse.same_counts = reuse.same_shape and all(
        [len(lb.results) for lb in o.leaderboards] == [len(lb.results) for lb in n.leaderboards]
        for o, n in both)
    _inherit(old, new, reuse, both)
    for project, by_id, out in ((old, old_ids, reuse.old_views), (new, new_ids, reuse.new_views)):
        children = children_of(project)
        for task_id in tasks_changed & by_id.keys():
            reuse.tasks.add(task_id)
            for links in (lambda t: by_id[t].parents if t in by_id else [],
                          lambda t: [c.id for c in children.get(t, ())]):  # up, then down
                stack, seen = list(links(task_id)), set()
                while stack:
                    current = stack.pop()
                    if current not in seen:
                        seen.add(current)
                        stack += links(current)
                reuse.tasks |= seen
        boards = [lb for i in sorted(tasks_changed & by_id.keys()) for lb in by_id[i].leaderboards]
        on_datasets = boards_by_dataset(project) if datasets_changed else {}
        boards += [lb for d in sorted(datasets_changed) for lb in on_datasets.get(d, ())
                   if lb.task_id not in tasks_changed]
        for lb in boards:
            reuse.boards.add(key_of(lb))
            reuse.tasks.add(lb.task_id)
            if lb.dataset:
                reuse.datasets.add(lb.dataset)
            view = views.leaderboard_view(lb)
            out.append(view)
            for row in view.rows:
                reuse.models.add(row.model_key)
                if row.paper:
                    reuse.papers.add(row.paper_key)
    # the old project's models, papers and neighbours are patched in place (a copy would
    # touch each of them): what the touched ones were is kept first
    old_models, old_papers, old_met = all_models(old), all_papers(old), all_neighbours(old)
    reuse.was_models = {key: old_models.get(key) for key in reuse.models}
    reuse.was_papers = {key: old_papers.get(key) for key in reuse.papers}
    was_met = {key: old_met.get(key) for key in reuse.models}
    now = views_by_key(new)
    new.__dict__["_models"] = patch_models(old_models, now, positions(new), reuse.boards,
                                           reuse.models)
    new.__dict__["_papers"] = patch_papers(old_papers, now, positions(new), reuse.boards,
                                           reuse.papers)
    new.__dict__["_neighbours"] = patch_neighbours(old_met, reuse.old_views, reuse.new_views)
    new_models, new_met = all_models(new), all_neighbours(new)
    renamed = set()
    for key in reuse.models:
        before, after = reuse.was_models[key], new_models.get(key)
        if before is None or after is None or before.name != after.name:
            renamed.add(key)
    for key in renamed:  # a model's name shows on the pages of the models beside it
        reuse.models |= (was_met[key] or {}).keys() | new_met.get(key, {}).keys()
    return reuse


def _inherit(old: Project, new: Project, reuse: Reuse, both: list[tuple[Task, Task]]) -> None:
    """Fill in the new project's views, positions, task tree, leaderboards by dataset and
    counts from the old one's, where the change left their shape as it was (``Reuse``).
    The dicts are taken over and changed in place, not copied: a copy would touch each
    leaderboard's view, and the old project is not used again (``reuse.was`` keeps its
    views of the leaderboards touched)."""
    if reuse.same_order:
        now = views_by_key(old)
        for _, task in both:
            for lb in task.leaderboards:
                key = key_of(lb)
                reuse.was.setdefault(key, now[key])
                now[key] = views.leaderboard_view(lb)
        new.__dict__["_views"] = now
        new.__dict__["_positions"] = positions(old)
    if reuse.same_shape:
        children, on_datasets = children_of(old), boards_by_dataset(old)
        for o, n in both:
            for parent in n.parents or [""]:
                children[parent] = [n if t is o else t for t in children[parent]]
            for old_lb, lb in zip(o.leaderboards, n.leaderboards):
                if lb.dataset:
                    on_datasets[lb.dataset] = [lb if x is old_lb else x
                                               for x in on_datasets[lb.dataset]]
        new.__dict__["_children"], new.__dict__["_boards_by_dataset"] = children, on_datasets
    if reuse.same_order:
        new.__dict__["_titles"] = task_titles(old)
    if reuse.same_counts:
        new.__dict__["_empty"] = empty_tasks(old)
        new.__dict__["_counts"] = dict(counts(old), datasets=len(new.datasets))
        swap = {id(o): n for o, n in both}
        new.__dict__["_areas"] = [
            Area(a.name, a.anchor, [swap.get(id(t), t) for t in a.roots], a.tasks,
                 a.leaderboards, a.results) for a in project_areas(old)]
        now = views_by_key(new)
        new.__dict__["_busiest"] = [now[key_of(v)] for v in busiest(old)]


def site_files(project: Project, site_url: str = "", templates_dir: Path | None = None,
               site_name: str = "Leaderboards", reuse: Reuse | None = None,
               memo: Memo | None = None) -> dict[str, str]:
    """The files the site carries besides its pages: the exports under data/ with the JSON
    schema, the models' results for the compare page (data/models.json), a badge per ranked
    result under badges/, and the Atom feed feed.xml.  ``reuse``: a leaderboard's exports
    and badges that a change did not touch are the previous build's; ``memo`` is filled
    for the next rebuild (``Memo``)."""
    from . import render

    before = reuse.memo if reuse is not None else None
    memo = memo if memo is not None else Memo()
    views_of = views_by_key(project)
    if reuse is not None and reuse.old is not None:
        # the previous build's, taken over and changed in place: a copy would touch each
        # of its tens of thousands of texts
        files = reuse.files
        made = _board_files(project, reuse, files, templates_dir)
    else:
        files, made = {}, None
        for lb in project.leaderboards:
            for fmt in exports.FORMATS:
                files[site_file(lb, fmt)] = exports.exports_of(lb, project, fmt, templates_dir)
        for view in views_of.values():
            for row in view.rows:
                badge = result_badge(view, row)
                if badge:
                    files[badge_path(view, row)] = render.render(
                        "result_badge.svg.j2", templates_dir, badge=badge)
        files["data/schema.json"] = resources.files("generator").joinpath("schema").joinpath(
            "export.schema.json").read_text("utf-8")
    if made is not None:  # what these were in the previous build
        for path in ("data/all.json", "data/models.json", "feed.xml"):
            made.setdefault(path, files.get(path))
    files["data/all.json"] = exports.all_json(
        project, memo.exported, before.exported if before else None,
        reuse.tasks | {board.partition("/")[0] for board in reuse.boards}
        if reuse is not None and reuse.old is not None else None, counts(project))
    titles = task_titles(project)
    files["data/models.json"] = compare_json(
        all_models(project), views_of, titles, memo, before,
        (reuse.boards, reuse.models) if reuse is not None and reuse.old is not None else None)
    entries = _feed(project, views_of, titles, memo, reuse)
    shown = (tuple(entries[:FEED_SIZE]), site_name, site_url)
    if before is not None and before.feed_xml is not None and before.feed_xml[0] == shown \
            and not render.overridden("site_feed.xml.j2", templates_dir):
        memo.feed_xml = before.feed_xml
    else:
        memo.feed_xml = (shown, render.render(
            "site_feed.xml.j2", templates_dir, entries=entries[:FEED_SIZE], title=site_name,
            base=site_url, updated=entries[0].updated if entries else "1970-01-01T00:00:00Z"))
    files["feed.xml"] = memo.feed_xml[1]
    if made is not None:
        reuse.files_changed = {path for path, was in made.items() if was is not files[path]}
    return files


def _board_files(project: Project, reuse: Reuse, files: dict[str, str],
                 templates_dir: Path | None) -> dict[str, str | None]:
    """A rebuild's exports and badges: those of the leaderboards touched (``reuse.boards``)
    made again in ``files`` (the previous build's) or taken out; returns the paths made,
    each with its text in the previous build (None: it had none)."""
    from . import render

    made: dict[str, str | None] = {}
    taken = set()
    before = views_by_key(reuse.old)  # taken over by the new project where ``reuse.was``
    for board in sorted(reuse.boards):
        view = reuse.was[board] if board in reuse.was else before.get(board)
        if view is not None:
            taken.update(site_file(view, fmt) for fmt in exports.FORMATS)
            taken.update(badge_path(view, row) for row in view.rows)
        lb = _board(project, board)
        if lb is None:
            continue
        for fmt in exports.FORMATS:
            path = site_file(lb, fmt)
            made.setdefault(path, files.get(path))
            files[path] = exports.exports_of(lb, project, fmt, templates_dir)
        view = views.leaderboard_view(lb)
        for row in view.rows:
            badge = result_badge(view, row)
            if badge:
                path = badge_path(view, row)
                made.setdefault(path, files.get(path))
                files[path] = render.render("result_badge.svg.j2", templates_dir, badge=badge)
    reuse.files_dropped = {path for path in taken - made.keys()
                           if files.pop(path, None) is not None}
    return made


def compare_json(found: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 titles: dict[str, str], memo: Memo | None = None, before: Memo | None = None,
                 touched: tuple[set[str], set[str]] | None = None) -> str:
    """data/models.json: ``compare_data`` as compact JSON (what ``json.dumps`` writes), made
    of a part per leaderboard and per model; ``memo`` is filled with them, and ``before``'s
    are taken over for the very same view or model (a model's, while the leaderboards are
    in the same order).  ``touched``: (leaderboards, models) a rebuild's change touched,
    when known: the others' parts are taken over without looking."""
    memo = memo if memo is not None else Memo()
    order = tuple(views_of)
    same_order = before is not None and before.compared_order == order

    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def board_part(key: str, v: views.LeaderboardView, done) -> tuple:
        title = titles.get(v.task_id, v.task_id)
        if done is None or done[0] is not v or done[1] != title:
            done = (v, title, dump([v.task_id, v.id, v.title, title,
                                    v.primary.label if v.primary else "", len(v.rows)]))
        return done
    index = None

    def model_part(key: str, model: Model, done) -> tuple:
        nonlocal index
        if done is not None and done[0] is model:
            return done
        if index is None:
            index = {k: i for i, k in enumerate(views_of)}
        best: dict[int, views.RowView] = {}
        for view, row in model.entries:
            i = index[key_of(view)]
            if i not in best or (row.index < best[i].index):
                best[i] = row
        return (model, dump(key) + ":" + dump({
            "name": model.name, "configurations": model.configurations, "results": [
                [i, row.display_name, row.cells[0].shown if row.cells else None, row.rank]
                for i, row in sorted(best.items())]}))
    memo.compared_order = order
    if touched is not None and same_order:
        boards, models_touched = touched
        memo.compared_boards = dict(before.compared_boards)
        for key in boards & views_of.keys():
            memo.compared_boards[key] = board_part(key, views_of[key],
                                                   memo.compared_boards.get(key))
        memo.compared_models = dict(before.compared_models)
        for key in models_touched:
            if key in found:
                memo.compared_models[key] = model_part(key, found[key],
                                                       memo.compared_models.get(key))
            else:
                memo.compared_models.pop(key, None)
        if list(memo.compared_models) != list(found):  # models came or went
            memo.compared_models = {key: memo.compared_models[key] for key in found}
    else:
        old_boards = before.compared_boards if before else {}
        old_models = before.compared_models if same_order else {}
        memo.compared_boards = {key: board_part(key, v, old_boards.get(key))
                                for key, v in views_of.items()}
        memo.compared_models = {key: model_part(key, model, old_models.get(key))
                                for key, model in found.items()}
    boards = [done[2] for done in memo.compared_boards.values()]
    parts = [done[1] for done in memo.compared_models.values()]
    return '{"boards":[' + ",".join(boards) + '],"models":{' + ",".join(parts) + "}}\n"


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
    return f"badges/{view.task_id}/{row.anchor}.svg"


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


def _feed(project: Project, views_of: dict[str, views.LeaderboardView],
          titles: dict[str, str], memo: Memo, reuse: "Reuse | None") -> list[FeedEntry]:
    """``feed_entries`` once per loaded project (home and feed.xml both need them); a rebuild
    takes the previous project's, with the entries of the leaderboards touched replaced."""
    before = reuse.memo if reuse is not None else None
    if before is None or reuse.old is None or "_feed" not in reuse.old.__dict__:
        return _once(project, "feed", lambda: feed_entries(
            list(views_of.values()), titles, memo.feed, before.feed if before else None))

    def patch():
        memo.feed.update(before.feed)
        entries = list(reuse.old.__dict__["_feed"])
        for board in sorted(reuse.boards):
            done = memo.feed.pop(board, None)
            for entry in done[2] if done else ():
                i = _slot(entries, (entry.date, entry.id))
                if i < len(entries) and entries[i] == entry:
                    del entries[i]
            view = views_of.get(board)
            if view is None:
                continue
            title = titles.get(view.task_id, view.task_id)
            own = _feed_entries(view, title)
            memo.feed[board] = (view, title, own)
            for entry in own:
                entries.insert(_slot(entries, (entry.date, entry.id)), entry)
        return entries
    return _once(project, "feed", patch)


def _slot(entries: list[FeedEntry], key: tuple[str, str]) -> int:
    """Where an entry of ``key`` (date, id) stands in ``entries``, newest first."""
    lo, hi = 0, len(entries)
    while lo < hi:
        mid = (lo + hi) // 2
        if (entries[mid].date, entries[mid].id) > key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def feed_entries(all_views: list[views.LeaderboardView], task_titles: dict[str, str],
                 memo: dict | None = None, before: dict | None = None) -> list[FeedEntry]:
    """Every dated result as a feed entry, newest first; a result that beat every earlier one
    on its leaderboard's primary metric is a 'new best'.  ``memo`` is filled with each
    leaderboard's entries (``Memo.feed``); those of ``before`` are taken over."""
    entries = []
    for view in all_views:
        title = task_titles.get(view.task_id, view.task_id)
        done = before.get(key_of(view)) if before else None
        if done is not None and done[0] is view and done[1] == title:
            own = done[2]
        else:
            own = _feed_entries(view, title)
        if memo is not None:
            memo[key_of(view)] = (view, title, own)
        entries += own
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    return entries


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
                updated=_rfc3339(row.date), href=f"tasks/{view.task_id}/{view.id}/#{row.anchor}",
                summary=f"{row.display_name} reached {view.primary.label} {shown} on {where}"
                        + (f", rank {row.rank} of {len(view.rows)}" if row.rank else ""),
                date=row.date, record=record))
    return entries


@dataclass
class Area:
    """A research area and its tasks (``Task.area``, a subtask's taken from its parent); the
    tasks of no area are in one called ``OTHER``."""
    name: str
    anchor: str
    roots: list[Task]  # its tasks that are nobody's subtask, whose trees the index draws
    tasks: int
    leaderboards: int
    results: int


OTHER = "Other tasks"
HOME_FULL_LEADERBOARDS = 50  # up to this many, the home page lists every leaderboard's best


def areas(project: Project) -> list[Area]:
    """The areas by name (``OTHER`` last), each with its counts; empty when no task has one."""
    if not any(t.area for t in project.tasks):
        return []
    found: dict[str, Area] = {}
    for task in project.tasks:
        name = project.area_of(task) or OTHER
        area = found.setdefault(name, Area(name, "area-" + (ids.slug(name) or "other"), [], 0, 0, 0))
        area.tasks += 1
        area.leaderboards += len(task.leaderboards)
        area.results += sum(len(lb.results) for lb in task.leaderboards)
        if not task.parents:
            area.roots.append(task)
    return sorted(found.values(), key=lambda a: (a.name == OTHER, a.name.casefold()))


def datasets_by_area(project: Project, boards_by_dataset: dict[str, list[Leaderboard]]
                     ) -> list[tuple[str, str, list[Dataset]]]:
    """(area, anchor, datasets) with each dataset under the area of the first task that uses
    it, in the order of ``areas``; one group named '' when no task has an area. Datasets no
    leaderboard uses are left to the caller (``project.datasets`` minus these)."""
    names = [a.name for a in areas(project)]
    groups: dict[str, list[Dataset]] = {name: [] for name in names or [""]}
    for dataset in project.datasets.values():
        boards = boards_by_dataset.get(dataset.id)
        if not boards:
            continue
        task = project.task(boards[0].task_id)
        area = (project.area_of(task) or OTHER) if names and task else (OTHER if names else "")
        groups.setdefault(area, []).append(dataset)
    return [(name, "area-" + (ids.slug(name) or "other"), found)
            for name, found in groups.items() if found]


def subtree_results(project: Project, children: dict[str, list[Task]]) -> dict[str, int]:
    """Results of each task with all its subtasks (the indexes fold tasks with none)."""
    memo: dict[str, int] = {}

    def count(task: Task, seen: frozenset) -> int:
        if task.id in memo:
            return memo[task.id]
        total = sum(len(lb.results) for lb in task.leaderboards)
        for sub in children.get(task.id, []):
            if sub.id not in seen:
                total += count(sub, seen | {sub.id})
        memo[task.id] = total
        return total
    for task in project.tasks:
        count(task, frozenset({task.id}))
    return memo


# A task page shows its leaderboards in full up to these sizes, and past them becomes an
# overview (each leaderboard's best result and a link to its own page), so that no page grows
# with the number of leaderboards: the seed's semantic segmentation (7 leaderboards, 58
# results) reads well on one page; the archive's Atari Games (62 leaderboards) did not.
FULL_TASK_LEADERBOARDS = 10
FULL_TASK_RESULTS = 300


def is_overview(task: Task) -> bool:
    return (len(task.leaderboards) > FULL_TASK_LEADERBOARDS
            or sum(len(lb.results) for lb in task.leaderboards) > FULL_TASK_RESULTS)


def site_pages(project: Project, home_intro: str = "", templates_dir: Path | None = None,
               edit_base: str | None = None, reuse: Reuse | None = None,
               memo: Memo | None = None) -> dict[str, str]:
    """Every generated page of the site: {path relative to docs: markdown text}.
    ``templates_dir``: a folder whose templates replace the shipped ones of the same name;
    ``edit_base``: the address under which the data folder's files are edited
    (``https://github.com/OWNER/REPO/edit/main/data/``), for "Edit this leaderboard" links;
    ``reuse``: the previous build's pages, for those of the tasks, datasets, papers and
    models a change did not touch (``touched``), and the index pages that show the same
    as before; ``memo`` is filled for the next rebuild (``Memo``)."""
    from . import render

    before = reuse.memo if reuse is not None else None
    memo = memo if memo is not None else Memo()
    patching = reuse is not None and reuse.old is not None
    views_of = views_by_key(project)
    found_papers, found_models = all_papers(project), all_models(project)
    titles = task_titles(project)
    by_dataset = boards_by_dataset(project)
    context = dict(project=project, children=children_of(project),
                   boards_by_dataset=by_dataset, tasks_by_id=tasks_by_id(project),
                   papers=found_papers, models=found_models, views=views_of,
                   areas=project_areas(project), empty_tasks=empty_tasks(project))
    met = all_neighbours(project)
    feed = _feed(project, views_of, titles, memo, reuse)
    home = dict(
        full_home=len(views_of) <= HOME_FULL_LEADERBOARDS,
        busiest=busiest(project),
        new_bests=list(itertools.islice((e for e in feed if e.record), 10)))
    # a rebuild takes over the previous build's pages and changes them in place (a copy
    # would touch each of its hundred thousand texts)
    pages: dict[str, str] = reuse.pages if patching else {}

    def page(path: str, template: str, **extra) -> None:
        if reuse is not None:
            reuse.rendered.add(path)
            if path not in pages:
                reuse.added.add(path)
        pages[path] = render.render(template, templates_dir, root=root_of(path), **context,
                                    **extra)

    def index(path: str, template: str, shows, same: bool = False, more=dict,
              **extra) -> None:
        """An index page, taken from the last build if it shows the same of the data
        (``shows()``, what its template reads; ``same``: the change left all that as it
        was) and its template is not overridden; ``more()``: more of what it is drawn
        from, worked out only if it is drawn."""
        if render.overridden(template, templates_dir):  # it may show anything
            page(path, template, **extra, **more())
            return
        done = before.indexes.get(path) if before else None
        if done is not None and same:
            key = done[0]
        else:
            key = shows()
        if done is not None and done[0] == key:
            pages[path] = done[1]
        else:
            page(path, template, **extra, **more())
        memo.indexes[path] = (key, pages[path])

    def task_pages(task: Task) -> list[str]:
        edit_url = f"{edit_base}tasks/{task.id}.yml" if edit_base else None
        boards = []
        for lb in task.leaderboards:
            view = views_of[key_of(lb)]
            boards.append(SiteBoard(view, project.datasets.get(lb.dataset) if lb.dataset else None,
                                    progress(view), downloads(view), edit_url))
        page(task_path(task), "site_task.md.j2", task=task, boards=boards,
             overview=is_overview(task), task_edit_url=edit_url)
        for board in boards:
            page(leaderboard_path(board.view), "site_leaderboard.md.j2", task=task, board=board)
        return [task_path(task), *(leaderboard_path(lb) for lb in task.leaderboards)]

    def dataset_page(dataset: Dataset) -> None:
        page(dataset_path(dataset), "site_dataset.md.j2", dataset=dataset,
             boards=by_dataset.get(dataset.id, []))

    def paper_page(paper: Paper) -> None:
        page(paper_path(paper.key), "site_paper.md.j2", paper=paper)

    def model_page(model: Model) -> None:
        page(model_path(model.key), "site_model.md.j2", model=model,
             rivals=rivals_of(model.key, found_models, met))

    areas_shown = tuple((a.name, a.anchor, a.tasks, a.leaderboards, a.results)
                        for a in context["areas"])
    if home["full_home"]:  # every leaderboard's best: made anew
        page("index.md", "site_home.md.j2", intro=home_intro, **home)
    else:
        index("index.md", "site_home.md.j2", lambda: (
            home_intro, tuple(counts(project).items()), areas_shown,
            tuple((v, titles.get(v.task_id)) for v in home["busiest"]),
            tuple(home["new_bests"])), intro=home_intro, **home)
    index("tasks/index.md", "site_tasks_index.md.j2", lambda: (
        tuple((a.name, a.anchor, a.tasks, a.leaderboards, a.results, tuple(t.id for t in a.roots))
              for a in context["areas"]),
        tuple((parent, tuple(t.id for t in subs)) for parent, subs in context["children"].items()),
        context["empty_tasks"],
        tuple((t.id, t.title, len(t.leaderboards), sum(len(lb.results) for lb in t.leaderboards))
              for t in project.tasks)), same=patching and reuse.same_counts)
    groups = functools.cache(lambda: datasets_by_area(project, by_dataset))
    index("datasets/index.md", "site_datasets_index.md.j2", lambda: (
        tuple((name, anchor, tuple(d.id for d in found)) for name, anchor, found in groups()),
        tuple((d.id, d.name) for d in project.datasets.values()),
        tuple((dataset, tuple((lb.task_id, len(lb.results)) for lb in boards))
              for dataset, boards in by_dataset.items()),
        tuple((t.id, t.title) for t in project.tasks)), more=lambda: dict(groups=groups()),
        same=patching and reuse.same_counts and _same_datasets(reuse, project))

    def papers_index() -> None:
        index("papers/index.md", "site_papers_index.md.j2", lambda: tuple(
            (p.key, p.name, p.date, len(p.entries)) for p in found_papers.values()),
            same=patching and _same_entries(reuse.papers, reuse.was_papers, found_papers,
                                            lambda p: (p.name, p.date, len(p.entries))))

    def models_index() -> None:
        index("models/index.md", "site_models_index.md.j2", lambda: tuple(
            (m.key, m.name, m.boards, m.firsts) for m in found_models.values()),
            same=patching and _same_entries(reuse.models, reuse.was_models, found_models,
                                            lambda m: (m.name, m.boards, m.firsts)))
    if patching:
        _patch_pages(project, reuse, pages, task_pages, dataset_page, paper_page, model_page)
        papers_index()
        models_index()
    else:  # in the order of the site
        positions(project)  # for the rebuilds, which patch the models and papers
        for task in project.tasks:
            task_pages(task)
        for dataset in project.datasets.values():
            dataset_page(dataset)
        papers_index()
        for paper in found_papers.values():
            paper_page(paper)
        models_index()
        for model in found_models.values():
            model_page(model)
    index("compare.md", "site_compare.md.j2", lambda: ())
    if patching and (not reuse.same_order or reuse.added):
        pages = _in_order(pages, project, found_papers, found_models)  # moved or added
    return pages


def _same_datasets(reuse: Reuse, project: Project) -> bool:
    """Whether no dataset was added, removed or renamed."""
    old = reuse.old.datasets
    return all((d in old) == (d in project.datasets)
               and (d not in old or old[d].name == project.datasets[d].name)
               for d in reuse.datasets)


def _same_entries(keys: set[str], was: dict, now: dict, shows) -> bool:
    """Whether the papers or models ``keys`` are all still there (or all still gone), each
    showing the same on the index; ``was``: those patched, as they were (None: absent),
    the others are as ``now``."""
    for key in keys:
        before, after = was[key] if key in was else now.get(key), now.get(key)
        if (before is None) != (after is None) \
                or (after is not None and shows(before) != shows(after)):
            return False
    return True


def _patch_pages(project: Project, reuse: Reuse, pages: dict[str, str], task_pages,
                 dataset_page, paper_page, model_page) -> None:
    """A rebuild's pages: those of the tasks, datasets, papers and models a change touched
    made again in ``pages`` (the previous build's), the pages of the gone taken out."""
    old_ids, new_ids = tasks_by_id(reuse.old), tasks_by_id(project)
    found_papers, found_models = all_papers(project), all_models(project)
    gone = []
    for task_id in sorted(reuse.tasks):
        made = task_pages(new_ids[task_id]) if task_id in new_ids else []
        before = old_ids.get(task_id)
        if before is not None:
            gone += [p for p in (task_path(before), *(leaderboard_path(lb)
                                                     for lb in before.leaderboards))
                     if p not in made]
    for key in sorted(reuse.datasets):
        if key in project.datasets:
            dataset_page(project.datasets[key])
        else:
            gone.append(dataset_path(key))
    for key in sorted(reuse.papers):
        if key in found_papers:
            paper_page(found_papers[key])
        else:
            gone.append(paper_path(key))
    for key in sorted(reuse.models):
        if key in found_models:
            model_page(found_models[key])
        else:
            gone.append(model_path(key))
    for path in gone:
        if pages.pop(path, None) is not None:
            reuse.dropped.add(path)


def _in_order(pages: dict[str, str], project: Project, found_papers: dict[str, Paper],
              found_models: dict[str, Model]) -> dict[str, str]:
    """``pages`` in the order a clean build makes them."""
    order = ["index.md", "tasks/index.md", "datasets/index.md"]
    for task in project.tasks:
        order += [task_path(task), *(leaderboard_path(lb) for lb in task.leaderboards)]
    order += [dataset_path(d) for d in project.datasets.values()]
    order.append("papers/index.md")
    order += [paper_path(key) for key in found_papers]
    order.append("models/index.md")
    order += [model_path(key) for key in found_models]
    order.append("compare.md")
    return {path: pages[path] for path in order}
