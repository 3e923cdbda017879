"""Stage 4a: what every output shows of a leaderboard, decided once.

``leaderboard_view(lb)`` computes, from the typed model, everything a table, a
chart or an export draws: the order (primary metric, best first, ties in file
order, N/A last), ranks with ties (1, 2, 2, 4), which cells are highlighted
under the leaderboard's ``highlight`` rule, which value is the best of its
metric, metric labels with their units and directions, each result's date,
flags and links.  Markdown, HTML, LaTeX, CSV, JSON and the chart are all drawn
from this view, so no output orders, ranks or bolds on its own.  The view is
plain data: templates read it and call nothing back.

The highlight rule: ``highlight: N`` sets in bold, in every output, each value
that is among the N best of its metric (a value tied with the N-th is in);
``0`` (the default) bolds nothing.  The best value of each metric is also
marked (``best``), which the site shows as a tint, not as bold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from generator.views import ranking
from generator.project.model import Leaderboard, Metric, Result
from generator.rules import urls

ARROWS = {"higher": "↑", "lower": "↓"}


@dataclass(frozen=True)
class MetricView:
    name: str
    unit: str | None
    direction: str  # "higher" or "lower"
    decimals: int | None
    description: str | None

    @property
    def label(self) -> str:
        """The column label every output uses: ``mAP (%)``."""
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]


@dataclass(frozen=True)
class CellView:
    text: str | None  # as printed; None is N/A
    number: float | None  # None for N/A or a value that is not finite
    uncertainty: str | None = None  # the ± part as written (2.42 ± 0.01), sorted by the value
    highlight: bool = False  # bold under the leaderboard's highlight rule
    best: bool = False  # the best value of its metric

    @property
    def shown(self) -> str | None:
        """The value as tables print it: ``2.42 ± 0.01`` with its uncertainty."""
        if self.text is None or self.uncertainty is None:
            return self.text
        return f"{self.text} ± {self.uncertainty}"

    @property
    def sort(self) -> str:
        """The value to sort by ('' for N/A), written so that no text is parsed."""
        return "" if self.number is None else repr(self.number)


@dataclass(frozen=True)
class LinkView:
    label: str
    url: str  # as written; each output makes it safe for its own context


@dataclass(frozen=True)
class RowView:
    index: int  # position in the default order
    rank: int | None  # None: no value of the primary metric
    anchor: str  # the row's permalink id on the site
    model: str
    model_key: str  # the model's page: models/KEY/ (``model_key``)
    display_name: str  # "DeepLab_v3 + COCO + MS"
    extra_data: tuple[str, ...]
    multi_scale: bool
    cells: tuple[CellView, ...]  # one per metric, in the leaderboard's order
    paper: str | None
    paper_title: str | None
    paper_key: str | None
    date: str | None  # the explicit date, else the month of the paper's arXiv id
    weights: tuple[LinkView, ...]
    code: tuple[LinkView, ...]
    notes: str | None  # the source's footnotes and marks on this result
    result: Result = field(repr=False, compare=False)  # for stages that key by result

    @property
    def rank_text(self) -> str:
        return "–" if self.rank is None else str(self.rank)

    @property
    def primary(self) -> CellView | None:
        return self.cells[0] if self.cells else None

    @property
    def code_links(self) -> tuple[LinkView, ...]:
        """The code links as the site's table lists them: a link whose label says it is the
        official code ('Official', 'official PyTorch') first, the others in the data's order.
        Nothing in the bundled data or the Papers with Code archive marks one, so there the
        data's order stands.  The exports keep ``code`` as written."""
        official = [link for link in self.code if _OFFICIAL.search(link.label)]
        return tuple(official + [link for link in self.code if link not in official])

    @property
    def paper_label(self) -> str | None:
        """What the table's Paper cell shows: the title, else the arXiv id, else 'paper'."""
        if not self.paper:
            return None
        if self.paper_title:
            return self.paper_title
        if self.paper_key and self.paper_key.startswith("arxiv-"):
            return "arXiv:" + self.paper_key[len("arxiv-"):]
        return "paper"


@dataclass(frozen=True)
class LeaderboardView:
    task_id: str
    id: str
    title: str
    dataset: str | None
    description: str | None
    notes: str | None
    highlight: int
    metrics: tuple[MetricView, ...]
    rows: tuple[RowView, ...]
    # shown in full on its task's page, the only leaderboard there, and its own page a
    # redirect to it (``site.folds_into_task``): links go to the task's page
    folded: bool = False

    @property
    def href(self) -> str:
        """Where a link to the leaderboard goes, from the site's root: its page
        (``tasks/TASK/LEADERBOARD/``), or its section of its task's page when folded."""
        return urls.leaderboard_url(self.task_id, self.id, self.folded)

    @property
    def rows_href(self) -> str:
        """The page its rows are on, from the site's root: a row's link is it, ``#`` and the
        row's anchor."""
        return urls.rows_url(self.task_id, self.id, self.folded)

    @property
    def primary(self) -> MetricView | None:
        return self.metrics[0] if self.metrics else None

    @property
    def best(self) -> RowView | None:
        """The row ranked first, if any result has a primary value."""
        return self.rows[0] if self.rows and self.rows[0].rank is not None else None

    @property
    def names(self) -> list[str]:
        """Every display name once, in table order (for search)."""
        return list(dict.fromkeys(row.display_name for row in self.rows))

    # --- what the data can answer: a column or a filter only where some result has it ---

    @property
    def has_extra_data(self) -> bool:
        return any(row.extra_data for row in self.rows)

    @property
    def has_multi_scale(self) -> bool:
        return any(row.multi_scale for row in self.rows)

    @property
    def has_code(self) -> bool:
        return any(row.code for row in self.rows)

    @property
    def has_weights(self) -> bool:
        return any(row.weights for row in self.rows)

    @property
    def has_dates(self) -> bool:
        return any(row.date for row in self.rows)

    @property
    def has_papers(self) -> bool:
        return any(row.paper for row in self.rows)

    # --- at a glance ------------------------------------------------------------------

    @property
    def runner_up(self) -> RowView | None:
        """The first row ranked below the best (None when no other row has a value)."""
        if self.best is None:
            return None
        return next((row for row in self.rows[1:] if row.rank is not None), None)

    @property
    def margin(self) -> str | None:
        """What the best is ahead of #2 by, in the metric's own decimals: '+0.122 over #2'
        (higher is better), '−0.08 under #2' (lower), 'tied for #1' when #2 has the same
        value; None with no #2 or values that are not plain numbers ('15.9M')."""
        best, second = self.best, self.runner_up
        if best is None or second is None:
            return None
        if second.rank == best.rank:
            return "tied for #1"
        return margin_text(best.cells[0].text, second.cells[0].text, self.metrics[0].lower_is_better)

    @property
    def no_best_reason(self) -> str | None:
        """Why a leaderboard with results has no best: none gives its first metric."""
        if not self.rows or self.best is not None or not self.metrics:
            return None
        return f"no result gives {self.metrics[0].name}, the metric it ranks by"


_OFFICIAL = re.compile(r"\bofficial\b", re.I)  # not "UnofficialJuliaMirror"
_PLAIN = re.compile(r"^[+-]?(\d+)(?:\.(\d+))?$")


def margin_text(best: str | None, second: str | None, lower_is_better: bool) -> str | None:
    """'+0.122 over #2' from the two values as printed (decimal arithmetic on the text, to the
    larger number of decimals of the two); None unless both are plain numbers."""
    if best is None or second is None:
        return None
    a, b = _PLAIN.match(best.strip()), _PLAIN.match(second.strip())
    if not a or not b:
        return None
    places = max(len(a[2] or ""), len(b[2] or ""))
    try:
        gap = abs(Decimal(best.strip()) - Decimal(second.strip()))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    text = f"{gap:.{places}f}"
    return f"\u2212{text} under #2" if lower_is_better else f"+{text} over #2"


# what follows a model's name to say how it was run, not which model it is: "+ COCO",
# "(single model)", "(ensemble)", a footnote mark
_CONFIGURATION = re.compile(r"(?:\s+\+\s.*|\s*\([^()]*\)|\s*[*†‡]+)$")


@lru_cache(maxsize=None)  # a pure function of a name, asked for every row of every build
def model_name(name: str) -> str:
    """The model a result's name belongs to: ``DeepLab_v3-Xception-65 + COCO`` and
    ``DeepLab_v3-Xception-65`` are one model in two configurations; so are
    ``XLNet (single model)`` and ``XLNet (ensemble)``.  A name that is all configuration
    stays as it is."""
    base = " ".join(name.split())
    while (shorter := _CONFIGURATION.sub("", base)) != base and shorter.strip():
        base = shorter.strip()
    return base


def model_key(name: str) -> str:
    """The model page's key: its name (``model_name``) folded as ``urls.fold`` folds it
    (case, spacing and punctuation set aside; every script's letters kept)."""
    return urls.fold(model_name(name))


def metric_view(metric: Metric) -> MetricView:
    return MetricView(metric.name, metric.unit, metric.direction, metric.decimals,
                      metric.description)


def result_anchors(lb: Leaderboard) -> dict[int, str]:
    """Each result's permalink (``urls.anchor``), by ``id(result)``.  ``validate`` refuses
    two results with one permalink; should one get here anyway, the later in the file gets
    ``-2``, ``-3``: by the order of the file, which a newcomer does not change, never by
    rank, which it does."""
    out, used = {}, set()
    for result in lb.results:
        base = name = urls.anchor(lb.id, result.display_name, result.id)
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        out[id(result)] = name
    return out


def leaderboard_view(lb: Leaderboard) -> LeaderboardView:
    """Everything the outputs show of ``lb``; see the module's docstring for the rules.
    Computed once per leaderboard (the model is not changed once loaded) and kept on it:
    the site, its exports and badges all draw the same view."""
    cached = lb.__dict__.get("_view")
    if cached is not None:
        return cached
    view = lb.__dict__["_view"] = _compute(lb)
    return view


def _compute(lb: Leaderboard) -> LeaderboardView:
    best = {m.name: ranking.best_value(lb, m) for m in lb.metrics}
    limits = {m.name: ranking.threshold(lb, m, lb.highlight) for m in lb.metrics}
    anchors = result_anchors(lb)
    rows = []
    for index, (result, rank) in enumerate(ranking.ranked(lb)):
        anchor = anchors[id(result)]
        cells = []
        for metric in lb.metrics:
            value = result.values.get(metric.name)
            text = metric.format(value)
            if text is None:
                cells.append(CellView(None, None))
                continue
            finite = value.finite
            plus = result.uncertainty.get(metric.name)
            cells.append(CellView(
                text, value.number if finite else None, plus.text if plus else None,
                highlight=finite and ranking.reaches(metric, value.number, limits[metric.name]),
                best=finite and value.number == best[metric.name]))
        rows.append(RowView(
            index=index, rank=rank, anchor=anchor, model=result.model,
            model_key=model_key(result.model),
            display_name=result.display_name, extra_data=tuple(result.extra_data),
            multi_scale=result.multi_scale, cells=tuple(cells), paper=result.paper,
            paper_title=result.paper_title, paper_key=result.paper_key,
            date=result.effective_date,
            weights=tuple(LinkView(l.label, l.url) for l in result.weights),
            code=tuple(LinkView(l.label, l.url) for l in result.code),
            notes=result.notes, result=result))
    return LeaderboardView(
        task_id=lb.task_id, id=lb.id, title=lb.title, dataset=lb.dataset,
        description=lb.description, notes=lb.notes, highlight=lb.highlight,
        metrics=tuple(metric_view(m) for m in lb.metrics), rows=tuple(rows))
