"""The tables of a loose leaderboard page (``loose_page``): markdown and HTML tables read
from markdown-it-py's tokens into rows of cells with their lines, and a cell read as
written (a number with its uncertainty and footnote marks as notes)."""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.project.loader import number_from_text
from generator.importers import plain_text
from generator.rules.numbers import read_cell

_MD = MarkdownIt("commonmark").enable("table")

MODEL = re.compile(r"^(models?|methods?|approach(es)?|systems?|names?|architecture|network|"
                   r"backbones?|模型|方法|"
                   r"algorithm|submission|team|parser|tagger|classifier)\b", re.I)
PAPER = re.compile(r"^(paper|papers|source(?!\s*code)|reference|references|citation|publication|"
                   r"论文)\b|"
                   r"paper\s*/\s*source", re.I)
CODE = re.compile(r"^(code|source code|official( code| implementation)?|implementation|github|代码|repo"
                  r"(sitory)?)\b", re.I)
WEIGHTS = re.compile(r"^(weights|checkpoints?|pre-?trained( model)?s?|download)\b", re.I)
DATE = re.compile(r"^(year|date|published)\b", re.I)
NOTES = re.compile(r"^(notes?|comments?|remarks?|备注|说明|(model )?id)\b", re.I)
# a first column that names datasets, splits or features: a table of statistics or examples
STATISTICS = re.compile(r"^(datasets?|partitions?|splits?|statistics?|attributes?|features?|"
                        r"corpus|corpora|languages?|sets?)$", re.I)
KINDS = ("model", "paper", "code", "weights", "date", "notes", "ignore")

_SUP = re.compile(r"<sup>(.*?)</sup>", re.I | re.S)
_MARKS = re.compile(r"(\\?[*†‡§¶])+$")
_HTML = re.compile(r"<[^>]+>")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _raw_cell(token: Token) -> str:
    return token.content if token is not None else ""


def normal(text: str) -> str:
    """A cell's text as numbers are read from it: full-width forms as their ASCII twins
    ('59.6（56.7)', '８５．１％', '：'), HTML line breaks and list items as line ends."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"<br\s*/?>|</li>|</p>", "\n", text, flags=re.I)


_NUMBER = r"[-+−]?\d[\d,]*(?:\.\d+)?(?:\s*(?:±|\+/-|\+-)\s*\d[\d.]*)?\s*(?:%|[KMBG]\b)?"
_LABELLED = re.compile(r"(?P<label>(?:\d+ )?[A-Za-z][\w.@\-]*(?: [A-Za-z0-9][\w.@\-]*){0,3})\s*[:=]\s*"
                       rf"(?P<value>(?:\*\*)?{_NUMBER}(?:\*\*)?)")
_BRACKETED = re.compile(rf"^(?P<a>(?:\*\*)?{_NUMBER}(?:\*\*)?[*†‡]*)\s*\(\s*"
                        rf"(?P<b>(?:\*\*)?{_NUMBER}(?:\*\*)?[*†‡]*)\s*\)$")
_SEPARATED = re.compile(r"\s*(?:\n|;|\|)\s*")


def cell_parts(raw: str) -> list[tuple[object, str]] | None:
    """The numbers of a cell that holds more than one, each with a key saying which it is.

    - labelled: ``F1:92.30 EM:86.60`` -> [('F1', '92.30'), ('EM', '86.60')]; list items
      ``Perplexity: 35.76``, ``94.08% UAS``; a line without a number heads the labels
      below it (``DUC-2004`` then ``ROUGE-1: 32.28`` -> 'DUC-2004 ROUGE-1');
    - by position: ``93.0/90.7``, ``84.3<br>85.9`` -> keys (0, ''), (1, ''); a number in
      brackets after another is (k, 'in brackets'): ``65.5 (64.4) / 84.5 (84.0)`` -> (0, ''),
      (0, 'in brackets'), (1, ''), (1, 'in brackets').

    None for a cell of one plain value (or of text): it is read whole."""
    text = normal(raw).replace("<li>", "\n")
    footnotes = "".join(_SUP.findall(text))
    text = html.unescape(_HTML.sub("", _SUP.sub("", text))).replace("\\", "").strip()
    if re.search(r"\d.*(\*\*|__)|(\*\*|__).*\d", text):
        text = re.sub(r"\*\*|__", "", text)  # '95.4 **(95.3)**': bold on a part
    if not text:
        return None
    labelled = _labelled(text)
    if labelled:
        return labelled
    pieces = [p for p in _SEPARATED.split(text) if p]
    if len(pieces) == 1:
        pieces = [p.strip() for p in text.split("/")] if 1 <= text.count("/") <= 5 else pieces
    parts: list[tuple[object, str]] = []
    for k, piece in enumerate(pieces):
        bracketed = _BRACKETED.match(piece)
        # '59.6 (56.7)'; not '82.3 (3)', a footnote's number
        if bracketed and ("." in bracketed["b"] or "." not in bracketed["a"]):
            parts += [((k, ""), bracketed["a"].strip()), ((k, "in brackets"), bracketed["b"].strip())]
        elif re.fullmatch(rf"{_NUMBER}[*†‡]*", piece):
            parts.append(((k, ""), piece))
        else:
            return None
    if len(parts) < 2 or len(parts) > 8:
        return None
    if footnotes:  # a footnote after the last number is the cell's: kept with it
        parts[-1] = (parts[-1][0], parts[-1][1] + f"<sup>{footnotes}</sup>")
    return parts


_LIST = re.compile(rf"(?P<label>[A-Za-z][\w.@\-]*)\s*[:=]\s*\(\s*(?P<values>{_NUMBER}(?:\s+{_NUMBER})+)\s*\)")
_GROUPED = re.compile(r"\s*(?P<group>[A-Za-z][\w-]*)\s*\((?P<inner>[^()]*)\)\s*")
_BEFORE = re.compile(rf"^(?P<label>[A-Za-z][\w.@\-]*(?: [A-Za-z][\w.@\-]*){{0,3}})\s+(?P<value>{_NUMBER})$")
_AFTER = re.compile(rf"^(?P<value>{_NUMBER})\s+(?P<label>[A-Za-z][\w.@\-]*(?: [A-Za-z][\w.@\-]*){{0,3}})$")


def _labelled(text: str) -> list[tuple[object, str]] | None:
    """A cell's labelled numbers, line by line, or None when it is not all labelled."""
    parts, group = [], ""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not any(_LABELLED.search(line) or _LIST.search(line) for line in lines):
        return None
    for n, line in enumerate(lines):
        listed = _LIST.fullmatch(line)
        if listed:  # 'BLEU:(32.76 32.07 26.26)': one label, several values
            values = listed["values"].split()
            parts += [(f"{group} {listed['label']} ({k + 1})".strip(), v)
                      for k, v in enumerate(values)]
            continue
        # 'labeled (Rank-1: 63.93 mAP: 65.05) detected (...)': groups within the line
        inner = list(_GROUPED.finditer(line))
        if inner and not _GROUPED.sub("", line).strip():
            for g in inner:
                found = list(_LABELLED.finditer(g["inner"]))
                if not found or re.sub(r"[\s,;/|]", "", _LABELLED.sub("", g["inner"])):
                    return None
                parts += [(f"{group} {g['group']} {m['label'].strip()}".strip(), m["value"].strip())
                          for m in found]
            continue
        if re.fullmatch(rf"{_NUMBER}[*†‡]*", line):  # a bare value among labelled ones
            parts.append((group, line))
            continue
        found = list(_LABELLED.finditer(line))
        if found and not re.sub(r"[\s,;/|()\[\]]", "", _LABELLED.sub("", line)):
            parts += [(f"{group} {m['label'].strip()}".strip(), m["value"].strip()) for m in found]
            continue
        after = _AFTER.match(line) or _BEFORE.match(line)
        if after:
            parts.append((f"{group} {after['label'].strip()}".strip(), after["value"].strip()))
            continue
        if n + 1 < len(lines) and not re.fullmatch(rf"{_NUMBER}[*†‡]*", line) and len(line) <= 40:
            group = line  # 'DUC-2004': names the values below it
            continue
        return None
    return parts or None


def cell_value(raw: str) -> tuple[object, object, list[str], str | None]:
    """(number, uncertainty, notes, problem) of a metric cell as written: footnote marks and
    <sup> footnotes become notes; bold, entities and HTML are dropped."""
    notes = []
    text = normal(raw).replace("\n", " ")
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
    about = re.match(r"^(~|≈|about |approx\.? |circa |c\. )\s*(?=\d)", stripped, re.I)
    if about:  # '~257M': the number, said to be approximate
        notes.append("approximately")
        stripped = stripped[about.end():]
    marks = re.search(r"[*†‡§¶+?]+$", stripped)
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


def value_suffix(raw: str) -> str | None:
    """The unit a value is written with: '%' or a magnitude ('108M'), else None."""
    text = html.unescape(_HTML.sub("", _SUP.sub("", normal(raw)))).replace("\\", "").strip()
    text = re.sub(r"^(\*\*|__)(.*)\1$", r"\2", text).strip()
    text = re.sub(r"[*†‡§¶]+$", "", text).strip()
    cell = read_cell(text)
    return cell.suffix if cell is not None and cell.number is not None else None


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
    html: bool = False  # an HTML table (its text is not kept on a task's page)


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
            if tokens[j].map:  # nested in a list item too: it is kept as data, not twice
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
                                      tuple(tok.map) if tok.map else None)
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
        self.open = False  # inside a <tr> (or a row begun by a cell outside one)
        self.down = 1
        self.downs: dict[int, list[int]] = {}  # row -> each cell's rowspan
        self.in_head = False
        self.head_rows: set[int] = set()  # the rows of its <thead>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.rows.append((self.getpos()[0], []))
            self.open = True
            if self.in_head:
                self.head_rows.add(len(self.rows) - 1)
        elif tag in ("td", "th"):
            if not self.open:  # a cell outside any <tr> ('<th>Name</th>' after <tbody>)
                self.rows.append((self.getpos()[0], []))
                self.open = True
            self.cell, self.head = [], tag == "th"
            try:
                self.span = max(1, min(int(attrs.get("colspan") or 1), 50))
            except ValueError:
                self.span = 1
            try:
                self.down = max(1, min(int(attrs.get("rowspan") or 1), 50))
            except ValueError:
                self.down = 1
        elif tag == "a" and self.cell is not None:
            self.href = attrs.get("href") or ""
            self.cell.append("[")
        elif tag in ("br", "li", "p") and self.cell is not None:
            # a line of the cell: several values are read apart; list items are a list
            self.cell.append("<li>" if tag == "li" else "<br>")

    def handle_endtag(self, tag):
        if tag == "a" and self.cell is not None and self.href is not None:
            self.cell.append(f"]({self.href.replace(')', '%29').replace(' ', '%20')})")
            self.href = None
        elif tag == "tr":
            self.open = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1][1].append((self.head, self.span, " ".join("".join(self.cell).split())))
            self.downs.setdefault(len(self.rows) - 1, []).append(self.down)
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
    downs = [parser.downs.get(k, []) for k in range(len(parser.rows))]
    parser.rows = [(line, [(h, span, re.sub(r"^(<br>)+|(<br>)+$", "", text).strip())
                           for h, span, text in cells]) for line, cells in parser.rows]
    # the header: the rows of header cells the table starts with (a row of header cells
    # further down, 'PASCAL VOC Challenge' across the table, labels the rows below it)
    lead = 0
    if parser.head_rows:  # a <thead> says which rows are the header
        lead = max(parser.head_rows) + 1
    else:
        while lead < len(parser.rows) and (not parser.rows[lead][1] or all(
                h for h, _, _ in parser.rows[lead][1])):
            if lead and len(parser.rows[lead][1]) == 1 and parser.rows[lead][1][0][1] > 1:
                break  # one cell across the table below the header: a label of rows
            lead += 1
    heads = [(cells, downs[k]) for k, (_, cells) in enumerate(parser.rows[:lead]) if cells]
    header = _header_names([[(span, " ".join(re.sub(r"<br>|<li>", " ", text).split()), down)
                             for (_, span, text), down in zip(cells, rowspans + [1] * len(cells))]
                            for cells, rowspans in heads])
    width = len(header)
    body = [(line, cells) for line, cells in parser.rows[lead:] if cells]
    table_line = first + 1 + parts[0][1][:re.search(r"<table\b", parts[0][1], re.I).start()].count("\n")
    rows = []
    for line, cells in body:
        if len(cells) == 1 and cells[0][1] > 1 and cells[0][1] * 2 >= width:
            texts = [cells[0][2]]  # one cell across the table: a label of the rows below
        else:
            texts = [text for _, span, text in cells for _ in range(span)]
        rows.append((first + line, [_inline_of(text) for text in texts]))
    return _Table(table_line, header, rows, before, html=True)


def _header_names(rows: list[list[tuple[int, str, int]]]) -> list[str]:
    """Column names from header rows of (colspan, text, rowspan) cells: a cell spanning
    columns names their group ('Number of Images' over 'Train', 'Val'); one spanning rows
    is the name of its column in the rows below ('Challenge'); another cell of an upper
    row (a formula, a blank) is not part of the names below it."""
    grid: list[list[tuple[str, bool]]] = []  # per row, per column: (text, names the column)
    carry: dict[int, tuple[str, int]] = {}
    for cells in rows:
        row: list[tuple[str, bool]] = []
        queue = list(cells)
        while queue or any(c >= len(row) for c in carry):
            col = len(row)
            if col in carry:
                text, left = carry.pop(col)
                if left > 1:
                    carry[col] = (text, left - 1)
                row.append((text, True))
                continue
            if not queue:
                row.append(("", False))
                continue
            span, text, down = queue.pop(0)
            for k in range(span):
                if down > 1:
                    carry[col + k] = (text, down - 1)
                row.append((text, span > 1 or down > 1))
        grid.append(row)
    if not grid:
        return []
    names = []
    for col in range(len(grid[-1])):
        parts: list[str] = []
        for r, row in enumerate(grid):
            text, spans = row[col] if col < len(row) else ("", False)
            if text and (spans or r == len(grid) - 1) and text not in parts:
                parts.append(text)
        names.append(" ".join(parts).strip())
    return names


def _inline_of(text: str) -> Token:
    """A cell's markdown as the inline token a markdown table would give."""
    tokens = _MD.parseInline(text)
    return tokens[0] if tokens else Token("inline", "", 0, content=text, children=[])


def _inline_plain(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (
                child.type == "html_inline" and re.match(r"</?(br|p|li|ul|ol|div)\b", child.content, re.I)):
            parts.append(" ")
    return "".join(parts)


def _http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))
