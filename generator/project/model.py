"""Stage 2: the typed model of a leaderboard collection, built from loaded documents.

The builder is tolerant: a field of the wrong type is left out (the schema check
reports it), so that one run can report every problem of every file.  Objects
keep a reference to where they came from (``src``) for later messages.
"""
from __future__ import annotations

import hashlib
import math
import re
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Any

from generator.project.loader import Document, Integer, Number
from generator.rules import ids
from generator.rules.links import safe_link

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Src:
    """Where an object was written: the document and the path inside it."""

    doc: Document
    path: tuple

    def problem(self, *rest, message: str, key: bool = False, severity: str = "error"):
        return self.doc.problem(self.path + tuple(rest), message, key=key, severity=severity)


@dataclass
class Link:
    label: str
    url: str


@dataclass
class DatasetLink(Link):
    kind: str = "other"


@dataclass
class Value:
    """A metric value as a number plus the text it was written with."""

    number: float
    text: str

    @property
    def finite(self) -> bool:
        return math.isfinite(self.number)


@dataclass
class Metric:
    name: str
    direction: str = HIGHER
    unit: str | None = None
    decimals: int | None = None
    description: str | None = None

    @property
    def lower_is_better(self) -> bool:
        return self.direction == LOWER

    def format(self, value: Value | None) -> str | None:
        if value is None:
            return None
        if self.decimals is not None and value.finite:
            return f"{value.number:.{self.decimals}f}"
        return value.text


# arXiv ids: new style 1706.05587 (YYMM.NNNNN) and old style cs/0701001 or math.AG/0601001,
# in the path of an address on arXiv's own hosts (``ARXIV_HOSTS``)
_ARXIV = re.compile(r"/(?:abs|pdf)/((?:\d{4}\.\d{4,5})|(?:[a-z-]+(?:\.[A-Za-z]{2})?/\d{7}))"
                    r"(?:v\d+)?(?:\.pdf)?/?$", re.I)
#: The hosts whose addresses name an arXiv paper: any other address is a paper of its own,
#: whatever its path or query says (``evil.example/?next=arxiv.org/abs/...`` is not arXiv's).
ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org"})


def arxiv_id(url: str | None) -> str | None:
    """The arXiv id of a paper's address on arXiv (``ARXIV_HOSTS``, http or https; version
    and .pdf dropped), or None."""
    if not url or "arxiv" not in url.lower():
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host not in ARXIV_HOSTS \
            or parts.username is not None or parts.password is not None:
        return None
    m = _ARXIV.match(parts.path)
    return m[1] if m else None


def arxiv_month(identifier: str) -> str | None:
    """YYYY-MM from an arXiv id: 1706.05587 -> 2017-06; None if the month is impossible."""
    digits = identifier.split("/")[-1][:4]
    yy, mm = int(digits[:2]), int(digits[2:4])
    if not 1 <= mm <= 12:
        return None
    return f"{1900 + yy if yy >= 91 else 2000 + yy}-{mm:02d}"


def paper_key(url: str) -> str:
    """A stable id for a paper page: arxiv-1611.10080, else the URL's words and a hash."""
    ident = arxiv_id(url)
    if ident:
        return "arxiv-" + ident.replace("/", "-").lower()
    words = ids.slug(re.sub(r"^https?://(www\.)?", "", url.lower()))[:48].strip("-")
    return f"{words}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:8]}"


@dataclass
class Result:
    model: str
    values: dict[str, Value | None]
    extra_data: list[str] = field(default_factory=list)
    uncertainty: dict[str, Value] = field(default_factory=dict)  # metric -> the ± part
    multi_scale: bool = False
    paper: str | None = None
    paper_title: str | None = None
    date: str | None = None
    weights: list[Link] = field(default_factory=list)
    code: list[Link] = field(default_factory=list)
    notes: str | None = None  # plain text: the source's footnotes and marks on this result
    id: str | None = None  # its permalink's name, when its display name is another's too
    src: Src | None = field(default=None, repr=False, compare=False)

    @property
    def effective_date(self) -> str | None:
        """The paper's date: the explicit ``date``, else the month of its arXiv id."""
        if self.date:
            return self.date
        ident = arxiv_id(self.paper)
        return arxiv_month(ident) if ident else None

    @property
    def paper_key(self) -> str | None:
        return paper_key(self.paper) if self.paper else None

    @property
    def display_name(self) -> str:
        """The name as the tables show it: ``DeepLab_v3 + COCO + MS``."""
        parts = [self.model, *self.extra_data]
        if self.multi_scale:
            parts.append("MS")
        return " + ".join(parts)


@dataclass
class Leaderboard:
    id: str
    title: str
    metrics: list[Metric]
    results: list[Result]
    dataset: str | None = None
    description: str | None = None
    notes: str | None = None
    highlight: int = 0
    task_id: str = ""
    src: Src | None = field(default=None, repr=False, compare=False)

    @property
    def primary(self) -> Metric | None:
        return self.metrics[0] if self.metrics else None


@dataclass
class Section:
    """A free section of a task page (Resources, ...), after the leaderboards."""

    title: str
    body: str
    level: int = 2


@dataclass
class Task:
    id: str
    title: str
    leaderboards: list[Leaderboard]
    description: str | None = None
    notes: str | None = None
    parents: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    area: str | None = None  # as written; Project.area_of gives a subtask its parent's
    page: str | None = None  # the page as written, a marker line where each table goes
    src: Src | None = field(default=None, repr=False, compare=False)

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None


@dataclass
class Dataset:
    id: str
    name: str
    description: str | None = None
    links: list[DatasetLink] = field(default_factory=list)
    src: Src | None = field(default=None, repr=False, compare=False)


@dataclass
class Source:
    """Where data comes from (data/sources.yml), credited in the site's footer."""

    name: str
    url: str | None = None
    license: str | None = None
    license_url: str | None = None


@dataclass
class Project:
    tasks: list[Task]
    datasets: dict[str, Dataset]
    sources: list[Source] = field(default_factory=list)

    def task(self, task_id: str) -> Task | None:
        index = self.__dict__.get("_by_id")
        if index is None or len(index) != len(self.tasks):
            index = self.__dict__["_by_id"] = {t.id: t for t in self.tasks}
        return index.get(task_id)

    @property
    def leaderboards(self) -> list[Leaderboard]:
        return [lb for t in self.tasks for lb in t.leaderboards]

    def area_of(self, task: Task) -> str | None:
        """The task's area, else its first parent's (up the chain; a loop ends it)."""
        seen = set()
        while task is not None and task.id not in seen:
            if task.area:
                return task.area
            seen.add(task.id)
            task = self.task(task.parent) if task.parent else None
        return None

    def counts(self) -> dict[str, int]:
        lbs = self.leaderboards
        return {
            "tasks": len(self.tasks),
            "datasets": len(self.datasets),
            "leaderboards": len(lbs),
            "results": sum(len(lb.results) for lb in lbs),
        }


# --- building from documents ------------------------------------------------

def _str(d: Any, key: str) -> str | None:
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, str) else None


def _list(d: Any, key: str) -> list:
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, list) else []


def _links(items: list, cls=Link) -> list:
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and _str(item, "url") is not None:
            kwargs = {"kind": _str(item, "kind") or "other"} if cls is DatasetLink else {}
            out.append(cls(label=_str(item, "label") or "", url=item["url"], **kwargs))
    return out


def _value(v: Any) -> Value | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    text = v.text if isinstance(v, (Number, Integer)) else repr(v)
    return Value(float(v), text)


def build_result(d: dict, src: Src) -> Result:
    raw_values = d.get("values") if isinstance(d.get("values"), dict) else {}
    raw_uncertainty = d.get("uncertainty") if isinstance(d.get("uncertainty"), dict) else {}
    return Result(
        model=_str(d, "model") or "",
        values={name: _value(v) for name, v in raw_values.items()},
        uncertainty={name: u for name, v in raw_uncertainty.items() if (u := _value(v))},
        extra_data=[x for x in _list(d, "extra_data") if isinstance(x, str)],
        multi_scale=d.get("multi_scale") is True,
        paper=_str(d, "paper"),
        paper_title=_str(d, "paper_title"),
        date=_str(d, "date"),
        weights=_links(_list(d, "weights")),
        code=_links(_list(d, "code")),
        notes=_str(d, "notes"),
        id=_str(d, "id"),
        src=src,
    )


def build_metric(d: Any) -> Metric | None:
    if not isinstance(d, dict) or _str(d, "name") is None:
        return None
    decimals = d.get("decimals")
    return Metric(
        name=d["name"],
        direction=LOWER if d.get("direction") == LOWER else HIGHER,
        unit=_str(d, "unit"),
        decimals=decimals if isinstance(decimals, int) and not isinstance(decimals, bool)
        and 0 <= decimals <= 12 else None,
        description=_str(d, "description"),
    )


def build_task(doc: Document, task_id: str) -> Task:
    d = doc.data if isinstance(doc.data, dict) else {}
    leaderboards = []
    for i, lb in enumerate(_list(d, "leaderboards")):
        if not isinstance(lb, dict):
            continue
        path = ("leaderboards", i)
        highlight = lb.get("highlight")
        leaderboards.append(Leaderboard(
            id=_str(lb, "id") or "",
            title=_str(lb, "title") or "",
            dataset=_str(lb, "dataset"),
            description=_str(lb, "description"),
            notes=_str(lb, "notes"),
            highlight=highlight if isinstance(highlight, int) and not isinstance(highlight, bool)
            and highlight >= 0 else 0,
            metrics=[m for m in map(build_metric, _list(lb, "metrics")) if m],
            results=[build_result(r, Src(doc, path + ("results", j)))
                     for j, r in enumerate(_list(lb, "results")) if isinstance(r, dict)],
            task_id=task_id,
            src=Src(doc, path),
        ))
    return Task(
        id=task_id,
        title=_str(d, "title") or task_id,
        area=_str(d, "area"),
        description=_str(d, "description"),
        notes=_str(d, "notes"),
        page=_str(d, "page"),
        parents=[d["parent"]] if isinstance(d.get("parent"), str) else
        [p for p in _list(d, "parent") if isinstance(p, str)],
        leaderboards=leaderboards,
        sections=[Section(title=_str(s, "title") or "", body=_str(s, "body") or "",
                          level=3 if s.get("level") == 3 else 2)
                  for s in _list(d, "sections") if isinstance(s, dict)],
        src=Src(doc, ()),
    )


def build_dataset(doc: Document, dataset_id: str) -> Dataset:
    d = doc.data if isinstance(doc.data, dict) else {}
    src = Src(doc, ())
    return Dataset(
        id=dataset_id,
        name=_str(d, "name") or dataset_id,
        description=_str(d, "description"),
        links=_links(_list(d, "links"), DatasetLink),
        src=src,
    )


def build_sources(doc: Document) -> list[Source]:
    items = doc.data if isinstance(doc.data, list) else []
    return [Source(name=item["name"], url=_str(item, "url"), license=_str(item, "license"),
                   license_url=_str(item, "license_url"))
            for item in items if _str(item, "name")]
