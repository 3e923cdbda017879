"""The thin MkDocs hook (``hooks:`` in mkdocs.yml): adds the generated pages.

All the work is in ``generator.site``; this file only hands its pages to
MkDocs as in-memory files, replacing docs/index.md with the generated home
(which includes that file's text).  Builders that do not run hooks use
``python -m generator pages --out DIR`` instead.

Two things here only make big builds fast, and change no page:

* big HTML blocks are lifted out before Python-Markdown runs and put back into
  the finished page (so neither Markdown nor the search indexer parses them);
* paper and dataset pages (thousands in the Papers with Code archive) are not
  run through MkDocs one by one: MkDocs renders one placeholder page per
  section, and each such page is written from it with its title and body.
  They are listed in the sitemap; the search index keeps their names through
  the index pages that list them.
"""
from __future__ import annotations

import gzip
import os
import re
import shutil
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator.pipeline import load_project
from generator.problems import errors
from generator.render import RAW_CLOSE, RAW_OPEN
from generator.site import site_files, site_pages

_stash: dict[str, list[str]] = {}  # page -> the HTML blocks lifted out of its markdown
STAMPED = ("papers/", "datasets/")  # sections whose pages are written from a placeholder
STAMP, TITLE_MARK, BODY_MARK = "_stamp", "LBSTAMPTITLE", "<div data-lb-stamp></div>"
_stamped: dict[str, list[tuple[str, str]]] = {}  # section -> [(page path, markdown)]
_written: list[str] = []  # URLs of the pages written from placeholders
_MD = MarkdownIt("commonmark", {"html": True})  # our own generated markdown: HTML is trusted


def _stampable(path: str) -> bool:
    return path.startswith(STAMPED) and path.endswith(".md") and not path.endswith("index.md")


def on_config(config):
    """The footer names where the data comes from and its licence (data/sources.yml)."""
    from html import escape

    from generator.importers import read_sources

    root = Path(config.config_file_path).parent
    data_dir = root / (os.environ.get("LEADERBOARD_DATA")
                       or config.extra.get("leaderboard_data", "data"))
    parts = []
    for source in read_sources(data_dir):
        name = escape(str(source["name"]))
        if source.get("url"):
            name = f'<a href="{escape(str(source["url"]))}">{name}</a>'
        licence = escape(str(source.get("license", "")))
        if licence and source.get("license_url"):
            licence = f'<a href="{escape(str(source["license_url"]))}">{licence}</a>'
        parts.append(f"{name} ({licence})" if licence else name)
    if parts:
        config.copyright = "Data: " + "; ".join(parts)
    return config


def on_files(files: Files, config) -> Files:
    root = Path(config.config_file_path).parent
    # LEADERBOARD_DATA lets a build use another data folder (the tests build from copies)
    data_dir = root / (os.environ.get("LEADERBOARD_DATA")
                       or config.extra.get("leaderboard_data", "data"))
    loaded = load_project(data_dir)
    if errors(loaded.problems):
        lines = "\n".join(p.format() for p in loaded.problems)
        raise PluginError(f"the leaderboard data is invalid:\n{lines}")
    intro_file = files.get_file_from_path("index.md")
    intro = Path(intro_file.abs_src_path).read_text(encoding="utf-8") if intro_file else ""
    generated = {**site_pages(loaded.project, intro), **site_files(loaded.project)}
    _stamped.clear()
    _written.clear()
    for path, text in list(generated.items()):
        if _stampable(path):
            _stamped.setdefault(path.split("/")[0] + "/", []).append((path, text))
            del generated[path]
    for section in _stamped:
        generated[f"{section}{STAMP}.md"] = f"---\ntitle: {TITLE_MARK}\n---\n\n{BODY_MARK}\n"
    for path, text in generated.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=text))
    return files


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    """Lift the big HTML blocks out before Python-Markdown parses the page."""
    if RAW_OPEN not in markdown:
        return markdown
    markdown, _stash[page.file.src_uri] = _lift(markdown)
    return markdown


def on_post_page(output: str, page, config, **kwargs) -> str:
    """Put the lifted blocks back into the finished page (after search indexing), and
    write the pages of a section from its placeholder page."""
    blocks = _stash.pop(page.file.src_uri, None)
    for i, block in enumerate(blocks or []):
        output = output.replace(f'<div data-lb-raw="{i}"></div>', block, 1)
    section = page.file.src_uri[: -len(f"{STAMP}.md")]
    if page.file.src_uri.endswith(f"/{STAMP}.md") and section in _stamped:
        for path, markdown in _stamped[section]:
            _write_stamped(output, section, path, markdown, Path(config.site_dir))
    return output


def _lift(markdown: str) -> tuple[str, list[str]]:
    blocks, parts, rest = [], [], markdown
    while RAW_OPEN in rest:
        before, _, after = rest.partition(RAW_OPEN)
        block, _, rest = after.partition(RAW_CLOSE)
        parts += [before, f'\n<div data-lb-raw="{len(blocks)}"></div>\n']
        blocks.append(block)
    parts.append(rest)
    return "".join(parts), blocks


def _write_stamped(template: str, section: str, path: str, markdown: str, site_dir: Path) -> None:
    heading, _, body = markdown.partition("\n")
    title = _MD.renderInline(heading.removeprefix("# ").strip())
    body, blocks = _lift(body)
    html = _MD.render(body)
    html = re.sub(r"<h([2-6])>(.*?)</h\1>", lambda m: '<h{0} id="{1}">{2}</h{0}>'.format(
        m[1], re.sub(r"[^a-z0-9]+", "-", m[2].lower()).strip("-"), m[2]), html)
    for i, block in enumerate(blocks):
        html = html.replace(f'<div data-lb-raw="{i}"></div>', block.strip(), 1)
    slug = path[len(section):-3]
    page = template.replace(TITLE_MARK, title).replace(BODY_MARK, html) \
        .replace(f"{section}{STAMP}/", f"{section}{slug}/")
    out = site_dir / section / slug / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    _written.append(f"{section}{slug}/")


def on_post_build(config, **kwargs) -> None:
    """Drop the placeholder pages and list the written pages in the sitemap."""
    site_dir = Path(config.site_dir)
    for section in _stamped:
        shutil.rmtree(site_dir / section / STAMP, ignore_errors=True)
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    base = config.site_url or ""
    text = re.sub(r"\s*<url>\s*<loc>[^<]*/" + STAMP + r"/</loc>.*?</url>", "",
                  sitemap.read_text(encoding="utf-8"), flags=re.S)
    entries = "".join(f"\n    <url>\n         <loc>{escape(base + url)}</loc>\n    </url>"
                      for url in sorted(_written))
    text = text.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>" if entries else "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))
