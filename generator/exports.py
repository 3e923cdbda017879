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

from . import ranking, render
from .model import Leaderboard, Metric, Project, Result, arxiv_id

FORMATS = ("json", "csv", "latex", "markdown")
SUFFIX = {"json": ".json", "csv": ".csv", "latex": ".tex", "markdown": ".md"}
SCHEMA_ID = "https://leaderboards.invalid/schema/export.schema.json"


def leaderboard_file(lb: Leaderboard, fmt: str) -> str:
    return f"{lb.task_id}/{lb.id}{SUFFIX[fmt]}"


# --- JSON -------------------------------------------------------------------

def _metric(m: Metric) -> dict:
    out = {"name": m.name, "direction": m.direction}
    if m.unit:
        out["unit"] = m.unit
    if m.decimals is not None:
        out["decimals"] = m.decimals
    return out


def _result(lb: Leaderboard, result: Result, rank: int | None) -> dict:
    values, texts = {}, {}
    for m in lb.metrics:
        v = result.values.get(m.name)
        values[m.name] = v.number if v is not None and v.finite else None
        texts[m.name] = m.format(v)
    paper = None
    if result.paper:
        paper = {"url": result.paper, "title": result.paper_title,
                 "date": result.effective_date, "arxiv": arxiv_id(result.paper)}
    return {
        "rank": rank,
        "model": result.model,
        "display_name": result.display_name,
        "extra_data": list(result.extra_data),
        "multi_scale": result.multi_scale,
        "values": values,
        "values_text": texts,
        "paper": paper,
        "date": result.effective_date,
        "weights": [{"label": l.label, "url": l.url} for l in result.weights],
        "code": [{"label": l.label, "url": l.url} for l in result.code],
    }


def leaderboard_json(lb: Leaderboard, project: Project) -> dict:
    task = project.task(lb.task_id)
    dataset = project.datasets.get(lb.dataset) if lb.dataset else None
    return {
        "task": lb.task_id,
        "task_title": task.title if task else lb.task_id,
        "leaderboard": lb.id,
        "title": lb.title,
        "dataset": {"id": dataset.id, "name": dataset.name} if dataset else None,
        "metrics": [_metric(m) for m in lb.metrics],
        "results": [_result(lb, r, rank) for r, rank in ranking.ranked(lb)],
    }


def collection_json(project: Project) -> dict:
    return {
        "$schema": SCHEMA_ID,
        "counts": project.counts(),
        "tasks": [{"id": t.id, "title": t.title, "parents": list(t.parents),
                   "leaderboards": [leaderboard_json(lb, project) for lb in t.leaderboards]}
                  for t in project.tasks],
        "datasets": [{"id": d.id, "name": d.name,
                      "links": [{"kind": l.kind, "label": l.label, "url": l.url} for l in d.links]}
                     for d in project.datasets.values()],
    }


def all_json(project: Project) -> str:
    return _dump(collection_json(project))


def _dump(data: dict) -> str:
    # compact: the C encoder (indent= would fall back to pure Python, 10x slower at scale)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    metric_heads = [csv_text(f"{m.name} ({m.unit})" if m.unit else m.name) for m in lb.metrics]
    writer.writerow(["rank", "model", "extra_data", "multi_scale", *metric_heads,
                     "paper", "paper_title", "date", "weights", "code"])
    for result, rank in ranking.ranked(lb):
        writer.writerow([
            "" if rank is None else rank,
            csv_text(result.model),
            csv_text("; ".join(result.extra_data)),
            "yes" if result.multi_scale else "",
            *[m.format(result.values.get(m.name)) or "" for m in lb.metrics],
            csv_text(result.paper or ""),
            csv_text(result.paper_title or ""),
            csv_text(result.effective_date or ""),
            csv_text(" ".join(l.url for l in result.weights)),
            csv_text(" ".join(l.url for l in result.code)),
        ])
    return "\ufeff" + buffer.getvalue()


# --- LaTeX ------------------------------------------------------------------

def leaderboard_latex(lb: Leaderboard, project: Project) -> str:
    return render.render("leaderboard_table.tex.j2", lb=lb, ranked=ranking.ranked(lb),
                         dataset=project.datasets.get(lb.dataset) if lb.dataset else None,
                         best=ranking.best_value)


# --- all --------------------------------------------------------------------

def exports_of(lb: Leaderboard, project: Project, fmt: str) -> str:
    """One leaderboard in one format."""
    if fmt == "json":
        return _dump({"$schema": SCHEMA_ID, **leaderboard_json(lb, project)})
    if fmt == "csv":
        return leaderboard_csv(lb)
    if fmt == "latex":
        return leaderboard_latex(lb, project)
    return render.render("leaderboard_table.md.j2", lb=lb)


def exports(project: Project, formats=FORMATS) -> dict[str, str]:
    """{relative path: text}: all.json (with JSON) and a file per leaderboard and format."""
    files: dict[str, str] = {}
    if "json" in formats:
        files["all.json"] = all_json(project)
    for lb in project.leaderboards:
        for fmt in formats:
            files[leaderboard_file(lb, fmt)] = exports_of(lb, project, fmt)
    return files
