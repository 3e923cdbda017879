"""Output: the data as files others can use -- JSON, CSV, LaTeX (booktabs) and markdown.

``exports(project, formats)`` returns {relative path: text}; the ``export``
command writes them into a folder and the site carries them under ``data/``.
JSON files validate against ``generator/schema/export.schema.json``.
Output is deterministic: no timestamps, keys in a fixed order.
"""
from __future__ import annotations

import csv
import io
import json

from generator.outputs import render
from generator.views import leaderboard as views
from generator.project.model import Leaderboard, Project, arxiv_id
from generator.rules import urls

FORMATS = ("json", "csv", "latex", "markdown")
SUFFIX = urls.SUFFIX
SCHEMA_ID = "https://leaderboards.invalid/schema/export.schema.json"


def leaderboard_file(lb: Leaderboard, fmt: str) -> str:
    return urls.export_file(lb.task_id, lb.id, fmt)


# --- JSON -------------------------------------------------------------------

def _metric(m: views.MetricView) -> dict:
    out = {"name": m.name, "direction": m.direction, "label": m.label}
    if m.unit:
        out["unit"] = m.unit
    if m.decimals is not None:
        out["decimals"] = m.decimals
    return out


def _result(view: views.LeaderboardView, row: views.RowView) -> dict:
    names = [m.name for m in view.metrics]
    paper = None
    if row.paper:
        paper = {"url": row.paper, "title": row.paper_title, "date": row.date,
                 "arxiv": arxiv_id(row.paper)}
    return {
        "rank": row.rank,
        "model": row.model,
        "display_name": row.display_name,
        "extra_data": list(row.extra_data),
        "multi_scale": row.multi_scale,
        "values": {n: c.number for n, c in zip(names, row.cells)},
        "values_text": {n: c.text for n, c in zip(names, row.cells)},
        "highlighted": [n for n, c in zip(names, row.cells) if c.highlight],
        "uncertainty": {n: float(c.uncertainty) for n, c in zip(names, row.cells)
                        if c.uncertainty is not None},
        "paper": paper,
        "date": row.date,
        "weights": [{"label": l.label, "url": l.url} for l in row.weights],
        "code": [{"label": l.label, "url": l.url} for l in row.code],
        "notes": row.notes,
    }


def leaderboard_json(lb: Leaderboard, project: Project) -> dict:
    task = project.task(lb.task_id)
    dataset = project.datasets.get(lb.dataset) if lb.dataset else None
    view = views.leaderboard_view(lb)
    return {
        "task": lb.task_id,
        "task_title": task.title if task else lb.task_id,
        "leaderboard": lb.id,
        "title": lb.title,
        "dataset": {"id": dataset.id, "name": dataset.name} if dataset else None,
        "highlight": lb.highlight,
        "metrics": [_metric(m) for m in view.metrics],
        "results": [_result(view, row) for row in view.rows],
    }


def _task_json(task, project: Project) -> dict:
    return {"id": task.id, "title": task.title, "parents": list(task.parents),
            "leaderboards": [leaderboard_json(lb, project) for lb in task.leaderboards]}


def collection_json(project: Project, tasks: bool = True) -> dict:
    return {
        "$schema": SCHEMA_ID,
        "counts": project.counts(),
        "tasks": [_task_json(t, project) for t in project.tasks] if tasks else [],
        "datasets": [{"id": d.id, "name": d.name,
                      "links": [{"kind": l.kind, "label": l.label, "url": l.url} for l in d.links]}
                     for d in project.datasets.values()],
    }


def all_json(project: Project, keep=None) -> str:
    """``collection_json`` as written to data/all.json: the same text as dumping it whole,
    made of a part per task (``keep``, ``site.Keep``: a task's part made from the same task
    and datasets is the last build's)."""
    if keep is None:
        return _dump(collection_json(project))
    parts = [keep(("all.json", task.id),
                  (task, tuple(project.datasets.get(lb.dataset) if lb.dataset else None
                               for lb in task.leaderboards)),
                  lambda: _dump_part(_task_json(task, project)))
             for task in project.tasks]
    counts = project.counts()

    def rest() -> tuple[str, str]:
        whole = collection_json(project, tasks=False)
        whole["tasks"] = _SPLICE
        head, tail = _dump(whole).split(_dump_part(_SPLICE), 1)
        return f"{head}[", f"]{tail}"
    head, tail = keep("all.json", (counts, project.datasets), rest)
    return head + ",".join(parts) + tail


_SPLICE = "\x00tasks"  # where the tasks' parts go into the dump of the rest


def _dump_part(data) -> str:
    # compact: the C encoder (indent= would fall back to pure Python, 10x slower at scale)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _dump(data: dict) -> str:
    return _dump_part(data) + "\n"


# --- CSV --------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A text cell that a spreadsheet will not run: one starting with = + - @ (or a tab or
    carriage return, which some programs skip first) gets a leading ' , as OWASP advises
    against formula injection.  Numbers are written as numbers and never pass here."""
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def leaderboard_csv(lb: Leaderboard) -> str:
    """One header row, one row per result, N/A as an empty cell; UTF-8 with a BOM so that
    spreadsheet programs read it as UTF-8."""
    view = views.leaderboard_view(lb)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    uncertain = [any(row.cells[i].uncertainty for row in view.rows)
                 for i in range(len(view.metrics))]  # a '± ' column after these metrics
    heads = []
    for metric, plus in zip(view.metrics, uncertain):
        heads += [csv_text(metric.label)] + ([csv_text(f"{metric.label} ±")] if plus else [])
    writer.writerow(["rank", "model", "extra_data", "multi_scale", *heads,
                     "paper", "paper_title", "date", "weights", "code"])
    for row in view.rows:
        writer.writerow([
            "" if row.rank is None else row.rank,
            csv_text(row.model),
            csv_text("; ".join(row.extra_data)),
            "yes" if row.multi_scale else "",
            *[x for cell, plus in zip(row.cells, uncertain)
              for x in ([cell.text or ""] + ([cell.uncertainty or ""] if plus else []))],
            csv_text(row.paper or ""),
            csv_text(row.paper_title or ""),
            csv_text(row.date or ""),
            csv_text(" ".join(l.url for l in row.weights)),
            csv_text(" ".join(l.url for l in row.code)),
        ])
    return "\ufeff" + buffer.getvalue()


# --- LaTeX ------------------------------------------------------------------

def leaderboard_latex(lb: Leaderboard, project: Project, templates=None) -> str:
    dataset = project.datasets.get(lb.dataset) if lb.dataset else None
    return render.render("leaderboard_table.tex.j2", templates, view=views.leaderboard_view(lb),
                         dataset_name=dataset.name if dataset else None)


# --- all --------------------------------------------------------------------

def exports_of(lb: Leaderboard, project: Project, fmt: str, templates=None) -> str:
    """One leaderboard in one format (``templates``: a folder of template overrides)."""
    if fmt == "json":
        return _dump({"$schema": SCHEMA_ID, **leaderboard_json(lb, project)})
    if fmt == "csv":
        return leaderboard_csv(lb)
    if fmt == "latex":
        return leaderboard_latex(lb, project, templates)
    return render.leaderboard_markdown(lb, templates)


def exports(project: Project, formats=FORMATS, templates=None) -> dict[str, str]:
    """{relative path: text}: all.json (with JSON) and a file per leaderboard and format."""
    files: dict[str, str] = {}
    if "json" in formats:
        files["all.json"] = all_json(project)
    for lb in project.leaderboards:
        for fmt in formats:
            files[leaderboard_file(lb, fmt)] = exports_of(lb, project, fmt, templates)
    return files
