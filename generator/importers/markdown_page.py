"""Import: SotA-CV-style markdown pages -> plain data for task and dataset files.

Pages are read through markdown-it-py's token stream (CommonMark + GFM tables),
not line regexes: headings, paragraphs and tables are blocks whose source lines
are known, so prose is kept as the exact markdown it was written in and every
problem names its line.  The result is plain data; ``importers.write`` turns it
into files.

Decisions the importer takes are reported as notes (``PAGE.md:LINE: ...``):
which metrics are lower-is-better and why, placeholder rows dropped, the
highlight rule inferred from bold cells, rows that will be reordered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.rules import directions
from generator.views import ranking
from generator.project import validate
from generator.project.loader import number_from_text
from generator.project.model import Leaderboard, Metric, Result, Value
from generator.project.problems import InputError, Problem
from generator.rules import ids, urls

# Suffixes of model names that are tags, not part of the name: "+ COCO", "+ MS".
EXTRA_DATA = {"COCO", "ImageNet", "ImageNet-21k", "ImageNet-22k", "JFT", "JFT-300M", "Cityscapes",
              "Mapillary", "ADE20K", "SBD", "VOC", "OpenImages", "Objects365", "Places",
              "Places365", "IG-1B", "IG-3.5B", "YFCC100M", "extra data"}
MULTI_SCALE = {"MS", "multi-scale"}
NA = {"n/a", "na", "", "-", "—", "–"}
DATASET_LINK = re.compile(r"^datasets/([a-z0-9]+(?:[._-][a-z0-9]+)*)\.md$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
LINK_COLUMNS = ["Weights", "Paper", "Code"]

_MD = MarkdownIt("commonmark").enable("table")


@dataclass
class Block:
    """A top-level block of the page: its tokens and source lines [start, end)."""

    kind: str  # heading, paragraph, table, other
    tokens: list[Token]
    start: int
    end: int
    level: int = 0  # heading level

    @property
    def inline(self) -> Token | None:
        return next((t for t in self.tokens if t.type == "inline"), None)


@dataclass
class PageImport:
    task: dict
    datasets: dict[str, str]  # dataset id -> its leaderboard title, for stubs
    notes: list[Problem] = field(default_factory=list)


class _Page:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.notes: list[Problem] = []

    def error(self, line: int, message: str) -> InputError:
        return InputError(Problem(str(self.path), line, 0, message))

    def plain(self, line: int, text: str, what: str) -> str:
        """``text`` if it is plain text; HTML in a name is refused here, at the page's line."""
        tag = validate.HTML_TAG.search(text)
        if tag:
            raise self.error(line, f"{what} must be plain text, not HTML: {tag[0]!r}")
        return text

    def note(self, line: int, message: str) -> None:
        self.notes.append(Problem(str(self.path), line, 0, message, severity="warning"))

    def source(self, blocks: list[Block]) -> str | None:
        if not blocks:
            return None
        return "\n".join(self.lines[blocks[0].start:blocks[-1].end]).strip("\n") or None


def blocks_of(text: str) -> list[Block]:
    tokens = _MD.parse(text)
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1:
            depth = 0
            while True:
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        kind = {"heading_open": "heading", "paragraph_open": "paragraph",
                "table_open": "table"}.get(tok.type, "other")
        start, end = tok.map if tok.map else (0, 0)
        level = int(tok.tag[1]) if kind == "heading" else 0
        out.append(Block(kind, tokens[i:j + 1], start, end, level))
        i = j + 1
    return out


def inline_text(token: Token | None) -> str:
    """The plain text of an inline token: markup dropped, escapes resolved."""
    if token is None:
        return ""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def is_bold(token: Token) -> bool:
    kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return len(kids) >= 3 and kids[0].type == "strong_open" and kids[-1].type == "strong_close"


def cell_links(token: Token) -> tuple[list[tuple[str, str]], str]:
    """(label, href) pairs of a cell, and the text that stands outside any link."""
    links, outside, label, href = [], [], None, None
    for child in token.children or []:
        if child.type == "link_open":
            href, label = child.attrGet("href") or "", []
        elif child.type == "link_close":
            links.append(("".join(label).strip(), href))
            label = None
        elif label is not None:
            if child.type in ("text", "code_inline"):
                label.append(child.content)
        elif child.type == "text":
            outside.append(child.content)
    return links, "".join(outside).strip()


def _raw_cells(line: str) -> int:
    """How many cells a raw table row has (unescaped pipes, outer ones optional)."""
    s = line.strip()
    pipes = [i for i, ch in enumerate(s) if ch == "|" and (i == 0 or s[i - 1] != "\\")]
    count = len(pipes) + 1
    if s.startswith("|"):
        count -= 1
    if s.endswith("|") and not s.endswith("\\|") and len(s) > 1:
        count -= 1
    return count


def _split_unit(header: str) -> tuple[str, str | None]:
    name, sep, unit = header.rpartition(", ")
    if sep and name and unit and " " not in unit and len(unit) <= 6:
        return name, unit
    return header, None


def _split_tags(name: str) -> tuple[str, list[str], bool]:
    parts = [p.strip() for p in name.split(" + ")]
    multi_scale = False
    if len(parts) > 1 and parts[-1] in MULTI_SCALE:
        multi_scale, parts = True, parts[:-1]
    extra: list[str] = []
    while len(parts) > 1 and parts[-1] in EXTRA_DATA:
        extra.insert(0, parts.pop())
    return " + ".join(parts), extra, multi_scale


class _Table:
    """A leaderboard table: header, rows of inline tokens, and their lines."""

    def __init__(self, page: _Page, block: Block):
        self.page, self.block = page, block
        self.header: list[str] = []
        self.rows: list[tuple[int, list[Token]]] = []
        row: list[Token] | None = None
        row_line, in_head = 0, False
        for tok in block.tokens:
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row, row_line = [], (tok.map[0] + 1 if tok.map else block.start + 1)
            elif tok.type == "inline" and row is not None:
                row.append(tok)
            elif tok.type == "tr_close" and row is not None:
                if in_head:
                    self.header = [inline_text(c) for c in row]
                else:
                    self.rows.append((row_line, row))
                row = None

    @property
    def is_leaderboard(self) -> bool:
        h = self.header
        return len(h) >= 5 and h[0].lower() == "model" and \
            [x.lower() for x in h[-3:]] == [x.lower() for x in LINK_COLUMNS]

    def check_ragged(self) -> None:
        width = len(self.header)
        for line in range(self.block.start + 2, self.block.end):
            raw = self.page.lines[line]
            if raw.strip() and _raw_cells(raw) != width:
                raise self.page.error(line + 1, f"table row has {_raw_cells(raw)} cells, "
                                                f"its header has {width}")


def _url(page: _Page, line: int, href: str, what: str) -> str:
    if SCHEME.match(href) and not href.lower().startswith(("http://", "https://")):
        raise page.error(line, f"{what} link {href!r} is not an http(s) URL")
    return href


def _link_list(page: _Page, line: int, cell: Token, column: str) -> list[dict]:
    links, outside = cell_links(cell)
    refused = re.search(r"\[[^\]]*\]\((.*)\)", outside)
    if refused:  # markdown-it drops links to javascript:, data:, file: ... and leaves text
        raise page.error(line, f"{column} link {refused[1]!r} is not an http(s) URL")
    if outside and outside.lower() not in NA:
        raise page.error(line, f"'{column}' cell has text outside links: {outside!r}")
    return [{"label": label, "url": _url(page, line, href, column)} for label, href in links]


def _is_placeholder(model: str, cells: list[Token]) -> bool:
    if model.lower() == "model name":
        return True
    return any(href == "" for cell in cells for _, href in cell_links(cell)[0])


def _leaderboard(page: _Page, title: str, heading_line: int, blocks: list[Block],
                 description_text: str | None, options: dict) -> tuple[dict, str | None]:
    table_blocks = [b for b in blocks if b.kind == "table"]
    table = _Table(page, table_blocks[0])
    if len(table_blocks) > 1:
        raise page.error(table_blocks[1].start + 1, f"leaderboard '{title}' has a second table")
    after = [b for b in blocks if b.start >= table.block.end]
    if after:
        raise page.error(after[0].start + 1, f"text after the table of '{title}' is not supported: "
                                             "move it above the table")
    table.check_ragged()
    before = [b for b in blocks if b.end <= table.block.start]
    dataset, link_at = None, None
    for i, b in enumerate(before):
        inline = b.inline
        kids = [c for c in (inline.children if inline else []) or []]
        if b.kind == "paragraph" and len(kids) == 3 and kids[0].type == "link_open" \
                and kids[1].type == "text" and kids[1].content == "Dataset description":
            m = DATASET_LINK.match(kids[0].attrGet("href") or "")
            if m:
                dataset, link_at = m[1], i
                break
    if link_at is None:
        description, notes = None, page.source(before)
    else:
        description, notes = page.source(before[:link_at]), page.source(before[link_at + 1:])

    metric_headers = table.header[1:-3]
    metrics = []
    for col, header in enumerate(metric_headers, start=1):
        name, unit = _split_unit(header)
        metric = {"name": name}
        if unit:
            metric["unit"] = unit
        metrics.append(metric)

    results, bold = _results(page, table, title, metrics)

    for metric in metrics:
        _choose_direction(page, heading_line, title, metric, results, description_text, options,
                          bold)
        _choose_decimals(metric, results)
    lb: dict = {"title": title}
    if dataset:
        lb["dataset"] = dataset
    if description:
        lb["description"] = description
    if notes:
        lb["notes"] = notes
    highlight = _infer_highlight(page, heading_line, title, metrics, results, bold)
    if highlight:
        lb["highlight"] = highlight
    lb["metrics"] = metrics
    lb["results"] = results
    _report_reorder(page, heading_line, title, metrics, results)
    return lb, dataset


def _results(page: _Page, table: "_Table", title: str, metrics: list[dict]
             ) -> tuple[list[dict], set]:
    """The table's rows as results, and the (result index, metric) of its bold values; a
    value or link that cannot be read stops the import at its line."""
    results, bold = [], set()
    for line, cells in table.rows:
        model_text = page.plain(line, inline_text(cells[0]), "the model name")
        if _is_placeholder(model_text, cells):
            page.note(line, f"dropped template placeholder row {model_text!r} of '{title}'")
            continue
        model, extra, multi_scale = _split_tags(model_text)
        result: dict = {"model": model}
        if extra:
            result["extra_data"] = extra
        if multi_scale:
            result["multi_scale"] = True
        values = {}
        for col, metric in enumerate(metrics, start=1):
            cell = cells[col]
            text = inline_text(cell)
            if text.lower() in NA:
                values[metric["name"]] = None
                continue
            number = number_from_text(text)
            if number is None:
                raise page.error(line, f"score {text!r} in column '{table.header[col]}' is not a "
                                       "number or N/A")
            values[metric["name"]] = number
            if is_bold(cell):
                bold.add((len(results), metric["name"]))
        result["values"] = values
        weights = _link_list(page, line, cells[-3], "Weights")
        if weights:
            result["weights"] = weights
        papers = _link_list(page, line, cells[-2], "Paper")
        if len(papers) > 1:
            raise page.error(line, "'Paper' cell has more than one link")
        if papers:
            result["paper"] = papers[0]["url"]
            if papers[0]["label"].strip().lower() not in GENERIC_LINK_TEXT:
                result["paper_title"] = papers[0]["label"]  # the link's text is the title
        code = _link_list(page, line, cells[-1], "Code")
        if code:
            result["code"] = code
        results.append(result)
    return results, bold


def _choose_direction(page, line, title, metric, results, description, options, bold) -> None:
    """The metric's direction from all the page's evidence (generator.rules.directions): the
    command line's --lower/--higher-is-better, then the page's own row order, its bold cells
    and its prose, then the name.  Every decision not given on the command line is noted
    with its reason, and with the evidence against it when there is any."""
    name = metric["name"]
    header = name + (f", {metric['unit']}" if metric.get("unit") else "")
    explicit = None
    if header in options["lower"] or name in options["lower"]:
        explicit = ("lower", "--lower-is-better")
    elif header in options["higher"] or name in options["higher"]:
        explicit = ("higher", "--higher-is-better")
    rows = [(i, float(v)) for i, r in enumerate(results) if (v := r["values"].get(name)) is not None]
    values = [v for _, v in rows]
    named = _main_metric(description or "")
    prose = directions.from_prose(description or "", name)
    prose_why = None
    if prose is None and named and _is_generic(name):
        prose = "lower" if directions.is_lower(named) else None
        prose_why = f"the task's main metric is {named}"
    decision = directions.decide(header, explicit=explicit, order=directions.from_order(values),
                                 bold=directions.from_bold(values, [(i, name) in bold for i, _ in rows]),
                                 prose=prose)
    metric["direction"] = decision.direction
    against = f"; against it: {', '.join(decision.against)}" if decision.against else ""
    if decision.source == "explicit":
        if decision.direction == "lower":
            page.note(line, f"'{header}' of '{title}': lower is better ({explicit[1]}){against}")
        return
    why = prose_why if decision.source == "prose" and prose_why else decision.reason
    if decision.direction == "lower" or decision.source not in ("default", "name") or against:
        page.note(line, f"'{header}' of '{title}': {decision.direction} is better ({why}){against}")
    if decision.direction == "higher" and len(values) >= 2 and values == sorted(values) \
            and values != sorted(values, reverse=True):
        page.note(line, f"'{header}' of '{title}' is taken as higher-is-better but its rows are "
                        f"sorted ascending; if lower is better, import with "
                        f"--lower-is-better '{header}'")


#: Link texts that name no paper: a link with any other text keeps it as the paper's title.
GENERIC_LINK_TEXT = frozenset({"paper", "link", "pdf", "arxiv", "here", "url", "[paper]"})


def _is_generic(name: str) -> bool:
    return name.lower() in {"score", "value", "result", "metric"}


def _main_metric(description: str) -> str | None:
    m = re.search(r"main (?:evaluation )?metric[^.]*?\bis\s+([^.\n]+)", description, re.I)
    return m[1].strip() if m else None


def _choose_decimals(metric: dict, results: list[dict]) -> None:
    counts = set()
    for r in results:
        v = r["values"].get(metric["name"])
        if v is None:
            continue
        text = v.text
        if "e" in text.lower():
            return
        counts.add(len(text.split(".")[1]) if "." in text else 0)
    if len(counts) == 1:
        metric["decimals"] = counts.pop()


def _as_leaderboard(metrics: list[dict], results: list[dict]) -> Leaderboard:
    ms = [Metric(m["name"], m.get("direction", "higher")) for m in metrics]
    rs = [Result(model=r["model"], values={
        k: (Value(float(v), v.text) if v is not None else None) for k, v in r["values"].items()})
        for r in results]
    return Leaderboard(id="", title="", metrics=ms, results=rs)


def _infer_highlight(page, line, title, metrics, results, bold) -> int:
    if not bold:
        return 0
    lb = _as_leaderboard(metrics, results)

    def cells(top: int) -> set:
        out = set()
        for m in lb.metrics:
            limit = ranking.threshold(lb, m, top)
            for i, r in enumerate(lb.results):
                v = r.values.get(m.name)
                if v is not None and ranking.reaches(m, v.number, limit):
                    out.add((i, m.name))
        return out

    best_n, best_diff, best_score = 0, None, None
    for top in range(1, len(results) + 1):
        diff = cells(top) ^ bold
        if not diff:
            page.note(line, f"bold cells of '{title}' follow one rule: the best {top} of each "
                            f"metric (highlight: {top})")
            return top
        # closest rule: the one that explains the most metric columns exactly, then fewest cells
        explained = sum(1 for m in metrics if not any(name == m["name"] for _, name in diff))
        score = (explained, -len(diff))
        if best_score is None or score > best_score:
            best_n, best_diff, best_score = top, diff, score
    shown = ", ".join(
        f"{r['model']} {m} {r['values'][m].text} {'now bold' if (i, m) not in bold else 'no longer bold'}"
        for i, m in sorted(best_diff) for r in [results[i]])
    page.note(line, f"bold cells of '{title}' follow no rule (none, best, top N per metric); "
                    f"using the closest, the best {best_n} of each metric (highlight: {best_n}), "
                    f"which changes: {shown}")
    return best_n


def _report_reorder(page, line, title, metrics, results) -> None:
    lb = _as_leaderboard(metrics, results)
    if [r.model for r in ranking.ordered(lb)] != [r.model for r in lb.results]:
        page.note(line, f"rows of '{title}' will be ordered by '{metrics[0]['name']}', best first")


def parse_task_page(path: Path, text: str, *, lower: set[str] = frozenset(),
                    higher: set[str] = frozenset()) -> PageImport:
    page = _Page(path, text)
    options = {"lower": set(lower), "higher": set(higher)}
    blocks = blocks_of(text)
    if not blocks or blocks[0].kind != "heading" or blocks[0].level != 1:
        raise page.error(blocks[0].start + 1 if blocks else 1,
                         "not a leaderboard page: it must start with a '# Title' heading")
    title = page.plain(blocks[0].start + 1, inline_text(blocks[0].inline), "the title")
    for b in blocks:  # raw HTML would only fail later, in a data file never written
        if b.tokens and b.tokens[0].type == "html_block":
            tag = validate.HTML_TAG.search(b.tokens[0].content)
            shown = tag[0] if tag else b.tokens[0].content.strip()[:40]
            raise page.error(b.start + 1, f"raw HTML is not imported: {shown!r}; write it as a "
                                          "markdown table or text")
    sections: list[tuple[Block, list[Block]]] = []
    for b in blocks[1:]:
        if b.kind == "heading" and b.level == 1:
            raise page.error(b.start + 1, "a page has one '# Title' heading; found a second")
        if b.kind == "heading" and b.level == 2:
            sections.append((b, []))
        elif not sections:
            raise page.error(b.start + 1, "text between the title and the first '## ' section is "
                                          "not supported")
        else:
            sections[-1][1].append(b)
    task: dict = {"title": title}
    leaderboards, free, datasets = [], [], {}
    description = None
    for heading, body in sections:
        name = inline_text(heading.inline)
        if name.lower() == "description" and description is None:
            description = page.source(body)
        elif name.lower() == "results":
            notes, subsections = [], []
            for b in body:
                if b.kind == "heading" and b.level == 3:
                    subsections.append((b, []))
                elif subsections:
                    subsections[-1][1].append(b)
                else:
                    notes.append(b)
            if notes:
                task["results_notes"] = page.source(notes)
            for sub, content in subsections:
                sub_title = page.plain(sub.start + 1, inline_text(sub.inline), "a leaderboard title")
                tables = [b for b in content if b.kind == "table"]
                if tables and _Table(page, tables[0]).is_leaderboard:
                    lb, dataset = _leaderboard(page, sub_title, sub.start + 1, content,
                                               description, options)
                    leaderboards.append(lb)
                    if dataset:
                        datasets.setdefault(dataset, sub_title)
                else:
                    for block in tables:  # never a table left as text without a word
                        header = _Table(page, block).header
                        page.note(block.start + 1, (
                            f"the table under '{sub_title}' is kept as text, not read as a "
                            f"leaderboard: its columns {' | '.join(header)} are not Model | "
                            "metrics... | Weights | Paper | Code"))
                    free.append({"title": sub_title, "level": 3, "body": page.source(content) or ""})
        else:
            free.append({"title": name, "body": page.source(body) or ""})
    if description:
        task["description"] = description
    if "results_notes" in task:
        task["notes"] = task.pop("results_notes")
    used: dict[str, int] = {}
    for lb in leaderboards:
        base = urls.free_id("leaderboard", slug(lb["title"]) or "leaderboard")
        used[base] = used.get(base, 0) + 1
        lb_id = base if used[base] == 1 else f"{base}-{used[base]}"
        leaderboards[leaderboards.index(lb)] = {"id": lb_id, **lb}
    task["leaderboards"] = leaderboards
    if free:
        task["sections"] = [{k: v for k, v in s.items() if not (k == "level" and v == 2)}
                            for s in free]
    return PageImport(task=task, datasets=datasets, notes=page.notes)


slug = ids.slug
