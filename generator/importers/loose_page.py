"""Import: markdown leaderboard pages in the loose forms people write (NLP-progress and
the like) -> plain data for task files, and a report of every table and cell.

A page is read through markdown-it-py's token stream.  Every ``# `` heading starts a task
(a page without one is a task named after its file); text anywhere is allowed.  Each table
is judged on its header: a model column (Model, Method, Approach, System, Name...) and at
least one column of numbers make a leaderboard; any other table (examples, dataset
statistics) is reported as not a leaderboard, with its line and header.  A leaderboard is
named after its heading (and the sentence before it when one heading holds several).

Columns are mapped by header: model; paper (Paper, Paper / Source, Reference: the link's
text is the title); code (Code, Official, Implementation: every link); weights; date or
year; notes; every other column whose cells read as numbers is a metric.  A mapping file
(``--columns``, see docs/format.md) settles what headers cannot.

Cells are read as written: bold, ``±`` uncertainties, dashes and N/A, HTML entities,
footnote marks (``28.5*``, ``85.1†``, ``<sup>[1](#fn1)</sup>``), which become a note on
the result.  A cell that cannot be read is reported with page, line and column, and the
rest of the row is kept.  Directions come from the page's evidence (row order, bold,
prose) through ``generator.rules.directions``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.token import Token

from generator.rules import directions
from generator.rules import ids, urls
from generator.rules.text import PAGE_MARKER, page_marker
from generator.importers import plain_text
from generator.importers.loose_tables import (  # noqa: F401 (cell_value: its API)
    KINDS, STATISTICS, _MD, _PAIR, _YEAR, _http, _inline_plain, _raw_cell, _role, _tables,
    cell_value)
from generator.importers.markdown_page import cell_links, is_bold



@dataclass
class TableReport:
    page: str
    line: int
    title: str
    header: list[str]
    mapping: dict[str, str] = field(default_factory=dict)  # header -> role (model, metric...)
    leaderboard: bool = False
    why_not: str = ""
    rows: int = 0
    results: int = 0


@dataclass
class CellProblem:
    page: str
    line: int
    column: int
    header: str
    text: str
    reason: str

    def format(self) -> str:
        return f"{self.page}:{self.line}:{self.column}: {self.header}: {self.text!r}: {self.reason}"


@dataclass
class LooseReport:
    """Everything the import saw: each table and how its columns were mapped, each cell
    or row it could not read and why, and the totals."""

    pages: list[str] = field(default_factory=list)  # every page read, with tables or not
    tables: list[TableReport] = field(default_factory=list)
    cells: list[CellProblem] = field(default_factory=list)
    rows_dropped: list[CellProblem] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    layouts: dict[str, list[str]] = field(default_factory=dict)  # page -> tasks keeping its text
    html_removed: list[tuple[str, int, str]] = field(default_factory=list)  # page, line, piece
    regenerated: dict[str, list[str]] = field(default_factory=dict)  # page -> HTML differences

    def totals(self) -> dict[str, int]:
        boards = [t for t in self.tables if t.leaderboard]
        return {"pages": len(self.pages), "tables": len(self.tables),
                "leaderboards": len(boards), "other tables": len(self.tables) - len(boards),
                "leaderboard rows": sum(t.rows for t in boards),
                "results": sum(t.results for t in boards),
                "rows in other tables": sum(t.rows for t in self.tables if not t.leaderboard),
                "cells not read": len(self.cells), "rows not imported": len(self.rows_dropped)}

    def lines(self) -> list[str]:
        t = self.totals()
        share = f" ({100 * t['results'] / t['leaderboard rows']:.1f} %)" if t["leaderboard rows"] else ""
        return [f"{t['pages']} pages, {t['tables']} tables: {t['leaderboards']} leaderboards, "
                f"{t['other tables']} other tables ({t['rows in other tables']} rows) reported "
                "as not leaderboards",
                f"leaderboard rows: {t['leaderboard rows']}; results: {t['results']}{share}; "
                f"rows not imported: {t['rows not imported']}; cells not read: "
                f"{t['cells not read']}"]

    def report(self) -> str:
        out = self.lines() + ["", "## Tables"]
        for t in self.tables:
            if t.leaderboard:
                mapped = ", ".join(f"{h!r}: {role}" for h, role in t.mapping.items())
                out.append(f"{t.page}:{t.line}: leaderboard '{t.title}', {t.results} of {t.rows} "
                           f"rows; columns {mapped}")
            else:
                out.append(f"{t.page}:{t.line}: not a leaderboard ({t.why_not}): "
                           f"columns {t.header}")
        if self.rows_dropped:
            out += ["", "## Rows not imported"] + [p.format() for p in self.rows_dropped]
        if self.cells:
            out += ["", "## Cells not read"] + [p.format() for p in self.cells]
        if self.decisions:
            out += ["", "## Directions"] + self.decisions
        if self.regenerated:
            same = sum(1 for d in self.regenerated.values() if not d)
            out += ["", "## Pages written back",
                    "Each page as `markdown TASK --layout nlp-progress` writes it from the data, "
                    "rendered to HTML (markdown-it-py, CommonMark + tables) beside the original: "
                    f"{same} of {len(self.regenerated)} the same; every difference below."]
            removed: dict[str, list[tuple[int, str]]] = {}
            for page, line, piece in self.html_removed:
                removed.setdefault(page, []).append((line, piece))
            for page, found in self.regenerated.items():
                if not found:
                    out.append(f"{page}: the same HTML")
                    continue
                out.append(f"{page}: {len(found)} differences")
                out += [f"  line {line}: raw HTML not kept (a task's page is markdown only): "
                        f"{piece!r}" for line, piece in removed.get(page, [])]
                out += [f"  {d}" for d in found]
        return "\n".join(out) + "\n"


def parse_loose_page(path: Path, text: str, report: LooseReport,
                     columns: dict[str, str] | None = None) -> dict[str, dict]:
    """The tasks of one page ({task id: task data}); what it saw goes into ``report``."""
    columns = columns or {}
    page = str(path)
    report.pages.append(page)
    tokens = _MD.parse(text)
    tasks: dict[str, dict] = {}
    titles_used: dict[str, set[str]] = {}
    count_under: dict[tuple, int] = {}
    tables = list(_tables(tokens, page))
    for trail, _ in tables:
        key = tuple(trail)
        count_under[key] = count_under.get(key, 0) + 1
    placed: dict[int, tuple[int, str, str]] = {}  # table's first line -> (end, task, board)
    for trail, table in tables:
        task_title, title = _titles(path, trail, table, count_under[tuple(trail)] > 1)
        task_id = _task_id(task_title, path)
        board = _leaderboard(page, table, title, columns, report)
        if board is None:
            continue
        task = tasks.setdefault(task_id, {"title": task_title, "leaderboards": []})
        used = titles_used.setdefault(task_id, set())
        board_title = title
        n = 2
        while board_title in used:
            board_title, n = f"{title} ({n})", n + 1
        used.add(board_title)
        board_id = urls.free_id("leaderboard", ids.slug(board_title, limit=90) or f"table-{table.line}")
        task["leaderboards"].append({"id": board_id, "title": board_title, **board})
        if table.span:
            placed[table.span[0]] = (table.span[1], task_id, board_id)
    for task_id, page_text in _page_layouts(tokens, text, path, placed, tasks).items():
        tasks[task_id]["page"] = page_text
    report.html_removed += [(page, line, piece) for line, piece in _raw_html(text, tokens, placed)]
    return tasks


def _titles(path: Path, trail: list, table, shared: bool) -> tuple[str, str]:
    """(the task's title, the leaderboard's): the page's ``# `` heading (else its file
    name), and the headings under it, with the sentence before the table when several
    tables share them (``shared``)."""
    h1 = next((t for t in trail if t[0] == 1), None)
    task_title = h1[1] if h1 else _page_task_title(path)
    sub = [t[1] for t in trail if t[0] > 1]
    title = " — ".join(sub) if sub else task_title
    if shared and table.before:
        sentence = table.before.split(". ")[0].rstrip(":.").strip()
        if len(sentence) > 80:  # a long sentence: its first words, cut between words
            sentence = sentence[:80].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"
        title = f"{title} — {sentence}" if sub else sentence
    return task_title, title


def _leaderboard(page: str, table, title: str, columns: dict[str, str],
                 report: LooseReport) -> dict | None:
    """The leaderboard a table holds ({metrics, results}), or None when it holds none (the
    report says why)."""
    entry = TableReport(page, table.line, title, table.header, rows=len(table.rows))
    report.tables.append(entry)
    roles = {h: _role(h, columns) for h in table.header}
    model_cols, pairs, metric_cols = _columns(table, roles)
    statistics = not model_cols or STATISTICS.match(table.header[model_cols[0]].strip())
    if statistics and model_cols:
        entry.why_not = (f"its rows are {table.header[model_cols[0]].strip().lower()}, not "
                         "models: statistics or examples")
        return None
    if not model_cols or not metric_cols or not table.rows:
        entry.why_not = ("no column names the rows" if not model_cols else
                         "no column of numbers" if not metric_cols else "no rows")
        return None
    entry.leaderboard = True
    model_col = model_cols[0]
    entry.mapping = {h: ("model" if i == model_col else "metric" if i in metric_cols
                         else roles[h] or "not mapped (text)")
                     for i, h in enumerate(table.header)}
    metric_names, slots = [], []  # slots: (column, part of a pair or None)
    for i in metric_cols:
        base = table.header[i] or f"Column {i + 1}"
        for part in ((0, 1) if i in pairs else (None,)):
            name = base if part is None else f"{base} ({part + 1})"
            while name in metric_names:
                name += " (2)"
            metric_names.append(name)
            slots.append((i, part))
    if pairs:
        entry.mapping.update({table.header[i]: "two metrics (value/value), named (1) and (2)"
                              for i in pairs})
    results, bold = _results(page, table, roles, model_col, metric_cols, metric_names, slots,
                             report)
    entry.results = len(results)
    if not results:
        entry.leaderboard = False
        entry.why_not = "no row could be read"
        return None
    return {"metrics": _metrics(page, table, title, metric_names, results, bold, report),
            "results": results}


def _columns(table, roles: dict[str, str | None]) -> tuple[list[int], set[int], list[int]]:
    """(the columns naming the rows, those holding two values such as 'accuracy/F1', the
    metrics' columns)."""
    model_cols = [i for i, h in enumerate(table.header) if roles[h] == "model"]
    first_numbers = [r for _, r in table.rows if r and cell_value(_raw_cell(r[0]))[0] is not None]
    if not model_cols and table.header and len(first_numbers) <= len(table.rows) // 2 and (
            roles.get(table.header[0]) is None
            or (roles[table.header[0]] == "paper"
                and [roles[h] for h in table.header].count("paper") > 1)):
        model_cols = [0]  # the first column names the rows ('Paper / Source' twice)
    pairs = set()
    for i, h in enumerate(table.header):
        cells = [_raw_cell(r[i]).strip() for _, r in table.rows if i < len(r)]
        two = [c for c in cells if _PAIR.match(c)]
        if two and len(two) >= len([c for c in cells if c and cell_value(c)[3] is None
                                    and cell_value(c)[0] is not None]):
            pairs.add(i)
    metric_cols = []
    for i, h in enumerate(table.header):
        if i in pairs and i not in model_cols:
            metric_cols.append(i)
            continue
        if i in model_cols or roles[h] in KINDS:
            continue
        cells = [_raw_cell(r[i]) for _, r in table.rows if i < len(r)]
        read = [cell_value(c) for c in cells if c.strip()]
        filled = [r for r in read if r[0] is not None or r[3] is not None]  # not '-', N/A
        numeric = [r for r in filled if r[0] is not None]
        if roles[h] == "metric" or (filled and len(numeric) >= max(1, len(filled) // 2)):
            metric_cols.append(i)
    return model_cols, pairs, metric_cols


def _results(page: str, table, roles: dict, model_col: int, metric_cols: list[int],
             metric_names: list[str], slots: list[tuple], report: LooseReport
             ) -> tuple[list[dict], set]:
    """The table's rows read as results, and the (result index, metric) of the bold
    values; every row or cell not read goes into ``report``."""
    results, bold, group = [], set(), None
    for line, cells in table.rows:
        model = plain_text(_inline_plain(cells[model_col])) if model_col < len(cells) else ""
        model = re.sub(r"\s*[*†‡]+$", "", model) or model
        others = [plain_text(_inline_plain(c)) for j, c in enumerate(cells) if j != model_col]
        if model and not any(others):  # '| *CNN-based Models* |': a group of the rows below
            group = model
            report.rows_dropped.append(CellProblem(page, line, model_col + 1,
                                                   table.header[model_col], model,
                                                   "a label for the rows below it (kept "
                                                   "as their note)"))
            continue
        if not model:
            report.rows_dropped.append(CellProblem(page, line, model_col + 1,
                                                   table.header[model_col], "",
                                                   "no model name"))
            continue
        result: dict = {"model": model, "values": {}}
        notes = [f"group: {group}"] if group else []
        unread = 0
        for (i, part), name in zip(slots, metric_names):
            raw = _raw_cell(cells[i]) if i < len(cells) else ""
            if part is not None:
                pair = _PAIR.match(raw.strip())
                raw = pair[part + 1] if pair else ("" if part else raw)
            number, plus, found, problem = cell_value(raw)
            notes += [f"{name}: {n}" for n in found]
            if problem:
                report.cells.append(CellProblem(page, line, i + 1, table.header[i],
                                                raw.strip(), problem))
                result["values"][name] = None
                unread += 1
                continue
            result["values"][name] = number
            if plus is not None:
                result.setdefault("uncertainty", {})[name] = plus
            if number is not None and i < len(cells) and is_bold(cells[i]):
                bold.add((len(results), name))
        if unread and unread == len(slots):  # nothing read: nothing to rank it by
            report.rows_dropped.append(CellProblem(page, line, model_col + 1,
                                                   table.header[model_col], model,
                                                   "no value could be read"))
            continue
        _other_cells(table.header, cells, roles, model_col, metric_cols, result, notes)
        if notes:
            result["notes"] = "; ".join(notes)
        results.append(result)
    return results, bold


def _other_cells(header: list[str], cells: list, roles: dict, model_col: int,
                 metric_cols: list[int], result: dict, notes: list[str]) -> None:
    """The row's cells other than the model and the metrics, into ``result`` (paper, code,
    weights, date) and ``notes`` (notes and any other text)."""
    for i, h in enumerate(header):
        if i >= len(cells) or (i == model_col and roles[h] != "paper") or i in metric_cols:
            continue
        role = roles[h]
        if role == "ignore":
            continue
        links = [(plain_text(label), url) for label, url in cell_links(cells[i])[0]
                 if _http(url)]
        cell_text = plain_text(_inline_plain(cells[i]))
        if role == "paper" and links:
            result["paper"] = links[0][1]
            if links[0][0] and links[0][0].lower() not in ("paper", "link", "pdf"):
                result["paper_title"] = links[0][0]
        elif role == "code" and links:
            result["code"] = [{"label": label or "code", "url": url} for label, url in links]
        elif role == "weights" and links:
            result["weights"] = [{"label": label or "weights", "url": url}
                                 for label, url in links]
        elif role == "date":
            year = _YEAR.search(cell_text)
            if year:
                result["date"] = year[0]
        elif role == "notes" and cell_text:
            notes.append(cell_text)
        elif cell_text and cell_text.lower() not in ("-", "n/a", "—"):
            notes.append(f"{h}: {cell_text}" if h else cell_text)


def _metrics(page: str, table, title: str, metric_names: list[str], results: list[dict],
             bold: set, report: LooseReport) -> list[dict]:
    """The metrics with their directions from the page's evidence, each decision in the
    report."""
    metrics, sorted_by = [], None
    for name in metric_names:  # the table is sorted by (at most) one metric: the first in order
        values = [r["values"].get(name) for r in results]
        if sorted_by is None and _order_of([float(v) for v in values if v is not None]):
            sorted_by = name
    for name in metric_names:
        values = [r["values"].get(name) for r in results]
        # the rows' order is evidence only for the metric they are sorted by
        # hand-written tables are often in the order results came, worst first: a metric
        # whose name says its direction (accuracy, error) keeps it against the order
        order = _order_of([float(v) for v in values if v is not None]) \
            if name == sorted_by and directions.from_name(name) is None else None
        if order == directions.LOWER:  # ascending: as often the order results came in
            report.decisions.append(f"{page}:{table.line}: {title}: '{name}': its rows "
                                    "ascend, which hand-written tables often do by date; "
                                    "not taken as 'lower is better' (set direction: lower "
                                    "in the data if it is)")
            order = None
        bold_here = _bold_direction(results, name, bold)
        decision = directions.decide(name, order=order, bold=bold_here,
                                     prose=_prose_direction(table.before, name))
        report.decisions.append(f"{page}:{table.line}: {title}: {decision.direction} "
                                f"({decision.source}): {decision.reason}")
        metric = {"name": name}
        if decision.direction == directions.LOWER:
            metric["direction"] = "lower"
        metrics.append(metric)
    return metrics


def _page_task_title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").capitalize()


def _task_id(title: str, path: Path) -> str:
    return urls.free_id("task", ids.slug(title, limit=80) or ids.slug(path.stem) or "task")


def _page_layouts(tokens: list[Token], text: str, path: Path,
                  placed: dict[int, tuple[int, str, str]], tasks: dict) -> dict[str, str]:
    """Each task's part of the page as written, with a marker line where each of its
    leaderboard tables was: the page ``markdown`` writes back with the tables filled in.
    Text before the first '# ' and a '# ' part with no leaderboard go with the task before
    (or the first)."""
    if not tasks:
        return {}
    starts = [(tok.map[0], _task_id(plain_text(_inline_plain(tokens[i + 1])), path))
              for i, tok in enumerate(tokens)
              if tok.type == "heading_open" and tok.tag == "h1" and tok.level == 0 and tok.map]
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0, None))
    lines = text.split("\n")
    owner = next(iter(tasks))
    parts: dict[str, list[str]] = {}
    for k, (start, task_id) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        if task_id in tasks:
            owner = task_id
        out = parts.setdefault(owner, [])
        n = start
        while n < end:
            if n in placed:
                stop, _, board = placed[n]
                while out and not out[-1].strip():
                    out.pop()
                if out:  # what ends a paragraph before a table is no line break
                    out[-1] = out[-1].rstrip()
                out += ["", page_marker(board), ""]
                n = stop
                while n < end and not lines[n].strip():
                    n += 1
                continue
            out.append(lines[n])
            n += 1
    return {task_id: _single_blank_lines(_strip_html("\n".join(out).strip("\n"))).rstrip() + "\n"
            for task_id, out in parts.items()}


def _single_blank_lines(text: str) -> str:
    """Runs of blank lines as one, outside code (where markdown reads them the same): the
    page written back, which has one around each table, then reads in as it was kept."""
    code = _code_lines(_MD.parse(text))
    out: list[str] = []
    for n, line in enumerate(text.split("\n")):
        if not line.strip() and out and not out[-1].strip() and n not in code \
                and n - 1 not in code:
            continue
        out.append(line)
    return "\n".join(out)


# raw HTML as CommonMark reads it (a tag, a comment, a declaration...)
_RAW_HTML = HTML_TAG_RE
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _code_lines(tokens: list[Token]) -> set[int]:
    return {n for tok in tokens if tok.type in ("fence", "code_block") and tok.map
            for n in range(*tok.map)}


def _raw_html(text: str, tokens: list[Token], placed: dict) -> list[tuple[int, str]]:
    """(line, piece) of each raw HTML tag or comment in the page's prose (outside code and
    the tables imported): what a task's page, markdown without raw HTML, does not keep."""
    skip = _code_lines(tokens) | {n for start, (end, _, _) in placed.items()
                                  for n in range(start, end)}
    found = []
    for n, line in enumerate(text.split("\n")):
        if n in skip or "<" not in line:
            continue
        for m in _RAW_HTML.finditer(_CODE_SPAN.sub(lambda c: " " * len(c[0]), line)):
            found.append((n + 1, m[0]))
    return found


def _strip_html(text: str) -> str:
    """``text`` (a task's page) without raw HTML outside code: each tag and comment goes,
    the text between tags stays (``<sup>[1](#fn1)</sup>`` -> ``[1](#fn1)``); what still reads
    as markup (a tag split over lines) is written as text (``&lt;``).  Marker lines stay."""
    # whole-line comments, however long: a blank line instead, which parts paragraphs as
    # the comment did
    text = re.sub(r"^[ \t]*<!--(?:(?!-->).)*?-->[ \t]*$", lambda m: m[0] if PAGE_MARKER.match(m[0])
                  else "", text, flags=re.S | re.M)
    code = _code_lines(_MD.parse(text))
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if n in code or "<" not in line or PAGE_MARKER.fullmatch(line):
            continue
        pieces, at = [], 0
        for m in _CODE_SPAN.finditer(line):
            pieces += [_no_markup(line[at:m.start()]), m[0]]
            at = m.end()
        lines[n] = "".join(pieces + [_no_markup(line[at:])])
    return "\n".join(lines)


def _no_markup(text: str) -> str:
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", _RAW_HTML.sub("", text))


def _order_of(values: list[float]) -> str | None:
    """The direction the rows are sorted in, when they are (at least three values)."""
    if len(values) < 3:
        return None
    if all(a >= b for a, b in zip(values, values[1:])) and values[0] > values[-1]:
        return directions.HIGHER
    if all(a <= b for a, b in zip(values, values[1:])) and values[0] < values[-1]:
        return directions.LOWER
    return None


def _bold_direction(results: list[dict], name: str, bold: set) -> str | None:
    marked = [results[i]["values"][n] for i, n in bold if n == name]
    values = [r["values"].get(name) for r in results if r["values"].get(name) is not None]
    if len(marked) != 1 or len(values) < 2:
        return None
    if float(marked[0]) == max(float(v) for v in values) != min(float(v) for v in values):
        return directions.HIGHER
    if float(marked[0]) == min(float(v) for v in values):
        return directions.LOWER
    return None


def _prose_direction(text: str, name: str) -> str | None:
    low = text.lower()
    if name.lower() in low and re.search(r"\blower is better\b|\bthe lower\b", low):
        return directions.LOWER
    if name.lower() in low and re.search(r"\bhigher is better\b|\bthe higher\b", low):
        return directions.HIGHER
    return None
