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
import json
import logging
import os
import re
import shutil
import subprocess
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator.fsutil import describe
from generator.pipeline import load_project
from generator.problems import display_path, errors
from generator.publish import Output
from generator.render import RAW_CLOSE, RAW_OPEN, link_href
from generator.site import site_files, site_pages

_stash: dict[str, list[str]] = {}  # page -> the HTML blocks lifted out of its markdown
STAMPED = ("papers/", "datasets/")  # sections whose pages are written from a placeholder
STAMP, TITLE_MARK, BODY_MARK = "_stamp", "LBSTAMPTITLE", "<div data-lb-stamp></div>"
_stamped: dict[str, list[tuple[str, str]]] = {}  # section -> [(page path, markdown)]
_written: list[str] = []  # URLs of the pages written from placeholders
_build: dict = {}  # this build's project, and its output (lock and staging folder)
log = logging.getLogger("mkdocs.hooks.leaderboard")
_MD = MarkdownIt("commonmark", {"html": True})  # our own generated markdown: HTML is trusted


def _stampable(path: str) -> bool:
    return path.startswith(STAMPED) and path.endswith(".md") and not path.endswith("index.md")


def on_startup(command: str, dirty: bool = False) -> None:
    _build["dirty"] = dirty


def on_config(config):
    """Load and check the data before MkDocs empties the site folder, so bad data never
    costs the previous site; build into a staging folder that replaces the site only
    when the build succeeds (one build at a time per site folder: see generator.publish);
    credit the data's sources in the footer."""
    root = Path(config.config_file_path).parent
    # LEADERBOARD_DATA lets a build use another data folder (the tests build from copies)
    data_dir = root / (os.environ.get("LEADERBOARD_DATA")
                       or config.extra.get("leaderboard_data", "data"))
    loaded = load_project(data_dir)
    if errors(loaded.problems):
        lines = "\n".join(p.format() for p in loaded.problems)
        raise PluginError(f"the leaderboard data is invalid:\n{lines}")
    _build.update(project=loaded.project, root=root)
    parts = []
    for source in loaded.project.sources:
        name = escape(source.name)
        if source.url:
            name = f'<a href="{escape(link_href(source.url))}">{name}</a>'
        licence = escape(source.license or "")
        if licence and source.license_url:
            licence = f'<a href="{escape(link_href(source.license_url))}">{licence}</a>'
        parts.append(f"{name} ({licence})" if licence else name)
    if parts:
        config.copyright = "Data: " + "; ".join(parts)
    _open_output(config)
    return config


def _open_output(config) -> None:
    """Lock the site folder and build beside it; also the probe that it can be written,
    so a read-only or missing place is one line, not a traceback.  ``--dirty`` builds
    update the site in place (they need the old files), under the same lock."""
    _close_output()  # a build of this process that never ended (``mkdocs serve``)
    site_dir = config.site_dir
    output = Output(site_dir, on_wait=lambda: log.info(
        f"Waiting for another build of {display_path(site_dir)} to finish"))
    try:
        folder = output.open(staged=not _build.get("dirty"))
    except OSError as exc:
        raise PluginError(describe(exc)) from None
    _build.update(output=output, site_dir=site_dir, warnings=_WarningCount())
    logging.getLogger("mkdocs").addHandler(_build["warnings"])
    config.site_dir = str(folder)


def _close_output() -> None:
    """Throw away an unpublished staging folder and release the lock."""
    _stop_staging()
    output = _build.pop("output", None)
    if output is not None:
        output.abandon()


def on_shutdown() -> None:
    _close_output()


class _WarningCount(logging.Handler):
    """Counts MkDocs's warnings, as ``--strict`` does, to know whether the build will fail."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1


def on_files(files: Files, config) -> Files:
    project = _build["project"]
    intro_file = files.get_file_from_path("index.md")
    intro = Path(intro_file.abs_src_path).read_text(encoding="utf-8") if intro_file else ""
    generated = {**site_pages(project, intro), **site_files(project)}
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
    title, markdown = _front_matter_title(markdown)
    heading, _, body = markdown.partition("\n")
    title = title or _MD.renderInline(heading.removeprefix("# ").strip())
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


def _front_matter_title(markdown: str) -> tuple[str | None, str]:
    """The page's front-matter title (escaped HTML, as render.page_title writes it) and the
    markdown after the front matter."""
    if not markdown.startswith("---\n"):
        return None, markdown
    head, _, rest = markdown[4:].partition("\n---\n")
    title = next((json.loads(line[len("title: "):]) for line in head.split("\n")
                  if line.startswith("title: ")), None)
    return title, rest.lstrip("\n")


@event_priority(-100)  # after every plugin has written its files
def on_post_build(config, **kwargs) -> None:
    """Drop the placeholder pages, list the written pages in the sitemap, and put the
    finished site in place of the previous one."""
    site_dir = Path(config.site_dir)
    for section in _stamped:
        shutil.rmtree(site_dir / section / STAMP, ignore_errors=True)
    _fix_sitemap(site_dir, config.site_url or "", _build.get("root"))
    _publish(config)


@event_priority(-100)  # last: it may end the build itself
def on_build_error(error, **kwargs) -> None:
    """A failed build leaves the previous site as it was; a disk error (full, read-only)
    is one line, like MkDocs's own errors, instead of a traceback."""
    output = _build.get("output")
    staging = output.staging if output is not None else None
    _close_output()
    if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
        message = describe(error)
        # a copy's error names its source first: name the written file, as it will be
        names = [os.fsdecode(n) for n in (error.filename2, error.filename) if n is not None]
        inside = [n for n in names if staging is not None and n.startswith(f"{staging}{os.sep}")]
        if inside:
            path = str(output.target) + inside[0][len(str(staging)):]
            message = f"cannot write {display_path(path)}: {error.strerror}"
        log.error(message)
        raise Abort("Aborted with a BuildError!")


def _stop_staging() -> None:
    handler = _build.get("warnings")
    if handler is not None:
        logging.getLogger("mkdocs").removeHandler(handler)


def _publish(config) -> None:
    """Swap the staging folder in (in one step where the OS can: see generator.publish),
    unless ``--strict`` is about to fail the build."""
    output = _build.get("output")
    if output is None:
        return
    _stop_staging()
    if config.strict and _build["warnings"].count:
        return  # MkDocs aborts next; on_build_error removes the staging folder
    del _build["output"]
    try:
        output.publish()  # and releases the lock
    except OSError as exc:
        raise PluginError(describe(exc)) from None
    config.site_dir = _build["site_dir"]


def _fix_sitemap(site_dir: Path, base: str, root: Path | None) -> None:
    """List the pages written from placeholders; date every page by the last commit
    (MkDocs would write the build's date, and two builds would differ), or by nothing
    outside a git checkout."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    text = re.sub(r"\s*<url>\s*<loc>[^<]*/" + STAMP + r"/</loc>.*?</url>", "",
                  sitemap.read_text(encoding="utf-8"), flags=re.S)
    date = _commit_date(root)
    lastmod = f"\n         <lastmod>{date}</lastmod>" if date else ""
    entries = "".join(f"\n    <url>\n         <loc>{escape(base + url)}</loc>{lastmod}\n    </url>"
                      for url in sorted(_written))
    text = text.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>" if entries else "</urlset>")
    text = re.sub(r"(\s*)<lastmod>[^<]*</lastmod>",
                  (lambda m: f"{m[1]}<lastmod>{date}</lastmod>") if date else "", text)
    sitemap.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site_dir / "sitemap.xml.gz", "wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def _commit_date(root: Path | None) -> str | None:
    """The date (YYYY-MM-DD) of the checkout's last commit, if it is one."""
    if root is None:
        return None
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=root, capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    date = proc.stdout.strip()
    return date if proc.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
