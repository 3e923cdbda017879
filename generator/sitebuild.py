"""The MkDocs plugin's work (``generator/plugin.py``) apart from the lifted blocks
(``generator.blocks``), the stamped pages (``generator.stamping``) and the sitemap
(``generator.sitemap``): which data a build reads, loading it, the files handed to MkDocs,
the footer crediting the data's sources, and one line for a disk error that ends a build.
Publishing the site folder is ``generator.publish``.  Nothing here imports MkDocs.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Mapping

from . import collector, pipeline, site, stamping
from .fsutil import Spooler, describe
from .model import Project, Source
from .problems import InputError, display_path, errors
from .publish import Output
from .render import link_href

DATA_ENV = "LEADERBOARD_DATA"  # overrides the data folder (tests and benchmarks build copies)
# the generated sections a site may publish (models includes the compare page, compare.md)
SECTIONS = ("tasks", "datasets", "papers", "models")


class SiteError(Exception):
    """The build cannot go on; the message says why, for the user."""


def data_folder(root: Path, option: str | Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The data folder: ``$LEADERBOARD_DATA`` if set, else ``option``; a relative path is
    taken from ``root`` (the folder of mkdocs.yml)."""
    return root / (environ.get(DATA_ENV) or option)


def load(data_dir: Path, memory: pipeline.Memory | None = None) -> Project:
    """The data, checked: invalid data stops the build before MkDocs touches the site.
    ``memory``: the files of the previous load (``mkdocs serve``), handed back unless they
    changed."""
    try:
        loaded = pipeline.load_project(data_dir, memory=memory)
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


@dataclass
class Generated:
    """The files to hand to MkDocs ({path relative to docs: text}: pages, exports, one
    placeholder page per stamped section), and the pages to write from those placeholders
    ({section folder such as ``papers/``: [(page path, markdown)]})."""
    files: dict[str, str] = field(default_factory=dict)
    stamped: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> {path: markdown}
    # files written straight into the built site, past MkDocs (``DIRECT``)
    direct: dict[str, str] = field(default_factory=dict)
    # all of site.site_pages and site.site_files, and the data: what a rebuild may reuse
    pages: dict[str, str] = field(default_factory=dict, repr=False)
    site_files: dict[str, str] = field(default_factory=dict, repr=False)
    project: Project | None = field(default=None, repr=False)
    memo: "site.Memo | None" = field(default=None, repr=False)  # for the next rebuild
    # a rebuild's: the pages and files (of ``pages`` and ``site_files``) made again, those
    # of the previous build gone, and whether the pages are the previous build's, in its
    # order (None: a build from scratch, everything is new)
    changed: set[str] | None = field(default=None, repr=False)
    gone: set[str] | None = field(default=None, repr=False)
    same_pages: bool = False


def generate(project: Project, intro: str = "", sections=SECTIONS,
             templates_dir: Path | None = None, site_url: str = "",
             site_name: str = "Leaderboards", edit_base: str | None = None,
             previous: Generated | None = None,
             changed: set[tuple[str, str]] | None = None) -> Generated:
    """The site's generated files: home (``intro`` is docs/index.md's text) and the data
    exports always, the pages of ``sections``; ``templates_dir`` holds template overrides.
    Pages of the sections left out are not published, but the pages kept still link to them.
    ``previous``: the last build's, made with the same settings and templates, of which the
    pages and files that the files ``changed`` ((kind, id)) do not touch are reused: it is
    taken over (its dicts become this build's, changed in place)."""
    with collector.paused():
        reuse = None
        if previous is not None and previous.project is not None and changed is not None:
            reuse = site.touched(previous.project, project, changed, previous.pages,
                                 previous.site_files)
            reuse.memo = previous.memo
        out = _generate(project, intro, sections, templates_dir, site_url, site_name,
                        edit_base, reuse)
        if reuse is not None:
            _patch(out, previous, reuse, sections)
        else:
            _sort(out, out.pages, out.site_files, sections)
        return out


def _generate(project: Project, intro: str, sections, templates_dir: Path | None,
              site_url: str, site_name: str, edit_base: str | None,
              reuse: "site.Reuse | None" = None) -> Generated:
    out = Generated(project=project, memo=site.Memo())
    out.pages = site.site_pages(project, intro, templates_dir, edit_base, reuse, out.memo)
    out.site_files = site.site_files(project, site_url, templates_dir, site_name, reuse,
                                     out.memo)
    return out


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
        (out.direct if path.startswith(DIRECT) else out.files)[path] = text
    for section in out.stamped:
        out.files[stamping.placeholder_path(section)] = stamping.PLACEHOLDER


def _patch(out: Generated, previous: Generated, reuse: "site.Reuse", sections) -> None:
    """A rebuild's ``_sort``: the previous build's sorting, with the pages and files made
    again put in and those gone taken out; sorted anew when pages were added or moved."""
    out.changed = reuse.rendered | reuse.files_changed
    out.gone = reuse.dropped | reuse.files_dropped
    out.same_pages = reuse.same_order and not reuse.dropped and not reuse.added
    if not out.same_pages:
        _sort(out, out.pages, out.site_files, sections)
        return
    out.files, out.direct, out.stamped = previous.files, previous.direct, previous.stamped
    for path in reuse.rendered:
        if not _published(path, sections):
            continue
        if stamping.stampable(path):
            out.stamped[stamping.section_of(path)][path] = out.pages[path]
        else:
            out.files[path] = out.pages[path]
    for path in reuse.files_dropped:
        (out.direct if path.startswith(DIRECT) else out.files).pop(path, None)
    for path in reuse.files_changed:
        (out.direct if path.startswith(DIRECT) else out.files)[path] = out.site_files[path]


# the folders of files written past MkDocs (MkDocs would only copy them, at a cost per file):
# a badge per ranked result and the exports (30,000 files on the archive)
DIRECT = ("badges/", "data/")


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
        gone = [path for path in now.gone if path.startswith(DIRECT)]
    else:
        gone = [path for path in before.direct.keys() - now.direct.keys()]
        stamped_now = {path for pages in now.stamped.values() for path in pages}
        gone += [stamping.page_url(path) + "index.html" for pages in before.stamped.values()
                 for path in pages if path not in stamped_now]
        gone += [page_output(path) for path in before.files.keys() - now.files.keys()
                 if path.endswith(".md")]
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
