"""Import: the Papers with Code "evaluation tables" export -> files in the data layout.

The export (sota-extractor format) is a tree of tasks with subtasks; each task
lists datasets, each with a table (`sota`: metric names and rows of string
values).  Here a task becomes a task file (a subtask names its parents: the
archive repeats a subtask under every parent it has, so repeats are merged
into one task with several parents), each dataset with rows a leaderboard,
each row a result.

Values are strings in the archive, read as every importer reads a table cell
(``rules.numbers.read_cell``): "85.1%" is 85.1 with the unit %, "15.9M" 15.9 with
the unit M, "2.42±0.01" 2.42 with its uncertainty, "**70.3**" and "99,45" are read
past their emphasis and decimal comma, "-", "—", "--", "N/A" and "" are N/A;
anything else is left out and reported with its location.

No row is lost: rows with the same model, values and paper are one result, with
the links of both; rows that differ in paper are both kept.  Metric directions
are decided from all the evidence (``generator.rules.directions``): the reviewed list in
``pwc_metric_directions.yml``, then the archive's own row order (it stores a
leaderboard best first: it outvotes a name only over five distinct values or more), the
name, and the order of the same metric's other leaderboards; the report counts the
decisions by source, lists conflicts, and lists for review every direction decided by
default and every one decided against what the name says.  Each task's
area is decided from its categories and its family's (``pwc_areas``) and written into every
task file; the report counts those decisions too and lists each not made from the task's
own single specific category.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from decimal import Decimal
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from generator.rules import directions
from generator.rules.numbers import MAGNITUDES, from_plain, read_cell
from generator.project.problems import InputError, general
from generator.rules import ids, urls
from generator.importers import markdown_text, plain_text, pwc_areas

SOURCE = {
    "name": "Papers with Code, evaluation tables (export of 2020-08-28)",
    "url": "https://paperswithcode.com/",
    "license": "CC-BY-SA 4.0",
    "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
}
KINDS = [  # how an unparseable value looks, for the summary
    (re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?\s*%?$"), "a number with thousands separators"),
    (re.compile(r"^[+-]?\d+(\.\d+)?\s*%?\s*[(\[]"), "a number with a note in brackets"),
    (re.compile(r"^[+-]?\d+(\.\d+)?\s*%?\s*[/|]"), "several numbers in one cell"),
    (re.compile(r"[A-Za-z]"), "text instead of a number"),
]


def kind_of(text: str) -> str:
    return next((kind for pattern, kind in KINDS if pattern.search(text)), "other")


def slug(text: str, limit: int = 80) -> str:
    """A new id from a name (rules.ids.slug); a name with no letters or digits gets 'x-' and
    a hash of the name."""
    return ids.slug(text, limit) or "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def load_directions(path: Path | None = None) -> dict[str, str]:
    if path is None:
        text = resources.files("generator").joinpath(
            "importers", "pwc_metric_directions.yml").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    bad = {k: v for k, v in data.items() if v not in ("higher", "lower")}
    if bad:
        raise InputError(general(f"metric directions must be 'higher' or 'lower': {bad}"))
    return data


@dataclass
class Summary:
    tasks: int = 0
    repeats: int = 0
    archive_boards: int = 0  # counted the way the archive lists them, repeats included
    archive_rows: int = 0
    repeat_boards: int = 0
    repeat_rows: int = 0
    leaderboards: int = 0
    results: int = 0
    values: int = 0
    percent: int = 0
    na: int = 0
    empty_datasets: int = 0
    duplicates: list[str] = field(default_factory=list)  # exact repeats (links united)
    kept_apart: list[str] = field(default_factory=list)  # same model and values, another paper
    collisions: list[str] = field(default_factory=list)  # two values under one metric name
    read_as: Counter = field(default_factory=Counter)  # values read past a suffix, ±, comma
    read_examples: dict = field(default_factory=dict)
    decisions: Counter = field(default_factory=Counter)  # directions by source of evidence
    decision_examples: dict = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    by_default: list[str] = field(default_factory=list)  # directions no evidence decided
    against_name: list[str] = field(default_factory=list)  # decided the other way from the name
    untitled: list[str] = field(default_factory=list)  # dataset names with no letter ('0')
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)  # kind, location, text
    dropped_links: list[str] = field(default_factory=list)
    bad_dates: list[str] = field(default_factory=list)
    lower: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)  # tasks' areas by how they were decided
    area_examples: dict = field(default_factory=dict)

    def lines(self, examples: int = 3) -> list[str]:
        out = [f"tasks: {self.tasks} ({self.repeats} repeats of a subtask under another parent "
               "merged into one task with several parents)",
               f"leaderboards: {self.leaderboards}; results: {self.results}",
               f"the archive lists {self.archive_boards} leaderboards and {self.archive_rows} rows "
               f"counting repeats: {self.leaderboards} + {self.repeat_boards} in repeats; "
               f"{self.results} results + {len(self.duplicates)} merged into an identical row + "
               f"{self.repeat_rows} in repeats",
               f"values: {self.values} numbers ({self.percent} with %), {self.na} N/A",
               f"datasets without rows (no leaderboard made): {self.empty_datasets}",
               f"metrics taken as lower-is-better: {sum(self.lower.values())} "
               f"({len(self.lower)} names)"]
        if self.areas:
            out.append("task areas by evidence: " + ", ".join(
                f"{source} {self.areas[source]}" for source in pwc_areas.SOURCES
                if self.areas[source]))
            for source in pwc_areas.SOURCES[1:]:
                shown = self.area_examples.get(source, [])[:examples]
                if self.areas[source] and shown:
                    out.append(f"  {self.areas[source]:5} from {source}, e.g. " + "; ".join(shown))
        out.append("metric directions by source of evidence: " + ", ".join(
            f"{source} {n}" for source, n in self.decisions.most_common())
            + f"; for review: {len(self.by_default)} decided by default, "
              f"{len(self.against_name)} against the name (every one listed in the report)")
        for source, n in self.decisions.most_common():
            if source != "explicit":
                shown = self.decision_examples.get(source, [])[:examples]
                out.append(f"  {n:5} from {source}" + (", e.g. " + "; ".join(shown) if shown else ""))
        if self.conflicts:
            out.append(f"directions where the evidence disagreed: {len(self.conflicts)}, e.g. "
                       + "; ".join(self.conflicts[:examples]))
        if self.read_as:
            out.append("values read past " + ", ".join(
                f"{kind} {n} (e.g. {'; '.join(self.read_examples[kind][:examples])})"
                for kind, n in self.read_as.most_common()))
        if self.duplicates:
            out.append(f"rows merged into an identical one (same model, values and paper; their "
                       f"links united): {len(self.duplicates)}, e.g. "
                       + "; ".join(self.duplicates[:examples]))
        if self.kept_apart:
            out.append(f"rows kept apart (same model and values, another paper): "
                       f"{len(self.kept_apart)}, e.g. " + "; ".join(self.kept_apart[:examples]))
        if self.untitled:
            out.append(f"datasets named with no letter, given a fallback name: "
                       f"{len(self.untitled)}, e.g. " + "; ".join(self.untitled[:examples]))
        if self.collisions:
            out.append(f"values lost to a metric name written twice in one row: "
                       f"{len(self.collisions)}, e.g. " + "; ".join(self.collisions[:examples]))
        if self.unparsed:
            out.append(f"values not imported (not a number, %, or N/A): {len(self.unparsed)}")
            for kind, n in Counter(k for k, _, _ in self.unparsed).most_common():
                shown = [f"{loc} = {text!r}" for k, loc, text in self.unparsed if k == kind]
                out.append(f"  {n:5} {kind}, e.g. " + "; ".join(shown[:examples]))
        if self.dropped_links:
            out.append(f"links left out (not http(s)): {len(self.dropped_links)}")
        if self.bad_dates:
            out.append(f"paper dates left out (not a past YYYY-MM-DD): {len(self.bad_dates)}")
        return out

    def _review(self) -> list[str]:
        """The directions to review, each section headed by its count: those no evidence
        decided (higher by default) and those decided against what the name says."""
        settle = ("settle any of them with --lower-is-better/--higher-is-better NAME or in a "
                  "reviewed list of directions (--directions FILE; the default is "
                  "generator/importers/pwc_metric_directions.yml)")
        out = ["", f"## Directions decided by default ({len(self.by_default)}): no order, name "
                   f"or vote said which way; taken as higher-is-better; {settle}"]
        out += [f"direction by default: {line}" for line in self.by_default]
        out += ["", f"## Directions decided against the name ({len(self.against_name)}): the "
                    f"name says one way, stronger evidence the other; {settle}"]
        out += [f"direction against the name: {line}" for line in self.against_name]
        return out

    def report(self) -> str:
        """Every left-out value and link with its location: the full record of the run."""
        lines = self.lines(examples=0)
        lines.append("")
        lines += [f"value not imported: {loc}: {text!r} ({kind})" for kind, loc, text in self.unparsed]
        lines += [f"row merged into an identical one: {loc}" for loc in self.duplicates]
        lines += [f"row kept apart: {loc}" for loc in self.kept_apart]
        lines += [f"value lost (metric name twice in a row): {loc}" for loc in self.collisions]
        lines += [f"direction conflict: {c}" for c in self.conflicts]
        lines += [f"task area from {source}: {example}" for source in pwc_areas.SOURCES[1:]
                  for example in self.area_examples.get(source, [])]
        lines += [f"link left out: {loc}" for loc in self.dropped_links]
        lines += [f"date left out: {loc}" for loc in self.bad_dates]
        lines += self._review()  # last: its own sections, each headed by its count
        return "\n".join(lines) + "\n"


class _Importer:
    def __init__(self, overrides: dict[str, str], today: dt.date,
                 given: dict[str, str] | None = None):
        self.overrides = overrides
        self.given = given or {}  # --lower-is-better/--higher-is-better: before the list
        self.today = today
        self.summary = Summary()
        self.tasks: dict[str, dict] = {}
        self.categories: dict[str, list[str]] = {}  # task id -> categories of all its listings
        self.task_ids: dict[str, str] = {}
        self.datasets: dict[str, dict] = {}
        self.dataset_ids: dict[str, str] = {}
        self.pending: list[tuple[dict, str, str | None, str]] = []  # metric, name, order, where
        self.votes: dict[str, Counter] = {}  # metric name -> directions its tables' order shows

    def _unique(self, base: str, taken) -> str:
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _url(self, url, where: str) -> str | None:
        url = (url or "").strip()
        if not url:
            return None
        if re.match(r"^https?://\S+$", url):
            return url
        self.summary.dropped_links.append(f"{where}: {url!r}")
        return None

    def _date(self, row: dict, where: str) -> str | None:
        date = str(row.get("paper_date") or "").strip()
        if not date:
            return None
        try:
            if dt.date.fromisoformat(date) <= self.today and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
                return date
        except ValueError:
            pass
        self.summary.bad_dates.append(f"{where}: {date!r}")
        return None

    def _links(self, items, where: str) -> list[dict]:
        links = []
        for link in items or []:
            url = self._url(link.get("url"), where)
            if url:
                links.append({"label": plain_text(link.get("title")) or url, "url": url})
        return links

    def _magnitudes(self, results: list[dict], row_suffixes: list[dict[str, str]],
                    suffixes: dict[str, Counter], where: str) -> None:
        """A column written with several magnitudes (12.5M, 900K) is brought to its most
        common one, which becomes its unit; every rescaled value is reported."""
        for name, counts in suffixes.items():
            magnitudes = [m for m in counts if m in MAGNITUDES]
            if len(magnitudes) < 2:
                continue
            unit = max(magnitudes, key=lambda m: (counts[m], m))
            for result, found in zip(results, row_suffixes):
                suffix, value = found.get(name), result["values"].get(name)
                if value is None or suffix not in MAGNITUDES or suffix == unit:
                    continue
                scaled = Decimal(value.text) * Decimal(MAGNITUDES[suffix]) / Decimal(MAGNITUDES[unit])
                text = format(scaled.normalize(), "f")
                result["values"][name] = from_plain(text) or value
                self.summary.read_as["another magnitude, rescaled"] += 1
                self.summary.read_examples.setdefault("another magnitude, rescaled", []).append(
                    f"{where} › {result['model']}: {name} {value.text}{suffix} = {text}{unit}")

    def decide_directions(self) -> None:
        """Every metric's direction, from all the evidence (generator.rules.directions), once every
        leaderboard is read: the vote needs them all."""
        for metric, name, order, where in self.pending:
            explicit = (self.given[name], f"--{self.given[name]}-is-better") \
                if name in self.given else \
                (self.overrides[name], "listed in the reviewed metric directions file") \
                if name in self.overrides else None
            votes = self.votes.get(name, Counter()).copy()
            if order:
                votes[order] -= 1  # the others' order, not this table's own
            decision = directions.decide(name, explicit=explicit, order=order,
                                         vote=(votes["higher"], votes["lower"]))
            metric["direction"] = decision.direction
            if decision.direction == "lower":
                self.summary.lower[name] += 1
            self.summary.decisions[decision.source] += 1
            self.summary.decision_examples.setdefault(decision.source, []).append(
                f"{where}: {decision.reason}")
            if decision.against:
                self.summary.conflicts.append(f"{where}: {decision.reason} "
                                              f"(against: {', '.join(decision.against)})")
            if decision.by_default:
                self.summary.by_default.append(f"{where} › {name}")
            if decision.against_name:
                self.summary.against_name.append(
                    f"{where} › {name}: {decision.direction} ({decision.source}): "
                    f"{decision.reason} (against: {', '.join(decision.against)})")

    def task(self, node: dict, parent: str | None) -> None:
        name = plain_text(node.get("task")) or "Unnamed task"
        areas = [plain_text(c) for c in node.get("categories") or [] if plain_text(c)]
        if name in self.task_ids:  # the same subtask under another parent
            task = self.tasks[self.task_ids[name]]
            self.categories[self.task_ids[name]] += areas
            if parent and parent not in task["parent"]:
                task["parent"].append(parent)
            self.summary.repeats += 1
            self._count_repeat(node)
            return
        task_id = self._unique(urls.free_id("task", slug(name)), self.tasks)
        self.task_ids[name] = task_id
        task: dict = {"title": name, "parent": [parent] if parent else []}
        self.categories[task_id] = areas  # the area is decided once all are read (convert)
        description = markdown_text(node.get("description"))
        if description:
            task["description"] = description
        task["notes"] = (f"Results from [{SOURCE['name']}]({SOURCE['url']}), "
                         f"licensed [{SOURCE['license']}]({SOURCE['license_url']}).")
        task["leaderboards"] = []
        self.tasks[task_id] = task
        self.summary.tasks += 1
        taken: set[str] = set()
        for ds in node.get("datasets") or []:
            board = self.leaderboard(name, ds, taken)
            if board:
                task["leaderboards"].append(board)
        for sub in node.get("subtasks") or []:
            self.task(sub, task_id)

    def _count_repeat(self, node: dict) -> None:
        for ds in node.get("datasets") or []:
            rows = (ds.get("sota") or {}).get("rows") or []
            if rows:
                self.summary.repeat_boards += 1
                self.summary.repeat_rows += len(rows)
                self.summary.archive_boards += 1
                self.summary.archive_rows += len(rows)
        for sub in node.get("subtasks") or []:
            self._count_repeat(sub)

    def dataset(self, ds: dict, task_name: str = "") -> str:
        name = plain_text(ds.get("dataset")) or "Unnamed dataset"
        if not re.search(r"[^\W\d_]", name):  # '0': no letter at all, nothing a reader can use
            self.summary.untitled.append(f"{task_name} › {name!r}")
            name = f"Unnamed {task_name} dataset ({name})" if task_name else f"Unnamed dataset ({name})"
        if name in self.dataset_ids:
            return self.dataset_ids[name]
        dataset_id = self._unique(urls.free_id("dataset", slug(name)), self.datasets)
        self.dataset_ids[name] = dataset_id
        data: dict = {"name": name}
        description = markdown_text(ds.get("description"))
        if description:
            data["description"] = description
        links = []
        for link in ds.get("dataset_links") or []:
            url = self._url(link.get("url"), f"dataset {name}")
            if url:
                links.append({"kind": "website", "label": plain_text(link.get("title")) or url,
                              "url": url})
        if links:
            data["links"] = links
        self.datasets[dataset_id] = data
        return dataset_id

    def _values(self, row: dict, where: str, date: str | None, suffixes: dict,
                in_order: dict) -> tuple[dict, dict, dict]:
        """A row's values, uncertainties and suffixes by metric, read past their form; what
        cannot be read, collides or is read as something else is counted in the summary;
        ``suffixes`` and ``in_order`` gather the leaderboard's."""
        values, uncertainty, found_suffix = {}, {}, {}
        for raw_name, raw in (row.get("metrics") or {}).items():
            metric = plain_text(raw_name)
            if not metric:
                continue
            text = " ".join(str(raw if raw is not None else "").split())
            cell = read_cell(text)
            if cell is None:
                self.summary.unparsed.append((kind_of(text), f"{where}: {metric}", text))
                continue
            if metric in values:  # 'Relation F1' and 'Relation F1 ' in one row
                if values[metric] != cell.number:
                    self.summary.collisions.append(
                        f"{where}: {metric} = {text!r} (kept {getattr(values[metric], 'text', 'N/A')})")
                continue
            values[metric] = cell.number
            if cell.number is None:
                self.summary.na += 1
                continue
            self.summary.values += 1
            if cell.uncertainty is not None:
                uncertainty[metric] = cell.uncertainty
            if cell.suffix:
                found_suffix[metric] = cell.suffix
                suffixes.setdefault(metric, Counter())[cell.suffix] += 1
                if cell.suffix == "%":
                    self.summary.percent += 1
            for kind in filter(None, (cell.note,)):
                self.summary.read_as[kind] += 1
                self.summary.read_examples.setdefault(kind, []).append(f"{where}: {text!r}")
            in_order.setdefault(metric, []).append((float(cell.number), date))
        return values, uncertainty, found_suffix

    def _metrics(self, names: list[str], results: list[dict], suffixes: dict, in_order: dict,
                 where: str) -> list[dict]:
        """The leaderboard's metrics, each with its unit; their directions are decided once
        every leaderboard is read (``pending``), from the votes of the row orders."""
        # the table is stored best first by one metric: the first whose order shows one (the
        # others' order, when they happen to be monotone, says nothing)
        sorted_by = next((n for n in names if directions.from_order(
            [v for v, _ in in_order.get(n, [])], [d for _, d in in_order.get(n, [])])), None)
        metrics = []
        for name in names:
            metric: dict = {"name": name, "direction": None}  # decided once all are read
            unit = (suffixes.get(name) or Counter()).most_common(1)
            counted = sum(1 for r in results if r["values"].get(name) is not None)
            if unit and counted and unit[0][1] * 2 >= counted:
                metric["unit"] = unit[0][0]
            sequence = in_order.get(name, []) if name == sorted_by else []
            order = directions.from_order([v for v, _ in sequence], [d for _, d in sequence])
            if order:
                self.votes.setdefault(name, Counter())[order] += 1
            self.pending.append((metric, name, order, where))
            metrics.append(metric)
        return metrics

    def leaderboard(self, task_name: str, ds: dict, taken: set[str]) -> dict | None:
        rows = (ds.get("sota") or {}).get("rows") or []
        dataset_id = self.dataset(ds, task_name)
        title = self.datasets[dataset_id]["name"]
        if not rows:
            self.summary.empty_datasets += 1
            return None
        names: list[str] = []
        for metric in [*(ds["sota"].get("metrics") or []), *(k for r in rows for k in r.get("metrics") or {})]:
            metric = plain_text(metric)
            if metric and metric not in names:
                names.append(metric)
        self.summary.archive_boards += 1
        self.summary.archive_rows += len(rows)
        board_id = self._unique(urls.free_id("leaderboard", slug(title)), taken)
        taken.add(board_id)
        suffixes: dict[str, Counter] = {}
        results, seen, row_suffixes = [], {}, []
        in_order: dict[str, list[tuple[float, str | None]]] = {n: [] for n in names}
        for row in rows:
            model = plain_text(row.get("model_name")) or "Unnamed model"
            where = f"{task_name} › {title} › {model}"
            date = self._date(row, where)
            values, uncertainty, found_suffix = self._values(row, where, date, suffixes, in_order)
            paper = self._url(row.get("paper_url"), where)
            key = (model, tuple(sorted((k, None if v is None else float(v))
                                       for k, v in values.items())), paper)
            links = {key_name: self._links(row.get(source), where)
                     for key_name, source in (("weights", "model_links"), ("code", "code_links"))}
            if key in seen:  # the same result twice: one row, the links of both
                first = seen[key]
                for key_name, found in links.items():
                    known = {l["url"] for l in first.get(key_name, [])}
                    extra = [l for l in found if l["url"] not in known]
                    if extra:
                        first[key_name] = first.get(key_name, []) + extra
                self.summary.duplicates.append(where)
                continue
            if any(k[:2] == key[:2] for k in seen):
                self.summary.kept_apart.append(f"{where} ({paper or 'no paper'})")
            result: dict = {"model": model, "values": {n: values[n] for n in names if n in values}}
            if uncertainty:
                result["uncertainty"] = {n: uncertainty[n] for n in names if n in uncertainty}
            if paper:
                result["paper"] = paper
            title_text = plain_text(row.get("paper_title"))
            if title_text:
                result["paper_title"] = title_text
            if date:
                result["date"] = date
            for key_name, found in links.items():
                if found:
                    result[key_name] = found
            seen[key] = result
            results.append(result)
            row_suffixes.append(found_suffix)
        self._magnitudes(results, row_suffixes, suffixes, where=f"{task_name} › {title}")
        metrics = self._metrics(names, results, suffixes, in_order, f"{task_name} › {title}")
        self.summary.leaderboards += 1
        self.summary.results += len(results)
        return {"id": board_id, "title": title, "dataset": dataset_id, "metrics": metrics,
                "results": results}


def convert(archive: list, overrides: dict[str, str], today: dt.date | None = None,
            given: dict[str, str] | None = None):
    """(tasks {id: data}, datasets {id: data}, Summary) for an export; ``given``: metric name
    -> direction from the command line, before the reviewed list ``overrides``."""
    importer = _Importer(overrides, today or dt.date.today(), given)
    for node in archive:
        importer.task(node, None)
    importer.decide_directions()
    decided = pwc_areas.decide(importer.categories,
                               {t: task["parent"] for t, task in importer.tasks.items()})
    tasks = {}
    for task_id, task in importer.tasks.items():
        parents = task.pop("parent")
        ordered = {"title": task["title"]}
        if parents:
            ordered["parent"] = parents[0] if len(parents) == 1 else parents
        decision = decided[task_id]
        if decision.area:
            ordered["area"] = decision.area
        summary = importer.summary
        summary.areas[decision.source] += 1
        summary.area_examples.setdefault(decision.source, []).append(
            f"{task['title']}: {decision.area or 'none'}")
        ordered.update(task)
        tasks[task_id] = ordered
    return tasks, importer.datasets, importer.summary
