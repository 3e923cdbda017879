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

import html
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
    normal, KINDS, STATISTICS, _MD, _YEAR, _http, _inline_plain, _raw_cell, _role, _tables,
    _SUP, cell_parts, cell_value, value_suffix)
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
    numbers: bool = False  # it has a column of numbers (the report's headline counts it)
    transposed: bool = False  # methods were its columns


@dataclass
class CellProblem:
    page: str
    line: int
    column: int
    header: str
    text: str
    reason: str
    kept: bool = False  # what it says is kept in the data (a group label as notes)

    def format(self) -> str:
        where = f"{self.page}:{self.line}:{self.column}" if self.column else f"{self.page}:{self.line}"
        return f"{where}: {self.header}: {self.text!r}: {self.reason}"


@dataclass
class BoardOrigin:
    """Where a leaderboard came from, to report and restore what validation leaves out:
    its page and line, its table as written (pipe tables; HTML is not kept), the header
    and separator lines, each result's line and raw row, and the rows not imported."""

    page: str
    line: int
    title: str
    head: list[str]
    text: str
    rows: list[tuple[int, str]]
    left: list[str]


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
    origins: dict[tuple[str, str], BoardOrigin] = field(default_factory=dict)  # (task, board)
    skipped: list[CellProblem] = field(default_factory=list)  # parts validation refused
    links: list[CellProblem] = field(default_factory=list)  # page links kept as text
    failure: str = ""  # why nothing was written, when nothing was
    given: dict[str, str] = field(default_factory=dict)  # metric or column -> direction (options)
    review: list[tuple[str, str]] = field(default_factory=list)  # (default|against, decision line)

    def totals(self) -> dict[str, int]:
        boards = [t for t in self.tables if t.leaderboard]
        numbers = [t for t in self.tables if t.numbers or t.leaderboard]
        return {"pages": len(self.pages), "tables": len(self.tables),
                "leaderboards": len(boards), "other tables": len(self.tables) - len(boards),
                "tables with numbers": len(numbers),
                "rows with numbers": sum(t.rows for t in numbers),
                "leaderboard rows": sum(t.rows for t in boards),
                "results": sum(t.results for t in boards),
                "rows in other tables": sum(t.rows for t in self.tables if not t.leaderboard),
                "cells not read": len(self.cells),
                "rows not imported": len([p for p in self.rows_dropped if not p.kept])
                + sum(1 for p in self.skipped if p.header == "result"),
                "parts refused": len(self.skipped), "links kept as text": len(self.links)}

    def lines(self) -> list[str]:
        t = self.totals()
        share = f" ({100 * t['results'] / t['rows with numbers']:.1f} %)" \
            if t["rows with numbers"] else ""
        out = [f"{t['pages']} pages, {t['tables']} tables: {t['leaderboards']} leaderboards, "
               f"{t['other tables']} other tables ({t['rows in other tables']} rows) reported "
               "as not leaderboards",
               f"rows in the {t['tables with numbers']} tables with numbers: "
               f"{t['rows with numbers']}; imported as results: {t['results']}{share}; "
               f"leaderboard rows: {t['leaderboard rows']}; rows not imported: "
               f"{t['rows not imported']}; cells not read: {t['cells not read']}"]
        defaults = sum(1 for k, _ in self.review if k == "default")
        against = len(self.review) - defaults
        out.append(f"directions to review: {defaults} decided by default, {against} against "
                   "the name (each listed below)")
        if t["parts refused"] or t["links kept as text"]:
            out.append(f"parts the data refused, left out: {t['parts refused']}; links kept "
                       f"as text: {t['links kept as text']}")
        if self.failure:
            out.append(f"nothing was written: {self.failure}")
        return out

    def report(self) -> str:
        out = self.lines() + ["", "## Tables"]
        for t in self.tables:
            if t.leaderboard:
                mapped = ", ".join(f"{h!r}: {role}" for h, role in t.mapping.items())
                turned = " (turned: methods were its columns)" if t.transposed else ""
                out.append(f"{t.page}:{t.line}: leaderboard '{t.title}'{turned}, {t.results} of "
                           f"{t.rows} rows; columns {mapped}")
            else:
                out.append(f"{t.page}:{t.line}: not a leaderboard ({t.why_not}): "
                           f"columns {t.header}")
        if self.rows_dropped:
            out += ["", "## Rows not imported"] + [p.format() for p in self.rows_dropped]
        if self.skipped:
            out += ["", "## Parts the data refused (left out; a row or table goes back on "
                    "its page as written)"] + [p.format() for p in self.skipped]
        if self.links:
            out += ["", "## Links kept as text"] + [p.format() for p in self.links]
        if self.cells:
            out += ["", "## Cells not read"] + [p.format() for p in self.cells]
        if self.decisions:
            out += ["", "## Directions"] + self.decisions
        for kind, heading in (("default", "decided by default"),
                              ("against", "decided against the name")):
            found = [line for k, line in self.review if k == kind]
            if found:
                out += ["", f"## Directions {heading} ({len(found)}): review; settle with "
                        "--lower-is-better/--higher-is-better NAME or direction: in the data"]
                out += found
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
    lines = text.split("\n")
    for trail, table in tables:
        task_title, title = _titles(path, trail, table, count_under[tuple(trail)] > 1)
        task_id = _task_id(task_title, path)
        dropped_before = len(report.rows_dropped)
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
        # a title the slug cannot spell ('排行榜（2023年12月）') may give another's id
        taken = {lb["id"] for lb in task["leaderboards"]}
        base, n = board_id, 2
        while board_id in taken:
            board_id, n = f"{base}-{n}", n + 1
        row_lines = board.pop("lines")
        task["leaderboards"].append({"id": board_id, "title": board_title, **board})
        origin = BoardOrigin(page, table.line, board_title, [], "", [], [])
        if table.span:
            placed[table.span[0]] = (table.span[1], task_id, board_id)
            start, end = table.span
            pipe = not table.html and not report.tables[-1].transposed
            origin.text = "\n".join(lines[start:end]) if pipe else ""
            origin.head = lines[start:start + 2] if pipe else []
            origin.rows = [(n, lines[n - 1] if pipe else "") for n in row_lines]
            origin.left = [lines[d.line - 1] for d in report.rows_dropped[dropped_before:]
                           if pipe and not d.kept and start < d.line <= end]
        else:
            origin.rows = [(n, "") for n in row_lines]
        report.origins[(task_id, board_id)] = origin
    for task_id, page_text in _page_layouts(tokens, text, path, placed, tasks).items():
        for lb in tasks[task_id]["leaderboards"]:  # rows not imported stay as written
            origin = report.origins[(task_id, lb["id"])]
            if origin.left and origin.head:
                page_text = page_text.replace(page_marker(lb["id"]), "\n".join(
                    [page_marker(lb["id"]), ""] + origin.head + origin.left), 1)
        tasks[task_id]["page"] = _safe_links(page_text, page, report)
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
        sentence = re.split(r"\. |。|！|？|；", table.before)[0].rstrip(":.：，,").strip()
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
    if _transposed(table, roles):
        table = _transpose(table)
        roles = {h: _role(h, columns) for h in table.header}
        entry.header, entry.rows = table.header, len(table.rows)
        entry.transposed = True
    multi, metric_cols = _columns(table, roles)
    entry.numbers = bool(metric_cols)
    model_col = _name_column(table, roles, metric_cols)
    first = table.header[model_col if model_col is not None else 0].strip() \
        if table.header else ""
    if metric_cols and (STATISTICS.match(first) or _counts(table, metric_cols, model_col)):
        entry.why_not = (f"its rows are {first.lower() or 'items'} and its columns count "
                         "them: a table of statistics")
        return None
    settings = _settings(table, metric_cols)
    if settings:
        entry.why_not = f"a table of settings, not results ({settings})"
        return None
    if model_col is None or not metric_cols or not table.rows:
        entry.why_not = ("no column names the rows" if model_col is None else
                         "no column of numbers" if not metric_cols else "no rows")
        return None
    # the row's place ('Rank' 1, 2, 3; '排名' 🥇): the site ranks rows itself
    places = [i for i in metric_cols if _is_place(table, i)]
    metric_cols = [i for i in metric_cols if i not in places]
    if not metric_cols:
        entry.why_not = "its only numbers are the rows' places (Rank), not scores"
        return None
    # a setting beside the results ('epochs', 'Layers') is a note of each row, not a metric
    metric_cols = [i for i in metric_cols if i != model_col
                   and not (_SETTING.match(table.header[i].strip()) and roles[table.header[i]] is None)]
    extra = _name_columns(table, roles, metric_cols, model_col)
    # where a row's name is a placeholder ('TBA'), the next column that names rows
    spare = _name_column(table, {**roles, table.header[model_col]: "ignore"}, metric_cols) \
        if table.header.count(table.header[model_col]) == 1 else None
    entry.leaderboard = True
    entry.mapping = {h: ("model" if i == model_col else "metric" if i in metric_cols
                         else "model (in brackets)" if i in extra
                         else "the row's place (not imported: the site ranks rows itself)"
                         if i in places
                         else roles[h] or "not mapped (text)")
                     for i, h in enumerate(table.header)}
    metric_names, slots = [], []  # slots: (column, part of a cell or None)
    for i in metric_cols:
        base = table.header[i] or f"Column {i + 1}"
        parts = multi.get(i, [None])
        named = _part_names(base, parts, f"{table.before}")
        for part, name in zip(parts, named):
            while name in metric_names:
                name += " (2)"
            metric_names.append(name)
            slots.append((i, part))
        if i in multi:
            entry.mapping[table.header[i]] = "metrics " + ", ".join(f"'{n}'" for n in named)
    results, bold, units = _results(page, table, roles, model_col, metric_cols, metric_names,
                                    slots, report, extra, spare)
    entry.results = len(results)
    if not results:
        entry.leaderboard = False
        entry.why_not = "no row could be read"
        return None
    metrics = _metrics(page, table, title, metric_names, results, bold, report,
                       dict(zip(metric_names, slots)))
    for metric in metrics:
        if units.get(metric["name"]):
            metric["unit"] = units[metric["name"]]
    return {"metrics": metrics, "results": results, "lines": [r.pop("_line") for r in results]}


_GENERIC = re.compile(r"^(scores?|results?|performance|metrics?|values?|numbers?|evaluation)$",
                      re.I)


def _part_names(base: str, parts: list, hint: str = "") -> list[str]:
    """The metrics' names of a column whose cells hold several numbers: by their labels
    ('SQuAD' with 'F1:92.3 EM:86.6' -> 'SQuAD F1', 'SQuAD EM'); by position, after the
    header's own parts ('Dev/Test WER' -> 'Dev WER', 'Test WER') or those the sentence
    before the table gives ('EM / F1'), else numbered ('MRPC (1)', 'MRPC (2)'); a number
    in brackets after another is 'NAME (in brackets)'."""
    if parts == [None]:
        return [base]
    if all(isinstance(p, str) for p in parts):
        if _GENERIC.match(base.strip()) or base.startswith("Column "):
            return list(parts)
        return [f"{base} {p}" for p in parts]
    count = len({k for k, _ in parts})
    names = None
    if count > 1:
        head = re.fullmatch(r"\s*(\S.*?)\s*/\s*(\S.*?)(?:\s+(\S+))?\s*", base) if count == 2 else None
        split = [h.strip() for h in base.split("/")]
        if len(split) == count and all(split):
            names = split
            if head and head[3] and " " not in head[1]:  # 'Dev/Test WER': WER is both's
                names = [f"{head[1]} {head[3]}", f"{head[2]} {head[3]}"]
        else:
            said = re.findall(r"([A-Za-z][\w@.-]*(?:\s*/\s*[A-Za-z][\w@.-]*)+)", hint or "")
            found = [[w.strip() for w in m.split("/")] for m in said]
            found = [f for f in found if len(f) == count]
            if found:
                names = [f"{base} {w}".strip() for w in found[-1]]
    out = []
    for k, bracket in parts:
        name = names[k] if names else (f"{base} ({k + 1})" if count > 1 else base)
        out.append(f"{name} ({bracket})" if bracket else name)
    return out


def _columns(table, roles: dict[str, str | None]) -> tuple[dict[int, list], list[int]]:
    """(the columns whose cells hold several numbers, with their parts: labels such as
    'F1', 'EM', or positions 0, 1; the metrics' columns)."""
    multi: dict[int, list] = {}
    metric_cols = []
    for i, h in enumerate(table.header):
        if roles[h] in KINDS and roles[h] != "model":
            continue
        cells = [_raw_cell(r[i]) if i < len(r) else "" for _, r in table.rows]
        read = [cell_value(c) for c in cells if c.strip()]
        split = [cell_parts(c) if c.strip() else None for c in cells]
        several = [p for p in split if p and (len(p) > 1 or isinstance(p[0][0], str))]
        split_filled = [p for c, p in zip(cells, split) if c.strip()]
        filled = [r for r, p in zip(read, split_filled) if r[0] is not None or r[3] is not None or p]
        numeric = [r for r, p in zip(read, split_filled) if r[0] is not None or p]
        if several and len(several) * 2 >= len(filled):
            parts: list = []
            labelled = all(isinstance(key, str) for p in several for key, _ in p)
            for (_, row), p in zip(table.rows, split):
                if p and (labelled == all(isinstance(key, str) for key, _ in p)):
                    parts += [key for key in _keys(p, row, table, i) if key not in parts]
            multi[i] = parts
            metric_cols.append(i)
        elif roles[h] == "metric" or (filled and len(numeric) >= max(1, len(filled) // 2)
                                      and roles[h] != "model"):
            metric_cols.append(i)
    return multi, metric_cols


def _keys(parts: list, row: list, table, column: int) -> list:
    """The keys of a cell's labelled parts in its row, each named with the dataset it was
    measured on where the row says so: the list in another cell with as many items ('PTB',
    'WikiText-2' -> 'PTB Perplexity', 'WikiText-2 Perplexity'), or, for one value, a
    'Dataset' column's cell ('CIFAR-10 Test Error'), so results on different datasets are
    not ranked together; else a repeated label is numbered."""
    keys = [key for key, _ in parts]
    labels = [k for k in keys if isinstance(k, str)]
    if not labels:
        return keys
    for j, cell in enumerate(row):
        raw = _raw_cell(cell)
        if j == column:
            continue
        if "<li" in raw.lower():
            items = [plain_text(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", html.unescape(x)))
                     for x in re.split(r"<li\b[^>]*>", raw, flags=re.I)[1:]]
        elif j < len(table.header) and _DATASETS.match(table.header[j].strip()):
            items = [plain_text(_inline_plain(cell))]
        else:
            continue
        items = [x for x in items if x]
        if len(items) == len(keys) and not any(re.fullmatch(r"[-+]?\d[\d.,]*%?", x) for x in items):
            return [f"{item} {key}".strip() if isinstance(key, str) else key
                    for item, key in zip(items, keys)]
    if len(set(labels)) == len(labels):
        return keys
    out, seen = [], {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 or not isinstance(key, str) else f"{key} ({seen[key]})")
    return out


_DATASETS = re.compile(r"^(datasets?|benchmarks?|data|数据集)$", re.I)


# headers of a table that counts what its rows are (datasets, splits): statistics, not results
_COUNT = re.compile(r"^(#|(number|num|no\.)( of)?\s|(size|samples|images|classes|categories|"
                    r"sentences|tokens|words|examples|instances|documents|docs|hours|speakers|"
                    r"vocab(ulary)?( size)?|pairs|videos|clips|utterances|subjects|patients|"
                    r"cases|scans|volumes|slices|total|avg\.? length|start year|end year|"
                    r"(object )?classes|"
                    r"year|languages|domains|modality|resolution)$)", re.I)
# the kind of thing a row is when it is not a model: a table with methods as its columns
_NOT_MODELS = re.compile(r"^(organs?|tasks?|challenges?|datasets?|benchmarks?|metrics?|measures?|class(es)?|"
                         r"categor(y|ies)|structures?|targets?|regions?|lesions?|subsets?|"
                         r"splits?|settings?|scenarios?|languages?|domains?|criteri(a|on)|"
                         r"器官|任务|数据集|指标)$", re.I)


# headers of a table that sets models up (their sizes, their training), not one of results
_SETTING = re.compile(r"^(layers?|#? ?layers|heads?|#? ?heads|hidden( size| dim\.?)?|embedding"
                      r"( dim\.?| size)?|dim(ension)?s?\.?|depth|width|channels|patch size|"
                      r"learning rate|lr|batch( size)?|epochs?|steps|warm-?up( steps)?|dropout|"
                      r"weight decay|学习率|批大小|层数|隐层维度)$", re.I)


def _settings(table, metric_cols: list[int]) -> str:
    """Why the table holds settings rather than results: every number column names a
    setting (Layers, Heads, Learning rate...), or its values are written as 3e-5."""
    if not metric_cols:
        return ""
    if all(_SETTING.match(table.header[i].strip()) for i in metric_cols):
        return "its number columns are " + ", ".join(table.header[i] for i in metric_cols)
    cells = [_raw_cell(r[i]).strip() for _, r in table.rows for i in metric_cols if i < len(r)]
    cells = [c for c in cells if cell_value(c)[0] is not None]
    tiny = [c for c in cells if re.fullmatch(r"\**\d(\.\d+)?e-\d+\**", c, re.I)]
    if cells and len(tiny) * 5 >= len(cells) * 4:
        return f"its values are written like {tiny[0]}, as learning rates are"
    return ""


_PLACE = re.compile(r"^(rank(ing)?|排名|名次|#|no\.?|position|place)(\s*\(\d+\))?$", re.I)


def _is_place(table, column: int) -> bool:
    """Whether a column gives each row's place: headed Rank, 排名, # (not 'Mean rank'), its
    cells whole numbers no larger than the table is long, or medals."""
    if not _PLACE.match(table.header[column].strip()):
        return False
    cells = [plain_text(_inline_plain(r[column])) for _, r in table.rows if column < len(r)]
    cells = [c for c in cells if c and not re.fullmatch(r"[-–—]+", c)]
    places = [c for c in cells if re.fullmatch(r"\d{1,4}", c) and int(c) <= len(table.rows) + 5
              or re.fullmatch(r"[\U0001F3C5-\U0001F3C6\U0001F947-\U0001F949\uFE0F\s]+", c)]
    return bool(cells) and len(places) * 5 >= len(cells) * 4


def _counts(table, metric_cols: list[int], name_col: int | None = None) -> bool:
    """Whether the table's columns count things (#Train, Size, Number of Images...): most
    of its number columns, or most of its columns besides the name's."""
    counted = [i for i in metric_cols if _COUNT.match(table.header[i].strip())]
    others = [i for i, h in enumerate(table.header) if i != name_col and h.strip()]
    counting = [i for i in others if _COUNT.match(table.header[i].strip())]
    return bool(metric_cols) and (len(counted) * 2 > len(metric_cols)
                                  or len(counting) * 2 > len(others))


def _transposed(table, roles: dict) -> bool:
    """A table with methods as its columns and what they are measured on as its rows: its
    first column names organs, tasks, datasets or metrics ('Organ | nnU-Net | TransUNet'),
    and its other headers are not metrics or counts."""
    if len(table.header) < 3 or not table.rows:
        return False
    first = table.header[0].strip()
    others = [h for h in table.header[1:] if h.strip()]
    if not others or any(roles.get(h) for h in others):
        return False
    if any(directions.from_name(h) or _COUNT.match(h.strip()) for h in others):
        return False
    names = [plain_text(_inline_plain(r[0])) for _, r in table.rows if r]
    metric_rows = [n for n in names if n and directions.from_name(n)]
    if not first:
        return len(metric_rows) * 2 > len(names)
    # model names are written as names: capitals inside, digits, hyphens ('nnU-Net', 'GPT-4')
    named = [h for h in others if re.search(r"\w[A-Z]|\d|-|^[A-Z]{2,}|\bet al\b", h.strip())]
    return bool(_NOT_MODELS.match(first)) and len(named) * 2 > len(others)


def _transpose(table):
    """The table turned: one row per column of methods, one column per row."""
    from generator.importers.loose_tables import _inline_of, _Table

    names = [plain_text(_inline_plain(r[0])) if r else "" for _, r in table.rows]
    header = [table.header[0] or "Model"] + [n or f"Row {k + 1}" for k, n in enumerate(names)]
    rows = []
    for i, h in enumerate(table.header[1:], start=1):
        cells = [_inline_of(h)] + [r[i] if i < len(r) else _inline_of("") for _, r in table.rows]
        rows.append((table.line, cells))
    turned = _Table(table.line, ["Model"] + header[1:], rows, table.before, table.span,
                    table.html)
    return turned


_NAME_WORDS = re.compile(r"^(title|paper|papers|publication|work|reference|author|"
                         r"first author|authors)\b", re.I)


def _name_column(table, roles: dict, metric_cols: list[int]) -> int | None:
    """The column that names the rows, found by content, the first of: a column headed
    as models (Model, Method, System...) with names in it; the first other text column
    whose cells are nearly all distinct; a paper or title column; an author column."""
    tiers: dict[int, int] = {}
    distinct: dict[int, float] = {}
    for i, h in enumerate(table.header):
        if i in metric_cols and roles[h] != "model":
            continue
        if roles[h] in ("code", "weights", "date", "notes", "ignore"):
            continue
        cells = [plain_text(_inline_plain(r[i])) for _, r in table.rows if i < len(r)]
        filled = [c for c in cells if c]
        if not filled or len([c for c in filled if cell_value(c)[0] is not None]) * 2 > len(filled):
            continue
        if roles[h] == "model":
            tiers.setdefault(0, i)
        elif len(set(filled)) < 0.6 * len(filled) or len(filled) * 2 < len(cells):
            tiers.setdefault(4, i)  # names that repeat (two systems of one paper): the last resort
        elif re.match(r"^(first )?authors?\b", h.strip(), re.I):
            tiers.setdefault(3, i)
        elif roles[h] == "paper" or _NAME_WORDS.match(h.strip()):
            tiers.setdefault(2, i)
        else:  # the most nearly distinct ('Train Recipe' rather than 'Toolkit')
            distinct[i] = len(set(filled)) / len(filled)
            if 1 not in tiers or distinct[i] > distinct[tiers[1]]:
                tiers[1] = i
    return tiers[min(tiers)] if tiers else None


_DATA_COLUMN = re.compile(r"^(data|training data|train(ing)? set|eval(uation)?|tracks?|"
                          r"challenges?|test sets?|corpus|corpora)$", re.I)


def _name_columns(table, roles: dict, metric_cols: list[int], model_col: int) -> list[int]:
    """The columns that complete a name which repeats (TridentNet's 'Faster' with its
    backbone, head and schedule): the other text columns, left to right, until each row's
    name is its own (at most three)."""
    def names(cols):
        return [tuple(plain_text(_inline_plain(r[c])) if c < len(r) else "" for c in cols)
                for _, r in table.rows]
    cols = [model_col]
    rows = [n for n in names(cols) if any(n)]
    if not rows or len(set(rows)) > 0.75 * len(rows):
        return []  # a name repeated once or twice: the same model twice (ids tell them apart)
    for i, h in enumerate(table.header):
        if len(set(rows)) == len(rows) or len(cols) > 3:
            break
        if i == model_col or i in metric_cols or roles[h] not in (None, "model"):
            continue
        cells = [plain_text(_inline_plain(r[i])) for _, r in table.rows if i < len(r)]
        if not any(cells) or "](" in "".join(_raw_cell(r[i]) for _, r in table.rows if i < len(r)):
            continue
        if _DATA_COLUMN.match(h.strip()) or _NOT_MODELS.match(h.strip()):
            continue  # the data a row was measured on is not part of the model's name
        if {c.lower() for c in cells if c} <= {"yes", "no", "y", "n", "✓", "✗", "✔", "true",
                                                 "false", "x", "-"}:
            continue  # a yes/no column says something of the row, not its name
        if len(set(names(cols + [i]))) > len(set(names(cols))):
            cols.append(i)
            rows = [n for n in names(cols) if any(n)]
    return cols[1:]


def _link_role(label: str, url: str) -> str | None:
    """What a link in a row's name cell points to, by its label, else by its host:
    'paper', 'code', 'weights', or None (a page of the model)."""
    low = re.sub(r"^\W+|\W+$", "", label.strip().lower())
    if re.fullmatch(r"(paper|pdf|arxiv|publication|论文)", low):
        return "paper"
    if re.fullmatch(r"(code|github|official( code)?|implementation|repo|代码)", low):
        return "code"
    if re.fullmatch(r"(weights?|checkpoints?|ckpt|model|download|pretrained|权重)", low):
        return "weights"
    host = urls_host(url)
    if re.search(r"(^|\.)(arxiv\.org|openreview\.net|aclanthology\.org|aclweb\.org|doi\.org|"
                 r"papers\.nips\.cc|proceedings\.|openaccess\.thecvf\.com|ieeexplore|"
                 r"dl\.acm\.org|springer|sciencedirect|semanticscholar|"
                 r"paperswithcode\.com)", host) or url.lower().endswith(".pdf"):
        return "paper"
    if re.search(r"(^|\.)(github\.com|gitlab\.com|bitbucket\.org|gitee\.com)$", host):
        return "code"
    if re.search(r"(^|\.)(huggingface\.co|drive\.google\.com|pan\.baidu\.com|"
                 r"dropbox\.com|zenodo\.org|modelscope\.cn)$", host):
        return "weights"
    return None


def urls_host(url: str) -> str:
    from urllib.parse import urlsplit
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


_LINK_WORD = re.compile(r"\W*(paper|pdf|arxiv|code|github|link|official|weights?|checkpoints?|"
                        r"ckpt|model|download|project( page)?|page|demo|website|论文|代码|链接)\W*",
                        re.I)


_LINK_ASIDE = re.compile(r"\b(code|pytorch|tensorflow|keras|caffe|jax|mxnet|paddle|"
                         r"implementation|github|paper|arxiv|pdf|project|in press)\b", re.I)


def _name_cell(cell) -> tuple[str, list[tuple[str, str, str | None]]]:
    """(the row's name, its links as (label, url, role)): the cell's text without the links
    that say what they point to ('BERT [paper](..) [code](..)' -> 'BERT'); a link whose
    text is the name keeps its text in the name, and its target is the paper, code or
    weights by its host."""
    links, parts, label, href = [], [], None, None
    for child in cell.children or []:
        if child.type == "link_open":
            href, label = child.attrGet("href") or "", []
        elif child.type == "link_close":
            text = "".join(label).strip()
            if _http(href):
                links.append((plain_text(text), href, _link_role(text, href)))
            before = plain_text("".join(parts)).strip()
            # after the name, a link in brackets or naming code is a note on it:
            # 'Title (MICCAI2019)', 'Title, (Keras code)', 'solution (pytorch)'
            aside = before and (text.startswith(("(", "[")) or before.endswith(("(", "[", ","))
                                or _LINK_ASIDE.search(text))
            if not _LINK_WORD.fullmatch(text) and not aside:
                parts.append(text)
            label = None
        elif child.type in ("text", "code_inline"):
            (label if label is not None else parts).append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            (label if label is not None else parts).append(" ")
    name = plain_text("".join(parts)).strip(" \t,;|/")
    name = re.sub(r"\(\s*\)|\[\s*\]", "", name).strip(" \t,;|/")
    return " ".join(name.split()), links


def _results(page: str, table, roles: dict, model_col: int, metric_cols: list[int],
             metric_names: list[str], slots: list[tuple], report: LooseReport,
             extra: list[int] = (), spare: int | None = None
             ) -> tuple[list[dict], set, dict[str, str]]:
    """The table's rows read as results, the (result index, metric) of the bold values and
    each metric's unit ('%', 'M') when its values are written with one; every row or cell
    not read goes into ``report``."""
    results, bold, group = [], set(), None
    suffixes: dict[str, dict[str, int]] = {}
    marked = _marked_names(table, model_col)
    for line, cells in table.rows:
        if not any(_raw_cell(c).strip() for c in cells):
            continue  # '|||||': a spacer row holds nothing to keep
        model, links = _name_cell(cells[model_col]) if model_col < len(cells) else ("", [])
        mark = re.search(r"\s*([*†‡]+)$", model)
        if mark and model[:mark.start()] and model[:mark.start()] not in marked:
            model = model[:mark.start()]  # 'Model*': the mark is a note (below)
        else:
            mark = None  # 'Ours' and 'Ours*' in one table: the mark tells them apart
        if _PLACEHOLDER.fullmatch(model) and spare is not None and spare < len(cells) \
                and plain_text(_inline_plain(cells[spare])):
            model = f"{plain_text(_inline_plain(cells[spare]))} ({model})"  # 'Team X (TBA)'
        more = [plain_text(_inline_plain(cells[j])) for j in extra if j < len(cells)]
        if model and any(more):
            model = f"{model} ({', '.join(m for m in more if m)})"
        others = [plain_text(_inline_plain(c)) for j, c in enumerate(cells)
                  if j != model_col and j not in extra]
        if model and not any(o.strip() for o in others):  # '| *CNN-based Models* |'
            group = model
            report.rows_dropped.append(CellProblem(page, line, model_col + 1,
                                                   table.header[model_col], model,
                                                   "a label for the rows below it (kept "
                                                   "as their note)", kept=True))
            continue
        if not model:
            report.rows_dropped.append(CellProblem(page, line, model_col + 1,
                                                   table.header[model_col], "",
                                                   "no name in its name column"))
            continue
        result: dict = {"model": model, "values": {}, "_line": line}
        notes = [f"group: {group}"] if group else []
        if mark:
            notes.append(f"marked {mark[1]}")
        unread = read = 0
        for (i, part), name in zip(slots, metric_names):
            raw = _raw_cell(cells[i]) if i < len(cells) else ""
            if part is not None:
                pieces = cell_parts(raw)
                if pieces is None:  # one value where the column holds several
                    first = part == metric_part_first(slots, i)
                    if isinstance(part, str) and cell_value(raw)[0] is not None:
                        if first:
                            report.cells.append(CellProblem(
                                page, line, i + 1, table.header[i], raw.strip(),
                                "one number where the column's cells are labelled; which "
                                "is it?"))
                        raw = ""
                    elif not first:
                        raw = ""  # the first part reads it (a dash, a number, a problem)
                else:
                    raw = dict(zip(_keys(pieces, cells, table, i),
                                   (text for _, text in pieces))).get(part, "")
            number, plus, found, problem = cell_value(raw)
            pieces = cell_parts(raw) if problem and part is None else None
            if pieces:  # several numbers in a column of one: the first, the rest as notes
                number, plus, found, problem = cell_value(pieces[0][1])
                raw = pieces[0][1]
                for label, text in pieces[1:]:
                    also = cell_value(text)
                    number_text = re.search(r"[-+]?\d[\d.,]*%?", _strip_sup(text))
                    shown = number_text[0] if number_text and also[0] is not None else "?"
                    said = f"{label} " if isinstance(label, str) else \
                        ("in brackets " if label[1] else "")
                    found = found + [f"also {said}{shown}"] + also[2]
                if isinstance(pieces[0][0], str):
                    found.insert(0, f"written as '{pieces[0][0]}'")
            notes += [f"{name}: {n}" for n in found]
            if problem:
                report.cells.append(CellProblem(page, line, i + 1, table.header[i],
                                                raw.strip(), problem))
                result["values"][name] = None
                unread += 1
                continue
            result["values"][name] = number
            if number is not None:
                read += 1
                unit = value_suffix(raw)
                counted = suffixes.setdefault(name, {})
                counted[unit or ""] = counted.get(unit or "", 0) + 1
            if plus is not None:
                result.setdefault("uncertainty", {})[name] = plus
            if number is not None and i < len(cells) and (is_bold(cells[i]) or
                                                          re.match(r"\s*\*\*", raw)):
                bold.add((len(results), name))
        if not read:  # nothing to rank it by: kept on the page as it was written
            report.rows_dropped.append(CellProblem(
                page, line, model_col + 1, table.header[model_col], model,
                "no value could be read" if unread else "no value: every score is empty "
                "or a dash"))
            continue
        for label, url, role in links:
            if role == "paper" and "paper" not in result:
                result["paper"] = url
            elif role == "code":
                result.setdefault("code", []).append({"label": label or "code", "url": url})
            elif role == "weights":
                result.setdefault("weights", []).append({"label": label or "weights",
                                                         "url": url})
            elif "paper" not in result:  # the name's own link: the paper or its page
                result["paper"] = url
            else:
                notes.append(f"link: {url}")
        _other_cells(table.header, cells, roles, model_col, list(metric_cols) + list(extra),
                     result, notes)
        if notes:
            result["notes"] = "; ".join(notes)
        results.append(result)
    units = {}
    for name, counted in suffixes.items():
        written = {u for u in counted if u}
        if len(written) == 1 and counted[next(iter(written))] * 2 > sum(counted.values()):
            units[name] = next(iter(written))
    return results, bold, units


def _marked_names(table, model_col: int) -> set[str]:
    """The names written both with and without a mark in the table ('Ours', 'Ours*')."""
    names = [_name_cell(r[model_col])[0] for _, r in table.rows if model_col < len(r)]
    plain = {re.sub(r"\s*[*†‡]+$", "", n) for n in names if re.search(r"[*†‡]$", n)}
    return {n for n in plain if n in names or names.count(n + "*") + names.count(n + "†") > 1}


def _strip_sup(text: str) -> str:
    return _SUP.sub("", text)


_PLACEHOLDER = re.compile(r"(tba|tbd|to be (announced|determined)|n/?a|unknown|anonymous|\?+)",
                          re.I)


def metric_part_first(slots: list[tuple], column: int):
    """The first part of a column's metrics (where a lone value of it goes)."""
    return next(part for i, part in slots if i == column)


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
            elif cell_text and cell_text.lower() not in ("-", "n/a", "—"):
                notes.append(f"{h}: {cell_text}")  # 'CVPR'14': said, though not a year
        elif role == "notes" and cell_text:
            notes.append(cell_text)
        elif cell_text and cell_text.lower() not in ("-", "n/a", "—"):
            notes.append(f"{h}: {cell_text}" if h else cell_text)


# measures a heading or sentence may name for the columns below it: unambiguous ones only
_CONTEXT_LOWER = re.compile(r"\b(word error rates?|character error rates?|error rates?|WER|CER|"
                            r"FID|KID|FVD|Hausdorff( distance)?|HD95|(average )?surface "
                            r"distance|ASSD|perplexity|RMSE|MAE|mean absolute error|"
                            r"(mean )?squared error|equal error rate|EER)\b", re.I)


def _metrics(page: str, table, title: str, metric_names: list[str], results: list[dict],
             bold: set, report: LooseReport, slots_of: dict | None = None) -> list[dict]:
    """The metrics with their directions from the page's evidence (or the command line's
    --lower-is-better/--higher-is-better, by metric or column), each decision in the
    report."""
    slots_of = slots_of or {}
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
        prose = _prose_direction(table.before, name)
        context = None
        if prose is None and directions.from_name(name) is None:
            # the sentence or heading over the table names the measure ('95% Hausdorff
            # distance', 'Word error rate (%)') that its columns ('clean', 'Spleen') give
            found = _CONTEXT_LOWER.search(f"{table.before} {title}")
            context = found[0] if found else None
        header = next((table.header[i] for i, _ in [slots_of.get(name, (None, None))]
                       if i is not None), name)
        given = report.given.get(name) or report.given.get(header)
        decision = directions.decide(
            name, order=order, bold=bold_here,
            prose=prose or (directions.LOWER if context else None),
            explicit=(given, f"--{given}-is-better") if given else None)
        reason = decision.reason if not context or decision.direction != directions.LOWER \
            else f"'{name}': lower is better: the table's heading or sentence names " \
                 f"'{context}', which is lower-is-better"
        line = (f"{page}:{table.line}: {title}: {decision.direction} "
                f"({'context' if context and decision.source == 'prose' else decision.source}): "
                f"{reason}")
        report.decisions.append(line)
        if decision.by_default:
            report.review.append(("default", line))
        elif decision.against_name:
            report.review.append(("against", line + "; " + "; ".join(decision.against)))
        metric = {"name": name}
        if decision.direction == directions.LOWER:
            metric["direction"] = "lower"
        metrics.append(metric)
    return metrics


_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\\[\[\]])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
                   r"|<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")


_EMAIL = re.compile(r"&lt;([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>")


def _safe_links(text: str, page: str, report: LooseReport) -> str:
    """A task's page with each link whose target the data does not allow (``mailto:``,
    ``javascript:``...) as its text, the address kept in words; each one in the report."""
    from generator.rules.links import safe_link

    code = _code_lines(_MD.parse(text))
    out = text.split("\n")
    for n, line in enumerate(out):
        if n in code or ("](" not in line and "<" not in line and "&lt;" not in line):
            continue

        def text_of(m):
            target = m[3] if m[3] is not None else m[4]
            if safe_link(target) or PAGE_MARKER.fullmatch(line):
                return m[0]
            report.links.append(CellProblem(page, n + 1, 0, "page text", m[0],
                                            "a link the data does not allow: kept as text"))
            label = m[2] if m[3] is not None else ""
            shown = target.split(":", 1)[1] if target.lower().startswith("mailto:") else target
            return f"{label} ({shown})" if label and label != shown else shown.replace("<", "")
        out[n] = _LINK.sub(text_of, line)
        for m in list(_EMAIL.finditer(out[n])):  # '<a@b.org>' (read as a tag, so escaped)
            report.links.append(CellProblem(page, n + 1, 0, "page text", m[0].replace(
                "&lt;", "<"), "an e-mail link, which the data does not allow: kept as text"))
        out[n] = _EMAIL.sub(lambda m: m[1], out[n])
    return "\n".join(out)


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
