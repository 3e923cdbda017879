"""Stage 4: rendering through Jinja templates in ``templates/``.

This module builds the Jinja environment and the small view helpers the
templates need (escaping, table cells and widths); the templates decide what is
drawn.  Input is the typed model only.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import ranking
from .model import Dataset, Leaderboard, Link, Project, Task, safe_link

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# --- markdown escaping ------------------------------------------------------

_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


_MD_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|(?<![^\W_])_|_(?![^\W_])|^#")


def md_text(text: str) -> str:
    """Plain text made safe for one line of markdown (headings, table cells).

    Escapes what CommonMark/GFM would read as markup; an underscore inside a
    word (``DeepLab_v3``) cannot start emphasis and stays as it is.  Newlines
    become spaces, so a value never breaks a table row.
    """
    text = _MD_SPECIAL.sub(lambda m: "\\" + m[0], " ".join(text.split()))
    return _ENTITY.sub(r"\\&", text)


def link_href(url: str) -> str:
    """A data URL fit for ``href``: http(s), mailto or relative; anything else
    (``javascript:``, ``data:``...) becomes a dead ``#``.  Validation refuses such URLs;
    this keeps the pages safe even for data that was never validated."""
    url = "".join(ch for ch in str(url) if ch >= " " and ch != "\x7f")
    return url if safe_link(url) else "#"


def md_url(url: str) -> str:
    """A link destination that survives inside a table cell."""
    url = link_href(url).replace("|", "%7C").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    if url.count("(") != url.count(")"):
        url = url.replace("(", "%28").replace(")", "%29")
    return url


def md_link(link: Link) -> str:
    return f"[{md_text(link.label)}]({md_url(link.url)})"


def md_links(links: list[Link]) -> str:
    return " ".join(md_link(link) for link in links) if links else "N/A"


def gh_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces as '-'."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def display_width(text: str) -> int:
    """Columns a monospaced editor uses for ``text`` (wide CJK counts 2)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def rule(width: int, align: str) -> str:
    if align == "center":
        return ":" + "-" * (width - 2) + ":"
    if align == "right":
        return "-" * (width - 1) + ":"
    return ":" + "-" * (width - 1)


@lru_cache(maxsize=1)
def _prose_renderer() -> MarkdownIt:
    # CommonMark + tables, raw HTML off; markdown-it's validateLink drops javascript: etc.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def prose(text: str | None) -> Markup:
    """A markdown field (description, notes) as safe HTML."""
    if not text:
        return Markup("")
    return Markup(_prose_renderer().render(text))


_HEADING_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+!|])")


def md_heading(text: str) -> str:
    """Plain text for a Python-Markdown heading: HTML-escaped, markup characters escaped."""
    return _HEADING_ESCAPE.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def latex_escape(text: str) -> str:
    """Plain text for LaTeX: the ten special characters escaped, whitespace folded."""
    return "".join(_LATEX.get(ch, ch) for ch in " ".join(str(text).split()))


# Big HTML blocks (tables, charts) stand between these markers.  Pages stay complete
# markdown for any builder; the MkDocs hook lifts the blocks out before Markdown runs and
# puts them back into the finished page, so Python-Markdown and the search indexer never
# parse thousands of table cells (the search gets the model names instead).
RAW_OPEN, RAW_CLOSE = "<!--lb:raw-->", "<!--/lb:raw-->"


def raw(html: str) -> Markup:
    return Markup(f"{RAW_OPEN}\n{str(html).strip()}\n{RAW_CLOSE}")


# --- table view -------------------------------------------------------------

@dataclass
class Table:
    header: list[str]
    aligns: list[str]
    rows: list[list[str]]

    @property
    def widths(self) -> list[int]:
        cols = [self.header, *self.rows]
        return [max(3, *(display_width(row[i]) for row in cols)) for i in range(len(self.header))]


def markdown_table(lb: Leaderboard) -> Table:
    """The seed's table layout: Model | metrics... | Weights | Paper | Code."""
    header = ["Model", *(md_text(m.header) for m in lb.metrics), "Weights", "Paper", "Code"]
    aligns = ["left", *(["center"] * len(lb.metrics)), "left", "left", "left"]
    limits = {m.name: ranking.threshold(lb, m, lb.highlight) for m in lb.metrics}
    rows = []
    for result in ranking.ordered(lb):
        cells = [md_text(result.display_name)]
        for metric in lb.metrics:
            value = result.values.get(metric.name)
            text = metric.format(value)
            if text is None:
                cells.append("N/A")
            elif ranking.reaches(metric, value.number, limits[metric.name]):
                cells.append(f"**{text}**")
            else:
                cells.append(text)
        cells.append(md_links(result.weights))
        cells.append(f"[paper]({md_url(result.paper)})" if result.paper else "N/A")
        cells.append(md_links(result.code))
        rows.append(cells)
    return Table(header, aligns, rows)


# --- environment ------------------------------------------------------------

@lru_cache(maxsize=None)
def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "svg.j2"),
                                            default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md_text=md_text, md_url=md_url, link_href=link_href, md_links=md_links,
                       pad=pad, rule=rule, gh_anchor=gh_anchor, prose=prose, md_heading=md_heading,
                       raw=raw)
    env.filters.update(latex=latex_escape, latex_label=lambda s: re.sub(r"[^A-Za-z0-9:.-]", "-", s))
    env.globals.update(markdown_table=markdown_table, dataset_website=dataset_website)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def task_markdown(task: Task, project: Project) -> str:
    """A task page in the seed's format."""
    return render("task_page.md.j2", task=task, datasets=project.datasets)


def dataset_website(dataset: Dataset | None) -> str | None:
    if dataset is None:
        return None
    for kind in ("website", "evaluation", "paper"):
        for link in dataset.links:
            if link.kind == kind:
                return link.url
    return dataset.links[0].url if dataset.links else None
