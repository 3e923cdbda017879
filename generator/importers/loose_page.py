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
prose) through ``generator.directions``.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.token import Token

from generator.rules import directions
from generator.project.loader import number_from_text
from generator.rules import ids
from generator.rules.numbers import read_cell
from generator.rules.text import PAGE_MARKER, page_marker
from generator.importers import plain_text
from generator.importers.markdown_page import cell_links, is_bold

_MD = MarkdownIt("commonmark").enable("table")

MODEL = re.compile(r"^(models?|methods?|approach(es)?|systems?|names?|architecture|network|"
                   r"algorithm|submission|team|parser|tagger|classifier)\b", re.I)
PAPER = re.compile(r"^(paper|papers|source|reference|references|citation|publication)\b|"
                   r"paper\s*/\s*source", re.I)
CODE = re.compile(r"^(code|official( code| implementation)?|implementation|github|repo"
                  r"(sitory)?)\b", re.I)
WEIGHTS = re.compile(r"^(weights|checkpoints?|pre-?trained( model)?s?|download)\b", re.I)
DATE = re.compile(r"^(year|date|published)\b", re.I)
NOTES = re.compile(r"^(notes?|comments?|remarks?)\b", re.I)
# a first column that names datasets, splits or features: a table of statistics or examples
STATISTICS = re.compile(r"^(datasets?|partitions?|splits?|statistics?|attributes?|features?|"
                        r"corpus|corpora|languages?|sets?)$", re.I)
KINDS = ("model", "paper", "code", "weights", "date", "notes", "ignore")

_SUP = re.compile(r"<sup>(.*?)</sup>", re.I | re.S)
_MARKS = re.compile(r"(\\?[*†‡§¶])+$")
_HTML = re.compile(r"<[^>]+>")
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_PAIR = re.compile(r"^([^/]*\d[^/]*)/([^/]*\d[^/]*)$")  # '93.0/90.7'; not a link (no '/' more)


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


def _raw_cell(token: Token) -> str:
    return token.content if token is not None else ""


def cell_value(raw: str) -> tuple[object, object, list[str], str | None]:
    """(number, uncertainty, notes, problem) of a metric cell as written: footnote marks and
    <sup> footnotes become notes; bold, entities and HTML are dropped."""
    notes = []
    text = raw
    for sup in _SUP.findall(text):
        inner = plain_text(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", sup)).replace("\\", "")
        if inner:
            notes.append(f"footnote {inner}")
    text = _SUP.sub("", text)
    text = html.unescape(_HTML.sub("", text)).strip()
    text = text.replace("\\", "")
    stripped = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", text).strip()
    if re.fullmatch(r"[-−—–]+|\?", stripped):  # '---', a minus sign, a question mark: none
        return None, None, notes, None
    marks = re.search(r"[*†‡§¶+]+$", stripped)
    if marks and stripped[:marks.start()].strip() and not stripped.startswith("*"):
        notes.append(f"marked {marks[0]}")
        stripped = stripped[:marks.start()].strip()
    stripped = re.sub(r"^(\*\*|__|\*|_)(.*)\1$", r"\2", stripped).strip()
    cell = read_cell(stripped)
    if cell is None:
        # a value with words after it: '91.2 (single model)', '82.3 [8]'
        head = re.match(r"^([-+]?\d[\d.,]*%?)([*†‡§¶]*)\s*(\(.*\)|\[.*\])$", stripped)
        if head and read_cell(head[1]) is not None:
            if head[2]:
                notes.append(f"marked {head[2]}")
            notes.append(head[3].strip("()[]"))
            stripped = head[1]
            cell = read_cell(head[1])
    if cell is None:
        return None, None, notes, "not a number"
    if cell.number is None:
        return None, None, notes, None
    number = number_from_text(_number_text(stripped, cell))
    plus = None
    if cell.uncertainty is not None:
        plus = number_from_text(re.split(r"±|\+/-|\+-", stripped)[-1].strip().rstrip("%").strip())
    return number, plus, notes, None


def _number_text(text: str, cell) -> str:
    """The number as written, for the value's own text (so decimals are kept)."""
    found = re.search(r"[-+]?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?", text)
    if not found:
        return repr(cell.number)
    shown = found[0]
    if "," in shown and cell.note == "decimal comma":
        shown = shown.replace(",", ".")
    return shown.replace(",", "")


def _role(header: str, columns: dict[str, str]) -> str | None:
    if header in columns:
        return columns[header]
    for role, pattern in (("paper", PAPER), ("code", CODE), ("weights", WEIGHTS),
                          ("date", DATE), ("notes", NOTES), ("model", MODEL)):
        if pattern.search(header):
            return role
    return None


@dataclass
class _Table:
    line: int
    header: list[str]
    rows: list[tuple[int, list[Token]]]
    before: str  # the sentence before it
    span: tuple[int, int] | None = None  # its lines in the page (0-based, end excluded), at top level


def _tables(tokens: list[Token], page: str):
    """Yield (heading trail, table) in page order; heading trail = [(level, text, line)]."""
    trail: list[tuple[int, str, int]] = []
    last_text = ""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            text = plain_text(_inline_plain(tokens[i + 1]))
            trail = [t for t in trail if t[0] < level] + [(level, text, tok.map[0] + 1)]
            last_text = ""
            i += 3
            continue
        if tok.type == "paragraph_open":
            last_text = plain_text(_inline_plain(tokens[i + 1]))
            i += 3
            continue
        if tok.type == "html_block" and re.search(r"<table\b", tok.content, re.I):
            # an HTML table; a blank line inside it ends markdown's HTML block, so the
            # following blocks are its rest, up to </table>
            parts = [(tok.map[0], tok.content)]
            j = i
            while "</table" not in parts[-1][1].lower() and j + 1 < len(tokens) \
                    and tokens[j + 1].type == "html_block":
                j += 1
                parts.append((tokens[j].map[0], tokens[j].content))
            table = _html_table(parts, last_text)
            if tok.level == 0 and tokens[j].map:
                table.span = (tok.map[0], tokens[j].map[1])
            yield list(trail), table
            last_text = ""
            i = j + 1
            continue
        if tok.type == "table_open":
            header, rows, row, line, in_head = [], [], None, 0, False
            j = i
            while tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "thead_open":
                    in_head = True
                elif t.type == "thead_close":
                    in_head = False
                elif t.type == "tr_open":
                    row, line = [], (t.map[0] + 1 if t.map else tok.map[0] + 1)
                elif t.type == "inline" and row is not None:
                    row.append(t)
                elif t.type == "tr_close" and row is not None:
                    if in_head:
                        header = [plain_text(_inline_plain(c)) for c in row]
                    else:
                        rows.append((line, row))
                    row = None
                j += 1
            yield list(trail), _Table(tok.map[0] + 1, header, rows, last_text,
                                      tuple(tok.map) if tok.level == 0 else None)
            last_text = ""
            i = j + 1
            continue
        i += 1


class _HTMLTable(HTMLParser):
    """The rows of an HTML table: each a list of (is header, colspan, cell as markdown), with
    the offset where the row starts; links become markdown links, other tags go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[tuple[bool, int, str]]]] = []
        self.cell: list[str] | None = None
        self.head, self.span, self.href = False, 1, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append((self.getpos()[0], []))
        elif tag in ("td", "th") and self.rows:
            self.cell, self.head = [], tag == "th"
            try:
                self.span = max(1, min(int(attrs.get("colspan") or 1), 50))
            except ValueError:
                self.span = 1
        elif tag == "a" and self.cell is not None:
            self.href = attrs.get("href") or ""
            self.cell.append("[")
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "a" and self.cell is not None and self.href is not None:
            self.cell.append(f"]({self.href.replace(')', '%29').replace(' ', '%20')})")
            self.href = None
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1][1].append((self.head, self.span, " ".join("".join(self.cell).split())))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data.replace("[", "\\[").replace("]", "\\]") if self.href is None
                             else data)


def _html_table(parts: list[tuple[int, str]], before: str) -> _Table:
    """An HTML table as a table of this importer: the last header row names the columns,
    a row above it with spans groups them ('MultiWOZ 2.1 Joint Accuracy')."""
    parser = _HTMLTable()
    first = parts[0][0]
    offset = 0
    for start, content in parts:  # one parse; row lines counted from each part's own start
        parser.feed("\n" * (start - first - offset) + content)
        offset = start - first + content.count("\n")
    parser.close()
    heads = [cells for _, cells in parser.rows if cells and all(h for h, _, _ in cells)]
    body = [(line, cells) for line, cells in parser.rows if cells and not all(h for h, _, _ in cells)]
    header: list[str] = []
    if heads:
        names = [text for _, span, text in heads[-1] for _ in range(span)]
        # a cell of the row above that spans columns names their group; one that does not
        # (a formula, a blank) is not part of the names below it
        groups = [text if span > 1 else "" for _, span, text in heads[0] for _ in range(span)] \
            if len(heads) > 1 else []
        header = [" ".join(x for x in (groups[k] if k < len(groups) else "", name) if x).strip()
                  for k, name in enumerate(names)]
    table_line = first + 1 + parts[0][1][:re.search(r"<table\b", parts[0][1], re.I).start()].count("\n")
    rows = []
    for line, cells in body:
        texts = [text for _, span, text in cells for _ in range(span)]
        rows.append((first + line, [_inline_of(text) for text in texts]))
    return _Table(table_line, header, rows, before)


def _inline_of(text: str) -> Token:
    """A cell's markdown as the inline token a markdown table would give."""
    tokens = _MD.parseInline(text)
    return tokens[0] if tokens else Token("inline", "", 0, content=text, children=[])


def _inline_plain(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


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
        h1 = next((t for t in trail if t[0] == 1), None)
        task_title = h1[1] if h1 else _page_task_title(path)
        task_id = _task_id(task_title, path)
        sub = [t[1] for t in trail if t[0] > 1]
        title = " — ".join(sub) if sub else task_title
        if count_under[tuple(trail)] > 1 and table.before:
            sentence = table.before.split(". ")[0].rstrip(":.").strip()
            if len(sentence) > 80:  # a long sentence: its first words, cut between words
                sentence = sentence[:80].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"
            title = f"{title} — {sentence}" if sub else sentence
        entry = TableReport(page, table.line, title, table.header, rows=len(table.rows))
        report.tables.append(entry)
        roles = {h: _role(h, columns) for h in table.header}
        model_cols = [i for i, h in enumerate(table.header) if roles[h] == "model"]
        first_numbers = [r for _, r in table.rows if r and cell_value(_raw_cell(r[0]))[0] is not None]
        if not model_cols and table.header and len(first_numbers) <= len(table.rows) // 2 and (
                roles.get(table.header[0]) is None
                or (roles[table.header[0]] == "paper"
                    and [roles[h] for h in table.header].count("paper") > 1)):
            model_cols = [0]  # the first column names the rows ('Paper / Source' twice)
        pairs = set()  # columns whose cells hold two values, 'accuracy/F1'
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
        statistics = not model_cols or STATISTICS.match(table.header[model_cols[0]].strip())
        if statistics and model_cols:
            entry.why_not = (f"its rows are {table.header[model_cols[0]].strip().lower()}, not "
                             "models: statistics or examples")
            continue
        if not model_cols or not metric_cols or not table.rows:
            entry.why_not = ("no column names the rows" if not model_cols else
                             "no column of numbers" if not metric_cols else "no rows")
            continue
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
            for i, h in enumerate(table.header):
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
            if notes:
                result["notes"] = "; ".join(notes)
            results.append(result)
        entry.results = len(results)
        if not results:
            entry.leaderboard = False
            entry.why_not = "no row could be read"
            continue
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
            report.decisions.append(f"{page}:{table.line}: {title}: {decision.direction} ({decision.source}): {decision.reason}")
            metric = {"name": name}
            if decision.direction == directions.LOWER:
                metric["direction"] = "lower"
            metrics.append(metric)
        task = tasks.setdefault(task_id, {"title": task_title, "leaderboards": []})
        used = titles_used.setdefault(task_id, set())
        board_title = title
        n = 2
        while board_title in used:
            board_title, n = f"{title} ({n})", n + 1
        used.add(board_title)
        board_id = ids.slug(board_title, limit=90) or f"table-{table.line}"
        task["leaderboards"].append({"id": board_id, "title": board_title, "metrics": metrics,
                                     "results": results})
        if table.span:
            placed[table.span[0]] = (table.span[1], task_id, board_id)
    for task_id, page_text in _page_layouts(tokens, text, path, placed, tasks).items():
        tasks[task_id]["page"] = page_text
    report.html_removed += [(page, line, piece) for line, piece in _raw_html(text, tokens, placed)]
    return tasks


def _page_task_title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").capitalize()


def _task_id(title: str, path: Path) -> str:
    return ids.slug(title, limit=80) or ids.slug(path.stem) or "task"


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
