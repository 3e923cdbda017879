"""Output: the website's generated pages, as markdown files with HTML bodies.

``site_pages`` returns {path: text} for every generated page: home, the task
and dataset indexes, one page per task and per dataset.  Any builder that
reads mkdocs.yml can use them: MkDocs gets them through the thin hook in
``mkdocs_hook.py``; ``python -m generator pages --out DIR`` writes them for
the others.  Nothing here imports MkDocs.

Tables are drawn as HTML by ``templates/leaderboard_table.html.j2`` and prose
fields are rendered by markdown-it-py with raw HTML disabled, so Python-Markdown
only sees headings and opaque HTML blocks: fast to build, and a data file
cannot inject markup.
"""
from __future__ import annotations

from html import escape as html_escape
from dataclasses import dataclass

from markupsafe import Markup

import re

from . import exports, ranking, render
from .render import raw
from .chart import progress
from .model import Dataset, Leaderboard, Metric, Project, Result, Task

ARROWS = {"higher": "↑", "lower": "↓"}
# --- the table view ---------------------------------------------------------

@dataclass
class Cell:
    text: str | None  # None = N/A
    sort: str  # data-sort value ("" = N/A)
    best: bool = False


@dataclass
class Row:
    rank: str
    index: int
    result: Result
    cells: list[Cell]
    anchor: str  # the row's permalink id
    primary: str  # the primary value for ranking in the browser ("" = N/A)


def metric_label(metric: Metric) -> str:
    return f"{metric.name} ({metric.unit})" if metric.unit else metric.name


def table_rows(lb: Leaderboard) -> list[Row]:
    """Rows in the default order (primary metric, best first), with ranks and best cells.

    Sorting by another column keeps each row's rank (ranking.ranked).
    """
    best = {m.name: ranking.best_value(lb, m) for m in lb.metrics}
    rows, used = [], set()
    for index, (result, rank) in enumerate(ranking.ranked(lb)):
        base = f"{lb.id}--" + (re.sub(r"[^a-z0-9]+", "-", result.display_name.lower()).strip("-")
                               or "result")
        anchor, n = base, 1
        while anchor in used:  # the same name twice (e.g. two implementations)
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        cells = []
        for metric in lb.metrics:
            value = result.values.get(metric.name)
            text = metric.format(value)
            if text is None:
                cells.append(Cell(None, ""))
            else:
                cells.append(Cell(text, repr(value.number),
                                  best=value.finite and value.number == best[metric.name]))
        primary = result.values.get(lb.primary.name) if lb.primary else None
        rows.append(Row("–" if rank is None else str(rank), index, result, cells, anchor,
                        repr(primary.number) if primary is not None and primary.finite else ""))
    return rows


def leaderboard_html(lb: Leaderboard, href, rows: list[Row] | None = None) -> Markup:
    names = " · ".join(dict.fromkeys(r.display_name for r in lb.results))
    rows = table_rows(lb) if rows is None else rows
    table = render.render("leaderboard_table.html.j2", lb=lb, rows=rows, arrows=ARROWS,
                          metric_label=metric_label, href=href, paper_path=paper_path)
    search = Markup(f'<p class="lb-search-terms" hidden>{html_escape(names)}</p>\n\n') \
        if names else Markup("")
    return search + raw(table)


def chart_html(lb: Leaderboard) -> Markup:
    chart = progress(lb, ranking.ordered(lb))
    if chart is None:
        return Markup("")
    return raw(render.render("progress_chart.svg.j2", chart=chart, lb=lb))


def best_result(lb: Leaderboard) -> tuple[Result, str] | None:
    if lb.primary is None:
        return None
    for result in ranking.ordered(lb):
        text = lb.primary.format(result.values.get(lb.primary.name))
        if text is not None:
            return result, text
    return None


# --- pages ------------------------------------------------------------------

def page_url(path: str) -> str:
    """The directory URL of a page: tasks/x.md -> tasks/x/, index.md -> '' (use_directory_urls)."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def linker(from_path: str):
    """href(to_path): a relative link from one generated page to another."""
    depth = page_url(from_path).count("/")
    prefix = "../" * depth

    def href(to_path: str, anchor: str = "") -> str:
        url = prefix + page_url(to_path)
        return (url or "./") + (f"#{anchor}" if anchor else "")
    return href


def file_href(from_path: str, to_file: str) -> str:
    """A relative link from a generated page to a file of the site (an export)."""
    return "../" * page_url(from_path).count("/") + to_file


def task_path(task: Task) -> str:
    return f"tasks/{task.id}.md"


def dataset_path(dataset: Dataset | str) -> str:
    return f"datasets/{dataset if isinstance(dataset, str) else dataset.id}.md"


def paper_path(key: str) -> str:
    return f"papers/{key}.md"


@dataclass
class Paper:
    key: str
    url: str
    title: str | None
    date: str | None
    entries: list[tuple[Leaderboard, Row, int]]  # leaderboard, its row, results on it

    @property
    def date_sort(self) -> str:
        return self.date or ""

    @property
    def name(self) -> str:
        if self.title:
            return self.title
        return "arXiv:" + self.key[len("arxiv-"):] if self.key.startswith("arxiv-") else self.url


def papers(project: Project, rows_of: dict[int, list[Row]] | None = None) -> dict[str, Paper]:
    """Every paper with its results across leaderboards, keyed by paper_key, sorted by key.

    ``rows_of`` (id(leaderboard) -> its table rows) reuses rows computed already."""
    found: dict[str, Paper] = {}
    for lb in project.leaderboards:
        rows = rows_of[id(lb)] if rows_of else table_rows(lb)
        for row in rows:
            r = row.result
            if not r.paper:
                continue
            paper = found.setdefault(r.paper_key, Paper(r.paper_key, r.paper, None, None, []))
            paper.title = paper.title or r.paper_title
            paper.date = paper.date or r.effective_date
            paper.entries.append((lb, row, len(rows)))
    return dict(sorted(found.items()))


def site_file(lb: Leaderboard, fmt: str) -> str:
    """Where the site keeps a leaderboard's export.  Markdown is stored as .md.txt: builders
    would render a .md file as a page (the download link names it .md again)."""
    path = "data/" + exports.leaderboard_file(lb, fmt)
    return path + ".txt" if fmt == "markdown" else path


def site_files(project: Project) -> dict[str, str]:
    """The exports the site carries under data/, with the JSON schema."""
    from importlib import resources
    files = {"data/all.json": exports.all_json(project)}
    for lb in project.leaderboards:
        for fmt in exports.FORMATS:
            files[site_file(lb, fmt)] = exports.exports_of(lb, project, fmt)
    files["data/schema.json"] = resources.files("generator").joinpath("schema").joinpath(
        "export.schema.json").read_text("utf-8")
    return files


def site_pages(project: Project, home_intro: str = "") -> dict[str, str]:
    """Every generated page of the site: {path relative to docs: markdown text}."""
    children: dict[str, list[Task]] = {}
    for task in project.tasks:
        for parent in task.parents or [""]:
            children.setdefault(parent, []).append(task)
    boards_by_dataset: dict[str, list[Leaderboard]] = {}
    for lb in project.leaderboards:
        if lb.dataset:
            boards_by_dataset.setdefault(lb.dataset, []).append(lb)
    rows_of = {id(lb): table_rows(lb) for lb in project.leaderboards}
    all_papers = papers(project, rows_of)
    context = dict(project=project, children=children, boards_by_dataset=boards_by_dataset,
                   tasks_by_id={t.id: t for t in project.tasks}, papers=all_papers,
                   leaderboard_html=lambda lb, href: leaderboard_html(lb, href, rows_of[id(lb)]),
                   chart_html=chart_html,
                   best_result=best_result, task_path=task_path, dataset_path=dataset_path,
                   paper_path=paper_path, metric_label=metric_label, arrows=ARROWS,
                   site_file=site_file, export_file=exports.leaderboard_file)

    def page(path: str, template: str, **extra) -> None:
        pages[path] = render.render(template, href=linker(path),
                                    file_href=lambda f: file_href(path, f), **context, **extra)

    pages: dict[str, str] = {}
    page("index.md", "site_home.md.j2", intro=home_intro)
    page("tasks/index.md", "site_tasks_index.md.j2")
    page("datasets/index.md", "site_datasets_index.md.j2")
    for task in project.tasks:
        page(task_path(task), "site_task.md.j2", task=task)
    for dataset in project.datasets.values():
        page(dataset_path(dataset), "site_dataset.md.j2", dataset=dataset,
             boards=boards_by_dataset.get(dataset.id, []))
    page("papers/index.md", "site_papers_index.md.j2")
    for paper in all_papers.values():
        page(paper_path(paper.key), "site_paper.md.j2", paper=paper)
    return pages
