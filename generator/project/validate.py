"""Stage 3: validation, as problems with file, line and column.

Two passes:

* ``check_schema``: each document against the shipped JSON Schema
  (``generator/schema/*.schema.json``, draft 2020-12), with messages written
  for people rather than jsonschema's defaults;
* ``check_text``: what strangers' text may hold: names and titles are one line
  of plain text (no HTML, no invisible direction controls); markdown fields
  have no raw HTML and link only to http(s) URLs, relative paths or anchors;
* the semantic pass, what a schema cannot say, in two parts: ``check_task_alone`` and
  ``check_dataset_alone`` for what one file says on its own (duplicates, finite numbers,
  values for undeclared metrics, dates, links), and ``check_across`` and
  ``relative_link_problems`` over every file's ``Facts`` (parents, dataset references,
  relative links that name no file).  ``pipeline.load_project`` runs them file by file;
  ``checkcache`` keeps a file's own part for ``validate --changed``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
import difflib
import re
import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote
from importlib import resources

import fastjsonschema

from generator.project.loader import Document
from generator.project.model import Dataset, Leaderboard, Src, Task, arxiv_id
from generator.rules import urls
from generator.rules import text as text_rules
from generator.rules import ids
from generator.rules import links
from generator.project.problems import Problem

ID_PATTERN = ids.PATTERN
DATE_PATTERN = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
SCHEMA_FILES = {"task": "task.schema.json", "dataset": "dataset.schema.json",
                "sources": "sources.schema.json"}


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    text = resources.files("generator").joinpath("schema").joinpath(SCHEMA_FILES[kind]).read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(kind: str):
    """jsonschema's validator, for the files the compiled one rejects (imported then: a
    check that finds nothing wrong, or answers from its cache, does without it)."""
    import jsonschema
    from referencing import Registry, Resource

    def pattern_(validator, pattern, instance, schema):
        """``pattern`` with ECMA-262's ``$`` (the end of the text), as the compiled validator
        and editors read it; Python's ``$`` would also match before a final line break."""
        if validator.is_type(instance, "string") and not re.search(
                pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")

    checker = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern_})
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema(k))) for k, name in SCHEMA_FILES.items())
    return checker(schema(kind), registry=registry)


@lru_cache(maxsize=None)
def _fast_validator(kind: str):
    """The schema compiled to Python by fastjsonschema: ~15x faster on valid files."""
    return fastjsonschema.compile(schema(kind), handlers={"": lambda uri: schema(
        next(k for k, name in SCHEMA_FILES.items() if uri.endswith(name)))})


def check_document(doc: Document, kind: str) -> list[Problem]:
    """Everything that can be said of one file alone: its schema, then its text."""
    return check_schema(doc, kind) + check_text(doc)


# --- schema pass ------------------------------------------------------------

def check_schema(doc: Document, kind: str) -> list[Problem]:
    """Problems of ``doc`` against its schema.

    Valid files (nearly all of them) only go through the compiled validator; a file it
    rejects goes through jsonschema, whose errors carry the paths for precise messages.
    """
    try:
        _fast_validator(kind)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems = []
    for error in _validator(kind).iter_errors(doc.data):
        if error.validator in ("oneOf", "anyOf") and error.context:
            # explain the branch the value nearly fits: the one of its own type
            error = min(error.context, key=lambda e: (e.validator == "type", len(e.path)))
        problems.extend(_explain(doc, error))
    if not problems:  # the two validators disagree: trust the stricter, and say so
        problems.append(doc.problem((), "the file does not match its schema"))
    return problems


_TYPE_WORDS = {"string": "a string", "number": "a number", "integer": "a whole number",
               "boolean": "true or false", "array": "a list", "object": "a mapping",
               "null": "null (N/A)"}


def _field_name(path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return f"'{part}'"
    return "the document"


def _explain(doc: Document, error) -> list[Problem]:  # a jsonschema.ValidationError
    path = tuple(error.absolute_path)
    kind = error.validator
    name = _field_name(path)
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            hint = difflib.get_close_matches(key, allowed, n=1)
            why = f"; did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(allowed)})"
            out.append(doc.problem(path + (key,), f"unknown key '{key}'{why}", key=True))
        return out
    if kind == "required":
        # a typo'd key is reported once, as the unknown key with its suggestion
        unknown = [k for k in error.instance if k not in error.schema.get("properties", {})]
        missing = [k for k in error.validator_value if k not in error.instance
                   and not difflib.get_close_matches(k, unknown, n=1)]
        where = f" in {name}" if path else ""
        return [doc.problem(path, f"missing required key '{k}'{where}") for k in missing]
    if kind == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        if len(path) >= 2 and path[-2] == "values":
            message = f"value of metric '{path[-1]}' must be a number or null (N/A), " \
                      f"not {_describe(error.instance)}"
        else:
            message = f"{name} must be {words}, not {_describe(error.instance)}"
        return [doc.problem(path, message)]
    if kind == "pattern":
        custom = error.schema.get("x-message", f"must match {error.validator_value}")
        if custom.startswith("must be an http(s) URL") and isinstance(error.instance, str) \
                and re.search(r"[\s<>\"`]", error.instance) and links.safe_link(error.instance):
            custom = "must be an http(s) URL with any space, quote, < > or ` percent-encoded"
        return [doc.problem(path, f"{name} {custom}: {error.instance!r}")]
    if kind == "enum":
        options = ", ".join(repr(x) for x in error.validator_value)
        return [doc.problem(path, f"{name} must be one of {options}, not {_describe(error.instance)}")]
    if kind == "minLength":
        return [doc.problem(path, f"{name} must not be empty")]
    if kind == "maxLength":
        return [doc.problem(path, f"{name} is {len(error.instance)} characters long; an id has "
                                  f"at most {error.validator_value} (it names files and addresses)")]
    if kind == "minItems":
        return [doc.problem(path, f"{name} needs at least {error.validator_value} item(s)")]
    if kind in ("minimum", "maximum"):
        return [doc.problem(path, f"{name} {error.message}")]
    return [doc.problem(path, f"{name}: {error.message}")]


# --- text pass ------------------------------------------------------------

#: Keys whose string values are one line of plain text, and keys holding markdown.
from generator.project.textcheck import (HTML_TAG, _describe, _where_in_text,  # noqa: F401
                                         check_text, raw_html_in)


def check_task_alone(task: Task, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: dict[str, Leaderboard] = {}
    for lb in task.leaderboards:
        if lb.id in seen_ids:
            first = seen_ids[lb.id].src.doc.where(seen_ids[lb.id].src.path + ("id",))
            problems.append(lb.src.problem(
                "id", message=f"duplicate leaderboard id '{lb.id}' (first used at line {first[0]})"))
        else:
            seen_ids[lb.id] = lb
        why = urls.id_problem("leaderboard", lb.id) if _is_id(lb.id) else None
        if why:
            problems.append(lb.src.problem("id", message=why))
        problems += _check_leaderboard(lb, today)
    if task.page is not None:
        problems += _check_page_markers(task)
    return problems


def check_dataset_alone(dataset: Dataset) -> list[Problem]:
    return [p for i, link in enumerate(dataset.links)
            for p in _check_url(dataset.src.doc, ("links", i, "url"), link.url)]


# the checks across files, on what each file says of the others

@dataclass
class Facts:
    """What the checks across files need of one data file: its id, the ids it refers to
    and its relative links, each with its path in the file (plain data, so that
    ``validate --changed`` can keep it for a file that did not change)."""

    kind: str  # "task" or "dataset"
    id: str
    file: str
    parents: list[tuple[tuple, str]] = field(default_factory=list)  # (path, parent id)
    datasets: list[tuple[tuple, str]] = field(default_factory=list)  # (path, dataset id)
    relative: list[tuple[tuple, str]] = field(default_factory=list)  # (path, link)
    leaderboards: int = 0
    results: int = 0
    #: (a result's path, what it says of its paper: ``paper_fact``)
    papers: list[tuple[tuple, str]] = field(default_factory=list)


def paper_fact(key: str, title: str | None, date: str | None) -> str:
    """A paper's key, title and date as one string (plain data for the cache); control
    characters, which validation refuses in both, keep the parts apart."""
    return f"{key}\x1f{title or ''}\x1f{date or ''}"


def task_facts(task: Task) -> Facts:
    facts = Facts("task", task.id, str(task.src.doc.path) if task.src else "",
                  leaderboards=len(task.leaderboards),
                  results=sum(len(lb.results) for lb in task.leaderboards))
    for i, parent in enumerate(task.parents):
        if _is_id(parent):  # else the schema pass reported it
            facts.parents.append((("parent", i) if len(task.parents) > 1 else ("parent",), parent))
    for lb in task.leaderboards:
        if lb.dataset and _is_id(lb.dataset):
            facts.datasets.append((lb.src.path + ("dataset",), lb.dataset))
        for result in lb.results:
            if result.src is None:
                continue
            if result.paper and _is_relative(result.paper):
                facts.relative.append((result.src.path + ("paper",), result.paper))
            if result.paper and (result.paper_title or result.date):
                facts.papers.append((result.src.path, paper_fact(
                    result.paper_key, result.paper_title, result.date)))
            for kind in ("weights", "code"):
                for i, link in enumerate(getattr(result, kind)):
                    if _is_relative(link.url):
                        facts.relative.append((result.src.path + (kind, i, "url"), link.url))
    return facts


def dataset_facts(dataset: Dataset) -> Facts:
    facts = Facts("dataset", dataset.id, str(dataset.src.doc.path) if dataset.src else "")
    facts.relative = [(("links", i, "url"), link.url) for i, link in enumerate(dataset.links)
                      if _is_relative(link.url)]
    return facts


def check_across(facts: list[Facts], problem) -> list[Problem]:
    """Unknown parents and parent loops, unknown datasets; ``problem(file, path, message)``
    places each."""
    problems: list[Problem] = []
    parents = {f.id: [p for _, p in f.parents] for f in facts if f.kind == "task"}
    dataset_ids = sorted(f.id for f in facts if f.kind == "dataset")
    known_datasets = set(dataset_ids)
    for f in facts:
        for path, parent in f.parents:
            if parent not in parents:
                problems.append(problem(f.file, path, f"unknown parent task '{parent}'"))
            elif _is_ancestor(f.id, parent, parents):
                problems.append(problem(f.file, path, f"task '{f.id}' would be its own "
                                                      f"ancestor through parent '{parent}'"))
        for path, dataset in f.datasets:
            if dataset not in known_datasets:
                hint = difflib.get_close_matches(dataset, dataset_ids, n=1)
                extra = f"; did you mean '{hint[0]}'?" if hint else \
                    f" (no file data/datasets/{dataset}.yml)"
                problems.append(problem(f.file, path, f"unknown dataset '{dataset}'{extra}"))
    return problems


def paper_problems(facts: list[Facts], problem) -> list[Problem]:
    """Results citing one paper (one ``paper_key``) that give it another title or date than
    most of them do: a warning at each, naming what the paper's page shows (``majority``),
    so that a result added to another leaderboard cannot quietly retitle a paper."""
    said: dict[str, list[tuple[Facts, tuple, str, str]]] = {}
    for f in facts:
        for path, fact in f.papers:
            key, title, date = (fact.split("\x1f") + ["", ""])[:3]
            said.setdefault(key, []).append((f, path, title, date))
    problems = []
    for key, places in said.items():
        if len(places) < 2:
            continue
        for index, what, field_name in ((2, "title", "paper_title"), (3, "date", "date")):
            given = [p[index] for p in places if p[index]]
            shown = majority(given)
            if shown is None or all(g == shown for g in given):
                continue
            for place in places:
                if place[index] and place[index] != shown:
                    problems.append(problem(place[0].file, place[1] + (field_name,), (
                        f"this result gives its paper the {what} '{place[index]}', but "
                        + (f"{n} other results give" if (n := given.count(shown)) != 1
                           else "1 other result gives")
                        + f" '{shown}', which the paper's page shows; write the paper's "
                        f"{what} the same everywhere"),
                        "warning"))
    return problems


def majority(values: list[str]) -> str | None:
    """The value given most often, the first in sorted order on a tie (never the order the
    values were met in, which a newcomer chooses), or None."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def relative_link_problems(facts: list[Facts], problem, repository: Path) -> list[Problem]:
    problems = []
    for f in facts:
        for where, url in f.relative:
            path = unquote(url.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
            if not path or (repository / path).exists():
                continue
            problems.append(problem(f.file, where, (
                f"relative link '{url}' points at nothing: there is no {path} in the repository "
                "(relative links are read from its root, beside the README); write the full "
                "address (https://...) or add the file"), "warning"))
    return problems


def _is_relative(url: str) -> bool:
    """A link read from the repository's root: not http(s), no scheme, no anchor."""
    return bool(url) and not (links.is_absolute_http(url) or _RAW_SCHEME.match(url)
                              or url.startswith(("#", "//")) or links.scheme(url) is not None)


def _check_page_markers(task: Task) -> list[Problem]:
    """Each marker line of a task's page names one of its leaderboards, once."""
    problems, seen = [], set()
    board_ids = {lb.id for lb in task.leaderboards}
    for m in text_rules.PAGE_MARKER.finditer(task.page):
        board = m[1]
        line_in_text = task.page.count("\n", 0, m.start())
        if board in board_ids and board not in seen:
            seen.add(board)
            continue
        why = (f"names leaderboard '{board}' a second time" if board in seen else
               f"names no leaderboard of this task: '{board}'")
        hint = difflib.get_close_matches(board, sorted(board_ids), n=1)
        message = f"'page': the marker line {why}" + (f"; did you mean '{hint[0]}'?"
                                                      if hint and board not in seen else "")
        line, col = _where_in_text(task.src.doc, task.src.path + ("page",), line_in_text)
        problems.append(Problem(str(task.src.doc.path), line, col, message))
    return problems


def _is_id(text: str) -> bool:
    return ids.is_id(text)


def _is_ancestor(task_id: str, start: str, parents: dict[str, list[str]]) -> bool:
    """Whether ``task_id`` is ``start`` or one of its ancestors."""
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current == task_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(parents.get(current, []))
    return False


def _check_leaderboard(lb: Leaderboard, today: dt.date) -> list[Problem]:
    problems = []
    metrics = {}
    declared: dict[str, str] = {}  # metric names as a reader tells them apart
    for i, m in enumerate(lb.metrics):
        seen_as = text_rules.same_name(m.name)
        if m.name in metrics or seen_as in declared:
            problems.append(lb.src.problem("metrics", i, "name", message=(
                f"metric '{m.name}' is declared twice" if m.name in metrics else
                f"metric '{m.name}' looks the same as '{declared[seen_as]}' declared before it; "
                "remove the extra spaces or invisible characters, or name it apart")))
        declared.setdefault(seen_as, m.name)
        metrics[m.name] = m
    seen: dict[tuple, tuple[Src, str]] = {}
    anchors: dict[str, Src] = {}
    raw_metrics = lb.src.doc.data
    for part in lb.src.path + ("metrics",):
        try:
            raw_metrics = raw_metrics[part]
        except (KeyError, IndexError, TypeError):
            raw_metrics = None
    # a malformed metric list was reported; its values are not also "undeclared"
    metrics_ok = isinstance(raw_metrics, list) and len(raw_metrics) == len(lb.metrics)
    for result in lb.results:
        src = result.src
        problems += _check_values(result, metrics, metrics_ok)
        for name, plus in result.uncertainty.items():
            value = result.values.get(name)
            if name not in metrics or value is None:
                problems.append(src.problem("uncertainty", name, key=True, message=(
                    f"uncertainty for '{name}', which has no value in this result" if name in metrics
                    else f"uncertainty for undeclared metric '{name}'")))
            elif not plus.finite:
                problems.append(src.problem("uncertainty", name, message=(
                    f"uncertainty of '{name}' must be a finite number, not {plus.text}")))
        # the same result: the same name, values and paper (another paper's row is its own)
        key = (text_rules.same_name(result.display_name), tuple(sorted(
            (n, v.number if v else None) for n, v in result.values.items())), result.paper or "")
        if key in seen:
            first_src, first_name = seen[key]
            first = first_src.doc.where(first_src.path)[0]
            looks = "" if first_name == result.display_name else \
                f" (as '{first_name}': they differ only in spaces, invisible characters or " \
                "character forms)"
            problems.append(src.problem(
                message=f"duplicate result: '{result.display_name}' with the same values "
                        f"is already listed at line {first}{looks}"))
        else:
            seen[key] = (src, result.display_name)
            problems += _check_anchor(result, lb, anchors)
        if result.paper:
            problems += _check_url(src.doc, src.path + ("paper",), result.paper)
        for field in ("weights", "code"):
            for i, link in enumerate(getattr(result, field)):
                problems += _check_url(src.doc, src.path + (field, i, "url"), link.url)
        if result.date:
            problems += _check_date(src, result.date, today)
        elif result.effective_date and result.effective_date > today.strftime("%Y-%m"):
            problems.append(src.problem("paper", message=(
                f"date {result.effective_date} of arXiv {arxiv_id(result.paper)} is in the "
                "future; check the link or give an explicit 'date'")))
    return problems


def _check_anchor(result, lb: Leaderboard, anchors: dict[str, Src]) -> list[Problem]:
    """A result's permalink (``urls.anchor``) is its own: a result named like one before it
    needs an ``id``, or it would take the other's permalink and badge, by rank or by file
    order, whenever results are added."""
    if result.id is not None and not _is_id(result.id):
        return []  # the schema pass reported it
    name = urls.anchor(lb.id, result.display_name, result.id)
    first = anchors.setdefault(name, result.src)
    if first is result.src:
        return []
    line = first.doc.where(first.path)[0]
    here = result.src.doc.where(result.src.path)[0]
    return [result.src.problem("id" if result.id else "model", message=(
        f"the results at lines {line} and {here} would share the permalink #{name} and its "
        "badge; " + ("give one of them another 'id'" if result.id else
                     "give the one this change adds an 'id' of its own (for example "
                     f"'id: {name.split('--', 1)[1]}-2'), not the one already published, whose "
                     "permalink and badge READMEs may embed")))]


def _check_values(result, metrics: dict, metrics_ok: bool) -> list[Problem]:
    """A result's values: each of a declared metric (unless the metric list itself is
    malformed), finite, with no more decimals than its metric prints."""
    problems, src = [], result.src
    for name, value in result.values.items():
        if name not in metrics and not metrics_ok:
            continue
        if name not in metrics:
            hint = difflib.get_close_matches(name, list(metrics), n=1)
            why = f"; did you mean '{hint[0]}'?" if hint else \
                f" (declared: {', '.join(metrics) or 'none'})"
            problems.append(src.problem("values", name, key=True,
                                        message=f"value for undeclared metric '{name}'{why}"))
            continue
        if value is None:
            continue
        if not value.finite:
            problems.append(src.problem("values", name,
                                        message=f"value of metric '{name}' must be a finite "
                                                f"number, not {value.text}"))
            continue
        decimals = metrics[name].decimals
        if decimals is not None and _decimals_in(value.text) > decimals:
            problems.append(src.problem(
                "values", name,
                message=f"value {value.text} has more decimals than metric '{name}' "
                        f"prints ({decimals}); raise 'decimals' or round the value"))
    return problems


def _decimals_in(text: str) -> int:
    mantissa = text.lower().split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


_RAW_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _check_url(doc: Document, path: tuple, url: str) -> list[Problem]:
    """A URL must be http(s), judged as a browser reads it (entities and percent-encoding
    decoded, controls dropped); a relative link is left to ``relative_link_problems``."""
    if links.is_absolute_http(url):
        return []
    if _RAW_SCHEME.match(url) or url.startswith("//") or re.search(r"[\s<>\"`]", url):
        return []  # written as another scheme: the schema pass reported it
    if text_rules.character_problems("url", url):
        return []  # the text pass reported the control character
    scheme = links.scheme(url)
    if scheme is not None:
        return [doc.problem(path, f"{_field_name(path)} {url!r} reads as a '{scheme}:' link "
                                  "once decoded; a link must be an http(s) URL")]
    return []  # relative: relative_link_problems warns if it names no file of the repository


def _check_date(src, text: str, today: dt.date) -> list[Problem]:
    if not re.fullmatch(DATE_PATTERN, text):
        return []  # the schema pass reported its form
    parts = text.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        date = dt.date(year, month, day)
    except ValueError:
        return [src.problem("date", message=f"'date' is not a real date: {text!r}")]
    if date > today:
        return [src.problem("date", message=f"'date' {text} is in the future")]
    return []

