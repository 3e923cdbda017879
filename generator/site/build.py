"""The site's generated files (``generate``): every page drawn from its context
(``views.pages``) and the other files (``views.site.site_files``), through the page cache
(``PageCache``, the one place that knows a previous build), sorted into what MkDocs gets,
what is stamped and what is written past it.  Also the plugin's other work apart from the
lifted blocks (``blocks``), the stamped pages (``stamping``) and the sitemap
(``sitemap``): which data a build reads, loading it, the footer crediting the data's
sources, and one line for a disk error that ends a build.  Publishing the site folder is
``publish``.  Nothing here imports MkDocs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Mapping
from urllib.parse import quote, urlsplit

from generator.project import collector
from generator.views import pages as contexts
from generator.project import pipeline
from generator.outputs import render
from generator.views import site
from generator.site import searchindex, stamping
from generator.rules import urls
from generator.project.filecache import FileCache
from generator.site.fsutil import Spooler, describe
from generator.project.model import Project, Source
from generator.project.problems import InputError, display_path, errors
from generator.site.publish import Output
from generator.outputs.render import link_href

DATA_ENV = "LEADERBOARD_DATA"  # overrides the data folder (tests and benchmarks build copies)
# the generated sections a site may publish (models includes the compare page, compare.md)
SECTIONS = ("tasks", "datasets", "papers", "models")


class SiteError(Exception):
    """The build cannot go on; the message says why, for the user."""


def data_folder(root: Path, option: str | Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The data folder: ``$LEADERBOARD_DATA`` if set, else ``option``; a relative path is
    taken from ``root`` (the folder of mkdocs.yml)."""
    return root / (environ.get(DATA_ENV) or option)


def load(data_dir: Path, cache: FileCache | None = None) -> Project:
    """The data, checked: invalid data stops the build before MkDocs touches the site.
    ``cache``: the files of the previous load (``mkdocs serve``), handed back unless they
    changed."""
    try:
        loaded = pipeline.load_project(data_dir, cache=cache)
    except InputError as exc:
        raise SiteError(f"the leaderboard data cannot be read:\n{exc}") from None
    if errors(loaded.problems):
        lines = "\n".join(p.format() for p in loaded.problems)
        raise SiteError(f"the leaderboard data is invalid:\n{lines}")
    return loaded.project


def folder_stamp(folder: Path | None) -> tuple:
    """What dates a folder's files (names, sizes, times): a template override that changed
    means no page of the previous build may be reused."""
    if folder is None or not folder.is_dir():
        return ()
    out = []
    for path in sorted(folder.rglob("*")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def edit_base(repo_url: str | None, edit_uri: str | None, root: Path, data_dir: Path) -> str | None:
    """The address under which the data folder's files are edited on the repository's host:
    ``repo_url`` + the branch part of ``edit_uri`` (``edit/main/``; MkDocs's ``edit_uri`` goes
    on to the docs folder, the data folder sits beside it) + the data folder as seen from
    mkdocs.yml's folder.  None without a repo_url, or for a data folder outside the
    repository (``$LEADERBOARD_DATA`` elsewhere): no link rather than a wrong one."""
    if not repo_url:
        return None
    try:
        data = Path(os.path.relpath(Path(data_dir).resolve(), Path(root).resolve()))
    except ValueError:
        return None
    if data.parts[:1] == ("..",):
        return None
    parts = (edit_uri or "").strip("/").split("/")
    branch = "/".join(parts[:2]) if len(parts) >= 2 and parts[0] in ("edit", "blob") \
        else "edit/main"
    folder = "" if str(data) == "." else f"{data.as_posix()}/"
    return f"{repo_url.rstrip('/')}/{branch}/{folder}"


def form_base(repo_url: str | None) -> str | None:
    """Where a result is submitted from the browser: the repository's issue form
    (``.github/ISSUE_TEMPLATE/add-result.yml``, which ``leaderboard init`` writes), on
    GitHub, the one host whose issue forms take their fields from the address; None
    elsewhere or without a repo_url."""
    if not repo_url:
        return None
    try:
        parts = urlsplit(repo_url.strip())
    except ValueError:
        return None
    path = parts.path.strip("/")
    if parts.scheme != "https" or parts.hostname != "github.com" or path.count("/") != 1:
        return None
    return f"https://github.com/{quote(path.removesuffix('.git'), safe='/')}/issues/new?template=add-result.yml"


def fill_repository(markdown: str, repo_url: str | None) -> str:
    """A hand-written page's repository marks filled from mkdocs.yml's ``repo_url``, so a
    fork's site names its own: ``[[repo_url]]``, ``[[repo_name]]`` and ``[[fork_url]]``
    (the clone address of a reader's fork, ``https://github.com/YOUR-NAME/NAME.git``)."""
    if "[[" not in markdown:
        return markdown
    url = (repo_url or "https://github.com/OWNER/leaderboards").rstrip("/")
    name = url.rsplit("/", 1)[-1].removesuffix(".git") or "leaderboards"
    host = url.split("/")[2] if url.count("/") >= 3 else "github.com"
    return markdown.replace("[[repo_url]]", url).replace("[[repo_name]]", name) \
        .replace("[[fork_url]]", f"https://{host}/YOUR-NAME/{name}.git")


def task_of_page(src_path: str) -> str | None:
    """The task a generated task page shows: ``tasks/x.md`` -> ``x``."""
    parts = src_path.split("/")
    if len(parts) == 2 and parts[0] == "tasks" and parts[1].endswith(".md") \
            and parts[1] != "index.md":
        return parts[1][:-len(".md")]
    return None


class PageCache:
    """What the last build made, by key, with the inputs it was made from: a page's text
    by its context, a leaderboard's exports by its data, a part of data/all.json by its
    task.  Called as ``site.Keep``: ``cache(key, inputs, make)`` is what the last build made
    for ``key`` when its inputs were the same objects or equal (identity first, then
    equality), else ``make()``.  The one place that knows a previous build: `mkdocs serve`
    hands each build's to the next."""

    def __init__(self, previous: "PageCache | None" = None) -> None:
        self._before = previous._now if previous is not None else {}
        self._now: dict = {}

    def __call__(self, key, inputs, make):
        done = self._before.get(key)
        if done is None or not (done[0] is inputs or done[0] == inputs):
            done = (inputs, make())
        self._now[key] = done
        return done[1]


@dataclass
class Generated:
    """The files to hand to MkDocs ({path relative to docs: text}: pages, exports, one
    placeholder page per stamped section), and the pages to write from those placeholders
    ({section folder such as ``papers/``: [(page path, markdown)]})."""
    files: dict[str, str] = field(default_factory=dict)
    stamped: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> {path: markdown}
    # files written straight into the built site, past MkDocs (``DIRECT``)
    direct: dict[str, str] = field(default_factory=dict)
    # every generated page and other file, before they are sorted into the three above
    pages: dict[str, str] = field(default_factory=dict, repr=False)
    site_files: dict[str, str] = field(default_factory=dict, repr=False)
    cache: PageCache | None = field(default=None, repr=False, compare=False)  # for the next build
    # against a previous build: the pages and files whose text differs or is new, those
    # gone, and whether the pages are the same paths in the same order (None: no previous)
    changed: set[str] | None = field(default=None, repr=False)
    gone: set[str] | None = field(default=None, repr=False)
    same_pages: bool = False
    # the search entries of the generated pages published (``searchindex.entries``)
    search: list[dict] = field(default_factory=list, repr=False)


def site_pages(project: Project, home_intro: str = "", templates_dir: Path | None = None,
               edit_base: str | None = None, keep: "site.Keep | None" = None,
               data: "site.SiteData | None" = None, form: str | None = None) -> dict[str, str]:
    """Every generated page of the site: {path relative to docs: markdown text}, each drawn
    by its context's template (``views.pages``).  ``templates_dir``: a folder whose templates
    replace the shipped ones of the same name; ``edit_base``: where the data folder's files
    are edited, for "Edit this leaderboard" links; ``keep``: a page whose context is the
    last build's keeps its text."""
    keep = keep or site.fresh
    data = data or site.derive(project, keep)
    pages: dict[str, str] = {}
    served: dict[str, str] = {}  # URL -> page: tasks/t.md and tasks/t/index.md are one
    for path, context in contexts.page_contexts(data, home_intro, edit_base, keep, form):
        url = urls.page_url(path) if path.endswith(".md") else path.removesuffix("index.html")
        other = served.setdefault(url, path)  # a redirect (index.html) is served there too
        if other is not path:  # validate refuses what would do it (rules.urls): never replace
            raise ValueError(f"{other} and {path} would be one page; run validate on the data")
        pages[path] = keep(("page", path), context, lambda: render.render(
            context.TEMPLATE, templates_dir, **context.values()))
    return pages


def generate(project: Project, intro: str = "", sections=SECTIONS,
             templates_dir: Path | None = None, site_url: str = "",
             site_name: str = "Leaderboards", edit_base: str | None = None,
             previous: Generated | None = None, form: str | None = None) -> Generated:
    """The site's generated files: home (``intro`` is docs/index.md's text) and the data
    exports always, the pages of ``sections``; ``templates_dir`` holds template overrides.
    Pages of the sections left out are not published, but the pages kept still link to them.
    ``previous``: the last build's, made with the same settings and templates: what it
    made from the same inputs is taken, not made again (``PageCache``)."""
    with collector.paused():
        cache = PageCache(previous.cache if previous is not None else None)
        data = site.derive(project, cache, fold="tasks" in sections)  # rows to fold into
        out = Generated(cache=cache)
        out.pages = site_pages(project, intro, templates_dir, edit_base, cache, data, form)
        out.site_files = site.site_files(project, site_url, templates_dir, site_name, cache,
                                         data)
        _sort(out, out.pages, out.site_files, sections)
        out.search = searchindex.entries(data, sections)
        if previous is not None:
            out.changed = {path for made, before in ((out.pages, previous.pages),
                                                     (out.site_files, previous.site_files))
                           for path, text in made.items() if _differs(before.get(path), text)}
            out.gone = (previous.pages.keys() - out.pages.keys()) \
                | (previous.site_files.keys() - out.site_files.keys())
            out.same_pages = list(previous.pages) == list(out.pages)
        return out


def _differs(before: str | None, now: str) -> bool:
    return before is None or (before is not now and before != now)


def _published(path: str, sections) -> bool:
    """Whether a generated page is of a section the site publishes."""
    name = "models" if path == "compare.md" else path.split("/")[0]
    return name in sections or name not in SECTIONS


def _sort(out: Generated, pages: dict[str, str], files: dict[str, str], sections) -> None:
    """Hand ``pages`` and ``files`` to MkDocs (``out.files``), to their sections' placeholders
    (``out.stamped``) or past MkDocs (``out.direct``)."""
    for path, text in pages.items():
        if not _published(path, sections):
            continue
        if stamping.stampable(path):
            out.stamped.setdefault(stamping.section_of(path), {})[path] = text
        else:
            out.files[path] = text
    for path, text in files.items():
        if is_stub(path) and not _published(path, sections):
            continue
        (out.direct if is_direct(path) else out.files)[path] = text
    for section in out.stamped:
        out.files[stamping.placeholder_path(section)] = stamping.PLACEHOLDER


# the folders of files written past MkDocs (MkDocs would only copy them, at a cost per file):
# a badge per ranked result and the exports (30,000 files on the archive)
DIRECT = ("badges/", "data/")


def is_stub(path: str) -> bool:
    """Whether a site file is the stub at a folded model's or paper's old address
    (``site.stubs``: ``papers/KEY/index.html``), also written past MkDocs."""
    return path.startswith(("papers/", "models/")) and path.endswith("/index.html")


def is_direct(path: str) -> bool:
    """Whether a site file is written past MkDocs: an export, a badge or a stub."""
    return path.startswith(DIRECT) or is_stub(path)


# the top folders of the built site that hold generated files: a rebuild of `mkdocs serve`
# carries them over from the last build instead of writing their 45,000 files again
CARRIED = ("badges", "data", "papers", "datasets", "models", "tasks")


def carry_over(old_site: Path, staging: Path, before: Generated, now: Generated) -> list[str]:
    """Move the generated folders of the last build (``old_site``) into ``staging`` and take
    out what this build no longer has: exports and badges, stamped pages and MkDocs's pages
    of the generated files gone.  What changed is written again by the build (``changed``).
    Returns the folders moved (``carry_back`` returns them if the build fails)."""
    moved = []
    for name in CARRIED:
        source, target = old_site / name, staging / name
        if source.is_dir() and not source.is_symlink() and not os.path.lexists(target):
            os.rename(source, target)
            moved.append(name)
    if now.gone is not None and now.same_pages:  # a rebuild: what it took out (no page)
        gone = [path for path in now.gone if is_direct(path)]
    else:
        gone = [path for path in before.direct.keys() - now.direct.keys()]
        stamped_now = {path for pages in now.stamped.values() for path in pages}
        gone += [stamping.page_url(path) + "index.html" for pages in before.stamped.values()
                 for path in pages if path not in stamped_now]
        gone += [page_output(path) if path.endswith(".md") else path  # a redirect's file
                 for path in before.files.keys() - now.files.keys()]
    for path in gone:
        target = staging / path
        try:
            target.unlink()
        except OSError:
            continue
        try:
            for folder in target.parents:  # folders left empty go too: a clean build has none
                if folder == staging or any(folder.iterdir()):
                    break
                folder.rmdir()
        except OSError:
            pass
    return moved


def carry_back(old_site: Path, staging: Path, moved: list[str]) -> None:
    """Put the folders ``carry_over`` moved back into the site still served."""
    for name in moved:
        source = staging / name
        if source.is_dir() and not os.path.lexists(old_site / name):
            os.rename(source, old_site / name)


def page_output(path: str) -> str:
    """Where MkDocs writes a page (directory URLs): ``a/b.md`` -> ``a/b/index.html``."""
    stem = path[:-len(".md")]
    return f"{stem}.html" if stem == "index" or stem.endswith("/index") else f"{stem}/index.html"


def write_direct(site_dir: Path, files: dict[str, str], spooler: Spooler) -> None:
    """Have ``spooler`` write ``files`` ({path relative to the site: text}) into the built
    site."""
    spooler.write_all((Path(site_dir) / path, text) for path, text in files.items())


def sources_html(sources: list[Source]) -> str:
    """The data's sources as HTML: ``NAME (LICENCE)`` each, linked where they have a URL,
    separated by semicolons; empty if there are none.  Every field is escaped."""
    parts = []
    for source in sources:
        name = escape(source.name)
        if source.url:
            name = f'<a href="{escape(link_href(source.url))}">{name}</a>'
        licence = escape(source.license or "")
        if licence and source.license_url:
            licence = f'<a href="{escape(link_href(source.license_url))}">{licence}</a>'
        parts.append(f"{name} ({licence})" if licence else name)
    return "; ".join(parts)


def footer(sources: list[Source]) -> str | None:
    """The site's copyright line crediting the data, or None when there are no sources."""
    html = sources_html(sources)
    return f"Data: {html}" if html else None


def error_line(error: BaseException, output: Output | None) -> str | None:
    """One line for a disk error (full, read-only) that ended a build, or None for any other
    error.  A file of the staging folder is named where it was to be published."""
    if not isinstance(error, OSError) or isinstance(error, BrokenPipeError):
        return None
    staging = output.staging if output is not None else None
    # a copy's error names its source first: name the written file, as it will be
    names = [os.fsdecode(n) for n in (error.filename2, error.filename) if n is not None]
    inside = [n for n in names if staging is not None and n.startswith(f"{staging}{os.sep}")]
    if inside:
        path = str(output.target) + inside[0][len(str(staging)):]
        return f"cannot write {display_path(path)}: {error.strerror}"
    return describe(error)
