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

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import exports, views
from .chart import Chart, progress
from .model import Dataset, Leaderboard, Project, Task

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


def key_of(lb: Leaderboard | views.LeaderboardView) -> str:
    """A leaderboard's key in ``views``: TASK/LEADERBOARD."""
    return f"{lb.task_id}/{lb.id}"


def site_files(project: Project, site_url: str = "", templates_dir: Path | None = None,
               site_name: str = "Leaderboards") -> dict[str, str]:
    """The files the site carries besides its pages: the exports under data/ with the JSON
    schema, a badge per ranked result under badges/, and the Atom feed feed.xml."""
    from . import render

    files = {"data/all.json": exports.all_json(project)}
    for lb in project.leaderboards:
        for fmt in exports.FORMATS:
            files[site_file(lb, fmt)] = exports.exports_of(lb, project, fmt, templates_dir)
    files["data/schema.json"] = resources.files("generator").joinpath("schema").joinpath(
        "export.schema.json").read_text("utf-8")
    all_views = [views.leaderboard_view(lb) for lb in project.leaderboards]
    for view in all_views:
        for row in view.rows:
            badge = result_badge(view, row)
            if badge:
                files[badge_path(view, row)] = render.render("result_badge.svg.j2", templates_dir,
                                                             badge=badge)
    titles = {t.id: t.title for t in project.tasks}
    entries = feed_entries(all_views, titles)
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


def _rfc3339(date: str) -> str:
    parts = (date.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def feed_entries(all_views: list[views.LeaderboardView], task_titles: dict[str, str]) -> list[FeedEntry]:
    """Every dated result as a feed entry, newest first; a result that beat every earlier one
    on its leaderboard's primary metric is a 'new best'."""
    entries = []
    for view in all_views:
        if view.primary is None:
            continue
        lower = view.primary.lower_is_better
        best = None
        for row in sorted((r for r in view.rows if r.date), key=lambda r: (r.date, r.index)):
            value = row.cells[0].number
            record = value is not None and (best is None or (value < best if lower else value > best))
            best = value if record else best
            shown = row.cells[0].shown or "N/A"
            where = f"{view.title} ({task_titles.get(view.task_id, view.task_id)})"
            entries.append(FeedEntry(
                id=f"tag:leaderboards.invalid,{row.date[:4]}:{view.task_id}/{row.anchor}",
                title=f"{'New best' if record else 'New result'}: {row.display_name}, "
                      f"{view.primary.label} {shown} on {where}",
                updated=_rfc3339(row.date), href=f"tasks/{view.task_id}/#{row.anchor}",
                summary=f"{row.display_name} reached {view.primary.label} {shown} on {where}"
                        + (f", rank {row.rank} of {len(view.rows)}" if row.rank else ""),
                date=row.date))
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    return entries


def site_pages(project: Project, home_intro: str = "",
               templates_dir: Path | None = None) -> dict[str, str]:
    """Every generated page of the site: {path relative to docs: markdown text}.
    ``templates_dir``: a folder whose templates replace the shipped ones of the same name."""
    from . import render

    children: dict[str, list[Task]] = {}
    for task in project.tasks:
        for parent in task.parents or [""]:
            children.setdefault(parent, []).append(task)
    boards_by_dataset: dict[str, list[Leaderboard]] = {}
    for lb in project.leaderboards:
        if lb.dataset:
            boards_by_dataset.setdefault(lb.dataset, []).append(lb)
    views_of = {key_of(lb): views.leaderboard_view(lb) for lb in project.leaderboards}
    all_papers = papers(project, views_of)
    context = dict(project=project, children=children, boards_by_dataset=boards_by_dataset,
                   tasks_by_id={t.id: t for t in project.tasks}, papers=all_papers,
                   views=views_of)
    pages: dict[str, str] = {}

    def page(path: str, template: str, **extra) -> None:
        pages[path] = render.render(template, templates_dir, root=root_of(path), **context,
                                    **extra)

    page("index.md", "site_home.md.j2", intro=home_intro)
    page("tasks/index.md", "site_tasks_index.md.j2")
    page("datasets/index.md", "site_datasets_index.md.j2")
    for task in project.tasks:
        boards = []
        for lb in task.leaderboards:
            view = views_of[key_of(lb)]
            boards.append(SiteBoard(view, project.datasets.get(lb.dataset) if lb.dataset else None,
                                    progress(view), downloads(view)))
        page(task_path(task), "site_task.md.j2", task=task, boards=boards)
    for dataset in project.datasets.values():
        page(dataset_path(dataset), "site_dataset.md.j2", dataset=dataset,
             boards=boards_by_dataset.get(dataset.id, []))
    page("papers/index.md", "site_papers_index.md.j2")
    for paper in all_papers.values():
        page(paper_path(paper.key), "site_paper.md.j2", paper=paper)
    return pages
