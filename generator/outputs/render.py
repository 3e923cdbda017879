"""Stage 4: rendering through Jinja templates in ``templates/``.

This module builds the Jinja environment and the small view helpers the
templates need (escaping, table cells and widths); the templates decide what is
drawn.  Input is the typed model only.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from generator.views import leaderboard as views
from generator.project.model import Dataset, Leaderboard, Link, Project, Task
from generator.rules import ids
from generator.rules import links as link_rules
from generator.rules import text as text_rules

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# --- markdown escaping ------------------------------------------------------

_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


_MD_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|(?<![^\W_])_|_(?![^\W_])|^#")
_MARKUP_START = re.compile(r"\\<(?=[A-Za-z/!?])")


def md_text(text: str) -> str:
    """Plain text made safe for one line of markdown (headings, table cells).

    Escapes what CommonMark/GFM would read as markup; an underscore inside a
    word (``DeepLab_v3``) cannot start emphasis and stays as it is.  Newlines
    become spaces, so a value never breaks a table row.
    """
    text = _ENTITY.sub("&amp;", _CONTROL.sub("", " ".join(text.split())))
    # a '<' that could open a tag as an entity: Python-Markdown does not read '\\<' as an
    # escape, and would pass '\\<svg/onload=...>' on as HTML
    return _MARKUP_START.sub("&lt;", _MD_SPECIAL.sub(lambda m: "\\" + m[0], text))


def md_code(text: str) -> str:
    """Text as one inline code span that nothing in it can close (a longer backtick fence)."""
    text = _CONTROL.sub("", " ".join(str(text).split()))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link_href(url: str) -> str:
    """A data URL fit for ``href``: http(s) or relative, judged as a browser decodes it;
    anything else (``javascript:``, ``&#106;avascript:``, ``data:``...) becomes a dead ``#``.
    Validation refuses such URLs; this keeps every output safe even for data that was
    never validated."""
    return link_rules.href(url)


def md_url(url: str) -> str:
    """A link destination that survives inside a table cell (a backslash is encoded:
    CommonMark would read ``javascript\\:`` as ``javascript:``)."""
    url = link_href(url).replace("|", "%7C").replace(" ", "%20").replace("<", "%3C") \
        .replace(">", "%3E").replace("\\", "%5C")
    if url.count("(") != url.count(")"):
        url = url.replace("(", "%28").replace(")", "%29")
    return url


def md_link(link: Link) -> str:
    return f"[{md_text(link.label)}]({md_url(link.url)})"


def md_links(links: list[Link]) -> str:
    return " ".join(md_link(link) for link in links) if links else "N/A"


gh_anchor = ids.gh_anchor


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
    if align == "none":
        return "-" * width
    return ":" + "-" * (width - 1)


@lru_cache(maxsize=1)
def _prose_renderer() -> MarkdownIt:
    """CommonMark + tables, raw HTML off, and links only where ``rules.links`` allows them."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = link_rules.safe_link
    return md


def prose(text: str | None) -> Markup:
    """A markdown field (description, notes) as safe HTML."""
    if not text:
        return Markup("")
    return Markup(_prose_renderer().render(text))


@lru_cache(maxsize=1)
def _inspector() -> MarkdownIt:
    """Markdown read as permissively as any renderer would: raw HTML on, every link kept."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True
    return md


def _prose_is_inert(text: str) -> tuple[bool, bool]:
    """(no markup, no unsafe link): whether any markdown renderer (CommonMark, GFM,
    Python-Markdown) could make raw HTML or a script link of ``text``."""
    tokens = _inspector().parse(text)
    outside_code, links_ok = text, True
    lines = text.split("\n")
    for token in tokens:
        if token.type == "html_block":
            return False, links_ok
        if token.type == "fence" and token.level == 0 and token.map and token.map[1] - 1 > token.map[0] \
                and lines[token.map[1] - 1].strip().startswith(token.markup):
            # a closed fence at the top level: code to every renderer, shown as written
            outside_code = outside_code.replace(token.content, "", 1)
        for child in token.children or []:
            if child.type == "html_inline":
                return False, links_ok
            if child.type == "code_inline":
                outside_code = outside_code.replace(child.content, "", 1)
            elif child.type in ("link_open", "image"):
                target = str(child.attrGet("href") or child.attrGet("src") or "")
                links_ok = links_ok and link_rules.safe_link(target)
    # looser renderers (Python-Markdown) make links CommonMark does not: a target with a space
    for m in _LOOSE_LINK.finditer(outside_code):
        links_ok = links_ok and link_rules.safe_link(m[1])
    return not text_rules.browser_markup(outside_code), links_ok


_LOOSE_LINK = re.compile(r"\]\s*\(\s*<?([^\s)>]*)")


def md_prose(text: str | None) -> str:
    """A markdown field (description, notes, section body) for a markdown output: as written
    when no renderer could make raw HTML or a script link of it (validation ensures that);
    otherwise, whatever validation let through, with raw HTML shown as text (``<`` as
    ``&lt;``) and, if it links anywhere unsafe, no links at all."""
    if not text:
        return ""
    # blank lines around it go; the first line keeps its indent (four spaces make code)
    text = _fences_closed(re.sub(r"^(?:[ \t]*\n)+", "", _PROSE_CONTROL.sub("", text)).rstrip())
    no_markup, links_ok = _prose_is_inert(text)
    if no_markup and links_ok:
        return text
    neutral = text.replace("<", "&lt;")
    if not links_ok:
        neutral = neutral.replace("[", "\\[").replace("]", "\\]")
    if _prose_is_inert(neutral) == (True, True):
        return neutral
    return "\n".join(md_text(line) for line in text.split("\n"))  # plain text, line by line


def _fences_closed(text: str) -> str:
    """``text`` with a code fence it leaves open closed at its end: else the fence would run
    on through what the output prints after the field (the rest of a README section, the
    table, the generated section's END marker)."""
    if "```" not in text and "~~~" not in text:
        return text
    lines = text.split("\n")
    for token in _inspector().parse(text):
        if token.type == "fence" and token.level == 0 and token.map \
                and token.map[1] >= len(lines) and not (
                    token.map[1] - 1 > token.map[0]
                    and lines[token.map[1] - 1].strip().startswith(token.markup)):
            return text + "\n" + token.markup
    return text


_PROSE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


_HEADING_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+!|])")


def md_heading(text: str) -> Markup:
    """Plain text for a Python-Markdown heading: HTML-escaped, markup characters escaped."""
    text = _CONTROL.sub("", " ".join(text.split()))
    return Markup(_HEADING_ESCAPE.sub(r"\\\1", html.escape(text, quote=False)))


_TITLE_DROPPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def page_title(text: str) -> Markup:
    """A page's title for its front matter, as a YAML string holding escaped HTML.

    The theme prints ``page.meta.title`` into ``<title>`` and the header as it is, without
    escaping it, so it must already be HTML: ``<``, ``>`` and ``&`` arrive as entities and
    show as the characters, and nothing in it can end the ``<title>`` element.
    """
    text = " ".join(_TITLE_DROPPED.sub(" ", str(text)).split())
    return Markup(json.dumps(html.escape(text, quote=True), ensure_ascii=False))


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
          "|": r"\textbar{}"}


def latex_escape(text: str) -> str:
    """Plain text for LaTeX: the ten special characters escaped, whitespace folded (so text
    never ends a ``%`` comment line), control characters dropped."""
    text = _CONTROL.sub("", " ".join(str(text).split()))
    return "".join(_LATEX.get(ch, ch) for ch in text)


# Big HTML blocks (tables, charts) stand between these markers.  Pages stay complete
# markdown for any builder; the plugin (generator.site.blocks) lifts the blocks out before Markdown runs and
# puts them back into the finished page, so Python-Markdown and the search indexer never
# parse thousands of table cells (the search gets the model names instead).
RAW_OPEN, RAW_CLOSE = "<!--lb:raw-->", "<!--/lb:raw-->"


def raw(html: str) -> Markup:
    return Markup(f"{RAW_OPEN}\n{str(html).strip()}\n{RAW_CLOSE}")


# --- the markdown table ------------------------------------------------------

@dataclass(frozen=True)
class MarkdownTable:
    """A leaderboard as the cells of a GFM table (escaped), drawn by leaderboard_table.md.j2."""

    header: tuple[str, ...]
    aligns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def widths(self) -> list[int]:
        cols = [self.header, *self.rows]
        return [max(3, *(display_width(row[i]) for row in cols)) for i in range(len(self.header))]


def markdown_header(metric: views.MetricView) -> str:
    """A metric's header in the SotA-CV page layout, which writes the unit after a comma
    (``mAP, %``); every other output uses the view's label (``mAP (%)``)."""
    return f"{metric.name}, {metric.unit}" if metric.unit else metric.name


def markdown_table(view: views.LeaderboardView) -> MarkdownTable:
    """The seed's table layout: Model | metrics... | Weights | Paper | Code, highlighted cells
    in bold."""
    header = ("Model", *(md_text(markdown_header(m)) for m in view.metrics), "Weights", "Paper",
              "Code")
    aligns = ("left", *(["center"] * len(view.metrics)), "left", "left", "left")
    rows = []
    for row in view.rows:
        cells = [md_text(row.display_name)]
        for cell in row.cells:
            cells.append("N/A" if cell.text is None else
                         f"**{cell.shown}**" if cell.highlight else cell.shown)
        cells.append(md_links(row.weights))
        cells.append(f"[{md_text(row.paper_title or 'paper')}]({md_url(row.paper)})"
                     if row.paper else "N/A")
        cells.append(md_links(row.code))
        rows.append(tuple(cells))
    return MarkdownTable(header, aligns, tuple(rows))


_INLINE_UNITS = frozenset({"%", "K", "M", "B", "G", "T"})


def nlp_progress_table(view: views.LeaderboardView) -> MarkdownTable:
    """The layout of NLP-progress and pages like it: Model | metrics... | Paper / Source |
    Code (when a result has code), the paper's title as its link text, and a Notes column
    when a result has notes (what ``import`` read from footnote marks); N/A as '-'."""
    notes = any(row.notes for row in view.rows)
    code = any(row.code for row in view.rows)
    # '96M', '76.5%': such pages write a percent or a magnitude after each value
    inline = [m.unit in _INLINE_UNITS for m in view.metrics]
    header = ("Model", *(md_text(m.name if after else markdown_header(m))
                         for m, after in zip(view.metrics, inline)), "Paper / Source",
              *(("Code",) if code else ()), *(("Notes",) if notes else ()))
    # text columns without alignment, numbers centred: as NLP-progress writes its tables
    aligns = ("none", *(["center"] * len(view.metrics)), "none", *(("none",) if code else ()),
              *(("none",) if notes else ()))
    rows = []
    for row in view.rows:
        cells = [md_text(row.display_name)]
        for cell, metric, after in zip(row.cells, view.metrics, inline):
            shown = "-" if cell.text is None else cell.shown + (metric.unit if after else "")
            cells.append(f"**{shown}**" if cell.highlight and cell.text is not None else shown)
        cells.append(f"[{md_text(row.paper_title or 'paper')}]({md_url(row.paper)})"
                     if row.paper else "")
        if code:
            cells.append(", ".join(f"[{md_text(l.label)}]({md_url(l.url)})" for l in row.code))
        if notes:
            cells.append(md_text(row.notes or ""))
        rows.append(tuple(cells))
    return MarkdownTable(header, aligns, tuple(rows))


@dataclass(frozen=True)
class MarkdownBoard:
    """One leaderboard of a markdown page: the leaderboard, its table, its dataset's name and
    website (plain data for task_page.md.j2 and readme_leaderboards.md.j2)."""

    lb: Leaderboard
    table: MarkdownTable
    dataset_name: str | None
    dataset_url: str | None


def markdown_boards(task: Task, project: Project) -> list[MarkdownBoard]:
    out = []
    for lb in task.leaderboards:
        dataset = project.datasets.get(lb.dataset) if lb.dataset else None
        out.append(MarkdownBoard(lb, markdown_table(views.leaderboard_view(lb)),
                                 dataset.name if dataset else None, dataset_website(dataset)))
    return out


# --- templates --------------------------------------------------------------

def shipped_templates() -> Path:
    """The templates this package ships: ``templates/`` beside the package in a checkout (and
    an editable install), ``generator/templates`` inside an installed wheel."""
    here = Path(__file__).resolve().parents[1]  # the package
    for folder in (here / "templates", here.parent / "templates"):
        if (folder / "leaderboard_table.md.j2").is_file():
            return folder
    raise FileNotFoundError("the package's templates are missing: reinstall it")


def _autoescaped(name: str | None) -> bool:
    """HTML and SVG templates, and the site's pages (markdown whose bodies are HTML), escape
    every value they print; the markdown outputs escape with md_text and md_url instead."""
    return bool(name) and (name.endswith((".html", ".html.j2", ".svg.j2", ".xml.j2"))
                           or name.startswith("site_"))


@lru_cache(maxsize=None)
def environment(overrides: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: a template in ``overrides`` (a site's own templates folder)
    replaces the shipped one of the same name, as MkDocs' ``custom_dir`` does."""
    folder = _override_folder(overrides)
    folders = [str(folder)] if folder is not None else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(shipped_templates())]),
        autoescape=_autoescaped,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md_text=md_text, md_url=md_url, link_href=link_href, md_links=md_links,
                       pad=pad, rule=rule, gh_anchor=gh_anchor, prose=prose, md_heading=md_heading,
                       md_prose=md_prose, page_title=page_title,
                       raw=raw, site_page=site_page)
    env.filters.update(latex=latex_escape, latex_label=lambda s: re.sub(r"[^A-Za-z0-9:.-]", "-", s))
    return env


def _override_folder(overrides: Path | None) -> Path | None:
    """The folder whose templates replace the shipped ones: None for none, or for this
    repository's own templates/ (the shipped ones themselves)."""
    if overrides is None or not Path(overrides).is_dir() \
            or Path(overrides).resolve() == shipped_templates().resolve():
        return None
    return Path(overrides)


def overridden(template: str, overrides: Path | None) -> bool:
    """Whether a site's own templates folder replaces the shipped ``template``."""
    folder = _override_folder(overrides)
    return folder is not None and (folder / template).is_file()


XML_TEMPLATES = (".xml.j2", ".svg.j2")  # standalone XML documents: the feed, the badges


def render(template: str, templates: Path | None = None, **context) -> str:
    """Render ``template`` (by name) with plain data; ``templates``: a folder of overrides.

    An XML template's output loses every character XML 1.0 forbids (U+FFFE, C0 controls,
    lone surrogates): none belongs to the template's own markup, so this is each value
    cleaned as it is printed, and the feed and badges parse whatever the data held."""
    text = environment(Path(templates) if templates is not None else None) \
        .get_template(template).render(**context)
    return text_rules.xml_chars(text) if template.endswith(XML_TEMPLATES) else text


LAYOUTS = ("sota-cv", "nlp-progress")  # the page layouts ``task_markdown`` writes


def task_markdown(task: Task, project: Project, templates: Path | None = None,
                  layout: str = "sota-cv") -> str:
    """A task page in the seed's layout (SotA-CV), or in NLP-progress's: the layout a
    migrated repository's readers know, which ``import`` reads back to the same data."""
    if layout == "nlp-progress":
        boards = [MarkdownBoard(lb, nlp_progress_table(views.leaderboard_view(lb)), None, None)
                  for lb in task.leaderboards]
        if task.page is not None:
            return render("task_page_as_written.md.j2", templates,
                          parts=page_parts(task.page, boards))
        return render("task_page_nlp_progress.md.j2", templates, task=task, boards=boards)
    boards = markdown_boards(task, project)
    if task.page is not None:
        return render("task_page_as_written.md.j2", templates, parts=page_parts(task.page, boards))
    return render("task_page.md.j2", templates, task=task, boards=boards)


@dataclass(frozen=True)
class PagePart:
    """A piece of a task's page as written: its own text, or a leaderboard's table (with
    ``heading`` when the page had no place for it and it follows at the end)."""

    text: str | None = None
    board: "MarkdownBoard | None" = None
    heading: bool = False


def page_parts(page: str, boards: list["MarkdownBoard"]) -> list[PagePart]:
    """The page cut at its marker lines, each replaced by its leaderboard's table; a marker
    that names no leaderboard (validation reports it) draws nothing; the leaderboards no
    marker names follow at the end under their titles."""
    by_id = {board.lb.id: board for board in boards}
    parts = [PagePart(text=piece) if isinstance(piece, str) else PagePart(board=by_id[piece[0]])
             for piece in page_cut(page, by_id)]
    placed = {part.board.lb.id for part in parts if part.board is not None}
    parts += [PagePart(board=b, heading=True) for b in boards if b.lb.id not in placed]
    return parts


def page_cut(page: str, board_ids) -> list["str | tuple[str]"]:
    """A task's page cut at its marker lines: its text pieces (``str``, none blank) and, in
    their place, ``(id,)`` for each marker that names one of ``board_ids`` the first time
    (a marker naming none, or naming one again, draws nothing: validation reports it)."""
    out: list[str | tuple[str]] = []
    at, placed = 0, set()
    for m in text_rules.PAGE_MARKER.finditer(page):
        if page[at:m.start()].strip():
            out.append(page[at:m.start()])
        if m[1] in board_ids and m[1] not in placed:
            placed.add(m[1])
            out.append((m[1],))
        at = m.end()
    if page[at:].strip():
        out.append(page[at:])
    return out


# --- a task's page as written, on the site ---------------------------------------

@dataclass(frozen=True)
class SitePiece:
    """A piece of a task's page as the site draws it: ``text``, markdown for the site's page
    (a heading line, or one opaque block of HTML), or ``board``, the leaderboard a marker
    names, with the ``level`` of its heading: one below the heading it stands under."""

    text: Markup | None = None
    board: object = None
    level: int = 2


def site_page(page: str, boards, links: Mapping[str, str], root: str,
              title: str | None = None) -> list[SitePiece]:
    """A task's page as written (``page``), for the site: rendered as every markdown field is
    (raw HTML off, links only where ``rules.links`` allows them), with

    - its headings a level lower where needed, so that the site's title stays the page's one
      h1 (a first line that is the page's title, ``title``, is left out: the site prints
      it already), each a heading of the site's page (in its table of contents) with the
      anchor GitHub gave it, so the page's own links to its sections (``#cnn--daily-mail``)
      still land;
    - its links to files of the repository it came from (``ner.md``, ``../README.md``,
      ``img/x.png``), which the site does not have, taken to the task of that name where
      ``links`` (``views.site.page_links``) found one, else shown as their text; a link to
      a section not on the page, as its text too;
    - each marker line naming one of ``boards`` (anything with ``view.id``) the piece of
      that board, in place.

    The leaderboards no marker names are the template's to draw after it."""
    by_id = {board.view.id: board for board in boards}
    md = _prose_renderer()
    cut = page_cut(page, by_id)
    env: dict = {}
    for piece in cut:  # the page's link references, for every piece of it
        if isinstance(piece, str):
            md.parse(piece, env)
    parsed = [md.parse(piece, env) if isinstance(piece, str) else piece for piece in cut]
    tokens_all = [t for piece in parsed if isinstance(piece, list) for t in piece]
    first = parsed[0][0] if parsed and isinstance(parsed[0], list) and parsed[0] else None
    if not (first is not None and first.type == "heading_open" and first.tag == "h1"
            and title is not None and _plain(tokens_all[1]).casefold()
            == " ".join(str(title).split()).casefold()):
        first = None  # not the title: a heading like the others
    levels = [int(t.tag[1:]) for t in tokens_all if t.type == "heading_open" and t is not first]
    shift = max(0, 2 - min(levels, default=2))
    used = set(by_id) | {f"table-{board_id}" for board_id in by_id}
    anchors: dict[int, str] = {}
    for i, t in enumerate(tokens_all):
        if t.type == "heading_open" and t is not first:
            anchors[id(t)] = _unique_anchor(gh_anchor(_plain(tokens_all[i + 1])) or "section", used)
    targets = set(anchors.values()) | set(by_id)  # its sections, and its leaderboards

    pieces: list[SitePiece] = []
    buffer: list = []

    def flush() -> None:
        if buffer:
            body = md.renderer.render(buffer, md.options, env)
            pieces.append(SitePiece(text=raw(f'<div class="lb-prose lb-page-text">\n{body}</div>')))
            buffer.clear()

    level = 1  # the level of the last heading shown
    for piece in parsed:
        if isinstance(piece, tuple):
            flush()
            pieces.append(SitePiece(board=by_id[piece[0]], level=min(level + 1, 6)))
            continue
        i = 0
        while i < len(piece):
            t = piece[i]
            if t.type == "inline":
                _relink(t, targets, links, root)
            elif t.type == "td_open" and i + 1 < len(piece) and len(piece[i + 1].content) > LONG_CELL:
                t.attrSet("class", "lb-long")  # running text: kept readable on a phone (CSS)
            if t.type == "heading_open":
                new = min(int(t.tag[1:]) + shift, 6)
                text = _plain(piece[i + 1])
                if t is first or (t.level == 0 and not text):
                    i += 3
                    continue
                if t.level == 0:  # a heading of the site's page
                    flush()
                    pieces.append(SitePiece(text=Markup(
                        f"{'#' * new} {md_heading(text)} {{ #{anchors[id(t)]} }}")))
                    level = new
                    i += 3
                    continue
                t.tag = piece[i + 2].tag = f"h{new}"  # inside a quote or a list: HTML
                t.attrSet("id", anchors[id(t)])
            buffer.append(t)
            i += 1
        flush()
    return pieces


LONG_CELL = 80  # characters: a table cell of running text, not a name or a number


def _plain(inline) -> str:
    """The text an inline token shows, without its markup."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())


def _unique_anchor(anchor: str, used: set[str]) -> str:
    """``anchor``, or as GitHub numbers a repeated one (``squad-1``), not yet in ``used``."""
    found, n = anchor, 0
    while found in used:
        n += 1
        found = f"{anchor}-{n}"
    used.add(found)
    return found


def _relink(inline, targets: set[str], links: Mapping[str, str], root: str) -> None:
    """An inline token's links as the site can follow them (``site_page``): a link nothing on
    the site answers, and an image of the old repository's files, become their text."""
    kept, dropping = [], False
    for child in inline.children or []:
        if child.type == "link_open":
            href = _page_href(str(child.attrGet("href") or ""), targets, links, root)
            if href is None:
                dropping = True
                continue
            child.attrSet("href", href)
        elif child.type == "link_close" and dropping:
            dropping = False
            continue
        elif child.type == "image" and _page_href(str(child.attrGet("src") or ""), set(), {},
                                                  root) is None:
            kept.append(Token("text", "", 0, content=child.content))
            continue
        kept.append(child)
    inline.children = kept


def _page_href(href: str, targets: set[str], links: Mapping[str, str], root: str) -> str | None:
    """Where a link of a task's page goes on the site, None for nowhere: a web address as it
    is, a section of the page, the task page ``links`` gives for a file of the repository."""
    if href.startswith("#"):
        return href if unquote(href[1:]) in targets else None
    if link_rules.scheme(href) is not None or href.startswith("//"):
        return href  # http(s) only: the renderer made no link of any other scheme
    if href in links:
        return f"{root}tasks/{links[href]}/"
    return None


def leaderboard_markdown(lb: Leaderboard, templates: Path | None = None) -> str:
    """One leaderboard's table alone (the markdown export)."""
    return render("leaderboard_table.md.j2", templates,
                  table=markdown_table(views.leaderboard_view(lb)))


def dataset_website(dataset: Dataset | None) -> str | None:
    if dataset is None:
        return None
    for kind in ("website", "evaluation", "paper"):
        for link in dataset.links:
            if link.kind == kind:
                return link.url
    return dataset.links[0].url if dataset.links else None
