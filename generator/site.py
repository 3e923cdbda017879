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
    names: dict[str, dict[str, int]] = {}
    for lb in project.leaderboards:
        view = views_of[key_of(lb)]
        for row in view.rows:
            model = found.setdefault(row.model_key, Model(row.model_key, "", []))
            model.entries.append((view, row))
            counts = names.setdefault(row.model_key, {})
            base = views.model_name(row.model)
            counts[base] = counts.get(base, 0) + 1
    for key, model in found.items():
        model.name = max(names[key].items(), key=lambda item: item[1])[0]
    return dict(sorted(found.items()))


def rivals(all_models: dict[str, Model], views_of: dict[str, views.LeaderboardView],
           limit: int = 3) -> dict[str, list[Model]]:
    """For each model, the models it meets most often right beside it in the rankings (the
    row above or below, on any leaderboard): whom a reader would compare it with."""
    met: dict[str, dict[str, int]] = {}
    for view in views_of.values():
        keys = [row.model_key for row in view.rows]
        for a, b in zip(keys, keys[1:]):
            if a != b:
                met.setdefault(a, {})[b] = met.setdefault(a, {}).get(b, 0) + 1
                met.setdefault(b, {})[a] = met.setdefault(b, {}).get(a, 0) + 1
    return {key: [all_models[k] for k, _ in sorted(met.get(key, {}).items(),
                                                   key=lambda item: (-item[1], item[0]))[:limit]]
            for key in all_models}


def compare_data(all_models: dict[str, Model], views_of: dict[str, views.LeaderboardView],
                 titles: dict[str, str]) -> dict:
    """What the compare page reads (data/models.json): each leaderboard once, and each model's
    best row per leaderboard as [leaderboard index, configuration, value shown, rank]."""
    index = {key: i for i, key in enumerate(views_of)}
    boards = [[v.task_id, v.id, v.title, titles.get(v.task_id, v.task_id),
               v.primary.label if v.primary else "", len(v.rows)] for v in views_of.values()]
    out = {}
    for key, model in all_models.items():
        best: dict[int, views.RowView] = {}
        for view, row in model.entries:
            i = index[key_of(view)]
            if i not in best or (row.index < best[i].index):
                best[i] = row
        out[key] = {"name": model.name, "configurations": model.configurations, "results": [
            [i, row.display_name, row.cells[0].shown if row.cells else None, row.rank]
            for i, row in sorted(best.items())]}
    return {"boards": boards, "models": out}


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
    and the feed's entries."""
    cached = project.__dict__.get(f"_{name}")
    if cached is None:
        cached = project.__dict__[f"_{name}"] = make()
    return cached


def views_by_key(project: Project) -> dict[str, views.LeaderboardView]:
    """Every leaderboard's view by ``key_of``, once per loaded project."""
    return _once(project, "views", lambda: {key_of(lb): views.leaderboard_view(lb)
                                            for lb in project.leaderboards})


def key_of(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's key in ``views``: TASK/LEADERBOARD."""
    return f"{lb.task_id}/{lb.id}"


@dataclass
class Reuse:
    """What a rebuild (``mkdocs serve``) takes from the previous build: its pages and files,
    and what the change touched: the tasks, leaderboards (``key_of``), datasets, papers and
    models whose pages may read differently. Every other page and file is handed back as
    it was."""

    pages: dict[str, str]
    files: dict[str, str]
    tasks: set[str] = field(default_factory=set)
    boards: set[str] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    memo: "Memo | None" = None  # the previous build's


@dataclass
class Memo:
    """What a build worked out on the way to its pages and files that the next rebuild of
    `mkdocs serve` may take over, each kept with the objects it was made from (a data file
    that did not change is loaded as the same objects, ``pipeline.Memory``), so that it is
    used only for the very same inputs:

    - ``indexes``: an index page by path -> (what the page shows of the data, its text);
    - ``exported``: a task's part of data/all.json by task id -> (task, its datasets, JSON);
    - ``feed``: a leaderboard's feed entries by ``key_of`` -> (view, task title, entries)."""

    indexes: dict[str, tuple] = field(default_factory=dict)
    exported: dict[str, tuple] = field(default_factory=dict)
    feed: dict[str, tuple] = field(default_factory=dict)


def touched(old: Project, new: Project, changed: set[tuple[str, str]], pages: dict[str, str],
            files: dict[str, str]) -> Reuse:
    """What a change of the files ``changed`` ((kind, id) of each task or dataset file read
    again, added or gone) touches, from the project before (``old``) and after (``new``):

    - the leaderboards of a changed task, and those on a changed dataset;
    - their tasks, and each changed task's parents, children, ancestors and descendants
      (which show its title, its area and its results' count);
    - the datasets, papers and models of those leaderboards' rows, and the models shown
      beside a model whose name changed (its rivals);
    - the indexes, home, compare page and the files across the site, always (not here)."""
    reuse = Reuse(pages, files)
    tasks_changed = {i for kind, i in changed if kind == "task"}
    datasets_changed = {i for kind, i in changed if kind == "dataset"}
    reuse.datasets |= datasets_changed
    for project in (old, new):
        by_id = {t.id: t for t in project.tasks}
        children: dict[str, list[str]] = {}
        for task in project.tasks:
            for parent in task.parents:
                children.setdefault(parent, []).append(task.id)
        for task_id in tasks_changed & by_id.keys():
            reuse.tasks.add(task_id)
            for links in (lambda t: by_id[t].parents if t in by_id else [],
                          lambda t: children.get(t, [])):  # up, then down, all the way
                stack, seen = list(links(task_id)), set()
                while stack:
                    current = stack.pop()
                    if current not in seen:
                        seen.add(current)
                        stack += links(current)
                reuse.tasks |= seen
        for lb in project.leaderboards:
            if lb.task_id in tasks_changed or (lb.dataset and lb.dataset in datasets_changed):
                reuse.boards.add(key_of(lb))
                reuse.tasks.add(lb.task_id)
                if lb.dataset:
                    reuse.datasets.add(lb.dataset)
                for row in views.leaderboard_view(lb).rows:
                    reuse.models.add(row.model_key)
                    if row.paper:
                        reuse.papers.add(row.paper_key)
    renamed = set()
    old_models, new_models = (_once(p, "models", lambda p=p: models(p, views_by_key(p)))
                              for p in (old, new))
    for key in reuse.models:
        before, after = old_models.get(key), new_models.get(key)
        if before is None or after is None or before.name != after.name:
            renamed.add(key)
    if renamed:  # a model's name shows on the pages of the models beside it
        for project in (old, new):
            for lb in project.leaderboards:
                keys = [row.model_key for row in views.leaderboard_view(lb).rows]
                for a, b in zip(keys, keys[1:]):
                    if a in renamed:
                        reuse.models.add(b)
                    if b in renamed:
                        reuse.models.add(a)
    return reuse


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
    files = {"data/all.json": exports.all_json(project, memo.exported,
                                               before.exported if before else None)}
    kept = set()
    for lb in project.leaderboards:
        paths = [site_file(lb, fmt) for fmt in exports.FORMATS]
        if reuse is not None and key_of(lb) not in reuse.boards \
                and all(path in reuse.files for path in paths):
            kept.add(key_of(lb))
            for path in paths:
                files[path] = reuse.files[path]
            continue
        for fmt, path in zip(exports.FORMATS, paths):
            files[path] = exports.exports_of(lb, project, fmt, templates_dir)
    files["data/schema.json"] = resources.files("generator").joinpath("schema").joinpath(
        "export.schema.json").read_text("utf-8")
    views_of = views_by_key(project)
    for view in views_of.values():
        for row in view.rows:
            if key_of(view) in kept:
                path = badge_path(view, row)
                if path in reuse.files:
                    files[path] = reuse.files[path]
                continue
            badge = result_badge(view, row)
            if badge:
                files[badge_path(view, row)] = render.render("result_badge.svg.j2", templates_dir,
                                                             badge=badge)
    titles = {t.id: t.title for t in project.tasks}
    files["data/models.json"] = json.dumps(  # for the compare page; compact, C encoder
        compare_data(_once(project, "models", lambda: models(project, views_of)), views_of,
                     titles), ensure_ascii=False,
        separators=(",", ":")) + "\n"
    entries = _feed(project, views_of, titles, memo, before)
    files["feed.xml"] = render.render(
        "site_feed.xml.j2", templates_dir, entries=entries[:FEED_SIZE], title=site_name,
        base=site_url, updated=entries[0].updated if entries else "1970-01-01T00:00:00Z")
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
          titles: dict[str, str], memo: Memo, before: Memo | None) -> list[FeedEntry]:
    """``feed_entries`` once per loaded project (home and feed.xml both need them)."""
    return _once(project, "feed", lambda: feed_entries(
        list(views_of.values()), titles, memo.feed, before.feed if before else None))


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

    children: dict[str, list[Task]] = {}
    for task in project.tasks:
        for parent in task.parents or [""]:
            children.setdefault(parent, []).append(task)
    boards_by_dataset: dict[str, list[Leaderboard]] = {}
    for lb in project.leaderboards:
        if lb.dataset:
            boards_by_dataset.setdefault(lb.dataset, []).append(lb)
    views_of = views_by_key(project)
    all_papers = papers(project, views_of)
    all_models = _once(project, "models", lambda: models(project, views_of))
    titles = {t.id: t.title for t in project.tasks}
    context = dict(project=project, children=children, boards_by_dataset=boards_by_dataset,
                   tasks_by_id={t.id: t for t in project.tasks}, papers=all_papers,
                   models=all_models, views=views_of, areas=areas(project),
                   empty_tasks={key for key, n in subtree_results(project, children).items()
                                if n == 0})
    home = dict(
        full_home=len(views_of) <= HOME_FULL_LEADERBOARDS,
        busiest=sorted(views_of.values(), key=lambda v: (-len(v.rows), v.task_id, v.id))[:10],
        new_bests=[e for e in _feed(project, views_of, titles, memo, before) if e.record][:10])
    pages: dict[str, str] = {}

    def page(path: str, template: str, **extra) -> None:
        pages[path] = render.render(template, templates_dir, root=root_of(path), **context,
                                    **extra)

    def index(path: str, template: str, shows, **extra) -> None:
        """An index page, taken from the last build if it shows the same of the data
        (``shows()``, what its template reads) and its template is not overridden."""
        if render.overridden(template, templates_dir):  # it may show anything
            page(path, template, **extra)
            return
        key = shows()
        done = before.indexes.get(path) if before else None
        if done is not None and done[0] == key:
            pages[path] = done[1]
        else:
            page(path, template, **extra)
        memo.indexes[path] = (key, pages[path])

    def kept_one(path: str) -> bool:
        """The previous build's page at ``path``, if it has one (``kept`` for one page)."""
        text = reuse.pages.get(path)
        if text is None:
            return False
        pages[path] = text
        return True

    def kept(paths: list[str], untouched: bool) -> bool:
        """The previous build's pages at ``paths``, when the change did not touch them."""
        if reuse is None or not untouched or not all(p in reuse.pages for p in paths):
            return False
        pages.update((p, reuse.pages[p]) for p in paths)
        return True

    page("index.md", "site_home.md.j2", intro=home_intro, **home)
    index("tasks/index.md", "site_tasks_index.md.j2", lambda: (
        tuple((a.name, a.anchor, a.tasks, a.leaderboards, a.results, tuple(t.id for t in a.roots))
              for a in context["areas"]),
        tuple((parent, tuple(t.id for t in subs)) for parent, subs in children.items()),
        frozenset(context["empty_tasks"]),
        tuple((t.id, t.title, len(t.leaderboards), sum(len(lb.results) for lb in t.leaderboards))
              for t in project.tasks)))
    groups = datasets_by_area(project, boards_by_dataset)
    index("datasets/index.md", "site_datasets_index.md.j2", lambda: (
        tuple((name, anchor, tuple(d.id for d in found)) for name, anchor, found in groups),
        tuple((d.id, d.name) for d in project.datasets.values()),
        tuple((dataset, tuple((lb.task_id, len(lb.results)) for lb in boards))
              for dataset, boards in boards_by_dataset.items()),
        tuple((t.id, t.title) for t in project.tasks)), groups=groups)
    for task in project.tasks:
        if kept([task_path(task), *(leaderboard_path(lb) for lb in task.leaderboards)],
                reuse is not None and task.id not in reuse.tasks):
            continue
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
    for dataset in project.datasets.values():
        if reuse is not None and dataset.id not in reuse.datasets and kept_one(dataset_path(dataset)):
            continue
        page(dataset_path(dataset), "site_dataset.md.j2", dataset=dataset,
             boards=boards_by_dataset.get(dataset.id, []))
    index("papers/index.md", "site_papers_index.md.j2", lambda: tuple(
        (p.key, p.name, p.date, len(p.entries)) for p in all_papers.values()))
    for paper in all_papers.values():
        if reuse is not None and paper.key not in reuse.papers and kept_one(paper_path(paper.key)):
            continue
        page(paper_path(paper.key), "site_paper.md.j2", paper=paper)
    index("models/index.md", "site_models_index.md.j2", lambda: tuple(
        (m.key, m.name, m.boards, m.firsts) for m in all_models.values()))
    met = rivals(all_models, views_of)
    for model in all_models.values():
        if reuse is not None and model.key not in reuse.models and kept_one(model_path(model.key)):
            continue
        page(model_path(model.key), "site_model.md.j2", model=model, rivals=met[model.key])
    page("compare.md", "site_compare.md.j2")
    return pages
