"""Pages written from a placeholder: the leaderboard, model, paper and dataset pages.

The Papers with Code archive has thousands of them, and running each through MkDocs's page
pipeline and Material's templates would be most of the build.  Instead MkDocs renders one
placeholder page per section (``papers/_stamp.md``, whose title and body are marks), and each
page of the section is written from that finished HTML: its title and its body (rendered by
markdown-it-py; our own generated markdown, so raw HTML is trusted) put in place of the
marks, the placeholder's URL replaced by the page's.  The pages are listed in the sitemap
(``generator.sitemap``) and in the search index (``searchindex.entries``, made from the data);
the placeholders are in neither.  Nothing here imports MkDocs.
"""
from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from markdown_it import MarkdownIt

from generator.site import blocks

# sections whose pages are written from a placeholder; ``*`` stands for any folder name
# (a leaderboard page is tasks/TASK/LEADERBOARD.md), and the placeholder stands at the same
# depth as the pages, so the relative links of the finished HTML hold for every page
SECTIONS = ("papers/", "datasets/", "models/", "tasks/*/")
STAMP = "_stamp"  # the placeholder page's name in each section
TITLE_MARK = "LBSTAMPTITLE"
BODY_MARK = "<div data-lb-stamp></div>"
# the placeholder's markdown; Material's search leaves it out of its index, and its pages
# (leaderboards, models, papers, datasets: tables, no headings to list) hide the table of
# contents, so their tables get its column
PLACEHOLDER = f"---\ntitle: {TITLE_MARK}\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n\n{BODY_MARK}\n"

_MD = MarkdownIt("commonmark", {"html": True})  # our own generated markdown: HTML is trusted
_HEADING = re.compile(r"<h([2-6])>(.*?)</h\1>")


@lru_cache(maxsize=None)  # asked of every generated page in every build
def section_of(path: str) -> str | None:
    """The section a page belongs to: ``papers/x.md`` -> ``papers/``,
    ``tasks/t/l.md`` -> ``tasks/*/``; None for a page of no section."""
    parts = path.split("/")
    if len(parts) == 2:
        section = parts[0] + "/"
    elif len(parts) == 3:
        section = parts[0] + "/*/"
    else:
        return None
    return section if section in SECTIONS else None


@lru_cache(maxsize=None)
def stampable(path: str) -> bool:
    """Whether a generated page (``papers/x.md``) is written from its section's placeholder."""
    return path.endswith(".md") and not path.endswith("index.md") and section_of(path) is not None


def page_url(path: str) -> str:
    """A stamped page's URL (directory URLs): ``papers/x.md`` -> ``papers/x/``."""
    return path[:-len(".md")] + "/"


def placeholder_path(section: str) -> str:
    """The placeholder page's source path: ``papers/`` -> ``papers/_stamp.md``,
    ``tasks/*/`` -> ``tasks/_stamp/_stamp.md``."""
    return f"{section.replace('*', STAMP)}{STAMP}.md"


def placeholder_url(section: str) -> str:
    """The placeholder page's URL: ``papers/`` -> ``papers/_stamp/``."""
    return page_url(placeholder_path(section))


def placeholder_folder(section: str) -> str:
    """The folder to remove from the built site once the section is written:
    ``papers/_stamp/``, ``tasks/_stamp/``."""
    return placeholder_url(section).split(STAMP, 1)[0] + STAMP + "/"


def placeholder_section(src_path: str) -> str | None:
    """The section whose placeholder ``src_path`` is, or None."""
    return _PLACEHOLDERS.get(src_path)


_PLACEHOLDERS = {placeholder_path(section): section for section in SECTIONS}


def front_matter_title(markdown: str) -> tuple[str | None, str]:
    """The page's front-matter title (escaped HTML, as ``render.page_title`` writes it: one
    JSON string) and the markdown after the front matter."""
    if not markdown.startswith("---\n"):
        return None, markdown
    head, _, rest = markdown[4:].partition("\n---\n")
    title = next((json.loads(line[len("title: "):]) for line in head.split("\n")
                  if line.startswith("title: ")), None)
    return title, rest.lstrip("\n")


def _anchored(match: re.Match) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", match[2].lower()).strip("-")
    return f'<h{match[1]} id="{slug}">{match[2]}</h{match[1]}>'


def stamp(template: str, section: str, path: str, markdown: str) -> tuple[str, str]:
    """(the page's URL, its HTML): the placeholder's finished HTML ``template`` with the
    page's title and body.  The title is the front matter's, else the page's first line
    (``# Title``); the body is the rest, its headings given ids."""
    title, markdown = front_matter_title(markdown)
    heading, _, body = markdown.partition("\n")
    title = title or _MD.renderInline(heading.removeprefix("# ").strip())
    body, lifted = blocks.lift(body)
    html = blocks.restore(_HEADING.sub(_anchored, _MD.render(body)), lifted, strip=True)
    url = page_url(path)
    page = template.replace(TITLE_MARK, title).replace(BODY_MARK, html) \
        .replace(placeholder_url(section), url)
    return url, page


def _write_all(files: Iterable[tuple[Path, str]]) -> None:
    for path, text in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_section(site_dir: Path, template: str, section: str, pages: list[tuple[str, str]],
                  write_all: Callable[[Iterable[tuple[Path, str]]], None] = _write_all) -> list[str]:
    """Write a section's pages (``[(path, markdown)]``) from its placeholder's HTML into
    ``site_dir`` with ``write_all`` (which is given the files lazily: ``fsutil.Spooler``
    stamps them in a process of its own); return their URLs."""
    def files():
        for path, markdown in pages:
            url, html = stamp(template, section, path, markdown)
            yield site_dir / url / "index.html", html
    write_all(files())
    return [page_url(path) for path, _ in pages]


def remove_placeholders(site_dir: Path, sections) -> None:
    """Take the placeholder pages out of the built site."""
    for section in sections:
        shutil.rmtree(site_dir / placeholder_folder(section), ignore_errors=True)
