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

import posixpath
from dataclasses import dataclass

from markupsafe import Markup

from . import ranking, render
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


def metric_label(metric: Metric) -> str:
    return f"{metric.name} ({metric.unit})" if metric.unit else metric.name


def table_rows(lb: Leaderboard) -> list[Row]:
    """Rows in the default order (primary metric, best first), with ranks and best cells.

    Rank follows the primary metric: equal values share a rank (1, 2, 2, 4); a row
    without a primary value has none.  Sorting by another column keeps each row's rank.
    """
    best = {m.name: ranking.best_value(lb, m) for m in lb.metrics}
    rows, previous, rank = [], None, 0
    for index, result in enumerate(ranking.ordered(lb)):
        primary = result.values.get(lb.primary.name) if lb.primary else None
        if primary is None or not primary.finite:
            shown = "–"
        else:
            if previous is None or primary.number != previous:
                rank = index + 1
            previous = primary.number
            shown = str(rank)
        cells = []
        for metric in lb.metrics:
            value = result.values.get(metric.name)
            text = metric.format(value)
            if text is None:
                cells.append(Cell(None, ""))
            else:
                cells.append(Cell(text, repr(value.number),
                                  best=value.finite and value.number == best[metric.name]))
        rows.append(Row(shown, index, result, cells))
    return rows


def leaderboard_html(lb: Leaderboard, href) -> Markup:
    return Markup(render.render("leaderboard_table.html.j2", lb=lb, rows=table_rows(lb),
                                arrows=ARROWS, metric_label=metric_label, href=href))


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
    base = page_url(from_path) or "."

    def href(to_path: str, anchor: str = "") -> str:
        rel = posixpath.relpath(page_url(to_path) or ".", base)
        url = "./" if rel == "." else rel + "/"
        return url + (f"#{anchor}" if anchor else "")
    return href


def task_path(task: Task) -> str:
    return f"tasks/{task.id}.md"


def dataset_path(dataset: Dataset | str) -> str:
    return f"datasets/{dataset if isinstance(dataset, str) else dataset.id}.md"


def site_pages(project: Project, home_intro: str = "") -> dict[str, str]:
    """Every generated page of the site: {path relative to docs: markdown text}."""
    children: dict[str, list[Task]] = {}
    for task in project.tasks:
        children.setdefault(task.parent or "", []).append(task)
    boards_by_dataset: dict[str, list[Leaderboard]] = {}
    for lb in project.leaderboards:
        if lb.dataset:
            boards_by_dataset.setdefault(lb.dataset, []).append(lb)
    context = dict(project=project, children=children, boards_by_dataset=boards_by_dataset,
                   tasks_by_id={t.id: t for t in project.tasks},
                   leaderboard_html=leaderboard_html, best_result=best_result,
                   task_path=task_path, dataset_path=dataset_path, metric_label=metric_label,
                   arrows=ARROWS)

    def page(path: str, template: str, **extra) -> None:
        pages[path] = render.render(template, href=linker(path), **context, **extra)

    pages: dict[str, str] = {}
    page("index.md", "site_home.md.j2", intro=home_intro)
    page("tasks/index.md", "site_tasks_index.md.j2")
    page("datasets/index.md", "site_datasets_index.md.j2")
    for task in project.tasks:
        page(task_path(task), "site_task.md.j2", task=task)
    for dataset in project.datasets.values():
        page(dataset_path(dataset), "site_dataset.md.j2", dataset=dataset,
             boards=boards_by_dataset.get(dataset.id, []))
    return pages
