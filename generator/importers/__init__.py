"""Importers: other formats -> files in the project's data layout.

Each importer produces plain data; this module checks it and writes it:
the would-be files are parsed back and validated together with the data
already in the folder before anything is written, a task file that exists is
never overwritten, and an existing dataset file (perhaps edited by hand) is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol
from pathlib import Path

from generator.project import validate
from generator.project import yamlwrite
from generator.rules import files
from generator.rules import ids, urls
from generator.site.fsutil import write_text
from generator.project.pipeline import SOURCES_FILE, load_project, load_sources
from generator.project.problems import InputError, Problem, errors, general

_SUB_SUP = {"sub": "_", "sup": "^"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SEPARATORS = re.compile("[\u2028\u2029]")


def plain_text(value) -> str:
    """One line of plain text from another source's text, which may hold HTML:
    ``supWSD<sub>emb</sub>`` becomes ``supWSD_emb``, other tags go, whitespace folds."""
    text = str(value if value is not None else "")
    text = validate.HTML_TAG.sub(lambda m: "" if m[0].startswith("</") else _SUB_SUP.get(
        re.match(r"<([A-Za-z0-9]*)", m[0])[1].lower(), " "), text)
    return " ".join(_CONTROL.sub("", " ".join(text.split())).split())


def markdown_text(value) -> str:
    """Markdown from another source without its raw HTML: the tags markdown would pass
    through go, their text stays (a tag quoted in code goes too if it is written the same)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _SEPARATORS.sub("\n", text)).strip()  # as the data allows
    if "<" not in text:
        return text
    for tag in validate.raw_html_in(text):
        text = text.replace(tag, "")
    return text.strip()


def schema_header(data_dir: Path, kind: str) -> str | None:
    """The first line that points editors at the schema: this repository's
    generator/schema/, or the copies `leaderboard init` writes to schema/ beside data/;
    none when neither is there (a line pointing nowhere would only confuse)."""
    for folder in ("generator/schema", "schema"):
        if (data_dir.parent / folder / f"{kind}.schema.json").is_file():
            return f"# yaml-language-server: $schema=../../{folder}/{kind}.schema.json"
    return None


class Report(Protocol):
    """An importer's account of what it left out: a few lines for the terminal, the whole
    for a file."""

    def lines(self) -> list[str]: ...

    def report(self) -> str: ...


@dataclass
class Plan:
    """What an import would do, the one shape every importer returns: the files it would
    write (path -> YAML text), the existing ones it keeps, its notes (decisions and
    warnings, each at its source's file and line), the sources to credit, and, where the
    importer keeps one, a report of everything it left out.  ``check()`` validates the
    files with the folder's data through pipeline.load_project; ``write()`` checks, then
    writes."""

    data_dir: Path
    files: dict[Path, str] = field(default_factory=dict)
    kept: list[Path] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # attribution to add to data/sources.yml
    tasks: list = field(default_factory=list)  # the imported tasks, built by check()
    project: object = None  # the folder's data with the import, built by check()
    report: "Report | None" = None  # what was left out, with locations (import-pwc)
    id_option: str | None = "--task-id"  # how the command imports under another task id
    raw: dict = field(default_factory=dict)  # task id -> the data added (loose imports)

    def add_task(self, task_id: str, data: dict) -> None:
        path = self.data_dir / "tasks" / f"{task_id}.yml"
        existing = [p for p in (path, path.with_suffix(".yaml")) if p.exists()]
        if existing:
            other = f"Import under another id with {self.id_option}, or move" if self.id_option \
                else "Import into another folder, or move"
            raise InputError(general(
                f"task '{task_id}' already exists ({existing[0]}); nothing was written. "
                f"{other} the existing file away first"))
        self.files[path] = yamlwrite.dump(with_result_ids(data), schema_header(self.data_dir, "task"))

    def add_dataset(self, dataset_id: str, data: dict) -> None:
        path = self.data_dir / "datasets" / f"{dataset_id}.yml"
        if path.exists() or path.with_suffix(".yaml").exists():
            self.kept.append(path)
        elif path not in self.files:
            self.files[path] = yamlwrite.dump(data, schema_header(self.data_dir, "dataset"))

    def check(self) -> None:
        """Validate the would-be files with the data already in the folder, on the one path
        every command takes (pipeline.load_project); problems of the folder's other files
        are theirs, not the import's."""
        loaded = load_project(self.data_dir, overrides=self.files)
        planned = {str(p) for p in self.files}
        problems = [p for p in loaded.problems if p.file in planned]
        task_ids = {p.stem for p in self.files if p.parent.name == "tasks"}
        self.tasks = [t for t in loaded.project.tasks if t.id in task_ids]
        self.project = loaded.project
        self.notes += [p for p in problems if p.severity == "warning"]
        if errors(problems):
            raise InputError([general("the imported data would be invalid, so nothing was "
                                      "written:")] + errors(problems))

    def write(self, report: Path | None = None, report_text: str = "") -> None:
        """Check, then write the files (and ``report``), all or nothing (``staging``)."""
        from generator.importers.staging import write_plan
        write_plan(self, report, report_text)


def with_result_ids(task: dict) -> dict:
    """``task`` with an ``id`` on each result whose display name another result of its
    leaderboard has too (two implementations of one model), so that each has a permalink
    and badge of its own.  Which one keeps the plain name, and which get ``-2``, ``-3``,
    follows the results themselves (the oldest paper first), not the source's row order:
    a page written back in ranked order imports to the same ids."""
    from generator.project.model import arxiv_id, arxiv_month

    for lb in task.get("leaderboards") or ():
        results = lb.get("results") or []
        groups: dict[str, list[int]] = {}
        for i, result in enumerate(results):
            parts = [result.get("model") or "", *(result.get("extra_data") or ())]
            name = urls.anchor(lb.get("id") or "", " + ".join(parts + ["MS"] * bool(
                result.get("multi_scale"))), result.get("id"))
            groups.setdefault(name, []).append(i)
        used = set(groups)

        def age(i: int) -> tuple:
            r = results[i]
            paper = str(r.get("paper") or "")
            month = arxiv_month(arxiv_id(paper)) if arxiv_id(paper) else None
            return (str(r.get("date") or month or "9999"), paper, repr(r.get("values")), repr(r))
        for base, members in groups.items():
            if len(members) < 2 or any(results[i].get("id") for i in members):
                continue  # one result, or ids given: validate has the last word
            n = 1
            for i in sorted(members, key=age)[1:]:
                while f"{base}-{n}" in used or n == 1:
                    n += 1
                used.add(f"{base}-{n}")
                items = list(results[i].items())
                results[i] = dict(items[:1] + [("id", f"{base}-{n}".split("--", 1)[1])] + items[1:])
    return task


def read_sources(data_dir: Path) -> list[dict]:
    """The sources already credited in data/sources.yml (checked by ``validate``)."""
    sources, problems = load_sources(data_dir)
    if errors(problems):
        raise InputError(problems)
    return [{k: v for k, v in vars(s).items() if v is not None} for s in sources]


def add_sources(data_dir: Path, sources: list[dict]) -> None:
    known = read_sources(data_dir)
    names = {s["name"] for s in known}
    merged = known + [s for s in sources if s["name"] not in names]
    header = "# Where the data comes from, shown in the site's footer. Importers add to it."
    write_text(data_dir / SOURCES_FILE, header + "\n" + "".join(
        yamlwrite.dump({"items": [s]}).split("\n", 1)[1] for s in merged))


def read_page(path: Path) -> str:
    """A page to import, read as every input is (rules.files); a bad byte is named by line."""
    try:
        return files.read_text(path)
    except files.Unreadable as exc:
        if exc.line > 1 or exc.col > 1:
            raise InputError(Problem(str(path), exc.line, 0, exc.message)) from None
        raise InputError(general(exc.message, str(path))) from None


def check_id(value: str, what: str) -> str:
    """``value`` as the id of the ``what`` ('task id', 'dataset id') an import writes, or
    an error saying why it cannot be one (its form, or a name the site has: ``urls``)."""
    if not ids.is_id(value):
        raise InputError(general(f"{what} '{value}' is not a valid id: use {ids.RULE}, "
                                 f"at most {ids.MAX_LENGTH} characters"))
    why = urls.id_problem(what.split()[0], value)
    if why:
        option = "--task-id" if what.startswith("task") else "--dataset-id"
        raise InputError(general(f"{why} (import it under another id with {option})"))
    return value


WORDS = {"voc": "VOC", "coco": "COCO", "nyu": "NYU", "mpii": "MPII", "kitti": "KITTI",
         "imagenet": "ImageNet", "pascal": "PASCAL", "ade20k": "ADE20K", "v2": "v2"}


def humanize(identifier: str) -> str:
    """A readable name for a dataset known only by id: kitti_depth_estimation -> KITTI Depth Estimation."""
    return " ".join(WORDS.get(w, w.capitalize()) for w in re.split(r"[._-]+", identifier))


def plan_task_page(page: Path, data_dir: Path, task_id: str | None = None,
                   lower: set[str] = frozenset(), higher: set[str] = frozenset()) -> Plan:
    """Everything importing a task page would write: the task and the datasets it links.

    A linked dataset is imported from ``datasets/<id>.md`` beside the page when that
    page exists, else written as a stub (name only) to be filled in.
    """
    from generator.importers.dataset_page import parse_dataset_page
    from generator.importers.markdown_page import parse_task_page

    task_id = check_id(task_id or page.stem, "task id")
    parsed = parse_task_page(page, read_page(page), lower=lower, higher=higher)
    plan = Plan(data_dir, notes=list(parsed.notes))
    for dataset_id in parsed.datasets:
        source = page.parent / "datasets" / f"{dataset_id}.md"
        if source.exists():
            data = parse_dataset_page(source, read_page(source))
        else:
            data = {"name": humanize(dataset_id)}
            plan.notes.append(Problem(str(page), 0, 0, f"no page {source.name} beside it: dataset "
                                      f"'{dataset_id}' is written as a stub to fill in",
                                      severity="warning"))
        plan.add_dataset(dataset_id, data)
    plan.add_task(task_id, parsed.task)
    return plan


def plan_dataset_page(page: Path, data_dir: Path, dataset_id: str | None = None) -> Plan:
    from generator.importers.dataset_page import parse_dataset_page

    dataset_id = check_id(dataset_id or page.stem, "dataset id")
    data = parse_dataset_page(page, read_page(page))
    plan = Plan(data_dir)
    path = data_dir / "datasets" / f"{dataset_id}.yml"
    if path.exists() or path.with_suffix(".yaml").exists():
        raise InputError(general(f"dataset '{dataset_id}' already exists ({path}); nothing was "
                                 "written. Import under another id with --dataset-id, or move the "
                                 "existing file away first"))
    plan.add_dataset(dataset_id, data)
    return plan


def plan_pwc(archive: Path, data_dir: Path, directions: Path | None = None,
             lower: list[str] = (), higher: list[str] = ()) -> Plan:
    """Importing a Papers with Code evaluation-tables export; ``plan.report`` lists every
    value left out.  ``lower``/``higher``: metric names given on the command line."""
    from generator.importers.pwc import SOURCE, convert, load_directions
    from generator.importers.pwc_shape import read_archive

    both = sorted(set(lower) & set(higher))
    if both:
        raise InputError(general(f"--lower-is-better and --higher-is-better both name {both[0]!r}"))
    given = {**{name: "lower" for name in lower}, **{name: "higher" for name in higher}}
    tasks, datasets, summary = convert(read_archive(archive), load_directions(directions),
                                       given=given)
    plan = Plan(data_dir, sources=[SOURCE], report=summary, id_option=None)
    for dataset_id, data in datasets.items():
        plan.add_dataset(dataset_id, data)
    for task_id, data in tasks.items():
        plan.add_task(task_id, data)
    return plan


def is_sota_cv_page(text: str) -> bool:
    """Whether a page is in the SotA-CV layout (its leaderboard tables end Weights | Paper |
    Code and it has no text before its first section), which ``plan_task_page`` reads exactly."""
    from generator.importers.markdown_page import LINK_COLUMNS
    headers = re.findall(r"^\|\s*Model\s*\|.*\|\s*$", text, flags=re.M)
    return bool(headers) and all(
        [c.strip().lower() for c in h.strip().strip("|").split("|")][-3:]
        == [c.lower() for c in LINK_COLUMNS] for h in headers)


def read_columns(path: Path | None) -> dict[str, str]:
    """A mapping file (--columns): {header as written: role}, checked against its schema."""
    if path is None:
        return {}
    import json

    import jsonschema
    from importlib import resources
    try:
        data = json.loads(read_page(path))
    except json.JSONDecodeError as exc:
        raise InputError(Problem(str(path), exc.lineno, exc.colno, f"not JSON: {exc.msg}")) from None
    schema = json.loads(resources.files("generator").joinpath("schema", "columns.schema.json")
                        .read_text("utf-8"))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the file"
        raise InputError(general(f"{where}: {error.message}", str(path)))
    return dict(data.get("columns", {}))


def plan_loose_pages(pages: list[Path], data_dir: Path, columns: dict[str, str] | None = None,
                     report=None):
    """Everything importing markdown leaderboard pages in loose forms would write (a task per
    '# ' heading), and the report of every table, mapping and cell (``loose_page``).  A part
    the data would refuse (a result, a leaderboard, a page's text) is left out and reported
    at its line, and the rest imports (``settle``)."""
    from generator.importers.loose_page import LooseReport, parse_loose_page

    report = report if report is not None else LooseReport()
    plan = Plan(data_dir, report=report)
    seen: dict[str, Path] = {}
    for page in pages:
        for task_id, task in parse_loose_page(page, read_page(page), report, columns).items():
            if task_id in seen:
                new_id = f"{task_id}-{ids.slug(page.stem)}"
                for (t, b), origin in list(report.origins.items()):
                    if t == task_id and origin.page == str(page):
                        report.origins[(new_id, b)] = report.origins.pop((t, b))
                task_id = new_id
            seen[task_id] = page
            plan.add_task(task_id, task)
            plan.raw[task_id] = task
            if "page" in task:
                report.layouts.setdefault(str(page), []).append(task_id)
    settle(plan, report)
    if not plan.files:
        found = [Problem(t.page, t.line, 0, f"a table, not a leaderboard ({t.why_not}): "
                                            f"columns {t.header}") for t in report.tables]
        if len(found) == 1:  # one line says it all
            t = report.tables[0]
            raise InputError(Problem(t.page, t.line, 0, "no leaderboard found, so nothing was "
                                     f"written: its one table is not a leaderboard ({t.why_not})"))
        raise InputError([general("no leaderboard found, so nothing was written" +
                                  ("" if found else ": the pages hold no table"),
                                  str(pages[0]) if len(pages) == 1 else "")] + found[:10])
    return plan


def settle(plan: Plan, report) -> None:
    """Validate the loose import and leave out each part the data refuses, at its source's
    line: a result (its row goes back on the page as written), a leaderboard (its table
    goes back on the page), a page's text (not kept), else the task.  Repeats until the
    rest validates; what is left out is in ``report.skipped``."""
    from generator.importers.loose_page import CellProblem
    from generator.rules.text import page_marker

    for _ in range(50):
        loaded = load_project(plan.data_dir, overrides=plan.files)
        refused: dict[str, list[Problem]] = {}
        for p in errors(loaded.problems):
            if p.file in {str(f) for f in plan.files}:
                refused.setdefault(p.file, []).append(p)
        if not refused:
            return
        for file, problems in refused.items():
            path = Path(file)
            task_id = path.stem
            task = plan.raw[task_id]
            parts = _parts_at(plan.files[path], [p.line for p in problems])
            drop_results: dict[int, set[int]] = {}
            drop_boards: set[int] = set()
            whole = drop_page = False
            for p, part in zip(problems, parts):
                kind = part[0]
                if kind == "result":
                    drop_results.setdefault(part[1], set()).add(part[2])
                elif kind == "leaderboard":
                    drop_boards.add(part[1])
                elif kind == "page" or (kind == "task" and task.get("page")):
                    drop_page = True  # a task refused as a whole: its page's text first
                    part = ("page",)
                else:
                    whole = True
                where = _origin_of(report, task_id, task, part)
                report.skipped.append(CellProblem(where[0], where[1], 0, part[0], where[2],
                                                  f"not imported: {p.message}"))
            boards = task["leaderboards"]
            for b, rows in drop_results.items():
                if b in drop_boards or b >= len(boards):
                    continue
                lb = boards[b]
                origin = report.origins.get((task_id, lb["id"]))
                kept = [r for k, r in enumerate(lb["results"]) if k not in rows]
                if origin is not None:
                    gone = [origin.rows[k] for k in sorted(rows) if k < len(origin.rows)]
                    origin.rows = [o for k, o in enumerate(origin.rows) if k not in rows]
                    if origin.head and task.get("page"):
                        marker = page_marker(lb["id"])
                        before = "\n".join([marker, ""] + origin.head + origin.left) \
                            if origin.left else marker
                        origin.left += [raw for _, raw in gone if raw]
                        task["page"] = task["page"].replace(before, "\n".join(
                            [marker, ""] + origin.head + origin.left), 1)
                for t in report.tables:
                    if origin is not None and (t.page, t.line) == (origin.page, origin.line):
                        t.results -= len(lb["results"]) - len(kept)
                lb["results"] = kept
                if not kept:
                    drop_boards.add(b)
            for b in sorted(drop_boards, reverse=True):
                if b >= len(boards):
                    continue
                lb = boards.pop(b)
                origin = report.origins.pop((task_id, lb["id"]), None)
                if task.get("page"):
                    marker = page_marker(lb["id"])
                    block = "\n".join([marker, ""] + origin.head + origin.left) \
                        if origin is not None and origin.left else marker
                    task["page"] = task["page"].replace(block, origin.text if origin else "", 1)
                for t in report.tables:
                    if origin is not None and t.page == origin.page and t.line == origin.line:
                        t.leaderboard, t.why_not = False, "the data refused it (below)"
            if drop_page:
                task.pop("page", None)
            if whole or not boards:
                del plan.files[path]
                plan.raw.pop(task_id)
                continue
            plan.files[path] = yamlwrite.dump(task, schema_header(plan.data_dir, "task"))
    raise InputError(general("the import would still be invalid after leaving out every part "
                             "the data refused; nothing was written"))


def _parts_at(text: str, lines: list[int]) -> list[tuple]:
    """For each line (1-based) of a task file, the part it belongs to: ('result', board,
    result), ('leaderboard', board), ('page',) or ('task',)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return [("task",)] * len(lines)
    found = []
    for line in lines:
        at = line - 1
        part: tuple = ("task",)
        for key, value in getattr(root, "value", []) or []:
            if not (key.start_mark.line <= at <= value.end_mark.line):
                continue
            if key.value == "page":
                part = ("page",)
            elif key.value == "leaderboards" and isinstance(value.value, list):
                for b, board in enumerate(value.value):
                    if board.start_mark.line <= at < max(board.end_mark.line,
                                                         board.start_mark.line + 1):
                        part = ("leaderboard", b)
                        for k, v in board.value:
                            if k.value == "results" and isinstance(v.value, list):
                                for r, res in enumerate(v.value):
                                    if res.start_mark.line <= at < max(
                                            res.end_mark.line, res.start_mark.line + 1):
                                        part = ("result", b, r)
        found.append(part)
    return found


def _origin_of(report, task_id: str, task: dict, part: tuple) -> tuple[str, int, str]:
    """(page, line, what) where a part of an imported task came from."""
    boards = task.get("leaderboards") or []
    if part[0] in ("result", "leaderboard") and part[1] < len(boards):
        lb = boards[part[1]]
        origin = report.origins.get((task_id, lb["id"]))
        if origin is not None:
            if part[0] == "result" and part[2] < len(origin.rows):
                return origin.page, origin.rows[part[2]][0], lb["results"][part[2]]["model"]
            return origin.page, origin.line, lb["title"]
    page = next((o.page for (t, _), o in report.origins.items() if t == task_id), task_id)
    return page, 1, task.get("title", task_id)
