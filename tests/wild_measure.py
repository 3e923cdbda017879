"""Measure `python -m generator import` on the wild fixtures (issue 27).

    python tests/wild_measure.py [FOLDER ...] [--json] [--details]

(--details lists every table; without it, only the tables imported short of their rows.)

For each folder under tests/fixtures/wild/ (or the folders named), the importer is run as a
user runs it, in a subprocess, on the folder's pages (every `*.md` of the copy but our
SOURCE.md, subfolders included, named one by one: `import FOLDER` reads only the folder's top
level), writing into a temporary directory:

    python -m generator import PAGE.md ... --data TMP/data --report TMP/report.txt

Then the YAML it wrote (TMP/data/tasks/*.yml) is read and set against the folder's
expected.yml (the hand count, see tests/wild_count.py):

- rows (hand): the result rows expected.yml counts in the leaderboard tables;
- imported: results written, all leaderboards together;
- %: rows covered: for each expected table, the results of the leaderboard(s) the import
  made of it (matched through the report's PAGE:LINE), at most its hand count; summed;
- invented values: imported numbers (values and ± uncertainties) that are written nowhere on
  the source page, as numbers (8.2 matches '8.20'; 0.0231 does not match '2.31%');
- N/A written: values the import wrote as null (listed in the details; the source may have
  held a number there: compare with the page);
- results not from one row: imported results whose numbers (values and uncertainties, as a
  multiset) are not all found in one data row of the source table (rows as tests/wild_count.py
  finds them): values shifted between rows or columns, duplicated, or made up;
- lower columns right: of the columns expected.yml calls lower-is-better, those whose
  imported metric(s) are all `direction: lower` (a column missing from an imported table
  counts as not right; the columns of tables not imported at all are counted apart);
- name column right: tables whose model column (as the report maps it) is the one
  expected.yml names.
Also listed: results made of tables expected.yml calls not leaderboards, numeric columns
that are not metrics (model ids, years) imported as metrics, and, when the import refuses
(exit status not 0), the first lines of its stderr.

Reads nothing outside the repository but its temporary directory.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wild_count  # noqa: E402  (the reference counter: where each table and row is)

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "tests" / "fixtures" / "wild"
NUMBER = re.compile(r"\d+(?:\.\d+)?[eE][-+]?\d+|\d+(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+")
# the report gives a table's first line (an HTML table's <table>), expected.yml its header row's
NEAR = 4
REPORT_TABLE = re.compile(r"^(?P<page>.+?\.md):(?P<line>\d+): (?P<rest>.*)$")


def pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.md") if p.name != "SOURCE.md")


def _decimal(text: str) -> Decimal | None:
    try:
        return abs(Decimal(text.replace(",", ""))).normalize()
    except (InvalidOperation, ValueError):
        return None


def numbers_in(text: str) -> list[Decimal]:
    return [d for m in NUMBER.finditer(text) if (d := _decimal(m.group())) is not None]


def page_numbers(path: Path) -> set[Decimal]:
    return set(numbers_in(path.read_text(encoding="utf-8")))


def row_numbers(folder: Path) -> dict[tuple[str, int], list[Counter]]:
    """For each table (page, header line): the numbers of each data row, as multisets."""
    out = {}
    for page in pages(folder):
        lines = page.read_text(encoding="utf-8").splitlines()
        for t in wild_count.page_tables(folder, page):
            out[(t.page, t.line)] = [Counter(numbers_in("\n".join(lines[a - 1:b])))
                                     for a, b in t.spans]
    return out


def norm(text: str) -> str:
    text = re.sub(r"<[^>]*>", " ", text or "")
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def related(metric: str, header: str) -> bool:
    """The imported metric comes from the column: same words, or the words of one within the other."""
    m, h = norm(metric), norm(header)
    if not m or not h:
        return False
    if m == h or m in h or h in m:
        return True
    if m.replace(" ", "") in h.replace(" ", "") or h.replace(" ", "") in m.replace(" ", ""):
        return True  # 'Legacy<br>FID' imported as 'LegacyFID'

    ms, hs = set(m.split()), set(h.split())
    return ms <= hs or hs <= ms


def run_import(folder: Path, tmp: Path) -> dict:
    data, report = tmp / "data", tmp / "report.txt"
    args = [str(p.relative_to(ROOT)) for p in pages(folder)]
    proc = subprocess.run([sys.executable, "-m", "generator", "import", *args,
                           "--data", str(data), "--report", str(report)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    tasks = {}
    for path in sorted((data / "tasks").glob("*.yml")) if (data / "tasks").is_dir() else []:
        text = path.read_text(encoding="utf-8")
        # BaseLoader keeps every scalar as written: '77.90' stays '77.90'
        tasks[path.stem] = {"parsed": yaml.safe_load(text), "text": yaml.load(text, Loader=yaml.BaseLoader)}
    return {"code": proc.returncode, "stderr": proc.stderr, "stdout": proc.stdout,
            "report": report.read_text(encoding="utf-8") if report.exists() else "",
            "tasks": tasks}


def report_tables(report: str, folder: Path) -> list[dict]:
    """The report's '## Tables' section: one entry per table, in order."""
    out, inside = [], False
    prefix = str(folder.relative_to(ROOT)) + "/"
    for line in report.splitlines():
        if line.startswith("## "):
            inside = line.strip() == "## Tables"
            continue
        m = REPORT_TABLE.match(line) if inside else None
        if not m:
            continue
        page = m["page"][len(prefix):] if m["page"].startswith(prefix) else m["page"]
        rest = m["rest"]
        lb = re.match(r"leaderboard '(?P<title>.*)', (?P<n>\d+) of (?P<m>\d+) rows; columns (?P<cols>.*)$", rest)
        entry = {"page": page, "line": int(m["line"]), "leaderboard": bool(lb), "text": rest}
        if lb:
            entry.update(title=lb["title"], columns=lb["cols"],
                         model=re.findall(r"'([^']*)': model\b", lb["cols"]))
        out.append(entry)
    return out


def leaderboards(imported: dict) -> list[dict]:
    out = []
    for task_id, task in imported["tasks"].items():
        parsed, text = task["parsed"], task["text"]
        for lb, lb_text in zip(parsed.get("leaderboards", []), text.get("leaderboards", [])):
            out.append({"task": task_id, "title": lb["title"], "metrics": lb.get("metrics", []),
                        "results": lb.get("results", []), "results_text": lb_text.get("results", [])})
    return out


def match_reports(boards: list[dict], entries: list[dict]) -> None:
    """Give each leaderboard its report entry (page, line): by title, in order."""
    free = [e for e in entries if e["leaderboard"]]
    for lb in boards:
        hit = next((e for e in free if e["title"] == lb["title"]), None)
        if hit is None:  # titles shortened in one place and not the other
            hit = next((e for e in free if e["title"].rstrip("…") and
                        lb["title"].startswith(e["title"].rstrip("…"))), None)
        lb["source"] = hit
        if hit is not None:
            free.remove(hit)


def table_for(entry: dict, tables: list[dict]) -> dict | None:
    """The expected table a report entry is: same page, header row at or up to NEAR lines below."""
    near = [t for t in tables if t["page"] == entry["page"] and 0 <= t["line"] - entry["line"] <= NEAR]
    return min(near, key=lambda t: t["line"] - entry["line"]) if near else None


def measure(folder: Path) -> dict:
    expected = yaml.safe_load((folder / "expected.yml").read_text(encoding="utf-8"))
    tables = expected.get("tables") or []
    others = expected.get("not_leaderboards") or []
    with tempfile.TemporaryDirectory(prefix="wild-") as tmp:
        imported = run_import(folder, Path(tmp))
    entries = report_tables(imported["report"], folder)
    boards = leaderboards(imported)
    match_reports(boards, entries)
    numbers = {p.relative_to(folder).as_posix(): page_numbers(p) for p in pages(folder)}
    every = set().union(*numbers.values()) if numbers else set()

    rows_of = row_numbers(folder)
    per_table = {(t["page"], t["line"]): {**t, "boards": []} for t in tables}
    extra, false_boards, invented, checked, nulls = [], [], [], 0, []
    misplaced, results_checked = [], 0
    for lb in boards:
        src = lb["source"]
        t = table_for(src, tables) if src else None
        if t is not None:
            per_table[(t["page"], t["line"])]["boards"].append(lb)
        elif src is not None and table_for(src, others) is not None:
            false_boards.append(lb)
        else:
            extra.append(lb)
        known = numbers.get(src["page"], every) if src else every
        source_rows = rows_of.get((t["page"], t["line"])) if t is not None else None
        for result in lb["results_text"]:
            if source_rows:
                mine = Counter(d for v in [*(result.get("values") or {}).values(),
                                           *(result.get("uncertainty") or {}).values()]
                               if v not in ("null", "~", "", None) and (d := _decimal(str(v))))
                results_checked += 1
                if mine and not any(all(row[k] >= n for k, n in mine.items()) for row in source_rows):
                    misplaced.append(f"{t['page']}:{t['line']} {result.get('model')!r}: " + ", ".join(
                        f"{k}={v}" for k, v in (result.get("values") or {}).items()))
            pairs = [("", k, v) for k, v in (result.get("values") or {}).items()]
            pairs += [("± ", k, v) for k, v in (result.get("uncertainty") or {}).items()]
            for what, metric, value in pairs:
                if value in ("null", "~", "", None):
                    where = f"{src['page']}:{src['line']}" if src else lb["task"]
                    nulls.append(f"{where} {result.get('model')!r} {metric}")
                    continue
                checked += 1
                d = _decimal(str(value))
                if d is None or d not in known:
                    where = f"{src['page']}:{src['line']}" if src else lb["task"]
                    invented.append(f"{where} {result.get('model')!r} {metric}: {what}{value}")

    covered, lower_total, lower_right, lower_detail, lower_unimported = 0, 0, 0, [], 0
    name_total, name_right, name_detail, not_metric = 0, 0, [], []
    table_rows = []
    for key, t in per_table.items():
        got = sum(len(lb["results"]) for lb in t["boards"])
        covered += min(got, t["rows"])
        metrics = [m for lb in t["boards"] for m in lb["metrics"]]
        if not t["boards"]:
            lower_unimported += len(t.get("lower") or [])
        for header in (t.get("lower") or []) if t["boards"] else []:
            lower_total += 1
            mine = [m for m in metrics if related(m["name"], header)]
            ok = bool(mine) and all(m.get("direction") == "lower" for m in mine)
            lower_right += ok
            if not ok:
                lower_detail.append(f"{t['page']}:{t['line']} {header!r}: " + (
                    "not imported" if not mine else ", ".join(
                        f"{m['name']!r} {m.get('direction', 'higher')}" for m in mine)))
        for header in t.get("not_metrics") or []:
            for m in metrics:
                if norm(m["name"]) == norm(header):
                    not_metric.append(f"{t['page']}:{t['line']} {header!r} imported as a metric")
        if t["boards"]:
            name_total += 1
            models = {h for lb in t["boards"] for h in (lb["source"] or {}).get("model", [])}
            ok = norm(t["name"]) in {norm(h) for h in models}
            name_right += ok
            if not ok:
                name_detail.append(f"{t['page']}:{t['line']}: rows named by {sorted(models)}, "
                                   f"not {t['name']!r}")
        near = [e for e in entries if e["page"] == t["page"] and 0 <= t["line"] - e["line"] <= NEAR]
        status = min(near, key=lambda e: t["line"] - e["line"]) if near else None
        table_rows.append({"page": t["page"], "line": t["line"], "rows": t["rows"], "imported": got,
                           "report": status["text"][:200] if status else "not in the report"})

    rows_hand = sum(t["rows"] for t in tables)
    results = sum(len(lb["results"]) for lb in boards)
    stderr = [l for l in imported["stderr"].splitlines() if l.strip()]
    return {
        "repo": folder.name, "pages": len(pages(folder)), "tables": len(tables),
        "rows_hand": rows_hand, "imported": results,
        "share": round(100 * covered / rows_hand, 1) if rows_hand else None,
        "values_checked": checked, "invented": len(invented), "invented_examples": invented[:8],
        "nulls": len(nulls), "null_examples": nulls[:8],
        "results_checked": results_checked, "misplaced": len(misplaced),
        "misplaced_examples": misplaced[:8],
        "lower_right": lower_right, "lower_total": lower_total, "lower_wrong": lower_detail,
        "lower_in_tables_not_imported": lower_unimported,
        "name_right": name_right, "name_total": name_total, "name_wrong": name_detail,
        "not_metrics_imported": not_metric,
        "false_leaderboards": [f"{lb['source']['page']}:{lb['source']['line']} "
                               f"'{lb['title']}': {len(lb['results'])} results" for lb in false_boards],
        "unmatched_leaderboards": [f"{lb['task']}: '{lb['title']}': {len(lb['results'])} results"
                                   for lb in extra],
        "exit": imported["code"],
        "stderr_head": [] if imported["code"] == 0 else stderr[:6],
        "tables_detail": table_rows,
    }


def _lower(r: dict) -> str:
    text = f"{r['lower_right']} / {r['lower_total']}"
    if r["lower_in_tables_not_imported"]:
        text += f" (+{r['lower_in_tables_not_imported']} in tables not imported)"
    return text


def markdown(results: list[dict], details: bool) -> str:
    out = ["| repo | pages | tables | rows (hand) | imported | % | invented values | "
           "results not from one row | lower columns right | name column right | exit |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    tot = {k: 0 for k in ("pages", "tables", "rows_hand", "imported", "invented", "values_checked",
                          "misplaced", "results_checked", "lower_right", "lower_total",
                          "lower_in_tables_not_imported", "name_right", "name_total")}
    covered = 0
    for r in results:
        for k in tot:
            tot[k] += r[k]
        covered += r["share"] * r["rows_hand"] / 100 if r["share"] is not None else 0
        out.append(f"| {r['repo']} | {r['pages']} | {r['tables']} | {r['rows_hand']} | "
                   f"{r['imported']} | {r['share']} | {r['invented']} of {r['values_checked']} | "
                   f"{r['misplaced']} of {r['results_checked']} | {_lower(r)} | "
                   f"{r['name_right']} / {r['name_total']} | {r['exit']} |")
    share = round(100 * covered / tot["rows_hand"], 1) if tot["rows_hand"] else None
    out.append(f"| **all** | {tot['pages']} | {tot['tables']} | {tot['rows_hand']} | "
               f"{tot['imported']} | {share} | {tot['invented']} of {tot['values_checked']} | "
               f"{tot['misplaced']} of {tot['results_checked']} | {_lower(tot)} | "
               f"{tot['name_right']} / {tot['name_total']} | |")
    for r in results:
        lines = []
        if r["stderr_head"]:
            lines += ["import refused; stderr:"] + [f"    {l}" for l in r["stderr_head"]]
        if r["nulls"]:
            lines.append(f"values written as N/A (null): {r['nulls']}, e.g. " + "; ".join(r["null_examples"][:4]))
        for key, label in (("invented_examples", "invented"),
                           ("misplaced_examples", "values not found together in one source row"),("lower_wrong", "lower column not lower"),
                           ("name_wrong", "name column"), ("not_metrics_imported", "not a metric"),
                           ("false_leaderboards", "made of a table that is not a leaderboard"),
                           ("unmatched_leaderboards", "leaderboard matched to no table")):
            lines += [f"{label}: {x}" for x in r[key]]
        lines += [f"table {t['page']}:{t['line']}: {t['imported']} of {t['rows']} rows; "
                  f"report: {t['report']}" for t in r["tables_detail"]
                  if details or t["imported"] < t["rows"]]
        if lines:
            out += ["", f"### {r['repo']}", ""] + [f"- {l}" for l in lines]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("--")]
    folders = [(Path(n) if Path(n).is_dir() else WILD / n).resolve() for n in names] or sorted(
        p for p in WILD.iterdir() if (p / "expected.yml").exists())
    results = [measure(f) for f in folders]
    if "--json" in argv:
        json.dump(results, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        print(markdown(results, "--details" in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
