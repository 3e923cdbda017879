"""Count the result rows of the wild fixtures, without the importer (issue 27).

    python tests/wild_count.py [FOLDER ...] [--tables]

For each folder under tests/fixtures/wild/ (or the folders named), every table of every page
(`*.md` but SOURCE.md) is found: pipe tables through markdown-it-py, HTML `<table>` blocks
through html.parser. A data row is counted when one of its cells after the first holds a
number (digits not glued to letters: `35.7`, `13.60 / 12.70`, `Perplexity: 35.76`, `2019`;
not `R50`, `1x`, `stylegan2`). The tables found are compared with the folder's expected.yml,
judged by hand: each expected table must be found at its line (the header row's line) with
its row count, give or take the `counter_delta` expected.yml gives it with a reason (rows
the hand count leaves out but this rule counts, or the other way round). Tables found that
expected.yml lists in neither `tables` nor `not_leaderboards` are printed as unclassified.

Standard library and markdown-it-py only: no `generator` import, so that this stays a
reference the importer is measured against. expected.yml is read as written there: each
item a JSON object on one `- {...}` line (valid YAML too), `#` lines comments.

--tables prints every table found (page:line, rows counted, header) for writing expected.yml.
Exit status 1 when an expected table is missing, miscounted, or a table is unclassified.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

WILD = Path(__file__).resolve().parent / "fixtures" / "wild"
# digits not glued to letters or to other digits' dots: 35.7, 1,000, 0.8, -3, 2019; not R50, 1x
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[-+−]?\d+(?:[.,]\d+)*(?![A-Za-z_]|\.\d)")


@dataclass
class Table:
    page: str
    line: int                  # 1-based line of the header row
    kind: str                  # "pipe" or "html"
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)   # data rows, cell texts
    spans: list[tuple[int, int]] = field(default_factory=list)  # each data row's first, last line

    @property
    def counted(self) -> list[list[str]]:
        return [r for r in self.rows if any(NUMBER.search(c) for c in r[1:])]


def _inline_text(token) -> str:
    """The visible text of an inline token: text, code and html bits, without link targets."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    text = "".join(out)
    return re.sub(r"<[^>]*>", " ", text).strip()


def pipe_tables(page: str, text: str) -> tuple[list[Table], list[tuple[int, int]]]:
    """Pipe tables, and the line spans of code (so that HTML inside code is not read)."""
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    tables, code = [], []
    current = None
    row = None
    in_head = False
    for tok in tokens:
        if tok.type in ("fence", "code_block") and tok.map:
            code.append((tok.map[0], tok.map[1]))
        elif tok.type == "table_open":
            current = Table(page, tok.map[0] + 1, "pipe", [])
        elif tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
            span = (tok.map[0] + 1, tok.map[1]) if tok.map else (0, 0)
        elif tok.type == "inline" and row is not None:
            row.append(_inline_text(tok))
        elif tok.type == "tr_close":
            if in_head:
                current.header = row
            else:
                current.rows.append(row)
                current.spans.append(span)
            row = None
        elif tok.type == "table_close":
            tables.append(current)
            current = None
    return tables, code


class _HtmlTables(HTMLParser):
    """<table> blocks: rows are <tr>s (or <th>/<td> outside any <tr>), header = rows of <th> only."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.tables: list[Table] = []
        self.stack: list[dict] = []      # open tables (nested ones kept apart)

    def _table(self):
        return self.stack[-1] if self.stack else None

    def _start_row(self, line):
        t = self._table()
        self._end_row()
        t["row"] = {"line": line, "end": line, "cells": [], "th": 0, "td": 0}

    def _end_row(self):
        t = self._table()
        self._end_cell()
        if t and t["row"] is not None:
            t["row"]["end"] = self.getpos()[0]
            if t["row"]["cells"]:
                t["rows"].append(t["row"])
            t["row"] = None

    def _end_cell(self):
        t = self._table()
        if t and t["cell"] is not None:
            t["row"]["cells"].append(re.sub(r"\s+", " ", "".join(t["cell"])).strip())
            t["cell"] = None

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        if tag == "table":
            self.stack.append({"line": line, "rows": [], "row": None, "cell": None})
            return
        t = self._table()
        if t is None:
            return
        if tag == "tr":
            self._start_row(line)
        elif tag in ("td", "th"):
            if t["row"] is None:
                self._start_row(line)
            self._end_cell()
            t["row"][tag] += 1
            t["cell"] = []
        elif tag in ("br", "li", "p", "div") and t["cell"] is not None:
            t["cell"].append(" ")

    def handle_endtag(self, tag):
        t = self._table()
        if t is None:
            return
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self.stack.pop()
            rows = t["rows"]
            head = [r for r in rows if r["th"] and not r["td"]]
            first = head[0] if head else (rows[0] if rows else None)
            table = Table(self.page, first["line"] if first else t["line"], "html",
                          first["cells"] if first else [])
            table.rows = [r["cells"] for r in rows if r["td"]]
            table.spans = [(r["line"], r["end"]) for r in rows if r["td"]]
            self.tables.append(table)

    def handle_data(self, data):
        t = self._table()
        if t is not None and t["cell"] is not None:
            t["cell"].append(data)


def html_tables(page: str, text: str, code: list[tuple[int, int]]) -> list[Table]:
    lines = text.splitlines(keepends=True)
    for start, end in code:          # blank code out, keeping the line numbers
        for i in range(start, min(end, len(lines))):
            lines[i] = "\n"
    parser = _HtmlTables(page)
    parser.feed("".join(lines))
    parser.close()
    return parser.tables


def page_tables(folder: Path, page: Path) -> list[Table]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(folder).as_posix()
    pipes, code = pipe_tables(name, text)
    return sorted(pipes + html_tables(name, text, code), key=lambda t: (t.line, t.kind))


def pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.name != "SOURCE.md")


def read_expected(path: Path) -> dict[str, list[dict]]:
    """expected.yml as this project writes it: `key:` lines, then `- {JSON}` items."""
    out: dict[str, list[dict]] = {}
    key = None
    if not path.exists():
        return out
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if re.fullmatch(r"[a-z_]+:\s*(\[\])?", stripped):
            key = stripped.split(":")[0]
            out[key] = []
        elif stripped.startswith("- {") and key:
            try:
                out[key].append(json.loads(stripped[2:]))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{number}: not a JSON object: {e}")
        else:
            raise SystemExit(f"{path}:{number}: expected `key:` or `- {{...}}`: {line}")
    return out


def check(folder: Path, show_tables: bool = False) -> dict:
    tables = [t for p in pages(folder) for t in page_tables(folder, p)]
    expected = read_expected(folder / "expected.yml")
    found = {(t.page, t.line): t for t in tables}
    problems, rows_hand, rows_counted = [], 0, 0
    for e in expected.get("tables", []):
        rows_hand += e["rows"]
        t = found.get((e["page"], e["line"]))
        if t is None:
            problems.append(f"{e['page']}:{e['line']}: expected table not found")
            continue
        rows_counted += len(t.counted)
        want = e["rows"] + e.get("counter_delta", 0)
        if len(t.counted) != want:
            problems.append(f"{e['page']}:{e['line']}: counted {len(t.counted)} rows, "
                            f"expected.yml says {e['rows']}"
                            + (f" (+{e['counter_delta']} explained)" if e.get("counter_delta") else ""))
    known = {(e["page"], e["line"]) for k in ("tables", "not_leaderboards")
             for e in expected.get(k, [])}
    for t in tables:
        if (t.page, t.line) not in known:
            problems.append(f"{t.page}:{t.line}: table not classified in expected.yml "
                            f"({len(t.counted)} rows with numbers; header {t.header[:6]})")
    for e in expected.get("not_leaderboards", []):
        if (e["page"], e["line"]) not in found:
            problems.append(f"{e['page']}:{e['line']}: listed as not a leaderboard, but no table there")
    if show_tables:
        for t in tables:
            print(f"  {t.page}:{t.line} {t.kind} rows={len(t.rows)} counted={len(t.counted)} "
                  f"header={t.header}")
    return {"repo": folder.name, "pages": len(pages(folder)), "tables": len(tables),
            "leaderboards": len(expected.get("tables", [])), "rows_counted": rows_counted,
            "rows_all": sum(len(t.counted) for t in tables),
            "rows_hand": rows_hand, "problems": problems}


def main(argv: list[str]) -> int:
    show = "--tables" in argv
    names = [a for a in argv if not a.startswith("--")]
    folders = [(Path(n) if Path(n).is_dir() else WILD / n).resolve() for n in names] or sorted(p for p in WILD.iterdir() if p.is_dir())
    print("| repo | pages | tables found | leaderboards (expected.yml) | rows counted in them | "
          "rows (hand) | rows counted, all tables |")
    print("|---|---|---|---|---|---|---|")
    results = []
    for folder in folders:
        if show:
            print(f"{folder.name}:")
        r = check(folder, show)
        results.append(r)
        if not show:
            print(f"| {r['repo']} | {r['pages']} | {r['tables']} | {r['leaderboards']} | "
                  f"{r['rows_counted']} | {r['rows_hand']} | {r['rows_all']} |")
    if not show and len(results) > 1:
        tot = {k: sum(r[k] for r in results) for k in
               ("pages", "tables", "leaderboards", "rows_counted", "rows_hand", "rows_all")}
        print(f"| **all** | {tot['pages']} | {tot['tables']} | {tot['leaderboards']} | "
              f"{tot['rows_counted']} | {tot['rows_hand']} | {tot['rows_all']} |")
    bad = [p for r in results for p in (f"{r['repo']}/{q}" for q in r["problems"])]
    for p in bad:
        print("  " + p)
    if not bad:
        print("every table of expected.yml found at its line with its rows (counter_delta "
              "explained); every table found is classified")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
