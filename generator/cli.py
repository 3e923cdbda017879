"""The command line: ``python -m generator COMMAND`` (also ``leaderboard COMMAND``).

Each command runs the stages it needs and prints problems as
``file:line:col: message`` (exit 1); a disk that refuses a read or write
(read-only, full, a missing folder) is one line
``leaderboard: cannot write PATH: REASON`` (exit 2).  Neither ends in a traceback.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import DIST, __version__
from generator.project import checkcache
from generator import importers
from generator.importers import page_diff
from generator.outputs import render
from generator.project.pipeline import load_project, load_valid_project
from generator.project.problems import InputError, display_path, errors, general, log_line
from generator.site.fsutil import Lock, describe, write_text
from generator.views.ranking import ranked


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cmd_validate(args) -> int:
    if args.changed or args.paths:
        fresh = list(args.paths) + (_git_changed(args.data) if args.changed else [])
        checked = checkcache.check(args.data, fresh)
        problems, c = checked.problems, checked.counts
        print(f"read and checked: {_plural(checked.read, 'file')}; unchanged, from the cache "
              f"({checkcache.FOLDER}/): {checked.kept}", file=sys.stderr)
    else:
        loaded = load_project(args.data)
        problems, c = loaded.problems, loaded.project.counts()
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(problem.annotation())
    found = errors(problems)
    if found:
        print(f"invalid: {_plural(len(found), 'error')} in {display_path(args.data)}", file=sys.stderr)
        return 1
    print(f"valid: {_plural(c['tasks'], 'task')}, {_plural(c['datasets'], 'dataset')}, "
          f"{_plural(c['leaderboards'], 'leaderboard')}, {_plural(c['results'], 'result')}")
    return 0


def _git_changed(data: Path) -> list[Path]:
    """The files under ``data`` that git sees changed against HEAD, staged or not, or new;
    none when git or a repository is not there (the content hashes still decide)."""
    try:
        run = subprocess.run(["git", "status", "--porcelain=v1", "-z", "--untracked-files=all",
                              "--", "."], cwd=data, capture_output=True, timeout=60)
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=data,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    if run.returncode or top.returncode:
        return []
    root = Path(top.stdout.strip())
    entries = run.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [root / entry[3:] for entry in entries if len(entry) > 3]


def cmd_markdown(args) -> int:
    project = load_valid_project(args.data).project
    task = project.task(args.task)
    if task is None:
        known = ", ".join(sorted(t.id for t in project.tasks)) or "none"
        raise InputError(general(f"unknown task '{args.task}' (known: {known})"))
    text = render.task_markdown(task, project, _templates(args), args.layout)
    if args.out:
        write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_readme(args) -> int:
    from generator.outputs import readme as readme_out

    path: Path = args.readme
    old = readme_out.read(path)
    project = load_valid_project(args.data).project
    new = readme_out.regenerate(old, project, str(path), templates=_templates(args))
    if args.check:
        if new == old:
            print(f"{display_path(path)} is up to date")
            return 0
        sys.stdout.write(log_line(readme_out.diff(old, new, display_path(path))))  # a CI log
        print(f"{display_path(path)} is stale: run '{args.prog} readme' and commit the result",
              file=sys.stderr)
        return 1
    if new != old:
        write_text(path, new)
        print(f"rewrote the generated sections of {display_path(path)}")
    else:
        print(f"{display_path(path)} was already up to date")
    return 0


def cmd_pages(args) -> int:
    from generator.views.site import site_files
    from generator.site.build import site_pages

    project = load_valid_project(args.data).project
    intro_path = args.docs / "index.md"
    intro = intro_path.read_text(encoding="utf-8") if intro_path.exists() else ""
    templates = _templates(args)
    pages = {**site_pages(project, intro, templates_dir=templates),
             **site_files(project, templates_dir=templates)}
    with _staged(args.out, "pages") as out:
        for path, text in pages.items():
            out.write_text(path, text)
    print(f"wrote {_plural(len(pages), 'file')} to {display_path(args.out)}")
    return 0


def cmd_export(args) -> int:
    from generator.outputs.exports import FORMATS, exports

    project = load_valid_project(args.data).project
    formats = FORMATS if args.format == "all" else (args.format,)
    files = exports(project, formats, templates=_templates(args))
    with _staged(args.out, "export") as out:
        for path, text in files.items():
            out.write_text(path, text)
        if "json" in formats:
            out.write_text("schema.json", _export_schema_text())
    print(f"wrote {_plural(len(files), 'file')} ({', '.join(formats)}) to {display_path(args.out)}")
    return 0


def _staged(folder: Path, command: str):
    """Write a whole output folder beside it, swapped in when complete (see publish)."""
    from generator.site.publish import StagedFolder

    return StagedFolder(folder, command, on_wait=lambda: print(
        f"leaderboard: waiting for another run writing {display_path(folder)} to finish",
        file=sys.stderr, flush=True))


def _export_schema_text() -> str:
    from importlib import resources
    schemas = resources.files("generator").joinpath("schema")
    return schemas.joinpath("export.schema.json").read_text("utf-8")


def cmd_diff(args) -> int:
    from generator.tools.diff import diff

    sys.stdout.write(diff(args.base, args.head, args.data))
    return 0


def cmd_site_diff(args) -> int:
    from generator.tools.sitediff import compare

    sys.stdout.write(compare(args.old, args.new))
    return 0


def cmd_add(args) -> int:
    from generator.tools import add

    result = add.build_result(args.model, args.value, args.paper, args.paper_title, args.date,
                              args.extra_data, args.multi_scale, args.weights, args.code)
    # read, check and write under the file's lock: two adds at once both land
    with Lock(add.task_file(args.data, args.task)):
        path, text, project = add.add(args.data, args.task, args.leaderboard, result)
        write_text(path, text)
    lb = next(lb for lb in project.task(args.task).leaderboards if lb.id == args.leaderboard)
    new = lb.results[-1]  # appended last
    rank = next(rank for r, rank in ranked(lb) if r is new)
    print(f"added '{args.model}' to {args.task}/{args.leaderboard} in {display_path(path)}: "
          f"rank {rank or '–'} of {len(lb.results)}")
    print(f"next: {args.prog} readme, then commit both files")
    return 0


def cmd_submission(args) -> int:
    from generator.tools import submission

    return submission.main(args.body, args.data, summary=args.summary, title=args.title,
                           dry_run=args.dry_run)


def cmd_import_pwc(args) -> int:
    plan = importers.plan_pwc(args.archive, args.data, args.directions, args.lower_is_better,
                              args.higher_is_better)
    summary = plan.report
    report = args.report or args.data / "pwc-import-report.txt"
    plan.write(report, summary.report())  # all or nothing: a copy swapped in
    for line in summary.lines():
        print(line, file=sys.stderr)
    print(f"wrote {_plural(len(plan.files), 'file')} to {display_path(args.data)} "
          f"(kept {len(plan.kept)} existing dataset files); every value left out, with its "
          f"location: {display_path(report)}")
    return 0


def cmd_bench(args) -> int:
    from generator.tools import bench

    if args.budget_only is not None:
        return bench.budget_only(args.budget_only, args.json)
    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    return bench.main(args.archive, scales, args.repeat, not args.no_browser, args.baseline_up_to,
                      args.zensical)


def _report_plan(plan, what: str) -> None:
    for note in plan.notes:
        print(note.format(), file=sys.stderr)
    for path in plan.files:
        print(f"wrote {display_path(path)}")
    for path in plan.kept:
        print(f"kept {display_path(path)} (it exists; not overwritten)")
    print(what)


def cmd_import(args) -> int:
    pages = args.pages
    if len(pages) == 1 and not pages[0].is_dir() and args.columns is None \
            and importers.is_sota_cv_page(importers.read_page(pages[0])):
        return _import_sota_cv(args, pages[0])
    if args.task_id:
        raise InputError(general("--task-id is for one page in the SotA-CV layout; pages in "
                                 "other layouts are a task per '# ' heading"))
    both = sorted(set(args.lower_is_better) & set(args.higher_is_better))
    if both:
        raise InputError(general(f"'{both[0]}' is given both --lower-is-better and "
                                 "--higher-is-better; give one"))
    folders = [p for p in pages if p.is_dir()]
    # a folder: every page in it and its subfolders (a repository's docs/, projects/*/),
    # not those under hidden folders (.github) or node_modules
    pages = [q for p in pages for q in (sorted(
        f for f in p.rglob("*.md") if not any(part.startswith(".") or part == "node_modules"
                                              for part in f.relative_to(p).parts[:-1]))
        if p.is_dir() else [p])]
    if folders and not pages:
        raise InputError(general(f"no .md page in {display_path(folders[0])}"))
    from generator.importers.loose_page import LooseReport

    report = LooseReport(given={**{n: "lower" for n in args.lower_is_better},
                                **{n: "higher" for n in args.higher_is_better}})
    out = args.report or (None if args.dry_run else args.data / "import-report.txt")
    try:
        plan = importers.plan_loose_pages(pages, args.data, importers.read_columns(args.columns),
                                          report)
        plan.check()
        report.regenerated = page_diff.compare_written_back(plan)
        if not args.dry_run:
            plan.write(out, report.report())
    except InputError as error:  # the report says what was read, whatever happens
        # the data folder stays as it was: the report goes where --report says, else out
        report.failure = "; ".join(p.message for p in error.problems[:1])
        if args.report is not None:
            write_text(args.report, report.report())
        else:
            sys.stdout.write(report.report())
        raise
    if out is None:
        sys.stdout.write(report.report())
    for table in report.tables:  # never silently: each table left out, at its line
        if not table.leaderboard:
            print(f"{display_path(table.page)}:{table.line}: warning: table not imported: not a "
                  f"leaderboard ({table.why_not}); columns {table.header}", file=sys.stderr)
    for line in report.lines():
        print(line, file=sys.stderr)
    for note in plan.notes:
        print(note.format(), file=sys.stderr)
    if args.dry_run:
        print(f"dry run: would write {_plural(len(plan.files), 'file')} to "
              f"{display_path(args.data)}; nothing written", file=sys.stderr)
    else:
        print(f"wrote {_plural(len(plan.files), 'file')} to {display_path(args.data)}; the "
              f"report: {display_path(out)}", file=sys.stderr)
    return 0


def _import_sota_cv(args, page: Path) -> int:
    plan = importers.plan_task_page(page, args.data, args.task_id,
                                    lower=set(args.lower_is_better),
                                    higher=set(args.higher_is_better))
    if args.dry_run:
        plan.check()
        for note in plan.notes:
            print(note.format(), file=sys.stderr)
        print(f"dry run: would write {_plural(len(plan.files), 'file')}; nothing written")
        return 0
    plan.write()
    task = plan.tasks[0]
    n = sum(len(lb.results) for lb in task.leaderboards)
    _report_plan(plan, f"imported task '{task.id}': "
                       f"{_plural(len(task.leaderboards), 'leaderboard')}, {_plural(n, 'result')}")
    return 0


def cmd_import_dataset(args) -> int:
    plan = importers.plan_dataset_page(args.page, args.data, args.dataset_id)
    plan.write()
    _report_plan(plan, "imported 1 dataset")
    return 0


def _templates(args) -> Path | None:
    """The site's own templates folder: --templates DIR, else ./templates when it exists.
    A template there replaces the shipped one of the same name."""
    if args.templates is not None:
        if not args.templates.is_dir():
            raise InputError(general(f"--templates {display_path(args.templates)}: no such folder"))
        return args.templates.resolve()
    default = Path("templates")  # absolute below: the Jinja environment is cached by folder
    return default.resolve() if default.is_dir() else None


def cmd_init(args) -> int:
    from generator.tools import skeleton

    written = skeleton.init(args.dir, args.name)
    print(f"wrote a leaderboard site to {display_path(args.dir)} ({_plural(len(written), 'file')})")
    print(f"next: cd {display_path(args.dir)} && git init && mkdocs build --strict")
    return 0


# --- the commands -----------------------------------------------------------

@dataclass(frozen=True)
class Arg:
    """One argument of a command: ``add_argument(*flags, **options)``."""
    flags: tuple[str, ...]
    options: dict = field(default_factory=dict)


def arg(*flags: str, **options) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    """A row of the command table, from which the parser is built."""
    name: str
    func: Callable[[argparse.Namespace], int]
    help: str  # one line, in the list of commands
    description: str  # the command's own --help
    args: tuple[Arg, ...] = ()


DATA = arg("--data", type=Path, default=Path("data"), metavar="DIR",
           help="data folder with tasks/ and datasets/ (default: ./data)")
TEMPLATES = arg("--templates", type=Path, metavar="DIR",
                help="the site's own templates: one here replaces the shipped template of the "
                     "same name (default: ./templates when it exists)")
OUT_DIR = arg("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
LIST = dict(action="append", default=[])

COMMANDS: tuple[Command, ...] = (
    Command("init", cmd_init, "write a new leaderboard site, ready to build",
            "Write a new leaderboard site into DIR: mkdocs.yml using the 'leaderboards' plugin, "
            "data/ with an example task, dataset and sources file, the JSON Schemas its data "
            "files name, a README with generated tables, a contributing page, the pull-request, "
            "Pages and submission workflows, a Dependabot configuration, .pre-commit-config.yaml "
            "and requirements.txt pinning this release. It validates and builds with 'mkdocs "
            "build --strict' as written. DIR must not exist or be empty.",
            (arg("dir", type=Path, metavar="DIR", help="the new site's folder"),
             arg("--name", metavar="TITLE",
                 help="the site's name (default: from DIR, e.g. my-site -> My site)"))),
    Command("validate", cmd_validate, "check every data file; errors as file:line:col",
            "Check data files against the schema and for problems across files. Prints each "
            "problem as file:line:col: message on stderr and exits 1 if there is any error; else "
            "prints counts, exit 0. With --changed (the files git sees changed) or PATH...: the "
            "other files' parsed data and own problems come from a cache kept by content hash "
            "in .leaderboard-cache/ beside the data folder, and every check across files runs "
            "in full, so the result is the full check's.",
            (arg("paths", nargs="*", type=Path, metavar="PATH",
                 help="data files that changed: read and checked afresh"),
             arg("--changed", action="store_true",
                 help="the data files git sees changed (staged, unstaged or new) are read "
                      "afresh; the others come from the cache when their content is unchanged"),
             DATA)),
    Command("markdown", cmd_markdown, "render a task page as markdown (SotA-CV or NLP-progress layout)",
            "Render TASK's page (description and leaderboard tables) as markdown, to stdout or "
            "--out FILE, in the SotA-CV layout (the seed's) or, with --layout nlp-progress, in "
            "NLP-progress's (Model | metrics | Paper / Source | Code), which import reads back "
            "to the same data.",
            (arg("task", metavar="TASK", help="task id (file name in data/tasks without .yml)"),
             DATA, TEMPLATES,
             arg("--layout", choices=render.LAYOUTS, default="sota-cv",
                 help="the page layout (default: sota-cv)"),
             arg("--out", type=Path, metavar="FILE", help="write here instead of stdout"))),
    Command("readme", cmd_readme, "regenerate the generated sections of README.md",
            "Rewrite the sections of README.md between BEGIN/END GENERATED markers from the "
            "data; text outside them is kept.",
            (DATA, TEMPLATES,
             arg("--readme", type=Path, default=Path("README.md"), metavar="FILE",
                 help="the README to update (default: ./README.md)"),
             arg("--check", action="store_true",
                 help="write nothing; exit 1 with a diff if the README is stale"))),
    Command("pages", cmd_pages, "write the website's generated pages (for any builder)",
            "Render the site's pages (home, task and dataset pages and indexes) as markdown "
            "files into DIR. MkDocs does this itself through the 'leaderboards' plugin in "
            "mkdocs.yml; other builders that read mkdocs.yml (Zensical) can build from docs/ "
            "overlaid with DIR.",
            (DATA, TEMPLATES, OUT_DIR,
             arg("--docs", type=Path, default=Path("docs"), metavar="DIR",
                 help="hand-written pages; docs/index.md is the home page's text"))),
    Command("export", cmd_export, "write the data as JSON, CSV, LaTeX or markdown files",
            "Write every leaderboard as DIR/TASK/LEADERBOARD.{json,csv,tex,md} (and DIR/all.json "
            "plus DIR/schema.json for JSON). JSON validates against "
            "generator/schema/export.schema.json; CSV has one header row and N/A as empty "
            "cells; LaTeX is a booktabs table.",
            (DATA, TEMPLATES,
             arg("--format", required=True, choices=["json", "csv", "latex", "markdown", "all"]),
             OUT_DIR)),
    Command("diff", cmd_diff, "what a change does to the leaderboards (markdown)",
            "Compare the data at BASE with HEAD (git revisions or data folders; HEAD defaults "
            "to the working tree) and print markdown: results added, removed and changed per "
            "leaderboard, new best values, rank changes and whether the new data validates.",
            (arg("base", metavar="BASE", help="a git revision (e.g. HEAD~1, origin/main) or a folder"),
             arg("head", metavar="HEAD", nargs="?", help="a git revision or a folder"),
             DATA)),
    Command("site-diff", cmd_site_diff, "what a change does to the built site (markdown)",
            "Compare two folders that mkdocs build wrote (the base's and the head's site, e.g. "
            "before and after a new release of the generator in requirements.txt) and print "
            "markdown: pages added and removed, pages whose content changed, pages where only "
            "the theme or navigation around it changed, and the other files by count. The "
            "site's checks workflow adds it to a pull request's summary.",
            (arg("old", type=Path, metavar="OLD_SITE", help="the base's built site"),
             arg("new", type=Path, metavar="NEW_SITE", help="the head's built site"))),
    Command("add", cmd_add, "add a result to a leaderboard, keeping the file's comments",
            "Append a result to a leaderboard's YAML file. Only the new lines are written: "
            "comments and formatting stay as they were. The file is validated with the rest of "
            "the data first.",
            (arg("--task", required=True, help="task id (file name in data/tasks)"),
             arg("--leaderboard", required=True, help="leaderboard id within the task"),
             arg("--model", required=True, help="model name, without '+ COCO' / '+ MS'"),
             arg("--value", **LIST, metavar="METRIC=NUMBER",
                 help="a metric value (N/A allowed); repeatable"),
             arg("--paper", metavar="URL", help="the paper's URL"),
             arg("--paper-title", metavar="TITLE"),
             arg("--date", metavar="YYYY-MM-DD", help="the paper's date (default: from arXiv)"),
             arg("--extra-data", **LIST, metavar="NAME",
                 help="training data beyond the dataset's own, e.g. COCO; repeatable"),
             arg("--multi-scale", action="store_true", help="multi-scale testing"),
             arg("--weights", **LIST, metavar="LABEL=URL"),
             arg("--code", **LIST, metavar="LABEL=URL"),
             DATA)),
    Command("submission", cmd_submission, "add a result submitted with the issue form",
            "Read an issue written with the form 'Add a result' (.github/ISSUE_TEMPLATE/"
            "add-result.yml; its body as GitHub writes it: '### Label', then the value) and "
            "add the result as 'add' does, or, with 'Correction of' set, put it in place of "
            "the result that permalink names. Prints what it changes (new best, rank) as "
            "markdown and exits 0; on bad input it changes nothing, prints each problem "
            "naming the form's field and exits 1. Everything printed is inert on GitHub and "
            "in a workflow's log.",
            (arg("body", type=Path, metavar="BODY.md", help="the issue's body ('-': stdin)"),
             DATA,
             arg("--summary", type=Path, metavar="FILE",
                 help="also write the markdown printed (the summary, or the problems) here"),
             arg("--title", type=Path, metavar="FILE",
                 help="on success, write a title for a pull request here (one line)"),
             arg("--dry-run", action="store_true", help="check and summarise; write no data"))),
    Command("import-pwc", cmd_import_pwc, "import the Papers with Code evaluation-tables export",
            "Convert a Papers with Code evaluation-tables export (JSON, optionally gzipped) into "
            "task and dataset files. Values like '85.1%' become 85.1 with the unit %, '15.9M' "
            "15.9 with the unit M, '2.42±0.01' 2.42 with its uncertainty; '-', '—', 'N/A' and "
            "'' are N/A; anything else is left out and reported with its location (summary on "
            "stderr, every one in the report file). Rows with the same model, values and paper "
            "are one result with the links of both; no other row is dropped. Metric directions "
            "come from --lower/--higher-is-better and --directions, then the archive's own row "
            "order over five distinct values or more, then the name, then a shorter order, then "
            "the same metric's other leaderboards, else higher; the report counts them by "
            "source and lists every one decided by default or against the name.",
            (arg("archive", type=Path, metavar="FILE[.gz]"),
             DATA,
             arg("--directions", type=Path, metavar="FILE",
                 help="metric name -> higher|lower overrides (default: the reviewed list in "
                      "generator/importers/pwc_metric_directions.yml)"),
             arg("--report", type=Path, metavar="FILE",
                 help="where to write every left-out value (default: DIR/pwc-import-report.txt)"),
             arg("--lower-is-better", **LIST, metavar="NAME",
                 help="a metric name where lower is better, before the reviewed list; "
                      "repeatable"),
             arg("--higher-is-better", **LIST, metavar="NAME",
                 help="a metric name where higher is better; repeatable"))),
    Command("bench", cmd_bench, "measure load, render and build times side by side",
            "On the Papers with Code archive and synthetic data at the given scales: (a) "
            "load+validate, (b) render every page and export, (c) the full mkdocs build, (d) a "
            "plain mkdocs-material build of the same tables as markdown, (e) libyaml's C parse; "
            "medians, peak memory, the ratios a/e and c/d, growth of (c), the site budget of "
            "each site built (total size, largest page, pages over 1 MB, sitemap URLs per file, "
            "search index, what a first page view downloads gzipped; PASS/OVER against GitHub "
            "Pages' limits), and sort/filter clicks in Chromium.",
            (arg("--archive", type=Path, metavar="FILE",
                 default=Path("../shared/reference/pwc-2020/evaluation-tables.json.gz")),
             arg("--scales", default="1,2,4", help="synthetic sizes, e.g. 1,2,4 (default)"),
             arg("--repeat", type=int, default=3, help="runs per measurement (median)"),
             arg("--no-browser", action="store_true", help="skip the Chromium click timings"),
             arg("--baseline-up-to", type=int, metavar="K",
                 help="run the baseline (d) only up to scale K: with its default navigation it "
                      "grows with pages x pages and takes long at x4"),
             arg("--budget-only", type=Path, metavar="SITE_DIR",
                 help="only print the site budget of a built site folder (e.g. mkdocs build's "
                      "site/): no import, no builds"),
             arg("--json", action="store_true", help="with --budget-only: print it as JSON"),
             arg("--zensical", action="store_true",
                 help="also build each data set's site with Zensical from `pages --out` "
                      "(needs the test extra); exit 1 if one fails"))),
    Command("import", cmd_import, "import markdown leaderboard pages into data/",
            "One page in the SotA-CV layout is read exactly and written as data/tasks/ID.yml, "
            "with the datasets it links (imported from datasets/*.md beside the page, else "
            "stubs); decisions (metric directions, bold rule, dropped placeholder rows) are "
            "reported as PAGE.md:LINE notes. Pages in other layouts (NLP-progress and the like; "
            "several pages or a folder) are read loosely: a task per '# ' heading, a "
            "leaderboard per table with a model column and a column of numbers, columns mapped "
            "by header (or by --columns FILE), footnote marks kept as notes; every table, "
            "mapping and cell not read goes into the report. Refuses to overwrite an existing "
            "task; keeps existing dataset files.",
            (arg("pages", type=Path, nargs="+", metavar="PAGE.md",
                 help="pages, or folders of pages"),
             DATA,
             arg("--dry-run", action="store_true",
                 help="report every table, mapping and cell not read, and write nothing"),
             arg("--columns", type=Path, metavar="FILE",
                 help="a JSON mapping {\"columns\": {HEADER: ROLE}} (schema: "
                      "generator/schema/columns.schema.json)"),
             arg("--report", type=Path, metavar="FILE",
                 help="where to write the report (default: DATA/import-report.txt; a dry run "
                      "prints it)"),
             arg("--task-id", metavar="ID", help="task id (default: the page's file name)"),
             arg("--lower-is-better", **LIST, metavar="COLUMN",
                 help="a metric (its column's header, or the metric's name in the report) "
                      "where lower is better, whatever the page suggests; repeatable"),
             arg("--higher-is-better", **LIST, metavar="COLUMN",
                 help="a metric where higher is better, overriding the guess; "
                      "repeatable"))),
    Command("import-dataset", cmd_import_dataset, "import a SotA-CV dataset description page",
            "Parse a dataset description page and write data/datasets/ID.yml: links become "
            "structured, the rest stays markdown. Refuses to overwrite an existing dataset.",
            (arg("page", type=Path, metavar="PAGE.md"),
             DATA,
             arg("--dataset-id", metavar="ID", help="dataset id (default: the page's file name)"))),
)


def program_name(argv0: str | None = None) -> str:
    """The program as it was invoked, for usage lines and hints: ``leaderboard`` (the console
    script), ``python -m generator`` (run as a module)."""
    name = os.path.basename(sys.argv[0] if argv0 is None else argv0)
    if name == "__main__.py":
        return "python -m generator"
    name = name.removesuffix(".exe")
    return name if name and not name.startswith("-") else "leaderboard"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser, built from ``COMMANDS``."""
    prog = prog or program_name()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Validate leaderboard data (YAML) and render it to markdown and a website.")
    parser.set_defaults(prog=prog)
    # `leaderboard --version`: the installed distribution's version (pyproject.toml's), the
    # number `leaderboard init` pins in a new site's requirements.txt
    parser.add_argument("--version", action="version", version=f"{DIST} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        for a in command.args:
            p.add_argument(*a.flags, **a.options)
        p.set_defaults(func=command.func, templates=None)
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return getattr(exc, "exit_code", 1)  # 2: a usage error found late (diff's revisions)
    except BrokenPipeError:  # e.g. piped into head
        return 0
    except OSError as exc:  # the disk, not the input: read-only, full, missing, ...
        print(f"leaderboard: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
